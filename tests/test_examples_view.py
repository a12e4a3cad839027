"""Examples added by hand, on screen (headless GL, the real App): the visitor's drawings in the
training-image strip with their mark; points added by a click (shift-click: the other class) on
the decision map, drawn as squares, and the map following as the network learns them."""
from __future__ import annotations

import numpy as np
import pytest
from pyglet.event import EventDispatcher

from glnn import commands
from glnn.core.trainer import Trainer
from glnn.view import screen
from glnn.ui.widgets import MINE

pytestmark = pytest.mark.gl

SIZE = (1280, 720)
MINE_RGB = np.array([round(c * 255) for c in MINE])
BOXY_EIGHT = np.array([int(c) for c in "1111110001111111000111111"], np.float32)


def mine_pixels(img: np.ndarray) -> np.ndarray:
    """(y, x) of the pixels in the colour of what a person added by hand."""
    return np.argwhere(np.abs(img[..., :3].astype(int) - MINE_RGB).max(axis=2) <= 12)


def press(app, x: float, y: float, modifiers: int = 0, frames: int = 4) -> None:
    """A press and release at window pixel (x, y) (origin top left), through the window's events."""
    from pyglet.window import mouse  # here: importing pyglet.window makes a GL context
    h = app.window.height
    for event in (("on_mouse_motion", x, h - y, 0, 0), ("on_mouse_press", x, h - y, mouse.LEFT, modifiers),
                  ("on_mouse_release", x, h - y, mouse.LEFT, modifiers)):
        EventDispatcher.dispatch_event(app.window, *event)
    for _ in range(frames):
        app.frame()


# -- the strip -----------------------------------------------------------------------------------
def test_strip_shows_the_loaded_images_then_the_newest_examples_that_fit():
    # (merge of layering: the strip is laid out by glnn.view.screen now, not overlay.strip_indices)
    measure = screen.ApproxMeasure()
    tr = Trainer()

    def strip_of(dataset):
        content = screen.content_for(1280, 720, 1.0, (25, 16, 10), dataset)
        return screen.strip_layout(content, measure, 1.0, 0.0, 930.0, 700.0)

    alone = strip_of(tr.dataset)
    assert alone.indices.tolist() == list(range(10)) and alone.more is None and alone.loaded == 10
    for k in range(30):
        tr.add_example(np.roll(BOXY_EIGHT, k), k % 10)
    strip = strip_of(tr.dataset)
    shown = strip.indices.tolist()
    mine = len(shown) - 10
    assert 0 < mine < 30 and shown == list(range(10)) + list(range(40 - mine, 40))
    assert strip.more is not None and strip.more.text == f"+{30 - mine}"
    # the examples take only room the loaded images leave: one row, at the loaded images' size
    assert strip.rows == alone.rows == 1 and strip.cell == alone.cell
    assert strip.rect.x >= 0 and strip.rect.right <= 930 and strip.more.rect.inside(strip.rect)
    big = Trainer({"dataset": "gauss"}).dataset  # no images: no strip
    content = screen.content_for(1280, 720, 1.0, (2, 4, 1), big)
    assert content.images == 0 and content.mine_labels == ()


def test_a_taught_drawing_shows_in_the_strip_marked_and_a_click_feeds_it(make_app, pixels):
    app = make_app(Trainer({"seed": 1}), SIZE)
    for _ in range(3):
        app.frame()
    before = pixels(*SIZE)
    assert len(mine_pixels(before)) == 0
    app.controller.apply(commands.AddExample(BOXY_EIGHT, 8))
    for _ in range(3):
        app.frame()
    img = pixels(*SIZE)
    marked = mine_pixels(img)
    assert len(marked) > 60, "no mark in the visitor's colour"
    y0, x0 = marked.min(axis=0)
    y1, x1 = marked.max(axis=0)
    assert y0 > SIZE[1] - 90 and 25 <= x1 - x0 <= 45, (x0, y0, x1, y1)  # one tile's frame (and its label), at the bottom
    # the tile inside the frame is the drawing: bright where it has ink (8 of 25 cells dark, the rest lit)
    cell = 7
    tile = img[y0 + 3:y0 + 3 + 5 * cell, x0 + 3:x0 + 3 + 5 * cell, :3].astype(int).mean(axis=2)
    lit = np.array([[tile[r * cell + 3, c * cell + 3] > 150 for c in range(5)] for r in range(5)])
    assert np.array_equal(lit.ravel(), BOXY_EIGHT > 0.5), lit.astype(int)
    press(app, (x0 + x1) / 2, y0 + 20)
    assert app.state.shown_index == 10 and np.array_equal(app.state.shown_input, BOXY_EIGHT)
    app.controller.apply(commands.ForgetExamples())
    for _ in range(2):
        app.frame()
    assert len(mine_pixels(pixels(*SIZE))) == 0


