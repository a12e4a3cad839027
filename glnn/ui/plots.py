"""Loss and accuracy over iterations (ImPlot), and the output activations as labelled bars."""
from __future__ import annotations

import functools
import math

import numpy as np
from imgui_bundle import imgui, implot, implot_ctx

from glnn.ui.theme import SERIES, TIMELINE_MARK
from glnn.ui.widgets import finite, rgba, short_count


TICK_GAP = 1.5  # free space between neighbouring tick labels, in widths of "0"


def nice_step(raw: float) -> float:
    """The smallest of 1, 2 or 5 times a power of ten that is at least `raw` (> 0)."""
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))


def _multiples(lo: float, hi: float, step: float) -> list[float]:
    first = math.ceil(lo / step - 1e-9)
    return [k * step for k in range(first, int(math.floor(hi / step + 1e-9)) + 1)]


def _log_candidates(lo: float, hi: float) -> list[list[float]]:
    """Tick sets for a log axis, the preferred first: every decade, then every 2nd, 3rd... decade;
    on a range of under three decades first 1, 2 and 5 times each power of ten."""
    first, last = math.ceil(math.log10(lo) - 1e-9), math.floor(math.log10(hi) + 1e-9)
    decades = [10.0 ** k for k in range(first, last + 1)]
    sets = [[10.0 ** k for k in range(first, last + 1) if k % n == 0] for n in range(1, max(2, last - first + 1))]
    if last - first < 2:
        fine = [m * 10.0 ** k for k in range(first - 1, last + 1) for m in (1, 2, 5)]
        sets = [[v for v in fine if lo <= v <= hi]] + sets
    return [t for t in sets if t] or [decades]


