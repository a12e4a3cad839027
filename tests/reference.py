"""A plain NumPy reference for per-sample / mini-batch SGD on a fully connected network.

Written from the textbook equations, independently of glnn.core.kernels: no flat parameter
array, no offset tables, no fused update. Weights are per-layer (n_in, n_out) matrices,
biases per-layer vectors, and everything is computed in `dtype` (float32 by default, so
the comparison with the Numba kernels is like for like; float64 for gradient checks).

Conventions (the ones glnn documents):
- hidden activation: sigmoid, tanh or relu;
- loss "sse": sigmoid outputs, loss = sum_j (y_j - t_j)^2, targets on_value (0.99) for the
  right class and 0 otherwise; dLoss/dz_j = 2 (y_j - t_j) y_j (1 - y_j);
- loss "xent": softmax outputs, loss = -sum_j t_j log y_j with one-hot targets (1.0);
  dLoss/dz_j = y_j - t_j. With ONE output neuron it is a sigmoid with binary
  cross-entropy -t log y - (1 - t) log(1 - y), same delta y - t;
- one output neuron: the target is on_value when the label is 1, else 0;
- y is clamped to >= 1e-30 inside the logarithm only (a saturated output gives a large,
  finite loss instead of infinity);
- samples are visited in the given order (default 0, 1, 2, ... cycling); a mini-batch of
  B is B consecutive visits, their gradients averaged, one update per batch; the loss
  of an iteration is the mean loss over its batch.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

_TINY = 1e-30


def activate(name: str, z: np.ndarray) -> np.ndarray:
    if name == "sigmoid":
        return sigmoid(z)
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, z.dtype.type(0))
    raise ValueError(name)


def activation_slope(name: str, a: np.ndarray) -> np.ndarray:
    """d activation / dz, written in terms of the activation's output a."""
    one = a.dtype.type(1)
    if name == "sigmoid":
        return a * (one - a)
    if name == "tanh":
        return one - a * a
    if name == "relu":
        return (a > 0).astype(a.dtype)
    raise ValueError(name)


def sigmoid(z: np.ndarray) -> np.ndarray:
    one = z.dtype.type(1)
    with np.errstate(over="ignore"):
        return one / (one + np.exp(-z))


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def targets(n_out: int, label: int, on_value: float, dtype) -> np.ndarray:
    t = np.zeros(n_out, dtype)
    if n_out == 1:
        t[0] = on_value if label == 1 else 0.0
    else:
        t[label] = on_value
    return t


def default_on_value(loss: str) -> float:
    return 0.99 if loss == "sse" else 1.0


def forward(weights: Sequence[np.ndarray], biases: Sequence[np.ndarray] | None, x: np.ndarray,
            activation: str, loss: str) -> list[np.ndarray]:
    """Activations of every layer for one input x, the input first."""
    acts = [x]
    n_layers = len(weights)
    for l, w in enumerate(weights):
        z = acts[-1] @ w
        if biases is not None:
            z = z + biases[l]
        if l < n_layers - 1:
            acts.append(activate(activation, z))
        elif loss == "xent" and w.shape[1] > 1:
            acts.append(softmax(z))
        else:
            acts.append(sigmoid(z))
    return acts


def sample_loss(y: np.ndarray, t: np.ndarray, loss: str) -> float:
    if loss == "sse":
        return float(np.sum((y - t) ** 2))
    tiny = y.dtype.type(_TINY)
    one = y.dtype.type(1)
    value = -np.sum(t * np.log(np.maximum(y, tiny)))
    if y.shape[0] == 1:
        value -= np.sum((one - t) * np.log(np.maximum(one - y, tiny)))
    return float(value)


def output_delta(y: np.ndarray, t: np.ndarray, loss: str) -> np.ndarray:
    if loss == "sse":
        two, one = y.dtype.type(2), y.dtype.type(1)
        return two * (y - t) * y * (one - y)
    return y - t


def gradients(weights, biases, x, label, activation, loss, on_value):
    """(loss, dL/dW per layer, dL/db per layer) for one sample, by backpropagation."""
    acts = forward(weights, biases, x, activation, loss)
    y = acts[-1]
    t = targets(y.shape[0], label, on_value, y.dtype)
    value = sample_loss(y, t, loss)
    delta = output_delta(y, t, loss)
    gw = [None] * len(weights)
    gb = [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        gw[l] = np.outer(acts[l], delta)
        gb[l] = delta.copy()
        if l > 0:
            delta = (weights[l] @ delta) * activation_slope(activation, acts[l])
    return value, gw, gb


def cycle_order(n_samples: int) -> Iterable[int]:
    k = 0
    while True:
        yield k % n_samples
        k += 1


def sgd(weights: Sequence[np.ndarray], biases: Sequence[np.ndarray] | None, x: np.ndarray, labels: np.ndarray,
        *, activation: str, loss: str, lr: float, n_iter: int, batch: int = 1, on_value: float | None = None,
        order: Iterable[int] | None = None, dtype=np.float32, l1: float = 0.0, l2: float = 0.0):
    """Run n_iter SGD iterations from copies of (weights, biases).

    l1/l2 > 0: after each update every weight (not a bias) is multiplied by 1 - lr*l2, then moved
    lr*l1 towards zero, stopping at zero.

    biases=None means a network without biases. Returns (weights, biases, losses), biases
    None again when there are none, losses an array of n_iter per-iteration losses.
    """
    ws = [np.array(w, dtype) for w in weights]
    bs = None if biases is None else [np.array(b, dtype) for b in biases]
    xs = np.asarray(x, dtype)
    on = default_on_value(loss) if on_value is None else on_value
    visits = iter(cycle_order(len(xs)) if order is None else order)
    lr_t = dtype(lr)
    scale = dtype(lr / batch) if batch > 1 else lr_t
    losses = np.zeros(n_iter, dtype)
    for k in range(n_iter):
        total = 0.0
        sum_w = sum_b = None
        for _ in range(batch):
            idx = next(visits)
            value, gw, gb = gradients(ws, bs, xs[idx], int(labels[idx]), activation, loss, on)
            total += value
            if sum_w is None:
                sum_w, sum_b = gw, gb
            else:
                for l in range(len(ws)):
                    sum_w[l] += gw[l]
                    sum_b[l] += gb[l]
        for l in range(len(ws)):  # all gradients were taken at the same weights: now update
            ws[l] -= scale * sum_w[l]
            if bs is not None:
                bs[l] -= scale * sum_b[l]
            if l1 or l2:
                shrunk = ws[l] * dtype(max(1.0 - lr * l2, 0.0))
                ws[l] = (np.sign(shrunk) * np.maximum(np.abs(shrunk) - dtype(lr * l1), 0)).astype(dtype)
        losses[k] = total / batch
    return ws, bs, losses


def loss_of(weights, biases, x, label, activation, loss, on_value=None) -> float:
    """The loss of one sample, in the dtype of the given arrays."""
    on = default_on_value(loss) if on_value is None else on_value
    y = forward(weights, biases, x, activation, loss)[-1]
    return sample_loss(y, targets(y.shape[0], label, on, y.dtype), loss)
