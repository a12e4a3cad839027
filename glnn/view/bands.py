"""The density bands of a big network: per thinned gap (glnn.view.lod), one faint band between
the two columns standing for the connections not drawn, in one instanced draw call."""
from __future__ import annotations

import numpy as np
from pyglet import gl

from glnn.view import globjects
from glnn.view.layout import Layout

OPACITY = (0.06, 0.22)  # a band's opacity: at no strength, at the weight scale's full strength


def band_geometry(layout: Layout, bands, weight_scale: float) -> np.ndarray:
    """(bands, 8) float32 per-instance data (see shaders/bands.vert). Pure numpy."""
    out = np.zeros((len(bands), 8), np.float32)
    for row, band in zip(out, bands):  # one row per thinned gap: at most a handful
        g = band.gap
        a = layout.nodes[layout.layer_start[g]:layout.layer_start[g + 1]]
        b = layout.nodes[layout.layer_start[g + 1]:layout.layer_start[g + 2]]
        strength = min(1.0, band.strength / max(weight_scale, 1e-6))
        row[:] = (a[:, 0].max() + a[:, 2].max(), a[:, 1].min(), a[:, 1].max(), b[:, 0].min() - b[:, 2].max(),
                  b[:, 1].min(), b[:, 1].max(), OPACITY[0] + (OPACITY[1] - OPACITY[0]) * strength ** 0.5,
                  band.positive)
    return out


class BandRenderer:
    def __init__(self):
        self.program = globjects.load_program("bands.vert", "bands.frag")
        self.vao = globjects.VertexArray()
        self.instances = globjects.Buffer(gl.GL_ARRAY_BUFFER, gl.GL_DYNAMIC_DRAW)
        self.count = 0
        self._point_attributes()

    def _point_attributes(self) -> None:
        self.vao.bind()
        gl.glBindBuffer(gl.GL_ARRAY_BUFFER, self.instances.id)
        for location in (0, 1):
            gl.glEnableVertexAttribArray(location)
            gl.glVertexAttribPointer(location, 4, gl.GL_FLOAT, gl.GL_FALSE, 32, location * 16)
            gl.glVertexAttribDivisor(location, 1)
        gl.glBindVertexArray(0)

    def set_bands(self, data: np.ndarray) -> None:
        """(bands, 8) float32 from band_geometry; written when the level of detail refreshes."""
        self.count = len(data)
        if self.count:
            self.instances.upload(np.ascontiguousarray(data, np.float32))
            self._point_attributes()

    def draw(self, viewport, style) -> None:
        if not self.count:
            return
        p = self.program
        p.use()
        globjects.set_uniforms(p, u_viewport=viewport, u_pos_color=style.positive_color,
                               u_neg_color=style.negative_color)
        globjects.enable_alpha_blending()
        globjects.draw_quads(self.vao, self.count)
        gl.glBindVertexArray(0)
        p.stop()

    def release(self) -> None:
        self.instances.release()
        self.vao.release()
        self.program.delete()
