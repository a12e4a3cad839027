"""Every command the UI can give, carried out by the controller (no GL): what each changes."""
import dataclasses

import numpy as np
import pytest

from glnn import commands
from glnn.controller import Controller
from glnn.core.trainer import Trainer
from glnn.state import AppState


def make(**state):
    return Controller(Trainer({"seed": 3}), AppState(**state), threaded=False)


def test_toggle_play_plays_and_follows_training_then_pauses():
    c = make()
    c.apply(commands.ShowSample(3))
    c.apply(commands.TogglePlay())
    assert c.state.playing and c.state.shown_input is None  # playing shows what training visits
    c.apply(commands.ShowSample(3))
    c.apply(commands.TogglePlay())
    assert not c.state.playing and c.state.shown_input is not None  # pausing keeps the chosen input


def test_play_sets_playing_and_training_follows():
    c = make(speed=7)
    c.apply(commands.Play(True))
    assert c.state.playing
    c.advance()
    assert c.trainer.iterations == 7
    c.apply(commands.Play(False))
    c.advance()
    assert not c.state.playing and c.trainer.iterations == 7


def test_step_trains_one_iteration_and_pauses():
    c = make(playing=True)
    c.apply(commands.Step())
    assert c.trainer.iterations == 1 and not c.state.playing


def test_train_runs_n_iterations():
    c = make()
    c.apply(commands.Train(1234))
    assert c.trainer.iterations == 1234


def test_reset_draws_new_weights():
    c = make()
    c.apply(commands.Train(100))
    before = c.trainer.net.params.copy()
    c.apply(commands.Reset())
    assert c.trainer.iterations == 0 and not np.array_equal(c.trainer.net.params, before)


def test_set_a_live_training_setting_keeps_the_weights():
    c = make()
    c.apply(commands.Train(10))
    before = c.trainer.net.params.copy()
    c.apply(commands.Set("lr", 0.25))
    assert c.trainer.settings["lr"] == 0.25 and np.array_equal(c.trainer.net.params, before)


def test_set_the_architecture_rebuilds_the_network():
    c = make()
    c.apply(commands.Set("hidden", (8, 4)))
    assert c.trainer.arch.sizes == (25, 8, 4, 10) and c.trainer.iterations == 0


def test_set_noise_and_split_redraw_the_data_live_and_keep_the_weights():
    """The Data tab's sliders: each change is a Set that redraws the points; the network trains on."""
    c = Controller(Trainer({"dataset": "circle", "hidden": (6,), "activation": "tanh"}), AppState(), threaded=False)
    c.apply(commands.Train(2000))
    before = c.trainer.net.params.copy()
    first = c.frame()
    c.apply(commands.Set("noise", 0.45))
    c.apply(commands.Set("train_ratio", 0.7))
    assert np.array_equal(c.trainer.net.params, before) and c.trainer.iterations == 2000
    assert len(c.trainer.dataset.y_train) == 280 and c.state.message == ""
    frame = c.frame()  # the figures are of the new data at once, without training
    assert frame.metrics.iterations == 2000 and frame.metrics.train_loss != first.metrics.train_loss
    c.apply(commands.Play(True))
    c.advance()
    assert c.trainer.iterations > 2000


def test_set_features_gives_the_network_an_input_each():
    c = Controller(Trainer({"dataset": "circle", "hidden": (4,)}), AppState(), threaded=False)
    c.apply(commands.PickNeuron(4))
    c.apply(commands.Set("features", ("x1", "x2", "x1sq", "x2sq")))
    assert c.trainer.arch.sizes == (4, 4, 1) and c.trainer.iterations == 0
    assert c.state.space_pair == (-1, -1)  # neurons of another network: back to the default pair
    frame = c.frame()
    p = frame.point  # the training point shown, and its features fed in
    np.testing.assert_allclose(frame.activations[:4], [p[0], p[1], p[0] ** 2, p[1] ** 2], rtol=1e-6)


