"""The draw tab's pixel grid: press on a cell to paint (or erase, if it was lit), drag to continue."""
from __future__ import annotations

import numpy as np
from imgui_bundle import imgui

from glnn.ui.widgets import rgba


class DrawGrid:
    def __init__(self):
        self._mode: float | None = None  # value being painted while the button is held

    def draw(self, pixels: np.ndarray, shape: tuple[int, int], size: float) -> bool:
        """Edit pixels in place; returns True when they changed."""
        rows, cols = shape
        cell = size / cols
        origin = imgui.get_cursor_screen_pos()
        imgui.invisible_button("##drawgrid", imgui.ImVec2(cell * cols, cell * rows),
                               imgui.ButtonFlags_.mouse_button_left | imgui.ButtonFlags_.mouse_button_right)
        changed = False
        if imgui.is_item_active():
            mouse = imgui.get_io().mouse_pos
            c = int((mouse.x - origin.x) // cell)
            r = int((mouse.y - origin.y) // cell)
            if 0 <= r < rows and 0 <= c < cols:
                k = r * cols + c
                if self._mode is None:
                    if imgui.is_mouse_down(imgui.MouseButton_.right):
                        self._mode = 0.0
                    else:
                        self._mode = 0.0 if pixels[k] > 0.5 else 1.0
                if pixels[k] != self._mode:
                    pixels[k] = self._mode
                    changed = True
        else:
            self._mode = None
        draw = imgui.get_window_draw_list()
        for r in range(rows):
            for c in range(cols):
                v = float(pixels[r * cols + c])
                p0 = imgui.ImVec2(origin.x + c * cell + 1, origin.y + r * cell + 1)
                p1 = imgui.ImVec2(origin.x + (c + 1) * cell - 1, origin.y + (r + 1) * cell - 1)
                draw.add_rect_filled(p0, p1, rgba(0.12 + 0.83 * v, 0.14 + 0.83 * v, 0.2 + 0.8 * v), 3.0)
        return changed
