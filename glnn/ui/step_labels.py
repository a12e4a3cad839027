"""The step-through animation in the panel (Forward / Backprop / Animate step, its speed, what is
happening now, the outputs against their targets) and over the scene (each neuron's sigma above it,
its bias below it, its delta beside it; targets and errors beside the outputs; weights on the lines
of tiny networks).

Reads the frame's AnimationView (glnn.core.step) and emits commands; draws nothing on the GPU
itself. Labels are drawn per neuron only on small columns (others: the hovered neuron only), so
the text never costs more than a few dozen calls a frame.
"""
from __future__ import annotations

import numpy as np
from imgui_bundle import imgui, imgui_ctx

from glnn import commands
from glnn.ui.widgets import LOG_SLIDER, disabled, rgba
from glnn.view.palette import PALETTES

LABELLED_COLUMN = 16  # columns at most this tall get every neuron's numbers
MAX_WEIGHT_LABELS = 40  # networks with at most this many connections get each weight written on its line

SIGMA = (1.0, 0.9, 0.7)
BIAS = (0.62, 0.7, 0.85)
DELTA = (0.82, 0.62, 1.0)
TARGET = (0.45, 0.95, 0.8)
ERROR = (1.0, 0.6, 0.4)
PILL = (0.02, 0.03, 0.06, 0.82)
TIPS = {"forward": "Watch one training {noun} go through the network, then compare the outputs with the target",
        "backprop": "Watch the error flow back and the weights change (one step of learning)",
        "step": "Forward and Backprop in one go"}


# -- the panel ------------------------------------------------------------------------------------
def layer_name(l: int, n_layers: int) -> str:
    if l == 0:
        return "input"
    if l == n_layers - 1:
        return "output"
    return "hidden" if n_layers == 3 else f"hidden {l}"


def status(view, loss_name: str, noun: str = "image") -> str:
    """One sentence on what the animation is doing now. Its loss is the loss on the one training
    sample (`noun`: image, point or pattern) it plays, not the mean over the set the panel shows."""
    n = len(view.lit)
    if view.phase == "forward":
        return (f"Forward: the signal goes from {layer_name(view.layer, n)} to {layer_name(view.layer + 1, n)}; "
                "each neuron adds up w*a from its inputs plus its bias b, then squashes the sum (sigma).")
    if view.phase == "compare":
        text = (f"Compare: the outputs against the target. The loss on this {noun} ({loss_name}) "
                f"= {view.sample.loss:.4f}.")
        return text + (" Press Backprop to send the error back." if view.waiting else "")
    if view.phase == "backward":
        return (f"Backprop: the error flows back from {layer_name(view.layer + 1, n)} to "
                f"{layer_name(view.layer, n)}; delta = how much each neuron's sum should change.")
    if view.phase == "update":
        return "Update: every weight moves by -learning rate * a * delta (brightest: the biggest change)."
    after = view.loss_after if view.loss_after is not None else view.sample.loss
    return (f"Done: one step of learning. The loss on this {noun} went from {view.sample.loss:.4f} "
            f"to {after:.4f}.")


def caption(view, noun: str = "image") -> str:
    """A short title of the phase, shown large over the scene (noun: what a sample is, as in status)."""
    if view is None:
        return ""
    n = len(view.lit)
    if view.phase == "forward":
        return f"Forward pass: from {layer_name(view.layer, n)} to {layer_name(view.layer + 1, n)}"
    if view.phase == "compare":
        return f"Compare with the target: the loss on this {noun} is {view.sample.loss:.4f}"
    if view.phase == "backward":
        return f"Backpropagation: from {layer_name(view.layer + 1, n)} back to {layer_name(view.layer, n)}"
    if view.phase == "update":
        return "The weights change"
    after = view.loss_after if view.loss_after is not None else view.sample.loss
    return f"Learned: the loss on this {noun} went from {view.sample.loss:.4f} to {after:.4f}"


