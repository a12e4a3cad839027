"""History scrubbing: log-spaced snapshots in bounded memory, exact to the iteration, and the
scene, panel, tooltips and timeline bar showing the past until Play returns to now."""
from __future__ import annotations

import numpy as np
import pytest

from glnn import timeline as timeline_mod
from glnn.controller import AppState, Controller
from glnn.timeline import Timeline
from glnn.trainer import Trainer


def make(**settings):
    return Controller(Trainer({"seed": 3, **settings}), AppState(), threaded=False)


def bits(a: np.ndarray) -> bytes:
    return np.ascontiguousarray(a, np.float32).tobytes()


# -- the timeline -------------------------------------------------------------------------------
def test_scrubbing_to_zero_restores_the_initial_weights_bitwise():
    c = make()
    initial = c.trainer.net.params.copy()
    fresh = Trainer({"seed": 3})
    c.apply("train", 5000)
    assert bits(c.trainer.net.params) != bits(initial)
    c.apply("scrub", 0)
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
    assert np.array_equal(t._params[:t.count, 0], t.iterations.astype(np.float32))


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
    c.apply("scrub", 5)
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
    c.apply("scrub_by", -1)
    assert c.frame().scrubbed == 4
    c.apply("scrub_by", 10_000)
    assert c.frame().scrubbed == -1 and c.state.scrub_iteration == -1
    c.apply("scrub_by", -1)
    assert c.frame().scrubbed == t.count - 1
    # Play (Space) returns to the present and trains on
    c.apply("toggle_play")
    assert c.state.playing and c.state.scrub_iteration == -1
    f = c.frame()
    assert f.scrubbed == -1 and bits(f.params) == bits(c.trainer.net.params)
    assert f.metrics.iterations == live_before
    c.advance()
    assert c.trainer.iterations == live_before + 50


def test_commands_that_train_or_start_afresh_leave_the_past():
    c = make()
    c.apply("train", 300)
    c.apply("scrub", 3)
    c.apply("step")
    assert c.state.scrub_iteration == -1 and c.trainer.iterations == 301
    c.apply("scrub", 3)
    c.apply("set", "lr", 0.3)  # a live setting: still looking back
    assert c.frame().scrubbed == 3
    c.apply("set", "hidden", (5,))  # a new network: a new timeline
    f = c.frame()
    assert f.scrubbed == -1 and f.timeline.tolist() == [0]
    c.apply("train", 100)
    c.apply("scrub_to", 50)
    assert c.frame().metrics.iterations == c.trainer.timeline.iterations[c.trainer.timeline.index_at(50)] <= 50
    c.apply("reset")
    assert c.frame().scrubbed == -1 and c.trainer.timeline.count == 1
    c.apply("train", 100)
    c.apply("scrub", 0)
    c.state.playing = True  # something else starts training (the kiosk's attract demo)
    c.advance()
    assert c.frame().scrubbed == -1


def test_a_loaded_network_starts_a_new_timeline(tmp_path):
    c = make()
    c.apply("train", 1234)
    saved = c.trainer.net.params.copy()
    path = str(tmp_path / "net.npz")
    c.apply("save", path)
    c.apply("train", 500)
    c.apply("scrub", 2)
    c.apply("load", path)
    t = c.trainer.timeline
    assert t.iterations.tolist() == [1234] and c.state.scrub_iteration == -1
    c.apply("train", 100)
    c.apply("scrub", 0)
    f = c.frame()
    assert f.metrics.iterations == 1234 and bits(f.params) == bits(saved)
    assert t.iterations[1] == 1235  # log-spaced from where it was loaded


def test_scrubbing_a_big_dataset_throttles_its_evaluation(monkeypatch):
    """While the slider moves, an expensive evaluation runs a few times a second, then catches up."""
    from glnn import scrub
    c = make()
    c.apply("train", 3000)
    calls = []
    real = c.trainer.evaluation
    monkeypatch.setattr(c.trainer, "evaluation", lambda *a, **k: calls.append(a) or real(*a, **k))
    monkeypatch.setattr(scrub, "CHEAP_EVALUATION", -1.0)  # pretend every evaluation is expensive
    clock = [100.0]
    monkeypatch.setattr(scrub.time, "perf_counter", lambda: clock[0])
    for index in range(10, 20):  # one frame per snapshot, 1/60 s apart
        c.apply("scrub", index)
        f = c.frame()
        assert f.metrics.iterations == c.trainer.timeline.iterations[index]
        clock[0] += 1 / 60
    assert 1 <= len(calls) <= 3  # first frame, then at most once per METRICS_INTERVAL
    c.frame()  # the slider rests: the figures catch up
    fresh = c.trainer.evaluation("train", c.trainer.timeline.params(19))
    assert c.frame().metrics.train_loss == fresh[0]
