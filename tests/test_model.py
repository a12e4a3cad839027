"""The network file: layout, save/load round trip, atomic saves, one-line errors for bad files."""
from __future__ import annotations

import errno
import os

import numpy as np
import pytest

from glnn.core import model
from glnn.core.errors import GlnnError
from glnn.core.model import Architecture, Network
from glnn.core.trainer import Trainer


# -- layout ------------------------------------------------------------------------------------
def test_parameter_layout_matches_the_documented_one():
    arch = Architecture((5, 4, 3, 2), "tanh", "xent", True)
    net = Network(arch, seed=3)
    assert net.n_params == 5 * 4 + 4 + 4 * 3 + 3 + 3 * 2 + 2
    net.params[:] = np.arange(net.n_params, dtype=np.float32)
    for l in range(arch.n_layers):
        n_in, n_out = arch.sizes[l], arch.sizes[l + 1]
        w = net.weights(l)
        assert w.shape == (n_in, n_out)
        for i in range(n_in):
            for j in range(n_out):
                # layer 0 input-major, deeper layers output-major
                flat = net.w_off[l] + (i * n_out + j if l == 0 else j * n_in + i)
                assert w[i, j] == net.params[flat]
        assert net.b_off[l] == net.w_off[l] + n_in * n_out
        assert np.array_equal(net.biases(l), net.params[net.b_off[l]:net.b_off[l] + n_out])
    net.weights(1)[2, 1] = -7.0  # the views write through
    assert net.params[net.w_off[1] + 1 * 4 + 2] == -7.0


def test_no_bias_layout_and_zero_biases():
    arch = Architecture((5, 4, 3), "sigmoid", "sse", False)
    net = Network(arch, seed=1)
    assert net.n_params == 5 * 4 + 4 * 3
    assert np.array_equal(net.biases(0), np.zeros(4, np.float32))


def test_initial_weights_are_seeded():
    arch = Architecture((25, 16, 10))
    assert np.array_equal(Network(arch, seed=4).params, Network(arch, seed=4).params)
    assert not np.array_equal(Network(arch, seed=4).params, Network(arch, seed=5).params)


# -- round trip ------------------------------------------------------------------------------------
@pytest.mark.parametrize("arch", [
    Architecture((25, 16, 10)),
    Architecture((3, 5, 1), "tanh", "xent", False),
    Architecture((64, 8, 7, 6, 5, 10), "relu", "sse", True),
])
def test_save_load_round_trip_is_exact(tmp_path, arch):
    net = Network(arch, seed=11)
    net.params += np.float32(1e-7) * np.arange(net.n_params, dtype=np.float32)  # arbitrary float32 bits
    meta = {"dataset": "digits5", "lr": 0.37, "seed": 11, "iterations": 123_456, "note": "päivää"}
    path = tmp_path / "net.npz"
    model.save(path, net, meta)
    loaded, loaded_meta = model.load(path)
    assert loaded.arch == arch
    assert loaded.params.dtype == np.float32
    assert loaded.params.tobytes() == net.params.tobytes()
    assert loaded_meta == meta
    for key, value in meta.items():
        assert type(loaded_meta[key]) is type(value)


def test_trainer_save_and_from_file_continue_identically(tmp_path):
    settings = dict(hidden=(12, 6), activation="tanh", loss="xent", bias=False, lr=0.3, seed=9)
    original = Trainer(settings)
    original.steps(1000)  # a whole number of epochs: the visiting order restarts at sample 0
    path = tmp_path / "t.npz"
    original.save(path)
    resumed = Trainer.from_file(path)
    assert resumed.iterations == 1000
    for key, value in settings.items():
        assert resumed.settings[key] == value, key
    assert resumed.net.params.tobytes() == original.net.params.tobytes()
    original.steps(500)
    resumed.steps(500)
    assert resumed.net.params.tobytes() == original.net.params.tobytes()


def test_from_file_accepts_overrides_that_agree_with_the_file(tmp_path):
    """`glnn train --load f.npz --hidden 16` for a file with 16 hidden neurons is no contradiction."""
    path = tmp_path / "t.npz"
    Trainer(dict(hidden=(16,), activation="tanh")).save(path)
    for agreeing in (dict(hidden=(16,)), dict(hidden=[16]), dict(hidden=16), dict(activation="tanh"),
                     dict(hidden=(16,), activation="tanh", loss="sse", bias=True, lr=0.1)):
        trainer = Trainer.from_file(path, agreeing)
        assert trainer.arch.sizes == (25, 16, 10)


def test_reset_at_the_largest_seed_still_saves_a_loadable_file(tmp_path):
    """Reset (also the automatic one after a divergence) picks seed + 1; it must stay a valid seed."""
    from glnn.core import settings
    trainer = Trainer(dict(seed=settings.BY_NAME["seed"].hi))
    trainer.reset()
    settings.BY_NAME["seed"].check(trainer.settings["seed"])
    path = tmp_path / "t.npz"
    trainer.save(path)
    assert Trainer.from_file(path).net.params.tobytes() == trainer.net.params.tobytes()


# -- atomic save ------------------------------------------------------------------------------------
def _write_half_then(exc):
    def savez(file, **fields):
        file.write(b"PK\x03\x04 half an archive")
        raise exc
    return savez


