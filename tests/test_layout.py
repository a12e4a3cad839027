"""glnn.view.layout and glnn.view.picking: pure numpy, no GL."""
from __future__ import annotations

import numpy as np
import pytest

from glnn.core.model import Architecture
from glnn.view import layout as layout_mod
from glnn.view import picking
from glnn.view.layout import Area

NETS = [(2, 2, 2), (2, 3, 1), (25, 16, 10), (64, 256, 256, 10), (2, 1), (5, 4, 3, 2, 1), (1, 7)]
AREAS = [Area(370, 56, 820, 560), Area(0, 0, 400, 300), Area(30.5, 12.25, 1500, 900), Area(200, 80, 600, 560)]


def make(sizes, area=Area(0, 0, 800, 600)):
    w_off, _, _ = Architecture(tuple(sizes)).offsets()
    return layout_mod.compute(tuple(sizes), w_off, area)


# -- geometry -------------------------------------------------------------------------------
@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("sizes", NETS)
def test_columns_left_to_right_inside_area(sizes, area):
    lay = make(sizes, area)
    cols = lay.column_x
    assert cols.shape == (len(sizes),)
    assert np.all(np.diff(cols) > 0), cols
    assert np.all(cols >= area.x) and np.all(cols <= area.x + area.w), (cols, area)
    # every neuron sits on its layer's column (within the block of a wrapped layer, see the wrap test),
    # neurons are listed layer by layer
    assert lay.n_neurons == sum(sizes)
    layers = lay.nodes[:, 3].astype(int)
    assert np.array_equal(layers, np.repeat(np.arange(len(sizes)), sizes))
    assert np.all(np.abs(lay.nodes[:, 0] - cols[layers]) <= lay.half_width[layers] + 1e-3)
    np.testing.assert_allclose(lay.nodes[lay.wrap[layers] == 1, 0], cols[layers][lay.wrap[layers] == 1], atol=1e-3)


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("sizes", NETS)
def test_every_neuron_inside_area_with_positive_radius(sizes, area):
    lay = make(sizes, area)
    x, y, r = (lay.nodes[:, k].astype(np.float64) for k in range(3))
    assert np.all(r > 0)
    assert np.all(np.isfinite(lay.nodes))
    # every centre strictly inside the area
    assert np.all((x > area.x) & (x < area.x + area.w) & (y > area.y) & (y < area.y + area.h))
    # and the whole disc too, to within a pixel: with 256 neurons in a short column the radius
    # stops at its 1-pixel floor and the end discs may reach a fraction of a pixel past the area
    slack = 1.0
    assert np.all(x - r >= area.x - slack) and np.all(x + r <= area.x + area.w + slack), (x.min(), x.max(), r[0])
    assert np.all(y - r >= area.y - slack) and np.all(y + r <= area.y + area.h + slack), (y.min(), y.max(), r[0])


@pytest.mark.parametrize("sizes", NETS)
def test_neurons_of_a_column_do_not_overlap(sizes):
    lay = make(sizes, Area(370, 56, 820, 560))
    for l in range(len(sizes)):
        block = lay.nodes[lay.layer_start[l]:lay.layer_start[l + 1]].astype(np.float64)
        if len(block) > 1:
            d = np.hypot(block[:, None, 0] - block[None, :, 0], block[:, None, 1] - block[None, :, 1])
            d[np.diag_indices(len(block))] = np.inf
            assert d.min() > 2 * block[:, 2].max() - 1e-4


@pytest.mark.parametrize("area", AREAS)
def test_a_wide_layer_wraps_into_a_compact_block(area):
    """256 neurons in one column would sit 2 px apart (a solid line): they wrap into a few
    sub-columns of small discs, in order down each sub-column, clear of the next column."""
    lay = make((64, 256, 256, 10), area)
    for l, n in enumerate(lay.sizes):
        block = lay.nodes[lay.layer_start[l]:lay.layer_start[l + 1]]
        subs = int(lay.wrap[l])
        assert len(np.unique(block[:, 0])) == subs
        if area.h / n >= layout_mod.WRAP_SPACING:
            assert subs == 1 and lay.half_width[l] == 0
            continue
        assert subs > 1
        rows = int(np.ceil(n / subs))
        spacing = float(block[1, 1] - block[0, 1])
        assert spacing >= layout_mod.WRAP_SPACING - 1e-3 or lay.half_width[l] >= 0.4 * min(np.diff(lay.column_x)) - spacing
        assert np.all(np.diff(block[:rows, 1]) > 0) and np.all(block[:rows, 0] == block[0, 0])  # down the first
        assert np.all(np.diff(np.unique(block[:, 0])) > 2 * block[0, 2])  # sub-columns apart
        assert lay.half_width[l] < 0.5 * min(np.diff(lay.column_x))  # clear of the neighbouring columns


