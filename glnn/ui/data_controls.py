"""TensorFlow Playground's data controls on the Train tab, for 2-D sets: the noise and the share of
the points that train (generated sets), and the feature column: one button per input feature with
a picture of it over the plane, lit when the network is fed it. Each change is a Set command; the
trainer redraws the data (keeping the weights) or, for features, builds a network with those inputs."""
from __future__ import annotations

import numpy as np
from imgui_bundle import imgui

from glnn import commands
from glnn.core import features, settings
from glnn.core.plane import extent_of, grid_points
from glnn.ui.tiles import Texture
from glnn.ui.widgets import muted_text, rgba
from glnn.view.palette import PALETTES
from glnn.view.plane_view import NEUTRAL

THUMB = 24  # texels a side of a feature's picture
CHIP_MAX = 38.0  # pixels a side of a feature's button at ui scale 1
CHOSEN = (1.0, 0.82, 0.35)  # the scene's gold: this feature is an input
DIMMED = (0.32, 0.34, 0.4, 1.0)  # tint of a feature the network is not fed
DESCRIPTIONS = {"x1": "left to right", "x2": "bottom to top", **{f: "= " + features.FORMULAS[f]
                                                                 for f in features.FEATURES[2:]}}


def feature_pictures(extent: float, palette: str) -> np.ndarray:
    """(THUMB, THUMB * len(FEATURES), 4) uint8: every feature over the plane side by side, coloured as
    the input neurons' pictures are (negative colour, neutral at 0, positive colour), vectorised."""
    values = features.expand(grid_points(THUMB, extent), features.FEATURES)  # (THUMB**2, F)
    scale = np.array([features.bound(f, extent) for f in features.FEATURES], np.float32)
    v = np.clip(values / scale, -1.0, 1.0)[..., None]
    pos, neg = (np.minimum(np.asarray(c, np.float32), 1.0) for c in PALETTES[palette])
    neutral = np.asarray(NEUTRAL, np.float32)
    rgb = np.where(v >= 0, neutral + (pos - neutral) * v, neutral + (neg - neutral) * -v)
    rgb = rgb.reshape(THUMB, THUMB, len(features.FEATURES), 3).transpose(0, 2, 1, 3).reshape(THUMB, -1, 3)
    out = np.empty(rgb.shape[:2] + (4,), np.uint8)
    out[..., :3] = (np.clip(rgb, 0, 1) * 255 + 0.5).astype(np.uint8)
    out[..., 3] = 255
    return out


class DataControls:
    """Owns the feature pictures' texture; release() frees it."""

    def __init__(self):
        self.texture = Texture()
        self._key = None
        self.chips: list[tuple[str, float, float, float]] = []  # (feature, x, y, side) as last drawn
        self.sliders: dict[str, tuple[float, float, float, float]] = {}  # setting -> (x0, y0, x1, y1) as last drawn

    def draw(self, s: dict, dataset, state, out: list) -> None:
        """The Data tab's content."""
        self.sliders = {}
        label_room = imgui.calc_text_size("train / test").x + imgui.get_style().item_inner_spacing.x + 4
        if dataset.name in settings.GENERATED:
            muted_text(f"The {dataset.name} points. Changing them keeps the network: watch it adapt.")
            imgui.set_next_item_width(-label_room)
            changed, noise = imgui.slider_float("noise", float(s["noise"]), 0.0, 0.5, "%.2f",
                                                imgui.SliderFlags_.always_clamp)
            self._remember("noise", label_room)
            if changed and np.isfinite(noise):
                out.append(commands.Set("noise", float(np.clip(round(noise, 3), 0.0, 0.5))))
            imgui.set_next_item_width(-label_room)
            percent = int(round(s["train_ratio"] * 100))
            changed, percent = imgui.slider_int("train / test", percent, 10, 90, "%d%% train",
                                                imgui.SliderFlags_.always_clamp)
            self._remember("train_ratio", label_room)
            if changed:
                out.append(commands.Set("train_ratio", float(np.clip(percent, 10, 90)) / 100.0))
            imgui.separator()
        self._feature_column(s["features"], dataset, state, out)

    def _remember(self, name: str, label_room: float) -> None:
        """Where the slider just drawn is (its track, without the label)."""
        lo, hi = imgui.get_item_rect_min(), imgui.get_item_rect_max()
        right = lo.x + imgui.get_content_region_avail().x - label_room
        self.sliders[name] = (lo.x, lo.y, min(hi.x, right), hi.y)

    def _feature_column(self, chosen, dataset, state, out: list) -> None:
        """One row per feature: its picture over the plane (a button), its name and formula."""
        scale = state.ui_scale
        key = (round(extent_of(dataset), 4), state.palette)
        if key != self._key:
            self.texture.upload(feature_pictures(key[0], state.palette))
            self._key = key
        muted_text("Inputs: the network is fed the lit ones. Click one to add it or take it away "
                   "(the network starts afresh with those inputs).")
        names = features.FEATURES
        n = len(names)
        pad = 2.0 * scale
        side = float(np.floor(CHIP_MAX * scale))
        draw = imgui.get_window_draw_list()
        line = imgui.get_text_line_height()
        self.chips = []
        for k, name in enumerate(names):
            on = name in chosen
            tint = imgui.ImVec4(1, 1, 1, 1) if on else imgui.ImVec4(*DIMMED)
            imgui.push_style_var(imgui.StyleVar_.frame_padding, imgui.ImVec2(pad, pad))
            clicked = imgui.image_button(f"##feature_{name}", self.texture.ref, imgui.ImVec2(side, side),
                                         imgui.ImVec2(k / n, 0), imgui.ImVec2((k + 1) / n, 1), None, tint)
            imgui.pop_style_var()
            lo, hi = imgui.get_item_rect_min(), imgui.get_item_rect_max()
            self.chips.append((name, lo.x, lo.y, hi.x - lo.x))
            hovered = imgui.is_item_hovered()
            if on:
                draw.add_rect(lo, hi, rgba(*CHOSEN), 2.0, 2.0 * scale)
            # the name, bright when it is an input, and its formula beside the picture
            x = hi.x + 10 * scale
            y = lo.y + (hi.y - lo.y) / 2 - line
            draw.add_text(imgui.ImVec2(x, y), rgba(*(CHOSEN if on else (0.55, 0.58, 0.66))), features.LABELS[name])
            draw.add_text(imgui.ImVec2(x, y + line), rgba(0.5, 0.54, 0.62), DESCRIPTIONS[name])
            if hovered:
                imgui.set_tooltip(("an input now: click to take it away" if on else "click to add this input")
                                  + ("" if not on or len(chosen) > 1 else " (the network needs one at least)"))
            if clicked:
                new = set(chosen) ^ {name}
                if new:
                    out.append(commands.Set("features", features.canonical(new)))

    def release(self) -> None:
        self.texture.release()
        self._key = None
