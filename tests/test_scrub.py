"""History scrubbing: log-spaced snapshots in bounded memory, exact to the iteration, and the
scene, panel, tooltips and timeline bar showing the past until Play returns to now."""
from __future__ import annotations

import numpy as np
import pytest

from glnn import commands
from glnn.controller import Controller
from glnn.core import timeline as timeline_mod
from glnn.core.timeline import Timeline
from glnn.core.trainer import Trainer
from glnn.state import AppState


def make(**settings):
    return Controller(Trainer({"seed": 3, **settings}), AppState(), threaded=False)


def bits(a: np.ndarray) -> bytes:
    return np.ascontiguousarray(a, np.float32).tobytes()


# -- the timeline -------------------------------------------------------------------------------
def test_scrubbing_to_zero_restores_the_initial_weights_bitwise():
    c = make()
    initial = c.trainer.net.params.copy()
    fresh = Trainer({"seed": 3})
    c.apply(commands.Train(5000))
    assert bits(c.trainer.net.params) != bits(initial)
    c.apply(commands.Scrub(0))
    f = c.frame()
    assert f.scrubbed == 0 and f.metrics.iterations == 0 and f.live_iterations == 5000
    assert bits(f.params) == bits(initial)
    # the neurons too: the activations are those of the untrained network for the same input
    x = c.trainer.dataset.x_train[f.input_index]
    assert np.array_equal(f.activations, np.concatenate(fresh.forward(x)))
    assert f.metrics.train_loss == pytest.approx(fresh.metrics().train_loss, rel=0, abs=0)


def test_a_million_iterations_keep_a_bounded_log_spaced_timeline():
    tr = Trainer({"seed": 3})
    assert tr.steps(1_000_000) == 1_000_000
    t = tr.timeline
    it = t.iterations
    assert 16 <= t.count <= t.capacity <= timeline_mod.MAX_SNAPSHOTS
    assert it[0] == 0 and np.all(np.diff(it) > 0)
    assert it[-1] >= 1_000_000 / 1.25, "the newest snapshot should be near the present"
    assert it[-1] <= 1_000_000
    # log-spaced: beyond the first hundred iterations (where every few iterations are kept)
    # neighbouring snapshots are a near-constant ratio apart
    gaps = np.diff(np.log2(it[it >= 100] + 1.0))
    median = np.median(gaps)
    assert 0.1 < median < 1.0
    assert np.all(gaps <= 1.1 * median) and np.mean(np.abs(gaps - median) < 0.1 * median) > 0.9
    # and the early iterations, where the network changes most, are dense
    assert set(range(8)) <= set(it.tolist())


def test_timeline_stays_bounded_for_any_run_length():
    t = Timeline(np.zeros(3, np.float32), 0, capacity=64)
    targets = 0
    while t.next_target < 10**12:
        iteration = t.next_target
        t.record(iteration, np.full(3, iteration, np.float32))
        targets += 1
        assert t.count <= 64
    assert targets < 2000  # a few hundred kernel splits in a whole (absurdly long) run
    assert t.iterations[0] == 0 and t.iterations[-1] > 10**12 / 2**(1.0 * 2**t.level / timeline_mod.PER_OCTAVE) / 1.01
    # each snapshot still holds the parameters recorded at its own iteration after all the thinning
    assert np.array_equal([t.params(i)[0] for i in range(t.count)], t.iterations.astype(np.float32))


def test_capacity_shrinks_for_big_networks_within_its_bounds():
    assert timeline_mod.capacity_for(500) == timeline_mod.MAX_SNAPSHOTS
    big = timeline_mod.capacity_for(64 * 256 + 3 * 256 * 256 + 256 * 10)
    assert timeline_mod.MIN_SNAPSHOTS <= big < timeline_mod.MAX_SNAPSHOTS
    assert big * 4 * (64 * 256 + 3 * 256 * 256 + 256 * 10) <= timeline_mod.MEMORY_BUDGET


