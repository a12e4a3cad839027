"""The Numba kernels against an independent NumPy reference (tests/reference.py).

Yardstick: the reference run in float64 from the kernel's float32 starting weights, i.e.
the exact-arithmetic trajectory. The kernels run in float32 with fast-math reassociation
and a custom exp of about 1 ulp; over 1,000 steps they stay within ~1e-6 absolute of it
(weights of magnitude 0.1..5, losses 1e-3..3), which is 1% of RTOL/ATOL below. The
float32 reference is itself a float32 approximation of that trajectory and on ReLU
networks (where a neuron sitting near its kink amplifies rounding) it can wander 100x
further than the kernel does, so it is compared separately, on the well-conditioned
one-hidden-layer cases only (test_float32_reference_agrees_too).

The tolerances still reject, by orders of magnitude, a reference with a doubled or 10%
higher learning rate, a wrong target or a visiting order shifted by one sample
(test_reference_comparison_can_fail).

The cases are chosen to be well-conditioned: a deep ReLU network at a large learning
rate is chaotic (float32 and float64 runs of the *reference itself* part ways after a
few hundred steps), which would test rounding, not the algorithm.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import reference as ref
from glnn.core import kernels
from glnn.core.model import Network
from glnn.core.trainer import Trainer
from glnn_testutil import kernel_steps, layers_of

RTOL, ATOL = 1e-3, 1e-4
N_STEPS = 1000
REF_DTYPE = np.float64

ACTS = ("sigmoid", "tanh", "relu")
LOSSES = ("sse", "xent")

SINGLE = [dict(dataset="digits5", hidden=(8,), activation=a, loss=l, bias=b, lr=0.1)
          for a, l, b in itertools.product(ACTS, LOSSES, (True, False))]
DEEP = ([dict(dataset="digits5", hidden=(12, 7), activation=a, loss=l, bias=True, lr=0.05)
         for a, l in itertools.product(ACTS, LOSSES)]
        + [dict(dataset="digits5", hidden=(12, 7), activation="relu", loss="sse", bias=False, lr=0.05),
           dict(dataset="digits5", hidden=(9, 5, 4), activation="sigmoid", loss="sse", bias=True, lr=0.05),
           dict(dataset="digits5", hidden=(8, 6, 3), activation="tanh", loss="sse", bias=False, lr=0.05),
           dict(dataset="digits5", hidden=(8, 7, 8, 5), activation="sigmoid", loss="xent", bias=True, lr=0.1)])
ONE_OUTPUT = ([dict(dataset="xor3", hidden=(4,), activation=a, loss=l, bias=b, lr=0.1)
               for (a, l), b in zip(itertools.product(ACTS, LOSSES), itertools.cycle((True, False)))]
              + [dict(dataset="circle", hidden=(6,), activation="tanh", loss="xent", bias=True, lr=0.3),
                 dict(dataset="circle", hidden=(6,), activation="relu", loss="sse", bias=True, lr=0.3)])
# grey-level inputs (every other dataset here has 0/1 pixels or only two inputs)
# no hidden layer (--hidden 0): one weight layer, the inputs straight into the output
NO_HIDDEN = ([dict(dataset="digits5", hidden=(), activation="sigmoid", loss=l, bias=b, lr=0.1)
              for l, b in itertools.product(LOSSES, (True, False))]
             + [dict(dataset="circle", hidden=(), features=("x1sq", "x2sq"), activation="tanh", loss=l, bias=True,
                     lr=0.3) for l in LOSSES])
GREY = [dict(dataset="digits8", hidden=(16,), activation="sigmoid", loss="sse", bias=True, lr=0.5),
        dict(dataset="digits8", hidden=(16,), activation="relu", loss="xent", bias=False, lr=0.05),
        dict(dataset="digits8", hidden=(10, 5), activation="tanh", loss="xent", bias=True, lr=0.05)]


def case_id(s):
    return "-".join([s["dataset"], "x".join(map(str, s["hidden"])) or "nohidden", s["activation"], s["loss"],
                     "bias" if s["bias"] else "nobias"] + ([f"batch{s['batch']}"] if s.get("batch", 1) > 1 else []))


def run_both(settings, n=N_STEPS, **ref_overrides):
    """Train n steps in the kernel and in the reference from the same start.

    Returns (kernel weights, kernel biases, kernel losses), (reference ...), the trainer.
    """
    trainer = Trainer(settings)
    ws0, bs0 = layers_of(trainer.net)
    done, losses = kernel_steps(trainer, n)
    assert done == n, "the kernel stopped early (reported divergence)"
    ws1, bs1 = layers_of(trainer.net)
    ds = trainer.dataset
    s = trainer.settings
    args = dict(activation=s["activation"], loss=s["loss"], lr=s["lr"], n_iter=n, batch=s["batch"], dtype=REF_DTYPE)
    args.update(ref_overrides)
    rw, rb, rl = ref.sgd(ws0, bs0, ds.x_train, ds.y_train, **args)
    return (ws1, bs1, losses), (rw, rb, rl), trainer


def agrees(kernel_result, ref_result) -> bool:
    kw, kb, kl = kernel_result
    rw, rb, rl = ref_result
    ok = all(np.allclose(a, b, rtol=RTOL, atol=ATOL) for a, b in zip(kw, rw))
    if kb is not None or rb is not None:
        ok = ok and all(np.allclose(a, b, rtol=RTOL, atol=ATOL) for a, b in zip(kb, rb))
    return ok and np.allclose(kl, rl, rtol=RTOL, atol=ATOL)


def assert_agrees(kernel_result, ref_result):
    kw, kb, kl = kernel_result
    rw, rb, rl = ref_result
    for l, (a, b) in enumerate(zip(kw, rw)):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL, err_msg=f"weights of layer {l}")
    assert (kb is None) == (rb is None)
    if kb is not None:
        for l, (a, b) in enumerate(zip(kb, rb)):
            np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL, err_msg=f"biases of layer {l}")
    np.testing.assert_allclose(kl, rl, rtol=RTOL, atol=ATOL, err_msg="per-iteration losses")
    assert agrees(kernel_result, ref_result)


# -- per-sample SGD against the reference ------------------------------------------------------
@pytest.mark.parametrize("settings", SINGLE + DEEP + ONE_OUTPUT + NO_HIDDEN + GREY, ids=case_id)
def test_sgd_matches_reference(settings):
    kernel_result, ref_result, trainer = run_both(settings)
    assert_agrees(kernel_result, ref_result)
    # the comparison is not vacuous: the weights moved, and the loss went down
    ws0, _ = layers_of(Network(trainer.arch, seed=trainer.settings["seed"]))
    moved = max(float(np.abs(a - b).max()) for a, b in zip(kernel_result[0], ws0))
    assert moved > 10 * ATOL
    losses = kernel_result[2]
    window = min(max(50, len(trainer.dataset.y_train)), len(losses) // 2)  # whole epochs where possible
    assert losses[-window:].mean() < losses[:window].mean()


@pytest.mark.parametrize("settings", SINGLE, ids=case_id)
def test_float32_reference_agrees_too(settings):
    kernel_result, ref_result, _ = run_both(settings, dtype=np.float32)
    assert ref_result[0][0].dtype == np.float32
    assert_agrees(kernel_result, ref_result)


@pytest.mark.parametrize("settings", [SINGLE[0], SINGLE[7], DEEP[2], ONE_OUTPUT[1]], ids=case_id)
def test_reference_comparison_can_fail(settings):
    """The same comparison rejects a reference that is subtly wrong in any of several ways."""
    n = 300  # shorter than the real comparisons: a wrong reference is already far off by then
    kernel_result, ref_result, trainer = run_both(settings, n=n)
    assert agrees(kernel_result, ref_result)
    n_samples = len(trainer.dataset.y_train)
    wrong = {"lr doubled": dict(lr=2 * settings["lr"]),
             "lr 10% high": dict(lr=1.1 * settings["lr"]),
             "wrong target": dict(on_value=0.9 if settings["loss"] == "sse" else 0.95),
             "starts at sample 1": dict(order=(k % n_samples for k in itertools.count(1)))}
    for what, overrides in wrong.items():
        _, bad_ref, _ = run_both(settings, n=n, **overrides)
        assert not agrees(kernel_result, bad_ref), f"a reference with {what} still agrees"


# -- regularisation ------------------------------------------------------------------------------
REGULARISED = [dict(SINGLE[0], l2=0.01), dict(SINGLE[0], l1=0.002), dict(DEEP[2], l1=0.001, l2=0.02),
               dict(ONE_OUTPUT[4], l2=0.05), dict(SINGLE[4], batch=4, l1=0.001, l2=0.01),
               dict(NO_HIDDEN[-1], l1=0.003)]


@pytest.mark.parametrize("settings", REGULARISED,
                         ids=lambda s: f"{case_id(s)}-l1_{s.get('l1', 0):g}-l2_{s.get('l2', 0):g}")
def test_regularised_sgd_matches_reference(settings):
    n = 600
    rates = dict(l1=settings.get("l1", 0.0), l2=settings.get("l2", 0.0))
    kernel_result, ref_result, _ = run_both(settings, n=n, **rates)
    assert_agrees(kernel_result, ref_result)
    # and the rates matter: the reference without them does not agree
    _, plain, _ = run_both(settings, n=n, l1=0.0, l2=0.0)
    assert not agrees(kernel_result, plain)


def test_l1_makes_weights_exactly_zero_and_l2_shrinks_them():
    base = dict(dataset="digits5", hidden=(16,), activation="sigmoid", loss="sse", bias=True, lr=0.5)
    runs = {}
    for name, rates in {"plain": {}, "l1": dict(l1=0.002), "l2": dict(l2=0.001)}.items():
        trainer = Trainer(dict(base, **rates))
        trainer.steps(20_000)
        ws, _ = layers_of(trainer.net)
        runs[name] = np.concatenate([w.ravel() for w in ws])
        assert trainer.metrics().train_accuracy == 1.0, name  # still learns the ten digits
    assert (runs["plain"] == 0).sum() == 0
    assert (runs["l1"] == 0).mean() > 0.3  # blank-pixel rows of weights and other unneeded ones vanish
    assert np.linalg.norm(runs["l2"]) < 0.7 * np.linalg.norm(runs["plain"])


# -- mini-batches ------------------------------------------------------------------------------
BATCHED = ([dict(s, batch=4) for s in SINGLE[::2]]  # 10 samples: batches straddle the epoch boundary
           + [dict(DEEP[3], batch=3), dict(ONE_OUTPUT[0], batch=7), dict(ONE_OUTPUT[3], batch=5),
              dict(SINGLE[4], batch=256), dict(GREY[2], batch=8)])


@pytest.mark.parametrize("settings", BATCHED, ids=case_id)
def test_minibatch_matches_reference(settings):
    n = max(10, 1200 // settings["batch"])  # iterations: at least 1,200 sample visits, or 10 updates
    kernel_result, ref_result, _ = run_both(settings, n=n)
    assert_agrees(kernel_result, ref_result)
    # and it is really a different algorithm from per-sample SGD
    _, per_sample, _ = run_both(settings, n=n, batch=1)
    assert not agrees(kernel_result, per_sample)


def test_batch_of_one_sample_equals_per_sample_update():
    """batch=B over a dataset of one sample is B times that sample's gradient, divided by B."""
    base = dict(dataset="digits5", hidden=(8,), activation="tanh", loss="xent", bias=True, lr=0.1)
    results = []
    for batch in (1, 3):
        trainer = Trainer(dict(base, batch=batch))
        ds = trainer.dataset
        done, losses = kernel_steps(trainer, 20, x=ds.x_train[4:5], labels=ds.y_train[4:5])
        assert done == 20
        results.append((trainer.net.params.copy(), losses))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-5, atol=1e-6)


