"""The Data tab (noise, split, the feature column) and the Space tab (how a hidden layer sees the plane)
in the real App on a headless window: mouse events go to the same handlers a window's would, and the
checks are the settings that follow and the pixels drawn."""
from __future__ import annotations

import numpy as np
import pytest

import glnn_testutil
from glnn import commands
from glnn.core.trainer import Trainer

pytestmark = pytest.mark.gl

WINDOW = (1280, 720)


def render(app, frames=3):
    """Draw frames (a tab chosen by state opens on the frame after); the pixels of the last one."""
    from conftest import read_pixels
    app.window.switch_to()
    for _ in range(frames):
        app.frame()
    w, h = app.window.get_framebuffer_size()
    return read_pixels(w, h)[..., :3].astype(int)


def click(app, x, y):
    glnn_testutil.click(app, x, y, lambda a: render(a, 1))


def classes(img):
    """Masks of the palette's red (class 1) and blue (class 0) in an (..., 3) picture."""
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return (r > b + 60) & (r > g + 30), (b > r + 60) & (b > g)


# -- the Data tab --------------------------------------------------------------------------------
def test_the_feature_column_adds_and_takes_away_inputs(make_app):
    app = make_app(Trainer({"dataset": "circle", "hidden": (4,)}), WINDOW, tab="data")
    img = render(app)
    chips = {name: (x, y, side) for name, x, y, side in app.panel.data.chips}
    assert list(chips) == ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"]
    # the chosen ones carry the gold frame; each picture shows its feature: x1 runs blue to red
    for name, (x, y, side) in chips.items():
        gold = img[int(y), int(x + side / 2)]
        assert (gold[0] > 200 and gold[1] > 150 and gold[2] < 140) == (name in ("x1", "x2")), (name, gold)
    x, y, side = chips["x1"]
    red, blue = classes(img[int(y + side / 2), int(x + 4):int(x + side - 4)][None])
    assert blue[0, :4].all() and red[0, -4:].all()
    click(app, chips["x1sq"][0] + 10, chips["x1sq"][1] + 10)
    tr = app.controller.trainer
    assert tr.settings["features"] == ("x1", "x2", "x1sq") and tr.arch.sizes == (3, 4, 1)
    click(app, chips["x1"][0] + 10, chips["x1"][1] + 10)
    click(app, chips["x2"][0] + 10, chips["x2"][1] + 10)
    assert tr.settings["features"] == ("x1sq",) and app.controller.trainer.arch.sizes == (1, 4, 1)
    click(app, chips["x1sq"][0] + 10, chips["x1sq"][1] + 10)  # the last input stays
    assert app.controller.trainer.settings["features"] == ("x1sq",)
    assert app.layout.sizes == (1, 4, 1)  # the scene followed


def test_the_noise_and_split_sliders_redraw_the_data_and_keep_the_network(make_app):
    tr = Trainer({"dataset": "spiral", "hidden": (8,), "activation": "tanh"})
    tr.steps(2000)
    app = make_app(tr, WINDOW, tab="data")
    render(app)
    params, points = tr.net.params.copy(), tr.dataset.x_train.copy()
    x0, y0, x1, y1 = app.panel.data.sliders["noise"]
    click(app, x1 - 3, (y0 + y1) / 2)  # the right end: the most noise
    tr = app.controller.trainer
    assert tr.settings["noise"] > 0.45 and not np.array_equal(tr.dataset.x_train, points)
    assert np.array_equal(tr.net.params, params) and tr.iterations == 2000
    x0, y0, x1, y1 = app.panel.data.sliders["train_ratio"]
    click(app, x0 + 3, (y0 + y1) / 2)  # the left end: 10 % train
    assert tr.settings["train_ratio"] == pytest.approx(0.1) and len(tr.dataset.y_train) == 40
    assert np.array_equal(tr.net.params, params)
    assert app.plane.renderer.point_count == 400 and app.plane.dataset is tr.dataset  # the map shows them


def test_no_data_tab_for_images(make_app):
    app = make_app(Trainer(), WINDOW, tab="data")
    render(app)
    assert app.panel.data.chips == [] and app.state.tab == "train"  # the panel fell back to the first tab


# -- the Space tab -------------------------------------------------------------------------------
def space_app(make_app, **settings):
    tr = Trainer({"dataset": "circle", "hidden": (4,), "activation": "tanh", "lr": 0.2, **settings})
    tr.steps(20_000)
    return make_app(tr, WINDOW, tab="space")


