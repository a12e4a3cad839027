"""Text and images over the scene: column titles, output labels, the training-image strip, tooltips."""
from __future__ import annotations

from imgui_bundle import imgui, imgui_ctx

from glnn import commands
from glnn.core.features import LABELS as FEATURE_LABELS
from glnn.ui.widgets import MINE, draw_weight_image, finite, rgba
from glnn.view.palette import PALETTES
from glnn.view.screen import LEGEND_SWATCH, caption_lines, legend_items

SMALL_NET = 12  # layers at most this tall show each neuron's value beside it


def neuron_name(layout, dataset, neuron: int) -> str:
    layer, index = layout.layer_of(neuron)
    if layer == 0:
        if dataset.image_shape:
            cols = dataset.image_shape[1]
            return f"input pixel (row {index // cols + 1}, column {index % cols + 1})"
        if dataset.has_plane:  # a 2-D set: each input is a feature of the point (glnn.core.features)
            return f"input {FEATURE_LABELS[dataset.input_features[index]]}"
        return f"input {index + 1}"
    if layer == len(layout.sizes) - 1:
        if layout.sizes[-1] == 1:
            return "output"
        return f"output '{dataset.class_names[index]}'"
    hidden_layers = len(layout.sizes) - 2
    return f"hidden neuron {index + 1}" + (f" of layer {layer}" if hidden_layers > 1 else "")


TITLE = (0.55, 0.65, 0.85)
CLASS = (0.93, 0.95, 1.0)  # an output's class name ...
VALUE = (0.45, 0.74, 0.95)  # ... and its value: another colour, a clear gap apart, so "7" and "0.98"
WINNER = (1.0, 0.82, 0.35)  # never read as "70.98"; the network's answer in gold
WINNER_VALUE = (0.7, 0.92, 1.0)
NEURON_VALUE = (0.7, 0.8, 0.9)
CAPTION_BAND = (0.02, 0.03, 0.06, 0.78)
CAPTION_TEXT = (0.95, 0.96, 1.0)
CAPTION_SIDE_PAD = 14.0  # times the scale: the dark band reaches this far beside the text


def _text(draw, label, colour, text: str | None = None, font=None) -> None:
    """A glnn.view.screen.Label drawn where the layout put it (font: imgui.get_font(), if the caller has it)."""
    draw.add_text(font or imgui.get_font(), label.size, imgui.ImVec2(label.rect.x, label.rect.y), colour,
                  label.text if text is None else text)


def scene_labels(screen, frame, no_values=(), values: bool = True) -> None:
    """Column titles, output classes and values, and (values=True; for small layers, except those in
    no_values) each neuron's activation beside it: where glnn.view.screen placed them."""
    draw, font = imgui.get_background_draw_list(), imgui.get_font()
    for title in screen.titles:
        _text(draw, title, rgba(*TITLE), font=font)
    layout, outputs = screen.layout, screen.outputs
    n_out = layout.sizes[-1]
    out_start = int(layout.layer_start[-2])
    for j, label in enumerate(outputs.classes):
        _text(draw, label, rgba(*(WINNER if j == frame.prediction else CLASS)), font=font)
    last = len(layout.sizes) - 1
    if values and n_out <= SMALL_NET and last not in no_values:
        shown = frame.activations[out_start:out_start + n_out].tolist()
        for j, (label, value) in enumerate(zip(outputs.values, shown)):
            winner = n_out > 1 and j == frame.prediction
            _text(draw, label, rgba(*(WINNER_VALUE if winner else VALUE)), f"{finite(value):.2f}", font)
    line_h = imgui.get_text_line_height()
    for l, n in enumerate(layout.sizes[:-1] if values else ()):
        if n > SMALL_NET or l in no_values:
            continue
        start = int(layout.layer_start[l])
        for k in range(n):
            x, y, r, _ = layout.nodes[start + k]
            value = finite(frame.activations[start + k])
            draw.add_text(imgui.ImVec2(float(x + r + 8), float(y) - line_h / 2), rgba(*NEURON_VALUE), f"{value:.2f}")


