"""The network scene: connections and neurons drawn into a float buffer, then glow, then the screen.

The scene owns every GL object it draws with and frees them in release(). Per frame it
receives two arrays (the flat parameters and the activations) and writes each to the
GPU once; geometry is uploaded only when the layout changes.
"""
from __future__ import annotations

import dataclasses

import numpy as np
from pyglet import gl

from glnn.view import globjects
from glnn.view.bloom import BloomPass
from glnn.view.connections import ConnectionRenderer
from glnn.view.layout import Layout
from glnn.view.neurons import NeuronRenderer
from glnn.view.palette import BACKGROUND, PALETTES


_PARAMS_UNIT, _ACTS_UNIT, _NODES_UNIT, _DELTAS_UNIT = 5, 6, 7, 8  # texture units of the buffers


@dataclasses.dataclass
class Style:
    palette: str = "red-blue"
    glow: bool = True
    glow_strength: float = 1.0
    glow_threshold: float = 0.9
    weight_scale: float = 3.0  # |w| at full width; fixed so that stable weights look stable
    max_line_width: float = 4.0
    signal_glow: float = 1.6
    neuron_halo: float = 0.9
    neuron_low: tuple = (0.07, 0.09, 0.15)
    neuron_high: tuple = (1.25, 1.2, 1.05)
    hover_link: int = -1
    hover_neuron: int = -1
    marked_neuron: int = -1
    focus_neuron: int = -1
    # the step-through animation (see glnn.view.step_style); these defaults draw no pulse and no flash
    pulse_links: tuple = (0, 0)  # connections [first, end) carrying pulses
    pulse_position: float = 0.0
    pulse_backward: bool = False
    pulse_scale: float = 1.0
    pulse_color: tuple = (0.0, 0.0, 0.0)
    change: float = 0.0
    change_scale: float = 0.0
    learning_rate: float = 0.0

    @property
    def positive_color(self):
        return PALETTES[self.palette][0]

    @property
    def negative_color(self):
        return PALETTES[self.palette][1]


class NetworkScene:
    def __init__(self, width: int, height: int):
        self.params = globjects.TextureBuffer(gl.GL_R32F)
        self.acts = globjects.TextureBuffer(gl.GL_R32F)
        self.nodes = globjects.TextureBuffer(gl.GL_RGBA32F)
        self.deltas = globjects.TextureBuffer(gl.GL_R32F)  # the error signals while a step animation plays
        self._deltas_zero = False
        self.connections = ConnectionRenderer()
        self.neurons = NeuronRenderer()
        self.target = globjects.RenderTarget(width, height)
        self.bloom = BloomPass(width, height)
        self.layout: Layout | None = None

    def set_layout(self, layout: Layout) -> None:
        """New topology or window size: upload positions and connection lists."""
        if self.layout is None or self.layout.sizes != layout.sizes or not np.array_equal(
                self.layout.links, layout.links):
            self.connections.set_links(layout.links)
        self.nodes.upload(layout.nodes)
        self._deltas_zero = False
        self.neurons.count = layout.n_neurons
        self.layout = layout

    def update(self, params: np.ndarray, activations: np.ndarray, deltas: np.ndarray | None = None) -> None:
        """The per-frame writes: every weight, every activation (and, while a step animation
        plays, every neuron's delta; otherwise zeros, written once)."""
        self.params.upload(params)
        self.acts.upload(activations)
        if deltas is not None:
            self.deltas.upload(np.asarray(deltas, np.float32))
            self._deltas_zero = False
        elif not self._deltas_zero:
            self.deltas.upload(np.zeros(len(activations), np.float32))
            self._deltas_zero = True

    def draw(self, window_size: tuple[int, int], framebuffer_size: tuple[int, int], style: Style) -> None:
        fb_w, fb_h = framebuffer_size
        self.target.resize(fb_w, fb_h)
        self.bloom.resize(fb_w, fb_h)
        self.target.bind_for_drawing()
        gl.glDisable(gl.GL_SCISSOR_TEST)
        gl.glDisable(gl.GL_DEPTH_TEST)
        gl.glClearColor(*BACKGROUND)
        gl.glClear(gl.GL_COLOR_BUFFER_BIT)
        self.params.bind(_PARAMS_UNIT)
        self.acts.bind(_ACTS_UNIT)
        self.nodes.bind(_NODES_UNIT)
        self.deltas.bind(_DELTAS_UNIT)
        viewport = (float(window_size[0]), float(window_size[1]))
        self.connections.draw(viewport, style, _PARAMS_UNIT, _ACTS_UNIT, _NODES_UNIT, _DELTAS_UNIT)
        self.neurons.draw(viewport, style, _ACTS_UNIT, _NODES_UNIT)
        strength = style.glow_strength if style.glow else 0.0
        if strength > 0:
            self.bloom.apply(self.target, framebuffer_size, strength, style.glow_threshold)
        else:
            self.bloom.combine_only(self.target, framebuffer_size)
        gl.glActiveTexture(gl.GL_TEXTURE0)

    def release(self) -> None:
        for owner in (self.params, self.acts, self.nodes, self.deltas, self.connections, self.neurons, self.target,
                      self.bloom):
            owner.release()
        self.layout = None
