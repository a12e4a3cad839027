"""The controller: commands in, frames out (no GL)."""
import numpy as np

from glnn import commands
from glnn import controller as controller_mod
from glnn.controller import Controller
from glnn.core.trainer import Trainer
from glnn.state import AppState


def make(**state):
    return Controller(Trainer({"seed": 3}), AppState(**state), threaded=False)


def test_clicked_training_image_is_fed_forward_and_marked():
    c = make()
    c.apply(commands.ShowSample(4))
    f = c.frame()
    assert f.picked_index == 4 and f.input_index == -1
    assert np.array_equal(f.activations[:25], c.trainer.dataset.x_train[4])
    c.apply(commands.ShowInput(np.zeros(25, np.float32), "your drawing"))
    assert c.frame().picked_index == -1
    c.apply(commands.ShowSample(2))
    c.apply(commands.FollowTraining())
    f = c.frame()
    assert f.picked_index == -1 and f.input_index >= 0


def test_playing_at_a_multiple_of_ten_still_shows_every_digit(monkeypatch):
    """Speed 20 trains all ten images twice a frame; the scene must not show the same one forever."""
    clock = [1000.0]
    monkeypatch.setattr(controller_mod.time, "monotonic", lambda: clock[0])
    c = make(playing=True, speed=20)
    seen = set()
    for _ in range(120):  # two seconds at 60 frames/s
        c.advance()
        f = c.frame()
        seen.add(f.input_index)
        assert np.array_equal(f.activations[:25], c.trainer.dataset.x_train[f.input_index])
        clock[0] += 1 / 60
    assert seen == set(range(10))


def test_speed_one_shows_the_image_just_trained():
    c = make(playing=True, speed=1)
    for expected in range(1, 4):
        c.advance()
        assert c.trainer.iterations == expected
        assert c.frame().input_index == (expected - 1) % 10


def test_a_dataset_that_cannot_load_leaves_the_network_and_says_why(monkeypatch):
    from glnn.core import data
    from glnn.core.errors import GlnnError
    real_load = data.load

    def load(name):
        if name == "digits8":
            raise GlnnError("dataset digits8 needs scikit-learn: pip install '.[digits8]'")
        return real_load(name)

    monkeypatch.setattr(data, "load", load)
    c = make()
    c.trainer.steps(50)
    before = c.trainer.net.params.copy()
    c.apply(commands.Set("dataset", "digits8"))
    assert "scikit-learn" in c.state.message
    assert c.trainer.settings["dataset"] == "digits5" and c.trainer.iterations == 50
    assert np.array_equal(c.trainer.net.params, before)
    c.frame()  # still renders
    c.apply(commands.Set("dataset", "xor3"))
    assert c.state.message == "" and c.trainer.dataset.name == "xor3"
