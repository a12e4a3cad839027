"""A big network's level of detail on screen: fewer instances drawn, the hovered neuron's
connections all drawn, hovering finds drawn connections only; the governor's lower qualities
still draw the network. Headless GL, pixel probes."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import GL_WINDOW_SIZE
from glnn.core.model import Architecture, Network
from glnn.view import layout as layout_mod
from glnn.view import lod
from glnn.view.layout import Area

pytestmark = pytest.mark.gl

W, H = GL_WINDOW_SIZE  # 400 x 300: the `scene` fixture's size


def render(scene, lay, params, acts, **style):
    from conftest import read_pixels
    from glnn.view import globjects
    from glnn.view.scene import Style
    scene.set_layout(lay)
    scene.update(np.asarray(params, np.float32), np.asarray(acts, np.float32))
    globjects.FrameStats.reset()
    scene.draw((W, H), (W, H), Style(**style))
    return read_pixels(W, H)


@pytest.fixture()
def big(gl_context):
    """A 70-70-2 network: its first gap (4,900 connections) is thinned, 70 neurons wrap into a block."""
    net = Network(Architecture((70, 70, 2)), seed=5)
    lay = layout_mod.compute(net.arch.sizes, net.w_off, Area(20, 20, W - 40, H - 40))
    assert lay.n_links > lod.DENSE
    return net, lay


def test_a_big_network_draws_fewer_instances(scene, big):
    from glnn.view import globjects
    net, lay = big
    acts = np.full(lay.n_neurons, 0.5, np.float32)
    img = render(scene, lay, net.params, acts, glow=False)
    drawn = len(scene.detail.selection)
    assert scene.connections.count == drawn < lay.n_links / 4
    # connections, band, neurons: the instances are what is drawn, not every connection
    assert globjects.FrameStats.instances == drawn + 1 + lay.n_neurons
    # and it still shows as connections of both colours between the columns
    x0, x1 = (int(v) for v in lay.column_x[:2])
    band = img[30:H - 30, x0 + 15:x1 - 15, :3].astype(int)
    assert (band[..., 0] > band[..., 2] + 30).sum() > 200 and (band[..., 2] > band[..., 0] + 30).sum() > 200


def _link_midpoint(lay, link, t=0.5):
    a, b = lay.nodes[lay.links[link, 0], :2], lay.nodes[lay.links[link, 1], :2]
    return a + t * (b - a)


@pytest.mark.parametrize("which", ["hover_neuron", "focus_neuron"])
def test_the_hovered_neurons_connections_are_all_drawn(scene, big, which):
    net, lay = big
    # weights of 0.2 to about 1: lines of middling strength, none invisibly weak, far from saturating the picture
    params = net.params.copy()
    noise = np.random.default_rng(2).normal(0, 0.3, 70 * 70)
    params[net.w_off[0]:net.w_off[0] + 70 * 70] = np.sign(noise) * (0.2 + np.abs(noise))
    acts = np.full(lay.n_neurons, 0.5, np.float32)
    neuron = int(lay.layer_start[1]) + 33  # a hidden neuron
    before = render(scene, lay, params, acts, glow=False)
    base = scene.detail.selection
    mine = lod.neuron_links(lay, neuron)
    added = np.setdiff1d(mine, base)
    assert len(added) > 40  # most of its 70 incoming connections are not in the selection
    after = render(scene, lay, params, acts, glow=False, **{which: neuron})
    assert scene.connections.count == len(base) + len(added)
    # every added connection shows: the picture changed along most of its length (over the lines drawn
    # before, which it crosses; the thinnest lines are a pixel wide: look within a pixel of each point)
    diff = np.abs(after[..., :3].astype(int) - before[..., :3].astype(int)).sum(axis=2)
    for link in added:
        points = [_link_midpoint(lay, int(link), t) for t in np.linspace(0.1, 0.9, 40)]
        shown = np.mean([diff[int(round(y)) - 1:int(round(y)) + 2, int(round(x)) - 1:int(round(x)) + 2].max() > 20
                         for x, y in points])
        assert shown > 0.4, (int(link), shown)


@pytest.mark.parametrize("level", range(6))
def test_every_governor_quality_draws_the_network(scene, big, level):
    from glnn.view.governor import QUALITIES
    net, lay = big
    acts = np.zeros(lay.n_neurons, np.float32)
    acts[lay.layer_start[1] + 10] = 1.0
    scene.quality = QUALITIES[level]
    try:
        img = render(scene, lay, net.params, acts, glow=True)
        assert scene.target.width == max(1, round(W * QUALITIES[level].resolution))
        x, y = lay.nodes[lay.layer_start[1] + 10, :2]
        assert img[int(y), int(x), :3].astype(int).sum() > 450  # the lit neuron, even at a third of the pixels
        x0, x1 = (int(v) for v in lay.column_x[:2])
        band = img[30:H - 30, x0 + 15:x1 - 15, :3].astype(int)
        assert (np.abs(band[..., 0] - band[..., 2]) > 30).sum() > 200  # connections
        assert len(scene.detail.selection) <= lod.LEVELS[QUALITIES[level].lod_level] * (70 + 70) + 140
    finally:
        from glnn.view.governor import FULL
        scene.quality = FULL


def test_a_picture_shown_again_is_the_one_drawn(scene, big):
    """The governor's last step keeps each finished picture and copies it to the screen on the frames
    between redraws: the same pixels as the redraw, over whatever the frame before left there."""
    from conftest import read_pixels
    from pyglet import gl

    from glnn.view.governor import FULL, QUALITIES
    from glnn.view.scene import Style
    net, lay = big
    acts = np.zeros(lay.n_neurons, np.float32)
    acts[lay.layer_start[1] + 10] = 1.0
    assert len(QUALITIES) == 6 and QUALITIES[-1].scene_every > 1
    scene.quality = QUALITIES[-1]
    try:
        drawn = render(scene, lay, net.params, acts, glow=True)
        assert scene.kept.width == scene.target.width  # combined at the scene's own resolution
        # ...and stretched: the picture of the step before, which combines at the window's resolution
        # from a scene of the same resolution, within rounding
        scene.quality = QUALITIES[-2]
        assert QUALITIES[-2].resolution == QUALITIES[-1].resolution and QUALITIES[-2].scene_every == 1
        direct = render(scene, lay, net.params, acts, glow=True)
        assert np.abs(direct[..., :3].astype(int) - drawn[..., :3]).mean() < 2.0
        scene.quality = QUALITIES[-1]
        drawn = render(scene, lay, net.params, acts, glow=True)
        gl.glClearColor(1, 0, 1, 1)
        gl.glClear(gl.GL_COLOR_BUFFER_BIT)
        scene.show_again((W, H), Style(glow=True))
        again = read_pixels(W, H)
        assert np.array_equal(again, drawn)
        # at full detail there is no kept picture: the last scene is combined again, the same picture too
        scene.quality = FULL
        drawn = render(scene, lay, net.params, acts, glow=True)
        gl.glClear(gl.GL_COLOR_BUFFER_BIT)
        scene.show_again((W, H), Style(glow=True))
        assert np.array_equal(read_pixels(W, H), drawn)
    finally:
        scene.quality = FULL
        gl.glClearColor(0, 0, 0, 1)


# -- the real app: what can be hovered is what is drawn ----------------------------------------------
@pytest.fixture()
def big_app(make_app):
    from glnn.core.trainer import Trainer
    app = make_app(Trainer({"dataset": "digits8", "hidden": (256, 256)}))
    app.frame()
    app.frame()  # the first frame measures the bars below the scene: the layout settles on the second
    return app


def test_the_app_hovers_drawn_connections_only(big_app):
    app = big_app
    lay = app.layout
    drawn = app.scene.detail.drawn()
    assert app.scene.connections.count == len(drawn) < lay.n_links / 5
    rng = np.random.default_rng(0)
    gap1 = drawn[(drawn >= lay.link_start[1]) & (drawn < lay.link_start[2])]
    hits = 0
    for link in rng.choice(gap1, 12, replace=False):
        # a third of the way along: at the middle of a 256-to-256 gap most drawn lines cross each other
        app.mouse = tuple(float(v) for v in _link_midpoint(lay, int(link), 0.3))
        app.frame()
        assert app.hover_neuron == -1
        assert app.hover_link in drawn
        hits += app.hover_link == link
    assert hits >= 6
    # a connection that is not drawn, where no drawn one passes within the tolerance: nothing to hover
    from glnn.view import picking
    hidden = np.setdiff1d(np.arange(lay.link_start[0], lay.link_start[2]), drawn)
    tried = 0
    for link, t in zip(rng.permutation(hidden)[:2000], rng.uniform(0.05, 0.95, 2000)):
        x, y = _link_midpoint(lay, int(link), t)
        if picking.pick_link(lay, float(x), float(y), drawn=drawn) == -1 \
                and picking.pick_neuron(lay, float(x), float(y)) == -1:
            app.mouse = (float(x), float(y))
            assert picking.pick_link(lay, float(x), float(y)) >= 0  # with every connection drawn, one would be
            app.frame()
            assert app.hover_neuron == -1 and app.hover_link == -1
            tried += 1
            if tried == 3:
                break
    assert tried == 3


def test_the_app_draws_every_connection_of_the_hovered_neuron(big_app):
    app = big_app
    lay = app.layout
    base = app.scene.connections.count
    neuron = int(lay.layer_start[2]) + 77  # a neuron of the second hidden layer: 256 in, 10 out
    app.mouse = tuple(float(v) for v in lay.nodes[neuron, :2])
    app.frame()
    assert app.hover_neuron == neuron
    drawn = app.scene.detail.drawn(neuron, app.focus_neuron)
    assert np.isin(lod.neuron_links(lay, neuron), drawn).all()
    assert app.scene.connections.count == len(drawn) > base
