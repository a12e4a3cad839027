"""Fonts and colours of the panel: a dark, game-like theme with readable type at any UI scale."""
from __future__ import annotations

from pathlib import Path

from imgui_bundle import imgui, implot

BASE_FONT_SIZE = 17.0
ACCENT = (0.33, 0.72, 1.0, 1.0)

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
    style.window_rounding = 8.0
    style.frame_rounding = 5.0
    style.grab_rounding = 5.0
    style.window_border_size = 0.0
    style.frame_padding = imgui.ImVec2(8, 5)
    style.item_spacing = imgui.ImVec2(8, 7)
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


def set_scale(scale: float) -> None:
    style = imgui.get_style()
    style.font_size_base = BASE_FONT_SIZE * scale
    style.font_scale_main = 1.0
