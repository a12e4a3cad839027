"""Input features of the 2-D point sets (TensorFlow Playground's feature column).

A point (x1, x2) of the plane becomes one input per chosen feature. The same function
computes the features of the training points (glnn.core.data) and of every grid point
of the input plane (glnn.core.plane, the hidden-space view), so the pictures of the
input neurons show exactly what the network is fed. Vectorised; imports only numpy.

The plane spans about -1..1 (Playground's spans -6..6), so the sines take pi * x: one
full wave across the plane, which a picture shows and a network can use.
"""
from __future__ import annotations

import numpy as np

FEATURES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")  # the order of the input neurons
DEFAULT = ("x1", "x2")
# how each is written on screen (the panel's font has Latin-1's superscript two)
LABELS = {"x1": "x1", "x2": "x2", "x1sq": "x1\u00b2", "x2sq": "x2\u00b2", "x1x2": "x1\u00b7x2",
          "sinx1": "sin x1", "sinx2": "sin x2"}
FORMULAS = {"x1": "x1", "x2": "x2", "x1sq": "x1 * x1", "x2sq": "x2 * x2", "x1x2": "x1 * x2",
            "sinx1": "sin(pi * x1)", "sinx2": "sin(pi * x2)"}


def canonical(names) -> tuple[str, ...]:
    """The chosen features in FEATURES order, each once (the input neurons' order does not depend on
    the order they were typed in). Unknown names raise ValueError."""
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(unknown[0])
    return tuple(f for f in FEATURES if f in set(names))


def expand(points: np.ndarray, names) -> np.ndarray:
    """(n, 2) points of the plane -> (n, len(names)) float32 inputs, C-contiguous, one column per feature."""
    p = np.asarray(points, np.float32).reshape(-1, 2)
    x1, x2 = p[:, 0], p[:, 1]
    columns = {"x1": lambda: x1, "x2": lambda: x2, "x1sq": lambda: x1 * x1, "x2sq": lambda: x2 * x2,
               "x1x2": lambda: x1 * x2, "sinx1": lambda: np.sin(np.float32(np.pi) * x1),
               "sinx2": lambda: np.sin(np.float32(np.pi) * x2)}
    out = np.empty((len(p), len(names)), np.float32)
    for k, name in enumerate(names):
        out[:, k] = columns[name]()
    return out


def bound(name: str, extent: float) -> float:
    """The largest |value| of a feature over the square -extent..extent: its colour scale in pictures."""
    if name in ("x1", "x2"):
        return float(extent)
    if name in ("x1sq", "x2sq", "x1x2"):
        return float(extent) ** 2
    return 1.0
