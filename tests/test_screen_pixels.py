"""The window's layout in real renders (gl): what only pixels show. Captions leave the network
alone, an output's class and value read as two things, the training images are never cut off,
and kiosk text is large enough to read across a room. Positions come from the network's layout
(app.layout) and from ImGui's own windows, so these checks hold whatever computes the layout."""
from __future__ import annotations

import numpy as np
import pytest

from glnn.core import settings
from glnn.core.trainer import Trainer

pytestmark = pytest.mark.gl

HD = (1920, 1080)
KIOSK_SCALE = settings.KIOSK_DEFAULTS["ui_scale"]  # what glnn --kiosk starts with


def render(app, pixels, frames: int = 3) -> np.ndarray:
    for _ in range(frames):
        app.frame()
    return pixels(app.window.width, app.window.height)[..., :3].astype(int)


def trained(iterations: int = 3000, **settings) -> Trainer:
    trainer = Trainer({"dataset": "digits5", **settings})
    trainer.steps(iterations)
    return trainer


def ink_rows(mask: np.ndarray) -> tuple[int, int]:
    rows = np.flatnonzero(mask.any(axis=1))
    return (int(rows[0]), int(rows[-1])) if len(rows) else (0, -1)


def output_label_box(app, j: int) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1): the band right of output neuron j, one line high, where its words go."""
    from imgui_bundle import imgui
    lay = app.layout
    x, y, r, _ = lay.nodes[int(lay.layer_start[-2]) + j].tolist()
    line = imgui.get_font_size()  # ImGui's line height: the font size of the last frame
    return int(x + r + 2), int(y - 0.5 * line), int(min(app.window.width, x + r + 12 * line)), int(y + 0.5 * line)


# -- captions ----------------------------------------------------------------------------------
LONG = "Learning, one picture at a time: every step nudges every connection a little"


@pytest.mark.parametrize("size,kiosk", [((1280, 720), True), (HD, True), ((1280, 720), False)])
def test_a_caption_leaves_the_network_and_its_labels_alone(make_app, pixels, size, kiosk):
    """The caption has a band of its own: with it or without it, every neuron and every output label
    looks the same, and the network does not move when a caption comes or goes."""
    state = {"kiosk": True, "ui_scale": KIOSK_SCALE} if kiosk else {"caption": " "}  # a desk reserves it for a video
    app = make_app(trained(), size, **state)
    app.state.caption = ""
    if not kiosk:
        app.state.caption = " "  # a recording: a caption every frame, its text changing
    bare = render(app, pixels)
    nodes = app.layout.nodes.copy()
    app.state.caption = LONG
    shown = render(app, pixels)
    np.testing.assert_array_equal(app.layout.nodes, nodes)  # the scene did not jump
    assert (np.abs(shown - bare).sum(axis=2) > 40).sum() > 500  # the caption is there ...
    lay = app.layout
    regions = [(int(x - r - 2), int(y - r - 2), int(x + r + 3), int(y + r + 3)) for x, y, r, _ in lay.nodes.tolist()]
    regions += [output_label_box(app, j) for j in range(lay.sizes[-1])]
    for x0, y0, x1, y1 in regions:  # ... and covers none of these
        a, b = bare[max(0, y0):y1, max(0, x0):x1], shown[max(0, y0):y1, max(0, x0):x1]
        assert np.abs(a - b).max() <= 24, (x0, y0, x1, y1)


# -- output labels -------------------------------------------------------------------------------
@pytest.mark.parametrize("ui_scale", [1.0, 2.0, 2.5])
def test_an_outputs_class_and_value_read_as_two_things(make_app, pixels, ui_scale):
    """'0 0.14' must not look like '00.14': a clear gap of background between the class name and
    the value (at least half a digit's height), and the value in a visibly different colour."""
    app = make_app(trained(), HD, ui_scale=ui_scale)
    img = render(app, pixels)
    prediction = app.controller.frame().prediction
    checked = 0
    for j in range(10):
        if j == prediction:  # the glowing winner lights up its surroundings
            continue
        x0, y0, x1, y1 = output_label_box(app, j)
        box = img[y0:y1, x0:x1]
        ink = box.max(axis=2) > 110
        cols = np.flatnonzero(ink.any(axis=0))
        assert len(cols) > 4, (j, x0, y0)
        # the class name is the first run of ink; the value begins after the widest gap that follows it
        gaps = np.diff(cols)
        split = int(np.argmax(gaps))
        top, bottom = ink_rows(ink)
        digit_h = bottom - top + 1
        assert gaps[split] - 1 >= 0.5 * digit_h, (j, gaps[split], digit_h)
        name = box[:, cols[0]:cols[split] + 1][ink[:, cols[0]:cols[split] + 1]]
        value = box[:, cols[split + 1]:cols[-1] + 1][ink[:, cols[split + 1]:cols[-1] + 1]]
        # another colour: the value's red against its blue differs clearly from the name's
        hue = lambda px: float(np.mean(px[:, 0]) / max(1.0, np.mean(px[:, 2])))  # noqa: E731
        assert hue(name) - hue(value) >= 0.2, (j, hue(name), hue(value))
        checked += 1
    assert checked == 9


# -- the training-image strip and the bars ---------------------------------------------------------
@pytest.mark.parametrize("ui_scale", [1.0, 2.5, 3.0])
def test_the_strip_and_the_timeline_lie_wholly_inside_the_window(make_app, pixels, ui_scale):
    from imgui_bundle import imgui
    app = make_app(trained(), HD, ui_scale=ui_scale)
    img = render(app, pixels)
    rects = {}
    for name in ("training images", "timeline", "glnn"):
        window = imgui.internal.find_window_by_name(name)
        assert window is not None and window.active, name
        rects[name] = (window.pos.x, window.pos.y, window.pos.x + window.size.x, window.pos.y + window.size.y)
        x0, y0, x1, y1 = rects[name]
        assert x0 >= -0.5 and y0 >= -0.5 and x1 <= HD[0] + 0.5 and y1 <= HD[1] + 0.5, (name, rects[name])
        if name != "glnn":  # their contents are not cut off at the bottom either
            inner = window.content_region_rect
            assert window.content_size.y <= inner.max.y - inner.min.y + 1, (name, window.content_size.y)
    strip, timeline, panel = rects["training images"], rects["timeline"], rects["glnn"]
    assert strip[0] >= panel[2] and timeline[0] >= panel[2]  # right of the panel ...
    assert timeline[3] <= strip[1]  # ... and the timeline above the strip
    # all ten images show in the strip: ten runs of lit pixels across its middle row of tiles
    x0, y0, x1, y1 = (int(v) for v in strip)
    lit = img[y0:y1, x0:x1].min(axis=2) > 150
    row = lit[int(np.argmax(lit.sum(axis=1)))]
    runs = np.flatnonzero(np.diff(np.concatenate([[0], row.astype(int), [0]])) == 1)
    assert len(runs) >= 10


# -- kiosk text ----------------------------------------------------------------------------------
INK = 0.81  # Roboto from the top of 'L' to the foot of 'g', as a share of the font size
DIGIT = 0.61  # a digit's height, as a share of the font size


@pytest.mark.parametrize("size", [HD])
def test_kiosk_text_is_large_enough_to_read_across_a_room(make_app, pixels, size):
    """Kiosk defaults at 1080 lines: captions at least 44 px from ascender to descender, labels
    at least 28 px (a digit, without ascender or descender, then stands 28 * 0.61 / 0.81 = 21 px)."""
    app = make_app(trained(), size, kiosk=True, ui_scale=KIOSK_SCALE)
    bare = render(app, pixels)
    app.state.caption = "Learning, big"  # one line: 'L' to the foot of 'g'
    shown = render(app, pixels)
    changed = (np.abs(shown - bare).max(axis=2) > 60) & (shown.min(axis=2) > 170)
    changed[:, :int(app.layout.area.x)] = False  # the scene only: the panel's live figures change too
    top, bottom = ink_rows(changed)
    assert bottom - top + 1 >= 44 * size[1] / 1080, (top, bottom)
    # an output's class name: a digit
    x0, y0, x1, y1 = output_label_box(app, 3)
    box = bare[y0:y1, x0:x1]
    first = np.flatnonzero((box.max(axis=2) > 150).any(axis=0))
    digit = box[:, first[0]:first[0] + int(0.4 * (y1 - y0))].max(axis=2) > 150
    top, bottom = ink_rows(digit)
    assert bottom - top + 1 >= 28 * DIGIT / INK * size[1] / 1080, (top, bottom)


# -- the panel at large text sizes ---------------------------------------------------------------
@pytest.mark.parametrize("ui_scale", [1.0, 2.12, 2.7])
def test_the_panels_controls_fit_its_width(make_app, pixels, ui_scale):
    """No control of the panel runs past its right edge at any text size (a fixed pixel width
    clipped the 'animation speed' label at kiosk sizes): ImGui's own measure of the widest row."""
    from imgui_bundle import imgui
    app = make_app(trained(), HD, ui_scale=ui_scale)
    for tab in ("train", "draw", "results", "settings"):
        app.state.tab = tab
        render(app, pixels, frames=4)  # ImGui settles a window's scrollbar over a frame or two
        panel = imgui.internal.find_window_by_name("glnn")
        inner = panel.content_region_rect
        widest = panel.content_size_ideal.x
        assert widest <= inner.max.x - inner.min.x + 1, (tab, widest, inner.max.x - inner.min.x)