# -- gradient check ------------------------------------------------------------------------------
FD_CASES = (SINGLE + [DEEP[2], DEEP[5], DEEP[-1], ONE_OUTPUT[0], ONE_OUTPUT[1], ONE_OUTPUT[4], ONE_OUTPUT[6]] + GREY
            + NO_HIDDEN)


def numeric_gradient(ws, bs, x, label, activation, loss, on_value, h=1e-6):
    """Central differences (float64) of one sample's loss with respect to every weight and bias."""
    def f():
        return ref.loss_of(ws, bs, x, label, activation, loss, on_value)
    gw = [np.zeros_like(w) for w in ws]
    gb = [np.zeros_like(b) for b in bs] if bs is not None else None
    targets = [(w, g) for w, g in zip(ws, gw)] + ([(b, g) for b, g in zip(bs, gb)] if bs is not None else [])
    for arr, grad in targets:
        for idx in np.ndindex(arr.shape):
            keep = arr[idx]
            arr[idx] = keep + h
            up = f()
            arr[idx] = keep - h
            down = f()
            arr[idx] = keep
            grad[idx] = (up - down) / (2 * h)
    return gw, gb


@pytest.mark.parametrize("settings", FD_CASES, ids=case_id)
def test_one_step_is_minus_lr_times_finite_difference_gradient(settings):
    lr = 1e-3
    trainer = Trainer(settings)
    ds = trainer.dataset
    k = 3 % len(ds.y_train)
    x, label = ds.x_train[k].astype(np.float64), int(ds.y_train[k])
    before = Network(trainer.arch, trainer.net.params.copy())
    ws, bs = layers_of(before, np.float64)
    fd_w, fd_b = numeric_gradient(ws, bs, x, label, settings["activation"], settings["loss"], float(trainer.on_value))

    done, losses = kernel_steps(trainer, 1, lr=lr, x=ds.x_train[k:k + 1], labels=ds.y_train[k:k + 1])
    assert done == 1
    after = trainer.net
    expected_loss = ref.loss_of(ws, bs, x, label, settings["activation"], settings["loss"], float(trainer.on_value))
    assert losses[0] == pytest.approx(expected_loss, rel=1e-5, abs=1e-6)

    pairs = [(before.weights(l), after.weights(l), fd_w[l]) for l in range(trainer.arch.n_layers)]
    if settings["bias"]:
        pairs += [(before.biases(l), after.biases(l), fd_b[l]) for l in range(trainer.arch.n_layers)]
    for p0, p1, fd in pairs:
        p0, p1 = np.asarray(p0, np.float64), np.asarray(p1, np.float64)
        kernel_grad = (p1 - p0) / -lr
        # float32 rounding of the updated parameter limits how well (p1 - p0) / lr is known
        rounding = 2 * np.spacing(np.maximum(np.abs(p0), np.abs(p1)).astype(np.float32)).astype(np.float64) / lr
        tol = rounding + 1e-3 * np.abs(fd) + 1e-6
        bad = np.abs(kernel_grad - fd) > tol
        assert not bad.any(), (f"{bad.sum()} of {bad.size} gradients differ, worst: kernel "
                               f"{kernel_grad[bad][:3]} vs finite differences {fd[bad][:3]}")
    # a gradient that is zero everywhere would pass trivially: make sure this one is not
    assert max(float(np.abs(fd).max()) for _, _, fd in pairs) > 1e-3


