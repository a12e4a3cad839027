"""Loss and accuracy over iterations (ImPlot), and the output activations as labelled bars."""
from __future__ import annotations

import numpy as np
from imgui_bundle import imgui, implot

from glnn.ui.widgets import finite, rgba


def loss_plot(frame, log_x: bool, height: float) -> None:
    flags = implot.Flags_.no_mouse_text | implot.Flags_.no_box_select
    if implot.begin_plot("##loss", imgui.ImVec2(-1, height), flags):
        implot.setup_axes("iteration", "", implot.AxisFlags_.auto_fit, implot.AxisFlags_.auto_fit)
        if log_x:
            implot.setup_axis_scale(implot.ImAxis_.x1, implot.Scale_.log10)
        implot.setup_legend(implot.Location_.north_east)
        if len(frame.loss_x):
            implot.plot_line("training loss", frame.loss_x, np.nan_to_num(frame.loss_y, posinf=0.0))
        if len(frame.metric_x):
            implot.plot_line("accuracy", frame.metric_x, np.ascontiguousarray(frame.metric_y[:, 1]))
            if frame.metrics.has_test:
                implot.plot_line("test accuracy", frame.metric_x, np.ascontiguousarray(frame.metric_y[:, 3]))
        elif not len(frame.loss_x):
            implot.plot_text("train to see the loss", 0.5, 0.5)
        if frame.scrubbed >= 0:  # where the timeline is: the network the scene shows
            spec = implot.Spec()
            spec.line_color = imgui.ImVec4(1.0, 0.8, 0.3, 1.0)
            spec.line_weight = 2.0
            implot.plot_inf_lines("shown in the scene", np.array([float(frame.timeline[frame.scrubbed])]), spec)
        implot.end_plot()


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
        winner = j == frame.prediction if len(outputs) > 1 else value > 0.5
        draw.add_text(imgui.ImVec2(origin.x, y + 1), rgba(0.8, 0.85, 0.95), names[j] if j < len(names) else str(j))
        x0 = origin.x + label_w
        draw.add_rect_filled(imgui.ImVec2(x0, y + 2), imgui.ImVec2(x0 + bar_w, y + row_h - 2), rgba(0.12, 0.14, 0.2))
        colour = rgba(1.0, 0.78, 0.3) if winner else rgba(0.33, 0.62, 0.95)
        draw.add_rect_filled(imgui.ImVec2(x0, y + 2), imgui.ImVec2(x0 + bar_w * v, y + row_h - 2), colour)
        draw.add_text(imgui.ImVec2(x0 + bar_w + 6, y + 1), rgba(0.9, 0.92, 1.0), f"{v:.3f}")
    imgui.dummy(imgui.ImVec2(width, row_h * len(outputs)))
