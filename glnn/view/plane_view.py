"""The input plane, drawn for datasets of two inputs: the output's decision map with the data
on it, and a small picture of every input and hidden neuron's activation over the same plane.

Why the CPU and not a fragment shader: the values come from glnn.core.plane's Numba kernel,
the same forward pass that training uses (so there is one implementation of the network
to test, not a second one in GLSL), evaluated at most 15 times a second; a shader would
re-run the whole network for every pixel of every tile every frame, on machines that
often render in software. The textures hold raw activations (float), and the shader
colours them with the palette, so a palette change costs nothing.

GL objects: two 2-D texture arrays used in turn (a layer per neuron shown, one
glTexSubImage3D per refresh), two instance buffers (the pictures' rectangles, the data points) and two
programs. PlaneRenderer owns them and frees them in release().
"""
from __future__ import annotations


import numpy as np
from pyglet import gl

from glnn.core.plane import PlaneField, applies
from glnn.view import globjects
from glnn.view import plane_layout

_VALUES_UNIT = 8  # texture unit of the value array (the scene uses 5-7, the glow 0-3)
NEUTRAL = (0.13, 0.145, 0.19)  # undecided: a little lighter than the scene's background
FRAME = (0.36, 0.42, 0.55)
LINE = (0.93, 0.95, 1.0)
OUTLINE = (0.97, 0.97, 1.0)
SHADOW = (0.01, 0.015, 0.03)
REGION_STRENGTH = 0.62  # the regions are muted so that the data points on them stand out
RELU_FULL = 2.0  # a ReLU activation drawn at full colour (fixed: stable weights look stable)


def value_range(layer: int, n_layers: int, activation: str, extent: float) -> tuple[float, float]:
    """(value drawn fully negative, value drawn fully positive) for a neuron of `layer`; the middle is neutral."""
    if layer == 0:
        return -extent, extent  # the inputs are the coordinates themselves
    if layer == n_layers - 1 or activation == "sigmoid":
        return 0.0, 1.0
    if activation == "tanh":
        return -1.0, 1.0
    return -RELU_FULL, RELU_FULL  # ReLU: off (0) is neutral


