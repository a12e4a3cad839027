"""Where every neuron and connection goes on screen. Pure numpy: tested without GL.

Coordinates are window pixels with the origin at the top left (as ImGui and the mouse
tooltips use); the shaders flip y. Connections are listed layer by layer, source-major
(all links leaving neuron 0 of a layer, then neuron 1, ...), and each carries the index
of its weight in the flat parameter array, so the GPU reads weights straight from it.
"""
from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True)
class Area:
    x: float
    y: float
    w: float
    h: float


@dataclasses.dataclass(frozen=True)
class Layout:
    sizes: tuple[int, ...]
    area: Area
    nodes: np.ndarray  # (N, 4) float32: x, y, radius, layer
    layer_start: np.ndarray  # (layers+1,) first neuron of each layer; last = N
    column_x: np.ndarray  # (layers,) x of each column
    links: np.ndarray  # (M, 3) int32: source neuron, target neuron, parameter index
    link_start: np.ndarray  # (weight layers+1,) first link of each weight layer; last = M
    # (layers,) sub-columns of each layer: 1, or more for a layer too tall for one column (see WRAP_SPACING)
    wrap: np.ndarray = dataclasses.field(default_factory=lambda: np.ones(0, np.int64))
    # (layers,) half the width of each layer's block of sub-columns (0 for a single column)
    half_width: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, np.float32))

    @property
    def n_neurons(self) -> int:
        return int(self.layer_start[-1])

    @property
    def n_links(self) -> int:
        return int(self.link_start[-1])

    def layer_of(self, neuron: int) -> tuple[int, int]:
        """(layer, index within layer) of a global neuron index."""
        layer = int(np.searchsorted(self.layer_start, neuron, side="right") - 1)
        return layer, int(neuron - self.layer_start[layer])

    def link_of(self, link: int) -> tuple[int, int, int]:
        """(weight layer, source index, target index) of a global link index."""
        layer = int(np.searchsorted(self.link_start, link, side="right") - 1)
        src, dst, _ = self.links[link]
        return layer, int(src - self.layer_start[layer]), int(dst - self.layer_start[layer + 1])


# Room around the network in the window, in pixels: above it (times ui_scale: the legend), left of
# it (after the panel), right of it (the output labels) and below it (above the strip and timeline).
SCENE_TOP, SCENE_LEFT, SCENE_RIGHT, SCENE_BOTTOM = 56.0, 30.0, 60.0, 30.0
MIN_SCENE_SIDE = 50.0
# A layer whose neurons would sit closer than this (pixels, centre to centre) in one column wraps
# into a compact block of a few sub-columns of small discs (neuron k in row k % rows, sub-column
# k // rows), so 256 neurons read as neurons, not as a solid line.
WRAP_SPACING = 7.0


def scene_area(width: float, height: float, panel_width: float, bottom_bars: float, ui_scale: float) -> Area:
    """Where the network may go in a window of this size, right of the panel and above the bottom bars."""
    top = SCENE_TOP * ui_scale
    return Area(panel_width + SCENE_LEFT, top, max(MIN_SCENE_SIDE, width - panel_width - SCENE_LEFT - SCENE_RIGHT),
                max(MIN_SCENE_SIDE, height - top - bottom_bars - SCENE_BOTTOM))


def parameter_indices(sizes: tuple[int, ...], w_off: np.ndarray) -> np.ndarray:
    """Flat parameter index of every link, in link order (see glnn.core.model for the storage layout)."""
    parts = []
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        i, j = np.meshgrid(np.arange(n_in), np.arange(n_out), indexing="ij")
        local = i * n_out + j if l == 0 else j * n_in + i
        parts.append(int(w_off[l]) + local.ravel())
    return np.concatenate(parts).astype(np.int32)


def compute(sizes: tuple[int, ...], w_off: np.ndarray, area: Area, max_radius: float = 22.0,
            margin: float | None = None) -> Layout:
    """The network laid out in `area`: the first and last columns `margin` inside its left and right
    edges (default: 8 % of its width, at most 90 pixels), every neuron's disc inside it."""
    sizes = tuple(int(s) for s in sizes)
    n_layers = len(sizes)
    margin_x = min(90.0, area.w * 0.08) if margin is None else min(float(margin), area.w / 2)
    if n_layers > 1:
        column_x = area.x + margin_x + np.arange(n_layers) * (area.w - 2 * margin_x) / (n_layers - 1)
    else:
        column_x = np.array([area.x + area.w / 2])
    layer_start = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    nodes = np.zeros((layer_start[-1], 4), np.float32)
    counts = np.maximum(np.array(sizes, np.float64), 1.0)
    most_rows = max(1.0, np.floor(area.h / WRAP_SPACING))
    wrap = np.where(area.h / counts < WRAP_SPACING, np.ceil(counts / most_rows), 1.0)
    if n_layers > 1:  # a block never reaches half way to the next column
        room = float(np.min(np.diff(column_x))) * 0.4
        wrap = np.minimum(wrap, np.maximum(1.0, np.floor(room / WRAP_SPACING) + 1))
    rows = np.ceil(counts / wrap)
    # Each column spreads its neurons over the height it has, so a 64-pixel input column does not
    # squeeze 12 hidden neurons into a sliver; radii follow the spacing but stay within 2x of the
    # tallest column's, so the columns still look like one network.
    spacings = np.minimum(area.h / rows, 4.0 * max_radius)
    smallest = float(np.clip(spacings.min() * 0.36, 1.0, max_radius))
    half_width = np.zeros(n_layers, np.float32)
    for l, n in enumerate(sizes):
        spacing = float(spacings[l])
        radius = float(np.clip(spacing * 0.36, 1.0, min(max_radius, 2.0 * smallest)))
        k = np.arange(n)
        row, sub = k % int(rows[l]), k // int(rows[l])
        n_rows, n_subs = min(n, int(rows[l])), int(np.ceil(n / rows[l]))
        ys = area.y + area.h / 2 + (row - (n_rows - 1) / 2) * spacing
        block = nodes[layer_start[l]:layer_start[l + 1]]
        block[:, 0] = column_x[l] + (sub - (n_subs - 1) / 2) * spacing
        block[:, 1] = ys
        block[:, 2] = radius
        block[:, 3] = l
        half_width[l] = (n_subs - 1) / 2 * spacing
    links = []
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        src = np.repeat(np.arange(n_in), n_out) + layer_start[l]
        dst = np.tile(np.arange(n_out), n_in) + layer_start[l + 1]
        links.append(np.stack([src, dst], axis=1))
    link_array = np.zeros((sum(len(a) for a in links), 3), np.int32)
    if links:
        link_array[:, :2] = np.concatenate(links)
        link_array[:, 2] = parameter_indices(sizes, w_off)
    link_start = np.concatenate([[0], np.cumsum([a * b for a, b in zip(sizes[:-1], sizes[1:])])]).astype(np.int64)
    return Layout(sizes, area, nodes, layer_start, column_x.astype(np.float32), link_array, link_start,
                  wrap.astype(np.int64), half_width)
