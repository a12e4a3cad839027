"""Receptive-field pictures: colours from the weights, placement beside the hidden neurons."""
import numpy as np
import pytest

from glnn.core.model import Architecture, Network
from glnn.ui.receptive import WEIGHT_SCALE, weight_rgba
from glnn.view import layout as layout_mod
from glnn.view.palette import PALETTES
from glnn.view.screen import RECEPTIVE_FRAME, RECEPTIVE_MIN, receptive_pictures


def test_each_picture_shows_its_neurons_weights_in_the_palette():
    w = np.zeros((25, 3), np.float32)
    w[0, 0] = WEIGHT_SCALE  # neuron 0: top-left pixel strongly positive
    w[24, 1] = -WEIGHT_SCALE  # neuron 1: bottom-right pixel strongly negative
    img = weight_rgba(w, (5, 5), "red-blue").astype(int)
    assert img.shape == (5, 15, 4)
    pos, neg = (np.round(np.minimum(np.asarray(c), 1.0) * 255) for c in PALETTES["red-blue"])
    assert np.abs(img[0, 0, :3] - np.minimum(pos + 15, 255)).max() <= 2
    assert np.abs(img[4, 5 + 4, :3] - np.minimum(neg + 15, 255)).max() <= 2
    assert (img[1:, 10:, :3] == img[1, 11, :3]).all()  # neuron 2: all weights 0, one dark colour


@pytest.mark.parametrize("hidden,height", [(4, 600), (16, 460), (64, 460)])
def test_pictures_do_not_overlap_and_each_sits_level_with_its_neuron(hidden, height):
    """One column, each picture centred on its own neuron's height and joined to its rim by a leader
    (never staggered into two columns, where it was unclear whose picture was whose); more cases,
    over every window size and scale, in tests/test_screen.py."""
    sizes = (25, hidden, 10)
    lay = layout_mod.compute(sizes, Network(Architecture(sizes)).w_off, layout_mod.Area(380, 56, 840, height))
    pictures = receptive_pictures(lay)
    if pictures.side == 0:
        assert hidden == 64 and len(pictures.rects) == 0  # 7 pixels apart: no room for a readable picture
        return
    assert pictures.side >= RECEPTIVE_MIN and len(pictures.rects) == hidden
    nodes = lay.nodes[lay.layer_start[1]:lay.layer_start[2]]
    x, y, side = pictures.rects[:, 0], pictures.rects[:, 1], pictures.side
    assert len(set(x.tolist())) == 1  # one column
    np.testing.assert_allclose(y + side / 2, nodes[:, 1])
    assert (x + side + RECEPTIVE_FRAME < nodes[:, 0] - nodes[:, 2]).all()
    np.testing.assert_allclose(pictures.leaders[:, 2], nodes[:, 0] - nodes[:, 2])  # the leader ends on the rim
    assert (np.diff(y) >= side + 2 * RECEPTIVE_FRAME).all()  # apart, frames included
