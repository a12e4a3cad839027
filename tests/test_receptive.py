"""Receptive-field pictures: colours from the weights, placement beside the hidden neurons."""
import numpy as np
import pytest

from glnn.core.model import Architecture, Network
from glnn.ui.receptive import MIN_SIDE, WEIGHT_SCALE, placement, weight_rgba
from glnn.view import layout as layout_mod
from glnn.view.palette import PALETTES


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
def test_pictures_do_not_overlap_and_sit_left_of_their_neuron(hidden, height):
    sizes = (25, hidden, 10)
    lay = layout_mod.compute(sizes, Network(Architecture(sizes)).w_off, layout_mod.Area(380, 56, 840, height))
    corners, side = placement(lay, (5, 5))
    if side == 0:
        assert hidden == 64 and len(corners) == 0  # 7 pixels apart: no room for a readable picture
        return
    assert side >= MIN_SIDE and len(corners) == hidden
    nodes = lay.nodes[lay.layer_start[1]:lay.layer_start[2]]
    assert (corners[:, 0] + side < nodes[:, 0] - nodes[:, 2]).all()
    for a in range(hidden):
        for b in range(a + 1, hidden):
            apart = (abs(corners[a, 0] - corners[b, 0]) >= side) or (abs(corners[a, 1] - corners[b, 1]) >= side)
            assert apart, (a, b)
