"""The GL side of the view, rendered headless (EGL, Mesa llvmpipe) and probed pixel by pixel.

Pixel coordinates here are layout coordinates (origin top left): read_pixels flips GL's rows.
"""
from __future__ import annotations

import ctypes
import re
from pathlib import Path

import numpy as np
import pytest

from conftest import GL_WINDOW_SIZE
from glnn.core.model import Architecture, Network
from glnn.view import layout as layout_mod
from glnn.view.layout import Area

pytestmark = pytest.mark.gl

W, H = GL_WINDOW_SIZE  # 400 x 300
VIEW = Path(__file__).resolve().parent.parent / "glnn" / "view"


def program_pairs() -> list[tuple[str, str]]:
    """Every (vertex, fragment) pair the renderer loads, read from glnn/view's source."""
    pairs = set()
    for path in sorted(VIEW.glob("*.py")):
        pairs.update(re.findall(r'load_program\(\s*"([\w.]+)"\s*,\s*"([\w.]+)"\s*\)', path.read_text()))
    return sorted(pairs)


# -- helpers ---------------------------------------------------------------------------------
def tiny_network(w0, w1) -> Network:
    """A 2-2-2 network with the given (n_in, n_out) weight matrices and zero biases."""
    arch = Architecture((2, 2, 2))
    net = Network(arch, np.zeros(arch.offsets()[2], np.float32))
    net.weights(0)[...] = w0
    net.weights(1)[...] = w1
    return net


# top horizontal links red, bottom ones blue (red-blue palette); the diagonals differ between
# the layers, so that a transposed weight block would swap their colours
W0 = [[+3.0, -2.0],   # 0->2 +, 0->3 -
      [+2.0, -3.0]]   # 1->2 +, 1->3 -
W1 = [[+3.0, -2.0],   # 2->4 +, 2->5 -
      [+2.0, -3.0]]   # 3->4 +, 3->5 -


def tiny_layout(net: Network, size=(W, H)):
    w, h = size
    return layout_mod.compute(net.arch.sizes, net.w_off, Area(20, 20, w - 40, h - 40))


def gl_err() -> int:
    from pyglet import gl
    return int(gl.glGetError())


def render(scene, layout, params, acts, size=(W, H), framebuffer=None, **style):
    """Draw one frame of the scene into the default framebuffer and read it back (H, W, 4)."""
    from conftest import read_pixels
    from glnn.view import globjects
    from glnn.view.scene import Style
    framebuffer = framebuffer or size
    scene.set_layout(layout)
    scene.update(np.asarray(params, np.float32), np.asarray(acts, np.float32))
    globjects.FrameStats.draw_calls = 0
    scene.draw(size, framebuffer, Style(**style))
    return read_pixels(*framebuffer)


def rgb(img, x, y):
    return img[int(round(y)), int(round(x)), :3].astype(int)


def brightness(img, x, y):
    return int(rgb(img, x, y).sum())


def along(layout, k, t):
    a = layout.nodes[layout.links[k, 0], :2].astype(float)
    b = layout.nodes[layout.links[k, 1], :2].astype(float)
    return a + t * (b - a)


def link_index(layout, l, i, j):
    for k in range(layout.n_links):
        if layout.link_of(k) == (l, i, j):
            return k
    raise AssertionError(f"no link {(l, i, j)}")


def background_rgb():
    from glnn.view.palette import BACKGROUND
    return np.round(np.array(BACKGROUND[:3]) * 255).astype(int)


@pytest.fixture()
def ctx(gl_context):
    return gl_context


# -- shaders -----------------------------------------------------------------------------------
def test_renderer_pairs_cover_every_shader_file(ctx):
    from glnn.view import globjects
    pairs = program_pairs()
    names = globjects.shader_names()
    assert {"connections.vert", "neurons.vert", "fullscreen.vert"} <= set(names)
    assert len(pairs) >= 5, pairs
    used = {name for pair in pairs for name in pair}
    assert used == set(names), f"unused shader files {set(names) - used}, missing files {used - set(names)}"
    for vert, frag in pairs:
        assert vert.endswith(".vert") and frag.endswith(".frag")


def test_every_shader_file_compiles(ctx):
    from pyglet.graphics.shader import Shader

    from glnn.view import globjects
    names = globjects.shader_names()
    assert names
    for name in names:
        kind = {"vert": "vertex", "frag": "fragment"}[name.rsplit(".", 1)[1]]
        shader = Shader((globjects.shader_dir() / name).read_text(), kind)  # raises ShaderException on errors
        assert shader.id
        shader.delete()
    assert gl_err() == 0