def legend(screen, palette: str, measure) -> None:
    """Which colour means what: one line in the window's top-right corner (where the screen has room)."""
    if screen.legend is None:
        return
    draw = imgui.get_background_draw_list()
    pos, neg = PALETTES[palette]
    rect, s = screen.legend, screen.scale
    y = rect.y + rect.h / 2
    for color, (x, text_x, text) in zip((pos, neg), legend_items(rect, measure, screen.text_px, s)):
        draw.add_line(imgui.ImVec2(x, y), imgui.ImVec2(x + LEGEND_SWATCH * s, y), rgba(*(min(c, 1.0) for c in color)),
                      4.0 * s)
        draw.add_text(imgui.get_font(), screen.text_px, imgui.ImVec2(text_x, rect.y), rgba(0.75, 0.8, 0.9), text)


def caption(text: str, screen, measure) -> None:
    """Large lines of text centred in the caption band below the network, on a dark band so that
    they read over bright lines; wrapped onto the band's lines, and smaller only if even that fails."""
    band = screen.caption
    if not text or band is None:
        return
    side_pad = CAPTION_SIDE_PAD * screen.scale
    lines, size = caption_lines(text, band, screen.caption_px, screen.content.caption_lines, measure, side_pad)
    if not lines:
        return
    draw = imgui.get_background_draw_list()
    line_h = measure.height(size)
    width = max(measure.width(t, size) for t in lines)
    cx = band.x + band.w / 2
    top = band.y + (band.h - line_h * len(lines)) / 2
    draw.add_rect_filled(imgui.ImVec2(cx - width / 2 - side_pad, band.y), imgui.ImVec2(cx + width / 2 + side_pad, band.bottom),
                         rgba(*CAPTION_BAND), 8.0 * screen.scale)
    for k, line in enumerate(lines):
        w = measure.width(line, size)
        draw.add_text(imgui.get_font(), size, imgui.ImVec2(cx - w / 2, top + k * line_h), rgba(*CAPTION_TEXT), line)


_STRIP_FLAGS = (imgui.WindowFlags_.no_decoration | imgui.WindowFlags_.no_move | imgui.WindowFlags_.no_saved_settings
                | imgui.WindowFlags_.no_focus_on_appearing | imgui.WindowFlags_.no_scroll_with_mouse)