def controls(view, state, loss_name: str, class_names, out: list, noun: str = "image") -> None:
    """The Forward / Backprop / Animate step buttons, the speed slider and the animation's state."""
    running = view is not None and view.phase != "done"
    waiting = view is not None and view.waiting
    button_w = (imgui.get_content_region_avail().x - 2 * imgui.get_style().item_spacing.x) / 3
    for label, mode, enabled in (("Forward", "forward", not running),
                                 ("Backprop", "backprop", waiting or not running),
                                 ("Animate step", "step", not running)):
        with disabled(not enabled):
            if imgui.button(label, imgui.ImVec2(button_w, 0)):
                out.append(commands.Animate(mode))
            if imgui.is_item_hovered(imgui.HoveredFlags_.allow_when_disabled):
                imgui.set_tooltip(TIPS[mode].format(noun=noun))
        if mode != "step":
            imgui.same_line()
    # room for the label at any text size (a fixed width clips it at kiosk scale)
    imgui.set_next_item_width(-(imgui.calc_text_size("animation speed").x + imgui.get_style().item_inner_spacing.x + 4))
    changed, speed = imgui.slider_float("animation speed", float(state.animation_speed), 0.1, 5.0, "%.2fx", LOG_SLIDER)
    if changed and np.isfinite(speed):
        out.append(commands.Set("animation_speed", float(np.clip(speed, 0.1, 5.0))))
    if view is None:
        return
    colour = {"forward": SIGMA, "compare": TARGET, "backward": DELTA, "update": (1.0, 1.0, 1.0)}.get(
        view.phase, (0.75, 0.8, 0.9))
    with imgui_ctx.push_style_color(imgui.Col_.text, imgui.ImVec4(*colour, 1.0)):
        imgui.text_wrapped(status(view, loss_name, noun))
    if view.compared:
        _compare_table(view, class_names)


_table: list = [None, None, []]  # the compare table's texts for the sample on show: formatted once


def _compare_rows(sample, class_names) -> list:
    if _table[0] is not sample or _table[1] != tuple(class_names):
        y = sample.layers[-1]
        names = class_names if len(y) > 1 else ("output",)
        colours = [imgui.ImVec4(*c, 1.0) for c in ((0.8, 0.85, 0.95), SIGMA, TARGET, ERROR, DELTA)]
        _table[:] = [sample, tuple(class_names),
                     [list(zip((str(names[j]), f"{y[j]:.3f}", f"{sample.target[j]:.2f}", f"{sample.errors[j]:+.3f}",
                                f"{sample.deltas[-1][j]:+.4f}"), colours)) for j in range(len(y))]]
    return _table[2]


def _compare_table(view, class_names) -> None:
    columns = 5 if view.delta_known[-1] else 4
    flags = imgui.TableFlags_.row_bg | imgui.TableFlags_.sizing_stretch_same
    with imgui_ctx.begin_table("compare", columns, flags) as table:
        if not table:
            return
        for name in ("output", "value", "target", "error", "delta")[:columns]:
            imgui.table_setup_column(name)
        imgui.table_headers_row()
        for row in _compare_rows(view.sample, class_names):
            imgui.table_next_row()
            for text, colour in row[:columns]:
                imgui.table_next_column()
                imgui.text_colored(colour, text)


# -- over the scene -------------------------------------------------------------------------------
class _Labels:
    """Texts on dark pills, prepared once and replayed every frame while what they show stays the same
    (during an animation that is most frames: the sample's numbers change only with the phase)."""

    def __init__(self):
        self.owners: tuple = ()  # the objects the labels were made from, compared by identity
        self.key = None
        self.items: list = []

    def stale(self, owners: tuple, key) -> bool:
        return key != self.key or len(owners) != len(self.owners) or any(
            a is not b for a, b in zip(owners, self.owners))

    def reset(self, owners: tuple = (), key=None) -> None:
        self.owners, self.key = owners, key
        self.items = []

    def add(self, size: float, x: float, y: float, colour, text: str, align: float = 0.0) -> None:
        """Text at (x, y): align 0 puts x at its left edge, 0.5 at its centre, 1 at its right edge."""
        width = imgui.calc_text_size(text).x * size / imgui.get_font_size()
        x0 = x - width * align
        self.items.append((imgui.ImVec2(x0 - 3, y - 1), imgui.ImVec2(x0 + width + 3, y + size + 1),
                           imgui.ImVec2(x0, y), rgba(*colour), text))

    def draw(self, draw, font, size: float) -> None:
        pill = rgba(*PILL)
        for top_left, bottom_right, at, colour, text in self.items:
            draw.add_rect_filled(top_left, bottom_right, pill, 4.0)
            draw.add_text(font, size, at, colour, text)


_neuron_labels = _Labels()
_weight_labels_now = _Labels()


def scene_labels(layout, view, params: np.ndarray, b_off: np.ndarray, has_bias: bool, hover_neuron: int,
                 outputs, palette: str) -> None:
    """The numbers of the step being animated, over the scene; beside the outputs in the columns
    glnn.view.screen keeps for them (outputs: its Outputs)."""
    if view is None or view.phase == "done":
        return
    draw = imgui.get_background_draw_list()
    font = imgui.get_font()
    size = imgui.get_font_size() * 0.86
    # what the neuron labels show changes with the phase, the hovered neuron and (biases) the update
    owners = (layout, view.sample)
    key = (tuple(view.lit > 0.5), tuple(view.delta_known), view.compared, hover_neuron, size,
           view.t if view.phase == "update" else None)
    if _neuron_labels.stale(owners, key):
        _neuron_labels.reset(owners, key)
        _prepare_neuron_labels(_neuron_labels, size, layout, view, params, b_off, has_bias, hover_neuron,
                               outputs)
    _neuron_labels.draw(draw, font, size)
    _weight_labels_now.reset()
    _weight_labels(_weight_labels_now, size * 0.92, layout, params, hover_neuron, palette)
    _weight_labels_now.draw(draw, font, size * 0.92)