@pytest.mark.parametrize("vert,frag", program_pairs())
def test_program_links(ctx, vert, frag):
    from pyglet import gl

    from glnn.view import globjects
    program = globjects.load_program(vert, frag)
    try:
        status = gl.GLint()
        gl.glGetProgramiv(program.id, gl.GL_LINK_STATUS, ctypes.byref(status))
        assert status.value == gl.GL_TRUE
        gl.glValidateProgram(program.id)
        assert gl_err() == 0
    finally:
        program.delete()


# a program with one uniform of each buffer sampler kind that globjects patches in
BUFFER_SAMPLER_VERTEX = """#version 330 core
uniform samplerBuffer u_floats;
uniform isamplerBuffer u_ints;
void main() {
    gl_Position = vec4(texelFetch(u_floats, gl_VertexID).x, float(texelFetch(u_ints, gl_VertexID).x), 0.0, 1.0);
}
"""
PLAIN_FRAGMENT = """#version 330 core
out vec4 color;
void main() { color = vec4(1.0); }
"""


def test_pyglet_buffer_sampler_patch(ctx):
    """globjects.patch_pyglet_buffer_samplers writes into pyglet's private uniform table: if a pyglet
    release renames or reshapes it, this says so by name, rather than the renderer with a KeyError."""
    from pyglet import gl
    from pyglet.graphics import shader as pyglet_shader
    from pyglet.graphics.shader import Shader, ShaderProgram

    from glnn.view import globjects
    setters = pyglet_shader._uniform_setters
    assert isinstance(setters, dict)
    assert gl.GL_SAMPLER_2D in setters  # the entry the patch copies
    globjects.patch_pyglet_buffer_samplers()
    assert set(globjects.BUFFER_SAMPLERS) <= set(setters)
    programs = [globjects.load_program("connections.vert", "connections.frag"),  # samplerBuffer x 4
                ShaderProgram(Shader(BUFFER_SAMPLER_VERTEX, "vertex"), Shader(PLAIN_FRAGMENT, "fragment"))]
    try:
        for program, names in zip(programs, (("u_params", "u_acts", "u_nodes", "u_deltas"), ("u_floats", "u_ints"))):
            program.use()
            for unit, name in enumerate(names, start=1):
                program[name] = unit  # a texture unit, as the renderer sets them
                assert program[name] == unit
            program.stop()
        assert gl_err() == 0
    finally:
        for program in programs:
            program.delete()


# -- a whole frame -------------------------------------------------------------------------------
@pytest.mark.parametrize("glow", [True, False])
@pytest.mark.parametrize("palette", ["red-blue", "green-red"])
def test_no_gl_error_around_a_full_draw(ctx, scene, glow, palette):
    from glnn.view import globjects
    net = tiny_network(W0, W1)
    lay = tiny_layout(net)
    scene.set_layout(lay)
    scene.update(net.params, np.linspace(0, 1, 6, dtype=np.float32))
    assert gl_err() == 0, "GL error before the draw (set_layout/update)"
    img = render(scene, lay, net.params, np.linspace(0, 1, 6), glow=glow, palette=palette,
                 hover_link=3, hover_neuron=1, marked_neuron=5, focus_neuron=2)
    assert gl_err() == 0, "GL error after the draw"
    globjects.check_error("test")
    assert img[..., :3].max() > 100  # something was drawn


# -- pixel probes --------------------------------------------------------------------------------
PALETTE_CHANNELS = {"red-blue": (0, 2), "green-red": (1, 0)}  # dominant channel of (positive, negative)


@pytest.mark.parametrize("glow", [False, True])
@pytest.mark.parametrize("palette", ["red-blue", "green-red"])
def test_weight_sign_colours(ctx, scene, palette, glow):
    net = tiny_network(W0, W1)
    lay = tiny_layout(net)
    img = render(scene, lay, net.params, np.full(6, 0.3), palette=palette, glow=glow)
    pos_ch, neg_ch = PALETTE_CHANNELS[palette]
    checked = 0
    for l, w in enumerate((W0, W1)):
        for i in range(2):
            for j in range(2):
                k = link_index(lay, l, i, j)
                # a quarter of the way along: the crossing diagonals are 22 px apart there
                x, y = along(lay, k, 0.25)
                c = rgb(img, x, y)
                ch = pos_ch if w[i][j] > 0 else neg_ch
                others = [c[m] for m in range(3) if m != ch]
                assert c[ch] > 140 and c[ch] > max(others) + 60, (palette, (l, i, j), w[i][j], (x, y), c)
                checked += 1
    assert checked == 8
    # between the lines, the background shows
    x, y = along(lay, link_index(lay, 0, 0, 0), 0.5)
    gap = rgb(img, x, y - 14)
    assert gap.sum() < 60, gap


