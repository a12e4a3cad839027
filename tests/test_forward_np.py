"""The NumPy forward pass a window reads its network with before the kernels load (glnn.core.forward_np),
against the kernels it stands in for, and the trainer's reading calls on it (glnn.core.lazy_kernels)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from glnn.core import forward_np, kernels, lazy_kernels
from glnn.core.trainer import Trainer
from test_kernels import DEEP, GREY, NO_HIDDEN, ONE_OUTPUT, SINGLE, case_id

CASES = SINGLE + DEEP + ONE_OUTPUT + NO_HIDDEN + GREY
RTOL, ATOL = 1e-5, 1e-6  # float32 rounding: the two sum the dot products in different orders


def trained(settings) -> Trainer:
    trainer = Trainer(dict(settings, lr=0.5))
    trainer.steps(300)  # weights that have moved, so that every output is not near its start
    return trainer


def rows_of(trainer) -> tuple[np.ndarray, np.ndarray]:
    """The training set and a few rows of every sign and size, with labels of every class."""
    ds = trainer.dataset
    rng = np.random.default_rng(1)
    extra = rng.normal(0.0, 3.0, (20, ds.n_inputs)).astype(np.float32)
    x = np.ascontiguousarray(np.concatenate([ds.x_train[:200], extra]), np.float32)
    y = rng.integers(0, ds.n_classes, len(x)).astype(np.int32)
    return x, y


@pytest.mark.parametrize("settings", CASES, ids=case_id)
def test_values_and_evaluate_match_the_kernels(settings):
    trainer = trained(settings)
    shape, params = trainer.shape, trainer.net.params
    x, y = rows_of(trainer)
    by_kernel = np.zeros((int(shape.a_off[-1]), len(x)), np.float32)
    kernels.forward_all(*shape.args(params), x, by_kernel)
    values = forward_np.values(shape, params, x)
    assert values.shape == (len(x), int(shape.a_off[-1])) and values.dtype == np.float32
    np.testing.assert_allclose(values, by_kernel.T, rtol=RTOL, atol=ATOL)

    out, losses = trainer_outputs_and_losses(trainer, x, y)
    np_out, np_losses = forward_np.evaluate(shape, params, x, y, trainer.on_value)
    assert np_out.dtype == np.float32 and np_losses.dtype == np.float32
    np.testing.assert_allclose(np_out, out, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(np_losses, losses, rtol=1e-4, atol=1e-5)


def test_saturated_outputs_give_large_finite_losses_as_the_kernel_does():
    """Weights far out: sigmoids at exactly 0 or 1, softmax at 0 for the target; the logarithm's clamp
    keeps every loss finite, and no overflow warning escapes."""
    for settings in (SINGLE[2], ONE_OUTPUT[1], SINGLE[0]):  # softmax, one output with cross-entropy, squared error
        trainer = Trainer(dict(settings))
        trainer.net.params[:] = np.where(np.arange(trainer.net.n_params) % 2, 60.0, -60.0)
        x, y = rows_of(trainer)
        with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is as it should be
            np_out, np_losses = forward_np.evaluate(trainer.shape, trainer.net.params, x, y, trainer.on_value)
        assert np.isfinite(np_losses).all() and np.isfinite(np_out).all()
        _, by_kernel = trainer_outputs_and_losses(trainer, x, y)
        np.testing.assert_allclose(np_losses, by_kernel, rtol=1e-4, atol=1e-5)


def trainer_outputs_and_losses(trainer, x, y):
    shape, scratch = trainer.shape, int(trainer.shape.a_off[-1])
    out, losses = np.zeros((len(x), int(shape.sizes[-1])), np.float32), np.zeros(len(x), np.float32)
    kernels.evaluate(*shape.args(trainer.net.params), x, y, trainer.on_value, np.zeros(scratch, np.float32),
                     np.zeros(scratch, np.float32), shape.a_off, out, losses)
    return out, losses


def unload(monkeypatch) -> None:
    """From here on the trainer sees the kernels as not loaded yet (a window's first frames), and any
    call that would reach them fails the test."""
    def get():
        raise AssertionError("the kernels were asked for before they loaded")
    monkeypatch.setattr(lazy_kernels, "loaded", lambda: False)
    monkeypatch.setattr(lazy_kernels, "get", get)


@pytest.mark.parametrize("settings", [SINGLE[0], SINGLE[5], DEEP[-1], ONE_OUTPUT[6], GREY[2], NO_HIDDEN[-1]],
                         ids=case_id)
def test_the_trainer_reads_its_network_the_same_before_the_kernels_load(settings, monkeypatch):
    """forward, outputs, the train/test evaluation, the metrics and the dead-neuron count: with NumPy
    before the kernels load, and by the kernels after, the same within rounding."""
    trainer = trained(settings)
    ds = trainer.dataset
    snapshot = trainer.timeline.params(0)  # the look-back path: other weights than the network's own
    with_kernels = (trainer.forward(ds.x_train[3]), trainer.forward(ds.x_train[3], snapshot),
                    trainer.outputs(ds.x_train[:7]), trainer.evaluation_job().run(), trainer.dead_neurons(),
                    trainer.evaluation("train", snapshot))
    trainer._evaluation = None  # made again below, without the kernels
    unload(monkeypatch)
    without = (trainer.forward(ds.x_train[3]), trainer.forward(ds.x_train[3], snapshot),
               trainer.outputs(ds.x_train[:7]), trainer.evaluation_job().run(), trainer.dead_neurons(),
               trainer.evaluation("train", snapshot))
    metrics = trainer.metrics()
    for a, b in zip(with_kernels[0] + with_kernels[1], without[0] + without[1]):
        np.testing.assert_allclose(b, a, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(without[2], with_kernels[2], rtol=RTOL, atol=ATOL)
    for split, (loss, accuracy, predicted) in with_kernels[3].splits.items():
        np_loss, np_accuracy, np_predicted = without[3].splits[split]
        assert np_loss == pytest.approx(loss, rel=1e-5, abs=1e-7)
        assert np_accuracy == accuracy and np.array_equal(np_predicted, predicted)
    assert without[4] == with_kernels[4]
    assert without[5][0] == pytest.approx(with_kernels[5][0], rel=1e-5, abs=1e-7)
    assert without[5][1] == with_kernels[5][1]
    assert metrics.train_loss == pytest.approx(with_kernels[3].splits["train"][0], rel=1e-5, abs=1e-7)


def test_the_decision_map_is_the_same_before_the_kernels_load(monkeypatch):
    """The input plane's grid (glnn.core.plane) through NumPy, as the Space tab would show it at once."""
    from glnn.core.plane import PlaneField
    trainer = trained(ONE_OUTPUT[6])
    field = PlaneField.for_network(trainer.net, trainer.dataset)
    by_kernel = field.evaluate(trainer.net.params).copy()
    exact = field.exact(trainer.net.params, 0.3, -0.4)
    unload(monkeypatch)
    field = PlaneField.for_network(trainer.net, trainer.dataset)
    np.testing.assert_allclose(field.evaluate(trainer.net.params), by_kernel, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(field.exact(trainer.net.params, 0.3, -0.4), exact, rtol=RTOL, atol=ATOL)


def test_the_check_can_fail():
    """A NumPy pass on other weights does not pass for the kernels' (the tolerance is not loose)."""
    trainer = trained(SINGLE[0])
    x, _ = rows_of(trainer)
    by_kernel = np.zeros((int(trainer.shape.a_off[-1]), len(x)), np.float32)
    kernels.forward_all(*trainer.shape.args(trainer.net.params), x, by_kernel)
    nudged = trainer.net.params.copy()
    nudged[0] += 1e-3
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(forward_np.values(trainer.shape, nudged, x), by_kernel.T, rtol=RTOL, atol=ATOL)


def test_a_trainer_built_without_the_kernels_reads_without_numba_and_its_first_training_loads_them():
    """A trainer built with load_kernels=False (a window's) reads its network without importing Numba;
    its first training call loads the kernels itself."""
    code = ("import sys\n"
            "from glnn.core import lazy_kernels\n"
            "from glnn.core.trainer import Trainer\n"
            "t = Trainer({'dataset': 'digits5', 'hidden': (16,)}, load_kernels=False)\n"
            "m = t.metrics()\n"
            "print('numba' in sys.modules, lazy_kernels.loaded(), round(m.train_loss, 5))\n"
            "t.steps(100)\n"
            "print('numba' in sys.modules, lazy_kernels.loaded(), t.iterations)\n")
    root = Path(__file__).resolve().parent.parent
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "PYTHONPATH": str(root)})
    assert r.returncode == 0, r.stderr[-2000:]
    before, after = r.stdout.split("\n")[:2]
    assert before.split()[:2] == ["False", "False"], r.stdout
    assert float(before.split()[2]) > 0
    assert after.split() == ["True", "True", "100"], r.stdout