def _prepare_neuron_labels(labels, size, layout, view, params, b_off, has_bias, hover_neuron, outputs) -> None:
    sizes = layout.sizes
    n_layers = len(sizes)
    for l, n in enumerate(sizes):
        start = int(layout.layer_start[l])
        if n <= LABELLED_COLUMN:
            members = range(start, start + n)
        elif start <= hover_neuron < start + n:
            members = (hover_neuron,)
        else:
            continue
        spacing = float(layout.nodes[start + 1, 1] - layout.nodes[start, 1]) if n > 1 else 1e9
        radius = float(layout.nodes[start, 2])
        roomy = spacing >= 2 * radius + 2 * size + 6  # sigma above and b below fit between neighbours
        lit = view.lit[l] > 0.5
        for k in members:
            x, y, r, _ = (float(v) for v in layout.nodes[k])
            index = k - start
            focus = k == hover_neuron
            if lit:
                value = float(view.sample.layers[l][index])
                text = f"{value:g}" if l == 0 else f"\u03c3 {value:.2f}"
                if roomy or focus:
                    labels.add(size, x, y - r - size - 3, SIGMA, text, 0.5)
                elif l < n_layers - 1:
                    labels.add(size, x + r + 6, y - size / 2, SIGMA, text)
            if l > 0 and has_bias and (roomy or focus):
                bias = float(params[int(b_off[l - 1]) + index])
                labels.add(size, x, y + r + 3, BIAS, f"b {bias:+.2f}", 0.5)
            if view.delta_known[l] and l > 0:
                delta = float(view.sample.deltas[l][index])
                labels.add(size, x - r - 6, y - size / 2, DELTA, f"\u03b4 {delta:+.3f}", 1.0)
    _output_labels(labels, size, layout, view, outputs)


def _output_labels(labels, size, layout, view, outputs) -> None:
    """Beside each output, in the value column (right of the class names): its value, then (from the
    comparison on) its target there and its error in the next column, headed where the layout says."""
    start = int(layout.layer_start[-2])
    n = layout.sizes[-1]
    if view.lit[-1] <= 0.5:
        return
    sample = view.sample
    if view.compared:  # a little table beside the outputs, with its headings
        for heading, colour in zip(outputs.headers, (TARGET, ERROR)):
            labels.add(heading.size, heading.rect.x, heading.rect.y, colour, heading.text)
    for j in range(n):
        y = float(layout.nodes[start + j, 1])
        if not view.compared:
            labels.add(size, outputs.value_x, y - size / 2, SIGMA, f"{sample.layers[-1][j]:.2f}")
            continue
        labels.add(size, outputs.value_x, y - size / 2, TARGET, f"{sample.target[j]:.2f}")
        labels.add(size, outputs.error_x, y - size / 2, ERROR, f"{sample.errors[j]:+.2f}")


def _weight_labels(labels, size, layout, params, hover_neuron: int, palette: str) -> None:
    """Each weight written on its line: on tiny networks all of them, else the hovered neuron's."""
    links = layout.links
    if layout.n_links <= MAX_WEIGHT_LABELS:
        chosen = np.arange(layout.n_links)
    elif hover_neuron >= 0:
        chosen = np.flatnonzero((links[:, 0] == hover_neuron) | (links[:, 1] == hover_neuron))
        if len(chosen) > MAX_WEIGHT_LABELS:
            return
    else:
        return
    if len(chosen) == 0:
        return
    src, dst = links[chosen, 0], links[chosen, 1]
    a, b = layout.nodes[src, :2], layout.nodes[dst, :2]
    # lines into one neuron meet at its end: spread their labels along them by source index
    layer = layout.nodes[src, 3].astype(int)
    first = layout.layer_start[layer]
    n_in = np.asarray(layout.sizes)[layer]
    fraction = 0.28 + 0.36 * ((src - first) + 0.5) / n_in
    at = a + (b - a) * fraction[:, None]
    weights = params[links[chosen, 2]]
    pos, neg = PALETTES[palette]
    pos_colour = tuple(min(1.0, 0.35 + 0.75 * c) for c in pos)
    neg_colour = tuple(min(1.0, 0.35 + 0.75 * c) for c in neg)
    for (x, y), w in zip(at.tolist(), weights.tolist()):
        labels.add(size, x, y - size / 2, pos_colour if w >= 0 else neg_colour, f"{w:+.2f}", 0.5)
