"""Exhibit mode: the attract loop (a pure state machine on a clock you pass in) and the
director that plays its script on a separate trainer, so the visitor's network is left
exactly as it was when someone touches the screen again.
"""
from __future__ import annotations

import copy
import math

import numpy as np

from glnn import commands
from glnn.core.trainer import Trainer
from glnn.exhibit import HINT_PERIOD, HINT_SECONDS, Exhibit, Step

INTERACTIVE, DEMO = "interactive", "demo"
# A touch screen moves the pointer, then presses, within milliseconds: a press this soon after the
# input that ended the demo belongs to the same touch, and so do its drags and its release.
WAKE_SECONDS = 0.5


class Attract:
    """idle --(idle_timeout without input)--> demo --(any input)--> interactive.

    Time is whatever `now` the caller passes (seconds), so tests drive it with a fake clock.
    """

    def __init__(self, script: tuple[Step, ...], idle_timeout: float, now: float):
        if not script:
            raise ValueError("the attract script needs at least one step")
        self.script = script
        self.idle_timeout = idle_timeout
        self.mode = INTERACTIVE
        self.last_input = now
        self.step_index = 0
        self.step_start = now

    def touch(self, now: float) -> bool:
        """Someone used the exhibit. Returns True if that ended a demo."""
        self.last_input = now
        if self.mode == DEMO:
            self.mode = INTERACTIVE
            return True
        return False

    def update(self, now: float) -> list[tuple]:
        """Advance to `now`; returns events: ("start",) and ("step", index, step)."""
        events: list[tuple] = []
        if self.mode == INTERACTIVE:
            if now - self.last_input >= self.idle_timeout:
                self.mode = DEMO
                self.step_index = 0
                self.step_start = now
                events += [("start",), ("step", 0, self.script[0])]
            return events
        # several steps may end within one long frame: catch up, but never loop forever
        for _ in range(len(self.script)):
            step = self.script[self.step_index]
            if now - self.step_start < step.seconds:
                break
            self.step_start += step.seconds
            self.step_index = (self.step_index + 1) % len(self.script)
            events.append(("step", self.step_index, self.script[self.step_index]))
        if now - self.step_start > self.script[self.step_index].seconds:  # a long stall: restart the clock
            self.step_start = now
        return events

    def progress(self, now: float) -> float:
        """0..1 through the current step."""
        step = self.script[self.step_index]
        return min(1.0, max(0.0, (now - self.step_start) / step.seconds))

    @property
    def step(self) -> Step:
        return self.script[self.step_index]


class CursorHider:
    """Hides the pointer after `delay` seconds without movement (pure; the app applies it)."""

    def __init__(self, delay: float, now: float):
        self.delay = delay
        self.last_move = now

    def moved(self, now: float) -> None:
        self.last_move = now

    def visible(self, now: float) -> bool:
        return now - self.last_move < self.delay


def log_speed(step: Step, progress: float) -> int:
    """Iterations per frame during a train step: from speed to speed_end, evenly on a log scale."""
    a, b = math.log(step.speed), math.log(step.speed_end)
    return max(1, int(round(math.exp(a + (b - a) * progress))))


