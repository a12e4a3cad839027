"""glnn.view.lod (which connections a big network draws), picking on what is drawn, and the
frame-time governor: pure numpy against plain reference loops, no GL."""
from __future__ import annotations

import numpy as np
import pytest

from glnn.core import topk
from glnn.core.model import Architecture, Network
from glnn.view import layout as layout_mod
from glnn.view import lod, picking
from glnn.view.governor import QUALITIES, FrameGovernor
from glnn.view.layout import Area

AREA = Area(370, 56, 820, 560)


@pytest.fixture(autouse=True)
def _kernels_loaded():
    """select() takes the compiled selection once the process has loaded the training kernels (and the
    NumPy twin before): load them, so that these tests check the compiled one whatever ran before."""
    from glnn.core import lazy_kernels
    lazy_kernels.load()


def make(sizes, seed=3):
    net = Network(Architecture(tuple(sizes)), seed=seed)
    return net, layout_mod.compute(net.arch.sizes, net.w_off, AREA)


# -- the reference: plain loops over neurons, the obvious way ------------------------------------
def reference_strongest(w: np.ndarray, k: int) -> set[tuple[int, int]]:
    n_in, n_out = w.shape
    keep = set()
    for j in range(n_out):  # into each target: its k largest |w|
        for i in sorted(range(n_in), key=lambda i: -abs(w[i, j]))[:k]:
            keep.add((i, j))
    for i in range(n_in):  # out of each source
        for j in sorted(range(n_out), key=lambda j: -abs(w[i, j]))[:k]:
            keep.add((i, j))
    return keep


def reference_drawn(net: Network, lay, k: int, dense: int) -> np.ndarray:
    drawn = []
    for link in range(lay.n_links):
        gap, i, j = lay.link_of(link)
        w = net.weights(gap)
        if w.size <= dense or (i, j) in reference_strongest(w, k):
            drawn.append(link)
    return np.array(drawn, np.int32)


def numpy_strongest(w: np.ndarray, k: int) -> np.ndarray:
    """The same selection with NumPy's argpartition along each axis (what glnn.core.topk replaces)."""
    magnitude = np.abs(w)
    n_in, n_out = w.shape
    mask = np.zeros(w.shape, bool)
    rows = np.argpartition(-magnitude, min(k, n_in) - 1, axis=0)[:min(k, n_in)]
    mask[rows, np.arange(n_out)[None, :]] = True
    cols = np.argpartition(-magnitude, min(k, n_out) - 1, axis=1)[:, :min(k, n_out)]
    mask[np.arange(n_in)[:, None], cols] = True
    return mask


@pytest.mark.parametrize("shape", [(7, 5), (5, 9), (1, 4), (4, 1), (30, 30), (64, 256)])
@pytest.mark.parametrize("k", [1, 2, 3, 40])
@pytest.mark.parametrize("input_major", [True, False])
def test_strongest_links_match_the_references(shape, k, input_major):
    w = np.random.default_rng(sum(shape) + k).normal(size=shape).astype(np.float32)  # distinct |w|: no ties
    block = w.ravel() if input_major else w.T.ravel()  # as the network stores it
    keep = np.empty(w.size, bool)
    omitted, squares, positive, mass = topk.strongest_links(block, *shape, input_major, k, keep)
    mask = keep.reshape(shape)  # link order: source-major
    got = {(int(i), int(j)) for i, j in zip(*np.nonzero(mask))}
    assert got == reference_strongest(w, k)
    assert np.array_equal(mask, numpy_strongest(w, k))
    rest = w[~mask].astype(np.float64)
    assert omitted == len(rest)
    assert squares == pytest.approx((rest ** 2).sum(), rel=1e-5, abs=1e-9)
    assert positive == pytest.approx(rest[rest > 0].sum(), rel=1e-5, abs=1e-9)
    assert mass == pytest.approx(np.abs(rest).sum(), rel=1e-5, abs=1e-9)


def test_strongest_links_count_nan_as_weakest():
    w = np.arange(1, 21, dtype=np.float32).reshape(4, 5)
    w[3, 4] = np.nan
    keep = np.empty(20, bool)
    topk.strongest_links(w.ravel(), 4, 5, True, 1, keep)
    mask = keep.reshape(4, 5)
    # row 3 holds every column's largest value but column 4's, which is NaN: there row 2's wins;
    # rows 0 to 2 have their largest in column 4, row 3 has its largest real value in column 3
    assert mask[3].tolist() == [True, True, True, True, False]
    assert mask[:, 4].tolist() == [True, True, True, False]