def test_the_space_tab_plots_the_points_where_the_two_neurons_put_them(make_app):
    app = space_app(make_app)
    img = render(app)
    tab = app.panel.space
    assert tab.shown == (2, 3) and tab.plot_box is not None  # the default pair: hidden neurons 1 and 2
    x0, y0, x1, y1 = (int(v) for v in tab.plot_box)
    red, blue = classes(img[y0:y1, x0:x1])
    assert red.sum() > 150 and blue.sum() > 150
    # where the points are drawn: tanh's square -1..1 (with a margin of 4 % of its side) over the plot box
    px, py = tab.space.point_xy(2, 3)
    labels = tab.space.dataset.y_train
    edge = 1.08

    def at(vx, vy):
        return (x0 + (vx + edge) / (2 * edge) * (x1 - x0), y1 - (vy + edge) / (2 * edge) * (y1 - y0))
    screen = np.array([at(vx, vy) for vx, vy in zip(px, py)])
    gaps = np.hypot(*(screen[:, None] - screen[None]).transpose(2, 0, 1))
    other = labels[:, None] != labels[None]
    alone = np.flatnonzero((np.where(other, gaps, np.inf).min(axis=1) > 8))  # no point of the other class on it
    assert len(alone) > 30
    hits = 0
    for k in alone:
        cx, cy = screen[k]
        r, b = classes(img[int(cy) - 1:int(cy) + 2, int(cx) - 1:int(cx) + 2])
        hits += bool(r.any() if labels[k] == 1 else b.any())
    assert hits >= 0.95 * len(alone), (hits, len(alone))
    # the two neurons are ringed in gold in the scene, with their axes' names
    for neuron in (2, 3):
        x, y, r, _ = app.layout.nodes[neuron]
        ring = img[int(y - r - 4) - 1:int(y - r - 4) + 2, int(x) - 1:int(x) + 2].reshape(-1, 3)
        assert ((ring[:, 0] > 200) & (ring[:, 1] > 150) & (ring[:, 2] < 140)).any(), (neuron, ring)


def test_clicking_hidden_neurons_picks_the_axes(make_app):
    app = space_app(make_app)
    render(app)
    before = app.panel.space.space.point_xy(2, 3)[0].copy()
    for neuron, pair in ((5, (5, 3)), (4, (5, 4))):  # x, then y
        x, y, _, _ = app.layout.nodes[neuron]
        click(app, x, y)
        assert app.state.space_pair == pair, neuron
        assert app.panel.space.shown == pair
    assert app.focus_neuron == -1  # in the Space tab a click on a hidden neuron picks it; it does not focus
    x, y, _, _ = app.layout.nodes[0]
    click(app, x, y)  # an input neuron is no axis: it is focused as anywhere else
    assert app.state.space_pair == (5, 4) and app.focus_neuron == 0
    assert not np.array_equal(app.panel.space.space.point_xy(5, 4)[0], before)
    # with another tab open a click on a neuron focuses it as before
    app.controller.apply(commands.Set("tab", "train"))
    render(app)
    x, y, _, _ = app.layout.nodes[3]
    click(app, x, y)
    assert app.focus_neuron == 3 and app.state.space_pair == (5, 4)
    click(app, x, y)


def test_the_space_view_follows_training_at_a_bounded_rate(make_app):
    app = space_app(make_app)
    render(app)
    space = app.panel.space.space
    first = space.evaluations
    app.controller.apply(commands.Set("speed", 50))
    app.controller.apply(commands.Play(True))
    import time
    start = time.perf_counter()
    frames = 0
    while time.perf_counter() - start < 1.0:
        app.frame()
        frames += 1
    elapsed = time.perf_counter() - start
    done = space.evaluations - first
    from glnn.core.plane import REFRESH_HZ
    assert 2 <= done <= REFRESH_HZ * elapsed + 2, (done, frames)
    assert space is app.panel.space.space  # the same network and data: no new evaluation object


def test_no_hidden_layer_says_so_instead_of_a_plot(make_app):
    app = make_app(Trainer({"dataset": "circle", "hidden": (), "features": ("x1sq", "x2sq")}), WINDOW,
                   tab="space")
    render(app)
    assert app.panel.space.plot_box is None and app.panel.space.shown is None
    x, y, _, _ = app.layout.nodes[2]  # the output
    click(app, x, y)
    assert app.state.space_pair == (-1, -1)


# -- regularisation (Settings tab) ------------------------------------------------------------------
def test_the_regularisation_sliders_set_the_rates_live(make_app):
    """A click on the L2 slider's track sets a rate there (the weights stay: no rebuild), a click at its
    left end turns it off again; L1 the same; the slider says "off" at 0."""
    trainer = Trainer({"dataset": "digits5", "hidden": (16,)})
    trainer.steps(2000)
    app = make_app(trainer, WINDOW, tab="settings")
    render(app)
    net = app.controller.trainer.net
    for name in ("l2", "l1"):
        x, y, w, h = app.panel.rate_sliders[name]
        click(app, x + 0.8 * w, y + h / 2)
        rate = app.controller.trainer.settings[name]
        assert 1e-3 < rate < 1.0, (name, rate)  # a logarithmic track: 80 % along is well above 0.0001
        assert app.controller.trainer.net is net  # live: the same network trains on
        before = net.params.copy()
        app.controller.trainer.steps(200)
        plain = Trainer({"dataset": "digits5", "hidden": (16,)})
        plain.net.params[:] = before
        plain.steps(200)
        if name == "l2":  # the same 200 steps shrink the weights more with the rate than without
            assert np.linalg.norm(net.params) < np.linalg.norm(plain.net.params)
        click(app, x + 2, y + h / 2)
        assert app.controller.trainer.settings[name] == 0.0