def iteration_ticks(lo: float, hi: float, log_x: bool, width: float, text_width) -> tuple[list[float], list[str]]:
    """Ticks for an iteration axis of `width` pixels showing lo..hi, labelled in the short form (500, 1k,
    2.5M; ImPlot's own %g would mix 500000 with 1.5e+06): as many as fit with a clear gap between
    neighbours (text_width(label) gives a label's width at the current text size), none reaching
    past the ends of the axis by more than a digit. Linear: multiples of 1, 2 or 5 times a power of
    ten; log: decades. Few labels rather than colliding ones: at worst none."""
    if log_x:
        lo = max(lo, 1.0)
    hi = max(hi, lo + 1.0)
    digit = text_width("0")
    gap, overhang = TICK_GAP * digit, digit

    def position(v: float) -> float:
        if log_x:
            return (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * width
        return (v - lo) / (hi - lo) * width

    def fitting(values: list[float]) -> tuple[list[float], list[str]] | None:
        labels = [short_count(v) for v in values]
        spans = []
        for v, label in zip(values, labels):
            x, half = position(v), text_width(label) / 2
            spans.append((x - half, x + half) if -overhang <= x - half and x + half <= width + overhang else None)
        kept = [(v, label, span) for v, label, span in zip(values, labels, spans) if span is not None]
        if any(b[2][0] - a[2][1] < gap for a, b in zip(kept, kept[1:])):
            return None
        return [v for v, _, _ in kept], [label for _, label, _ in kept]

    if log_x:
        candidates = _log_candidates(lo, hi)
    else:
        widest = max(text_width(short_count(lo)), text_width(short_count(hi))) + gap
        step = nice_step(max(1.0, (hi - lo) / max(1.0, width / widest)))  # a first guess: then sparser until it fits
        candidates = []
        while step <= (hi - lo) * 10:
            candidates.append(_multiples(lo, hi, step))
            step = nice_step(step * 1.5)
    first_fit = None  # the densest set that fits and has two ticks at least; else the densest that fits
    for candidate in candidates:
        fit = fitting(candidate)
        if fit is not None:
            if len(fit[0]) >= 2:
                return fit
            first_fit = first_fit or fit
    return first_fit or ([], [])


@functools.lru_cache(maxsize=64)
def _axis_ticks(lo: float, hi: float, log_x: bool, width: float, font_size: float) -> tuple[list[float], list[str]]:
    return iteration_ticks(lo, hi, log_x, width, _text_width)


def axis_ticks(lo: float, hi: float, log_x: bool, width: float) -> tuple[list[float], list[str]]:
    """iteration_ticks at the current text size, memoised: a plot's range moves a few times a second
    (when an evaluation lands), not every frame. The lists are shared: read them, never change them."""
    return _axis_ticks(lo, hi, log_x, width, imgui.get_font_size())


def axis_number(value: float, step: float) -> str:
    """A value axis' label: as many decimals as the ticks' step needs, never an exponent below 1e-7."""
    if abs(value) >= 1000:
        return short_count(value)
    if value == 0:
        return "0"
    if step < 1e-7:
        return f"{value:.1e}"
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return f"{value:.{decimals}f}"


def value_ticks(lo: float, hi: float, most: int = 3) -> tuple[list[float], list[str]]:
    """At most `most` ticks at round values over lo..hi (a loss axis), labelled without an exponent."""
    hi = hi if hi > lo else lo + 1.0
    step = nice_step((hi - lo) / most)
    values = _multiples(lo, hi, step)
    while len(values) > most:
        step = nice_step(step * 1.5)
        values = _multiples(lo, hi, step)
    return values, [axis_number(v, step) for v in values]


@functools.lru_cache(maxsize=64)
def loss_ticks(top: float) -> tuple[list[float], list[str]]:
    """value_ticks(0, top), memoised (the highest loss seen changes rarely). Shared lists: read only."""
    return value_ticks(0.0, top)


PERCENT_TICKS = ([0.0, 0.5, 1.0], ["0%", "50%", "100%"])  # an accuracy axis of 0..1
_specs: dict = {}  # ImPlot's style of each series, made once from theme.SERIES


def spec(series: str, shaded: bool = False):
    """How series `series` is drawn: its colour from theme.SERIES, never ImPlot's next colormap colour."""
    key = (series, shaded)
    if key not in _specs:
        r, g, b = SERIES[series]
        _specs[key] = (implot.Spec(fill_color=imgui.ImVec4(r, g, b, 1.0), fill_alpha=0.40) if shaded else
                       implot.Spec(line_color=imgui.ImVec4(r, g, b, 1.0), line_weight=2.0))
    return _specs[key]


def line(series: str, x: np.ndarray, y: np.ndarray, label: str | None = None) -> None:
    """One series as a line in its own colour; `label` is its name in a legend (the series' name by default)."""
    implot.plot_line(label or series, x, y, spec(series))


class PlotWidth:
    """The width of a plot's area as ImPlot laid it out last frame: it is known only after the axes
    (and their ticks) are set up, so the ticks of this frame use last frame's; a guess at first."""

    def __init__(self):
        self.width: float | None = None
        self.rect: tuple | None = None  # the plot area last frame, (x, y, w, h) in window pixels

    def get(self) -> float:
        if self.width is None:  # the frame less the padding and the axis labels of a typical plot
            return max(1.0, imgui.get_content_region_avail().x - 8 * imgui.calc_text_size("0").x)
        return self.width

    def measure(self) -> None:
        """Call inside the plot, after its items."""
        pos, size = implot.get_plot_pos(), implot.get_plot_size()
        self.width = float(size.x)
        self.rect = (float(pos.x), float(pos.y), float(size.x), float(size.y))


# ImPlot's flags, combined once (an enum's | is a Python call)
_PLOT_FLAGS = implot.Flags_.no_mouse_text | implot.Flags_.no_box_select
_RIGHT_AXIS_FLAGS = implot.AxisFlags_.lock | implot.AxisFlags_.opposite
_LEGEND_FLAGS = implot.LegendFlags_.horizontal | implot.LegendFlags_.outside


class LossPlot:
    """The Train tab's plot: mean loss (left axis, fitted) and accuracy (right axis, 0..100 %) over the iterations."""

    def __init__(self):
        self._width = PlotWidth()
        self.rect: tuple | None = None  # where the plot area was drawn last, (x, y, w, h) (read by the tests)

    def draw(self, frame, log_x: bool, height: float, test_label: str = "test accuracy") -> None:
        """test_label: the test accuracy's name in the legend ("new pattern" when the test set is one sample)."""
        with implot_ctx.begin_plot("##loss", imgui.ImVec2(-1, height), _PLOT_FLAGS) as plot:
            if not plot:
                return
            implot.setup_axis(implot.ImAxis_.x1, None, 0)
            implot.setup_axis(implot.ImAxis_.y1, None, implot.AxisFlags_.lock)
            implot.setup_axis(implot.ImAxis_.y2, None, _RIGHT_AXIS_FLAGS)
            # the loss axis from 0 to the highest mean loss seen, with three ticks: ImPlot's own crowd at this height
            n = len(frame.metric_x)
            loss = np.ascontiguousarray(frame.metric_y[:, 0])
            if not np.isfinite(loss).all():  # a diverged stretch: drawn at 0 (nan_to_num is slow to call every frame)
                loss = np.nan_to_num(loss, posinf=0.0)
            top = max(float(loss.max()) if n > 1 else 1.0, 1e-6)
            implot.setup_axis_limits(implot.ImAxis_.y1, 0.0, top * 1.05, implot.Cond_.always)
            implot.setup_axis_ticks(implot.ImAxis_.y1, *loss_ticks(top))
            implot.setup_axis_limits(implot.ImAxis_.y2, -0.02, 1.05, implot.Cond_.always)
            implot.setup_axis_ticks(implot.ImAxis_.y2, *PERCENT_TICKS)
            if log_x:
                implot.setup_axis_scale(implot.ImAxis_.x1, implot.Scale_.log10)
            lo, hi = (float(frame.metric_x[0]), float(frame.metric_x[-1])) if n else (0.0, 0.0)
            if log_x:
                lo = max(lo, 1.0)
            if hi - lo < 10:  # too few points to fit to: a steady, empty frame instead of -0.5..0.5
                lo, hi = (max(lo, 1.0) if log_x else 0.0), lo + 10.0
            implot.setup_axis_limits(implot.ImAxis_.x1, lo, hi, implot.Cond_.always)
            implot.setup_axis_ticks(implot.ImAxis_.x1, *axis_ticks(lo, hi, log_x, self._width.get()))
            implot.setup_legend(implot.Location_.north, _LEGEND_FLAGS)
            if n > 1:  # the mean over the training set, as the figure above: the same numbers
                line("mean loss", frame.metric_x, loss)
                implot.set_axes(implot.ImAxis_.x1, implot.ImAxis_.y2)
                line("accuracy", frame.metric_x, np.ascontiguousarray(frame.metric_y[:, 1]))
                if frame.metrics.has_test:
                    line("test accuracy", frame.metric_x, np.ascontiguousarray(frame.metric_y[:, 3]), test_label)
                implot.set_axes(implot.ImAxis_.x1, implot.ImAxis_.y1)
            else:
                implot.plot_text("press Play to see the loss fall", (lo + hi) / 2, 0.5 * top)
            if frame.scrubbed >= 0:  # where the timeline is: the network the scene shows
                mark = implot.Spec(line_color=imgui.ImVec4(*TIMELINE_MARK, 1.0), line_weight=2.0)
                # out of the legend ("##"): a fourth entry does not fit the panel's width; the gold is the
                # timeline's own colour for "the network shown"
                implot.plot_inf_lines("##shown in the scene", np.array([float(frame.timeline[frame.scrubbed])]), mark)
            self._width.measure()
            self.rect = self._width.rect


def _text_width(text: str) -> float:
    return imgui.calc_text_size(text).x


def output_rows(outputs, prediction: int, class_names) -> tuple[list[tuple[str, float, bool]], str]:
    """The output bars as rows (name, value 0..1, the answer?) and, for a network of one output neuron
    (two classes), the line that says how to read its one bar: a bar has no class of its own there."""
    values = [min(max(finite(v), 0.0), 1.0) for v in np.asarray(outputs, np.float64).tolist()]
    if len(values) > 1:
        return [(class_names[j], v, j == prediction) for j, v in enumerate(values)], ""
    return ([("out", values[0], False)],
            f"above 0.5 means class {class_names[1]}: the answer is {class_names[prediction]}")


def output_bars(frame, class_names) -> None:
    """One bar per output neuron with its value; the predicted one in gold."""
    draw = imgui.get_window_draw_list()
    origin = imgui.get_cursor_screen_pos()
    ox, oy = origin.x, origin.y
    width = imgui.get_content_region_avail().x
    row_h = imgui.get_text_line_height() + 4
    rows, reading = output_rows(frame.outputs, frame.prediction, class_names)
    label_w = max(imgui.calc_text_size(max((r[0] for r in rows), key=len)).x, imgui.calc_text_size("00").x) + 6
    value_w = imgui.calc_text_size("0.000").x + 8
    bar_w = max(20.0, width - label_w - value_w)
    x0 = ox + label_w
    name_colour, track, value_colour = rgba(0.8, 0.85, 0.95), rgba(0.12, 0.14, 0.2), rgba(0.9, 0.92, 1.0)
    gold, blue = rgba(1.0, 0.78, 0.3), rgba(0.33, 0.62, 0.95)
    for j, (name, v, winner) in enumerate(rows):
        y = oy + j * row_h
        draw.add_text(imgui.ImVec2(ox, y + 1), name_colour, name)
        top, bottom = y + 2, y + row_h - 2
        draw.add_rect_filled(imgui.ImVec2(x0, top), imgui.ImVec2(x0 + bar_w, bottom), track)
        draw.add_rect_filled(imgui.ImVec2(x0, top), imgui.ImVec2(x0 + bar_w * v, bottom), gold if winner else blue)
        draw.add_text(imgui.ImVec2(x0 + bar_w + 6, y + 1), value_colour, f"{v:.3f}")
    imgui.dummy(imgui.ImVec2(width, row_h * len(rows)))
    if reading:
        imgui.text_disabled(reading)
