"""The plots' axes: short tick labels (1k, 2.5M, never 4e+07 or 120000160000) that never collide,
checked on the pure tick functions and on every plot the real panel draws (ImPlot's calls spied on,
the label positions computed from the plot's own geometry) at several text sizes."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

from glnn.ui import plots

SHORT = re.compile(r"^(0|[1-9]\d{0,2}(\.\d+)?[kMG]?|\d+\.\d+%?|\d+%)$")  # 0, 5, 250, 1.5k, 20M, 0.25, 50%


def fake_width(scale: float):
    """Roughly Roboto's digits at 17 px times the text size."""
    return lambda text: len(text) * 8.5 * scale


def positions(values, lo, hi, log_x, width):
    if log_x:
        lo = max(lo, 1.0)
        return [(math.log10(v) - math.log10(lo)) / (math.log10(max(hi, lo + 1)) - math.log10(lo)) * width for v in values]
    return [(v - lo) / (max(hi, lo + 1) - lo) * width for v in values]


RANGES = [(0, 10), (0, 3000), (0, 200_000), (35, 180), (1, 4e7), (0, 4e7), (0, 123_456_789), (1000, 1e9), (0, 5e9)]


@pytest.mark.parametrize("scale", [1.0, 1.5, 2.0, 2.5, 3.0, 4.0])
@pytest.mark.parametrize("log_x", [False, True])
def test_iteration_ticks_are_short_and_never_collide(scale, log_x):
    text_width = fake_width(scale)
    for lo, hi in RANGES:
        for width in (60, 120, 200, 260, 400, 900):
            width *= scale if width > 100 else 1  # wide plots grow with the text; narrow ones need not
            values, labels = plots.iteration_ticks(lo, hi, log_x, width, text_width)
            where = (lo, hi, log_x, width, labels)
            assert len(values) == len(labels), where
            assert all(SHORT.match(label) for label in labels), where
            assert not any("e" in label for label in labels), where
            xs = positions(values, lo, hi, log_x, width)
            spans = [(x - text_width(t) / 2, x + text_width(t) / 2) for x, t in zip(xs, labels)]
            for (_, right), (left, _) in zip(spans, spans[1:]):
                assert left - right >= text_width("0"), where  # a clear gap between neighbours
            assert all(a >= -text_width("0") and b <= width + text_width("0") for a, b in spans), where
            if width >= 8 * text_width("0000"):  # room for several labels: at least two
                assert len(values) >= 2, where


def test_iteration_ticks_are_round_numbers():
    values, labels = plots.iteration_ticks(0, 200_000, False, 300, fake_width(1.0))
    assert labels[:3] == ["0", "50k", "100k"]
    values, labels = plots.iteration_ticks(1, 4e7, True, 400, fake_width(1.0))
    assert labels == ["1", "10", "100", "1k", "10k", "100k", "1M", "10M"]


@pytest.mark.parametrize("lo,hi,expected", [
    (0.0, 2.1, ["0", "1", "2"]),
    (0.0, 0.00459, ["0", "0.002", "0.004"]),
    (2.1e-5, 2.1, ["1", "2"]),
    (0.2, 0.26, ["0.20", "0.25"]),
    (0.0, 62.3, ["0", "50"]),
    (0.0, 4e4, ["0", "20k", "40k"]),
])
def test_value_ticks_are_round_and_have_no_exponent(lo, hi, expected):
    values, labels = plots.value_ticks(lo, hi)
    assert labels == expected and all(lo <= v <= hi for v in values)


