"""Copies of the parameters at log-spaced iterations, in bounded memory: what lets a visitor
drag back in time and see the network as it was.

Snapshots land on exact iterations: the trainer ends a kernel call at `next_target`
(Trainer.steps splits its chunk there) and records the parameters, so the snapshot at
iteration k is bit for bit what training exactly k iterations from the start gives, and the
one at the origin is the initial network. Splitting costs one extra kernel call per snapshot,
and snapshots are log-spaced, so a long run makes a few hundred extra calls in all; taking
snapshots at whatever chunk boundary passes a target would save those calls but label each
snapshot with an iteration the schedule never chose, and make the label depend on the frame rate.

The targets are log-spaced relative to the timeline's origin (0 for a new network, the saved
count for a loaded one):

    origin + round(2 ** (j * 2**level / PER_OCTAVE)) - 1,    j = 0, 1, 2, ...

At level 0 that is PER_OCTAVE targets per doubling of the iteration count, and every
iteration early on, where rounding makes consecutive j land on consecutive integers. When
the store is full the level rises: level L+1's targets are level L's even-j targets, so
thinning keeps exactly the snapshots on the new level's grid (and the origin, and the newest),
which frees about half the slots. The count never exceeds the capacity however long the run.

Snapshots stay in the rows they were written to: thinning reorders a small index of rows and
frees the rest for later snapshots, so it costs microseconds however big the network (moving
the kept rows down, up to MEMORY_BUDGET bytes, took 40 ms with the trainer's lock held).
"""
from __future__ import annotations

import math

import numpy as np

PER_OCTAVE = 16  # snapshots per doubling of the iteration count until the store first fills
MAX_SNAPSHOTS = 128
MIN_SNAPSHOTS = 32
MEMORY_BUDGET = 48 << 20  # bytes of parameter copies at most (a big network gets fewer snapshots)


def capacity_for(n_params: int) -> int:
    """How many snapshots a network of n_params float32 parameters may keep."""
    fits = MEMORY_BUDGET // max(1, 4 * n_params)
    return int(min(MAX_SNAPSHOTS, max(MIN_SNAPSHOTS, fits)))


def _step(level: int) -> float:
    return 2.0 ** level / PER_OCTAVE  # exact in binary: level L+1's j equals level L's 2j


def grid(level: int, upto: int) -> np.ndarray:
    """The distinct target offsets (from the origin) of a level, from 0 up to `upto` and one beyond."""
    j_max = int(math.ceil(math.log2(upto + 2) / _step(level))) + 1
    offsets = np.floor(np.exp2(np.arange(j_max + 1) * _step(level)) + 0.5).astype(np.int64) - 1
    return np.unique(offsets)


class Timeline:
    def __init__(self, params: np.ndarray, origin: int = 0, capacity: int | None = None):
        self.capacity = int(capacity or capacity_for(len(params)))
        if self.capacity < 4:
            raise ValueError("a timeline needs room for at least 4 snapshots")
        self.origin = int(origin)
        self.level = 0
        self._iterations = np.zeros(self.capacity, np.int64)
        # np.empty reserves address space only: pages are touched as snapshots arrive
        self._params = np.empty((self.capacity, len(params)), np.float32)
        self._rows = np.arange(self.capacity)  # snapshot i lives in row _rows[i]; rows past count are free
        self._params[0] = params
        self._iterations[0] = self.origin
        self.count = 1
        self.next_target = self._target_after(self.origin)

    @property
    def iterations(self) -> np.ndarray:
        """Iteration of each snapshot, oldest first (a view, valid until the next record)."""
        return self._iterations[:self.count]

    def params(self, index: int) -> np.ndarray:
        """Snapshot `index`'s parameters (a view; do not write)."""
        if not 0 <= index < self.count:
            raise IndexError(f"snapshot {index} of {self.count}")
        return self._params[self._rows[index]]

    def index_at(self, iteration: int) -> int:
        """The last snapshot taken at or before `iteration` (the origin for anything earlier)."""
        return max(0, int(np.searchsorted(self.iterations, iteration, side="right")) - 1)

    def record(self, iteration: int, params: np.ndarray) -> None:
        """Keep the parameters at `iteration` (the trainer calls this when it reaches next_target)."""
        iteration = int(iteration)
        if iteration <= self._iterations[self.count - 1]:
            return
        while self.count >= self.capacity:
            self._thin()
        self._iterations[self.count] = iteration
        self._params[self._rows[self.count]] = params
        self.count += 1
        self.next_target = self._target_after(iteration)

    def _thin(self) -> None:
        """Rise one level: keep the snapshots on its grid, the origin and the newest."""
        self.level += 1
        offsets = self._iterations[:self.count] - self.origin
        keep = np.isin(offsets, grid(self.level, int(offsets[-1])))
        keep[0] = keep[-1] = True
        kept = np.flatnonzero(keep)
        if len(kept) == self.count:
            return  # nothing on this level's grid to drop yet; the caller rises again
        dropped = np.flatnonzero(~keep)
        self._iterations[:len(kept)] = self._iterations[kept]
        self._rows[:self.count] = np.concatenate((self._rows[kept], self._rows[dropped]))
        self.count = len(kept)

    def _target_after(self, iteration: int) -> int:
        """The first target of the current level after `iteration`."""
        offset = iteration - self.origin
        step = _step(self.level)
        j = max(0, int(math.log2(offset + 1) / step) - 1)
        while True:
            target = int(math.floor(2.0 ** (j * step) + 0.5)) - 1
            if target > offset:
                return self.origin + target
            j += 1
