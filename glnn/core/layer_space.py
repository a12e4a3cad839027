"""How a hidden layer sees the input plane (ConvNetJS's classify-2D view), for 2-D datasets.

Two neurons of one hidden layer span a plane of their own: every training point and every
point of a regular grid of lines over the input plane lands where those two neurons' activations
put it. As the network learns, the layer bends the grid until the two classes come apart (for
the last hidden layer: until a straight line can part them, which is all the output can draw).

One Numba call (`kernels.forward_all`; NumPy before a window has loaded the kernels) gives every
neuron's activation at every grid-line sample and training point, so picking other neurons needs no new evaluation. It refreshes at the bounded
rate of glnn.core.plane.Field, and a big network's evaluation is spread over several frames.
Pure numerics: imports numpy and the rest of glnn.core only.
"""
from __future__ import annotations

import time

import numpy as np

from glnn.core import lazy_kernels
from glnn.core.plane import Field, extent_of

GRID_LINES = 13  # lines of constant x1, and as many of constant x2; odd, so that the axes are two of them
LINE_SAMPLES = 48  # points along each line: enough for a bent line to look smooth
# rows x parameters per kernel call (about 0.3 ms on one core): a big network is evaluated a slice of
# rows per frame, so that no frame pays for a whole evaluation (2-256-256-1: 46 ms at once)
WORK_PER_CALL = 2.0e6
MIN_ROWS_PER_CALL = 32


# -- which two neurons -------------------------------------------------------------------------
def hidden_layer_of(sizes, neuron: int) -> int:
    """The layer of a global neuron index if it is a hidden neuron, else -1."""
    starts = np.cumsum((0,) + tuple(sizes))
    layer = int(np.searchsorted(starts, neuron, side="right") - 1)
    return layer if 0 < layer < len(sizes) - 1 and 0 <= neuron else -1


def default_pair(sizes) -> tuple[int, int] | None:
    """The first two neurons of the last hidden layer with two or more (the output draws a straight
    line in the last one's space); None when no hidden layer has two neurons."""
    starts = np.cumsum((0,) + tuple(sizes))
    for layer in range(len(sizes) - 2, 0, -1):
        if sizes[layer] >= 2:
            return int(starts[layer]), int(starts[layer]) + 1
    return None


def resolve(pair, sizes) -> tuple[int, int] | None:
    """`pair` if it is two different neurons of one hidden layer of `sizes`, else the default pair."""
    a, b = (int(v) for v in pair)
    layer = hidden_layer_of(sizes, a)
    if layer > 0 and a != b and hidden_layer_of(sizes, b) == layer:
        return a, b
    return default_pair(sizes)


def pick(pair, axis: int, neuron: int, sizes) -> tuple[tuple[int, int], int]:
    """A click on `neuron` while the next pick goes to `axis` (0 = x, 1 = y): the new (pair, axis).

    A neuron of the layer shown takes that axis, and the next click goes to the other one; a neuron
    of another hidden layer starts a pair there (itself on x, its neighbour on y, the next click to y).
    A click on a neuron already shown, on a neuron that is not hidden, or in a layer of one neuron
    changes nothing."""
    layer = hidden_layer_of(sizes, neuron)
    if layer < 0 or sizes[layer] < 2:
        return tuple(pair), axis
    current = resolve(pair, sizes)
    if current is not None and neuron in current:
        return current, axis
    if current is not None and hidden_layer_of(sizes, current[0]) == layer:
        new = list(current)
        new[axis] = neuron
        return (new[0], new[1]), 1 - axis
    start = int(np.cumsum((0,) + tuple(sizes))[layer])
    other = neuron + 1 if neuron + 1 < start + sizes[layer] else neuron - 1
    return (neuron, other), 1


# -- the points and lines ----------------------------------------------------------------------
def grid_lines(extent: float, lines: int = GRID_LINES, samples: int = LINE_SAMPLES) -> np.ndarray:
    """(2 * lines, samples, 2) float32: `lines` lines of constant x1 (left to right), then `lines` of
    constant x2 (bottom to top), each from -extent to +extent."""
    across = np.linspace(-extent, extent, lines)
    along = np.linspace(-extent, extent, samples)
    out = np.empty((2 * lines, samples, 2), np.float32)
    out[:lines, :, 0] = across[:, None]
    out[:lines, :, 1] = along[None, :]
    out[lines:, :, 0] = along[None, :]
    out[lines:, :, 1] = across[:, None]
    return out