# -- every plot the panel draws ---------------------------------------------------------------------
class PlotSpy:
    """Records what the panel tells ImPlot about each plot's axes, and the plot's geometry at its end."""

    def __init__(self, monkeypatch):
        from imgui_bundle import implot
        self.implot = implot
        self.plots: list[dict] = []
        real_begin, real_end = implot.begin_plot, implot.end_plot
        real_ticks, real_scale, real_axis, real_axes = (implot.setup_axis_ticks, implot.setup_axis_scale,
                                                        implot.setup_axis, implot.setup_axes)

        def begin(title, *args, **kw):
            shown = real_begin(title, *args, **kw)
            if shown:
                self.plots.append({"title": title, "ticks": {}, "log": set(), "hidden": set()})
            return shown

        def ticks(axis, *args, **kw):
            if len(args) >= 2 and isinstance(args[0], list):
                self.plots[-1]["ticks"][int(axis)] = (list(args[0]), list(args[1]))
            else:
                self.plots[-1]["ticks"][int(axis)] = None  # ImPlot's own labels from a count
            return real_ticks(axis, *args, **kw)

        def scale(axis, kind):
            if int(kind) == int(implot.Scale_.log10):
                self.plots[-1]["log"].add(int(axis))
            return real_scale(axis, kind)

        def axis(ax, label=None, flags=0):
            if int(flags) & int(implot.AxisFlags_.no_tick_labels):
                self.plots[-1]["hidden"].add(int(ax))
            return real_axis(ax, label, flags)

        def axes(x_label, y_label, x_flags=0, y_flags=0):
            for ax, flags in ((implot.ImAxis_.x1, x_flags), (implot.ImAxis_.y1, y_flags)):
                if int(flags) & int(implot.AxisFlags_.no_tick_labels):
                    self.plots[-1]["hidden"].add(int(ax))
            return real_axes(x_label, y_label, x_flags, y_flags)

        def end():
            p = self.plots[-1]
            pos, size = implot.get_plot_pos(), implot.get_plot_size()
            p["pos"], p["size"] = (pos.x, pos.y), (size.x, size.y)
            for ax in p["ticks"]:
                x_axis = int(ax) < 3
                lim = implot.get_plot_limits(ax if x_axis else implot.ImAxis_.x1, ax if not x_axis else implot.ImAxis_.y1)
                p.setdefault("limits", {})[ax] = (lim.x.min, lim.x.max) if x_axis else (lim.y.min, lim.y.max)
            from imgui_bundle import imgui  # text sizes now, while the frame's font is current
            labels = {t for given in p["ticks"].values() if given for t in given[1]} | {"0", "00"}
            p["text"] = {t: imgui.calc_text_size(t).x for t in labels}
            p["line"] = imgui.get_text_line_height()
            return real_end()

        real_line = implot.plot_line

        def line(label, xs, ys, *args, **kw):
            self.plots[-1].setdefault("lines", {})[label] = (np.array(xs, float), np.array(ys, float))
            return real_line(label, xs, ys, *args, **kw)

        monkeypatch.setattr(implot, "plot_line", line)
        for name, fn in (("begin_plot", begin), ("end_plot", end), ("setup_axis_ticks", ticks),
                         ("setup_axis_scale", scale), ("setup_axis", axis), ("setup_axes", axes)):
            monkeypatch.setattr(implot, name, fn)


