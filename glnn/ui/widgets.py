"""Small drawing helpers shared by the panel and the overlay."""
from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from imgui_bundle import imgui


@functools.lru_cache(maxsize=1024)
def rgba(r: float, g: float, b: float, a: float = 1.0) -> int:
    """A colour as ImGui's packed 32 bits. Memoised: the UI asks for the same few dozen colours about
    a hundred times a frame, and each conversion is a trip into ImGui."""
    return imgui.color_convert_float4_to_u32(imgui.ImVec4(r, g, b, a))


# a slider of a rate or a speed: logarithmic, and typed values held to its range. Flags are combined
# once here: an enum's | is a Python call, a dozen of them a frame
LOG_SLIDER = imgui.SliderFlags_.logarithmic | imgui.SliderFlags_.always_clamp


def finite(value: float, fallback: float = 0.0) -> float:
    """Numbers on screen are never NaN: a non-finite value shows as the fallback."""
    return float(value) if math.isfinite(value) else fallback


def loss_text(loss: float, decimals: int = 5) -> str:
    """A loss with `decimals` decimals; below 0.001 two significant digits without an exponent
    (0.00023) down to 1e-7, then 2.3e-08. Never NaN."""
    loss = finite(loss)
    if loss >= 1e-3 or loss == 0:
        return f"{loss:.{decimals}f}"
    if loss >= 1e-7:
        return f"{loss:.{1 - math.floor(math.log10(loss))}f}"
    return f"{loss:.1e}"


def muted_text(text: str) -> None:
    """Wrapped text in the dim colour of text_disabled (ImGui has no wrapped disabled text)."""
    imgui.push_style_color(imgui.Col_.text, imgui.get_style().color_(imgui.Col_.text_disabled))
    imgui.text_wrapped(text)
    imgui.pop_style_color()


@contextmanager
def disabled(when: bool) -> Iterator[None]:
    """Grey out the items drawn inside, and make them ignore input, when `when` is true: ImGui's
    begin_disabled / end_disabled as a context manager (imgui_ctx offers none)."""
    if not when:
        yield
        return
    imgui.begin_disabled()
    try:
        yield
    finally:
        imgui.end_disabled()


@functools.lru_cache(maxsize=4096)
def short_count(n: float) -> str:
    """10, 100, 1k, 10k, 1M: tick labels that fit under a slim track or a plot axis. Memoised: the same
    few dozen ticks are labelled every frame."""
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= div:
            return f"{n / div:g}{suffix}"
    return f"{n:g}"


def packed_colors(values: np.ndarray, cold, hot) -> list[int]:
    """ImGui colours (packed ABGR) for values in 0..1, blending cold -> hot; vectorised."""
    v = np.clip(np.nan_to_num(np.asarray(values, np.float32)), 0.0, 1.0)[:, None]
    rgb = (np.asarray(cold, np.float32) + (np.asarray(hot, np.float32) - np.asarray(cold, np.float32)) * v)
    rgb = (np.clip(rgb, 0.0, 1.0) * 255 + 0.5).astype(np.uint32)
    return (0xFF000000 | (rgb[:, 2] << 16) | (rgb[:, 1] << 8) | rgb[:, 0]).tolist()


MINE = (0.35, 0.9, 0.8)  # the colour of what a person added by hand: their drawings, their points
PIXEL_HOT = (0.95, 0.97, 1.0)
PIXEL_COLD = (0.10, 0.12, 0.18)


def draw_pixels(draw_list, x: float, y: float, cell: float, pixels: np.ndarray, shape, highlight: bool = False,
                colors: list[int] | None = None) -> None:
    """A small image of input pixels (0..1), top-left at (x, y); `colors` may be precomputed."""
    rows, cols = shape
    if colors is None:
        colors = packed_colors(pixels, PIXEL_COLD, PIXEL_HOT)
    for k, col in enumerate(colors):
        r, c = divmod(k, cols)
        draw_list.add_rect_filled(imgui.ImVec2(x + c * cell, y + r * cell),
                                  imgui.ImVec2(x + (c + 1) * cell - 1, y + (r + 1) * cell - 1), col)
    if highlight:
        draw_list.add_rect(imgui.ImVec2(x - 3, y - 3), imgui.ImVec2(x + cols * cell + 2, y + rows * cell + 2),
                           rgba(1.0, 0.8, 0.3), 3.0, 2.5)


def draw_weight_image(draw_list, x: float, y: float, cell: float, weights: np.ndarray, shape, scale: float,
                      palette) -> None:
    """Incoming weights of a hidden neuron as an image: colour = sign, brightness = size."""
    pos, neg = palette
    rows, cols = shape
    for r in range(rows):
        for c in range(cols):
            w = float(weights[r * cols + c])
            m = min(abs(w) / scale, 1.0) if math.isfinite(w) else 0.0
            base = pos if w >= 0 else neg
            col = tuple(0.08 + (min(base[k], 1.0) - 0.08) * m for k in range(3))
            draw_list.add_rect_filled(imgui.ImVec2(x + c * cell, y + r * cell),
                                      imgui.ImVec2(x + (c + 1) * cell - 1, y + (r + 1) * cell - 1), rgba(*col))
