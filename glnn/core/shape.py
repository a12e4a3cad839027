"""A network's shape as the kernels take it, and the codes they use. Imports only numpy.

Kept apart from glnn.core.kernels so that what describes a network (the trainer builds one per
network) costs no Numba import: a window draws its first frames before the kernels load (see
glnn.core.lazy_kernels).
"""
from __future__ import annotations

from types import MappingProxyType
from typing import NamedTuple

import numpy as np

ACT_SIGMOID, ACT_TANH, ACT_RELU = 0, 1, 2
LOSS_SSE, LOSS_XENT = 0, 1
# the kernels' codes for the activation and loss names of glnn.core.model.Architecture (read-only)
ACTIVATION_CODES = MappingProxyType({"sigmoid": ACT_SIGMOID, "tanh": ACT_TANH, "relu": ACT_RELU})
LOSS_CODES = MappingProxyType({"sse": LOSS_SSE, "xent": LOSS_XENT})


class NetworkShape(NamedTuple):
    """A network's shape as the kernels take it: uint64 sizes and offsets, integer codes."""
    sizes: np.ndarray
    w_off: np.ndarray
    b_off: np.ndarray
    a_off: np.ndarray  # where each layer's activations start in the flat per-sample buffers
    bias: bool
    activation: int
    loss: int

    @classmethod
    def of(cls, arch, w_off: np.ndarray, b_off: np.ndarray) -> "NetworkShape":
        """From an Architecture and its parameter offsets (glnn.core.model)."""
        return cls(np.array(arch.sizes, np.uint64), np.asarray(w_off).astype(np.uint64),
                   np.asarray(b_off).astype(np.uint64), arch.activation_offsets().astype(np.uint64),
                   bool(arch.bias), ACTIVATION_CODES[arch.activation], LOSS_CODES[arch.loss])

    def args(self, params: np.ndarray) -> tuple:
        """The leading arguments of every kernel: (params, sizes, w_off, b_off, bias, activation, loss)."""
        return params, self.sizes, self.w_off, self.b_off, self.bias, self.activation, self.loss


def spec_for(sizes, has_bias, act, loss_kind, batch) -> tuple:
    """What a training kernel specialised to this network fixes (see glnn.core.kernels._kernel_for
    and glnn.core.specialise)."""
    sizes = [int(n) for n in sizes]
    return len(sizes) - 1, sizes[0], sizes[-1], int(act), int(loss_kind), bool(has_bias), int(batch) == 1