def check_axes(p: dict) -> None:
    """Every axis of plot p has explicit short labels, and the shown ones do not overlap."""
    text_width, line_height = p["text"].__getitem__, p["line"]
    from imgui_bundle import implot
    X1, Y1, Y2 = int(implot.ImAxis_.x1), int(implot.ImAxis_.y1), int(implot.ImAxis_.y2)
    name = p["title"]
    assert X1 in p["ticks"] and Y1 in p["ticks"], f"{name}: an axis left to ImPlot's own tick labels"
    for ax, given in p["ticks"].items():
        assert given is not None, f"{name}: axis {ax} labelled by ImPlot's %g"
        values, labels = given
        assert all(SHORT.match(t) for t in labels), (name, ax, labels)
    values, labels = p["ticks"][X1]
    if X1 not in p["hidden"]:
        assert len(values) >= 2, (name, labels)
        lo, hi = p["limits"][X1]
        width = p["size"][0]
        if X1 in p["log"]:
            xs = [(math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * width for v in values]
        else:
            xs = [(v - lo) / (hi - lo) * width for v in values]
        spans = [(x - text_width(t) / 2, x + text_width(t) / 2) for x, t in zip(xs, labels)]
        for (_, right), (left, _) in zip(spans, spans[1:]):
            assert left - right >= 2, f"{name}: x tick labels {labels} overlap at width {width:.0f}"
        assert spans[0][0] >= -text_width("00") and spans[-1][1] <= width + text_width("00"), (name, labels, spans)
    for ax in (Y1, Y2):
        if ax in p["ticks"] and ax in p["limits"]:
            values, labels = p["ticks"][ax]
            lo, hi = p["limits"][ax]
            ys = sorted((v - lo) / (hi - lo) * p["size"][1] for v in values)
            assert all(b - a >= line_height for a, b in zip(ys, ys[1:])), (name, labels, ys)


@pytest.mark.gl
@pytest.mark.parametrize("scale", [1.0, 2.0, 3.0])
def test_every_plot_axis_has_short_labels_that_do_not_collide(make_app, monkeypatch, scale):
    from glnn.core.trainer import Trainer
    from glnn.launch import train_with_history
    from glnn import commands
    tr = Trainer({"dataset": "digits5"})
    train_with_history(tr, 200_000)
    # at 3x a 1080-line panel scrolls its plot out of view (the layout keeps every part unclipped): 4K then
    app = make_app(tr, (1920, 1080) if scale < 3 else (3840, 2160), ui_scale=scale, tab="results")
    spy = PlotSpy(monkeypatch)
    for tab in ("results", "train"):
        for log_x in (False, True):
            app.controller.apply(commands.Set("tab", tab))
            app.controller.apply(commands.Set("log_x", log_x))
            for _ in range(3):  # a tab opens a frame after it is chosen; the plots measure their width
                spy.plots.clear()
                app.frame()
            titles = [p["title"] for p in spy.plots]
            assert titles == (["##accuracy_gap", "##loss_gap"] if tab == "results" else ["##loss"]), titles
            for p in spy.plots:
                check_axes(p)


@pytest.mark.gl
def test_the_train_plot_shows_the_mean_loss_of_the_figure(make_app, monkeypatch):
    """The Train tab's loss curve is the mean loss over the training set, named so in its legend, and
    it ends on the figure above it (not on the loss of the last sample trained)."""
    from glnn.core.trainer import Trainer
    from glnn.launch import train_with_history
    from glnn.ui.panel import figure_rows
    tr = Trainer({"dataset": "digits5"})
    train_with_history(tr, 3000)
    app = make_app(tr)
    spy = PlotSpy(monkeypatch)
    for _ in range(2):
        spy.plots.clear()
        app.frame()
    (plot,) = spy.plots
    assert set(plot["lines"]) == {"mean loss", "accuracy", "test accuracy"}
    frame = app.controller.frame()
    x, y = plot["lines"]["mean loss"]
    assert x[-1] == 3000 and y[-1] == pytest.approx(frame.metrics.train_loss, rel=1e-6)
    assert dict(figure_rows(frame, tr.dataset, 60.0))["mean loss"] == f"{frame.metrics.train_loss:.5f}"
    x, y = plot["lines"]["accuracy"]
    assert y[-1] == pytest.approx(frame.metrics.train_accuracy)


# -- one colour per series ----------------------------------------------------------------------------
def series_pixels(img: np.ndarray, rect: tuple, rgb: tuple, tolerance: float = 40.0) -> int:
    """How many pixels inside rect (x, y, w, h) are within `tolerance` of the colour rgb (0..1)."""
    x, y, w, h = (int(round(v)) for v in rect)
    area = img[y:y + h, x:x + w, :3].astype(float)
    return int((np.linalg.norm(area - np.asarray(rgb) * 255, axis=2) < tolerance).sum())


@pytest.mark.gl
@pytest.mark.parametrize("colormap", ["deep", "dark", "pastel"])
@pytest.mark.parametrize("kiosk", [False, True])
def test_each_series_has_its_own_colour_in_every_plot(make_app, kiosk, colormap):
    """The same colour per series (theme.SERIES) in the Train tab's plot and the Results tab's, in kiosk
    mode or not, whatever ImPlot's colormap and the order in which the lines first appear."""
    from imgui_bundle import implot
    from conftest import read_pixels
    from glnn import commands
    from glnn.core.trainer import Trainer
    from glnn.launch import train_with_history
    from glnn.ui.theme import SERIES
    tr = Trainer({"dataset": "digits5"})
    train_with_history(tr, 20_000)
    app = make_app(tr, (1280, 900), kiosk=kiosk, ui_scale=1.5 if kiosk else 1.0)
    implot.get_style().colormap = getattr(implot.Colormap_, colormap)
    expected = {"train": {"##loss": ("mean loss", "accuracy", "test accuracy")},
                "results": {"##accuracy_gap": ("accuracy", "test accuracy"), "##loss_gap": ("mean loss", "test loss")}}
    others = set(SERIES) - {"gap"}
    for tab, plots_shown in expected.items():
        app.controller.apply(commands.Set("tab", tab))
        for _ in range(3):
            app.frame()
        w, h = app.window.get_framebuffer_size()
        img = read_pixels(w, h)
        rects = {"##loss": app.panel.loss_plot.rect} if tab == "train" else app.panel.results.plot_rects
        for plot_id, series in plots_shown.items():
            for name in series:
                assert series_pixels(img, rects[plot_id], SERIES[name]) >= 15, (tab, plot_id, name)
            for name in others - set(series):  # and no line in the colour of a series that is not there
                assert series_pixels(img, rects[plot_id], SERIES[name], 25) <= 3, (tab, plot_id, name)
