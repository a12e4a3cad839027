"""The forward pass in NumPy: what the kernels' evaluate and forward_all compute, for the moments
before they are loaded (a window's first frames, see glnn.core.lazy_kernels). Imports only numpy.

float32 throughout and the same conventions as glnn.core.kernels: hidden layers use the network's
activation, outputs are sigmoids (softmax with cross-entropy and more than one output), targets
`on_value` for the right class (for label 1 with one output) and 0 elsewhere, outputs clamped to
1e-30 inside the logarithm only. Equal to the kernels within float32 rounding, not bit for bit
(tests/test_forward_np.py): the figures of the first frames, and the iteration-0 point of the
metric curves that they record, may come from here.
"""
from __future__ import annotations

import numpy as np

from glnn.core.shape import ACT_SIGMOID, ACT_TANH, LOSS_SSE, LOSS_XENT, NetworkShape

_ONE = np.float32(1.0)
_TINY = np.float32(1e-30)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):  # exp(-z) overflows to inf for z < -89: the sigmoid is then 0, as it should be
        return _ONE / (_ONE + np.exp(-z))


def values(shape: NetworkShape, params: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Every neuron's activation for each row of x, the inputs first as in a flat activation buffer:
    (rows, a_off[-1]) float32. The transpose of what kernels.forward_all writes."""
    sizes = [int(n) for n in shape.sizes]
    x = np.asarray(x, np.float32).reshape(-1, sizes[0])
    out = np.empty((x.shape[0], int(shape.a_off[-1])), np.float32)
    out[:, :sizes[0]] = x
    a = x
    last = len(sizes) - 2
    for l in range(last + 1):
        n_in, n_out = sizes[l], sizes[l + 1]
        w0 = int(shape.w_off[l])
        block = params[w0:w0 + n_in * n_out]
        # layer 0 is stored input-major, deeper layers output-major (glnn.core.model)
        w = block.reshape(n_in, n_out) if l == 0 else block.reshape(n_out, n_in).T
        z = a @ w
        if shape.bias:
            z += params[int(shape.b_off[l]):int(shape.b_off[l]) + n_out]
        if l < last:
            if shape.activation == ACT_SIGMOID:
                a = _sigmoid(z)
            elif shape.activation == ACT_TANH:
                a = np.tanh(z)
            else:
                a = np.maximum(z, np.float32(0.0))
        elif shape.loss == LOSS_XENT and n_out > 1:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
        else:
            a = _sigmoid(z)
        start = int(shape.a_off[l + 1])
        out[:, start:start + n_out] = a
    return out


def evaluate(shape: NetworkShape, params: np.ndarray, x: np.ndarray, labels: np.ndarray,
             on_value: np.float32) -> tuple[np.ndarray, np.ndarray]:
    """(outputs, losses) for rows x with labels: outputs (rows, n_out) and each row's loss, float32."""
    n_out = int(shape.sizes[-1])
    y = values(shape, params, x)[:, -n_out:]
    labels = np.asarray(labels)
    rows = np.arange(len(labels))
    hot = np.zeros(len(labels), np.intp) if n_out == 1 else labels.astype(np.intp)
    t_hot = (np.where(labels == 1, on_value, np.float32(0.0)) if n_out == 1
             else np.full(len(labels), on_value, np.float32)).astype(np.float32)
    if shape.loss == LOSS_SSE:
        targets = np.zeros_like(y)
        targets[rows, hot] = t_hot
        losses = ((y - targets) ** 2).sum(axis=1, dtype=np.float32)
    elif n_out > 1:  # softmax: only the target output's term of the cross-entropy is not zero
        losses = -t_hot * np.log(np.maximum(y[rows, hot], _TINY))
    else:  # one sigmoid output, binary cross-entropy
        y0 = y[:, 0]
        losses = -(t_hot * np.log(np.maximum(y0, _TINY)) + (_ONE - t_hot) * np.log(np.maximum(_ONE - y0, _TINY)))
    return np.ascontiguousarray(y), losses.astype(np.float32)
