"""Small input images for ImGui as one GL texture: one quad per image instead of one per pixel.

A grid of misclassified 8x8 digits drawn pixel by pixel costs a few thousand draw-list calls
from Python every frame; uploaded as one texture strip a few times a second, it costs one
`add_image` per image. The strip owns its texture and frees it in release().
"""
from __future__ import annotations

import ctypes

import numpy as np
from imgui_bundle import imgui
from pyglet import gl

from glnn.ui.widgets import PIXEL_COLD, PIXEL_HOT


def pixel_rgba(images: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """(k, rows*cols) pixels in 0..1 -> (rows, k*cols, 4) uint8, the images side by side, in the
    colours draw_pixels uses (dark paper, bright ink)."""
    rows, cols = shape
    k = images.shape[0]
    v = np.clip(np.nan_to_num(np.asarray(images, np.float32)), 0.0, 1.0).reshape(k, rows, cols, 1)
    cold, hot = np.asarray(PIXEL_COLD, np.float32), np.asarray(PIXEL_HOT, np.float32)
    rgb = cold + (hot - cold) * v  # (k, rows, cols, 3)
    rgba = np.empty((rows, k * cols, 4), np.uint8)
    rgba[..., :3] = (np.clip(rgb, 0, 1) * 255 + 0.5).astype(np.uint8).transpose(1, 0, 2, 3).reshape(rows, k * cols, 3)
    rgba[..., 3] = 255
    return rgba


class Texture:
    """One RGBA8 texture that ImGui draws; crisp (nearest) pixels. Owns the GL texture; release() frees it."""

    def __init__(self):
        self.texture = gl.GLuint()
        self.size = (0, 0)  # (width, height) in texels
        self.ref = None  # what ImGui's draw list takes

    def upload(self, rgba: np.ndarray) -> None:
        """(height, width, 4) uint8. Needs the GL context current; reallocates only when the size changes."""
        rgba = np.ascontiguousarray(rgba, np.uint8)
        height, width = rgba.shape[:2]
        if not self.texture.value:
            gl.glGenTextures(1, ctypes.byref(self.texture))
            self.ref = imgui.ImTextureRef(int(self.texture.value))
        gl.glActiveTexture(gl.GL_TEXTURE0)
        gl.glBindTexture(gl.GL_TEXTURE_2D, self.texture)
        gl.glPixelStorei(gl.GL_UNPACK_ALIGNMENT, 1)
        data = rgba.ctypes.data_as(ctypes.POINTER(ctypes.c_ubyte))
        if (width, height) != self.size:
            gl.glTexImage2D(gl.GL_TEXTURE_2D, 0, gl.GL_RGBA8, width, height, 0, gl.GL_RGBA, gl.GL_UNSIGNED_BYTE, data)
            for param, value in ((gl.GL_TEXTURE_MIN_FILTER, gl.GL_NEAREST), (gl.GL_TEXTURE_MAG_FILTER, gl.GL_NEAREST),
                                 (gl.GL_TEXTURE_WRAP_S, gl.GL_CLAMP_TO_EDGE), (gl.GL_TEXTURE_WRAP_T, gl.GL_CLAMP_TO_EDGE)):
                gl.glTexParameteri(gl.GL_TEXTURE_2D, param, value)
            self.size = (width, height)
        else:
            gl.glTexSubImage2D(gl.GL_TEXTURE_2D, 0, 0, 0, width, height, gl.GL_RGBA, gl.GL_UNSIGNED_BYTE, data)
        gl.glBindTexture(gl.GL_TEXTURE_2D, 0)

    def draw(self, draw_list, x: float, y: float, width: float, height: float, u0: float = 0.0, u1: float = 1.0) -> None:
        if self.ref is not None:
            draw_list.add_image(self.ref, imgui.ImVec2(x, y), imgui.ImVec2(x + width, y + height),
                                imgui.ImVec2(u0, 0.0), imgui.ImVec2(u1, 1.0))

    def release(self) -> None:
        if self.texture.value:
            gl.glDeleteTextures(1, ctypes.byref(self.texture))
            self.texture = gl.GLuint()
        self.ref = None
        self.size = (0, 0)


class ImageStrip:
    """Images of one shape side by side in a texture; draw(k, ...) shows the k-th."""

    def __init__(self):
        self.texture = Texture()
        self.count = 0

    def upload(self, images: np.ndarray, shape: tuple[int, int]) -> None:
        """Replace the images: (k, rows*cols) values in 0..1. Needs the GL context current."""
        self.count = int(images.shape[0])
        if self.count:
            self.texture.upload(pixel_rgba(images, shape))

    def draw(self, draw_list, k: int, x: float, y: float, width: float, height: float) -> None:
        """The k-th image, scaled to width x height at (x, y)."""
        if 0 <= k < self.count:
            self.texture.draw(draw_list, x, y, width, height, k / self.count, (k + 1) / self.count)

    def release(self) -> None:
        self.texture.release()
        self.count = 0


class LedStrip:
    """Training images as one texture, each pixel a lit square with a thin dark gap around it (the
    look of the draw grid), uploaded when the images change; draw(k, ...) shows the k-th image."""

    def __init__(self):
        self.texture = Texture()
        self.key = None
        self._images = np.zeros((0, 0), np.float32)
        self._source, self._rows = None, ()  # what ensure_rows gathered the images from
        self.count = 0
        self.uploads = 0

    def ensure_rows(self, source: np.ndarray, rows: tuple[int, ...], shape: tuple[int, int], texels: int) -> None:
        """ensure(source[rows]), without gathering and comparing the images when these rows of this very
        array are already there: a dataset never changes an array in place (a change makes a new
        one), and gathering and comparing cost more than the rest of the strip each frame."""
        if source is self._source and rows == self._rows and (shape, texels) == self.key:
            return
        self.ensure(source[list(rows)], shape, texels)
        self._source, self._rows = source, rows

    def ensure(self, images: np.ndarray, shape: tuple[int, int], texels: int) -> None:
        """Upload the images unless these are already there (the context must be current). A few
        dozen small images: comparing them each frame costs less than a texture upload."""
        key = (shape, texels)
        if key == self.key and np.array_equal(images, self._images):
            return
        rgba = np.repeat(np.repeat(pixel_rgba(images, shape), texels, axis=0), texels, axis=1)
        rows = np.arange(rgba.shape[0]) % texels == texels - 1
        cols = np.arange(rgba.shape[1]) % texels == texels - 1
        rgba[rows, :, 3] = 0  # the gap between pixels: transparent, the window shows through
        rgba[:, cols, 3] = 0
        self.texture.upload(rgba)
        self._source, self._rows = None, ()  # ensure_rows says what these are, if it was the caller
        self.key, self.count = key, int(images.shape[0])
        self._images = np.array(images, np.float32, copy=True)
        self.uploads += 1

    def draw(self, draw_list, k: int, x: float, y: float, width: float, height: float) -> None:
        if 0 <= k < self.count:
            self.texture.draw(draw_list, x, y, width, height, k / self.count, (k + 1) / self.count)

    def release(self) -> None:
        self.texture.release()
        self.key, self.count = None, 0
        self._source, self._rows = None, ()
        self._images = np.zeros((0, 0), np.float32)
