"""Metrics off the frame path: evaluations prepared under the lock, run on the worker thread while
it trains, taken in by the controller; results equal to evaluating the same weights directly."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from glnn import commands
from glnn.controller import Controller
from glnn.core import confusion
from glnn.core.trainer import Trainer
from glnn.state import AppState


def test_an_evaluation_job_equals_evaluating_its_weights():
    tr = Trainer({"dataset": "digits5", "hidden": (16,)})
    tr.steps(300)
    job = tr.evaluation_job()
    params = tr.net.params.copy()
    tr.steps(200)  # training goes on: the job keeps the weights it was made with
    e = job.run()
    assert e.iterations == 300 and e.network is tr.net
    for split, (x, y) in {"train": (tr.dataset.x_train, tr.dataset.y_train),
                          "test": (tr.dataset.x_test, tr.dataset.y_test)}.items():
        loss, accuracy, out = tr.evaluate(x, y, params)
        assert e.splits[split][0] == loss and e.splits[split][1] == accuracy
        assert np.array_equal(e.splits[split][2], tr.predict(out))


def test_accept_records_in_order_and_refuses_another_networks():
    tr = Trainer({"dataset": "digits5", "hidden": (8,)})
    early = tr.evaluation_job()
    tr.steps(50)
    late = tr.evaluation_job()
    m = tr.accept(late.run())
    assert m.iterations == 50 and tr.metric_history.count == 1
    assert tr.accept(early.run()).iterations == 0  # measured, but too old for the curve
    assert tr.metric_history.count == 1
    assert tr.metrics() == tr.metrics_of(tr.evaluation_now())
    old = tr.evaluation_job()
    tr.reset()
    assert tr.accept(old.run()) is None  # made on the network before the reset
    assert tr.metric_history.count == 0


def _spy_on_evaluations(monkeypatch) -> list[str]:
    """Names of the threads that ran evaluation jobs."""
    from glnn.core import trainer as trainer_mod
    threads: list[str] = []
    original = trainer_mod.EvaluationJob.run

    def run(self):
        threads.append(threading.current_thread().name)
        return original(self)
    monkeypatch.setattr(trainer_mod.EvaluationJob, "run", run)
    return threads


@pytest.mark.timeout(120)
def test_at_speed_max_the_worker_evaluates_and_the_figures_follow(monkeypatch):
    threads = _spy_on_evaluations(monkeypatch)
    tr = Trainer({"dataset": "digits5", "hidden": (16,)})
    c = Controller(tr, AppState(playing=True, speed=0), threaded=True)
    try:
        first = c.frame()
        assert threads == ["MainThread"]  # a network never measured is measured at once
        seen = set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(tr.metric_history.points()[0]) < 5:
            c.advance()
            frame = c.frame()
            seen.add(frame.metrics.iterations)
            time.sleep(0.02)
        assert threads[1:] and set(threads[1:]) == {"glnn-trainer"}, threads
        assert len(tr.metric_history.points()[0]) >= 5
        xs = tr.metric_history.points()[0]
        assert np.all(np.diff(xs) > 0)
        # the results shown belong to the evaluation the figures come from, and match the network of then
        c.apply(commands.Play(False))
        c.advance()
        time.sleep(0.1)
        frame = c.frame()
        for _ in range(100):  # paused: the next evaluation measures the weights as they stay
            if c.frame().results["train"].iterations == tr.iterations:
                break
            time.sleep(0.02)
        frame = c.frame()
        assert frame.results["train"].iterations == tr.iterations == frame.metrics.iterations
        assert np.array_equal(frame.results["test"].matrix, confusion.split_result(tr, "test").matrix)
        assert frame.metrics.train_accuracy == tr.metrics().train_accuracy
        assert first.metrics.iterations == 0
    finally:
        c.close()


@pytest.mark.timeout(120)
def test_a_rebuild_while_the_worker_evaluates_keeps_the_old_numbers_out(monkeypatch):
    tr = Trainer({"dataset": "digits5", "hidden": (16,)})
    c = Controller(tr, AppState(playing=True, speed=0), threaded=True)
    try:
        c.frame()
        for _ in range(20):
            c.advance()
            c.frame()
            time.sleep(0.01)
        c.apply(commands.Set("hidden", (5,)))  # a new network: whatever the worker measures now is stale
        frame = c.frame()
        assert frame.metrics.iterations == c.trainer.iterations  # measured at once on the new network
        for _ in range(30):
            c.advance()
            frame = c.frame()
            time.sleep(0.01)
        assert frame.results["train"].matrix.sum() == len(c.trainer.dataset.y_train)
        history_x = c.trainer.metric_history.points()[0]
        assert np.all(np.diff(history_x) > 0) and (len(history_x) == 0 or history_x[-1] <= c.trainer.iterations)
    finally:
        c.close()


@pytest.mark.timeout(120)
def test_while_training_the_dead_neurons_are_counted_on_the_worker(monkeypatch):
    """A rebuilt network's dead neurons are counted at once; later counts go to the worker thread, off
    the frame path, and their figures reach the frame."""
    from glnn.core import trainer as trainer_mod
    threads: list[str] = []
    original = trainer_mod.Trainer.dead_neurons_job

    def spying_job(self, params=None):
        count = original(self, params)

        def run():
            threads.append(threading.current_thread().name)
            return count()
        return run
    monkeypatch.setattr(trainer_mod.Trainer, "dead_neurons_job", spying_job)
    # ReLU at a high learning rate: neurons die as it trains
    tr = Trainer({"dataset": "digits5", "hidden": (32,), "activation": "relu", "lr": 3.0, "seed": 1})
    c = Controller(tr, AppState(playing=True, speed=0), threaded=True)
    try:
        c.frame()
        assert threads == ["MainThread"]
        deadline = time.monotonic() + 60
        frame = c.frame()
        while time.monotonic() < deadline and ("glnn-trainer" not in threads or frame.dead_neurons[0] == 0):
            c.advance()
            frame = c.frame()
            time.sleep(0.02)
        assert set(threads[1:]) == {"glnn-trainer"}, threads
        with c.worker.main_thread():
            params = tr.net.params.copy()
        dead, total = frame.dead_neurons
        assert total == 32 and dead > 0
        assert tr.dead_neurons(params)[1] == 32
    finally:
        c.close()


@pytest.mark.timeout(60)
def test_a_job_that_fails_is_reported_once_and_training_goes_on(capfd):
    from glnn.worker import TrainingWorker
    tr = Trainer({"dataset": "digits5", "hidden": (8,)})
    w = TrainingWorker(lambda: tr)
    try:
        def fails():
            raise MemoryError("no room for the count")
        for _ in range(2):
            w.submit("dead-neuron count", fails)
            deadline = time.monotonic() + 10
            while w.pending("dead-neuron count") and time.monotonic() < deadline:
                time.sleep(0.01)
            assert not w.pending("dead-neuron count") and w.take("dead-neuron count") is None
        w.submit("evaluation", lambda: 42)
        deadline = time.monotonic() + 10
        while w.pending("evaluation") and time.monotonic() < deadline:
            time.sleep(0.01)
        assert w.take("evaluation") == 42  # the thread lives on
        w.set_running(True)
        deadline = time.monotonic() + 10
        while tr.iterations == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert tr.iterations > 0 and w.thread.is_alive()
    finally:
        w.stop()
    err = capfd.readouterr().err
    assert err.count("glnn: the dead-neuron count failed on the training thread (MemoryError: no room for the count)") == 1
    assert "Traceback" not in err