class Director:
    """Plays the attract script through the controller's commands, on a trainer of its own."""

    def __init__(self, controller, exhibit: Exhibit, now: float):
        self.controller = controller
        self.exhibit = exhibit
        self.attract = Attract(exhibit.script, controller.state.idle_timeout, now)
        self._saved = None  # (trainer, state) of the visitor, kept aside during the demo
        self._demo_start = now
        self._story = ""  # the current step's caption; the caption line shows it or the hint
        self._woke = -float("inf")  # when the last demo ended
        self._held = 0  # mouse buttons (pyglet's bit mask) pressed as part of the touch that ended it

    @property
    def running(self) -> bool:
        return self.attract.mode == DEMO

    def touch(self, now: float) -> bool:
        """Someone used the exhibit; returns whether that ended a demo."""
        if self.attract.touch(now):
            self._end_demo()
            self._woke = now
            return True
        return False

    def input(self, now: float, event: str, buttons: int = 0) -> bool:
        """An input event: "move", "press", "release", "drag" (`buttons`: pyglet's mouse button bits),
        "scroll", "key" or "text". Returns True if it must go no further: the first touch after the demo
        only ends the demo; the control under the finger is not pressed. Pointer moves always go on
        (where the pointer is harms nobody, and ImGui must know it)."""
        self.touch(now)
        waking = now - self._woke <= WAKE_SECONDS
        if event == "move":
            return False
        if event == "press":
            if waking:
                self._held |= buttons
            return waking
        if event in ("release", "drag"):
            mine = bool(self._held & buttons)
            if event == "release":
                self._held &= ~buttons
            return mine
        return waking  # a key (and its text) or a scroll that ended the demo does nothing else

    def update(self, now: float) -> None:
        for event in self.attract.update(now):
            if event[0] == "start":
                self._begin_demo(now)
            else:
                self._enter(event[2])
        if self.running:
            self._during(self.attract.step, self.attract.progress(now))
            self.controller.state.caption = self.caption_at(now)

    def caption_at(self, now: float) -> str:
        """The demo's caption line at `now`: the step's own caption, or the hint to take over."""
        hint = self.exhibit.captions.get("hint", "")
        in_period = (now - self._demo_start) % HINT_PERIOD
        if hint and (not self._story or in_period >= HINT_PERIOD - HINT_SECONDS):
            return hint
        return self._story

    # -- the demo --------------------------------------------------------------------------
    def _begin_demo(self, now: float) -> None:
        c = self.controller
        self._demo_start = now
        self._story = ""
        with c._locked():
            # the visitor has gone: whoever comes next starts from the original training set, with
            # nothing of the last visitor's (their drawing, their examples) left on screen
            c.trainer.forget_examples()
            if c.state.drawing is not None:
                c.state.drawing = np.zeros_like(c.state.drawing)
            c.state.data_message = ""
            self._saved = (c.trainer, copy.deepcopy(c.state))
            settings = dict(c.trainer.settings)
            c.trainer = Trainer(settings, load_kernels=False)  # (loaded by the window)
        c.state.show_help = False
        c.state.shown_input = None

    def _end_demo(self) -> None:
        c = self.controller
        if self._saved is None:
            return
        trainer, state = self._saved
        self._saved = None
        with c._locked():
            c.trainer = trainer
            c.state.__dict__.update(state.__dict__)
        c.state.caption = ""

    def _caption(self, step: Step, **fields) -> str:
        if not step.caption:
            return ""
        tr = self.controller.trainer
        m = tr.metrics()
        values = {"digit": "", "guess": "", "dataset": tr.dataset.name, "iterations": f"{tr.iterations:,}",
                  "accuracy": f"{m.train_accuracy:.0%}"}
        values.update(fields)
        return self.exhibit.captions[step.caption].format(**values)

    def _guess(self, x) -> str:
        tr = self.controller.trainer
        out = tr.outputs(x[None, :])
        return tr.dataset.class_names[int(tr.predict(out)[0])]

    def _enter(self, step: Step) -> None:
        c = self.controller
        c.apply(commands.FollowTraining())
        if step.action == "reset":
            c.apply(commands.Play(False))
            c.apply(commands.Reset())
        elif step.action == "train":
            c.apply(commands.Set("speed", step.speed))
            c.apply(commands.Play(True))
        elif step.action == "pause":
            c.apply(commands.Play(False))
        elif step.action == "dataset":
            c.apply(commands.Play(False))
            c.apply(commands.Choose("dataset", step.dataset))  # with its preset, as a visitor's choice
        else:
            c.apply(commands.Play(False))
        self._story = self._caption(step)

    def _during(self, step: Step, progress: float) -> None:
        c = self.controller
        tr = c.trainer
        if step.action == "train":
            c.state.speed = log_speed(step, progress)
        elif step.action == "feed":
            k = min(len(tr.dataset.y_train) - 1, int(progress * len(tr.dataset.y_train)))
            x = tr.dataset.x_train[k]
            if c.state.shown_input is None or c.state.shown_input.shape != x.shape or (c.state.shown_input != x).any():
                c.apply(commands.ShowSample(k))
                self._story = self._caption(step, digit=tr.dataset.class_names[tr.dataset.y_train[k]],
                                                guess=self._guess(x))
        elif step.action == "draw":
            if c.state.shown_input is None and tr.dataset.has_test:
                x = tr.dataset.x_test[0]
                c.apply(commands.ShowInput(x, "a drawing"))
                self._story = self._caption(step, guess=self._guess(x))