def test_each_tile_of_the_strip_answers_hover_and_click_for_its_own_sample(make_app, monkeypatch):
    """One button covers the strip and the layout's hit boxes pick the tile: a click feeds the tile's
    own sample, a tile of yours and the "+N" note say what they are when hovered, a loaded one does not."""
    from imgui_bundle import imgui
    tips: list[str] = []
    real_tooltip = imgui.set_tooltip
    monkeypatch.setattr(imgui, "set_tooltip", lambda text: (tips.append(text), real_tooltip(text)))
    tr = Trainer({"seed": 1})
    for k in range(30):
        tr.add_example(np.roll(BOXY_EIGHT, k), k % 10)
    app = make_app(tr, SIZE)
    for _ in range(3):
        app.frame()
    strip = app.screen.strip
    shown = strip.indices.tolist()
    assert strip.more is not None and len(shown) > 11
    h = app.window.height
    for k in (0, 3, 9, 10, len(shown) - 1):
        x, y, w, hh = strip.hits[k]
        tips.clear()
        EventDispatcher.dispatch_event(app.window, "on_mouse_motion", x + w / 2, h - (y + hh / 2), 0, 0)
        app.frame()
        app.frame()
        mine = k >= strip.loaded
        label = tr.dataset.class_names[tr.dataset.y_train[shown[k]]]
        assert set(tips) == ({f"your example of {label}: click to feed it through"} if mine else set()), (k, tips)
        press(app, x + w / 2, y + hh / 2)
        assert app.state.shown_index == shown[k], (k, app.state.shown_index)
    more = strip.more.rect
    tips.clear()
    EventDispatcher.dispatch_event(app.window, "on_mouse_motion", more.x + more.w / 2, h - (more.y + more.h / 2), 0, 0)
    app.frame()
    app.frame()
    assert set(tips) == {f"{strip.more.text[1:]} more examples of yours"}, tips


# -- the decision map ----------------------------------------------------------------------------
def gauss_app(make_app, **state):
    trainer = Trainer({"dataset": "gauss", "seed": 2})
    trainer.steps(3000)
    app = make_app(trainer, SIZE, show_panel=False, **state)
    for _ in range(2):
        app.frame()
    return app


def at(app, x1: float, x2: float) -> tuple[float, float]:
    """Window pixel of plane point (x1, x2) on the map."""
    m, e = app.plane.map, app.plane.field.extent
    return m.x + (x1 / e * 0.5 + 0.5) * m.side, m.y + (0.5 - x2 / e * 0.5) * m.side


def test_click_adds_a_point_shift_click_the_other_class_drawn_as_squares(make_app, pixels):
    from pyglet.window import key
    app = gauss_app(make_app)
    tr = app.controller.trainer
    n = len(tr.dataset.y_train)
    corner_a, corner_b = (-0.85, 0.85), (0.85, -0.85)  # corners with no generated point near
    before = pixels(*SIZE).astype(int)
    press(app, *at(app, *corner_a))
    press(app, *at(app, *corner_b), modifiers=key.MOD_SHIFT)
    ds = tr.dataset
    assert ds.added == 2 and len(ds.y_train) == n + 2 and list(ds.y_train[-2:]) == [1, 0]
    np.testing.assert_allclose(ds.x_train[-2:], [corner_a, corner_b], atol=0.02)
    assert app.state.shown_input is None  # adding is not showing
    img = pixels(*SIZE).astype(int)
    radius = float(np.clip(app.plane.map.side / 85.0, 3.0, 6.0))
    assert radius > 4.5  # (the map is 424 px in layering's screen layout: radius 4.99)
    for (x1, x2), red in ((corner_a, True), (corner_b, False)):
        x, y = at(app, x1, x2)
        for dx, dy in ((0, 0), (0.75 * radius, 0.75 * radius), (-0.75 * radius, -0.75 * radius)):
            # the centre and the square's corners (outside a disc of the same radius) are the class colour
            c = img[int(round(y + dy)), int(round(x + dx)), :3]
            assert (c[0] > c[2] + 60) if red else (c[2] > c[0] + 60), (x1, x2, dx, dy, c)
            assert np.abs(c - before[int(round(y + dy)), int(round(x + dx)), :3]).max() > 40
    # a click with "shows the answer" chosen feeds the point through instead
    app.controller.apply(commands.Set("click_adds", False))
    press(app, *at(app, 0.3, 0.3))
    assert tr.dataset.added == 2 and app.state.shown_input is not None
    # Ctrl+Z takes back the last point added
    app.on_key_press(key.Z, key.MOD_CTRL)
    assert tr.dataset.added == 1 and tr.dataset.y_train[-1] == 1


def test_the_class_chosen_in_the_panel_is_what_a_plain_click_adds(make_app):
    from pyglet.window import key
    app = gauss_app(make_app, point_class=0)
    press(app, *at(app, -0.85, 0.85))
    press(app, *at(app, -0.8, 0.8), modifiers=key.MOD_SHIFT)
    assert list(app.controller.trainer.dataset.y_train[-2:]) == [0, 1]


def test_the_map_follows_the_points_added(make_app, pixels):
    """Class-1 points where the map says class 0: once trained on, the map there turns class 1's colour."""
    app = gauss_app(make_app)
    spot = (-0.85, 0.05)  # no data near; the network gives it to class 0 (blue) so far
    between = (spot[0] + 0.04, spot[1] + 0.04)  # between the points added, none drawn there
    x, y = at(app, *between)
    assert app.plane.field.value_at(app.plane.map_neuron, *between) < 0.1
    before = pixels(*SIZE)[int(y), int(x), :3].astype(int)
    assert before[2] > before[0], before
    for dx in (-0.08, 0, 0.08):
        for dy in (-0.08, 0, 0.08):
            app.controller.apply(commands.AddExample(np.float32([spot[0] + dx, spot[1] + dy]), 1))
    app.controller.apply(commands.Train(20_000))
    import time

    from glnn.core.plane import REFRESH_HZ
    time.sleep(1.1 / REFRESH_HZ)
    for _ in range(2):
        app.frame()
    assert app.plane.field.value_at(app.plane.map_neuron, *between) > 0.7
    after = pixels(*SIZE)
    red = after[int(y), int(x), :3].astype(int)
    assert red[0] > red[2] + 25, red
    assert app.controller.frame().results["train"].added_right == 9
    assert app.controller.frame().metrics.train_accuracy > 0.95  # and the rest still right
