"""Receptive fields: beside each first-layer hidden neuron, its incoming weights as a picture of
the input (what the neuron "looks for"), in the weight palette, updated every frame.

All pictures live in one small texture (one upload a frame, one add_image per neuron) rather
than one ImGui rectangle per weight, which cost a millisecond of Python at 16 neurons x 25 pixels.
Where neurons sit closer than a readable picture, the pictures alternate between two columns.
"""
from __future__ import annotations

import numpy as np
from imgui_bundle import imgui

from glnn.ui.tiles import Texture
from glnn.ui.widgets import rgba
from glnn.view.palette import PALETTES

WEIGHT_SCALE = 2.0  # |w| shown at full colour (fixed, so stable weights look stable)
MAX_SIDE = 56.0  # pixels: a picture never grows beyond this
MIN_SIDE = 10.0  # pixels: below this the pictures are not drawn at all


def weight_rgba(weights: np.ndarray, shape: tuple[int, int], palette: str) -> np.ndarray:
    """(inputs, hidden) weights -> (rows, hidden*cols, 4) uint8: each neuron's picture side by side."""
    rows, cols = shape
    pos, neg = (np.minimum(np.asarray(c, np.float32), 1.0) for c in PALETTES[palette])
    w = np.nan_to_num(np.asarray(weights, np.float32)).T.reshape(-1, rows, cols)  # (hidden, rows, cols)
    m = np.clip(np.abs(w) / WEIGHT_SCALE, 0.0, 1.0)[..., None]
    rgb = np.where(w[..., None] >= 0, pos, neg) * m + 0.06
    out = np.empty((rows, w.shape[0] * cols, 4), np.uint8)
    out[..., :3] = (np.clip(rgb, 0, 1) * 255 + 0.5).astype(np.uint8).transpose(1, 0, 2, 3).reshape(rows, -1, 3)
    out[..., 3] = 255
    return out


def placement(layout, shape: tuple[int, int]) -> tuple[np.ndarray, float]:
    """Top-left corners (n, 2) of the pictures of layer 1 and their side; side 0 when there is no room."""
    start, n = int(layout.layer_start[1]), int(layout.sizes[1])
    if len(layout.wrap) > 1 and layout.wrap[1] > 1:  # a wide layer wrapped into a block: no room beside each
        return np.zeros((0, 2)), 0.0
    nodes = layout.nodes[start:start + n]
    spacing = float(nodes[1, 1] - nodes[0, 1]) if n > 1 else MAX_SIDE * 2
    single = min(MAX_SIDE, spacing - 4)
    staggered = min(MAX_SIDE, 2 * spacing - 6)
    side, two_columns = (single, False) if single >= min(staggered, 28.0) else (staggered, True)
    if side < MIN_SIDE:
        return np.zeros((0, 2)), 0.0
    x = nodes[:, 0] - nodes[:, 2] - 8 - side
    if two_columns:
        x = x - (np.arange(n) % 2) * (side + 6)
    y = nodes[:, 1] - side / 2
    return np.stack([x, y], axis=1), side


class ReceptiveFields:
    """Owns the pictures' texture; release() frees it."""

    def __init__(self):
        self.texture = Texture()

    def draw(self, layout, net, dataset, palette: str) -> None:
        if dataset.image_shape is None or len(layout.sizes) < 3:
            return
        corners, side = placement(layout, dataset.image_shape)
        if side <= 0:
            return
        n = len(corners)
        self.texture.upload(weight_rgba(net.weights(0), dataset.image_shape, palette))
        draw = imgui.get_background_draw_list()
        frame = rgba(0.02, 0.03, 0.05, 0.95)
        for k, (x, y) in enumerate(corners.tolist()):
            draw.add_rect_filled(imgui.ImVec2(x - 2, y - 2), imgui.ImVec2(x + side + 2, y + side + 2), frame, 2.0)
            self.texture.draw(draw, x, y, side, side, k / n, (k + 1) / n)

    def release(self) -> None:
        self.texture.release()
