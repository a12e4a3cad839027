"""The attract loop, driven by a fake clock: idle -> demo -> touch -> interactive, untouched."""
import numpy as np

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
