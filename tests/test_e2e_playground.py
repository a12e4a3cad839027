"""End to end, Playground's controls and the hidden-space view: the real glnn window on a 2-D set under its
own Xvfb, driven with xdotool (real pointer events), checked on screenshots (see tests/test_e2e.py, whose
helpers this module uses). One glnn process serves the module; the tests run in file order."""
from __future__ import annotations

import subprocess

import numpy as np
import pytest

from test_e2e import READS, SIZE, find_text, running_glnn, text_score

pytestmark = pytest.mark.e2e

ARGS = ["--dataset", "circle", "--hidden", "4", "--activation", "tanh", "--lr", "0.2", "--iterations", "20000",
        "--tab", "space"]


class Scene:
    """Where the app puts the network and the map for ARGS (as glnn/app.py computes it)."""

    def __init__(self, sizes=(2, 4, 1)):
        from glnn.core import settings
        from glnn.core.data import load
        from glnn.core.model import Architecture
        from glnn.ui.theme import TextMeasure
        from glnn.view import screen
        scale = settings.defaults("view")["ui_scale"]
        w, h = SIZE
        # the layout glnn/app.py computes (glnn.view.screen), with the font ImGui draws in
        content = screen.content_for(w, h, scale, sizes, load("circle"))
        placed = screen.compute(content, TextMeasure.standalone(), Architecture(sizes).offsets()[0])
        self.panel_w = placed.panel.w
        self.map = placed.plane.rect
        self.layout = placed.layout

    def neuron(self, k: int) -> tuple[float, float, float]:
        x, y, r, _ = self.layout.nodes[k]
        return float(x), float(y), float(r)


def gold(pixels: np.ndarray) -> np.ndarray:
    """The marks' gold (1.0, 0.82, 0.35), in an (..., 3) picture."""
    return (pixels[..., 0] > 200) & (pixels[..., 1] > 150) & (pixels[..., 1] < 235) & (pixels[..., 2] < 140)


def ringed(img, scene: Scene, k: int) -> bool:
    """Is neuron k ringed in gold (sampled on the ring, above the neuron)?"""
    x, y, r = scene.neuron(k)
    top = img[int(y - r - 8):int(y - r), int(x) - 2:int(x) + 3, :3].astype(int)
    return bool(gold(top).any())


