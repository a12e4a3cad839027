"""When the Numba kernels load: at the first trainer, or (in the window) after the first frame.

Importing Numba and loading glnn's kernels from its disk cache takes about a second on a small
machine (Numba's import, then its first-use set-up: its typing and lowering registries, and
SciPy's BLAS when SciPy is installed). Ahead of a window's first frame that second would be
all of the wait. So the window builds its trainer with load_kernels=False and calls
`load_in_background()` once its first frame is drawn; until `loaded()`, the reading calls here
(`forward`, `evaluate`, `forward_all`: the one place that chooses) answer with glnn.core.forward_np
(the same forward pass in NumPy), and training waits for them (the training thread with `wait`;
a training call made meanwhile loads them itself). A load that fails is kept (`error`) for the
window to report. Every other use (glnn train, bench, record,
screenshots, tests) loads them when it builds its first trainer.
"""
from __future__ import annotations

import threading
from types import ModuleType

import numpy as np

from glnn.core import forward_np
from glnn.core.shape import NetworkShape

_lock = threading.Lock()  # held through a load
_starting = threading.Lock()  # held while the loading thread is started (never through a load: frames call it)
_loaded = threading.Event()
_kernels: ModuleType | None = None
_thread: threading.Thread | None = None
_error: Exception | None = None  # what stopped the background load, if anything did


def loaded() -> bool:
    return _loaded.is_set()


def wait(timeout: float) -> bool:
    """Wait up to `timeout` seconds for a load under way (started by someone else); True once loaded."""
    return _loaded.wait(timeout)


def error() -> Exception | None:
    """The exception that ended the background load, or None."""
    return _error


def get() -> ModuleType:
    """glnn.core.kernels, loaded (waiting for a load under way, or loading now)."""
    if not _loaded.is_set():
        load()
    return _kernels


def load() -> None:
    """Import the kernels and load every one the trainer calls (kernels.warm_up); once per process."""
    global _kernels
    with _lock:
        if _loaded.is_set():
            return
        from glnn.core import kernels
        kernels.warm_up()
        _kernels = kernels
        _loaded.set()


def forward(shape: NetworkShape, params: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Every layer's activations for one input x, in a flat buffer of its own (layer l from a_off[l]),
    as kernels.forward: by the kernel once they are loaded, by NumPy until then."""
    if not loaded():
        return forward_np.values(shape, params, x)[0]
    acts = np.zeros(int(shape.a_off[-1]), np.float32)
    get().forward(*shape.args(params), x, acts, shape.a_off)
    return acts


def evaluate(shape: NetworkShape, params: np.ndarray, x: np.ndarray, labels: np.ndarray,
             on_value: np.float32) -> tuple[np.ndarray, np.ndarray]:
    """(outputs (rows, n_out), losses) for rows x with labels, as kernels.evaluate: by the kernel
    once they are loaded, by NumPy until then."""
    if not loaded():
        return forward_np.evaluate(shape, params, x, labels, on_value)
    out = np.zeros((x.shape[0], int(shape.sizes[-1])), np.float32)
    losses = np.zeros(x.shape[0], np.float32)
    scratch = int(shape.a_off[-1])
    get().evaluate(*shape.args(params), x, labels, on_value, np.zeros(scratch, np.float32),
                   np.zeros(scratch, np.float32), shape.a_off, out, losses)
    return out, losses


def forward_all(shape: NetworkShape, params: np.ndarray, x: np.ndarray, out: np.ndarray) -> None:
    """Every neuron's value for each row of x into out (neurons, rows), as kernels.forward_all: by
    the kernel once they are loaded, by NumPy until then (a window's first frames)."""
    if loaded():
        get().forward_all(*shape.args(params), x, out)
    else:
        out[:] = forward_np.values(shape, params, x).T


def load_in_background() -> None:
    """Start load() on a thread of its own, unless they are loaded or loading."""
    global _thread
    with _starting:
        if _loaded.is_set() or _thread is not None:
            return
        _thread = threading.Thread(target=_load_quietly, name="glnn-kernels", daemon=True)
        _thread.start()


def _load_quietly() -> None:
    global _error
    try:
        load()
    except Exception as e:  # kept for the window, which ends with it (a thread's traceback would say nothing)
        _error = e
