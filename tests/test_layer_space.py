"""The hidden-space view's numbers (glnn.core.layer_space, no GL): which neurons, where the grid lines
and the training points land, how often it is evaluated, and that training pulls the classes apart."""
from __future__ import annotations

import numpy as np
import pytest

from glnn.core import layer_space, plane
from glnn.core.layer_space import LayerSpace
from glnn.core.trainer import Trainer


def test_default_pair_is_the_first_two_neurons_of_the_last_hidden_layer_that_has_two():
    assert layer_space.default_pair((2, 8, 1)) == (2, 3)
    assert layer_space.default_pair((2, 5, 4, 1)) == (7, 8)
    assert layer_space.default_pair((2, 5, 1, 1)) == (2, 3)  # the last hidden layer has one neuron
    assert layer_space.default_pair((2, 1)) is None  # no hidden layer
    assert layer_space.default_pair((2, 1, 1)) is None


def test_resolve_keeps_a_pair_of_one_hidden_layer_else_the_default():
    sizes = (2, 5, 4, 1)
    assert layer_space.resolve((3, 5), sizes) == (3, 5)
    assert layer_space.resolve((8, 7), sizes) == (8, 7)
    for bad in ((-1, -1), (3, 3), (3, 8), (0, 3), (3, 11), (11, 12), (40, 41)):
        assert layer_space.resolve(bad, sizes) == (7, 8), bad


def test_pick_in_a_layer_of_one_neuron_changes_nothing():
    sizes = (2, 3, 1, 1)  # neurons 2-4, then 5 alone
    assert layer_space.pick((2, 3), 1, 5, sizes) == ((2, 3), 1)
    assert layer_space.pick((2, 3), 1, 4, sizes) == ((2, 4), 0)


def test_grid_lines_cover_the_square_in_both_directions():
    g = layer_space.grid_lines(1.2, lines=5, samples=7)
    assert g.shape == (10, 7, 2)
    np.testing.assert_allclose(g[:5, :, 0], np.linspace(-1.2, 1.2, 5)[:, None] * np.ones(7))  # x1 constant
    np.testing.assert_allclose(g[:5, :, 1], np.ones((5, 1)) * np.linspace(-1.2, 1.2, 7))
    np.testing.assert_allclose(g[5:, :, 1], np.linspace(-1.2, 1.2, 5)[:, None] * np.ones(7))  # x2 constant
    assert g[2, 0, 0] == 0 and g[7, 0, 1] == 0  # the middle lines are the axes


@pytest.mark.parametrize("features", [("x1", "x2"), ("x1", "x2sq", "x1x2", "sinx1")])
def test_points_and_lines_are_the_two_neurons_activations(features):
    trainer = Trainer({"dataset": "spiral", "hidden": (6, 5), "activation": "tanh", "features": features})
    trainer.steps(3000)
    space = LayerSpace.for_network(trainer.net, trainer.dataset, lines=5, samples=9)
    space.evaluate(trainer.net.params)
    a, b = 8 - 2 + len(features), 10 - 2 + len(features)  # neurons 1 and 3 of the second hidden layer
    px, py = space.point_xy(a, b)
    assert len(px) == len(trainer.dataset.y_train)
    for k in (0, 17, len(px) - 1):
        acts = np.concatenate(trainer.forward(trainer.dataset.x_train[k]))
        assert (px[k], py[k]) == pytest.approx((acts[a], acts[b]), rel=2e-5, abs=2e-6)
    lx, ly = space.line_xy(a, b)
    assert lx.shape == (10 * 10,) and np.isnan(lx[9::10]).all() and np.isnan(ly[9::10]).all()
    for line, sample in ((0, 0), (3, 4), (7, 8)):
        point = space.grid[line, sample]  # a point of the plane, fed as the dataset's features of it
        acts = np.concatenate(trainer.forward(trainer.dataset.inputs_at(point)[0]))
        k = line * 10 + sample
        assert (lx[k], ly[k]) == pytest.approx((acts[a], acts[b]), rel=2e-5, abs=2e-6)
    ax, ay = space.axis_lines(a, b)
    np.testing.assert_array_equal(ax, np.concatenate([lx[20:30], lx[70:80]]))  # x1 = 0, then x2 = 0


