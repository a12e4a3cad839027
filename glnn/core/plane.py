"""The network over the whole input plane, for datasets of two inputs (TensorFlow Playground's view).

A square grid of points covering the data is run through the network in one Numba call
(`kernels.forward_all`, or NumPy before a window has loaded the kernels: glnn.core.lazy_kernels),
which gives every neuron's activation at every grid point: the output's decision region and one
small picture per input and hidden neuron. A point is fed as the dataset feeds its points: through
glnn.core.features, the one function for both. Imports only numpy and the rest of glnn.core; the
renderer (glnn.view.plane_view) turns the values into textures.

Evaluating the grid costs about as much as training that many iterations, so it happens
at most REFRESH_HZ times a second, only when the weights changed, and less often still on
networks so big that one evaluation would take a noticeable share of the frame time.
"""
from __future__ import annotations

import time

import numpy as np

from glnn.core import lazy_kernels
from glnn.core.features import DEFAULT as DEFAULT_FEATURES
from glnn.core.features import bound, expand
from glnn.core.shape import NetworkShape

REFRESH_HZ = 15.0
# at most this share of wall time (0.25 ms of a 60 Hz frame) goes to grid evaluation: big networks refresh less often
MAX_TIME_SHARE = 0.015
# grid points x parameters per evaluation aimed at (about 0.2 ms on one core); sets the resolution
WORK_PER_EVALUATION = 2.0e6
MAX_RESOLUTION, MIN_RESOLUTION = 96, 16


def applies(dataset) -> bool:
    """Datasets of points of the plane have a plane to paint (whatever features they feed the network)."""
    return dataset.has_plane


def extent_of(dataset) -> float:
    """Half the side of the square shown: every point inside, with a margin, the same on both axes."""
    xs = [dataset.plane_train, dataset.plane_test] if dataset.has_test else [dataset.plane_train]
    largest = max(float(np.abs(x).max()) for x in xs if len(x))
    return max(1.0, largest) + 0.1


def resolution_for(n_params: int) -> int:
    side = int(np.sqrt(WORK_PER_EVALUATION / max(1, n_params)))
    return int(np.clip(side, MIN_RESOLUTION, MAX_RESOLUTION))


def grid_points(resolution: int, extent: float) -> np.ndarray:
    """(resolution**2, 2) float32 cell centres, row-major, row 0 at the TOP (x2 = +extent), as images are."""
    centres = (np.arange(resolution, dtype=np.float64) + 0.5) / resolution * 2 * extent - extent
    x2, x1 = np.meshgrid(centres[::-1], centres, indexing="ij")
    return np.ascontiguousarray(np.stack([x1.ravel(), x2.ravel()], axis=1), np.float32)


class Field:
    """Every neuron's activation at a fixed set of network inputs (rows), refreshed from the parameters
    at a bounded rate: at most REFRESH_HZ, only when the weights changed, and less often when one
    evaluation takes a noticeable share of the time. `flat` is (n_neurons, rows), neurons in layer order."""

    def __init__(self, arch, w_off: np.ndarray, b_off: np.ndarray, inputs: np.ndarray, clock=time.perf_counter):
        self.arch = arch
        self.inputs = np.ascontiguousarray(inputs, np.float32)  # (rows, network inputs)
        self.n_params = int(arch.offsets()[2])
        self._shape = NetworkShape.of(arch, w_off, b_off)
        self.flat = np.zeros((int(sum(arch.sizes)), len(self.inputs)), np.float32)
        self._clock = clock
        self._evaluated_params: np.ndarray | None = None
        self._last_time = -np.inf
        self.cost = 0.0  # seconds the last evaluation took
        self.evaluations = 0

    @property
    def n_neurons(self) -> int:
        return self.flat.shape[0]

    def evaluate(self, params: np.ndarray) -> np.ndarray:
        """Run every row through the network now; returns `flat`."""
        params = np.ascontiguousarray(params, np.float32)
        lazy_kernels.forward_all(self._shape, params, self.inputs, self.flat)
        return self.flat

    def interval(self) -> float:
        """Seconds between refreshes: REFRESH_HZ, or slower when an evaluation is expensive."""
        return max(1.0 / REFRESH_HZ, self.cost / MAX_TIME_SHARE)

    def refresh(self, params: np.ndarray) -> bool:
        """Re-evaluate if the parameters changed and the last evaluation is old enough. True if it did."""
        now = self._clock()
        if self._evaluated_params is not None:
            if now - self._last_time < self.interval() or np.array_equal(params, self._evaluated_params):
                return False
        t0 = time.perf_counter()
        self.evaluate(params)
        if self.evaluations:  # the first call may include compiling or loading the kernel: not its cost
            self.cost = time.perf_counter() - t0
        self._evaluated_params = np.array(params, np.float32, copy=True)
        self._last_time = now
        self.evaluations += 1
        return True


class PlaneField(Field):
    """Every neuron's activation over a square grid on the input plane. The grid's points are fed
    to the network as the dataset's features of them (`features`, glnn.core.features): the input
    neurons' pictures are the features themselves."""

    def __init__(self, arch, w_off: np.ndarray, b_off: np.ndarray, extent: float, resolution: int | None = None,
                 clock=time.perf_counter, features=DEFAULT_FEATURES):
        self.extent = float(extent)
        self.resolution = resolution or resolution_for(int(arch.offsets()[2]))
        self.points = grid_points(self.resolution, self.extent)  # (x1, x2) of each cell
        self.features = tuple(features)
        super().__init__(arch, w_off, b_off, expand(self.points, self.features), clock)
        self.values = self.flat.reshape(self.n_neurons, self.resolution, self.resolution)  # a view

    @classmethod
    def for_network(cls, net, dataset, **kw) -> "PlaneField":
        return cls(net.arch, net.w_off, net.b_off, extent_of(dataset), features=dataset.input_features, **kw)

    def evaluate(self, params: np.ndarray) -> np.ndarray:
        """Run the grid through the network now; returns `values` (n_neurons, res, res)."""
        super().evaluate(params)
        return self.values

    def input_bounds(self) -> np.ndarray:
        """The largest |value| of each input over the grid's square: the inputs' colour scales."""
        return np.array([bound(f, self.extent) for f in self.features], np.float32)

    def exact(self, params: np.ndarray, x1: float, x2: float) -> np.ndarray:
        """Every neuron's activation at the point (x1, x2) itself, through the same kernel: what the
        network answers there, not the value of the grid cell around it (fed as the grid is, as features)."""
        point = np.ascontiguousarray(expand(np.array([[x1, x2]], np.float32), self.features), np.float32)
        out = np.zeros((self.n_neurons, 1), np.float32)
        lazy_kernels.forward_all(self._shape, np.ascontiguousarray(params, np.float32), point, out)
        return out[:, 0]

    def value_at(self, neuron: int, x1: float, x2: float) -> float:
        """The stored value of the grid cell containing (x1, x2) (for tooltips)."""
        res, e = self.resolution, self.extent
        col = int(np.clip((x1 + e) / (2 * e) * res, 0, res - 1))
        row = int(np.clip((e - x2) / (2 * e) * res, 0, res - 1))
        return float(self.values[neuron, row, col])