class PlaneRenderer:
    def __init__(self):
        self.tile_program = globjects.load_program("plane_tiles.vert", "plane_tiles.frag")
        self.point_program = globjects.load_program("plane_points.vert", "plane_points.frag")
        # two value textures, written in turn: the one being written is never the one the frames
        # still in flight read, so an upload does not wait for the GPU (or software rasteriser)
        self.textures = (gl.GLuint * 2)()
        gl.glGenTextures(2, self.textures)
        self.texture_shapes = [(0, 0), (0, 0)]  # (resolution, layers) of each
        self.current = 0  # the texture drawn from
        self.tiles = globjects.Buffer(gl.GL_ARRAY_BUFFER, gl.GL_STATIC_DRAW)
        self.points = globjects.Buffer(gl.GL_ARRAY_BUFFER, gl.GL_STATIC_DRAW)
        self.tile_vao = globjects.VertexArray()
        self.point_vao = globjects.VertexArray()
        self.tile_count = 0
        self.point_count = 0
        self.uploads = 0
        self._uniform_key = None

    @property
    def texture_shape(self) -> tuple[int, int]:
        return self.texture_shapes[self.current]

    def _point_attributes(self, vao, buffer, columns: int) -> None:
        """Per-instance float attributes, four to a location, straight from `buffer` (re-pointed after growth)."""
        vao.bind()
        gl.glBindBuffer(gl.GL_ARRAY_BUFFER, buffer.id)
        stride = columns * 4
        for location in range(columns // 4):
            gl.glEnableVertexAttribArray(location)
            gl.glVertexAttribPointer(location, 4, gl.GL_FLOAT, gl.GL_FALSE, stride, location * 16)
            gl.glVertexAttribDivisor(location, 1)
        gl.glBindVertexArray(0)

    def set_tiles(self, instances: np.ndarray) -> None:
        """(K, 8) float32: x, y, w, h, texture layer, negative end, positive end, 1 = the map."""
        self.tiles.upload(np.ascontiguousarray(instances, np.float32))
        self.tile_count = len(instances)
        self._point_attributes(self.tile_vao, self.tiles, 8)

    def set_points(self, points: np.ndarray) -> None:
        """(N, 4) float32: x1, x2, class, kind (0 training, 1 test, 2 training added by hand: a square)."""
        self.points.upload(np.ascontiguousarray(points, np.float32))
        self.point_count = len(points)
        self._point_attributes(self.point_vao, self.points, 4)

    def upload(self, values: np.ndarray) -> None:
        """(layers, res, res) float32 activations, row 0 at the top: one texture write for all of them."""
        layers, res, _ = values.shape
        values = np.ascontiguousarray(values, np.float32)
        target = 1 - self.current
        gl.glActiveTexture(gl.GL_TEXTURE0 + _VALUES_UNIT)
        gl.glBindTexture(gl.GL_TEXTURE_2D_ARRAY, self.textures[target])
        gl.glPixelStorei(gl.GL_UNPACK_ALIGNMENT, 4)
        if (res, layers) != self.texture_shapes[target]:
            gl.glTexImage3D(gl.GL_TEXTURE_2D_ARRAY, 0, gl.GL_R32F, res, res, layers, 0, gl.GL_RED, gl.GL_FLOAT,
                            values.ctypes.data)
            for param, value in ((gl.GL_TEXTURE_MIN_FILTER, gl.GL_LINEAR), (gl.GL_TEXTURE_MAG_FILTER, gl.GL_LINEAR),
                                 (gl.GL_TEXTURE_WRAP_S, gl.GL_CLAMP_TO_EDGE),
                                 (gl.GL_TEXTURE_WRAP_T, gl.GL_CLAMP_TO_EDGE)):
                gl.glTexParameteri(gl.GL_TEXTURE_2D_ARRAY, param, value)
            self.texture_shapes[target] = (res, layers)
        else:
            gl.glTexSubImage3D(gl.GL_TEXTURE_2D_ARRAY, 0, 0, 0, 0, res, res, layers, gl.GL_RED, gl.GL_FLOAT,
                               values.ctypes.data)
        gl.glActiveTexture(gl.GL_TEXTURE0)
        self.current = target
        self.uploads += 1

    def _set_uniforms(self, viewport, map_rect, extent: float, positive, negative, point_radius: float) -> None:
        """Programs keep their uniforms: set them only when something they depend on changed
        (pyglet's uniform setter costs tens of microseconds a call, the whole budget of this view)."""
        key = (viewport, map_rect, extent, positive, negative, point_radius)
        if key == self._uniform_key:
            return
        self._uniform_key = key
        p = self.tile_program
        p.use()
        globjects.set_uniforms(p, u_values=_VALUES_UNIT, u_viewport=viewport, u_pos_color=positive,
                               u_neg_color=negative, u_neutral=NEUTRAL, u_frame=FRAME, u_line=LINE,
                               u_strength=REGION_STRENGTH)
        p = self.point_program
        p.use()
        map_uniform = (map_rect.x, map_rect.y, map_rect.side) if map_rect is not None else (0.0, 0.0, 0.0)
        globjects.set_uniforms(p, u_viewport=viewport, u_map=map_uniform,
                               u_extent=extent, u_radius=point_radius, u_pos_color=positive, u_neg_color=negative,
                               u_outline=OUTLINE, u_shadow=SHADOW)

    def draw(self, viewport, framebuffer_size, map_rect, extent: float, positive, negative,
             point_radius: float) -> None:
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
        gl.glViewport(0, 0, *framebuffer_size)
        gl.glDisable(gl.GL_SCISSOR_TEST)
        gl.glDisable(gl.GL_DEPTH_TEST)
        globjects.enable_alpha_blending()
        positive = tuple(min(c, 1.0) for c in positive)
        negative = tuple(min(c, 1.0) for c in negative)
        self._set_uniforms(viewport, map_rect, extent, positive, negative, point_radius)
        if self.tile_count and self.texture_shape[1]:
            gl.glActiveTexture(gl.GL_TEXTURE0 + _VALUES_UNIT)
            gl.glBindTexture(gl.GL_TEXTURE_2D_ARRAY, self.textures[self.current])
            gl.glUseProgram(self.tile_program.id)
            globjects.draw_quads(self.tile_vao, self.tile_count)
        if self.point_count and map_rect is not None:
            gl.glUseProgram(self.point_program.id)
            globjects.draw_quads(self.point_vao, self.point_count)
        gl.glBindVertexArray(0)
        gl.glUseProgram(0)
        gl.glActiveTexture(gl.GL_TEXTURE0)

    def release(self) -> None:
        for owner in (self.tiles, self.points, self.tile_vao, self.point_vao):
            owner.release()
        if self.textures[0]:
            gl.glDeleteTextures(2, self.textures)
            self.textures = (gl.GLuint * 2)()
        self.tile_program.delete()
        self.point_program.delete()


class PlaneView:
    """What app.py talks to: makes room for the map, keeps the field, tiles and points current, draws.

    Inactive (and free) for datasets that are not 2-D.
    """

    def __init__(self):
        self.renderer = PlaneRenderer()
        self.active = False
        self.map: plane_layout.MapRect | None = None
        self.field: PlaneField | None = None
        self.tile_rects = np.zeros((0, 4), np.float32)
        self.tile_neurons = np.zeros(0, np.int32)
        # the layers whose neurons' value labels give way to the pictures: all but the output
        self.layers_without_values: frozenset = frozenset()
        self.dataset = None
        self._field_key = None
        self._tiles_key = None
        self._shown = np.zeros(0, np.int64)  # the neurons in the texture, in layer order
        self._all_shown = False

    def place(self, dataset, map_rect: plane_layout.MapRect | None) -> None:
        """Where the map goes (glnn.view.screen lays it out beside the network), for a dataset that
        has one (2-D): otherwise the view is inactive."""
        self.active = applies(dataset) and map_rect is not None
        self.map = map_rect if self.active else None
        if not self.active:
            self.layers_without_values = frozenset()

    def update(self, frame, trainer, layout, left_edge: float, scale: float = 1.0) -> None:
        """Per frame: rebuild what the network or layout changed, refresh the values when due."""
        if not self.active:
            return
        net, dataset = trainer.net, trainer.dataset
        self.layers_without_values = frozenset(range(len(net.arch.sizes) - 1))
        field_key = (id(dataset), net.arch)  # new data (noise, split, features) or a new network
        if field_key != self._field_key or dataset is not self.dataset or len(frame.params) != net.n_params:
            self.field = PlaneField.for_network(net, dataset)
            self._field_key = field_key
            self._tiles_key = None
        if dataset is not self.dataset:  # a new dataset, or points added by hand (the map keeps its extent)
            self.dataset = dataset
            self.renderer.set_points(_points(dataset))
        tiles_key = (id(layout), self.map, self.field.resolution)
        fresh_tiles = tiles_key != self._tiles_key
        if fresh_tiles:
            self.tile_rects, self.tile_neurons = plane_layout.neuron_tiles(layout, left_edge, scale)
            # the texture holds only the neurons shown: a big layer without tiles takes no room in it
            self._shown = np.unique(np.append(self.tile_neurons, self.map_neuron)).astype(np.int64)
            self._all_shown = len(self._shown) == self.field.n_neurons
            self.renderer.set_tiles(self._instances(layout))
            self._tiles_key = tiles_key
        evaluated = len(frame.params) == net.n_params and self.field.refresh(frame.params)
        if evaluated or (fresh_tiles and self.field.evaluations):
            values = self.field.values
            self.renderer.upload(values if self._all_shown else values[self._shown])

    def _instances(self, layout) -> np.ndarray:
        sizes, f = layout.sizes, self.field
        layer_of = np.searchsorted(layout.layer_start, self.tile_neurons, side="right") - 1
        out = np.zeros((len(self.tile_neurons) + 1, 8), np.float32)
        out[:-1, :4] = self.tile_rects
        out[:-1, 4] = np.searchsorted(self._shown, self.tile_neurons)  # texture layer of each
        for l in range(1, len(sizes) - 1):
            lo, hi = value_range(l, len(sizes), f.arch.activation, f.extent)
            out[:-1][layer_of == l, 5:7] = (lo, hi)
        inputs = layer_of == 0  # each input on its own scale: x1 spans +-extent, x1 squared 0..extent**2
        out[:-1][inputs, 6] = f.input_bounds()[self.tile_neurons[inputs]]
        out[:-1][inputs, 5] = -out[:-1][inputs, 6]
        m = self.map
        out[-1] = (m.x, m.y, m.side, m.side, np.searchsorted(self._shown, self.map_neuron), 0.0, 1.0, 1.0)
        return out

    def point_at(self, x: float, y: float) -> np.ndarray | None:
        """The input (x1, x2) under window pixel (x, y), if it is on the map."""
        if not self.active or self.map is None or self.field is None or not self.map.contains(x, y):
            return None
        return np.array(self.map.to_plane(x, y, self.field.extent), np.float32)

    def reading_at(self, x: float, y: float, params: np.ndarray) -> tuple[float, float, float] | None:
        """(x1, x2, output) at window pixel (x, y) if it is on the map, for the network `params`.

        The output is the exact forward pass of that point, the one a click there feeds through; the
        picture's grid is coarser (a cell is several pixels) and refreshed only a few times a second."""
        point = self.point_at(x, y)
        if point is None or len(params) != self.field.n_params:  # a network rebuilt since the last update
            return None
        x1, x2 = (float(v) for v in point)  # float32, as the click feeds it
        return x1, x2, float(self.field.exact(params, x1, x2)[self.map_neuron])

    @property
    def map_neuron(self) -> int:
        """The neuron painted on the map: the (last) output."""
        return self.field.n_neurons - 1

    def draw(self, window_size, framebuffer_size, palette: str) -> None:
        if not self.active or self.field is None:
            return
        from glnn.view.palette import PALETTES
        positive, negative = PALETTES[palette]
        radius = float(np.clip(self.map.side / 85.0, 3.0, 6.0))
        self.renderer.draw((float(window_size[0]), float(window_size[1])), framebuffer_size, self.map,
                           self.field.extent, positive, negative, radius)

    def release(self) -> None:
        self.renderer.release()
        self.active = False


def _points(dataset) -> np.ndarray:
    """(N, 4): x1, x2, class, kind (0 training, 1 test, 2 a training point added by hand)."""
    kind = np.zeros(len(dataset.y_train))
    kind[len(kind) - dataset.added:] = 2
    train = np.column_stack([dataset.plane_train, dataset.y_train, kind])
    test = np.column_stack([dataset.plane_test, dataset.y_test, np.ones(len(dataset.y_test))])
    return np.ascontiguousarray(np.concatenate([train, test]), np.float32)
