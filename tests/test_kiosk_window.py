"""Kiosk mode in the real window (its own Xvfb, driven with xdotool): the touch that ends the attract
demo only ends it, and the demo tells passers-by how to take over.

glnn runs full screen (the Xvfb screen, SCREEN) at the kiosk's ui_scale; text is found with the
helpers of test_e2e, at that scale.
"""
from __future__ import annotations

import subprocess
import time

import pytest

from glnn.exhibit import DEFAULT_CAPTIONS
from glnn.ui.panel import PANEL_WIDTH
from glnn.view.screen import auto_scale, caption_size
from test_e2e import READS, SCREEN, find_text, running_glnn, text_matches, text_score

pytestmark = pytest.mark.e2e

SCALE = auto_scale(SCREEN[1])  # the kiosk's ui_scale (settings.KIOSK_DEFAULTS: 0, text that follows the screen)
IDLE = 5  # seconds before the demo starts (the smallest idle_timeout allowed)
PANEL = (0, 0, PANEL_WIDTH * SCALE, SCREEN[1])


def reads_at_some_size(img, text, box, scales) -> bool:
    """Captions are drawn larger than the panel's text, by a factor the layout chooses: try several."""
    return any(m[0] >= READS for s in scales for m in text_matches(img, text, box, s)[:1])


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory):
    args = ("--kiosk", "--idle-timeout", str(IDLE), "--cursor-hide", "600")
    with running_glnn(tmp_path_factory.mktemp("kiosk"), args, fullscreen=True) as g:
        g.wait_for("the kiosk's first frames", lambda im: text_score(im, "iterations", PANEL, SCALE) >= READS,
                   timeout=40, name="kiosk_start")
        yield g


def _figure(g):
    """A test of the iterations figure in the panel: shows(img, "1,000")."""
    label_x, label_y = find_text(g.grab(), "iterations", PANEL, topmost=True, scale=SCALE)
    value = (label_x + 40 * SCALE, label_y - 15 * SCALE, PANEL[2], label_y + 15 * SCALE)
    return lambda im, text: text_score(im, text, value, SCALE) >= READS


def test_the_touch_that_ends_the_demo_only_ends_it(kiosk):
    g = kiosk
    shows = _figure(g)
    img = g.grab()
    # the visitor trains a network of their own: 1,000 iterations
    g.xdo("mousemove", *(int(v) for v in find_text(img, "Train 1,000", PANEL, scale=SCALE)), "click", "1")
    img, _ = g.wait_for("the visitor's 1,000 iterations", lambda im: shows(im, "1,000"), name="kiosk_trained")
    reset = find_text(img, "Reset", PANEL, scale=SCALE)
    # nobody touches: after IDLE seconds the demo takes over with a network of its own
    g.wait_for("the attract demo", lambda im: not shows(im, "1,000"), timeout=IDLE + 15, name="kiosk_demo")
    time.sleep(1.0)
    # a visitor touches the screen where Reset sits: pointer move and press in one go, as a touch screen
    g.xdo("mousemove", int(reset[0]), int(reset[1]), "click", "1")
    g.wait_for("the visitor's network back", lambda im: shows(im, "1,000"), name="kiosk_back")
    time.sleep(2.0)  # a press that got through would have reset it by now
    img = g.shot("kiosk_after_touch")
    assert shows(img, "1,000"), "the touch that ended the demo also pressed Reset"
    # the next touch is the visitor's: Reset works
    g.xdo("mousemove", int(reset[0]) + 3, int(reset[1]), "click", "1")
    g.wait_for("the second touch to reset the network", lambda im: not shows(im, "1,000") and shows(im, "0"),
               name="kiosk_reset")


def test_the_demo_says_how_to_take_over(kiosk):
    g = kiosk
    hint = DEFAULT_CAPTIONS["hint"]
    scene = (PANEL[2], SCREEN[1] // 2, SCREEN[0], SCREEN[1])  # captions go along the bottom of the scene

    def hinted(im):
        size = caption_size(SCALE) / 17.0  # text_matches' scale 1 is ImGui's 17-pixel font
        return reads_at_some_size(im, hint, scene, (0.9 * size, 0.95 * size, size))

    assert not hinted(g.shot("kiosk_visitor")), "the hint shows while a visitor uses the exhibit"
    # idle again: the demo starts, and between its captions it tells passers-by what to do
    g.wait_for("the touch hint in the demo", hinted, timeout=IDLE + 25, name="kiosk_hint")
    g.xdo("mousemove", 700, 300)
    g.wait_for("the hint to go with the demo", lambda im: not hinted(im), name="kiosk_hint_gone")


def test_the_quit_chord_ends_the_kiosk(kiosk):
    kiosk.key("ctrl+shift+q")
    try:
        code = kiosk.proc.wait(15)
    except subprocess.TimeoutExpired:
        pytest.fail("the kiosk still runs 15 s after the quit chord")
    assert code == 0, kiosk.log.read_text()[-2000:]
