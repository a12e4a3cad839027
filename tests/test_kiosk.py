"""The attract loop, driven by a fake clock: idle -> demo -> touch -> interactive, untouched."""
import numpy as np
import pytest

from glnn import exhibit
from glnn.controller import Controller
from glnn.core.trainer import Trainer
from glnn.exhibit import Step
from glnn.kiosk import DEMO, INTERACTIVE, Attract, CursorHider, Director, log_speed
from glnn.state import AppState

SCRIPT = (Step("reset", 2.0, "reset"), Step("train", 4.0, "train_slow", speed=1, speed_end=100),
          Step("feed", 5.0, "feed"))


def test_idle_starts_demo_and_touch_ends_it():
    a = Attract(SCRIPT, idle_timeout=10.0, now=0.0)
    assert a.update(9.9) == [] and a.mode == INTERACTIVE
    events = a.update(10.0)
    assert events[0] == ("start",) and events[1][:2] == ("step", 0) and a.mode == DEMO
    assert a.update(11.9) == []
    assert a.update(12.0) == [("step", 1, SCRIPT[1])]
    assert a.update(16.0) == [("step", 2, SCRIPT[2])]
    assert a.update(21.0) == [("step", 0, SCRIPT[0])]  # loops
    assert a.touch(21.5) is True and a.mode == INTERACTIVE
    assert a.touch(22.0) is False
    assert a.update(31.9) == []  # idle time counts from the last touch
    assert a.update(32.0)[0] == ("start",)


def test_input_while_interactive_postpones_the_demo():
    a = Attract(SCRIPT, idle_timeout=10.0, now=0.0)
    for t in range(0, 50, 5):
        a.touch(float(t))
        assert a.update(float(t) + 4.0) == []
    assert a.mode == INTERACTIVE


def test_a_long_stall_does_not_spin():
    a = Attract(SCRIPT, idle_timeout=1.0, now=0.0)
    a.update(1.0)
    events = a.update(1e6)
    assert len(events) <= len(SCRIPT) and a.mode == DEMO


def test_speed_ramps_on_a_log_scale():
    step = SCRIPT[1]
    assert log_speed(step, 0.0) == 1 and log_speed(step, 1.0) == 100 and log_speed(step, 0.5) == 10


def test_cursor_hides_after_its_delay():
    c = CursorHider(3.0, now=0.0)
    assert c.visible(2.9) and not c.visible(3.0)
    c.moved(5.0)
    assert c.visible(7.0)


def test_director_plays_the_demo_on_its_own_trainer_and_restores_the_visitors():
    trainer = Trainer({"hidden": (8,)})
    trainer.steps(123)
    params_before = trainer.net.params.copy()
    state = AppState(idle_timeout=5.0, speed=7, palette="green-red")
    c = Controller(trainer, state, threaded=False)
    ex = exhibit.Exhibit({}, dict(exhibit.DEFAULT_CAPTIONS),
                         SCRIPT + (Step("dataset", 1.0, "dataset", dataset="xor3"),))
    d = Director(c, ex, now=0.0)
    d.update(5.0)
    assert d.running and c.trainer is not trainer
    assert c.state.caption == exhibit.DEFAULT_CAPTIONS["reset"]
    t = 5.0
    while t < 5.0 + 2.0 + 3.5:  # reset, then train with a speed ramp
        t += 0.25
        d.update(t)
        c.advance()
    assert c.trainer.iterations > 0 and c.state.playing
    for _ in range(18):  # feed shows each digit in turn, with its caption
        t += 0.25
        d.update(t)
    assert c.state.shown_input is not None and "Showing it a" in c.state.caption
    t += 2.0
    d.update(t)  # the dataset step
    assert c.trainer.dataset.name == "xor3"
    d.touch(t + 0.1)
    assert not d.running
    assert c.trainer is trainer and trainer.iterations == 123
    np.testing.assert_array_equal(trainer.net.params, params_before)
    assert c.state.speed == 7 and c.state.palette == "green-red" and c.state.caption == ""
    assert c.state.playing is False and c.state.shown_input is None