@pytest.mark.parametrize("shape", [(7, 5), (5, 9), (1, 4), (4, 1), (64, 256)])
@pytest.mark.parametrize("k", [1, 3, 40])
@pytest.mark.parametrize("input_major", [True, False])
def test_the_numpy_twin_marks_and_sums_what_the_compiled_selection_does(shape, k, input_major):
    """lod.strongest_links_np, which a window's first frames use before Numba is loaded."""
    w = np.random.default_rng(sum(shape) * k).normal(size=shape).astype(np.float32)  # distinct |w|: no ties
    w.flat[::7] = np.nan  # NaN counts as weakest in both
    block = w.ravel() if input_major else w.T.ravel()
    keep, keep_np = np.empty(w.size, bool), np.empty(w.size, bool)
    compiled = topk.strongest_links(block, *shape, input_major, k, keep)
    twin = lod.strongest_links_np(block, *shape, input_major, k, keep_np)
    assert np.array_equal(keep_np, keep)
    assert twin[0] == compiled[0]
    assert twin[1:] == pytest.approx(compiled[1:], rel=1e-5, abs=1e-9)


def test_select_is_the_same_before_numba_loads(monkeypatch):
    from glnn.core import lazy_kernels
    net, lay = make((64, 256, 256, 10))
    net.params[:] = np.random.default_rng(3).normal(size=net.n_params)
    calls = []
    compiled = topk.strongest_links
    monkeypatch.setattr(topk, "strongest_links", lambda *a: calls.append(1) or compiled(*a))
    drawn, bands = lod.select(lay, net.params, 2)
    assert len(calls) == 2  # the two dense gaps, by the compiled selection
    monkeypatch.setattr(lazy_kernels, "loaded", lambda: False)
    monkeypatch.setattr(topk, "strongest_links", None)  # never called now
    drawn_np, bands_np = lod.select(lay, net.params, 2)
    assert np.array_equal(drawn_np, drawn) and len(drawn) < lay.n_links
    assert [(b.gap, b.omitted) for b in bands_np] == [(b.gap, b.omitted) for b in bands]
    assert [b.strength for b in bands_np] == pytest.approx([b.strength for b in bands], rel=1e-5)


@pytest.mark.parametrize("sizes, dense", [((6, 9, 7, 3), 40), ((25, 16, 10), 100), ((12, 20, 4), 50)])
@pytest.mark.parametrize("k", [1, 2, 4])
def test_select_matches_the_reference(sizes, dense, k):
    net, lay = make(sizes)
    drawn, bands = lod.select(lay, net.params, k, dense)
    expected = reference_drawn(net, lay, k, dense)
    assert drawn.dtype == np.int32
    assert np.array_equal(drawn, expected)
    # a band per thinned gap that leaves something out, summing up exactly what it leaves out
    thinned = [g for g in range(len(sizes) - 1) if sizes[g] * sizes[g + 1] > dense
               and np.sum((drawn >= lay.link_start[g]) & (drawn < lay.link_start[g + 1])) < sizes[g] * sizes[g + 1]]
    assert [b.gap for b in bands] == thinned
    for band in bands:
        lo, hi = lay.link_start[band.gap], lay.link_start[band.gap + 1]
        left_out = np.setdiff1d(np.arange(lo, hi), drawn)
        w = net.params[lay.links[left_out, 2]].astype(np.float64)
        assert band.omitted == len(left_out)
        assert band.strength == pytest.approx(np.sqrt(np.mean(w ** 2)), rel=1e-5)
        assert band.positive == pytest.approx(np.abs(w[w > 0]).sum() / np.abs(w).sum(), rel=1e-5)


def test_small_networks_draw_everything():
    net, lay = make((25, 16, 10))
    drawn, bands = lod.select(lay, net.params, 1)
    assert np.array_equal(drawn, np.arange(lay.n_links)) and bands == []


def test_a_big_network_draws_a_bounded_number():
    net, lay = make((64, 256, 256, 10))
    drawn, bands = lod.select(lay, net.params, lod.LEVELS[0])
    k = lod.LEVELS[0]
    bound = k * (64 + 256) + k * (256 + 256) + 256 * 10  # k each way per neuron of the thinned gaps, all of the last
    assert len(drawn) <= bound < lay.n_links / 10
    assert [b.gap for b in bands] == [0, 1]
    # every neuron of a thinned gap keeps k connections each way
    links = lay.links[drawn]
    for gap in (0, 1):
        inside = (drawn >= lay.link_start[gap]) & (drawn < lay.link_start[gap + 1])
        src, dst = links[inside, 0], links[inside, 1]
        assert np.bincount(src - lay.layer_start[gap], minlength=lay.sizes[gap]).min() >= k
        assert np.bincount(dst - lay.layer_start[gap + 1], minlength=lay.sizes[gap + 1]).min() >= k


