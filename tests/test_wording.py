"""Numbers a teacher can trust: each loss named for what it is (the mean over the training set, or the
loss on the one sample the step animation plays), and every sentence worded for the dataset on show
(an image, a point or a pattern). The texts are the ones the UI functions produce."""
from __future__ import annotations

import numpy as np
import pytest

from glnn.controller import Controller
from glnn.core import step
from glnn.core.trainer import Trainer
from glnn.state import AppState

NOUNS = {"digits5": "image", "digits8": "image", "xor3": "pattern", "spiral": "point", "circle": "point"}


def controller(dataset: str = "digits5", iterations: int = 300, **settings) -> Controller:
    tr = Trainer({"dataset": dataset, **settings})
    tr.steps(iterations)
    return Controller(tr, AppState(), threaded=False)


@pytest.mark.parametrize("dataset,noun", sorted(NOUNS.items()))
def test_each_dataset_names_its_samples(dataset, noun):
    assert Trainer({"dataset": dataset}).dataset.noun == noun


# -- the two losses ---------------------------------------------------------------------------------
def test_the_panel_figure_is_the_mean_loss_and_the_plot_shows_the_same_numbers():
    from glnn.ui.panel import figure_rows
    from glnn.ui.widgets import loss_text
    c = controller()
    f = c.frame()
    rows = dict(figure_rows(f, c.trainer.dataset, 60.0))
    assert rows["mean loss"] == loss_text(f.metrics.train_loss) and "loss" not in rows
    # the mean over the training set: the figure is the mean of the per-sample losses
    loss, _, _ = c.trainer.evaluation("train")
    assert f.metrics.train_loss == pytest.approx(loss)
    assert f.metric_y[-1, 0] == pytest.approx(f.metrics.train_loss)  # the plot's last point


def animation_at(c: Controller, phase: str):
    anim = step.start(c.trainer, 0, "step", 0.0)
    t = 0.0
    while anim.view().phase != phase:
        t += 0.05
        anim.advance(t)
    return anim.view()


@pytest.mark.parametrize("dataset", ["digits5", "xor3", "spiral"])
def test_the_step_animation_names_the_loss_on_its_one_sample(dataset):
    from glnn.ui import step_labels
    c = controller(dataset, hidden=(4,))
    noun = c.trainer.dataset.noun
    compare = animation_at(c, "compare")
    text = step_labels.status(compare, "squared error", noun)
    assert f"loss on this {noun} (squared error) = {compare.sample.loss:.4f}" in text
    assert f"the loss on this {noun} is {compare.sample.loss:.4f}" in step_labels.caption(compare, noun)
    done = animation_at(c, "done")
    assert (f"The loss on this {noun} went from {done.sample.loss:.4f} to {done.loss_after:.4f}"
            in step_labels.status(done, "squared error", noun))
    assert (f"the loss on this {noun} went from {done.sample.loss:.4f} to {done.loss_after:.4f}"
            in step_labels.caption(done, noun))
    # and that loss is the sample's own, not the mean the panel shows
    assert done.sample.loss != pytest.approx(c.frame().metrics.train_loss, rel=1e-3)


def test_the_video_caption_says_mean_loss():
    from glnn.record import caption_text
    c = controller()
    m = c.frame().metrics
    text = caption_text(m, c.trainer.dataset)
    assert text.startswith(f"iteration 300 · mean loss {m.train_loss:.4f} · accuracy ")


def test_glnn_train_says_mean_loss(capsys):
    from glnn import cli
    assert cli.main(["train", "--quiet", "--iterations", "200"]) == 0
    out = capsys.readouterr().out
    assert ": 200 iterations, mean loss 0." in out


