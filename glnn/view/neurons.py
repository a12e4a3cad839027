"""The neurons pass: every neuron as an instanced, antialiased disc with a halo, in one draw call."""
from __future__ import annotations

from pyglet import gl

from glnn.view import globjects


class NeuronRenderer:
    def __init__(self):
        self.program = globjects.load_program("neurons.vert", "neurons.frag")
        self.vao = globjects.VertexArray()  # core profile needs one bound; all data comes from buffers
        self.count = 0

    def draw(self, viewport, style, acts_unit: int, nodes_unit: int) -> None:
        p = self.program
        p.use()
        globjects.set_uniforms(p, u_nodes=nodes_unit, u_acts=acts_unit, u_viewport=viewport, u_halo=style.neuron_halo,
                                  u_hover=style.hover_neuron, u_marked=style.marked_neuron, u_low=style.neuron_low,
                                  u_high=style.neuron_high)
        globjects.enable_alpha_blending()
        globjects.draw_quads(self.vao, self.count)
        gl.glBindVertexArray(0)
        p.stop()

    def release(self) -> None:
        self.vao.release()
        self.program.delete()
