"""Words around the input-plane pictures (datasets of two inputs): the map's title, axes and
legend, and a tooltip that reads the network's answer at the pointer."""
from __future__ import annotations

from imgui_bundle import imgui, imgui_ctx

from glnn.core.model import predicted_class
from glnn.ui.widgets import finite, rgba
from glnn.view.palette import PALETTES

TITLE = (0.55, 0.65, 0.85)
TEXT = (0.75, 0.8, 0.9)
DIM = (0.5, 0.56, 0.68)


def labels(plane, frame, dataset, palette: str, scale: float) -> None:
    """Title above the map, axis names along it, what the colours and marks mean below it, and a
    ring on the map around the input the network is shown now (a training point, or a clicked one)."""
    m = plane.map
    if not plane.active or m is None or plane.field is None:
        return
    draw = imgui.get_background_draw_list()
    e = plane.field.extent
    x1, x2 = (finite(v) for v in frame.activations[:2])  # the input layer's activations are the input
    cx = m.x + (min(max(x1, -e), e) / e * 0.5 + 0.5) * m.side
    cy = m.y + (0.5 - min(max(x2, -e), e) / e * 0.5) * m.side
    draw.add_circle(imgui.ImVec2(cx, cy), 9.0 * scale, rgba(0.02, 0.03, 0.05, 0.7), 0, 4.0 * scale)
    draw.add_circle(imgui.ImVec2(cx, cy), 9.0 * scale, rgba(1.0, 0.82, 0.35), 0, 2.0 * scale)
    line_h = imgui.get_text_line_height()
    title = "DECISION REGION"
    tw = imgui.calc_text_size(title).x
    draw.add_text(imgui.ImVec2(m.x + (m.side - tw) / 2, m.y - line_h - 8 * scale), rgba(*TITLE), title)
    bottom = m.y + m.side + 4 * scale
    draw.add_text(imgui.ImVec2(m.x + m.side - imgui.calc_text_size("x1").x - 2, bottom), rgba(*DIM), "x1")
    draw.add_text(imgui.ImVec2(m.x - imgui.calc_text_size("x2").x - 6 * scale, m.y), rgba(*DIM), "x2")
    # legend: class colours as the points are drawn, then the hollow test mark
    pos, neg = (tuple(min(c, 1.0) for c in col) for col in PALETTES[palette])
    names = dataset.class_names
    y = bottom + line_h + 8 * scale
    r = 4.5 * scale
    items = [(pos, f"class {names[1]}", False), (neg, f"class {names[0]}", False)]
    if dataset.has_test:
        items.append(((0.8, 0.84, 0.92), "test data", True))
    if dataset.added:
        items.append(((0.8, 0.84, 0.92), "yours", "square"))
    widths = [2 * r + 6 * scale + imgui.calc_text_size(text).x for _, text, _ in items]
    gap = 16 * scale
    one_line = sum(widths) + gap * (len(items) - 1) <= m.side + 40 * scale
    x = m.x + (m.side - sum(widths) - gap * (len(items) - 1)) / 2 if one_line else m.x
    for (color, text, hollow), width in zip(items, widths):
        centre = imgui.ImVec2(x + r, y + line_h / 2)
        if hollow == "square":  # a point added by hand
            corner = imgui.ImVec2(centre.x - r, centre.y - r), imgui.ImVec2(centre.x + r, centre.y + r)
            draw.add_rect_filled(*corner, rgba(*color))
            draw.add_rect(*corner, rgba(0.97, 0.97, 1.0, 0.8), 0.0, 1.0)
        elif hollow:
            draw.add_circle_filled(centre, r, rgba(0.01, 0.015, 0.03))
            draw.add_circle(centre, r - 0.5, rgba(*color), 0, 1.6 * scale)
        else:
            draw.add_circle_filled(centre, r, rgba(*color))
            draw.add_circle(centre, r, rgba(0.97, 0.97, 1.0, 0.8), 0, 1.0)
        draw.add_text(imgui.ImVec2(x + 2 * r + 6 * scale, y), rgba(*TEXT), text)
        if one_line:
            x += width + gap
        else:  # a narrow map: one item a line
            y += line_h + 2 * scale


def tooltip(plane, mouse, dataset, click_adds: bool = False, point_class: int = 1) -> None:
    """Over the map: the point under the pointer, what the network answers there, what a click does."""
    m = plane.map
    if not plane.active or m is None or plane.field is None or not m.contains(*mouse):
        return
    x1, x2 = m.to_plane(mouse[0], mouse[1], plane.field.extent)
    value = finite(plane.field.value_at(plane.map_neuron, x1, x2))
    names = dataset.class_names
    with imgui_ctx.begin_tooltip() as tip:
        if not tip:
            return
        imgui.text(f"x1 {x1:+.2f}   x2 {x2:+.2f}")
        imgui.text(f"output {value:.3f}: class {names[predicted_class([value])]}")
        imgui.text_disabled("the background is the network's answer everywhere;")
        imgui.text_disabled("the light line is where it changes its mind (0.5)")
        if click_adds:
            imgui.text_disabled(f"click: add a point of class {names[point_class]} here "
                                f"(shift-click: class {names[1 - point_class]})")
        else:
            imgui.text_disabled("click to feed this point through the network")
