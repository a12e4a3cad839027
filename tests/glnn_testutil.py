"""Small helpers shared by the tests: reading a Trainer's weights, calling the kernel directly."""
from __future__ import annotations

import numpy as np

from glnn.core import kernels
from glnn.core.model import Network


def layers_of(net: Network, dtype=np.float32):
    """(weights, biases) as per-layer (n_in, n_out) matrices and vectors (copies); biases None without bias."""
    ws = [np.array(net.weights(l), dtype) for l in range(net.arch.n_layers)]
    bs = [np.array(net.biases(l), dtype) for l in range(net.arch.n_layers)] if net.arch.bias else None
    return ws, bs


def kernel_steps(trainer, n: int, *, lr: float | None = None, x: np.ndarray | None = None,
                 labels: np.ndarray | None = None, batch: int | None = None, shuffle: bool | None = None,
                 state: np.ndarray | None = None, order: np.ndarray | None = None):
    """Run glnn.core.kernels.train_steps on trainer's network (its parameters change in place) as
    Trainer.steps does from the start of a training order, with scratch buffers of its own.

    Returns (iterations done, per-iteration losses). Trains on the trainer's dataset, or on
    x/labels when given, visiting the rows in turn (or in `order`) from a fresh shuffle state
    (or `state`), as a new Trainer would. The argument types are exactly the trainer's, so no
    new Numba compilation is needed.
    """
    s, net, arch = trainer.settings, trainer.net, trainer.arch
    if x is None:
        x, labels = trainer.dataset.x_train, trainer.dataset.y_train
    x = np.ascontiguousarray(x, np.float32)
    labels = np.ascontiguousarray(labels, np.int32)
    order = np.arange(len(labels), dtype=np.int32) if order is None else order
    state = np.array([0, s["seed"] + 1], np.int64) if state is None else state  # [next position, shuffle RNG]
    shape = kernels.NetworkShape.of(arch, net.w_off, net.b_off)
    scratch = int(shape.a_off[-1])
    losses = np.zeros(n, np.float32)
    params, sizes, w_off, b_off, bias, activation, loss = shape.args(net.params)
    done = kernels.train_steps(params, np.zeros(net.n_params, np.float32), sizes, w_off, b_off, bias, activation, loss,
                               x, labels, order, state, n, np.float32(s["lr"] if lr is None else lr),
                               np.float32(s["l1"]), np.float32(s["l2"]),
                               int(s["batch"] if batch is None else batch),
                               bool(s["shuffle"] if shuffle is None else shuffle), trainer.on_value,
                               np.zeros(scratch, np.float32), np.zeros(scratch, np.float32), shape.a_off, losses)
    return done, losses


def max_abs_diff(a_list, b_list) -> float:
    return max(float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))
               for a, b in zip(a_list, b_list))


def click(app, x: float, y: float, draw=None) -> None:
    """A left click at window pixel (x, y), y from the top: move, press, release, each followed by a
    frame (draw(app), app.frame() by default). The events go straight to the handlers (the ImGui
    backend's and the App's): Window.dispatch_event would only queue them."""
    from pyglet.event import EventDispatcher
    from pyglet.window import mouse
    draw = draw or (lambda a: a.frame())
    h = app.window.height
    for event, args in (("on_mouse_motion", (0, 0)), ("on_mouse_press", (mouse.LEFT, 0)),
                        ("on_mouse_release", (mouse.LEFT, 0))):
        EventDispatcher.dispatch_event(app.window, event, x, h - y, *args)
        draw(app)
