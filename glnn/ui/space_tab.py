"""The Space tab (2-D datasets): the training points and a grid of lines over the input plane as two
neurons of a hidden layer see them (glnn.core.layer_space), plotted with ImPlot, live; and the marks
on the two neurons in the scene. A click on a hidden neuron in the scene picks it (glnn.app)."""
from __future__ import annotations

import numpy as np
from imgui_bundle import imgui, implot, implot_ctx

from glnn.core import layer_space
from glnn.core.layer_space import LayerSpace
from glnn.core.model import Architecture
from glnn.ui.widgets import muted_text, rgba
from glnn.view.palette import PALETTES

AXIS_NAMES = ("x", "y")
MARK = (1.0, 0.82, 0.35)  # the gold of the scene's other marks
GRID = (0.62, 0.68, 0.8, 0.45)
AXES = (0.9, 0.93, 1.0, 0.9)
RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}  # fixed: stable weights look stable


def is_open(state, dataset) -> bool:
    """The tab shows (so clicks on hidden neurons pick them, and the neurons picked are marked)."""
    return state.show_panel and state.tab == "space" and "space" in state.panel and dataset.has_plane


def neuron_label(sizes, neuron: int) -> str:
    layer = layer_space.hidden_layer_of(sizes, neuron)
    index = neuron - int(np.sum(sizes[:layer]))
    return f"hidden neuron {index + 1}" + (f" of layer {layer}" if len(sizes) > 3 else "")


class SpaceTab:
    def __init__(self):
        self.space: LayerSpace | None = None
        self.plot_box: tuple[float, float, float, float] | None = None  # the plot as last drawn (x0, y0, x1, y1)
        self.shown: tuple[int, int] | None = None  # the two neurons it showed

    def _space_for(self, arch: Architecture, dataset) -> LayerSpace:
        """The evaluation for this network and these data (new data or a new network: a new one)."""
        if self.space is None or self.space.arch != arch or self.space.dataset is not dataset:
            w_off, b_off, _ = arch.offsets()
            self.space = LayerSpace(arch, w_off, b_off, dataset)
        return self.space

    def draw(self, frame, state, dataset, arch: Architecture, out: list) -> None:
        sizes = frame.layer_sizes
        self.plot_box = self.shown = None
        if not dataset.has_plane:
            imgui.text_wrapped("This view is for the 2-D point sets (circle, xor, gauss, spiral).")
            return
        pair = layer_space.resolve(state.space_pair, sizes)
        if pair is None:
            if any(n >= 1 for n in sizes[1:-1]):  # hidden layers, but none of two neurons: one axis only
                imgui.text_wrapped("This view needs a hidden layer of two neurons or more (one for each axis); "
                                   "no hidden layer here has two. Add hidden neurons on the Train tab.")
            else:
                imgui.text_wrapped("No hidden layer: the inputs go straight to the output, so there is no hidden "
                                   "space to look at. Add hidden neurons on the Train tab.")
            return
        a, b = pair
        layer = layer_space.hidden_layer_of(sizes, a)
        imgui.text_wrapped(f"How hidden layer {layer} sees the plane" if len(sizes) > 3
                           else "How the hidden layer sees the plane")
        muted_text("Each training point sits where two hidden neurons put it; the lines are a regular grid "
                   "over the input plane, bent the way the layer bends it. Click two hidden neurons in the "
                   "scene to choose them.")
        space = self._space_for(arch, dataset)
        if len(frame.params) == int(arch.offsets()[2]):  # the frame shows this network (not a stale one)
            space.refresh(frame.params)
        if space.evaluations:
            self._plot(space, a, b, sizes, arch.activation, state)
        imgui.text_disabled(f"next click on a hidden neuron: the {AXIS_NAMES[state.space_axis]} axis")

    def _plot(self, space: LayerSpace, a: int, b: int, sizes, activation: str, state) -> None:
        side = imgui.get_content_region_avail().x
        flags = implot.Flags_.no_mouse_text | implot.Flags_.no_box_select | implot.Flags_.no_legend
        with implot_ctx.begin_plot("##space", imgui.ImVec2(side, side), flags) as plot:
            if not plot:
                return
            self.shown = (a, b)
            implot.setup_axes(f"x: {neuron_label(sizes, a)}", f"y: {neuron_label(sizes, b)}")
            lx, ly = space.line_xy(a, b)
            px, py = space.point_xy(a, b)
            lo, hi = RANGES[activation] if activation in RANGES else _fitted(lx, ly, px, py)
            pad = (hi - lo) * 0.04
            implot.setup_axes_limits(lo - pad, hi + pad, lo - pad, hi + pad, implot.Cond_.always)
            spec = implot.Spec()
            spec.line_color = imgui.ImVec4(*GRID)
            spec.line_weight = 1.0
            implot.plot_line("grid", lx, ly, spec)
            ax, ay = space.axis_lines(a, b)
            spec.line_color = imgui.ImVec4(*AXES)
            spec.line_weight = 1.6
            implot.plot_line("x1 = 0 and x2 = 0", ax, ay, spec)
            labels = space.dataset.y_train
            pos, neg = (tuple(min(c, 1.0) for c in col) for col in PALETTES[state.palette])
            for cls, colour in ((0, neg), (1, pos)):
                mask = labels == cls
                spec = implot.Spec()
                spec.marker = implot.Marker_.circle
                spec.marker_size = 3.2 * state.ui_scale
                spec.marker_fill_color = imgui.ImVec4(*colour, 1.0)
                spec.marker_line_color = imgui.ImVec4(0.97, 0.97, 1.0, 0.8)
                implot.plot_scatter(f"class {cls}", np.ascontiguousarray(px[mask]), np.ascontiguousarray(py[mask]),
                                    spec)
            corner, size = implot.get_plot_pos(), implot.get_plot_size()
            self.plot_box = (corner.x, corner.y, corner.x + size.x, corner.y + size.y)


def _fitted(*arrays) -> tuple[float, float]:
    """The square that holds every finite value (ReLU layers have no fixed range)."""
    values = np.concatenate([np.asarray(v, np.float32).ravel() for v in arrays])
    values = values[np.isfinite(values)]
    if not len(values):
        return 0.0, 1.0
    lo, hi = float(values.min()), float(values.max())
    return (lo, hi) if hi - lo > 1e-6 else (lo - 0.5, lo + 0.5)


def scene_marks(layout, state, sizes, scale: float) -> None:
    """Gold rings and the axis names on the two neurons the view shows (while the tab is open)."""
    pair = layer_space.resolve(state.space_pair, sizes)
    if pair is None or layout is None or max(pair) >= layout.n_neurons:
        return
    draw = imgui.get_background_draw_list()
    for name, neuron in zip(AXIS_NAMES, pair):
        x, y, r, _ = (float(v) for v in layout.nodes[neuron])
        draw.add_circle(imgui.ImVec2(x, y), r + 4 * scale, rgba(0.02, 0.03, 0.05, 0.8), 0, 4.0 * scale)
        draw.add_circle(imgui.ImVec2(x, y), r + 4 * scale, rgba(*MARK), 0, 2.0 * scale)
        draw.add_text(imgui.ImVec2(x + r + 6 * scale, y - r - imgui.get_text_line_height()), rgba(*MARK), name)
