"""The connections pass: every weight as one instance of a line quad, in a single draw call."""
from __future__ import annotations

import numpy as np
from pyglet import gl

from glnn.view import globjects


class ConnectionRenderer:
    def __init__(self):
        self.program = globjects.load_program("connections.vert", "connections.frag")
        self.vao = globjects.VertexArray()
        self.links = globjects.Buffer(gl.GL_ARRAY_BUFFER, gl.GL_STATIC_DRAW)
        self.count = 0
        self.vao.bind()
        gl.glBindBuffer(gl.GL_ARRAY_BUFFER, self.links.id)
        gl.glEnableVertexAttribArray(0)
        gl.glVertexAttribIPointer(0, 3, gl.GL_INT, 12, 0)
        gl.glVertexAttribDivisor(0, 1)
        gl.glBindVertexArray(0)

    def set_links(self, links: np.ndarray) -> None:
        """(M, 3) int32 source, target, parameter index: uploaded when the topology changes, not per frame."""
        self.links.upload(np.ascontiguousarray(links, np.int32))
        self.count = len(links)
        # re-point the attribute: the buffer may have been reallocated
        self.vao.bind()
        gl.glBindBuffer(gl.GL_ARRAY_BUFFER, self.links.id)
        gl.glVertexAttribIPointer(0, 3, gl.GL_INT, 12, 0)
        gl.glBindVertexArray(0)

    def draw(self, viewport, style, params_unit: int, acts_unit: int, nodes_unit: int, deltas_unit: int) -> None:
        p = self.program
        p.use()
        globjects.set_uniforms(p, u_params=params_unit, u_acts=acts_unit, u_nodes=nodes_unit, u_deltas=deltas_unit,
                               u_pulse_links=style.pulse_links, u_pulse_pos=style.pulse_position,
                               u_pulse_backward=int(style.pulse_backward), u_pulse_scale=style.pulse_scale,
                               u_pulse_color=style.pulse_color, u_change=style.change,
                               u_change_scale=style.change_scale, u_lr=style.learning_rate, u_viewport=viewport,
                               u_weight_scale=style.weight_scale, u_max_width=style.max_line_width,
                               u_signal_glow=style.signal_glow, u_pos_color=style.positive_color,
                               u_neg_color=style.negative_color, u_hover=style.hover_link,
                               u_focus=style.focus_neuron)
        globjects.enable_alpha_blending()
        globjects.draw_quads(self.vao, self.count)
        gl.glBindVertexArray(0)
        p.stop()

    def release(self) -> None:
        self.links.release()
        self.vao.release()
        self.program.delete()