# -- worded for the dataset -------------------------------------------------------------------------
@pytest.mark.parametrize("dataset", ["digits5", "xor3", "spiral"])
def test_the_outputs_heading_names_what_is_trained_on(dataset):
    from glnn.ui.panel import outputs_heading
    c = controller(dataset)
    c.state.playing = True
    heading = outputs_heading(c.frame(), c.state, c.trainer.dataset)
    assert heading == f"Output for the {NOUNS[dataset]} being trained on"
    c.apply(__import__("glnn.commands").commands.ShowSample(3))
    heading = outputs_heading(c.frame(), c.state, c.trainer.dataset)
    name = c.trainer.dataset.class_names[c.trainer.dataset.y_train[3]]
    assert heading == (f"Output for training image {name}" if dataset == "digits5" else
                       f"Output for training {NOUNS[dataset]} #3 (class {name})")


@pytest.mark.parametrize("dataset", ["xor3", "spiral"])
def test_one_output_neuron_is_read_as_above_or_below_a_half(dataset):
    from glnn.ui.plots import output_rows
    c = controller(dataset)
    f = c.frame()
    rows, reading = output_rows(f.outputs, f.prediction, c.trainer.dataset.class_names)
    assert [(name, winner) for name, _, winner in rows] == [("out", False)]  # no "1?" label
    assert rows[0][1] == pytest.approx(float(f.outputs[0]), abs=1e-6)
    answer = "1" if f.outputs[0] > 0.5 else "0"
    assert reading == f"above 0.5 means class 1: the answer is {answer}" and "?" not in reading


def test_ten_outputs_name_their_digits_and_the_answer():
    from glnn.ui.plots import output_rows
    c = controller("digits5")
    f = c.frame()
    rows, reading = output_rows(f.outputs, f.prediction, c.trainer.dataset.class_names)
    assert [name for name, _, _ in rows] == list("0123456789") and reading == ""
    assert [winner for _, _, winner in rows] == [j == f.prediction for j in range(10)]


def test_an_empty_drawing_gets_no_answer():
    from glnn import commands
    from glnn.ui.panel import drawing_answer
    c = controller("digits5")
    ds = c.trainer.dataset
    blank = np.zeros(25, np.float32)
    c.apply(commands.ShowInput(blank, "your drawing"))
    said, guess = drawing_answer(blank, c.frame(), ds)
    assert guess == "" and "says" not in said and "draw a digit" in said
    one = ds.x_train[1].copy()
    c.apply(commands.ShowInput(one, "your drawing"))
    f = c.frame()
    assert drawing_answer(one, f, ds) == ("The network says:", ds.class_names[f.prediction])


@pytest.mark.parametrize("iterations", [0, 3000])
def test_xor3s_one_test_pattern_is_right_or_wrong_not_a_percentage(iterations, capsys):
    """At iteration 0 the untrained network may well answer the one unseen pattern right: 'test accuracy
    100 %' would claim it generalises. The panel, the video caption and glnn train say which pattern and
    whether its answer is right."""
    from glnn import cli
    from glnn.record import caption_text
    from glnn.ui.panel import figure_rows
    c = controller("xor3", iterations, hidden=(4,))
    f = c.frame()
    ds = c.trainer.dataset
    answer = int(c.trainer.predictions("test")[0])
    verdict = "right" if answer == ds.y_test[0] else "wrong"
    rows = dict(figure_rows(f, ds, 60.0))
    assert rows["new pattern [1, 1, 0]"] == verdict and "test accuracy" not in rows
    assert caption_text(f.metrics, ds).endswith(f" · new pattern [1, 1, 0]: {verdict}")
    assert cli.main(["train", "--quiet", "--dataset", "xor3", "--hidden", "4", "--iterations", str(iterations)]) == 0
    out = capsys.readouterr().out
    assert f"new pattern [1, 1, 0]: {verdict} (test loss" in out and "test accuracy" not in out


def test_digits5_test_accuracy_stays_a_percentage():
    from glnn.ui.panel import figure_rows
    c = controller("digits5")
    f = c.frame()
    assert dict(figure_rows(f, c.trainer.dataset, 60.0))["test accuracy"] == f"{f.metrics.test_accuracy * 100:.0f}%"
