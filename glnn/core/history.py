"""A fixed-memory, downsampling series: the loss and metric curves of any length of training."""
from __future__ import annotations

import numpy as np


class History:
    """A series of fixed memory however long it grows.

    Each stored point is the mean of `stride` consecutive raw samples, labelled with the
    x of the last one. When the buffer fills, neighbouring points merge in pairs and the
    stride doubles, so an hour of training costs what its first second did.
    """

    def __init__(self, capacity: int = 1024, columns: int = 1):
        if capacity < 2 or capacity % 2:
            raise ValueError("capacity must be even and >= 2")
        self.capacity = capacity
        self.x = np.zeros(capacity, np.float64)
        self.y = np.zeros((capacity, columns), np.float64)
        self.count = 0
        self.stride = 1
        self._pending_sum = np.zeros(columns, np.float64)
        self._pending_n = 0

    def clear(self) -> None:
        self.count = 0
        self.stride = 1
        self._pending_sum[:] = 0
        self._pending_n = 0

    def add(self, xs: np.ndarray, ys: np.ndarray) -> None:
        xs = np.asarray(xs, np.float64)
        ys = np.asarray(ys, np.float64).reshape(len(xs), -1)
        i, n = 0, len(xs)
        while i < n:
            if self._pending_n == 0 and n - i >= self.stride:
                bins = min((n - i) // self.stride, self.capacity - self.count)
                end = i + bins * self.stride
                self.y[self.count:self.count + bins] = ys[i:end].reshape(bins, self.stride, -1).mean(axis=1)
                self.x[self.count:self.count + bins] = xs[i + self.stride - 1:end:self.stride]
                self.count += bins
                i = end
            else:
                take = min(self.stride - self._pending_n, n - i)
                self._pending_sum += ys[i:i + take].sum(axis=0)
                self._pending_n += take
                i += take
                if self._pending_n >= self.stride:
                    self.y[self.count] = self._pending_sum / self._pending_n
                    self.x[self.count] = xs[i - 1]
                    self.count += 1
                    self._pending_sum[:] = 0
                    self._pending_n = 0
            if self.count == self.capacity:
                half = self.capacity // 2
                self.y[:half] = 0.5 * (self.y[0::2] + self.y[1::2])
                self.x[:half] = self.x[1::2]
                self.count = half
                self.stride *= 2

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of the stored points: views, valid until the next add."""
        return self.x[:self.count], self.y[:self.count]