def image_strip(frame, strip, dataset, scale: float, out: list, images) -> None:
    """The training images as clickable tiles along the bottom, where glnn.view.screen put them
    (shrunk or wrapped to fit the width, never clipped)."""
    if strip is None:
        return
    shape = dataset.image_shape
    rect = strip.rect
    imgui.set_next_window_pos(imgui.ImVec2(rect.x, rect.y))
    imgui.set_next_window_size(imgui.ImVec2(rect.w, rect.h))
    imgui.push_style_var(imgui.StyleVar_.window_padding, imgui.ImVec2(0, 0))
    with imgui_ctx.begin("training images", None, _STRIP_FLAGS):
        imgui.pop_style_var()
        draw = imgui.get_window_draw_list()
        # one texture for all tiles (images: a tiles.LedStrip): one image call per tile, not one per pixel
        indices = tuple(strip.indices.tolist() if strip.indices is not None else range(len(strip.tiles)))
        if len(indices) and max(indices) >= len(dataset.y_train):  # laid out for a training set since changed
            return
        images.ensure_rows(dataset.x_train, indices, shape, 7 if shape[0] <= 5 else 4)
        # one button over the whole strip, and the layout's hit boxes say which tile the mouse is on: a
        # button per tile cost ten times as much, every frame
        imgui.set_cursor_screen_pos(imgui.ImVec2(rect.x, rect.y))
        clicked = imgui.invisible_button("tiles", imgui.ImVec2(max(1.0, rect.w), max(1.0, rect.h)))
        over, over_more = -1, False
        if imgui.is_item_hovered():
            mouse = imgui.get_mouse_pos()
            over = tile_at(strip.hits, mouse.x, mouse.y)
            over_more = strip.more is not None and strip.more.rect.contains(mouse.x, mouse.y)
        if clicked and over >= 0:
            out.append(commands.ShowSample(indices[over]))
        ring = 3.0 * min(scale, 1.0)
        first_mine = len(dataset.y_train) - dataset.added
        font, lit = imgui.get_font(), (frame.input_index, frame.picked_index)
        for k, ((x, y, w, h), label, index) in enumerate(zip(strip.tiles.tolist(), strip.labels, indices)):
            mine = k >= strip.loaded and index >= first_mine
            if k == over and mine:
                imgui.set_tooltip(f"your example of {dataset.class_names[dataset.y_train[index]]}: click to feed it "
                                  "through")
            images.draw(draw, k, x, y, w, h)
            if mine:  # a frame in the visitor's colour (their label below is in it too)
                draw.add_rect(imgui.ImVec2(x - ring, y - ring), imgui.ImVec2(x + w + ring - 1, y + h + ring - 1),
                              rgba(*MINE), 3.0, 1.5)
            if index in lit or k == over:
                draw.add_rect(imgui.ImVec2(x - ring, y - ring), imgui.ImVec2(x + w + ring - 1, y + h + ring - 1),
                              rgba(1.0, 0.8, 0.3), 3.0, 2.5)
            _text(draw, label, rgba(*MINE) if mine else rgba(0.7, 0.75, 0.85), font=font)
        if strip.more is not None:
            _text(draw, strip.more, rgba(*MINE))
            if over_more:
                imgui.set_tooltip(f"{strip.more.text[1:]} more examples of yours")


def tile_at(hits, x: float, y: float) -> int:
    """The tile whose hit box (x, y, w, h rows of a screen.Strip's hits) holds the point, or -1."""
    for k, (hx, hy, hw, hh) in enumerate(hits.tolist()):
        if hx <= x < hx + hw and hy <= y < hy + hh:
            return k
    return -1


def tooltip(layout, frame, net, dataset, hover_neuron: int, hover_link: int, palette: str) -> None:
    if hover_neuron < 0 and hover_link < 0:
        return
    with imgui_ctx.begin_tooltip() as tip:
        if not tip:
            return
        if hover_neuron >= 0:
            layer, index = layout.layer_of(hover_neuron)
            imgui.text(neuron_name(layout, dataset, hover_neuron))
            imgui.text(f"activation {finite(frame.activations[hover_neuron]):.4f}")
            if layer > 0:
                bias = float(net.biases(layer - 1)[index]) if net.arch.bias else None
                imgui.text(f"bias {finite(bias):+.4f}" if bias is not None else "no bias")
            if layer == 1 and dataset.image_shape:
                imgui.text_disabled("incoming weights (what it looks for):")
                w = net.weights(0)[:, index]
                cell = 14 if dataset.image_shape[0] <= 5 else 8
                pos = imgui.get_cursor_screen_pos()
                draw_weight_image(imgui.get_window_draw_list(), pos.x, pos.y, cell, w, dataset.image_shape, 3.0,
                                  PALETTES[palette])
                imgui.dummy(imgui.ImVec2(cell * dataset.image_shape[1], cell * dataset.image_shape[0]))
        else:
            layer, i, j = layout.link_of(hover_link)
            src, dst, p = layout.links[hover_link]
            weight = finite(frame.params[p])
            pos_name = "positive: excites" if weight >= 0 else "negative: inhibits"
            imgui.text(f"weight {weight:+.5f}")
            imgui.text_disabled(pos_name)
            imgui.text(f"from {neuron_name(layout, dataset, int(src))}")
            imgui.text(f"to {neuron_name(layout, dataset, int(dst))}")
            imgui.text(f"signal now {weight * finite(frame.activations[src]):+.4f}")
