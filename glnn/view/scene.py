"""The network scene: connections and neurons drawn into a float buffer, then glow, then the screen.

The scene owns every GL object it draws with and frees them in release(). Per frame it
receives two arrays (the flat parameters and the activations) and writes each to the
GPU once; geometry is uploaded only when the layout changes, and the list of connections
drawn (a big network's level of detail, glnn.view.lod) only when that list changes.
"""
from __future__ import annotations

import dataclasses
import time

import numpy as np
from pyglet import gl

from glnn.view import globjects, lod
from glnn.view.bands import BandRenderer, band_geometry
from glnn.view.bloom import BloomPass
from glnn.view.connections import ConnectionRenderer
from glnn.view.governor import FULL, Quality
from glnn.view.layout import Layout
from glnn.view.neurons import NeuronRenderer
from glnn.view.palette import BACKGROUND, PALETTES


_PARAMS_UNIT, _ACTS_UNIT, _NODES_UNIT, _DELTAS_UNIT, _LINKS_UNIT = 5, 6, 7, 8, 9  # texture units of the buffers


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
        self.bands = BandRenderer()
        self.neurons = NeuronRenderer()
        self.target = globjects.RenderTarget(width, height)
        self.bloom = BloomPass(width, height)
        # the finished picture at the scene's resolution, kept while the governor shows it again on frames that
        # do not redraw: a copy costs a fraction of the glow's combining pass, which reads four textures a pixel,
        # and combining at the scene's own resolution costs that fraction of the window's
        self.kept = globjects.RenderTarget(1, 1, gl.GL_RGBA8)
        self._kept_for: tuple[int, int] | None = None  # the framebuffer size the kept picture was made for
        self.layout: Layout | None = None
        self.detail = lod.Detail()  # which connections are drawn (pure: picking reads it too)
        self.quality: Quality = FULL  # set by the app's frame-time governor
        self.clock = time.monotonic  # paces the level of detail's refreshes
        self._drawn: np.ndarray | None = None  # the drawn list last uploaded
        self._bands_for = -1  # detail.refreshes when the bands were last uploaded
        self._weight_scale = Style.weight_scale

    def set_layout(self, layout: Layout) -> None:
        """New topology or window size: upload positions and connection lists."""
        if self.layout is None or self.layout.sizes != layout.sizes or not np.array_equal(
                self.layout.links, layout.links):
            self.connections.set_links(layout.links)
            self._drawn = None
        self.nodes.upload(layout.nodes)
        self._deltas_zero = False
        self.neurons.count = layout.n_neurons
        self.layout = layout
        self._bands_for = -1

    def update(self, params: np.ndarray, activations: np.ndarray, deltas: np.ndarray | None = None) -> None:
        """The per-frame writes: every weight, every activation (and, while a step animation
        plays, every neuron's delta; otherwise zeros, written once). A big network's choice of
        connections to draw follows the weights a few times a second."""
        self.update_detail(params)
        self.params.upload(params)
        self.acts.upload(activations)
        if deltas is not None:
            self.deltas.upload(np.asarray(deltas, np.float32))
            self._deltas_zero = False
        elif not self._deltas_zero:
            self.deltas.upload(np.zeros(len(activations), np.float32))
            self._deltas_zero = True

    def update_detail(self, params: np.ndarray) -> None:
        """Refresh the level of detail if it is due (a no-op otherwise; safe to call twice a frame)."""
        self.detail.level = self.quality.lod_level
        self.detail.update(self.layout, params, self.clock())

    def drawn(self, style: Style) -> np.ndarray:
        """The connections drawn with this style: the level of detail plus the hovered and the selected
        neuron's own (what picking may find)."""
        return self.detail.drawn(style.hover_neuron, style.focus_neuron)

    def _upload_detail(self, style: Style) -> None:
        drawn = self.drawn(style)
        if drawn is not self._drawn:
            self.connections.set_drawn(drawn)
            self._drawn = drawn
        if self._bands_for != self.detail.refreshes or self._weight_scale != style.weight_scale:
            self.bands.set_bands(band_geometry(self.layout, self.detail.bands, style.weight_scale))
            self._bands_for, self._weight_scale = self.detail.refreshes, style.weight_scale

    def draw(self, window_size: tuple[int, int], framebuffer_size: tuple[int, int], style: Style) -> None:
        fb_w, fb_h = framebuffer_size
        q = self.quality
        self.target.resize(max(1, round(fb_w * q.resolution)), max(1, round(fb_h * q.resolution)))
        self.bloom.resize(self.target.width, self.target.height, q.bloom_divisor)
        self._upload_detail(style)
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
        self.bands.draw(viewport, style)
        self.connections.draw(viewport, style, _PARAMS_UNIT, _ACTS_UNIT, _NODES_UNIT, _DELTAS_UNIT, _LINKS_UNIT)
        self.neurons.draw(viewport, style, _ACTS_UNIT, _NODES_UNIT)
        strength = style.glow_strength if style.glow else 0.0
        into = self.kept if q.scene_every > 1 else None  # frames in between will show this picture again
        if into is not None:
            into.resize(self.target.width, self.target.height)
        if strength > 0:
            self.bloom.apply(self.target, framebuffer_size, strength, style.glow_threshold, into)
        else:
            self.bloom.combine_only(self.target, framebuffer_size, into)
        self._kept_for = None if into is None else tuple(framebuffer_size)
        if into is not None:
            into.copy_to_screen(fb_w, fb_h)
        gl.glActiveTexture(gl.GL_TEXTURE0)

    def show_again(self, framebuffer_size: tuple[int, int], style: Style) -> None:
        """The picture the last `draw` made, on screen again (the frame-time governor's quick frames, which
        do not redraw the network): a copy of the kept picture, or if there is none of this size, the
        glow's combining pass over the last scene; either way the same whatever the network's size."""
        if self._kept_for == tuple(framebuffer_size):
            self.kept.copy_to_screen(*framebuffer_size)
        else:
            self.bloom.show_again(self.target, framebuffer_size, style.glow_strength if style.glow else 0.0)

    def release(self) -> None:
        for owner in (self.params, self.acts, self.nodes, self.deltas, self.connections, self.bands, self.neurons,
                      self.target, self.kept, self.bloom):
            owner.release()
        self.layout = None
