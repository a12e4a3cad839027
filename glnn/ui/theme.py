"""Fonts and colours of the panel: a dark, game-like theme with readable type at any UI scale."""
from __future__ import annotations

import math
from pathlib import Path

from imgui_bundle import imgui, implot

from glnn.view.screen import BASE_FONT_SIZE

ACCENT = (0.33, 0.72, 1.0, 1.0)
# The theme's sizes at text scale 1 (ImGui's defaults where not ours): set_scale multiplies them by
# the scale, so that padding, spacing and touch targets keep their proportion to the text (a 4K
# kiosk's buttons are as roomy as a laptop's).
SIZES = {"window_padding": (8.0, 8.0), "frame_padding": (8.0, 5.0), "item_spacing": (8.0, 7.0),
         "item_inner_spacing": (4.0, 4.0), "cell_padding": (4.0, 2.0), "indent_spacing": 21.0,
         "scrollbar_size": 14.0, "grab_min_size": 12.0, "window_rounding": 8.0, "frame_rounding": 5.0,
         "grab_rounding": 5.0, "scrollbar_rounding": 9.0, "tab_rounding": 5.0, "separator_text_padding": (20.0, 3.0)}

# One colour per plotted series, wherever it is drawn (the Train tab's plot, the Results tab's curves
# and table): ImPlot's colormap would hand out colours in the order the lines first appear, which
# changes with the dataset, the mode and the run.
# Green and red stay free for right and wrong (the confusion matrix).
SERIES = {
    "mean loss": (1.0, 0.55, 0.20),  # orange
    "accuracy": (0.33, 0.72, 1.0),  # blue
    "test loss": (1.0, 0.45, 0.75),  # pink
    "test accuracy": (0.76, 0.52, 1.0),  # violet
    "gap": (1.0, 0.33, 0.33),  # the shaded gap between train and test: overfitting
}
TIMELINE_MARK = (1.0, 0.8, 0.3)  # where the timeline is, on a plot: the gold of "shown in the scene"


def _font_path() -> Path | None:
    import imgui_bundle
    path = Path(imgui_bundle.__file__).parent / "assets" / "fonts" / "Roboto" / "Roboto-Regular.ttf"
    return path if path.exists() else None


def apply(scale: float) -> None:
    io = imgui.get_io()
    # No keyboard navigation: the window's shortcuts (Space, S, R, H, F, Esc, the arrows) reach ImGui too,
    # and with it the arrows moved a focus through the panel that the next Space then pressed. The panel
    # is for the mouse and touch; a text field still takes every key while it has the keyboard.
    io.config_flags &= ~imgui.ConfigFlags_.nav_enable_keyboard
    io.set_ini_filename("")  # a kiosk starts the same every time: no imgui.ini
    path = _font_path()
    if path is not None and io.fonts.fonts.size() == 0:
        io.fonts.add_font_from_file_ttf(str(path), BASE_FONT_SIZE)
    imgui.style_colors_dark()
    style = imgui.get_style()
    style.window_border_size = 0.0
    colors = {
        imgui.Col_.window_bg: (0.06, 0.07, 0.11, 0.90),
        imgui.Col_.child_bg: (0.0, 0.0, 0.0, 0.0),
        imgui.Col_.frame_bg: (0.13, 0.16, 0.24, 1.0),
        imgui.Col_.frame_bg_hovered: (0.18, 0.23, 0.34, 1.0),
        imgui.Col_.button: (0.16, 0.30, 0.52, 1.0),
        imgui.Col_.button_hovered: (0.22, 0.42, 0.70, 1.0),
        imgui.Col_.button_active: (0.28, 0.52, 0.85, 1.0),
        imgui.Col_.slider_grab: ACCENT,
        imgui.Col_.header: (0.16, 0.30, 0.52, 0.7),
        imgui.Col_.tab_selected: (0.22, 0.42, 0.70, 1.0),
        imgui.Col_.title_bg_active: (0.10, 0.16, 0.28, 1.0),
        imgui.Col_.check_mark: ACCENT,
    }
    for col, rgba in colors.items():
        style.set_color_(col, imgui.ImVec4(*rgba))
    set_scale(scale)
    implot.get_style().colormap = implot.Colormap_.deep


class TextMeasure:
    """Text widths and line heights exactly as ImGui draws them with the theme's font: what
    glnn.view.screen lays the window out with. Works outside a frame, and without GL."""

    def __init__(self, context=None):
        self._context = context  # a context of our own (standalone()), made current while measuring
        self._widths: dict[tuple[str, float], float] = {}
        self._heights: dict[float, float] = {}

    def _baked(self, size: float):
        fonts = imgui.get_io().fonts.fonts
        return fonts[0].get_font_baked(size) if fonts.size() else None

    def width(self, text: str, size: float) -> float:
        key = (text, size)
        if key not in self._widths:
            previous = self._enter()
            try:
                baked = self._baked(size)
                if baked is None:  # no font loaded yet: an upper bound
                    return math.ceil(0.6 * round(size) * len(text))
                # ImGui's CalcTextSize: the sum of the advances, rounded up to a whole pixel
                self._widths[key] = float(math.ceil(sum(baked.get_char_advance(ord(c)) for c in text) - 1e-4))
            finally:
                self._leave(previous)
        return self._widths[key]

    def height(self, size: float) -> float:
        """ImGui's line height: the font size, which it rounds to a whole pixel."""
        if size not in self._heights:
            previous = self._enter()
            try:
                baked = self._baked(size)
                if baked is None:
                    return float(max(1, round(size)))
                self._heights[size] = float(baked.size)
            finally:
                self._leave(previous)
        return self._heights[size]

    def _enter(self):
        if self._context is None:
            return None
        previous = imgui.get_current_context()
        imgui.set_current_context(self._context)
        return previous

    def _leave(self, previous) -> None:
        if self._context is not None and previous is not None:
            imgui.set_current_context(previous)

    @classmethod
    def standalone(cls) -> "TextMeasure":
        """A measure with an ImGui context of its own holding the theme's font: for tests and tools
        that lay the window out without opening one (no GL needed). The context lives as long as
        the process; the current context is left as it was."""
        previous = imgui.get_current_context()
        context = imgui.create_context()
        imgui.set_current_context(context)
        try:
            io = imgui.get_io()
            io.set_ini_filename("")
            io.backend_flags |= imgui.BackendFlags_.renderer_has_textures  # glyphs bake on demand, no GL
            path = _font_path()
            if path is not None:
                io.fonts.add_font_from_file_ttf(str(path), BASE_FONT_SIZE)
        finally:
            if previous is not None:
                imgui.set_current_context(previous)
        return cls(context)


def set_scale(scale: float) -> None:
    style = imgui.get_style()
    style.font_size_base = BASE_FONT_SIZE * scale
    style.font_scale_main = 1.0
    for name, size in SIZES.items():
        setattr(style, name, imgui.ImVec2(size[0] * scale, size[1] * scale) if isinstance(size, tuple)
                else size * scale)
