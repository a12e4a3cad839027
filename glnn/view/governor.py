"""The frame-time governor: keeps the window answering input when the GPU (or the software
rasteriser) is slow. Pure: fed with frame durations and a clock, tested without GL.

A click is seen by the frame after it and shown by the one after that, so input waits two to
three frames: to answer within 100 ms a frame must take about 33 ms or less, whatever the
network. When the recent frames are slower than `target`, the governor lowers the quality
one step (fewer connections per neuron, a coarser glow, then a scene rendered at a fraction
of the window's resolution and scaled up); when they have been well under it for a while,
it raises the quality again, but not back to a step it has measured to be too slow within
the last `memory` seconds (so it does not flicker between two steps).

When even the lowest detail draws the scene too slowly (a big network on a software
rasteriser), the last step redraws the network only every fourth frame and shows the
last picture again in between (a pass that costs the same for any network), and a frame
that follows input skips the redraw (`scene_due`): input waits for at most one slow frame,
and the frames that answer it are quick. Only frames that redraw the scene are judged, so a
level is chosen by what the scene costs, not by the quick frames between.
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
    scene_every: int = 1  # redraw the scene on every n-th frame (and show the last picture in between)


QUALITIES = (
    Quality(0, 1.0, 2),
    Quality(1, 1.0, 4),
    Quality(2, 0.75, 4),
    Quality(3, 0.5, 4),
    Quality(3, 0.35, 8),
    Quality(3, 0.35, 8, 4),
)
FULL = QUALITIES[0]
FRAME_INTERVAL = 1 / 60  # the window's frame rate at most


class FrameGovernor:
    def __init__(self, target: float = 0.033, window: int = 5, raise_after: float = 3.0, memory: float = 20.0,
                 answer_for: float = 0.2, max_age: float = 0.3, idle_interval: float = 1 / 30,
                 raise_below: float = 0.6):
        self.target = target
        # frames costing under this share of target raise the quality: 0.6 of 33 ms is 20 ms, over the
        # 16.7 ms that a frame waiting for a 60 Hz screen's refresh costs however fast the card is
        self.raise_below = raise_below
        self.window = window  # frames measured before each decision
        self.raise_after = raise_after  # seconds of fast frames before raising the quality
        self.memory = memory
        self.level = 0
        self._durations: collections.deque[float] = collections.deque(maxlen=window)
        self._fast_since: float | None = None
        self._too_slow: dict[int, float] = {}  # level -> when it was last measured too slow
        self.answer_for = answer_for  # seconds after input in which frames skip the scene (at scene_every > 1)
        self.max_age = max_age  # ...unless the picture shown is older than this
        self.idle_interval = idle_interval  # between frames at the last step while nobody gives input
        self._scene_at: float | None = None  # when the scene was last redrawn
        self._skipped = 0  # frames since then

    @property
    def quality(self) -> Quality:
        return QUALITIES[self.level]

    def reset(self) -> None:
        """A new scene (another network, another window size): forget what was measured."""
        self._durations.clear()
        self._fast_since = None
        self._too_slow.clear()
        self._scene_at = None

    def scene_due(self, now: float, last_input: float | None) -> bool:
        """Whether the frame starting `now` redraws the scene; when not, it shows the last picture again.
        Always above the last step; there every `scene_every`-th frame, and none while answering
        input (`answer_for` seconds after it) unless the picture is `max_age` old."""
        every = self.quality.scene_every
        age = None if self._scene_at is None else now - self._scene_at
        if every == 1 or age is None or (age >= self.max_age and self._skipped > 0):
            due = True  # (a redraw slower than max_age is followed by one quick frame, not by another redraw)
        elif last_input is not None and now - last_input < self.answer_for:
            due = False
        else:
            due = self._skipped + 1 >= every
        if due:
            self._scene_at, self._skipped = now, 0
        else:
            self._skipped += 1
        return due

    def frame_interval(self, now: float, last_input: float | None) -> float:
        """Seconds from this frame's start to the next one's: 1/60; at the last step `idle_interval` while
        nobody gives input (the frames between redraws of the network then only show the kept picture
        again, and each costs the CPU that a software rasteriser shares with training), and none while
        answering input (those frames are quick: a tap takes several, to be seen, pressed, released and
        shown). Input itself brings the next frame forward to this (glnn.app.App.run)."""
        if self.quality.scene_every > 1:
            if last_input is None or now - last_input >= self.answer_for:
                return self.idle_interval
            return 0.0  # answering input with quick frames: the next one at once
        return FRAME_INTERVAL

    def frame(self, seconds: float, now: float, scene_drawn: bool = True) -> Quality:
        """Record what one frame cost (wall time from its start to the end of its flip, not start to start:
        the window paces its frames, at 60 a second at most) and whether it redrew the scene (only those
        are judged); returns the quality for the next."""
        if not scene_drawn:
            return self.quality
        self._durations.append(seconds)
        if len(self._durations) < self.window:
            return self.quality
        median = statistics.median(self._durations)
        if median > self.target and self.level < len(QUALITIES) - 1:
            self._too_slow[self.level] = now
            self._change(+1)
        elif median < self.target * self.raise_below and self.level > 0:
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
