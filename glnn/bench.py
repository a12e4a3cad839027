"""Kernel throughput: Numba SGD against a plain NumPy per-sample loop, measured in one process."""
from __future__ import annotations

import time

import numpy as np

from glnn.core import specialise
from glnn.core.errors import GlnnError
from glnn.core.trainer import Trainer

# (label, settings): the first two on the built-in 5x5 digits, the last on 64 inputs
CASES = (
    ("25-16-10", {"dataset": "digits5", "hidden": (16,)}),
    ("25-64-10", {"dataset": "digits5", "hidden": (64,)}),
    ("64-128-10", {"dataset": "digits8", "hidden": (128,)}),
)


def numpy_sgd(trainer: Trainer, n: int) -> float:
    """The textbook per-sample loop in NumPy (matrix-vector products, no Numba); returns it/s.

    Works on a copy of the trainer's weights, so the benchmark leaves the trainer as it was.
    """
    net = trainer.net
    ws = [net.weights(l).copy() for l in range(net.arch.n_layers)]
    bs = [net.biases(l).copy() for l in range(net.arch.n_layers)]
    x_all, y_all = trainer.dataset.x_train, trainer.dataset.y_train
    lr = np.float32(trainer.settings["lr"])
    n_out = ws[-1].shape[1]
    t0 = time.perf_counter()
    for k in range(n):
        idx = k % len(y_all)
        acts = [x_all[idx]]
        for w, b in zip(ws, bs):
            acts.append(1.0 / (1.0 + np.exp(-(acts[-1] @ w + b))))
        target = np.zeros(n_out, np.float32)
        target[y_all[idx]] = 0.99
        y = acts[-1]
        delta = 2.0 * (y - target) * y * (1.0 - y)
        for l in range(len(ws) - 1, -1, -1):
            prev = acts[l]
            back = ws[l] @ delta
            ws[l] -= lr * np.outer(prev, delta)
            bs[l] -= lr * delta
            delta = back * prev * (1.0 - prev)
    return n / (time.perf_counter() - t0)


def numba_sgd(trainer: Trainer, seconds: float) -> float:
    trainer.steps(1000)  # warm caches (compilation is cached on disk)
    done, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        done += trainer.steps(200_000)
    return done / (time.perf_counter() - t0)


def run(seconds: float = 2.0, numpy_iterations: int = 20_000, out=print) -> list[tuple[str, float, float]]:
    results = []
    out(f"{'network':<11} {'numba it/s':>12} {'numpy it/s':>12} {'ratio':>8}")
    for label, settings in CASES:
        try:
            trainer = Trainer(settings)
        except GlnnError as e:  # digits8 without scikit-learn: say so and go on
            out(f"{label:<11} skipped: {e}")
            continue
        spec = trainer.kernel_spec()
        if specialise.kernel(spec) is None:  # measure what the window trains with: compiled once, then cached
            out(f"{label:<11} compiling the kernel specialised to this network (once: it is cached)...")
            if specialise.ensure(spec) is None:
                out(f"{label:<11} could not compile it: the generic kernel")
        fast = numba_sgd(trainer, seconds)
        slow = numpy_sgd(trainer, numpy_iterations)
        results.append((label, fast, slow))
        out(f"{label:<11} {fast:>12,.0f} {slow:>12,.0f} {fast / slow:>7.0f}x")
    return results
