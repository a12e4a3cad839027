"""Presets that learn: every dataset (and every activation on it) comes with hidden layers, an activation
and a learning rate that reach a stated accuracy; the command line uses them as its defaults unless flags
say otherwise, the panel applies them when a dataset or activation is chosen; and the panel says when
many hidden neurons are dead (checked against a NumPy reference)."""
from __future__ import annotations

import re

import numpy as np
import pytest
import reference
from glnn_testutil import layers_of

from glnn import cli, commands
from glnn.controller import Controller
from glnn.core import settings
from glnn.core.trainer import Trainer
from glnn.state import AppState

# dataset, iterations, architecture, least train accuracy %, least test accuracy % (xor3: its one new pattern)
PRESET_RUNS = [
    ("digits5", 20_000, "25-16-10", 100.0, 60.0),
    ("xor3", 20_000, "3-4-1", 100.0, "right"),
    ("digits8", 50_000, "64-32-10", 99.0, 98.0),
    ("circle", 20_000, "2-4-1", 99.5, 99.0),
    ("xor", 20_000, "2-4-1", 99.0, 98.5),
    ("gauss", 20_000, "2-4-1", 99.5, 99.5),
    ("spiral", 100_000, "2-16-16-1", 99.5, 98.0),
]


def train_line(capsys, *argv: str) -> str:
    assert cli.main(["train", "--quiet", *argv]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("dataset,iterations,arch,train,test", PRESET_RUNS, ids=[r[0] for r in PRESET_RUNS])
def test_glnn_train_on_each_dataset_learns_with_its_preset(capsys, dataset, iterations, arch, train, test):
    """`glnn train --dataset X` with nothing else: the preset's network, and it learns."""
    out = train_line(capsys, "--dataset", dataset, "--iterations", str(iterations))
    assert out.startswith(f"{dataset} {arch}: {iterations:,} iterations"), out
    assert float(re.search(r"train accuracy ([\d.]+)%", out).group(1)) >= train, out
    if test == "right":
        assert "new pattern [1, 1, 0]: right" in out, out
    else:
        assert float(re.search(r"test accuracy ([\d.]+)%", out).group(1)) >= test, out


ITERATIONS = {"digits5": 20_000, "xor3": 20_000, "digits8": 50_000, "circle": 20_000, "xor": 20_000,
              "gauss": 20_000, "spiral": 100_000}


@pytest.mark.parametrize("activation", settings.ACTIVATIONS)
@pytest.mark.parametrize("dataset", settings.DATASETS)
def test_every_activation_learns_every_dataset_at_its_preset_rate(dataset, activation):
    """Choosing an activation brings its learning rate for the dataset: each pair learns (spiral with tanh or
    sigmoid needs four times the iterations of ReLU)."""
    tr = Trainer(settings.with_preset({"dataset": dataset, "activation": activation}))
    assert tr.settings["hidden"] == settings.PRESETS[dataset].hidden
    slow = dataset == "spiral" and activation != "relu"
    tr.steps(ITERATIONS[dataset] * (4 if slow else 1))
    m = tr.metrics()
    assert not tr.stopped
    assert m.train_accuracy >= 0.99, (dataset, activation, m)
    assert m.test_accuracy >= (0.6 if dataset == "digits5" else 0.93), (dataset, activation, m)


def test_the_declared_defaults_are_the_default_datasets_preset():
    preset = settings.PRESETS[settings.BY_NAME["dataset"].default]
    assert {k: settings.BY_NAME[k].default for k in settings.PRESET_KEYS} == preset.settings()
    assert set(settings.PRESETS) == set(settings.DATASETS)
    for p in settings.PRESETS.values():  # each preset passes the settings' own checks
        for activation in settings.ACTIVATIONS:
            assert settings.checked(p.settings(activation)) == p.settings(activation)


# -- the command line -------------------------------------------------------------------------------
def trainer_of(*argv: str, base: dict | None = None) -> Trainer:
    return cli.make_trainer(cli.train_parser().parse_args(list(argv)), base)


def test_flags_override_the_preset_and_the_rest_still_follows_it():
    s = trainer_of("--dataset", "spiral").settings
    assert (s["hidden"], s["activation"], s["lr"]) == ((16, 16), "relu", 0.03)
    s = trainer_of("--dataset", "spiral", "--activation", "tanh").settings  # tanh's rate for the spiral
    assert (s["hidden"], s["activation"], s["lr"]) == ((16, 16), "tanh", 0.03)
    s = trainer_of("--dataset", "spiral", "--hidden", "4", "--lr", "0.5").settings
    assert (s["hidden"], s["activation"], s["lr"]) == ((4,), "relu", 0.5)
    s = trainer_of().settings  # digits5, as ever
    assert (s["dataset"], s["hidden"], s["activation"], s["lr"]) == ("digits5", (16,), "sigmoid", 0.5)


def test_an_exhibit_config_gets_the_preset_for_what_it_leaves_out():
    s = trainer_of(base={"dataset": "xor3"}).settings
    assert (s["hidden"], s["activation"], s["lr"]) == ((4,), "sigmoid", 0.5)
    s = trainer_of("--lr", "0.2", base={"dataset": "spiral", "hidden": (8,)}).settings
    assert (s["hidden"], s["activation"], s["lr"]) == ((8,), "relu", 0.2)


def test_a_loaded_network_keeps_its_own_architecture(tmp_path, capsys):
    path = tmp_path / "small.npz"
    train_line(capsys, "--dataset", "spiral", "--hidden", "4", "--activation", "tanh", "--lr", "0.1",
               "--iterations", "100", "--save", str(path))
    out = train_line(capsys, "--load", str(path), "--iterations", "100")
    assert out.startswith("spiral 2-4-1: 200 iterations"), out


# -- the panel --------------------------------------------------------------------------------------
def test_choose_a_dataset_brings_its_preset_and_an_activation_its_rate():
    c = Controller(Trainer(), AppState(), threaded=False)
    c.apply(commands.Choose("dataset", "spiral"))
    s = c.trainer.settings
    assert (s["dataset"], s["hidden"], s["activation"], s["lr"]) == ("spiral", (16, 16), "relu", 0.03)
    c.apply(commands.Set("hidden", (8, 8)))
    c.apply(commands.Choose("activation", "tanh"))
    s = c.trainer.settings
    assert (s["hidden"], s["activation"], s["lr"]) == ((8, 8), "tanh", 0.03)  # hidden as the person left it
    c.apply(commands.Set("activation", "sigmoid"))  # Set changes the one setting alone
    assert (c.trainer.settings["activation"], c.trainer.settings["lr"]) == ("sigmoid", 0.03)


# -- dead neurons -----------------------------------------------------------------------------------
def reference_dead(tr: Trainer) -> int:
    ws, bs = layers_of(tr.net, np.float64)
    acts = reference.forward(ws, bs if tr.arch.bias else None, tr.dataset.x_train.astype(np.float64),
                             tr.arch.activation, tr.arch.loss)
    dead = 0
    for a in acts[1:-1]:  # (samples, neurons) per hidden layer
        if tr.arch.activation == "relu":
            dead += int((a <= 0).all(axis=0).sum())
        else:
            low, high = (0.01, 0.99) if tr.arch.activation == "sigmoid" else (-0.98, 0.98)
            dead += int(((a <= low).all(axis=0) | (a >= high).all(axis=0)).sum())
    return dead


def test_relu_at_half_kills_many_spiral_neurons_and_the_panel_says_so():
    from glnn.ui.panel import dead_warning
    tr = Trainer({"dataset": "spiral", "hidden": (16, 16), "activation": "relu", "lr": 0.5})
    tr.steps(100_000)
    c = Controller(tr, AppState(), threaded=False)
    dead, total = c.frame().dead_neurons
    assert total == 32 and dead == reference_dead(tr) and dead >= 8
    warning = dead_warning(dead, total, "relu", "point")
    assert warning.startswith(f"{dead} of 32 hidden neurons are dead: 0 for every training point")
    assert "Reset" in warning and "learning rate" in warning
    # as the warning says: a lower rate does not bring them back (dead neurons get no gradient) ...
    c.apply(commands.Choose("activation", "relu"))  # ReLU's rate for the spiral: 0.03
    assert c.trainer.settings["lr"] == 0.03
    c.apply(commands.Train(20_000))
    assert c.frame().dead_neurons == (dead, total)
    # ... new weights at that rate learn, and leave (almost) every neuron alive: no warning
    c.apply(commands.Reset())
    c.apply(commands.Train(100_000))
    dead, total = c.frame().dead_neurons
    assert dead == reference_dead(c.trainer) and dead_warning(dead, total, "relu", "point") == ""
    assert c.frame().metrics.train_accuracy >= 0.99


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_a_saturated_neuron_is_dead_and_one_that_saturates_both_ways_is_not(activation):
    tr = Trainer({"dataset": "digits5", "hidden": (8,), "activation": activation})
    net = tr.net
    net.biases(0)[:3] = 60.0  # stuck high for every image
    net.biases(0)[3] = -60.0  # stuck low
    w = net.weights(0)
    w[:, 4] = 0.0
    w[0, 4], net.biases(0)[4] = 200.0, -100.0  # off or on with the first pixel: saturated, but it tells images apart
    assert tr.dead_neurons() == (4, 8) == (reference_dead(tr), 8)


def test_dead_warning_wording():
    from glnn.ui.panel import dead_warning
    assert dead_warning(3, 16, "relu", "image") == ""  # under a quarter: not "many"
    assert dead_warning(1, 4, "relu", "pattern").startswith(
        "1 of 4 hidden neurons is dead: 0 for every training pattern, so it no longer learns.")
    assert dead_warning(8, 16, "tanh", "image").startswith(
        "8 of 16 hidden neurons are stuck: saturated at the same end for every training image")
    assert dead_warning(0, 0, "relu", "image") == ""


def test_a_costly_dead_count_is_not_made_every_frame(monkeypatch):
    """On a big network a count takes a noticeable time: stepping (or scrubbing) must not stall each frame
    on it; it is made again once its share of the time allows (controller.DEAD_TIME_SHARE)."""
    import time
    from glnn import controller as controller_mod
    c = Controller(Trainer({"dataset": "digits5"}), AppState(), threaded=False)
    calls = []

    def slow_job(params=None):
        def count():
            calls.append(time.perf_counter())
            time.sleep(0.01)  # as 4 x 256 neurons on digits8 would, scaled down
            return (0, 16)
        return count

    monkeypatch.setattr(c.trainer, "dead_neurons_job", slow_job)
    c.apply(commands.Step())
    c.frame()
    assert len(calls) == 1
    for _ in range(5):
        c.apply(commands.Step())
        c.frame()
    assert len(calls) == 1  # 10 ms a count: at most one a second (1 % of the time)
    monkeypatch.setattr(controller_mod, "DEAD_TIME_SHARE", 1.0)
    monkeypatch.setattr(controller_mod, "METRICS_INTERVAL", 0.0)
    c.apply(commands.Step())
    c.frame()
    assert len(calls) == 2
