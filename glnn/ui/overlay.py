"""Text and images over the scene: column titles, output labels, the training-image strip, tooltips."""
from __future__ import annotations

from imgui_bundle import imgui, imgui_ctx

from glnn import commands
from glnn.ui.widgets import MINE, draw_weight_image, finite, rgba
from glnn.view.palette import PALETTES

SMALL_NET = 12  # layers at most this tall show each neuron's value beside it


def neuron_name(layout, dataset, neuron: int) -> str:
    layer, index = layout.layer_of(neuron)
    if layer == 0:
        if dataset.image_shape:
            cols = dataset.image_shape[1]
            return f"input pixel (row {index // cols + 1}, column {index % cols + 1})"
        return f"input {index + 1}"
    if layer == len(layout.sizes) - 1:
        if layout.sizes[-1] == 1:
            return "output"
        return f"output '{dataset.class_names[index]}'"
    hidden_layers = len(layout.sizes) - 2
    return f"hidden neuron {index + 1}" + (f" of layer {layer}" if hidden_layers > 1 else "")


def scene_labels(layout, frame, dataset, no_values=(), values: bool = True) -> None:
    """Column titles, output names and (values=True; for small layers, except those in no_values)
    each neuron's activation beside it."""
    draw = imgui.get_background_draw_list()
    names = ["INPUT"] + ["HIDDEN"] * (len(layout.sizes) - 2) + ["OUTPUT"]
    top = layout.area.y - 6
    for l, x in enumerate(layout.column_x):
        text = names[l]
        w = imgui.calc_text_size(text).x
        draw.add_text(imgui.ImVec2(float(x) - w / 2, top - imgui.get_text_line_height()), rgba(0.55, 0.65, 0.85), text)
    out_start = int(layout.layer_start[-2])
    for j in range(layout.sizes[-1]):
        x, y, r, _ = layout.nodes[out_start + j]
        label = dataset.class_names[j] if layout.sizes[-1] > 1 else ""
        winner = j == frame.prediction if layout.sizes[-1] > 1 else False
        colour = rgba(1.0, 0.82, 0.35) if winner else rgba(0.8, 0.85, 0.95)
        draw.add_text(imgui.ImVec2(float(x + r + 8), float(y) - imgui.get_text_line_height() / 2), colour, label)
    for l, n in enumerate(layout.sizes if values else ()):
        if n > SMALL_NET or l in no_values:
            continue
        start = int(layout.layer_start[l])
        for k in range(n):
            x, y, r, _ = layout.nodes[start + k]
            value = finite(frame.activations[start + k])
            offset = 8 + (imgui.calc_text_size("0").x + 4 if l == len(layout.sizes) - 1 and n > 1 else 0)
            draw.add_text(imgui.ImVec2(float(x + r + offset), float(y) - imgui.get_text_line_height() / 2),
                          rgba(0.7, 0.8, 0.9), f"{value:.2f}")


def legend(layout, palette: str) -> None:
    """Which colour means what: one line in the window's top-right corner."""
    draw = imgui.get_background_draw_list()
    pos, neg = PALETTES[palette]
    line_h = imgui.get_text_line_height()
    items = ((pos, "positive weight: excites"), (neg, "negative weight: inhibits"))
    widths = [36 + imgui.calc_text_size(text).x for _, text in items]
    x = imgui.get_io().display_size.x - sum(widths) - 20 - 16
    if x < layout.column_x[-2]:  # a narrow window: the legend would cover the column titles
        return
    y = 8.0 + line_h / 2
    for (color, text), width in zip(items, widths):
        draw.add_line(imgui.ImVec2(x, y), imgui.ImVec2(x + 28, y), rgba(*(min(c, 1.0) for c in color)), 4.0)
        draw.add_text(imgui.ImVec2(x + 36, y - line_h / 2), rgba(0.75, 0.8, 0.9), text)
        x += width + 20


def caption(text: str, layout, scale: float) -> None:
    """A large line of text centred over the scene, on a dark band so it reads over bright lines."""
    if not text:
        return
    draw = imgui.get_background_draw_list()
    grow = min(1.6, 0.95 * layout.area.w / max(1.0, imgui.calc_text_size(text).x))  # shrink to fit
    font_size = imgui.get_font_size() * grow
    width = imgui.calc_text_size(text).x * grow
    cx = layout.area.x + layout.area.w / 2
    y = layout.area.y + layout.area.h - font_size - 6 * scale
    draw.add_rect_filled(imgui.ImVec2(cx - width / 2 - 14, y - 6), imgui.ImVec2(cx + width / 2 + 14, y + font_size + 6),
                         rgba(0.02, 0.03, 0.06, 0.78), 8.0)
    draw.add_text(imgui.get_font(), font_size, imgui.ImVec2(cx - width / 2, y), rgba(0.95, 0.96, 1.0), text)


