"""Loss and accuracy over iterations (ImPlot), and the output activations as labelled bars."""
from __future__ import annotations

import numpy as np
from imgui_bundle import imgui, implot, implot_ctx

from glnn.ui.widgets import finite, rgba, short_count


def iteration_ticks(lo: float, hi: float, log_x: bool, most: int = 5) -> tuple[list[float], list[str]]:
    """Ticks for an iteration axis with short labels (500, 1k, 2.5M): ImPlot's %g would mix
    500000 with 1.5e+06 on one axis. Linear: steps of 1, 2 or 5 times a power of ten; log: decades."""
    hi = max(hi, lo + 1.0)
    if log_x:
        first, last = int(np.floor(np.log10(max(lo, 1.0)))), int(np.ceil(np.log10(hi)))
        values = [10.0 ** k for k in range(first, last + 1) if lo <= 10.0 ** k <= hi]
    else:
        raw = (hi - lo) / most
        power = 10.0 ** np.floor(np.log10(raw))
        step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
        values = list(np.arange(np.ceil(lo / step) * step, hi + step * 1e-9, step))
    return values, [short_count(v) for v in values]


def loss_plot(frame, log_x: bool, height: float) -> None:
    """Training loss (left axis, fitted) and accuracy (right axis, 0..100 %) over the iterations."""
    flags = implot.Flags_.no_mouse_text | implot.Flags_.no_box_select
    with implot_ctx.begin_plot("##loss", imgui.ImVec2(-1, height), flags) as plot:
        if not plot:
            return
        fit = implot.AxisFlags_.auto_fit
        implot.setup_axis(implot.ImAxis_.x1, None, fit)
        implot.setup_axis(implot.ImAxis_.y1, None, implot.AxisFlags_.lock)
        implot.setup_axis(implot.ImAxis_.y2, None, implot.AxisFlags_.lock | implot.AxisFlags_.opposite)
        # the loss axis from 0 to the highest loss seen, with three ticks: ImPlot's own crowd at this height
        top = float(np.nanmax(np.nan_to_num(frame.loss_y, posinf=0.0))) if len(frame.loss_y) > 1 else 1.0
        top = max(top, 1e-6)
        implot.setup_axis_limits(implot.ImAxis_.y1, 0.0, top * 1.05, implot.Cond_.always)
        implot.setup_axis_ticks(implot.ImAxis_.y1, [0.0, top / 2, top], ["0", f"{top / 2:.2g}", f"{top:.2g}"])
        implot.setup_axis_limits(implot.ImAxis_.y2, -0.02, 1.05, implot.Cond_.always)
        implot.setup_axis_ticks(implot.ImAxis_.y2, [0.0, 0.5, 1.0], ["0", "50%", "100%"])
        if log_x:
            implot.setup_axis_scale(implot.ImAxis_.x1, implot.Scale_.log10)
        xs = [a for a in (frame.loss_x, frame.metric_x) if len(a)]
        lo = min(float(a[0]) for a in xs) if xs else 0.0
        hi = max(float(a[-1]) for a in xs) if xs else 0.0
        if hi - lo < 10:  # too few points to fit to: a steady, empty frame instead of -0.5..0.5
            implot.setup_axis_limits(implot.ImAxis_.x1, max(lo, 1.0) if log_x else 0.0, lo + 10.0, implot.Cond_.always)
            lo, hi = (max(lo, 1.0) if log_x else 0.0), lo + 10.0
        values, labels = iteration_ticks(lo, hi, log_x)
        if values:
            implot.setup_axis_ticks(implot.ImAxis_.x1, values, labels)
        implot.setup_legend(implot.Location_.north, implot.LegendFlags_.horizontal | implot.LegendFlags_.outside)
        if len(frame.loss_x) > 1:
            implot.plot_line("loss", frame.loss_x, np.nan_to_num(frame.loss_y, posinf=0.0))
        if len(frame.metric_x) > 1:
            implot.set_axes(implot.ImAxis_.x1, implot.ImAxis_.y2)
            implot.plot_line("accuracy", frame.metric_x, np.ascontiguousarray(frame.metric_y[:, 1]))
            if frame.metrics.has_test:
                implot.plot_line("test accuracy", frame.metric_x, np.ascontiguousarray(frame.metric_y[:, 3]))
            implot.set_axes(implot.ImAxis_.x1, implot.ImAxis_.y1)
        if len(frame.loss_x) <= 1 and len(frame.metric_x) <= 1:
            implot.plot_text("press Play to see the loss fall", (lo + hi) / 2, 0.5 * top)
        if frame.scrubbed >= 0:  # where the timeline is: the network the scene shows
            spec = implot.Spec()
            spec.line_color = imgui.ImVec4(1.0, 0.8, 0.3, 1.0)
            spec.line_weight = 2.0
            implot.plot_inf_lines("shown in the scene", np.array([float(frame.timeline[frame.scrubbed])]), spec)


def output_bars(frame, class_names) -> None:
    """One bar per output neuron with its value; the predicted one in gold."""
    draw = imgui.get_window_draw_list()
    origin = imgui.get_cursor_screen_pos()
    width = imgui.get_content_region_avail().x
    row_h = imgui.get_text_line_height() + 4
    label_w = imgui.calc_text_size("00").x + 6
    value_w = imgui.calc_text_size("0.000").x + 8
    bar_w = max(20.0, width - label_w - value_w)
    outputs = frame.outputs
    names = class_names if len(outputs) > 1 else (f"{class_names[1]}?",)
    for j, value in enumerate(outputs):
        v = float(np.clip(finite(value), 0.0, 1.0))
        y = origin.y + j * row_h
        winner = j == frame.prediction if len(outputs) > 1 else frame.prediction == 1
        draw.add_text(imgui.ImVec2(origin.x, y + 1), rgba(0.8, 0.85, 0.95), names[j] if j < len(names) else str(j))
        x0 = origin.x + label_w
        draw.add_rect_filled(imgui.ImVec2(x0, y + 2), imgui.ImVec2(x0 + bar_w, y + row_h - 2), rgba(0.12, 0.14, 0.2))
        colour = rgba(1.0, 0.78, 0.3) if winner else rgba(0.33, 0.62, 0.95)
        draw.add_rect_filled(imgui.ImVec2(x0, y + 2), imgui.ImVec2(x0 + bar_w * v, y + row_h - 2), colour)
        draw.add_text(imgui.ImVec2(x0 + bar_w + 6, y + 1), rgba(0.9, 0.92, 1.0), f"{v:.3f}")
    imgui.dummy(imgui.ImVec2(width, row_h * len(outputs)))
