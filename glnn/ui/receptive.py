"""Receptive fields: beside each first-layer hidden neuron, its incoming weights as a picture of
the input (what the neuron "looks for"), in the weight palette, updated every frame.

Each picture sits level with its own neuron, in one column just left of the hidden layer, joined
to the neuron's rim by a short leader line (glnn.view.screen.receptive_pictures), so it is never
unclear whose picture it is. Where the neurons are too close for readable pictures there are none;
the hover card shows any neuron's picture.

All pictures live in one small texture (one upload a frame, one add_image per neuron) rather
than one ImGui rectangle per weight, which cost a millisecond of Python at 16 neurons x 25 pixels.
"""
from __future__ import annotations

import numpy as np
from imgui_bundle import imgui

from glnn.ui.tiles import Texture
from glnn.ui.widgets import rgba
from glnn.view.palette import PALETTES
from glnn.view.screen import RECEPTIVE_FRAME, receptive_pictures

WEIGHT_SCALE = 2.0  # |w| shown at full colour (fixed, so stable weights look stable)
FRAME = (0.02, 0.03, 0.05, 0.95)
LEADER = (0.62, 0.7, 0.85, 0.9)


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


class ReceptiveFields:
    """Owns the pictures' texture; release() frees it."""

    def __init__(self):
        self.texture = Texture()

    def draw(self, layout, net, dataset, palette: str, scale: float) -> None:
        if dataset.image_shape is None or len(layout.sizes) < 3:
            return
        pictures = receptive_pictures(layout, scale)
        n = len(pictures.rects)
        if n == 0:
            return
        side = pictures.side
        self.texture.upload(weight_rgba(net.weights(0), dataset.image_shape, palette))
        draw = imgui.get_background_draw_list()
        frame, leader = rgba(*FRAME), rgba(*LEADER)
        thickness = max(1.0, 1.5 * scale)
        f = RECEPTIVE_FRAME
        for k, ((x, y, _, _), (x0, y0, x1, y1)) in enumerate(zip(pictures.rects.tolist(), pictures.leaders.tolist())):
            draw.add_line(imgui.ImVec2(x0, y0), imgui.ImVec2(x1, y1), leader, thickness)
            draw.add_rect_filled(imgui.ImVec2(x - f, y - f), imgui.ImVec2(x + side + f, y + side + f), frame, 2.0)
            self.texture.draw(draw, x, y, side, side, k / n, (k + 1) / n)

    def release(self) -> None:
        self.texture.release()