# -- shuffling ------------------------------------------------------------------------------
def visit_sequence(seed: int, epochs: int, dataset: str = "digits5") -> np.ndarray:
    """Which sample each iteration used, read off the losses of an lr=0 run (the weights never change)."""
    trainer = Trainer(dict(dataset=dataset, hidden=(8,), seed=seed, shuffle=True))
    ds = trainer.dataset
    per_sample = np.array([ref.loss_of(*layers_of(trainer.net), ds.x_train[i], int(ds.y_train[i]), "sigmoid", "sse")
                           for i in range(len(ds.y_train))])
    gaps = np.abs(per_sample[:, None] - per_sample[None, :]) + np.eye(len(per_sample))
    assert gaps.min() > 1e-4, "this test needs every sample to have a distinct loss"
    n = epochs * len(ds.y_train)
    done, losses = kernel_steps(trainer, n, lr=0.0)
    assert done == n
    visits = np.abs(losses[:, None] - per_sample[None, :]).argmin(axis=1)
    assert np.abs(losses - per_sample[visits]).max() < 1e-5
    return visits


def test_shuffle_visits_every_sample_once_per_epoch():
    visits = visit_sequence(seed=1, epochs=40)
    epochs = visits.reshape(40, 10)
    for e in epochs:
        assert sorted(e) == list(range(10))
    distinct = {tuple(e) for e in epochs}
    assert len(distinct) >= 30, "each epoch should get a new permutation"


