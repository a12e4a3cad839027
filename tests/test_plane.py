"""The input-plane view of 2-D datasets: the grid evaluation against the NumPy reference, its
throttle on a fake clock, the placement of the map and tiles, and the GL pass's pixels."""
from __future__ import annotations

import numpy as np
import pytest
import reference
from glnn import commands
from glnn_testutil import layers_of

from glnn.core import kernels, plane
from glnn.core.data import load
from glnn.core.model import Architecture, Network
from glnn.core.trainer import Trainer
from glnn.view import layout as layout_mod
from glnn.view import plane_layout, screen
from glnn.view.layout import Area


# -- the grid evaluation --------------------------------------------------------------------------
@pytest.mark.parametrize("sizes, activation, loss, bias", [
    ((2, 8, 8, 1), "sigmoid", "sse", True),
    ((2, 5, 1), "tanh", "xent", True),
    ((2, 7, 3, 1), "relu", "sse", False),
    ((3, 6, 4), "sigmoid", "xent", True),  # softmax over several outputs
    ((2, 33, 2), "tanh", "sse", True),     # a layer wider than a vector register, odd
    ((2, 1), "sigmoid", "sse", True),      # no hidden layer (--hidden 0)
    ((5, 3), "tanh", "xent", False),
])
def test_forward_all_matches_the_reference(sizes, activation, loss, bias):
    arch = Architecture(sizes, activation, loss, bias)
    net = Network(arch, seed=3)
    net.params[:] = np.random.default_rng(5).normal(0, 1.5, net.n_params).astype(np.float32)
    x = np.random.default_rng(6).uniform(-1.2, 1.2, (257, sizes[0])).astype(np.float32)
    out = np.zeros((sum(sizes), len(x)), np.float32)
    a_off = arch.activation_offsets()
    kernels.forward_all(*kernels.NetworkShape.of(arch, net.w_off, net.b_off).args(net.params), x, out)
    ws, bs = layers_of(net)
    for r in (0, 1, 100, 256):
        expected = np.concatenate(reference.forward(ws, bs, x[r], activation, loss))
        np.testing.assert_allclose(out[:, r], expected, rtol=2e-5, atol=2e-6)
    # every row, at once, for the output layer
    expected_out = np.stack([reference.forward(ws, bs, row, activation, loss)[-1] for row in x], axis=1)
    np.testing.assert_allclose(out[a_off[-2]:], expected_out, rtol=2e-5, atol=2e-6)


def test_grid_rows_run_top_down_and_columns_left_right():
    points = plane.grid_points(4, 1.0).reshape(4, 4, 2)
    assert np.allclose(points[0, :, 1], 0.75) and np.allclose(points[-1, :, 1], -0.75)  # row 0 = top (x2 high)
    assert np.allclose(points[:, 0, 0], -0.75) and np.allclose(points[:, -1, 0], 0.75)


def test_field_is_every_neurons_activation_over_the_plane():
    trainer = Trainer({"dataset": "xor", "hidden": (6, 4), "activation": "tanh"})
    trainer.steps(500)
    field = plane.PlaneField.for_network(trainer.net, trainer.dataset, resolution=24)
    values = field.evaluate(trainer.net.params)
    assert values.shape == (2 + 6 + 4 + 1, 24, 24)
    for row, col in ((0, 0), (5, 17), (23, 23)):
        x = field.points[row * 24 + col]
        np.testing.assert_allclose(values[:, row, col], np.concatenate(trainer.forward(x)), rtol=2e-5, atol=2e-6)
    # the input tiles are the coordinates: x1 grows to the right, x2 upwards
    assert (np.diff(values[0], axis=1) > 0).all() and (np.diff(values[1], axis=0) < 0).all()
    assert field.value_at(field.n_neurons - 1, *field.points[5 * 24 + 17]) == pytest.approx(values[-1, 5, 17])
    # and at any point, not only the grid's: the exact forward pass of that point
    for x1, x2 in ((-0.34, 0.46), (0.91, -0.07)):
        np.testing.assert_allclose(field.exact(trainer.net.params, x1, x2),
                                   np.concatenate(trainer.forward(np.array([x1, x2]))), rtol=2e-5, atol=2e-6)