def test_show_point_feeds_the_features_of_a_point_of_the_plane():
    c = Controller(Trainer({"dataset": "circle", "hidden": (4,), "features": ("x1sq", "x2sq", "x1x2")}),
                   AppState(), threaded=False)
    c.apply(commands.ShowPoint(np.array([0.5, -0.4])))
    frame = c.frame()
    np.testing.assert_allclose(frame.activations[:3], [0.25, 0.16, -0.2], rtol=1e-6)
    np.testing.assert_allclose(frame.point, [0.5, -0.4])  # the ring on the map goes there
    assert c.state.shown_label == "the point (+0.50, -0.40)" and frame.input_index == -1
    c.apply(commands.ShowSample(7))  # a training point: its own point of the plane
    np.testing.assert_array_equal(c.frame().point, c.trainer.dataset.plane_train[7])
    c.apply(commands.ShowInput(np.array([0.3, 0.1, 0.2], np.float32)))  # features alone: no point to ring
    assert c.frame().point is None
    digits = make()
    digits.apply(commands.ShowPoint(np.array([0.5, 0.5])))  # no plane: nothing to feed
    assert digits.state.shown_input is None and digits.frame().point is None


def test_pick_neuron_sets_the_axes_of_the_hidden_space_view_in_turn():
    c = Controller(Trainer({"dataset": "spiral", "hidden": (5, 4)}), AppState(), threaded=False)
    # neurons: inputs 0-1, layer 1 = 2..6, layer 2 = 7..10, output 11
    c.apply(commands.PickNeuron(3))  # another layer than the default (the last hidden one, 7 and 8)
    assert (c.state.space_pair, c.state.space_axis) == ((3, 4), 1)
    c.apply(commands.PickNeuron(6))
    assert (c.state.space_pair, c.state.space_axis) == ((3, 6), 0)
    c.apply(commands.PickNeuron(2))
    assert (c.state.space_pair, c.state.space_axis) == ((2, 6), 1)
    for not_hidden in (0, 11, 6):  # an input, the output, a neuron already shown: nothing changes
        c.apply(commands.PickNeuron(not_hidden))
        assert (c.state.space_pair, c.state.space_axis) == ((2, 6), 1)
    c.apply(commands.PickNeuron(10))
    assert (c.state.space_pair, c.state.space_axis) == ((10, 9), 1)


def test_set_a_view_setting_checks_it_against_its_declaration():
    c = make()
    c.apply(commands.Set("palette", "green-red"))
    assert c.state.palette == "green-red"
    with pytest.raises(Exception, match="palette"):
        c.apply(commands.Set("palette", "purple"))


def test_set_refuses_a_name_that_is_nothing_at_the_call_site():
    with pytest.raises(ValueError, match="learning_rate"):
        commands.Set("learning_rate", 0.1)


def test_show_sample_shows_that_training_image():
    c = make()
    c.apply(commands.ShowSample(6))
    assert np.array_equal(c.state.shown_input, c.trainer.dataset.x_train[6])
    assert c.frame().picked_index == 6


def test_show_input_feeds_any_input_through():
    c = make()
    pixels = np.zeros(25, np.float32)
    pixels[::2] = 1
    c.apply(commands.ShowInput(pixels, "a checkerboard"))
    f = c.frame()
    assert np.array_equal(f.activations[:25], pixels) and c.state.shown_label == "a checkerboard"
    pixels[:] = 0  # the command took a copy
    assert c.frame().activations[0] == 1


def test_follow_training_drops_the_chosen_input():
    c = make()
    c.apply(commands.ShowSample(2))
    c.apply(commands.FollowTraining())
    assert c.state.shown_input is None and c.frame().picked_index == -1


def test_save_and_load_round_trip_and_say_so(tmp_path):
    c = make()
    c.apply(commands.Train(500))
    path = str(tmp_path / "net.npz")
    c.apply(commands.Save(path))
    assert c.state.message == f"saved {path}"
    saved = c.trainer.net.params.copy()
    c.apply(commands.Reset())
    c.apply(commands.Load(path))
    assert c.state.message == f"loaded {path}" and not c.state.playing
    assert c.trainer.iterations == 500 and np.array_equal(c.trainer.net.params, saved)


def test_save_and_load_name_the_whole_path_of_a_relative_name(tmp_path, monkeypatch):
    """The Save box holds a bare name by default: the message says in which folder the file went."""
    monkeypatch.chdir(tmp_path)
    c = make()
    c.apply(commands.Save("glnn-network.npz"))
    assert c.state.message == f"saved {tmp_path / 'glnn-network.npz'}"
    c.apply(commands.Load("glnn-network.npz"))
    assert c.state.message == f"loaded {tmp_path / 'glnn-network.npz'}"
    c.apply(commands.Save("no-such-folder/net.npz"))
    assert str(tmp_path / "no-such-folder") in c.state.message


