"""Where the input-plane pictures go (datasets of two inputs). Pure numpy: tested without GL.

The output's decision region is a square to the right of the network (glnn.view.screen places
it, with its title and legend); every input and hidden neuron gets a small tile of the same
plane beside it, on its left where the receptive-field pictures of image datasets go.
Coordinates are window pixels, origin top left, as in glnn.view.layout.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from glnn.view.layout import Layout

TILE_MAX = 64.0
TILE_SHARE = 0.62
TILE_MIN = 14.0  # smaller tiles would say nothing: the layer goes without
TILE_PAD = 6.0  # between a tile and its neuron's rim


@dataclasses.dataclass(frozen=True)
class MapRect:
    x: float
    y: float
    side: float

    def contains(self, px: float, py: float) -> bool:
        return self.x <= px < self.x + self.side and self.y <= py < self.y + self.side

    def to_plane(self, px: float, py: float, extent: float) -> tuple[float, float]:
        """Window pixel -> (x1, x2) on the input plane (x2 up)."""
        return ((px - self.x) / self.side * 2 - 1) * extent, (1 - (py - self.y) / self.side * 2) * extent


def neuron_tiles(layout: Layout, left_edge: float, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Tiles beside the input and hidden neurons: ((K, 4) float32 x, y, w, h; (K,) int32 neuron).

    A tile sits left of its neuron, vertically centred on it, as large as the gaps allow
    (not overlapping the neighbours above and below, nor the previous column, nor left_edge
    for the input column) up to TILE_MAX; all hidden tiles share one size so that the
    columns line up. A layer whose tiles would be smaller than TILE_MIN has none. The
    input and hidden neurons go without their value labels in this view (the pictures say
    more; see PlaneView.layers_without_values), so the labels need no room.
    """
    sizes = layout.sizes
    pad = TILE_PAD * scale
    spacing, room = {}, {}
    for l in range(len(sizes) - 1):  # the output has the big map instead
        start, n = int(layout.layer_start[l]), sizes[l]
        r = float(layout.nodes[start, 2])
        spacing[l] = float(layout.nodes[start + 1, 1] - layout.nodes[start, 1]) if n > 1 else layout.area.h
        if l == 0:
            room[l] = float(layout.column_x[0]) - r - pad - left_edge
        else:  # clear of this neuron's rim and of the previous column's discs (which may be larger)
            r_prev = float(layout.nodes[int(layout.layer_start[l - 1]), 2])
            room[l] = float(layout.column_x[l] - layout.column_x[l - 1]) - r - r_prev - 2 * pad
    # at most TILE_SHARE of the vertical spacing and of the gap between columns: the connections
    # must stay visible between the tiles
    gaps = {l: float(layout.column_x[l] - layout.column_x[l - 1]) if l else np.inf for l in room}
    sides = {l: min(spacing[l] * TILE_SHARE, gaps[l] * TILE_SHARE, room[l], TILE_MAX * scale) for l in room}
    hidden = [sides[l] for l in sides if l > 0 and sides[l] >= TILE_MIN * scale]
    for l in sides:
        if l > 0 and sides[l] >= TILE_MIN * scale:
            sides[l] = min(hidden)
    rects, neurons = [], []
    for l, side in sides.items():
        if side < TILE_MIN * scale:
            continue
        start, end = int(layout.layer_start[l]), int(layout.layer_start[l + 1])
        nodes = layout.nodes[start:end]
        block = np.empty((end - start, 4), np.float32)
        block[:, 0] = nodes[:, 0] - nodes[:, 2] - pad - side
        block[:, 1] = nodes[:, 1] - side / 2
        block[:, 2] = side
        block[:, 3] = side
        rects.append(block)
        neurons.append(np.arange(start, end, dtype=np.int32))
    if not rects:
        return np.zeros((0, 4), np.float32), np.zeros(0, np.int32)
    return np.concatenate(rects), np.concatenate(neurons)

