"""Kernels specialised to one network (glnn.core.specialise): the generic kernel's results bit for bit,
compiled in a child process and switched to mid-run, only ever for the network they were made for."""
from __future__ import annotations

import time

import numpy as np
import pytest
from numba import typeof, types

from glnn.core import kernels, specialise
from glnn.core.trainer import Trainer
from glnn_testutil import kernel_steps

# every branch the specialisation fixes: activations, losses (softmax, sigmoid with squared error, one sigmoid
# output with cross-entropy), bias or none, one to four hidden layers, grey inputs, batches, shuffling
CASES = [dict(dataset="digits5", hidden=(16,)),
         dict(dataset="digits5", hidden=(12, 7), activation="tanh", loss="xent", shuffle=True),
         dict(dataset="xor3", hidden=(4,), activation="relu", loss="xent", bias=False),
         dict(dataset="digits8", hidden=(8, 7, 8, 5), activation="relu", loss="sse", batch=3)]


def case_id(s):
    return "-".join(f"{k}={v}" for k, v in s.items())


@pytest.fixture
def fresh_state(monkeypatch):
    """The module's bookkeeping emptied for one test, and restored after it."""
    for name in ("_ready", "_jobs", "_absent", "_failed"):
        monkeypatch.setattr(specialise, name, type(getattr(specialise, name))())
    monkeypatch.setattr(specialise, "background", False)


@pytest.mark.parametrize("settings", CASES, ids=case_id)
def test_a_specialised_kernel_trains_bit_for_bit_like_the_generic_one(settings, monkeypatch):
    generic, special = Trainer(settings), Trainer(settings)
    done, losses = kernel_steps(generic, 1500)
    monkeypatch.setattr(kernels, "train_steps", kernels.specialised_train_steps(special.kernel_spec()))
    done_s, losses_s = kernel_steps(special, 1500)
    assert done == done_s == 1500
    assert np.array_equal(generic.net.params, special.net.params)
    assert np.array_equal(losses, losses_s)
    assert np.array_equal(generic._state, special._state) and np.array_equal(generic._order, special._order)
    assert not np.array_equal(generic.net.params, Trainer(settings).net.params)  # it did train


def test_a_specialised_kernel_refuses_another_network():
    trainer = Trainer(dict(hidden=(6,)))
    params, sizes, w_off, b_off, bias, act, loss = trainer._kernel_args()
    others = [trainer.kernel_spec(batch=2)] + [Trainer({"hidden": (6,), **change}).kernel_spec()
                                               for change in (dict(hidden=(6, 6)), dict(loss="xent"), dict(bias=False))]
    for spec in others:
        special = kernels.specialised_train_steps(spec)
        with pytest.raises(ValueError, match="another network"):
            special(params, trainer._grad, sizes, w_off, b_off, bias, act, loss, trainer.dataset.x_train,
                    trainer.dataset.y_train, trainer._order, trainer._state, 10, np.float32(0.1), np.float32(0), np.float32(0), 1, False,
                    trainer.on_value, trainer._acts, trainer._deltas, trainer._a_off, trainer._losses)
    assert trainer.iterations == 0


def test_the_trainer_calls_kernels_with_the_signature_they_are_compiled_for(fresh_state, monkeypatch):
    seen = []

    def recording(spec):
        def kernel(*args):
            seen.append(tuple(typeof(a) for a in args) + (types.Omitted(None),))
            return kernels.train_steps(*args)
        return kernel
    monkeypatch.setattr(specialise, "kernel", recording)
    for settings in CASES:
        trainer = Trainer(settings)
        trainer.steps(3)
        trainer.train_sample(1)
    assert seen and set(seen) == {kernels.train_signature()}


def test_without_background_compiling_nothing_is_started(fresh_state):
    spec = Trainer(CASES[2]).kernel_spec()
    specialise._ready.pop(spec, None)
    specialise._absent.add(spec)  # as if the cache did not have it
    assert specialise.kernel(spec) is None
    assert not specialise._jobs


def test_a_child_process_compiles_and_the_trainer_switches_mid_run(fresh_state, monkeypatch):
    settings = CASES[1]
    trainer = Trainer(settings)
    spec = trainer.kernel_spec()
    specialise._ready.pop(spec, None)
    specialise._absent.add(spec)  # not looked up in this process: the child makes (or finds) it
    monkeypatch.setattr(specialise, "background", True)
    assert trainer._train_kernel(1) is kernels.train_steps
    assert spec in specialise._jobs
    deadline = time.monotonic() + 280
    while trainer._train_kernel(1) is kernels.train_steps:
        assert specialise._jobs.get(spec) is not None, "the child failed"
        assert time.monotonic() < deadline, "the child did not finish"
        trainer.steps(100)
        time.sleep(0.05)
    assert trainer._train_kernel(1) is specialise.kernel(spec)
    trainer.steps(1000)
    # switching changed nothing but the speed: the same weights as the generic kernel all the way
    monkeypatch.setattr(specialise, "kernel", lambda spec: None)
    generic = Trainer(settings)
    generic.steps(trainer.iterations)
    assert np.array_equal(trainer.net.params, generic.net.params)