def test_shuffle_is_reproducible_and_depends_on_seed():
    a, b, c = visit_sequence(1, 12), visit_sequence(1, 12), visit_sequence(2, 12)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    # through the Trainer: same seed, same weights bit for bit
    s = dict(dataset="digits5", hidden=(8,), shuffle=True, seed=5)
    t1, t2, t3 = Trainer(s), Trainer(s), Trainer(dict(s, shuffle=False))
    for t in (t1, t2, t3):
        t.steps(2345)
    assert np.array_equal(t1.net.params, t2.net.params)
    assert not np.allclose(t1.net.params, t3.net.params, atol=1e-3)


def test_shuffled_training_matches_reference_with_the_same_order():
    settings = dict(dataset="digits5", hidden=(8,), activation="tanh", loss="sse", bias=True, lr=0.1, shuffle=True,
                    seed=3)
    order = visit_sequence(3, 60)  # lr=0 run: the shuffle does not depend on the weights
    trainer = Trainer(settings)
    ws0, bs0 = layers_of(trainer.net)
    done, losses = kernel_steps(trainer, 600)
    assert done == 600
    kernel_result = (*layers_of(trainer.net), losses)
    ref_result = ref.sgd(ws0, bs0, trainer.dataset.x_train, trainer.dataset.y_train, activation="tanh", loss="sse",
                         lr=0.1, n_iter=600, order=iter(order), dtype=REF_DTYPE)
    assert_agrees(kernel_result, ref_result)
    in_turn = ref.sgd(ws0, bs0, trainer.dataset.x_train, trainer.dataset.y_train, activation="tanh", loss="sse",
                      lr=0.1, n_iter=600, dtype=REF_DTYPE)
    assert not agrees(kernel_result, in_turn)