def _demo(hint: str = exhibit.DEFAULT_CAPTIONS["hint"], script=SCRIPT):
    """A director whose demo started at t = 5 on a fresh visitor's network (trained 50 iterations)."""
    trainer = Trainer({"hidden": (4,)})
    trainer.steps(50)
    c = Controller(trainer, AppState(idle_timeout=5.0), threaded=False)
    captions = {**exhibit.DEFAULT_CAPTIONS, "hint": hint}
    d = Director(c, exhibit.Exhibit({}, captions, script), now=0.0)
    d.update(5.0)
    assert d.running
    return d, c, trainer


def test_the_touch_that_ends_the_demo_presses_nothing():
    """A touch screen moves the pointer, then presses and releases: the move ends the demo, and the
    press and release of that same touch go no further (a press where Reset sits wiped the visitor's
    network). The next touch works."""
    d, c, visitor = _demo()
    assert d.input(6.0, "move") is False  # the pointer's position is news to everyone; it ends the demo
    assert not d.running and c.trainer is visitor
    assert d.input(6.01, "press", 1) is True
    assert d.input(6.05, "drag", 1) is True
    assert d.input(7.5, "release", 1) is True  # a long press: its release is the same touch
    assert d.input(7.6, "press", 1) is False  # the next touch is the visitor's
    assert d.input(7.7, "release", 1) is False


def test_a_press_that_ends_the_demo_goes_no_further():
    d, c, visitor = _demo()
    assert d.input(6.0, "press", 4) is True  # no move before it: the pointer was already there
    assert not d.running
    assert d.input(6.1, "drag", 4) is True and d.input(6.2, "release", 4) is True
    assert d.input(9.0, "press", 1) is False


def test_a_key_that_ends_the_demo_does_nothing_else():
    d, c, visitor = _demo()
    assert d.input(6.0, "key") is True and d.input(6.0, "text") is True
    assert not d.running
    assert d.input(8.0, "key") is False and d.input(8.0, "text") is False


def test_nothing_is_held_back_while_nobody_watched_a_demo():
    d, c, visitor = _demo()
    d.input(6.0, "move")
    for t, event in ((9.0, "move"), (9.1, "press"), (9.2, "drag"), (9.3, "release"), (9.4, "scroll"), (9.5, "key"),
                     (9.5, "text")):
        assert d.input(t, event, 1) is False, event
    trainer = Trainer({"hidden": (4,)})
    c = Controller(trainer, AppState(idle_timeout=5.0), threaded=False)
    d = Director(c, exhibit.defaults(), now=0.0)
    assert d.input(1.0, "press", 1) is False and d.input(1.1, "release", 1) is False  # never a demo at all


def test_the_demo_shows_the_touch_hint_between_its_captions():
    """The hint ("Touch the screen to take over") takes the caption line for HINT_SECONDS of every
    HINT_PERIOD of the demo, and all of a step without a caption of its own."""
    from glnn.kiosk import HINT_PERIOD, HINT_SECONDS
    script = (Step("reset", 30.0, "reset"), Step("pause", 30.0, ""))
    d, c, _ = _demo(script=script)
    hint, story = exhibit.DEFAULT_CAPTIONS["hint"], exhibit.DEFAULT_CAPTIONS["reset"]
    shown = {}
    for k in range(int(30 / 0.25)):
        t = 5.0 + k * 0.25
        d.update(t)
        shown[t - 5.0] = c.state.caption
    assert shown[0.0] == story  # the demo opens with its story
    assert {text for text in shown.values()} == {hint, story}
    hinted = [t for t, text in shown.items() if text == hint]
    assert len(hinted) == pytest.approx(30 / HINT_PERIOD * HINT_SECONDS / 0.25, abs=2)
    assert all(t % HINT_PERIOD >= HINT_PERIOD - HINT_SECONDS - 1e-9 for t in hinted)
    d.update(5.0 + 31.0)  # the step without a caption: the hint all along
    assert c.state.caption == hint
    d.update(5.0 + 45.0)
    assert c.state.caption == hint
    d.input(5.0 + 46.0, "move")
    assert c.state.caption == ""  # the visitor's screen has no demo captions


def test_no_hint_when_the_exhibit_blanks_it():
    d, c, _ = _demo(hint="", script=(Step("reset", 30.0, "reset"),))
    for k in range(120):
        d.update(5.0 + k * 0.25)
        assert c.state.caption == exhibit.DEFAULT_CAPTIONS["reset"]