def test_failed_save_leaves_the_existing_file_untouched(tmp_path, monkeypatch):
    path = tmp_path / "net.npz"
    old = Network(Architecture((25, 16, 10)), seed=1)
    model.save(path, old, {"iterations": 5})
    before = path.read_bytes()
    monkeypatch.setattr(np, "savez", _write_half_then(RuntimeError("simulated crash")))
    with pytest.raises(RuntimeError):
        model.save(path, Network(Architecture((25, 16, 10)), seed=2))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["net.npz"]  # no temporary file left behind
    net, meta = model.load(path)
    assert net.params.tobytes() == old.params.tobytes() and meta == {"iterations": 5}


def test_disk_full_during_save_is_a_one_line_error_and_atomic(tmp_path, monkeypatch):
    path = tmp_path / "net.npz"
    model.save(path, Network(Architecture((25, 16, 10)), seed=1))
    before = path.read_bytes()
    monkeypatch.setattr(np, "savez", _write_half_then(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))))
    with pytest.raises(GlnnError) as info:
        model.save(path, Network(Architecture((25, 16, 10)), seed=2))
    monkeypatch.undo()
    assert "\n" not in str(info.value) and str(path) in str(info.value)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["net.npz"]


def test_save_to_a_missing_directory_is_a_one_line_error(tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "net.npz"
    with pytest.raises(GlnnError) as info:
        model.save(target, Network(Architecture((25, 16, 10))))
    assert "\n" not in str(info.value)


def test_save_onto_a_directory_is_a_one_line_error(tmp_path):
    target = tmp_path / "adir"
    target.mkdir()
    with pytest.raises(GlnnError) as info:
        model.save(target, Network(Architecture((25, 16, 10))))
    assert "\n" not in str(info.value)
    assert sorted(os.listdir(tmp_path)) == ["adir"] and os.listdir(target) == []


# -- bad files ------------------------------------------------------------------------------------
@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "good.npz"
    Trainer(dict(hidden=(16,))).save(path)
    return path


def _savez(path, **fields):
    with open(path, "wb") as f:  # a file object: numpy would append .npz/.npy to a name
        np.savez(f, **fields)


def _save_npy(path, array):
    with open(path, "wb") as f:
        np.save(f, array)


def _rewrite(good, path, **changes):
    with np.load(good) as data:
        fields = {k: data[k] for k in data.files}
    for key, value in changes.items():
        if value is None:
            fields.pop(key)
        else:
            fields[key] = value
    _savez(path, **fields)


def _truncated(fraction):
    def make(good, path):
        data = good.read_bytes()
        path.write_bytes(data[:int(len(data) * fraction)])
    return make


BAD_FILES = {
    "empty": lambda good, path: path.write_bytes(b""),
    "truncated-to-3-bytes": lambda good, path: path.write_bytes(good.read_bytes()[:3]),
    "truncated-to-10-bytes": lambda good, path: path.write_bytes(good.read_bytes()[:10]),
    "truncated-to-half": _truncated(0.5),
    "truncated-by-one-byte": lambda good, path: path.write_bytes(good.read_bytes()[:-1]),
    "text": lambda good, path: path.write_text("sizes = 25, 16, 10\nthis is not a network\n"),
    "foreign-npz": lambda good, path: _savez(path, weights=np.ones(3), other=np.arange(4)),
    "pickled-object-npz": lambda good, path: _savez(path, format=np.array([{"a": 1}], dtype=object)),
    "npy-not-npz": lambda good, path: _save_npy(path, np.arange(5)),
    "params-for-another-architecture": lambda good, path: _rewrite(good, path, sizes=np.array([25, 8, 10])),
    "params-float64": lambda good, path: _rewrite(good, path, params=np.zeros(25 * 16 + 16 + 16 * 10 + 10)),
    "params-with-nan": lambda good, path: _rewrite(good, path, params=np.full(25 * 16 + 16 + 16 * 10 + 10, np.nan,
                                                                               np.float32)),
    "params-missing": lambda good, path: _rewrite(good, path, params=None),
    "unknown-activation": lambda good, path: _rewrite(good, path, activation=np.array("swish")),
    "wrong-format-tag": lambda good, path: _rewrite(good, path, format=np.array("glnn-network-999")),
    "sizes-scalar": lambda good, path: _rewrite(good, path, sizes=np.array(25)),
    "sizes-not-numbers": lambda good, path: _rewrite(good, path, sizes=np.array(["a", "b", "c"])),
}


@pytest.mark.parametrize("make", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_file_is_a_one_line_error(tmp_path, good_file, make):
    path = tmp_path / "bad.npz"
    make(good_file, path)
    with pytest.raises(GlnnError) as info:
        model.load(path)
    message = str(info.value)
    assert message and "\n" not in message
    assert str(path) in message
    with pytest.raises(GlnnError):  # the trainer reports it the same way
        Trainer.from_file(path)


def test_missing_file_and_directory_are_one_line_errors(tmp_path):
    for path in (tmp_path / "missing.npz", tmp_path):
        with pytest.raises(GlnnError) as info:
            model.load(path)
        assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_network_that_does_not_fit_the_settings(tmp_path, good_file):
    for overrides in (dict(dataset="xor3"), dict(dataset="digits8"), dict(hidden=(8,)), dict(loss="xent"),
                      dict(bias=False), dict(activation="relu")):
        with pytest.raises(GlnnError) as info:
            Trainer.from_file(good_file, overrides)
        assert "\n" not in str(info.value) and str(good_file) in str(info.value)
    with pytest.raises(GlnnError):
        Trainer(dict(hidden=(8,)), network=model.load(good_file)[0])
