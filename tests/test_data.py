"""The datasets: shapes, types, contents."""
from __future__ import annotations

import numpy as np
import pytest

from glnn.core import data, settings
from glnn.core.errors import GlnnError


@pytest.mark.parametrize("name", settings.DATASETS)
def test_shapes_and_dtypes(name):
    ds = data.load(name)
    assert ds.name == name
    for x, y in ((ds.x_train, ds.y_train), (ds.x_test, ds.y_test)):
        assert x.dtype == np.float32 and x.ndim == 2 and x.flags.c_contiguous
        assert y.dtype == np.int32 and y.ndim == 1
        assert len(x) == len(y)
        assert x.shape[1] == ds.n_inputs
        assert np.isfinite(x).all()
        assert y.min() >= 0 and y.max() < ds.n_classes
    assert len(ds.y_train) > 0 and ds.has_test == (len(ds.y_test) > 0)
    assert set(ds.y_train) == set(range(ds.n_classes))  # every class is trained on
    assert len(ds.class_names) == ds.n_classes
    assert ds.n_outputs == (1 if ds.n_classes == 2 else ds.n_classes)
    if ds.image_shape is not None:
        assert ds.image_shape[0] * ds.image_shape[1] == ds.n_inputs
    lo = -1.0 if name in data.POINT_SETS else 0.0
    for x in (ds.x_train, ds.x_test):
        assert x.min() >= lo and x.max() <= 1.0


def test_digits5_bitmaps():
    ds = data.load("digits5")
    assert ds.x_train.shape == (10, 25) and ds.image_shape == (5, 5)
    assert np.array_equal(ds.y_train, np.arange(10))
    assert set(np.unique(ds.x_train)) == {0.0, 1.0}
    zero = ["01110", "10001", "10001", "10001", "01110"]
    expected = np.array([[int(c) for c in row] for row in zero], np.float32)
    assert np.array_equal(ds.x_train[0].reshape(5, 5), expected)
    one = ds.x_train[1].reshape(5, 5)
    assert one[:, 2].sum() == 5  # the stem of the 1
    assert len({row.tobytes() for row in ds.x_train}) == 10  # ten distinct digits


def test_digits5_test_set_is_held_out():
    ds = data.load("digits5")
    train = {row.tobytes() for row in ds.x_train}
    assert len(ds.y_test) >= 50
    assert not any(row.tobytes() in train for row in ds.x_test)
    assert set(np.unique(ds.x_test)) <= {0.0, 1.0}
    assert (ds.x_test.sum(axis=1) > 0).all()  # no blank images
    assert set(ds.y_test) == set(range(10))
    # each test image is a small change (shift or pixel flips) of a training image of its label,
    # so it is nearer to some drawing of that digit than a random image would be
    for x, y in zip(ds.x_test, ds.y_test):
        assert np.abs(x - ds.x_train[y]).sum() <= 25


def test_digits5_is_deterministic():
    a, b = data.digits5(), data.digits5()
    assert np.array_equal(a.x_test, b.x_test) and np.array_equal(a.y_test, b.y_test)


def test_xor3():
    ds = data.load("xor3")
    assert ds.x_train.shape == (7, 3) and ds.n_outputs == 1 and ds.n_classes == 2
    x = ds.x_train.astype(int)
    assert np.array_equal(ds.y_train, x[:, 0] ^ x[:, 1])
    assert set(np.unique(ds.x_train)) == {0.0, 1.0}
    assert len({tuple(r) for r in x}) == 7  # seven of the eight combinations
    assert np.array_equal(ds.x_test, np.array([[1, 1, 0]], np.float32))
    assert list(ds.y_test) == [0]
    assert (1, 1, 0) not in {tuple(r) for r in x}


def test_digits8():
    from sklearn.datasets import load_digits
    ds = data.load("digits8")
    assert len(ds.y_train) == 1347 and len(ds.y_test) == 450
    assert ds.n_inputs == 64 and ds.image_shape == (8, 8) and ds.n_classes == 10
    bunch = load_digits()
    assert len(bunch.target) == 1797
    # together the two splits are exactly scikit-learn's 1,797 images, scaled to 0..1
    ours = np.concatenate([ds.x_train, ds.x_test]).astype(np.float64) * 16
    assert np.allclose(ours, np.round(ours))
    key = lambda a: a[np.lexsort(a.T[::-1])]  # noqa: E731 - sort rows
    theirs = np.column_stack([bunch.data, bunch.target])
    mine = np.column_stack([np.round(ours), np.concatenate([ds.y_train, ds.y_test])])
    assert np.array_equal(key(mine), key(theirs))
    assert ds.x_train.max() == 1.0
    again = data.digits8()  # the split is fixed
    assert np.array_equal(again.x_train, ds.x_train) and np.array_equal(again.y_test, ds.y_test)


def test_digits8_is_read_without_importing_scikit_learn_and_equals_load_digits():
    """The file scikit-learn ships, read directly (importing scikit-learn takes over a second), gives the
    same dataset bit for bit as its load_digits."""
    import subprocess
    import sys
    from sklearn.datasets import load_digits
    bunch = load_digits()
    theirs = data.digits8(np.column_stack([bunch.data, bunch.target]))
    ours = data.digits8()
    for name in ("x_train", "y_train", "x_test", "y_test"):
        assert np.array_equal(getattr(ours, name), getattr(theirs, name)), name
        assert getattr(ours, name).dtype == getattr(theirs, name).dtype
    code = "import sys; from glnn.core import data; data.load('digits8'); print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("name", data.POINT_SETS)
