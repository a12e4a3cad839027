"""Words around the input-plane pictures (datasets of two inputs): the map's title, axes and
legend, and a tooltip that reads the network's answer at the pointer."""
from __future__ import annotations

from imgui_bundle import imgui, imgui_ctx

from glnn.core.features import LABELS as FEATURE_LABELS
from glnn.core.model import predicted_class
from glnn.ui.widgets import finite, rgba
from glnn.view.palette import PALETTES

TITLE = (0.55, 0.65, 0.85)
TEXT = (0.75, 0.8, 0.9)
DIM = (0.5, 0.56, 0.68)


def labels(plane, frame, dataset, palette: str, scale: float, words) -> None:
    """Title above the map, axis names along it, what the colours and marks mean below it (where
    glnn.view.screen put them: words is its PlaneMap), and a ring on the map around the input the
    network is shown now (a training point, or a clicked one)."""
    m = plane.map
    if not plane.active or m is None or plane.field is None or words is None:
        return
    draw = imgui.get_background_draw_list()
    e = plane.field.extent
    if frame.point is not None:  # the point of the plane whose input the scene shows
        x1, x2 = (finite(v) for v in frame.point[:2])
        cx = m.x + (min(max(x1, -e), e) / e * 0.5 + 0.5) * m.side
        cy = m.y + (0.5 - min(max(x2, -e), e) / e * 0.5) * m.side
        draw.add_circle(imgui.ImVec2(cx, cy), 9.0 * scale, rgba(0.02, 0.03, 0.05, 0.7), 0, 4.0 * scale)
        draw.add_circle(imgui.ImVec2(cx, cy), 9.0 * scale, rgba(1.0, 0.82, 0.35), 0, 2.0 * scale)
    font = imgui.get_font()
    for label, colour in ((words.title, TITLE), (words.x1, DIM), (words.x2, DIM)):
        draw.add_text(font, label.size, imgui.ImVec2(label.rect.x, label.rect.y), rgba(*colour), label.text)
    # legend: class colours as the points are drawn, then the hollow test mark
    pos, neg = (tuple(min(c, 1.0) for c in col) for col in PALETTES[palette])
    marks = [(pos, False), (neg, False)] + ([((0.8, 0.84, 0.92), True)] if dataset.has_test else []) + (
        [((0.8, 0.84, 0.92), "square")] if dataset.added else [])  # as glnn.view.screen lists them
    for (swatch, label), (color, hollow) in zip(words.legend, marks):
        r = swatch.w / 2
        centre = imgui.ImVec2(swatch.x + r, swatch.y + r)
        if hollow == "square":  # a point added by hand, as shaders/plane_points.frag draws it
            corner = imgui.ImVec2(centre.x - r, centre.y - r), imgui.ImVec2(centre.x + r, centre.y + r)
            draw.add_rect_filled(*corner, rgba(*color))
            draw.add_rect(*corner, rgba(0.97, 0.97, 1.0, 0.8), 0.0, 1.0)
        elif hollow:  # as the test points are drawn (shaders/plane_points.frag): a thick ring, empty inside
            width = max(1.8, 0.42 * r)
            draw.add_circle(centre, r - width / 2, rgba(*color), 0, width)
        else:
            draw.add_circle_filled(centre, r, rgba(*color))
            draw.add_circle(centre, r, rgba(0.97, 0.97, 1.0, 0.8), 0, 1.0)
        draw.add_text(font, label.size, imgui.ImVec2(label.rect.x, label.rect.y), rgba(*TEXT), label.text)


def input_names(plane, dataset, scale: float) -> None:
    """The feature each input neuron is (x1, x1 squared, ...), above its picture."""
    if not plane.active or plane.field is None or not len(plane.tile_neurons):
        return
    draw = imgui.get_background_draw_list()
    line_h = imgui.get_text_line_height()
    names = dataset.input_features
    for (x, y, w, _), neuron in zip(plane.tile_rects.tolist(), plane.tile_neurons.tolist()):
        if neuron >= len(names):
            break  # the input tiles come first
        text = FEATURE_LABELS[names[neuron]]
        tw = imgui.calc_text_size(text).x
        draw.add_text(imgui.ImVec2(max(0.0, x + (w - tw) / 2), y - line_h - 2 * scale), rgba(*TEXT), text)


def tooltip(plane, mouse, params, dataset, click_adds: bool = False, point_class: int = 1) -> None:
    """Over the map: the point under the pointer, what the network (`params`, as shown) answers there,
    what a click does."""
    reading = plane.reading_at(mouse[0], mouse[1], params)
    if reading is None:
        return
    x1, x2, value = reading
    value = finite(value)
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
