"""The Results tab: confusion matrices and misclassified samples against a NumPy reference, the
train/test curves' data, the controller's throttled refresh, and the tab itself rendered headless
(pixel probes on the matrix, a click on a misclassified image)."""
from __future__ import annotations

import numpy as np
import pytest
import reference
from glnn import commands
from glnn_testutil import click, kernel_steps, layers_of

from glnn import controller as controller_mod
from glnn.controller import METRICS_INTERVAL, Controller
from glnn.core import confusion
from glnn.core.history import History
from glnn.core.trainer import Trainer
from glnn.state import AppState


def perfect_digits5() -> Trainer:
    """A digits5 network trained on the training AND the test images until it gets every one right."""
    tr = Trainer({"dataset": "digits5", "hidden": (64,), "loss": "xent", "lr": 0.1, "shuffle": True})
    ds = tr.dataset
    kernel_steps(tr, 20_000, x=np.concatenate([ds.x_train, ds.x_test]), labels=np.concatenate([ds.y_train, ds.y_test]))
    return Trainer(tr.settings, network=tr.net)  # a fresh trainer: nothing cached from before


def reference_predictions(tr: Trainer, x: np.ndarray) -> np.ndarray:
    ws, bs = layers_of(tr.net)
    out = reference.forward(ws, bs, x, tr.arch.activation, tr.arch.loss)[-1]
    return (out[:, 0] > 0.5).astype(int) if out.shape[1] == 1 else out.argmax(axis=1)


def reference_matrix(true, predicted, n):
    m = np.zeros((n, n), np.int64)
    for t, p in zip(true, predicted):  # plain counting, unlike the bincount under test
        m[t, p] += 1
    return m


# -- the numbers --------------------------------------------------------------------------------
def test_perfect_digits5_net_has_a_diagonal_matrix_with_the_class_counts():
    tr = perfect_digits5()
    ds = tr.dataset
    results = confusion.results(tr)
    assert set(results) == {"train", "test"}
    assert np.array_equal(results["train"].matrix, np.eye(10, dtype=np.int64))  # one image per digit
    assert np.array_equal(results["test"].matrix, np.diag(np.bincount(ds.y_test, minlength=10)))
    for r in results.values():
        assert len(r.wrong) == 0 and r.accuracy == 1.0
    assert tr.metrics().test_accuracy == 1.0


@pytest.mark.parametrize("dataset,iterations", [("digits8", 300), ("digits5", 40), ("spiral", 200), ("xor3", 0)])
def test_wrong_net_matches_numpy_reference(dataset, iterations):
    tr = Trainer({"dataset": dataset, "hidden": (12,), "seed": 3})
    tr.steps(iterations)
    ds = tr.dataset
    for split, x, y in (("train", ds.x_train, ds.y_train), ("test", ds.x_test, ds.y_test)):
        r = confusion.split_result(tr, split)
        predicted = reference_predictions(tr, x)
        assert np.array_equal(r.matrix, reference_matrix(y, predicted, ds.n_classes)), split
        wrong = np.flatnonzero(predicted != y)
        assert np.array_equal(r.wrong, wrong)
        assert np.array_equal(r.wrong_true, y[wrong]) and np.array_equal(r.wrong_predicted, predicted[wrong])
        assert r.total == len(y) and r.correct == len(y) - len(wrong)
        if split == "train":
            assert r.accuracy == pytest.approx(tr.metrics().train_accuracy)
    if dataset == "digits8":  # a half-trained net: the test is about mix-ups, so there must be some
        assert (confusion.split_result(tr, "test").matrix - np.diag(np.diag(
            confusion.split_result(tr, "test").matrix))).sum() > 10


def test_confusion_matrix_rows_are_true_columns_predicted():
    m = confusion.confusion_matrix(np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 0, 2, 2]), 3)
    assert m.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]


def test_curves_come_from_the_metric_history():
    tr = Trainer({"dataset": "digits5", "hidden": (16,)})
    for _ in range(6):
        tr.steps(150)
        tr.record_metrics()
    x, y = tr.metric_history.points()
    frame = Controller(tr, AppState(), threaded=False).frame()
    c = confusion.curves(frame.metric_x, frame.metric_y)
    assert np.array_equal(c["x"], x)
    for k, name in enumerate(("train_loss", "train_accuracy", "test_loss", "test_accuracy")):
        assert np.array_equal(c[name], y[:, k]), name
    assert np.allclose(c["accuracy_gap"], y[:, 1] - y[:, 3])
    assert np.allclose(c["loss_gap"], y[:, 2] - y[:, 0])
    m = tr.metrics()
    assert c["train_accuracy"][-1] == m.train_accuracy and c["test_loss"][-1] == m.test_loss
    assert c["train_accuracy"][-1] > c["test_accuracy"][-1]  # digits5 overfits: the gap is there to see