def test_load_of_a_bad_file_keeps_the_network_and_says_why(tmp_path):
    c = make()
    bad = tmp_path / "bad.npz"
    bad.write_text("not a network")
    before = c.trainer
    c.apply(commands.Load(str(bad)))
    assert c.trainer is before and "bad.npz" in c.state.message


def test_animate_starts_a_step_animation_and_refuses_unknown_modes():
    c = make()
    c.clock = lambda: 0.0
    c.apply(commands.Animate("forward"))
    assert c.frame().animation is not None
    with pytest.raises(ValueError, match="sideways"):
        commands.Animate("sideways")


def test_scrub_commands_move_along_the_timeline():
    c = make()
    c.apply(commands.Train(3000))
    timeline = c.trainer.timeline
    c.apply(commands.Scrub(2))
    assert c.state.scrub_iteration == timeline.iterations[2] and c.frame().scrubbed == 2
    c.apply(commands.ScrubBy(1))
    assert c.frame().scrubbed == 3
    c.apply(commands.ScrubTo(int(timeline.iterations[-1]) - 1))  # the snapshot at or before it
    assert c.frame().scrubbed == timeline.count - 2
    c.apply(commands.ScrubBy(10_000))  # past the last snapshot: the present
    assert c.state.scrub_iteration == -1 and c.frame().scrubbed == -1


def test_add_example_adds_to_the_training_set_and_says_why_not():
    c = make()
    pixels = np.zeros(25, np.float32)
    pixels[[0, 6, 12, 18, 24]] = 1  # a diagonal, taught as a 7
    c.apply(commands.AddExample(pixels, 7))
    ds = c.trainer.dataset
    assert ds.added == 1 and ds.y_train[-1] == 7 and np.array_equal(ds.x_train[-1], pixels)
    assert c.frame().results["train"].added == 1 and c.state.data_message == ""
    c.apply(commands.AddExample(np.zeros(3, np.float32), 1))  # not a 5x5 drawing: refused, said
    assert c.trainer.dataset.added == 1 and "needs 25 values" in c.state.data_message


def test_undo_example_takes_back_the_last_one_added():
    c = make()
    c.apply(commands.AddExample(np.ones(25, np.float32), 8))
    c.apply(commands.AddExample(np.ones(25, np.float32), 0))
    c.apply(commands.UndoExample())
    assert c.trainer.dataset.added == 1 and c.trainer.dataset.y_train[-1] == 8
    c.apply(commands.UndoExample())
    c.apply(commands.UndoExample())
    assert c.trainer.dataset.added == 0 and c.state.data_message == "nothing to undo"


def test_forget_examples_returns_to_the_original_set():
    c = make()
    for label in (1, 2, 3):
        c.apply(commands.AddExample(np.ones(25, np.float32), label))
    c.apply(commands.ForgetExamples())
    assert c.trainer.dataset.added == 0 and len(c.trainer.dataset.y_train) == 10
    assert c.state.data_message == "forgot 3 examples of yours" and c.frame().results["train"].total == 10


def test_save_data_writes_the_training_set_with_the_examples_and_says_so(tmp_path):
    from glnn.core import data
    c = make()
    c.apply(commands.AddExample(np.ones(25, np.float32), 8))
    path = str(tmp_path / "mine.csv")
    c.apply(commands.SaveData(path))
    assert c.state.data_message == f"saved 11 samples to {path}"
    back = data.read_csv(path, (5, 5))
    assert np.array_equal(back.x_train, c.trainer.dataset.x_train) and back.y_train[-1] == 8
    c.apply(commands.SaveData(str(tmp_path / "no" / "such.csv")))
    assert "no such directory" in c.state.data_message


def test_every_command_type_is_a_dataclass_with_a_test_here():
    source = open(__file__).read()
    missing = [cls.__name__ for cls in commands.ALL if f"def test_{_snake(cls.__name__)}" not in source
               and f"commands.{cls.__name__}(" not in source]
    assert not missing, f"commands without a test: {missing}"
    assert all(dataclasses.is_dataclass(cls) for cls in commands.ALL)


def _snake(name: str) -> str:
    return "".join("_" + ch.lower() if ch.isupper() else ch for ch in name).lstrip("_")


def test_choose_brings_the_preset_and_refuses_a_setting_without_one():
    c = make()
    c.apply(commands.Choose("dataset", "xor3"))
    s = c.trainer.settings
    assert (s["dataset"], s["hidden"], s["activation"], s["lr"]) == ("xor3", (4,), "sigmoid", 0.5)
    with pytest.raises(ValueError):
        commands.Choose("lr", 0.1)