# -- forward and evaluate ------------------------------------------------------------------------
@pytest.mark.parametrize("settings", SINGLE[::3] + [DEEP[5], DEEP[-1], ONE_OUTPUT[5], ONE_OUTPUT[6], GREY[1],
                                      NO_HIDDEN[1], NO_HIDDEN[-1]], ids=case_id)
def test_forward_and_evaluate_match_reference(settings):
    trainer = Trainer(dict(settings, lr=0.5))
    trainer.steps(500)  # trained weights, not just the initial ones
    ws, bs = layers_of(trainer.net)
    ds = trainer.dataset
    rng = np.random.default_rng(0)
    lo = -1.0 if ds.x_train.min() < 0 else 0.0
    # every number of non-zero inputs, from none to all
    extra = rng.uniform(lo, 1.0, (ds.n_inputs + 1, ds.n_inputs)).astype(np.float32)
    extra[np.triu_indices(ds.n_inputs + 1, 0, ds.n_inputs)] = 0.0
    for x_all in (ds.x_train[:150], ds.x_test[:150], extra):
        y_all = rng.integers(0, ds.n_classes, len(x_all)).astype(np.int32)
        loss_mean, acc, out = trainer.evaluate(np.ascontiguousarray(x_all), y_all)
        ref_losses = []
        for r in range(len(x_all)):
            acts = ref.forward(ws, bs, x_all[r], settings["activation"], settings["loss"])
            np.testing.assert_allclose(out[r], acts[-1], rtol=1e-4, atol=1e-6)
            layer_acts = trainer.forward(x_all[r])
            for a, b in zip(layer_acts, acts):
                np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
            ref_losses.append(ref.loss_of(ws, bs, x_all[r], int(y_all[r]), settings["activation"], settings["loss"]))
        assert loss_mean == pytest.approx(np.mean(ref_losses), rel=1e-4, abs=1e-6)
        assert acc == pytest.approx(np.mean(trainer.predict(out) == y_all))


