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