@pytest.mark.parametrize("settings", [{}, {"batch": 4, "shuffle": True, "hidden": (8, 6)}])
def test_a_snapshot_is_the_network_trained_exactly_that_many_iterations(settings):
    tr = Trainer({"seed": 5, **settings})
    for n in (1, 2, 777, 5000, 123, 9000):  # chunks that straddle the snapshot targets
        tr.steps(n)
    t = tr.timeline
    chosen = sorted({1, 7, t.count // 2, t.count - 1})
    for index in chosen:
        k = int(t.iterations[index])
        other = Trainer({"seed": 5, **settings})
        assert other.steps(k) == k
        assert bits(t.params(index)) == bits(other.net.params), f"snapshot at iteration {k}"


def test_run_and_the_worker_chunking_take_snapshots_too():
    tr = Trainer({"seed": 3})
    while tr.iterations < 20_000:
        tr.run(0.01)
    assert tr.timeline.count > 40 and tr.timeline.iterations[-1] > 10_000


# -- the controller -----------------------------------------------------------------------------
def test_frame_while_scrubbing_shows_the_snapshot_and_play_returns_to_now():
    c = make()
    c.state.playing = True
    c.state.speed = 50
    for _ in range(40):
        c.advance()
    live_before = c.trainer.iterations
    assert live_before == 2000
    c.apply(commands.Scrub(5))
    assert not c.state.playing, "scrubbing pauses training"
    c.advance()
    assert c.trainer.iterations == live_before
    t = c.trainer.timeline
    f = c.frame()
    assert f.scrubbed == 5 and f.metrics.iterations == t.iterations[5] == 5
    assert bits(f.params) == bits(t.params(5)) and bits(f.params) != bits(c.trainer.net.params)
    assert f.live_iterations == live_before and f.timeline.tolist() == t.iterations.tolist()
    assert not f.non_finite()
    # outputs and prediction come from the snapshot's weights
    x = c.trainer.dataset.x_train[f.input_index]
    then = c.trainer.forward(x, t.params(5))
    assert np.array_equal(f.outputs, then[-1])
    # Left/Right step between snapshots; right of the last one is the present
    c.apply(commands.ScrubBy(-1))
    assert c.frame().scrubbed == 4
    c.apply(commands.ScrubBy(10_000))
    assert c.frame().scrubbed == -1 and c.state.scrub_iteration == -1
    c.apply(commands.ScrubBy(-1))
    assert c.frame().scrubbed == t.count - 1
    # Play (Space) returns to the present and trains on
    c.apply(commands.TogglePlay())
    assert c.state.playing and c.state.scrub_iteration == -1
    f = c.frame()
    assert f.scrubbed == -1 and bits(f.params) == bits(c.trainer.net.params)
    assert f.metrics.iterations == live_before
    c.advance()
    assert c.trainer.iterations == live_before + 50


def test_commands_that_train_or_start_afresh_leave_the_past():
    c = make()
    c.apply(commands.Train(300))
    c.apply(commands.Scrub(3))
    c.apply(commands.Step())
    assert c.state.scrub_iteration == -1 and c.trainer.iterations == 301
    c.apply(commands.Scrub(3))
    c.apply(commands.Set("lr", 0.3))  # a live setting: still looking back
    assert c.frame().scrubbed == 3
    c.apply(commands.Set("hidden", (5,)))  # a new network: a new timeline
    f = c.frame()
    assert f.scrubbed == -1 and f.timeline.tolist() == [0]
    c.apply(commands.Train(100))
    c.apply(commands.ScrubTo(50))
    assert c.frame().metrics.iterations == c.trainer.timeline.iterations[c.trainer.timeline.index_at(50)] <= 50
    c.apply(commands.Reset())
    assert c.frame().scrubbed == -1 and c.trainer.timeline.count == 1
    c.apply(commands.Train(100))
    c.apply(commands.Scrub(0))
    c.state.playing = True  # something else starts training (the kiosk's attract demo)
    c.advance()
    assert c.frame().scrubbed == -1


def test_a_loaded_network_starts_a_new_timeline(tmp_path):
    c = make()
    c.apply(commands.Train(1234))
    saved = c.trainer.net.params.copy()
    path = str(tmp_path / "net.npz")
    c.apply(commands.Save(path))
    c.apply(commands.Train(500))
    c.apply(commands.Scrub(2))
    c.apply(commands.Load(path))
    t = c.trainer.timeline
    assert t.iterations.tolist() == [1234] and c.state.scrub_iteration == -1
    c.apply(commands.Train(100))
    c.apply(commands.Scrub(0))
    f = c.frame()
    assert f.metrics.iterations == 1234 and bits(f.params) == bits(saved)
    assert t.iterations[1] == 1235  # log-spaced from where it was loaded


def test_scrubbing_a_big_dataset_throttles_its_evaluation(monkeypatch):
    """While the slider moves, an expensive evaluation runs a few times a second, then catches up."""
    from glnn import scrub
    c = make()
    c.apply(commands.Train(3000))
    calls = []
    real = c.trainer.evaluation
    monkeypatch.setattr(c.trainer, "evaluation", lambda *a, **k: calls.append(a) or real(*a, **k))
    monkeypatch.setattr(scrub, "CHEAP_EVALUATION", -1.0)  # pretend every evaluation is expensive
    clock = [100.0]
    monkeypatch.setattr(scrub.time, "perf_counter", lambda: clock[0])
    for index in range(10, 20):  # one frame per snapshot, 1/60 s apart
        c.apply(commands.Scrub(index))
        f = c.frame()
        assert f.metrics.iterations == c.trainer.timeline.iterations[index]
        clock[0] += 1 / 60
    assert 1 <= len(calls) <= 3  # first frame, then at most once per METRICS_INTERVAL
    clock[0] += 0.2  # the slider rests: the figures catch up within METRICS_INTERVAL
    c.frame()
    fresh = c.trainer.evaluation("train", c.trainer.timeline.params(19))
    assert c.frame().metrics.train_loss == fresh[0]


# -- on screen: the window's own App, headless ----------------------------------------------------
ACCENT_RGB = np.array([84, 184, 255])  # the timeline's colour for the present (glnn.ui.timeline_bar)
GOLD_RGB = np.array([255, 204, 76])  # ... and for the past
APP_SIZE = (1000, 640)


def near(pixels: np.ndarray, rgb: np.ndarray, tolerance: int = 6) -> np.ndarray:
    return np.abs(pixels[..., :3].astype(int) - rgb).max(axis=-1) <= tolerance


def timeline_track(picture: np.ndarray, left: int) -> tuple[slice, int]:
    """The rows of the timeline's track (a band in the accent colour in the lower part of the scene,
    right of x = left) and its left end; fails if there is none."""
    h = picture.shape[0]
    band = near(picture, ACCENT_RGB)
    band[:int(h * 0.6)] = False
    band[:, :left] = False
    ys, xs = np.nonzero(band)
    assert len(xs) > 1000, "no timeline bar in the present's picture"
    y = int(np.median(ys))
    return slice(y - 12, y + 13), int(xs.min())


def test_the_bar_places_iterations_by_log_interpolation_between_snapshots():
    """The timeline bar's tick positions: log(1 + iteration) interpolated between neighbouring
    snapshots, the present last (checked against numpy's interp on random timelines)."""
    from glnn.ui.timeline_bar import positions
    rng = np.random.default_rng(4)
    for _ in range(500):
        timeline = np.unique(rng.integers(0, 10**7, rng.integers(1, 60))).astype(np.int64)
        live = int(timeline[-1]) + int(rng.integers(0, 3)) * int(rng.integers(0, 10**6))
        values = [10 ** k for k in range(1, 8)] + [int(timeline[0]), int(timeline[-1]), live, 0]
        stops = np.append(timeline, max(live, int(timeline[-1]))).astype(np.float64)
        expected = np.interp(np.log1p(values), np.log1p(stops), np.arange(len(stops), dtype=np.float64))
        np.testing.assert_allclose(positions(timeline, live, values), expected, rtol=0, atol=1e-9)


@pytest.fixture()
def app(make_app):
    a = make_app(Trainer({"seed": 3}), APP_SIZE)
    a.controller.apply(commands.Train(3000))
    return a


def send(window, *event) -> None:
    """Deliver a window event now, to every handler (ImGui's backend, then the App) as pyglet's loop would."""
    import pyglet
    pyglet.event.EventDispatcher.dispatch_event(window, *event)


def render(app, frames: int = 1) -> np.ndarray:
    from tests.conftest import read_pixels
    for _ in range(frames):
        app.frame()
    return read_pixels(*app.window.get_framebuffer_size())[..., :3]


@pytest.mark.gl
def test_dragging_the_timeline_shows_the_past_until_play(app, monkeypatch):
    from pyglet.window import key, mouse

    from glnn.ui import overlay
    h = APP_SIZE[1]
    now = render(app, 3)
    scene = (slice(60, int(h * 0.7)), slice(420, APP_SIZE[0]))
    # the bar: a band in the accent colour along the bottom of the scene, from its left end to "now"
    rows, left = timeline_track(now, 360)
    assert not near(now[rows, 360:], GOLD_RGB).any(), "the present is drawn in gold"
    y = (rows.start + rows.stop) // 2
    # press on the left end of the track: the network as it was at iteration 0
    send(app.window, "on_mouse_motion", left + 2, h - y, 0, 0)
    render(app)
    send(app.window, "on_mouse_press", left + 2, h - y, mouse.LEFT, 0)
    then = render(app, 2)
    send(app.window, "on_mouse_release", left + 2, h - y, mouse.LEFT, 0)
    render(app)
    assert app.state.scrub_iteration == 0 and not app.state.playing
    initial = Trainer({"seed": 3}).net.params
    assert bits(app.controller.frame().params) == bits(initial)
    changed = np.abs(then[scene].astype(int) - now[scene]).max(axis=-1) > 24
    assert changed.mean() > 0.02, f"only {changed.mean():.1%} of the scene changed going back to iteration 0"
    assert near(then[rows, 360:], GOLD_RGB).sum() > 100, "the knob is not gold while looking back"
    # the tooltip reads the snapshot's weights, not the live network's
    seen = []
    monkeypatch.setattr(overlay, "tooltip", lambda layout, frame, net, *rest: seen.append(net.params.copy()))
    hidden = int(app.layout.layer_start[1])
    nx, ny = app.layout.nodes[hidden][:2]
    send(app.window, "on_mouse_motion", float(nx), h - float(ny), 0, 0)
    render(app, 2)
    assert app.hover_neuron == hidden and seen and bits(seen[-1]) == bits(initial)
    # Right steps forward a snapshot; Space plays on from now
    send(app.window, "on_key_press", key.RIGHT, 0)
    assert app.controller.frame().scrubbed == 1
    send(app.window, "on_key_press", key.SPACE, 0)
    assert app.state.playing and app.state.scrub_iteration == -1
    render(app)
    assert app.controller.trainer.iterations > 3000
    assert bits(seen[-1]) == bits(app.controller.trainer.net.params), "the tooltip is back to the live weights"


@pytest.mark.gl
def test_screenshot_scrubbed_to_zero_differs_from_the_present(tmp_path):
    from PIL import Image

    from tests.test_screenshot import run_glnn, scene_box
    pictures = {}
    for name, extra in (("now", []), ("then", ["--scrub", "0"])):
        proc = run_glnn(["--screenshot", f"{name}.png", "--iterations", "3000", "--size", "960x600", *extra],
                        cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        with Image.open(tmp_path / f"{name}.png") as im:
            pictures[name] = np.array(im.convert("RGB")).astype(int)
    now, then = pictures["now"], pictures["then"]
    changed = np.abs(scene_box(now) - scene_box(then)).max(axis=-1) > 24
    assert changed.mean() > 0.02, f"only {changed.mean():.1%} of the scene differs"
    rows, _ = timeline_track(now, 360)
    assert not near(now[rows, 360:], GOLD_RGB).any()
    assert near(then[rows, 360:], GOLD_RGB).sum() > 100, "no gold knob on the timeline while looking back"
    assert near(then[rows, 360:], ACCENT_RGB).sum() < 50, "the track is still filled up to now"