def tanh_sweep() -> np.ndarray:
    """float32 inputs from 1e-6 to 10 in magnitude, log-spaced, both signs (an odd count, so that the
    vectorised loops of the kernels also run their scalar remainder)."""
    z = np.logspace(-6, 1, 2001).astype(np.float32)
    return np.concatenate([-z[::-1], z])


def tanh_relative_error(values: np.ndarray, z: np.ndarray) -> float:
    exact = np.tanh(z.astype(np.float64))
    return float(np.max(np.abs(values.astype(np.float64) - exact) / np.abs(exact)))


def test_kernel_tanh_is_accurate_near_zero_and_beyond():
    """The kernels' float32 tanh within 1e-5 of float64 for |z| in 1e-6..10, through the two code paths
    that use it: the grid forward pass (a vectorised loop over many inputs) and a network's forward pass.

    A 1-1-1 network with weight 1 and bias 0 makes the hidden neuron's activation tanh(z) of its input z.
    """
    z = tanh_sweep()
    sizes = np.array([1, 1, 1], np.uint64)
    w_off, b_off = np.array([0, 2], np.uint64), np.array([1, 3], np.uint64)
    params = np.array([1.0, 0.0, 1.0, 0.0], np.float32)  # w, b of layer 0, then of layer 1
    act, loss = kernels.ACT_TANH, kernels.LOSS_SSE
    out = np.zeros((3, z.shape[0]), np.float32)
    kernels.forward_all(params, sizes, w_off, b_off, True, act, loss, z[:, None].copy(), out)
    assert tanh_relative_error(out[1], z) <= 1e-5
    acts = np.zeros(3, np.float32)
    a_off = np.array([0, 1, 2, 3], np.uint64)
    single = np.zeros_like(z)
    for r in range(0, z.shape[0], 37):
        kernels.forward(params, sizes, w_off, b_off, True, act, loss, z[r:r + 1], acts, a_off)
        single[r] = acts[1]
    assert tanh_relative_error(single[::37], z[::37]) <= 1e-5


@pytest.mark.parametrize("settings", [SINGLE[0], GREY[2], dict(BATCHED[0], shuffle=True)], ids=case_id)
def test_calls_of_one_iteration_give_the_bits_of_one_long_call(settings):
    """A call that visits every sample lists their non-zero inputs first; a shorter one lists each
    sample as it comes: the same lists, the same arithmetic."""
    long, short = Trainer(settings), Trainer(settings)
    n = 2 * len(long.dataset.y_train) + 3
    done, losses = kernel_steps(long, n)
    # the short calls go on from each other's place in the training order, as Trainer.steps does
    order = np.arange(len(short.dataset.y_train), dtype=np.int32)
    state = np.array([0, short.settings["seed"] + 1], np.int64)
    one_by_one = [kernel_steps(short, 1, order=order, state=state) for _ in range(n)]
    assert done == n and all(d == 1 for d, _ in one_by_one)
    assert np.array_equal(long.net.params, short.net.params)
    assert np.array_equal(losses, np.concatenate([l for _, l in one_by_one]))


def test_kernel_reports_divergence_by_returning_early():
    trainer = Trainer(dict(dataset="digits5", hidden=(64, 64, 64, 64), activation="relu", loss="xent", lr=10.0))
    done, losses = kernel_steps(trainer, 5000)
    assert done < 5000
    assert not np.isfinite(losses[done]) or losses[done] >= 1e30
    assert np.all(np.isfinite(losses[:done]))



def test_a_second_process_loads_the_compiled_kernels_from_the_cache():
    """cache=True: the first run may compile and save; the next process only loads."""
    import os
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "NUMBA_DEBUG_CACHE": "1", "PYTHONPATH": str(root)}
    runs = [subprocess.run([sys.executable, "-m", "glnn", "train", "--iterations", "10", "--quiet"],
                           capture_output=True, text=True, env=env, timeout=300) for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), runs[-1].stderr
    second = runs[1].stdout + runs[1].stderr
    assert "data loaded" in second and "data saved" not in second, second[-2000:]
