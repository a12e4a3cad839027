"""The frame-time governor: keeps the window answering input when the GPU (or the software
rasteriser) is slow. Pure: fed with frame durations and a clock, tested without GL.

A click is seen by the frame after it and shown by the one after that, so input waits two to
three frames: to answer within 100 ms a frame must take about 33 ms or less, whatever the
network. When the recent frames are slower than `target`, the governor lowers the quality
one step (fewer connections per neuron, a coarser glow, then a scene rendered at a fraction
of the window's resolution and scaled up); when they have been well under it for a while,
it raises the quality again, but not back to a step it has measured to be too slow within
the last `memory` seconds (so it does not flicker between two steps).
"""
from __future__ import annotations

import collections
import dataclasses
import statistics


@dataclasses.dataclass(frozen=True)
class Quality:
    lod_level: int = 0  # index into glnn.view.lod.LEVELS: connections drawn per neuron in a big network
    resolution: float = 1.0  # the scene's render target, relative to the window's framebuffer
    bloom_divisor: int = 2  # the glow's bright pass at 1/divisor of the scene


QUALITIES = (
    Quality(0, 1.0, 2),
    Quality(1, 1.0, 4),
    Quality(2, 0.75, 4),
    Quality(3, 0.5, 4),
    Quality(3, 0.35, 8),
)
FULL = QUALITIES[0]


class FrameGovernor:
    def __init__(self, target: float = 0.033, window: int = 5, raise_after: float = 3.0, memory: float = 20.0):
        self.target = target
        self.window = window  # frames measured before each decision
        self.raise_after = raise_after  # seconds of fast frames before raising the quality
        self.memory = memory
        self.level = 0
        self._durations: collections.deque[float] = collections.deque(maxlen=window)
        self._fast_since: float | None = None
        self._too_slow: dict[int, float] = {}  # level -> when it was last measured too slow

    @property
    def quality(self) -> Quality:
        return QUALITIES[self.level]

    def reset(self) -> None:
        """A new scene (another network, another window size): forget what was measured."""
        self._durations.clear()
        self._fast_since = None
        self._too_slow.clear()

    def frame(self, seconds: float, now: float) -> Quality:
        """Record one frame's duration (start to start, wall time); returns the quality for the next."""
        self._durations.append(seconds)
        if len(self._durations) < self.window:
            return self.quality
        median = statistics.median(self._durations)
        if median > self.target and self.level < len(QUALITIES) - 1:
            self._too_slow[self.level] = now
            self._change(+1)
        elif median < self.target * 0.5 and self.level > 0:
            if self._fast_since is None:
                self._fast_since = now
            slow_at = self._too_slow.get(self.level - 1)
            if now - self._fast_since >= self.raise_after and (slow_at is None or now - slow_at > self.memory):
                self._change(-1)
        else:
            self._fast_since = None
        return self.quality

    def _change(self, step: int) -> None:
        self.level += step
        self._durations.clear()  # judge the new level on its own frames
        self._fast_since = None