@pytest.mark.parametrize("palette", ["red-blue", "green-red"])
def test_strong_weights_keep_their_hue_at_full_glow(ctx, scene, palette):
    """Strong weights carrying strong signals at the strongest glow: still red or blue, not white or cyan."""
    big = [[w * 4 for w in row] for row in W0]
    net = tiny_network(big, [[w * 4 for w in row] for row in W1])
    lay = tiny_layout(net)
    img = render(scene, lay, net.params, np.ones(6), palette=palette, glow=True, glow_strength=3.0)
    pos_ch, neg_ch = PALETTE_CHANNELS[palette]
    for i in range(2):
        for j in range(2):
            x, y = along(lay, link_index(lay, 0, i, j), 0.25)
            c = rgb(img, x, y)
            ch = pos_ch if big[i][j] > 0 else neg_ch
            others = sorted(c[m] for m in range(3) if m != ch)
            assert c[ch] > 180 and others[-1] < 0.8 * c[ch], (palette, (i, j), c)


def test_active_neuron_is_brighter(ctx, scene):
    net = tiny_network(np.zeros((2, 2)), np.zeros((2, 2)))
    lay = tiny_layout(net)
    acts = np.array([0.0, 0.0, 1.0, 0.0, 0.5, 0.0])
    for glow in (False, True):
        img = render(scene, lay, net.params, acts, glow=glow)
        on, half, off = (brightness(img, *lay.nodes[n, :2]) for n in (2, 4, 3))
        assert on > half + 60 and half > off + 60, (glow, on, half, off)
        assert on > 600, on  # activation 1 is near white