@pytest.mark.parametrize("sizes", NETS)
def test_link_count_and_order(sizes):
    lay = make(sizes)
    expected = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    assert lay.n_links == expected == len(lay.links)
    assert lay.links.dtype == np.int32 and lay.links.shape == (expected, 3)
    # every (source, target) pair of consecutive layers exactly once, grouped per weight layer
    for l in range(len(sizes) - 1):
        lo, hi = lay.link_start[l], lay.link_start[l + 1]
        assert hi - lo == sizes[l] * sizes[l + 1]
        src, dst = lay.links[lo:hi, 0], lay.links[lo:hi, 1]
        assert np.all((src >= lay.layer_start[l]) & (src < lay.layer_start[l + 1]))
        assert np.all((dst >= lay.layer_start[l + 1]) & (dst < lay.layer_start[l + 2]))
        assert len(set(zip(src.tolist(), dst.tolist()))) == hi - lo


def test_layer_of_round_trips():
    lay = make((3, 5, 2))
    seen = [lay.layer_of(n) for n in range(lay.n_neurons)]
    assert seen == [(0, i) for i in range(3)] + [(1, i) for i in range(5)] + [(2, i) for i in range(2)]


# -- parameter indices against a real trainer's network -----------------------------------------
@pytest.fixture(scope="module")
def trainer():
    from glnn.core.trainer import Trainer
    return Trainer({"dataset": "digits5", "hidden": [6, 5]})  # 25-6-5-10: one input-major, two output-major blocks


def test_link_parameter_indices_point_at_the_weights(trainer):
    net = trainer.net
    sizes = net.arch.sizes
    assert len(sizes) == 4
    lay = layout_mod.compute(sizes, net.w_off, Area(370, 56, 820, 560))
    params = net.params
    # random initial weights are distinct, so matching values means matching places
    assert len(np.unique(params[lay.links[:, 2]])) == lay.n_links
    for k in range(lay.n_links):
        l, i, j = lay.link_of(k)
        assert lay.links[k, 0] == lay.layer_start[l] + i and lay.links[k, 1] == lay.layer_start[l + 1] + j
        assert params[lay.links[k, 2]] == net.weights(l)[i, j], (k, l, i, j)


def test_link_parameter_indices_follow_writes(trainer):
    """Write a distinct value into every weight through Network.weights: each link must see its own."""
    from glnn.core.model import Network
    net = Network(trainer.net.arch, trainer.net.params.copy())
    lay = layout_mod.compute(net.arch.sizes, net.w_off, Area(0, 0, 800, 600))
    for l in range(net.arch.n_layers):
        w = net.weights(l)
        n_in, n_out = w.shape
        w[...] = 1000.0 * (l + 1) + 10.0 * np.arange(n_in)[:, None] + 0.01 * np.arange(n_out)[None, :]
    for k in range(lay.n_links):
        l, i, j = lay.link_of(k)
        assert net.params[lay.links[k, 2]] == np.float32(1000.0 * (l + 1) + 10.0 * i + 0.01 * j), (k, l, i, j)
    # the indices cover the weights only: never a bias
    weight_slots = np.concatenate([np.arange(net.w_off[l], net.w_off[l] + a * b)
                                   for l, (a, b) in enumerate(zip(net.arch.sizes[:-1], net.arch.sizes[1:]))])
    assert np.array_equal(np.sort(lay.links[:, 2]), weight_slots)


# -- picking --------------------------------------------------------------------------------
@pytest.mark.parametrize("sizes", [(2, 3, 1), (25, 16, 10), (64, 256, 256, 10)])
def test_pick_neuron_at_every_centre(sizes):
    lay = make(sizes, Area(370, 56, 820, 560))
    for n in range(lay.n_neurons):
        x, y = lay.nodes[n, :2]
        assert picking.pick_neuron(lay, float(x), float(y)) == n