def test_refresh_is_bounded_like_the_plane():
    class Clock:
        now = 10.0

        def __call__(self):
            return self.now
    clock = Clock()
    trainer = Trainer({"dataset": "circle", "hidden": (4,)})
    space = LayerSpace.for_network(trainer.net, trainer.dataset, clock=clock)
    params = trainer.net.params.copy()
    assert space.refresh(params) and not space.refresh(params)
    params[0] += 0.5
    assert not space.refresh(params)  # too soon
    clock.now += 1.01 / plane.REFRESH_HZ
    assert space.refresh(params) and space.evaluations == 2
    space.cost = 0.02
    params[0] += 0.5
    clock.now += 1.0
    assert not space.refresh(params)  # an expensive evaluation waits longer: 0.02 s / MAX_TIME_SHARE
    clock.now += space.interval()
    assert space.refresh(params)


def linear_accuracy(points: np.ndarray, labels: np.ndarray) -> float:
    """How well the best straight line (least squares) parts two classes of 2-D points."""
    a = np.column_stack([points, np.ones(len(points))]).astype(np.float64)
    w, *_ = np.linalg.lstsq(a, labels * 2.0 - 1.0, rcond=None)
    return float(((a @ w > 0) == (labels == 1)).mean())


def test_training_bends_the_plane_until_a_straight_line_parts_the_classes():
    """xor: no straight line parts it in the input plane; in the space of the trained hidden layer one does."""
    trainer = Trainer({"dataset": "xor", "hidden": (2,), "activation": "tanh", "lr": 0.3, "seed": 2})
    ds = trainer.dataset
    space = LayerSpace.for_network(trainer.net, ds)
    space.evaluate(trainer.net.params)
    assert linear_accuracy(ds.x_train, ds.y_train) < 0.65
    before = linear_accuracy(np.stack(space.point_xy(2, 3), 1), ds.y_train)
    trainer.steps(30_000)
    space.evaluate(trainer.net.params)
    after = linear_accuracy(np.stack(space.point_xy(2, 3), 1), ds.y_train)
    assert before < 0.65 and after >= 0.85, (before, after)


def test_a_big_network_is_evaluated_a_slice_per_frame():
    """2-256-256-1 would take tens of ms at once: each refresh runs at most WORK_PER_CALL of it, and the
    view changes only when a whole evaluation is done."""
    class Clock:
        now = 10.0

        def __call__(self):
            return self.now
    clock = Clock()
    trainer = Trainer({"dataset": "circle", "hidden": (256, 256), "activation": "tanh"})
    space = LayerSpace.for_network(trainer.net, trainer.dataset, clock=clock)
    n_params = trainer.net.n_params
    assert space.rows_per_call == max(layer_space.MIN_ROWS_PER_CALL, int(layer_space.WORK_PER_CALL // n_params))
    assert space.rows_per_call * n_params <= 1.1 * layer_space.WORK_PER_CALL
    calls = -(-len(space.inputs) // space.rows_per_call)
    assert calls >= 10
    params = trainer.net.params.copy()
    shown = space.flat.copy()
    for k in range(calls - 1):
        assert not space.refresh(params)  # under way: the view keeps what it showed
        np.testing.assert_array_equal(space.flat, shown)
    assert space.refresh(params) and space.evaluations == 1
    expected = LayerSpace.for_network(trainer.net, trainer.dataset).evaluate(params)
    np.testing.assert_allclose(space.flat, expected, rtol=1e-5, atol=1e-6)
    assert not space.refresh(params)  # the same weights: nothing to do
    params[0] += 1.0
    clock.now += 100.0
    for k in range(calls - 1):
        assert not space.refresh(params)
    assert space.refresh(params) and space.evaluations == 2
    np.testing.assert_allclose(space.flat, LayerSpace.for_network(trainer.net, trainer.dataset).evaluate(params),
                               rtol=1e-5, atol=1e-6)