@pytest.fixture(scope="module")
def gui(tmp_path_factory):
    import test_e2e
    shot_dir = tmp_path_factory.mktemp("e2e_playground")
    copies = test_e2e.SHOT_COPY
    test_e2e.SHOT_COPY = copies / "playground"  # the shots for a person to look at, not over test_e2e's
    try:
        with running_glnn(shot_dir, ("--size", f"{SIZE[0]}x{SIZE[1]}", *ARGS), window_timeout=60) as g:
            g.scene = Scene()
            g.xdo("mousemove", g.x + SIZE[0] - 20, g.y + SIZE[1] // 2)
            g.wait_for("the Space tab's plot", lambda im: text_score(im, "hidden neuron 1", (0, 300, g.scene.panel_w,
                                                                                             SIZE[1])) >= READS,
                       timeout=60, name="space_start")
            yield g
    finally:
        test_e2e.SHOT_COPY = copies


def test_clicking_two_hidden_neurons_picks_the_axes_of_the_hidden_space_view(gui):
    scene = gui.scene
    img = gui.shot("space_default")
    # the default pair: hidden neurons 1 (x) and 2 (y), ringed in the scene and named on the plot's axes
    assert ringed(img, scene, 2) and ringed(img, scene, 3) and not ringed(img, scene, 5)
    panel = (0, 60, scene.panel_w, SIZE[1])
    plot_before = img[100:600, 10:int(scene.panel_w) - 10].astype(int)
    x, y, _ = scene.neuron(5)  # hidden neuron 4: to the x axis
    gui.click(x, y)
    gui.move(SIZE[0] - 20, SIZE[1] // 2)
    img, _ = gui.wait_for("hidden neuron 4 on the x axis", lambda im: ringed(im, scene, 5) and not ringed(im, scene, 2)
                          and text_score(im, "x: hidden neuron 4", panel) >= READS, name="space_x")
    assert ringed(img, scene, 3)
    x, y, _ = scene.neuron(4)  # hidden neuron 3: to the y axis
    gui.click(x, y)
    gui.move(SIZE[0] - 20, SIZE[1] // 2)
    img, _ = gui.wait_for("hidden neuron 3 on the y axis", lambda im: ringed(im, scene, 4) and not ringed(im, scene, 3),
                          name="space_y")  # (the y axis's name is written upwards: the rings say it)
    assert ringed(img, scene, 5) and text_score(img, "x: hidden neuron 4", panel) >= READS
    plot_after = img[100:600, 10:int(scene.panel_w) - 10].astype(int)
    assert np.abs(plot_after - plot_before).max(axis=2).mean() > 2.0  # the points moved in the plot


def test_the_noise_slider_redraws_the_points_live(gui):
    scene = gui.scene
    img = gui.grab()
    gui.click(*find_text(img, "Data", (0, 25, scene.panel_w, 65)))
    labels = (200, 60, scene.panel_w, 400)  # right of the sliders (below your own points): their names
    img, _ = gui.wait_for("the Data tab", lambda im: text_score(im, "train / test", labels) >= READS
                          and text_score(im, "noise", labels) >= READS, name="data_tab")
    m = scene.map
    before = img[int(m.y):int(m.y + m.side), int(m.x):int(m.x + m.side)].astype(int)
    nx, ny = find_text(img, "noise", labels)
    track_right = nx - 40  # the slider's track ends left of its label
    gui.click(track_right, ny)  # a click on the track sets the value there: near 0.5
    gui.move(SIZE[0] - 20, SIZE[1] // 2)

    def map_changed(im):
        now = im[int(m.y):int(m.y + m.side), int(m.x):int(m.x + m.side)].astype(int)
        return np.abs(now - before).max(axis=2).mean() > 3.0
    img, _ = gui.wait_for("the points on the map to move", map_changed, name="noise_high")
    assert text_score(img, "0.4", (0, 60, 260, ny + 15)) >= READS  # the slider shows 0.4x
    gui.alive()


def test_a_feature_button_gives_the_network_another_input(gui):
    from glnn.app import PLANE_LEFT
    from glnn.view import plane_layout
    scene = gui.scene
    marker = "= x1 * x1"  # the x1 squared button's formula: the Data tab is open
    img = gui.grab()
    if text_score(img, marker, (0, 60, scene.panel_w, SIZE[1])) < READS:
        gui.click(*find_text(img, "Data", (0, 25, scene.panel_w, 65)))
        img, _ = gui.wait_for("the Data tab", lambda im: text_score(im, marker, (0, 60, scene.panel_w, SIZE[1]))
                              >= READS)
    # where the third input's name goes once the network has three inputs (as glnn/app.py lays it out)
    three = Scene((3, 4, 1))
    rects, neurons = plane_layout.neuron_tiles(three.layout, scene.panel_w + PLANE_LEFT)
    x, y, w, _ = rects[list(neurons).index(2)]
    label = (x - 10, y - 30, x + w + 10, y + 2)
    assert text_score(img, "x1\u00b2", label) < READS
    _, fy = find_text(img, marker, (0, 60, scene.panel_w, SIZE[1]))
    gui.click(20, fy - 8)  # the feature's picture, left of its name and formula
    gui.move(SIZE[0] - 20, SIZE[1] // 2)
    gui.wait_for("a third input named x1\u00b2 in the scene", lambda im: text_score(im, "x1\u00b2", label) >= READS,
                 name="feature_x1sq")


def test_the_hidden_slider_goes_down_to_no_hidden_layer(gui):
    scene = gui.scene
    img = gui.grab()
    gui.click(*find_text(img, "Train", (0, 25, scene.panel_w, 65)))
    img, _ = gui.wait_for("the Train tab", lambda im: text_score(im, "hidden neurons", (0, 60, scene.panel_w, 300))
                          >= READS, name="train_tab")
    titles = (scene.panel_w, 20, SIZE[0] - 300, 70)
    assert text_score(img, "HIDDEN", titles) >= READS
    _, hy = find_text(img, "hidden neurons", (0, 60, scene.panel_w, 300))
    gui.click(10, hy)  # the left end of the slider's track: none
    gui.move(SIZE[0] - 20, SIZE[1] // 2)
    img, _ = gui.wait_for("no hidden layer", lambda im: text_score(im, "none", (0, hy - 15, 240, hy + 15)) >= READS
                          and text_score(im, "HIDDEN", titles) < 0.65, name="no_hidden")
    assert text_score(img, "OUTPUT", titles) >= READS


def test_escape_quits(gui):
    gui.move(SIZE[0] - 20, SIZE[1] // 2)
    gui.key("Escape")
    try:
        code = gui.proc.wait(10)
    except subprocess.TimeoutExpired:
        pytest.fail("glnn still runs 10 s after Esc")
    log = gui.log.read_text()
    assert code == 0 and "Traceback" not in log, log[-2000:]
