"""The connections pass: the connections drawn as instances of a line quad, in a single draw call.

The table of every connection (source, target, weight index) is written when the topology
changes; the list of connections drawn (all of them, or a big network's level of detail,
see glnn.view.lod) when that list changes, which is a few times a second at most.
"""
from __future__ import annotations

import numpy as np
from pyglet import gl

from glnn.view import globjects


class ConnectionRenderer:
    def __init__(self):
        self.program = globjects.load_program("connections.vert", "connections.frag")
        self.vao = globjects.VertexArray()
        self.table = globjects.TextureBuffer(gl.GL_RGBA32I)  # every connection: source, target, weight index, 0
        self.drawn = globjects.Buffer(gl.GL_ARRAY_BUFFER, gl.GL_DYNAMIC_DRAW)  # per instance: a connection index
        self.count = 0  # instances drawn
        self.n_links = 0
        self._point_attribute()

    def _point_attribute(self) -> None:
        """(Re-)point the per-instance index at the buffer, which may have been reallocated."""
        self.vao.bind()
        gl.glBindBuffer(gl.GL_ARRAY_BUFFER, self.drawn.id)
        gl.glEnableVertexAttribArray(0)
        gl.glVertexAttribIPointer(0, 1, gl.GL_INT, 4, 0)
        gl.glVertexAttribDivisor(0, 1)
        gl.glBindVertexArray(0)

    def set_links(self, links: np.ndarray) -> None:
        """(M, 3) int32 source, target, parameter index: written when the topology changes, not per frame.
        Until set_drawn says otherwise, every connection is drawn."""
        table = np.zeros((len(links), 4), np.int32)
        table[:, :3] = links
        self.table.upload(table)
        self.n_links = len(links)
        self.set_drawn(np.arange(len(links), dtype=np.int32))

    def set_drawn(self, indices: np.ndarray) -> None:
        """Which connections to draw (int32 indices into the table, ascending: the drawing order)."""
        self.drawn.upload(np.ascontiguousarray(indices, np.int32))
        self.count = len(indices)
        self._point_attribute()

    def draw(self, viewport, style, params_unit: int, acts_unit: int, nodes_unit: int, deltas_unit: int,
             links_unit: int) -> None:
        p = self.program
        p.use()
        self.table.bind(links_unit)
        globjects.set_uniforms(p, u_links=links_unit, u_params=params_unit, u_acts=acts_unit, u_nodes=nodes_unit,
                               u_deltas=deltas_unit,
                               u_pulse_links=style.pulse_links, u_pulse_pos=style.pulse_position,
                               u_pulse_backward=int(style.pulse_backward), u_pulse_scale=style.pulse_scale,
                               u_pulse_color=style.pulse_color, u_change=style.change,
                               u_change_scale=style.change_scale, u_lr=style.learning_rate, u_viewport=viewport,
                               u_weight_scale=style.weight_scale, u_max_width=style.max_line_width,
                               u_signal_glow=style.signal_glow, u_pos_color=style.positive_color,
                               u_neg_color=style.negative_color, u_hover=style.hover_link,
                               u_focus=style.focus_neuron, u_hover_neuron=style.hover_neuron)
        globjects.enable_alpha_blending()
        globjects.draw_quads(self.vao, self.count)
        gl.glBindVertexArray(0)
        p.stop()

    def release(self) -> None:
        self.table.release()
        self.drawn.release()
        self.vao.release()
        self.program.delete()