def test_field_feeds_the_grid_as_the_dataset_feeds_its_points():
    """One function computes the features of the data and of the grid: the input pictures are the features."""
    trainer = Trainer({"dataset": "circle", "hidden": (5,), "features": ("x1", "x1sq", "x2sq", "x1x2", "sinx2")})
    trainer.steps(500)
    ds = trainer.dataset
    field = plane.PlaneField.for_network(trainer.net, ds, resolution=20)
    values = field.evaluate(trainer.net.params)
    assert values.shape == (5 + 5 + 1, 20, 20)
    p = field.points.astype(np.float64)
    expected = np.stack([p[:, 0], p[:, 0] ** 2, p[:, 1] ** 2, p[:, 0] * p[:, 1], np.sin(np.pi * p[:, 1])])
    np.testing.assert_allclose(values[:5].reshape(5, -1), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(field.inputs, ds.inputs_at(field.points))  # the very same function
    for row, col in ((3, 4), (12, 19)):
        x = ds.inputs_at(field.points[row * 20 + col])[0]
        np.testing.assert_allclose(values[:, row, col], np.concatenate(trainer.forward(x)), rtol=2e-5, atol=2e-6)
    e = field.extent
    np.testing.assert_allclose(field.input_bounds(), [e, e * e, e * e, e * e, 1.0], rtol=1e-6)
    # the decision map's square is set by the points, not by the features (x1 squared stays under 1)
    assert plane.extent_of(ds) == plane.extent_of(load("circle"))


def test_extent_covers_every_point_with_a_margin():
    ds = load("spiral")
    e = plane.extent_of(ds)
    assert e > max(np.abs(ds.x_train).max(), np.abs(ds.x_test).max())
    assert e <= 1.2


def test_resolution_shrinks_with_the_network_but_stays_bounded():
    small = plane.resolution_for(Architecture((2, 8, 8, 1)).offsets()[2])
    big = plane.resolution_for(Architecture((2, 256, 256, 1)).offsets()[2])
    assert small == plane.MAX_RESOLUTION
    assert plane.MIN_RESOLUTION <= big < small


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_refresh_is_throttled_and_skips_unchanged_weights():
    clock = FakeClock()
    trainer = Trainer({"dataset": "circle", "hidden": (4,)})
    field = plane.PlaneField.for_network(trainer.net, trainer.dataset, resolution=16, clock=clock)
    params = trainer.net.params.copy()
    assert field.refresh(params)  # the first call always evaluates
    assert field.cost == 0.0  # and may have compiled the kernel: its time says nothing of the next ones
    assert not field.refresh(params)
    params[0] += 1.0
    clock.now += 0.5 / plane.REFRESH_HZ
    assert not field.refresh(params)  # changed, but too soon
    clock.now += 0.6 / plane.REFRESH_HZ
    assert field.refresh(params)
    np.testing.assert_allclose(field.values, plane.PlaneField.for_network(
        trainer.net, trainer.dataset, resolution=16).evaluate(params))
    clock.now += 10.0
    assert not field.refresh(params)  # nothing changed: nothing to do however long it has been
    assert field.evaluations == 2
    # an expensive evaluation stretches the interval so that it stays a small share of the time
    params[0] += 1.0
    assert field.refresh(params)
    field.cost = 0.01  # as if that one had taken 10 ms
    params[0] += 1.0
    clock.now += 1.5 / plane.REFRESH_HZ
    assert field.interval() == pytest.approx(0.01 / plane.MAX_TIME_SHARE)
    assert not field.refresh(params)
    clock.now += field.interval()
    assert field.refresh(params)


# -- placement (pure) -----------------------------------------------------------------------------
def overlaps(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


@pytest.mark.parametrize("hidden", [(8, 8), (16,), (3,), (4, 4, 4)])
def test_map_and_tiles_fit_without_overlapping(hidden):
    sizes = (2, *hidden, 1)
    net = Network(Architecture(sizes))
    # the window laid out as the app does (glnn.view.screen; more sizes and scales in tests/test_screen.py)
    s = screen.compute(screen.Content(1280, 720, 1.0, sizes, ("0", "1"), plane=True, has_test=True),
                       screen.ApproxMeasure(), net.w_off)
    net_area, m, lay = s.network, s.plane.rect, s.layout
    assert m.x >= net_area.x + net_area.w and m.x + m.side <= s.scene.x + s.scene.w + 1e-3
    assert net_area.y <= m.y and m.y + m.side <= net_area.y + net_area.h
    rects, neurons = plane_layout.neuron_tiles(lay, left_edge=356)
    assert set(neurons.tolist()) == set(range(sum(sizes) - 1))  # every input and hidden neuron, not the output
    assert (rects[:, 0] >= 356).all()
    for k, rect in enumerate(rects):
        assert rect[2] >= plane_layout.TILE_MIN
        x, y, r, _ = lay.nodes[neurons[k]]
        assert rect[0] + rect[2] <= x - r and abs(rect[1] + rect[3] / 2 - y) < 1e-3  # left of, level with it
        for other in rects[k + 1:]:
            assert not overlaps(rect, other)
        for n in range(lay.n_neurons):  # no neuron disc under a tile
            nx, ny, nr, _ = lay.nodes[n]
            assert not overlaps(rect, (nx - nr, ny - nr, 2 * nr, 2 * nr))
    hidden_sides = rects[neurons >= 2, 2]
    assert np.ptp(hidden_sides) == 0  # one size for every hidden tile


def test_too_many_neurons_for_tiles():
    sizes = (2, 200, 1)
    net = Network(Architecture(sizes))
    lay = layout_mod.compute(sizes, net.w_off, Area(380, 56, 500, 634))
    rects, neurons = plane_layout.neuron_tiles(lay, left_edge=356)
    # 200 hidden neurons 3 pixels apart leave no room for their pictures; the two inputs, spread
    # over the column's height, have room for theirs
    assert len(rects) == len(neurons) == 2
    assert set(np.asarray(neurons).tolist()) == {0, 1}


def test_map_pixel_to_plane():
    m = plane_layout.MapRect(100.0, 50.0, 200.0)
    assert m.to_plane(100, 50, 1.5) == pytest.approx((-1.5, 1.5))  # top left
    assert m.to_plane(300, 250, 1.5) == pytest.approx((1.5, -1.5))
    assert m.contains(150, 60) and not m.contains(99, 60) and not m.contains(150, 250)


# -- GL: the pass on its own ----------------------------------------------------------------------
def gl_err() -> int:
    from pyglet import gl
    return int(gl.glGetError())


@pytest.mark.gl
def test_renderer_colours_values_and_points(gl_context, pixels):
    from conftest import GL_WINDOW_SIZE

    from glnn.view.palette import PALETTES
    from glnn.view.plane_view import PlaneRenderer
    w, h = GL_WINDOW_SIZE
    r = PlaneRenderer()
    try:
        res = 8
        values = np.zeros((2, res, res), np.float32)
        values[0, :, res // 2:] = 1.0  # layer 0: low on the left, high on the right
        values[1, :res // 2, :] = 1.0  # layer 1: high on top
        r.upload(values)
        r.upload(values)  # the second goes to the other texture and the pass reads that one
        m = plane_layout.MapRect(200.0, 40.0, 160.0)
        r.set_tiles(np.array([[20, 40, 80, 80, 0, 0.0, 1.0, 0.0],
                              [m.x, m.y, m.side, m.side, 1, 0.0, 1.0, 1.0]], np.float32))
        r.set_points(np.array([[-0.5, 0.5, 0, 0], [0.5, -0.5, 1, 1]], np.float32))  # top-left train, bottom-right test
        from pyglet import gl
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
        gl.glClearColor(0, 0, 0, 1)
        gl.glClear(gl.GL_COLOR_BUFFER_BIT)
        assert gl_err() == 0
        pos, neg = PALETTES["red-blue"]
        r.draw((float(w), float(h)), (w, h), m, 1.0, pos, neg, 5.0)
        assert gl_err() == 0
        img = pixels(w, h).astype(int)

        def px(x, y):
            return img[int(y), int(x), :3]

        def reddish(c):
            return c[0] > c[2] + 40

        def bluish(c):
            return c[2] > c[0] + 40

        assert bluish(px(35, 80)) and reddish(px(85, 80))  # tile: left low, right high
        assert (px(10, 80) == 0).all() and (px(110, 80) == 0).all()  # nothing outside it
        assert reddish(px(230, 100)) and reddish(px(330, 60))  # map: layer 1, top high
        assert bluish(px(240, 180)) and bluish(px(300, 190))
        # the decision boundary (value 0.5, the middle row) is a light line across the map
        line = img[115:126, 260, :3].sum(axis=1)
        assert line.max() > 550
        # the training point at (-0.5, 0.5) is a filled disc of class 0's colour (blue) on a red region
        cx, cy = m.x + 0.25 * m.side, m.y + 0.25 * m.side
        assert bluish(px(cx, cy))
        # the test point at (0.5, -0.5) is hollow: a ring of class 1's colour (red, bright) around the
        # map's own colour there (blue), not a dark dot
        tx, ty = m.x + 0.75 * m.side, m.y + 0.75 * m.side
        ring, centre, beside = px(tx + 4, ty), px(tx, ty), px(tx + 14, ty)
        assert reddish(ring) and ring[0] > 200, ring
        assert bluish(centre) and np.abs(centre - beside).max() <= 10, (centre, beside)
        # uploads draw: after a second upload the pass shows the new values
        r.upload(1.0 - values)
        gl.glClear(gl.GL_COLOR_BUFFER_BIT)
        r.draw((float(w), float(h)), (w, h), m, 1.0, pos, neg, 5.0)
        img = pixels(w, h).astype(int)
        assert reddish(px(35, 80)) and bluish(px(85, 80))
        assert gl_err() == 0
    finally:
        r.release()


@pytest.mark.gl
def test_release_frees_every_gl_object(gl_context):
    from pyglet import gl

    from glnn.view.plane_view import PlaneRenderer
    r = PlaneRenderer()
    r.upload(np.zeros((3, 4, 4), np.float32))
    r.upload(np.zeros((3, 4, 4), np.float32))
    r.set_tiles(np.zeros((1, 8), np.float32))
    r.set_points(np.zeros((2, 4), np.float32))
    textures = list(r.textures)
    buffers = [r.tiles.id.value, r.points.id.value]
    vaos = [r.tile_vao.id.value, r.point_vao.id.value]
    programs = [r.tile_program.id, r.point_program.id]
    assert all(gl.glIsTexture(t) for t in textures) and all(gl.glIsBuffer(b) for b in buffers)
    r.release()
    assert not any(gl.glIsTexture(t) for t in textures)
    assert not any(gl.glIsBuffer(b) for b in buffers)
    assert not any(gl.glIsVertexArray(v) for v in vaos)
    assert not any(gl.glIsProgram(p) for p in programs)
    assert gl_err() == 0


# -- GL: the whole app, in process and through the command line -----------------------------------
APP_SIZE = (900, 600)


def plane_app(make_app, settings, steps):
    """The App without its panel, on a window of its own (the session window is too small for a
    network and a map side by side), its network trained `steps` iterations."""
    trainer = Trainer(settings)
    trainer.steps(steps)
    return make_app(trainer, APP_SIZE, show_panel=False)


@pytest.mark.gl
def test_app_draws_a_tile_of_each_neurons_activation(make_app, pixels):
    from pyglet import gl
    app = plane_app(make_app, {"dataset": "xor", "hidden": (4,)}, 4000)
    try:
        for _ in range(2):
            app.frame()
        view = app.plane
        assert view.active and view.map is not None
        img = pixels(*APP_SIZE).astype(int)
        assert gl_err() == 0
        rects, neurons = view.tile_rects, view.tile_neurons
        assert sorted(neurons.tolist()) == [0, 1, 2, 3, 4, 5]  # two inputs, four hidden
        assert view.layers_without_values == frozenset({0, 1})  # the pictures instead of the numbers
        values = view.field.values
        res = view.field.resolution
        checked = 0
        for (x, y, w, h), n in zip(rects, neurons):
            lo, hi = (-view.field.extent, view.field.extent) if n < 2 else (0.0, 1.0)
            for u, v in ((0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75), (0.5, 0.5)):
                value = values[n, int(v * res), int(u * res)]
                s = (value - lo) / (hi - lo) * 2 - 1
                c = img[int(y + v * h), int(x + u * w), :3]
                if s > 0.5:
                    assert c[0] > c[2] + 30, (n, u, v, value, c)  # high: the positive colour (red)
                    checked += 1
                elif s < -0.5:
                    assert c[2] > c[0] + 30, (n, u, v, value, c)
                    checked += 1
        assert checked >= 12
        # nothing changes while paused: no evaluation, no texture upload
        uploads, evaluations = view.renderer.uploads, view.field.evaluations
        for _ in range(3):
            app.frame()
        assert (view.renderer.uploads, view.field.evaluations) == (uploads, evaluations)
        # a few steps of training: the next frame (after the refresh interval) shows new values
        app.controller.apply(commands.Train(50))
        import time

        from glnn.core.plane import REFRESH_HZ  # here `plane` is the app's PlaneView, not the module
        time.sleep(1.1 / REFRESH_HZ)
        app.frame()
        assert view.renderer.uploads == uploads + 1
        # with "a click on the map shows the answer" chosen (adding a point is the default), a click
        # on the map feeds that point through the network, and a gold ring marks it
        app.controller.apply(commands.Set("click_adds", False))
        m = view.map
        px, py = m.x + 0.8 * m.side, m.y + 0.3 * m.side
        app.on_mouse_press(px, APP_SIZE[1] - py, 1, 0)
        app.frame()  # presses are handled in the frame, once ImGui knows where the pointer is
        x1, x2 = m.to_plane(px, py, view.field.extent)
        np.testing.assert_allclose(app.state.shown_input, [x1, x2], atol=1e-5)
        assert x1 > 0.5 and x2 > 0.2
        app.frame()
        frame = app.controller.frame()
        np.testing.assert_allclose(frame.activations[:2], [x1, x2], atol=1e-5)
        assert frame.outputs[0] == pytest.approx(view.field.value_at(view.map_neuron, x1, x2), abs=0.05)
        img = pixels(*APP_SIZE).astype(int)
        ring = img[int(py) - 1:int(py) + 2, int(px) + 8:int(px) + 11, :3].reshape(-1, 3)
        assert ((ring[:, 0] > 200) & (ring[:, 1] > 150) & (ring[:, 2] < 140)).any(), ring
        # hovering the map reads the answer there (the tooltip's code path runs without error)
        app.mouse = (px, py)
        app.frame()
        assert gl_err() == 0
        renderer = view.renderer
        textures = list(renderer.textures)
    finally:
        app.close()
    app.window.switch_to()
    assert not any(gl.glIsTexture(t) for t in textures)


@pytest.mark.gl
def test_app_draws_each_feature_on_its_own_scale_and_rings_the_clicked_point(make_app, pixels):
    features = ("x1sq", "x2sq", "sinx1")
    app = plane_app(make_app, {"dataset": "circle", "hidden": (3,), "features": features}, 3000)
    try:
        for _ in range(2):
            app.frame()
        view = app.plane
        img = pixels(*APP_SIZE).astype(int)
        assert gl_err() == 0
        rects = {int(n): r for r, n in zip(view.tile_rects, view.tile_neurons)}
        assert set(rects) == {0, 1, 2, 3, 4, 5}

        def colour(neuron, u, v):  # (u, v) across the tile from its top left, 0..1
            x, y, w, h = rects[neuron]
            return img[int(y + v * h), int(x + u * w), :3]

        def red(c):
            return c[0] > c[2] + 30

        def blue(c):
            return c[2] > c[0] + 30

        def neutral(c):
            return abs(c[0] - c[2]) < 25
        # x1 squared: 0 (neutral) down the middle column, high (red) at the left and right edges
        assert neutral(colour(0, 0.5, 0.2)) and neutral(colour(0, 0.5, 0.8))
        assert red(colour(0, 0.06, 0.5)) and red(colour(0, 0.94, 0.5))
        # x2 squared: the same turned a quarter
        assert neutral(colour(1, 0.2, 0.5)) and red(colour(1, 0.5, 0.06)) and red(colour(1, 0.5, 0.94))
        # sin(pi x1): high at x1 = +0.5 (u = 0.5 + 0.5 / extent / 2), low at x1 = -0.5
        e = view.field.extent
        assert red(colour(2, 0.5 + 0.25 / e, 0.5)) and blue(colour(2, 0.5 - 0.25 / e, 0.5))
        # the data points are drawn at their points of the plane, not at their features
        points = view.renderer.point_count
        assert points == 400
        # a click on the map (showing, not adding) feeds the features of that point; the gold ring goes to the point
        app.controller.apply(commands.Set("click_adds", False))
        m = view.map
        px, py = m.x + 0.75 * m.side, m.y + 0.4 * m.side
        app.on_mouse_press(px, APP_SIZE[1] - py, 1, 0)
        app.frame()
        x1, x2 = m.to_plane(px, py, e)
        frame = app.controller.frame()
        np.testing.assert_allclose(frame.activations[:3], [x1 * x1, x2 * x2, np.sin(np.pi * x1)], atol=1e-5)
        np.testing.assert_allclose(frame.point, [x1, x2], atol=1e-5)
        app.frame()
        img = pixels(*APP_SIZE).astype(int)
        ring = img[int(py) - 1:int(py) + 2, int(px) + 8:int(px) + 11, :3].reshape(-1, 3)
        assert ((ring[:, 0] > 200) & (ring[:, 1] > 150) & (ring[:, 2] < 140)).any(), ring
        assert gl_err() == 0
    finally:
        app.close()


@pytest.mark.gl
def test_new_noise_redraws_the_points_on_the_map(make_app, pixels):
    app = plane_app(make_app, {"dataset": "circle", "hidden": (4,), "noise": 0.0}, 0)
    try:
        app.frame()
        view = app.plane
        m = view.map
        e = view.field.extent

        def ring_gap_points(img):
            """Point-coloured pixels in the empty ring between the two classes of a clean circle."""
            ys, xs = np.mgrid[0:APP_SIZE[1], 0:APP_SIZE[0]]
            u = ((xs + 0.5 - m.x) / m.side * 2 - 1) * e
            v = (1 - (ys + 0.5 - m.y) / m.side * 2) * e
            r = np.hypot(u, v)
            gap = (r > 0.5) & (r < 0.6)
            bright = img[..., :3].max(axis=2) > 200  # the points' white outline and light colours
            return int((gap & bright).sum())
        clean = ring_gap_points(pixels(*APP_SIZE).astype(int))
        app.controller.apply(commands.Set("noise", 0.5))
        app.frame()
        noisy = ring_gap_points(pixels(*APP_SIZE).astype(int))
        assert clean < 30 and noisy > clean + 100, (clean, noisy)
        assert view.dataset is app.controller.trainer.dataset
    finally:
        app.close()


@pytest.mark.gl
def test_app_without_two_inputs_has_no_plane_until_one_is_chosen(make_app):
    app = plane_app(make_app, {"dataset": "digits5"}, 0)
    app.frame()
    assert not app.plane.active and app.plane.map is None and app.plane.layers_without_values == frozenset()
    assert app.plane.renderer.uploads == 0
    full_width = app.layout.area.w
    assert full_width > APP_SIZE[0] - 200  # the network keeps the whole width
    # the Settings tab's dataset combo: to a 2-D set and back
    app.controller.apply(commands.Set("dataset", "spiral"))
    app.frame()
    assert app.plane.active and app.plane.field.evaluations == 1 and app.plane.renderer.uploads == 1
    assert app.layout.area.w < full_width - app.plane.map.side
    assert app.layout.sizes == (2, 16, 1) and app.plane.layers_without_values == frozenset({0, 1})
    app.controller.apply(commands.Set("dataset", "digits5"))
    app.frame()
    assert not app.plane.active and app.plane.layers_without_values == frozenset()
    assert app.layout.area.w == full_width


def colour_classes(pixels):
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return (r > b + 40) & (r > g + 20), (b > r + 40) & (b > g)


@pytest.mark.gl
def test_screenshot_of_xor_shows_the_four_quadrants(tmp_path):
    from PIL import Image
    from test_screenshot import run_glnn
    w, h = 1280, 720
    proc = run_glnn(["--dataset", "xor", "--iterations", "5000", "--screenshot", "xor.png", "--size", f"{w}x{h}"],
                    cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    with Image.open(tmp_path / "xor.png") as im:
        img = np.array(im.convert("RGB")).astype(int)
    right = img[:int(h * 0.8), int(w * 0.6):]  # above the timeline bar, whose track is blue too
    red, blue = colour_classes(right)
    coloured = red | blue
    # the map: the rows and columns full of red and blue (the legends and lines are thin)
    cols = np.flatnonzero(coloured.sum(axis=0) > 0.5 * coloured.sum(axis=0).max())
    rows = np.flatnonzero(coloured.sum(axis=1) > 0.5 * coloured.sum(axis=1).max())
    x0, x1, y0, y1 = cols[0], cols[-1], rows[0], rows[-1]
    side = x1 - x0
    assert side > 250 and abs((y1 - y0) - side) <= 3, (x0, x1, y0, y1)  # a square, of a good size

    def share_red(u0, v0):
        box = (slice(int(y0 + v0 * side), int(y0 + (v0 + 0.3) * side)),
               slice(int(x0 + u0 * side), int(x0 + (u0 + 0.3) * side)))
        r, b = red[box].sum(), blue[box].sum()
        return r / max(1, r + b)

    # class 1 (red, the positive colour) where x1 and x2 have the same sign: top right, bottom left
    assert share_red(0.6, 0.1) > 0.85 and share_red(0.1, 0.6) > 0.85
    assert share_red(0.1, 0.1) < 0.15 and share_red(0.6, 0.6) < 0.15
    # the picture beside each hidden neuron: squares of red and blue left of the map
    left = img[:, int(w * 0.3):int(w * 0.6)]
    red_l, blue_l = colour_classes(left)
    assert red_l.sum() > 2000 and blue_l.sum() > 2000


@pytest.mark.gl
def test_hovering_the_map_reads_what_a_click_there_feeds_through(make_app):
    """The map's tooltip and a click on the same pixel must give the same output: the click feeds the
    exact point through the network, so the hover must read that too, not the coarse grid behind the
    picture (which read 0.039 where the click gave 0.084)."""
    app = plane_app(make_app, {"dataset": "spiral", "hidden": (8, 8), "activation": "tanh"}, 20000)
    app.controller.apply(commands.Set("click_adds", False))  # (userdata: a click adds a point by default)
    for _ in range(2):
        app.frame()
    m, extent = app.plane.map, app.plane.field.extent
    checked = []
    for x1, x2 in ((-0.34, 0.46), (0.1, 0.1), (0.62, -0.55), (-0.8, -0.2), (0.33, 0.71), (-0.05, -0.9)):
        px, py = m.x + (x1 / extent * 0.5 + 0.5) * m.side, m.y + (0.5 - x2 / extent * 0.5) * m.side
        app.mouse = (px, py)
        app.frame()
        hover = app.plane.reading_at(px, py, app.controller.frame().params)
        app.on_mouse_press(px, APP_SIZE[1] - py, 1, 0)
        app.frame()  # the press is handled in this frame
        clicked = app.controller.frame()
        np.testing.assert_allclose(hover[:2], clicked.activations[:2], atol=1e-6)  # the same point
        checked.append((round(hover[2], 3), round(float(clicked.outputs[0]), 3)))
    assert all(abs(h - c) < 1e-3 for h, c in checked), checked
    assert len({c for _, c in checked}) > 3  # the points differ: the network's answer varies over the map