def test_point_sets(name):
    ds = data.load(name)
    assert ds.n_inputs == 2 and ds.n_classes == 2 and ds.n_outputs == 1
    assert len(ds.y_train) == 200 and len(ds.y_test) == 200
    for x, y in ((ds.x_train, ds.y_train), (ds.x_test, ds.y_test)):
        assert set(y) == {0, 1}
        assert 0.3 < y.mean() < 0.7  # roughly balanced
        assert np.abs(x).max() <= 1.0
        assert x.std(axis=0).min() > 0.1  # spread out, not collapsed
    again = data.points(name)
    assert np.array_equal(again.x_train, ds.x_train)


def test_point_set_labels_follow_their_rule():
    xor = data.load("xor")
    xy = np.concatenate([xor.x_train, xor.x_test])
    y = np.concatenate([xor.y_train, xor.y_test])
    far = np.abs(xy).min(axis=1) > 0.15  # away from the axes the noise cannot flip a point
    assert np.array_equal(y[far], (xy[far, 0] * xy[far, 1] > 0).astype(np.int32))
    circle = data.load("circle")
    r = np.hypot(circle.x_train[:, 0], circle.x_train[:, 1])
    assert r[circle.y_train == 1].mean() < r[circle.y_train == 0].mean()


def test_unknown_names_are_errors():
    with pytest.raises(GlnnError):
        data.load("mnist")
    with pytest.raises(GlnnError):
        data.points("moons")


# -- Playground's data controls: noise, train/test split, input features -----------------------
@pytest.mark.parametrize("name", data.POINT_SETS)
def test_noise_scatters_the_same_points_further(name):
    base = {"dataset": name, "train_ratio": 0.5, "features": ("x1", "x2")}
    clean, default, noisy = (data.for_settings(dict(base, noise=n)) for n in (0.0, 0.1, 0.5))
    assert np.array_equal(default.x_train, data.load(name).x_train)  # the default is the set as it was
    for ds in (clean, noisy):
        assert np.array_equal(ds.y_train, default.y_train)  # the same points, in the same splits
    moved = {n: np.hypot(*(ds.x_train - clean.x_train).T) for n, ds in ((0.1, default), (0.5, noisy))}
    # each point moves along the same direction, five times as far (where the clip at +-1 does not bite)
    inside = (np.abs(noisy.x_train) < 0.999).all(axis=1) & (np.abs(clean.x_train) < 0.999).all(axis=1)
    assert inside.mean() > 0.5
    np.testing.assert_allclose(moved[0.5][inside], 5 * moved[0.1][inside], rtol=1e-4, atol=1e-5)
    assert 0.1 < moved[0.5].mean() < 0.25  # 0.3 * 0.5 standard deviation on each axis
    assert moved[0.1].mean() < 0.05


def test_clean_points_follow_their_rule_exactly():
    circle = data.points("circle", noise=0.0)
    r = np.hypot(*circle.x_train.T)
    assert (r[circle.y_train == 1] <= 0.45 + 1e-6).all() and (r[circle.y_train == 0] >= 0.65 - 1e-6).all()
    noisy = data.points("circle", noise=0.5)
    r = np.hypot(*noisy.x_train.T)
    assert (r[noisy.y_train == 1] > 0.55).any()  # noise carries points over the gap


@pytest.mark.parametrize("ratio, n_train", [(0.1, 40), (0.5, 200), (0.75, 300), (0.9, 360)])
def test_train_ratio_splits_the_same_400_points(ratio, n_train):
    ds = data.points("spiral", train_ratio=ratio)
    half = data.points("spiral")
    assert len(ds.y_train) == n_train and len(ds.y_test) == 400 - n_train
    assert f"{n_train} train / {400 - n_train} test" in ds.description
    both = lambda d: np.concatenate([d.x_train, d.x_test])  # noqa: E731
    assert np.array_equal(both(ds), both(half))  # the same points in the same order, cut elsewhere
    assert set(ds.y_train) == {0, 1}


def test_features_are_computed_from_the_points():
    ds = data.with_features(data.load("circle"), ["sinx2", "x1sq", "x1", "x1x2", "x2sq", "sinx1", "x2"])
    assert ds.features == ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")  # canonical order
    assert ds.x_train.dtype == np.float32 and ds.x_train.flags.c_contiguous and ds.n_inputs == 7
    for x, p in ((ds.x_train, ds.plane_train), (ds.x_test, ds.plane_test)):
        x1, x2 = p[:, 0].astype(np.float64), p[:, 1].astype(np.float64)
        expected = np.stack([x1, x2, x1 ** 2, x2 ** 2, x1 * x2, np.sin(np.pi * x1), np.sin(np.pi * x2)], axis=1)
        np.testing.assert_allclose(x, expected, rtol=1e-5, atol=1e-6)
    assert np.array_equal(ds.plane_train, data.load("circle").x_train)  # the points stay as they are
    assert ds.has_plane and ds.inputs_at(np.array([[0.5, -1.0]])).shape == (1, 7)
    np.testing.assert_allclose(ds.inputs_at(ds.plane_train[:5]), ds.x_train[:5])
    only_squares = data.with_features(data.load("circle"), ("x1sq", "x2sq"))
    np.testing.assert_allclose(only_squares.x_train, ds.x_train[:, 2:4])
    assert data.with_features(data.load("gauss"), ("x1", "x2")) is data.load("gauss")


def test_features_need_a_plane():
    assert not data.load("digits5").has_plane and not data.load("xor3").has_plane
    with pytest.raises(GlnnError, match="2-D"):
        data.with_features(data.load("xor3"), ("x1sq",))
    with pytest.raises(ValueError):
        data.with_features(data.load("circle"), ("x3",))