@pytest.mark.parametrize("sizes", [(3, 4, 2), (64, 256, 256, 10), (2, 1)])
def test_neuron_links_are_every_link_of_the_neuron(sizes):
    _, lay = make(sizes)
    for n in {0, lay.n_neurons // 2, lay.n_neurons - 1, int(lay.layer_start[1])}:
        expected = np.flatnonzero((lay.links[:, 0] == n) | (lay.links[:, 1] == n))
        assert np.array_equal(lod.neuron_links(lay, n), expected), n
    assert len(lod.neuron_links(lay, -1)) == 0


def test_detail_adds_the_hovered_and_selected_neurons_links():
    net, lay = make((64, 256, 256, 10))
    detail = lod.Detail()
    assert detail.update(lay, net.params, 0.0)
    base = detail.drawn()
    assert np.array_equal(base, detail.selection)
    hover, focus = int(lay.layer_start[1]) + 7, int(lay.layer_start[2]) + 100
    drawn = detail.drawn(hover, focus)
    assert np.all(np.diff(drawn) > 0)  # sorted, no repeats
    for n in (hover, focus):
        assert np.isin(lod.neuron_links(lay, n), drawn).all()
    expected = np.union1d(np.union1d(base, lod.neuron_links(lay, hover)), lod.neuron_links(lay, focus))
    assert np.array_equal(drawn, expected)
    assert detail.drawn(hover, focus) is drawn  # cached until something changes


def test_detail_refreshes_at_a_bounded_rate():
    net, lay = make((64, 256, 256, 10))
    detail = lod.Detail(refresh_hz=4.0)
    params = net.params.copy()
    detail.update(lay, params, 10.0)
    before = detail.selection.copy()
    params[lay.links[detail.selection, 2]] *= 1e-3  # every drawn weight becomes the weakest
    assert not detail.update(lay, params, 10.1)  # too soon: the same selection
    assert np.array_equal(detail.selection, before)
    assert detail.update(lay, params, 10.3)  # a quarter second later: chosen afresh
    thinned_end = lay.link_start[2]  # gaps 0 and 1 are thinned; the last one (2,560 links) is drawn whole
    new, old = detail.selection[detail.selection < thinned_end], before[before < thinned_end]
    assert len(np.intersect1d(new, old)) < len(old) // 10
    detail.level = 2  # a new level is chosen at once
    assert detail.update(lay, params, 10.31)
    assert len(detail.selection) < len(before)


def test_detail_of_a_small_network_never_refreshes():
    net, lay = make((25, 16, 10))
    detail = lod.Detail()
    assert detail.update(lay, net.params, 0.0)
    assert not detail.thinned
    for t in (1.0, 2.0, 3.0):
        assert not detail.update(lay, net.params * 2, t)
    assert np.array_equal(detail.drawn(3, 30), np.arange(lay.n_links))


# -- picking: only what is drawn can be hovered --------------------------------------------------
def _midpoint(lay, link, t=0.5):
    a, b = lay.nodes[lay.links[link, 0], :2], lay.nodes[lay.links[link, 1], :2]
    return a + t * (b - a)


def test_pick_link_finds_drawn_links_and_only_them():
    net, lay = make((64, 256, 256, 10))
    detail = lod.Detail()
    detail.update(lay, net.params, 0.0)
    drawn = detail.drawn()
    rng = np.random.default_rng(1)
    found = 0
    for link in rng.choice(drawn, 60, replace=False):
        x, y = _midpoint(lay, int(link), rng.uniform(0.3, 0.7))
        picked = picking.pick_link(lay, float(x), float(y), drawn=drawn)
        assert picked in drawn  # a drawn link: this one, or one crossing it at that point
        a, b = lay.nodes[lay.links[picked, 0], :2], lay.nodes[lay.links[picked, 1], :2]
        ab, p = b - a, np.array([x, y]) - a
        t = np.clip(p @ ab / (ab @ ab), 0, 1)
        assert np.hypot(*(a + t * ab - [x, y])) <= 4.0
        found += picked == link
    assert found > 30  # most of the time, the link itself
    hidden = np.setdiff1d(np.arange(lay.n_links), drawn)
    for link in rng.choice(hidden, 60, replace=False):
        x, y = _midpoint(lay, int(link))
        assert picking.pick_link(lay, float(x), float(y), drawn=drawn) in np.append(drawn, -1)


def test_pick_link_in_a_wrapped_block_sees_both_gaps():
    _, lay = make((64, 256, 256, 10))
    assert lay.wrap[1] > 1 and lay.half_width[1] > 0
    # a link into the rightmost sub-column of layer 1, picked just left of its end
    n = int(lay.layer_start[2]) - 1
    link = int(lod.neuron_links(lay, n)[0])
    x, y = _midpoint(lay, link, 0.995)
    assert x > lay.column_x[1]  # inside the block, right of the column's centre
    assert picking.pick_link(lay, float(x), float(y), tolerance=1.0, drawn=np.array([link], np.int32)) == link


# -- the frame-time governor --------------------------------------------------------------------------
def test_governor_lowers_quality_when_frames_are_slow_and_raises_it_when_fast():
    g = FrameGovernor(target=0.033, window=5, raise_after=2.0, memory=20.0)
    t = 0.0
    for _ in range(4):
        t += 0.2
        assert g.frame(0.2, t) == QUALITIES[0]  # not judged on fewer than `window` frames
    levels = []
    for _ in range(40):
        t += 0.2
        g.frame(0.2, t)
        levels.append(g.level)
    assert levels[-1] == len(QUALITIES) - 1 and levels == sorted(levels)  # down, step by step, to the lowest
    for _ in range(100 * 25):  # then fast frames: once the slow steps are forgotten (memory), it comes back up
        t += 0.01
        g.frame(0.01, t)
    assert g.level < len(QUALITIES) - 1
    # a step measured too slow is not tried again within `memory` seconds
    g = FrameGovernor(target=0.033, window=5, raise_after=1.0, memory=20.0)
    t = 0.0
    for _ in range(5):
        t += 0.05
        g.frame(0.05, t)
    assert g.level == 1
    for _ in range(100 * 10):  # ten seconds of 10 ms frames
        t += 0.01
        g.frame(0.01, t)
    assert g.level == 1
    for _ in range(100 * 12):  # past the memory: tried again
        t += 0.01
        g.frame(0.01, t)
    assert g.level == 0


def test_governor_comes_back_to_full_detail_on_frames_paced_at_60_a_second():
    """The window starts a frame at most every 1/60 s and a frame that waits for a 60 Hz screen's refresh
    costs up to that: such frames are fast enough to raise the quality again after a slow stretch."""
    g = FrameGovernor()
    t = _lowest(g, 0.0)
    for _ in range(60 * 60):  # a minute of frames costing a refresh each
        t += 1 / 60
        g.frame(1 / 60, t, scene_drawn=g.scene_due(t, None))
    assert g.level == 0


def test_governor_paces_frames_at_60_a_second_and_at_its_last_step_slower_when_idle_at_once_when_answering():
    from glnn.view.governor import FRAME_INTERVAL
    g = FrameGovernor(answer_for=0.2, idle_interval=1 / 30)
    assert g.frame_interval(10.0, None) == g.frame_interval(10.0, 9.99) == FRAME_INTERVAL == 1 / 60
    t = _lowest(g, 0.0)
    assert g.frame_interval(t, None) == g.frame_interval(t, t - 0.25) == 1 / 30
    assert g.frame_interval(t, t - 0.05) == 0.0


def test_governor_redraws_once_a_slow_redraw_has_been_followed_by_a_quick_frame():
    """A redraw slower than max_age does not make the next frame a redraw too (input would wait for two)."""
    g = FrameGovernor(max_age=0.3)
    t = _lowest(g, 0.0)
    assert g.scene_due(t, None)
    t += 0.5  # the redraw took half a second
    assert not g.scene_due(t, last_input=t - 0.01)
    assert g.scene_due(t + 0.01, last_input=t - 0.01)  # then the picture's age counts


def test_governor_keeps_full_quality_on_fast_frames():
    g = FrameGovernor()
    for i in range(600):
        assert g.frame(0.016, i * 0.016) == QUALITIES[0]


def _lowest(g: FrameGovernor, t: float) -> float:
    """Slow scene frames until the governor is at its last step; returns the clock."""
    while g.level < len(QUALITIES) - 1:
        t += 0.2
        g.frame(0.2, t)
    return t


def test_governor_redraws_the_scene_on_every_frame_above_its_last_step():
    g = FrameGovernor()
    assert all(q.scene_every == 1 for q in QUALITIES[:-1]) and QUALITIES[-1].scene_every > 1
    # input or not, each frame redraws while the scene is quick enough
    assert all(g.scene_due(k * 0.016, last_input=k * 0.016 - 0.005) for k in range(200))


def test_governor_at_its_last_step_redraws_every_nth_frame_and_answers_input_first():
    g = FrameGovernor(answer_for=0.2, max_age=0.3)
    t = _lowest(g, 0.0)
    every = g.quality.scene_every
    due = []
    for _ in range(4 * every + 1):  # nobody touches it: every `every`-th frame redraws, starting with the first
        t += 0.03
        due.append(g.scene_due(t, last_input=None))
    assert due == ([True] + [False] * (every - 1)) * 4 + [True]
    drawn = t
    # input: the frames after it show the last picture while answering it (answer_for), unless that
    # picture is max_age old
    clicked = t + 0.01
    run = []
    while t < clicked + 0.6:
        t += 0.03
        run.append((t, g.scene_due(t, last_input=clicked)))
    first = next(at for at, due in run if due)
    assert clicked + 0.2 - 1e-9 <= first < clicked + 0.2 + 0.03  # the first redraw: once the input is answered
    assert first - drawn < 0.3 + 0.03  # (before the picture shown is much over max_age old)
    after = [due for at, due in run if at > first]  # then every `every`-th frame again
    assert after[:2 * every] == ([False] * (every - 1) + [True]) * 2, after
    # input on every frame (a finger moving): the picture is still redrawn once it is max_age old
    redraws = []
    for _ in range(100):
        t += 0.03
        if g.scene_due(t, last_input=t - 0.001):
            redraws.append(t)
    gaps = np.diff(redraws)
    assert len(redraws) >= 9 and gaps.max() < 0.3 + 0.03 + 1e-9 and gaps.min() >= 0.3 - 1e-9, gaps


def test_governor_judges_only_the_frames_that_redraw_the_scene():
    g = FrameGovernor(target=0.033, window=5)
    t = _lowest(g, 0.0)
    top = g.level
    for _ in range(50):  # quick frames between slow redraws do not raise the quality
        t += 0.01
        g.frame(0.01, t, scene_drawn=False)
    assert g.level == top
    g = FrameGovernor(target=0.033, window=5)
    t = 0.0
    for _ in range(50):  # nor do they count as slow
        t += 0.2
        g.frame(0.2, t, scene_drawn=False)
    assert g.level == 0


def test_governor_reset_redraws_at_once():
    g = FrameGovernor()
    t = _lowest(g, 0.0)
    assert g.scene_due(t, None)
    assert not g.scene_due(t + 0.01, None)
    g.reset()  # a new layout: the picture kept is of the old one
    assert g.scene_due(t + 0.02, None)


class Background:
    """The worker's job interface (glnn.worker.TrainingWorker), running each job when told to."""

    def __init__(self):
        self.jobs, self.results = {}, {}

    def submit(self, kind, job):
        self.jobs[kind] = job

    def pending(self, kind):
        return kind in self.jobs

    def take(self, kind):
        return self.results.pop(kind, None)

    def run(self):
        for kind, job in self.jobs.items():
            self.results[kind] = job()
        self.jobs.clear()


def test_with_a_background_the_periodic_refreshes_are_chosen_there():
    net, lay = make((64, 256, 256, 10))
    background = Background()
    detail = lod.Detail(refresh_hz=4.0, background=background)
    params = net.params.copy()
    assert detail.update(lay, params, 10.0)  # a new layout: chosen at once, nothing else to draw
    assert not background.jobs
    before = detail.selection.copy()
    weaker = params.copy()
    weaker[lay.links[detail.selection, 2]] *= 1e-3  # every drawn weight becomes the weakest
    assert not detail.update(lay, weaker, 10.3)  # due: handed over, the selection stays meanwhile
    assert set(background.jobs) == {"level of detail"} and np.array_equal(detail.selection, before)
    assert not detail.update(lay, weaker, 10.31)  # one at a time
    background.run()
    assert detail.update(lay, params, 10.32)  # taken in by the next frame: chosen on the weights handed over
    inline = lod.Detail(refresh_hz=4.0)
    inline.update(lay, weaker, 0.0)
    assert np.array_equal(detail.selection, inline.selection)
    assert not detail.update(lay, weaker, 10.6)  # due again: handed over for level 0
    detail.level = 2  # a new level: chosen at once, and the refresh made for the old one is dropped
    assert detail.update(lay, params, 10.61)
    level2 = detail.selection.copy()
    background.run()
    assert not detail.update(lay, params, 10.62)
    assert np.array_equal(detail.selection, level2)