def test_pick_neuron_inside_disc_and_far_away():
    lay = make((2, 3, 1), Area(100, 50, 600, 400))
    r = float(lay.nodes[0, 2])
    for n in range(lay.n_neurons):
        x, y = (float(v) for v in lay.nodes[n, :2])
        assert picking.pick_neuron(lay, x + 0.7 * r, y - 0.5 * r) == n
    assert picking.pick_neuron(lay, 5.0, 5.0) == -1
    assert picking.pick_neuron(lay, 10_000.0, -300.0) == -1
    # between two columns, away from every disc
    x_mid = float(lay.column_x[0] + lay.column_x[1]) / 2
    assert picking.pick_neuron(lay, x_mid, float(lay.nodes[0, 1])) == -1


def _segment_distances(lay, x, y):
    """Distance from (x, y) to every link's centre-to-centre segment (brute force)."""
    a = lay.nodes[lay.links[:, 0], :2].astype(np.float64)
    b = lay.nodes[lay.links[:, 1], :2].astype(np.float64)
    ab, p = b - a, np.array([x, y], np.float64)
    t = np.clip(((p - a) * ab).sum(axis=1) / np.maximum((ab * ab).sum(axis=1), 1e-12), 0, 1)
    return np.hypot(*(a + t[:, None] * ab - p).T)


@pytest.mark.parametrize("sizes", [(2, 3, 1), (3, 5, 2), (4, 4, 4, 3)])
def test_pick_link_on_midpoints(sizes):
    lay = make(sizes, Area(100, 50, 600, 400))
    tol = 4.0
    checked = 0
    for k in range(lay.n_links):
        a = lay.nodes[lay.links[k, 0], :2].astype(np.float64)
        b = lay.nodes[lay.links[k, 1], :2].astype(np.float64)
        mx, my = (a + b) / 2
        others = np.delete(_segment_distances(lay, mx, my), k)
        if others.min() <= 2 * tol:  # a crossing: the midpoint is on (or near) another link too
            continue
        assert picking.pick_link(lay, mx, my, tol) == k
        # a little off the line, still that link
        n = np.array([-(b - a)[1], (b - a)[0]]) / np.hypot(*(b - a))
        assert picking.pick_link(lay, mx + 2.5 * n[0], my + 2.5 * n[1], tol) == k
        # well off the line, where no link passes: nothing
        fx, fy = mx + 3 * tol * n[0], my + 3 * tol * n[1]
        if _segment_distances(lay, fx, fy).min() > tol:
            assert picking.pick_link(lay, fx, fy, tol) == -1
        checked += 1
    assert checked >= 2, f"only {checked} unambiguous links in {sizes}"


def test_pick_link_matches_brute_force():
    """Away from the neuron discs (where the app picks the neuron instead), the nearest link wins."""
    lay = make((3, 5, 4, 2), Area(100, 50, 600, 400))
    rng = np.random.default_rng(3)
    tol = 4.0
    centres, radius = lay.nodes[:, :2].astype(np.float64), float(lay.nodes[0, 2])
    tested = hits = 0
    for x, y in rng.uniform([90, 40], [710, 460], size=(1500, 2)):
        if np.hypot(*(centres - (x, y)).T).min() <= radius + 3.0:
            continue
        tested += 1
        got = picking.pick_link(lay, x, y, tol)
        d = _segment_distances(lay, x, y)
        if d.min() > tol:
            assert got == -1, (x, y, got)
        else:
            hits += 1
            assert got >= 0 and d[got] <= d.min() + 1e-6, (x, y, got, int(d.argmin()))
    assert tested > 500 and hits > 20, (tested, hits)


def test_pick_link_outside_the_column_gaps():
    lay = make((2, 3, 1), Area(100, 50, 600, 400))
    ys = np.unique(lay.nodes[:, 1])
    for y in ys:
        assert picking.pick_link(lay, float(lay.column_x[0]) - 6.0, float(y)) == -1
        assert picking.pick_link(lay, float(lay.column_x[-1]) + 6.0, float(y)) == -1
        assert picking.pick_link(lay, 0.0, float(y)) == -1
        assert picking.pick_link(lay, 5000.0, float(y)) == -1
    # inside a gap but far above every link
    x_mid = float(lay.column_x[0] + lay.column_x[1]) / 2
    assert picking.pick_link(lay, x_mid, float(ys.min()) - 100.0) == -1