MAX_STRIP_IMAGES = 20  # a training set this small is shown whole along the bottom


def strip_indices(dataset, width: float, tile: float, pad: float) -> tuple[list[int], int]:
    """The training images the strip shows, and how many examples added by hand it leaves out: the
    loaded set when it is small (MAX_STRIP_IMAGES), then the newest examples added by hand that fit
    in `width`."""
    n = len(dataset.y_train)
    n_base = n - dataset.added
    shown = list(range(n_base)) if n_base <= MAX_STRIP_IMAGES else []
    if dataset.added:
        room = int((width - 2 * pad - tile) // (tile + pad))  # leave room for the "+N" note
        mine = max(0, min(dataset.added, room - len(shown)))
        shown += list(range(n - mine, n))
        return shown, dataset.added - mine
    return shown, 0


def image_strip(frame, dataset, area_x: float, width: float, bottom: float, scale: float, out: list,
                images) -> float:
    """The training images as clickable tiles along the bottom (the examples added by hand marked,
    after the others); returns the strip's height."""
    shape = dataset.image_shape
    if shape is None:
        return 0.0
    cell = (7 if shape[0] <= 5 else 4) * scale
    tile = cell * shape[1]
    pad = 10 * scale
    indices, left_out = strip_indices(dataset, width, tile, pad)
    if not indices:
        return 0.0
    n_base = len(dataset.y_train) - dataset.added
    n = len(indices)
    more = f"+{left_out}" if left_out else ""
    strip_w = n * (tile + pad) + pad + (imgui.calc_text_size(more).x + pad if more else 0.0)
    strip_h = tile + pad * 2 + imgui.get_text_line_height()
    imgui.set_next_window_pos(imgui.ImVec2(area_x + max(0.0, (width - strip_w) / 2), bottom - strip_h - 8))
    flags = (imgui.WindowFlags_.no_decoration | imgui.WindowFlags_.no_move | imgui.WindowFlags_.always_auto_resize
             | imgui.WindowFlags_.no_saved_settings | imgui.WindowFlags_.no_focus_on_appearing)
    with imgui_ctx.begin("training images", None, flags):
        draw = imgui.get_window_draw_list()
        # one texture for all tiles (images: a tiles.LedStrip): one image call per tile, not one per pixel
        images.ensure(dataset.x_train[indices], shape, 7 if shape[0] <= 5 else 4)
        rows, cols = shape
        for k, index in enumerate(indices):
            if k:
                imgui.same_line(0, pad)
            pos = imgui.get_cursor_screen_pos()
            mine = index >= n_base
            with imgui_ctx.push_id(index):
                if imgui.invisible_button("img", imgui.ImVec2(tile, tile + imgui.get_text_line_height())):
                    out.append(commands.ShowSample(index))
                hovered = imgui.is_item_hovered()
            if hovered and mine:
                imgui.set_tooltip(f"your example of {dataset.class_names[dataset.y_train[index]]}: click to feed it "
                                  "through")
            images.draw(draw, k, pos.x, pos.y, cols * cell, rows * cell)
            if mine:  # a frame in the visitor's colour (their label below is in it too)
                draw.add_rect(imgui.ImVec2(pos.x - 3, pos.y - 3),
                              imgui.ImVec2(pos.x + cols * cell + 2, pos.y + rows * cell + 2), rgba(*MINE), 3.0, 1.5)
            if index in (frame.input_index, frame.picked_index) or hovered:
                draw.add_rect(imgui.ImVec2(pos.x - 3, pos.y - 3),
                              imgui.ImVec2(pos.x + cols * cell + 2, pos.y + rows * cell + 2),
                              rgba(1.0, 0.8, 0.3), 3.0, 2.5)
            name = dataset.class_names[dataset.y_train[index]]
            tw = imgui.calc_text_size(name).x
            draw.add_text(imgui.ImVec2(pos.x + (tile - tw) / 2, pos.y + tile + 2),
                          rgba(*MINE) if mine else rgba(0.7, 0.75, 0.85), name)
        if more:
            imgui.same_line(0, pad)
            imgui.text_colored(imgui.ImVec4(*MINE, 1.0), more)
            if imgui.is_item_hovered():
                imgui.set_tooltip(f"{left_out} more examples of yours")
    return strip_h + 8


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