class LayerSpace(Field):
    """Every neuron's activation along the grid lines and at the training points of a 2-D dataset."""

    def __init__(self, arch, w_off: np.ndarray, b_off: np.ndarray, dataset, lines: int = GRID_LINES,
                 samples: int = LINE_SAMPLES, clock=time.perf_counter):
        self.dataset = dataset
        self.extent = extent_of(dataset)
        self.lines, self.samples = lines, samples
        self.grid = grid_lines(self.extent, lines, samples)  # (2 * lines, samples, 2) points of the plane
        self.n_grid = self.grid.shape[0] * samples
        inputs = np.concatenate([dataset.inputs_at(self.grid.reshape(-1, 2)), dataset.x_train])
        super().__init__(arch, w_off, b_off, inputs, clock)

        n_params = int(arch.offsets()[2])
        rows = len(self.inputs)
        self.rows_per_call = int(min(rows, max(MIN_ROWS_PER_CALL, WORK_PER_CALL // max(1, n_params))))
        self._chunk = np.zeros((self.n_neurons, self.rows_per_call), np.float32)  # one call's output
        self._back = np.zeros_like(self.flat)  # the evaluation under way, published into flat when done
        self._pass_params: np.ndarray | None = None
        self._pass_row = 0
        self._pass_cost = 0.0
        self._pass_start = 0.0

    @classmethod
    def for_network(cls, net, dataset, **kw) -> "LayerSpace":
        return cls(net.arch, net.w_off, net.b_off, dataset, **kw)

    def refresh(self, params: np.ndarray) -> bool:
        """Like Field.refresh, but a big network is evaluated over several calls (frames), a slice of
        WORK_PER_CALL at a time, into a back buffer; `flat` changes only when a whole evaluation is
        done (then True). The next one starts REFRESH_HZ after the last began, or later if it cost much."""
        if self.rows_per_call >= len(self.inputs):
            return super().refresh(params)
        now = self._clock()
        if self._pass_params is None:
            due = now - self._last_time >= self.interval() or self._evaluated_params is None
            if not due or (self._evaluated_params is not None and np.array_equal(params, self._evaluated_params)):
                return False
            self._pass_params = np.array(params, np.float32, copy=True)
            self._pass_row, self._pass_cost, self._pass_start = 0, 0.0, now
        a = self._pass_row
        b = min(a + self.rows_per_call, len(self.inputs))
        t0 = time.perf_counter()
        inputs = self.inputs[a:b] if b - a == self.rows_per_call else self._padded(a, b)
        lazy_kernels.forward_all(self._shape, self._pass_params, inputs, self._chunk)
        self._back[:, a:b] = self._chunk[:, :b - a]
        self._pass_cost += time.perf_counter() - t0
        self._pass_row = b
        if b < len(self.inputs):
            return False
        self.flat, self._back = self._back, self.flat
        self._evaluated_params, self._pass_params = self._pass_params, None
        if self.evaluations:  # the first may have loaded the kernel: not its cost
            self.cost = self._pass_cost
        self._last_time = self._pass_start
        self.evaluations += 1
        return True

    def _padded(self, a: int, b: int) -> np.ndarray:
        """The last, shorter slice of rows padded with zero rows to a whole call (the same array types)."""
        out = np.zeros((self.rows_per_call, self.inputs.shape[1]), np.float32)
        out[:b - a] = self.inputs[a:b]
        return out

    def line_xy(self, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        """Neuron a's and b's activations along every grid line, as two flat arrays with a NaN after each
        line (a plot breaks the line there): one plot call draws them all."""
        n = self.grid.shape[0]
        out = np.full((2, n, self.samples + 1), np.nan, np.float32)
        out[0, :, :-1] = self.flat[a, :self.n_grid].reshape(n, self.samples)
        out[1, :, :-1] = self.flat[b, :self.n_grid].reshape(n, self.samples)
        return out[0].ravel(), out[1].ravel()

    def axis_lines(self, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        """line_xy of the two lines through the origin only (x1 = 0 and x2 = 0), drawn brighter."""
        xs, ys = self.line_xy(a, b)
        per = self.samples + 1
        middle = self.lines // 2
        keep = np.concatenate([np.arange(middle * per, (middle + 1) * per),
                               np.arange((self.lines + middle) * per, (self.lines + middle + 1) * per)])
        return xs[keep], ys[keep]

    def point_xy(self, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        """Neuron a's and b's activations at each training point (in dataset order)."""
        return self.flat[a, self.n_grid:], self.flat[b, self.n_grid:]