def test_glow_adds_light_around_a_bright_neuron(ctx, scene):
    net = tiny_network(np.zeros((2, 2)), np.zeros((2, 2)))
    lay = tiny_layout(net)
    acts = np.array([0.0, 0.0, 1.0, 0.0, 0.0, 0.0])
    with_glow = render(scene, lay, net.params, acts, glow=True)
    without = render(scene, lay, net.params, acts, glow=False)
    x, y, r = (float(v) for v in lay.nodes[2, :3])
    for dx, dy in ((0, -1), (0, 1), (1, 0), (-1, 0)):
        for gap in (4.0, 8.0):
            px, py = x + dx * (r + gap), y + dy * (r + gap)
            on, off = brightness(with_glow, px, py), brightness(without, px, py)
            assert on > off + 20, ((dx, dy, gap), on, off)
    # the dark neuron gets no glow of its own: inside it, glow changes little
    x3, y3 = lay.nodes[3, :2]
    assert abs(brightness(with_glow, x3, y3) - brightness(without, x3, y3)) < 30
    # glow off: the far background is exactly the background colour
    bg = background_rgb()
    far = without[:40, :, :3].reshape(-1, 3).astype(int)  # the top band: 64 px above any disc or halo
    assert np.abs(far - bg).max() <= 1, (np.unique(far, axis=0)[:5], bg)
    for px, py in ((3, 3), (W - 4, H - 4), (W // 2, H - 5), (3, H // 2)):
        assert np.abs(rgb(without, px, py) - bg).max() <= 1, ((px, py), rgb(without, px, py), bg)


def test_draw_calls_do_not_depend_on_network_size(ctx, scene):
    from glnn.view import globjects
    counts = {}
    small = (200, 150)  # llvmpipe's time goes into the 82,000 line quads: keep the picture small
    for sizes in ((2, 2, 2), (64, 256, 256, 10)):
        arch = Architecture(sizes)
        net = Network(arch, seed=2)
        lay = layout_mod.compute(sizes, net.w_off, Area(10, 10, small[0] - 20, small[1] - 20))
        acts = np.random.default_rng(0).uniform(0, 1, lay.n_neurons)
        for glow in (True, False):
            img = render(scene, lay, net.params, acts, size=small, glow=glow)
            counts[sizes, glow] = globjects.FrameStats.draw_calls
            # the connections were drawn: reddish and bluish pixels between the first two columns
            x0, x1 = (int(v) for v in lay.column_x[:2])
            band = img[10:small[1] - 10, x0 + 5:x1 - 5, :3].astype(int)
            reddish = (band[..., 0] > band[..., 2] + 30).sum()
            bluish = (band[..., 2] > band[..., 0] + 30).sum()
            assert reddish + bluish > 50, (sizes, glow, reddish, bluish)
            if len(sizes) > 3:  # 16,384 random weights in that gap: both signs
                assert reddish > 50 and bluish > 50, (sizes, glow, reddish, bluish)
    assert gl_err() == 0
    for glow in (True, False):  # the big network draws one more: the faint band of the connections it leaves out
        assert counts[(2, 2, 2), glow] + 1 == counts[(64, 256, 256, 10), glow], counts
    assert counts[(2, 2, 2), False] >= 3  # connections, neurons, the final combine
    assert counts[(2, 2, 2), True] > counts[(2, 2, 2), False]


def test_resize_and_hidpi(ctx, scene):
    net = tiny_network(W0, W1)
    acts = np.array([0.3, 0.3, 1.0, 0.0, 0.3, 0.3])
    for size in ((W, H), (240, 180), (W, H)):
        lay = tiny_layout(net, size)
        img = render(scene, lay, net.params, acts, size=size)
        assert gl_err() == 0, size
        assert img.shape[:2] == (size[1], size[0])
        assert (scene.target.width, scene.target.height) == size
        assert brightness(img, *lay.nodes[2, :2]) > 600, size
        assert brightness(img, *lay.nodes[3, :2]) < 150, size
        c = rgb(img, *along(lay, link_index(lay, 0, 0, 0), 0.5))
        assert c[0] > max(c[1], c[2]) + 60, (size, c)
    # a framebuffer twice the window size (HiDPI): the same picture at twice the pixels
    small = (W // 2, H // 2)
    lay = tiny_layout(net, small)
    img = render(scene, lay, net.params, acts, size=small, framebuffer=(W, H))
    assert gl_err() == 0
    assert (scene.target.width, scene.target.height) == (W, H)
    x, y = lay.nodes[2, :2]
    assert brightness(img, 2 * x, 2 * y) > 600
    x, y = lay.nodes[3, :2]
    assert brightness(img, 2 * x, 2 * y) < 150
    x, y = along(lay, link_index(lay, 0, 1, 1), 0.5)
    c = rgb(img, 2 * x, 2 * y)
    assert c[2] > max(c[0], c[1]) + 60, c


def test_release_deletes_gl_objects(ctx):
    from pyglet import gl

    from glnn.view.scene import NetworkScene
    scene = NetworkScene(W, H)
    net = tiny_network(W0, W1)
    lay = tiny_layout(net)
    render(scene, lay, net.params, np.full(6, 0.5), glow=True)
    bloom = scene.bloom
    targets = [scene.target, bloom.bright_target, *bloom.ping, *bloom.pong]
    buffers = [scene.params.buffer.id.value, scene.acts.buffer.id.value, scene.nodes.buffer.id.value,
               scene.connections.table.buffer.id.value, scene.connections.drawn.id.value,
               scene.bands.instances.id.value]
    textures = [scene.params.texture.value, scene.acts.texture.value, scene.nodes.texture.value,
                scene.connections.table.texture.value, *(t.texture.value for t in targets)]
    framebuffers = [t.fbo.value for t in targets]
    arrays = [scene.connections.vao.id.value, scene.bands.vao.id.value, scene.neurons.vao.id.value,
              bloom.vao.id.value]
    programs = [scene.connections.program.id, scene.bands.program.id, scene.neurons.program.id, bloom.bright.id,
                bloom.blur.id, bloom.combine.id]
    kinds = {"buffer": (gl.glIsBuffer, buffers), "texture": (gl.glIsTexture, textures),
             "framebuffer": (gl.glIsFramebuffer, framebuffers), "vertex array": (gl.glIsVertexArray, arrays),
             "program": (gl.glIsProgram, programs)}
    for kind, (is_a, ids) in kinds.items():
        assert all(ids), (kind, ids)
        assert all(is_a(i) for i in ids), f"{kind} ids {ids} should exist before release"
    scene.release()
    gl.glFinish()
    assert gl_err() == 0
    for kind, (is_a, ids) in kinds.items():
        alive = [i for i in ids if is_a(i)]
        assert not alive, f"{kind} ids {alive} still exist after release()"