def test_curves_never_show_nan():
    h = History(8, 4)
    h.add(np.arange(3), np.array([[np.nan, 0.5, np.inf, 0.25]] * 3))
    c = confusion.curves(*h.points())
    assert all(np.isfinite(v).all() for v in c.values())


# -- the controller: carried in the Frame, refreshed with the metrics ----------------------------------
class FakeTime:
    def __init__(self):
        self.t = 1000.0

    def perf_counter(self):
        return self.t

    def monotonic(self):
        return self.t


def test_frame_results_refresh_with_the_metrics_not_every_frame(monkeypatch):
    clock = FakeTime()
    monkeypatch.setattr(controller_mod, "time", clock)
    tr = Trainer({"dataset": "digits5", "hidden": (16,)})
    c = Controller(tr, AppState(playing=True, speed=7), threaded=False)
    first = c.frame().results
    assert set(first) == {"train", "test"} and first["train"].iterations == 0
    for _ in range(3):
        c.advance()
        clock.t += METRICS_INTERVAL / 5
        assert c.frame().results["test"] is first["test"]  # not recomputed within the interval
    assert tr.iterations == 21
    clock.t += METRICS_INTERVAL
    c.advance()
    fresh = c.frame().results
    assert fresh["train"].iterations == tr.iterations == 28
    assert np.array_equal(fresh["test"].matrix, confusion.split_result(tr, "test").matrix)


def test_a_new_dataset_gets_its_own_matrix_at_once():
    tr = Trainer({"dataset": "digits5", "hidden": (16,)})
    c = Controller(tr, AppState(), threaded=False)
    assert c.frame().results["train"].matrix.shape == (10, 10)
    c.apply(commands.Set("dataset", "xor3"))  # iteration 0 before and after: the old numbers must not stay
    frame = c.frame()
    assert frame.results["train"].matrix.shape == (2, 2)
    assert frame.results["train"].total == len(c.trainer.dataset.y_train)
    assert frame.metrics.train_accuracy == c.trainer.metrics().train_accuracy


# -- the tab, rendered headless ------------------------------------------------------------------------
WINDOW = (1000, 900)


@pytest.fixture()
def results_app(make_app):
    """The real App on its own headless window, Results tab open, a digits5 net that knows its
    training images but not all the test images."""
    tr = Trainer({"dataset": "digits5", "hidden": (64,), "loss": "xent", "lr": 0.1})
    tr.steps(3000)
    assert tr.metrics().train_accuracy == 1.0 and tr.metrics().test_accuracy < 1.0
    return make_app(tr, WINDOW, tab="results", results_split="train")


def render(app, frames=3):
    """Draw frames (a tab chosen by state opens on the frame after); the pixels of the last one."""
    from conftest import read_pixels
    app.window.switch_to()
    for _ in range(frames - 1):
        app.frame()
    app.panel.results.matrix_box = app.panel.results.tile_grid = None  # set again only if drawn
    app.frame()
    w, h = app.window.get_framebuffer_size()
    return read_pixels(w, h)[..., :3].astype(int)


def cell_rgb(img, box, r, c):
    """Mean colour of the middle of cell (r, c), away from its count."""
    x0, y0, cw, ch, _ = box
    x, y = int(x0 + c * cw + 3), int(y0 + r * ch + ch / 2)
    return img[y - 2:y + 3, x:x + 3].reshape(-1, 3).mean(axis=0)


@pytest.mark.gl
def test_results_tab_shows_the_matrix(results_app):
    app = results_app
    img = render(app)
    box = app.panel.results.matrix_box
    assert box is not None, "the Results tab was not drawn"
    assert box[4] == 10 and box[0] < app.panel.width(1.0)
    cells = np.array([[cell_rgb(img, box, r, c) for c in range(10)] for r in range(10)])
    brightness = cells.sum(axis=2)
    diagonal = np.eye(10, dtype=bool)
    # the perfect training split: every diagonal cell bright green, everything else empty and dark
    assert brightness[diagonal].min() > brightness[~diagonal].max() + 150, brightness
    green = cells[diagonal]
    assert (green[:, 1] > green[:, 0] + 80).all() and (green[:, 1] > green[:, 2] + 40).all()

    app.controller.apply(commands.Set("results_split", "test"))
    img = render(app)
    matrix = app.controller.frame().results["test"].matrix
    cells = np.array([[cell_rgb(img, box, r, c) for c in range(10)] for r in range(10)])
    mixed = (matrix > 0) & ~diagonal
    assert mixed.any()
    red = cells[mixed]
    assert (red[:, 0] > red[:, 1] + 30).all(), "cells of mix-ups should be red"
    empty = cells[(matrix == 0)]
    assert np.abs(empty - empty[0]).max() <= 2, "cells without a count should all look the same"
    assert red.sum(axis=1).min() > empty.sum(axis=1).max()
    right = cells[diagonal & (matrix > 0)]
    assert (right[:, 1] > right[:, 0] + 60).all()


