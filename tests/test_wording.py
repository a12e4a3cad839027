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
