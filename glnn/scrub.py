"""Looking back in time: which timeline snapshot the scene shows instead of the live network.

AppState.scrub_iteration holds the iteration of the snapshot shown, or -1 for the present. Scrubbing
pauses training; anything that trains (Play, Step, Train) returns to the present first.
A new run (reset, a rebuilt network, a loaded file, a reset after divergence) has a new
timeline, and the scrub position of the old one is dropped.
"""
from __future__ import annotations

import dataclasses
import time

from glnn import commands
from glnn.core.trainer import Metrics, Trainer

# Evaluations that cost more than this run at most every `throttle` seconds, so a drag does not
# stall frames on a big dataset; the figures catch up within `throttle` seconds once it rests.
CHEAP_EVALUATION = 0.002

_TRAIN_OR_START_AFRESH = (commands.TogglePlay, commands.Step, commands.Train, commands.Reset, commands.Load,
                          commands.Animate)


def returns_to_now(command: commands.Command) -> bool:
    """Commands that train or start a new run end a look back."""
    return isinstance(command, _TRAIN_OR_START_AFRESH) or (isinstance(command, commands.Play) and command.playing)


class Scrubber:
    def __init__(self, throttle: float):
        self.throttle = throttle
        self._timeline = None  # the timeline that AppState.scrub_iteration refers to
        self._key: tuple | None = None  # (timeline, iteration) of the cached metrics
        self._metrics: Metrics | None = None
        self._evaluated_at = 0.0
        self._evaluation_seconds = 0.0

    def apply(self, command: commands.Scrub | commands.ScrubBy | commands.ScrubTo, state, trainer: Trainer) -> None:
        """Scrub(index) (a snapshot; past the last one = the present), ScrubBy(steps), ScrubTo(iteration)."""
        timeline = trainer.timeline
        if isinstance(command, commands.Scrub):
            index = int(command.index)
        elif isinstance(command, commands.ScrubBy):
            index = self.index(state, trainer) if state.scrub_iteration >= 0 else timeline.count
            index = min(max(0, index + int(command.steps)), timeline.count)
        else:
            index = timeline.index_at(int(command.iteration))
        if 0 <= index < timeline.count:
            state.playing = False
            state.scrub_iteration = int(timeline.iterations[index])
            self._timeline = timeline
        else:
            state.scrub_iteration = -1

    def index(self, state, trainer: Trainer) -> int:
        """The snapshot shown, or -1 for the present (forgetting a position on an old timeline)."""
        if state.scrub_iteration < 0:
            return -1
        if trainer.timeline is not self._timeline:
            state.scrub_iteration = -1
            return -1
        return trainer.timeline.index_at(state.scrub_iteration)

    def metrics(self, trainer: Trainer, index: int) -> Metrics:
        """Loss and accuracy of snapshot `index` on the training (and test) set."""
        timeline = trainer.timeline
        iteration = int(timeline.iterations[index])
        key = (id(timeline), iteration)
        now = time.perf_counter()
        if key != self._key and (self._metrics is None or self._evaluation_seconds < CHEAP_EVALUATION
                                 or now - self._evaluated_at >= self.throttle):
            params = timeline.params(index)
            train = trainer.evaluation("train", params)
            test = trainer.evaluation("test", params) if trainer.dataset.has_test else (0.0, 0.0)
            self._metrics = Metrics(iteration, train[0], train[1], test[0], test[1], trainer.dataset.has_test,
                                    trainer.rate, trainer.diverged)
            self._key = key
            self._evaluation_seconds = time.perf_counter() - now
            self._evaluated_at = now
        if self._key != key:  # throttled mid-drag: the figures catch up within `throttle` seconds
            return dataclasses.replace(self._metrics, iterations=iteration)
        return self._metrics