@pytest.mark.gl
def test_clicking_a_misclassified_image_feeds_it_through(results_app):
    app = results_app
    app.controller.apply(commands.Set("results_split", "test"))
    render(app)
    grid = app.panel.results.tile_grid
    assert grid is not None, "no misclassified images drawn"
    left, top, step_x, step_y, per_row = grid
    result = app.controller.frame().results["test"]
    k = min(per_row, len(result.wrong) - 1)  # the first image of the second row (or the last one)
    x = left + (k % per_row) * step_x + step_x * 0.45
    y = top + (k // per_row) * step_y + step_y * 0.3
    click(app, x, y, lambda a: render(a, 1))
    state = app.controller.state
    index = int(result.wrong[k])
    ds = app.controller.trainer.dataset
    assert state.shown_input is not None and np.array_equal(state.shown_input, ds.x_test[index])
    names = ds.class_names
    assert f"{names[result.wrong_true[k]]}->{names[result.wrong_predicted[k]]}" in state.shown_label
    frame = app.controller.frame()
    assert frame.input_index == -1 and frame.prediction == result.wrong_predicted[k]  # the scene shows it


@pytest.mark.gl
def test_the_tab_follows_state_tab(results_app):
    app = results_app
    app.controller.apply(commands.Set("tab", "train"))
    render(app)
    assert app.panel.results.matrix_box is None  # the Train tab is open now
    app.controller.apply(commands.Set("tab", "results"))
    render(app)
    assert app.panel.results.matrix_box is not None


@pytest.mark.gl
def test_results_part_can_be_hidden(results_app):
    app = results_app
    parts = app.state.panel
    app.controller.apply(commands.Set("panel", tuple(p for p in parts if p != "results")))
    try:
        render(app)
        assert app.panel.results.matrix_box is None
        assert app.state.tab == "train"  # the panel fell back to the first tab, and says so
    finally:
        app.controller.apply(commands.Set("panel", parts))
    app.controller.apply(commands.Set("tab", "results"))
    render(app)
    assert app.panel.results.matrix_box is not None


@pytest.mark.gl
def test_release_frees_the_textures_and_they_come_back(results_app):
    from pyglet import gl
    app = results_app
    app.controller.apply(commands.Set("results_split", "test"))
    before = render(app)
    tab = app.panel.results
    names = [tab._cells.texture.value, tab._strip.texture.texture.value]
    assert all(names) and all(gl.glIsTexture(t) for t in names)
    app.panel.release()
    assert not any(gl.glIsTexture(t) for t in names)
    after = render(app)  # drawn again: the textures are made afresh
    x0, y0, cw, ch, n = tab.matrix_box
    box = (slice(int(y0), int(y0 + n * ch)), slice(int(x0), int(x0 + n * cw)))
    assert np.array_equal(before[box], after[box])


# -- through the command line ----------------------------------------------------------------------------
@pytest.mark.gl
def test_screenshot_can_open_the_results_tab(tmp_path):
    """`glnn --screenshot --tab results`: the matrix's green cells run down the diagonal of the panel."""
    from PIL import Image
    from scipy import ndimage
    from test_screenshot import run_glnn
    proc = run_glnn(["--screenshot", "r.png", "--tab", "results", "--iterations", "3000", "--size", "1000x900",
                     "--hidden", "64", "--loss", "xent", "--lr", "0.1"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    with Image.open(tmp_path / "r.png") as im:
        img = np.array(im.convert("RGB")).astype(int)
    panel = img[:, :340]
    r, g, b = panel[..., 0], panel[..., 1], panel[..., 2]
    green = (g > r + 80) & (g > b + 40)  # RIGHT_CELL, the diagonal's colour, and nothing else in the panel
    blobs, n = ndimage.label(green)
    sizes = ndimage.sum(green, blobs, range(1, n + 1))
    centres = [c for c, s in zip(ndimage.center_of_mass(green, blobs, range(1, n + 1)), sizes) if s > 150]
    assert len(centres) >= 6, f"only {len(centres)} green cells"
    ys, xs = np.array(sorted(centres, key=lambda c: c[1])).T
    assert (np.diff(xs) > 20).all() and (np.diff(ys) > 15).all(), "green cells should step down a diagonal"
    steps = np.diff(ys) / np.diff(xs)
    assert np.allclose(steps, np.median(steps), rtol=0.1)  # one straight line: cells of one size


def test_unknown_tab_is_one_line(tmp_path):
    from test_screenshot import assert_one_line_error, run_glnn
    line = assert_one_line_error(run_glnn(["--screenshot", "r.png", "--tab", "graphs"], cwd=tmp_path))
    assert "graphs" in line and "results" in line
    assert not (tmp_path / "r.png").exists()
