"""A tap (pointer moved and pressed in the same instant, as on a touch screen) works on ImGui's
tabs, which only take a press on what was under the pointer the frame before."""
import pytest
from pyglet.event import EventDispatcher

from glnn.core.trainer import Trainer

pytestmark = pytest.mark.gl

SIZE = (1280, 720)


@pytest.fixture()
def app(make_app):
    a = make_app(Trainer({}), SIZE)
    for _ in range(3):
        a.frame()
    return a


def tap(app, x, y, frames=4):
    """Move, press and release before one frame, as a touch screen or xdotool's 'mousemove click' does."""
    from pyglet.window import mouse  # here, not at the top: importing pyglet.window makes a GL context
    h = app.window.height
    for event in (("on_mouse_motion", x, h - y, 0, 0), ("on_mouse_press", x, h - y, mouse.LEFT, 0),
                  ("on_mouse_release", x, h - y, mouse.LEFT, 0)):
        EventDispatcher.dispatch_event(app.window, *event)
    for _ in range(frames):
        app.frame()


def tab_centre(app, label):
    """The tab's place: tabs follow each other from the panel's left edge, as ImGui lays them out."""
    from imgui_bundle import imgui
    style = imgui.get_style()
    x = style.window_padding.x
    for name in ("Train", "Draw", "Results", "Settings"):
        w = imgui.calc_text_size(name).x + style.frame_padding.x * 2
        if name == label:
            return x + w / 2, 45.0
        x += w + style.item_inner_spacing.x
    raise AssertionError(label)


@pytest.mark.parametrize("label,name", [("Results", "results"), ("Draw", "draw"), ("Settings", "settings")])
def test_a_tap_opens_a_tab(app, label, name):
    tap(app, *tab_centre(app, label))
    assert app.state.tab == name


def test_a_tap_still_clicks_a_button_once(app):
    steps = app.controller.trainer.iterations
    tap(app, 167, 79)  # Step
    assert app.controller.trainer.iterations == steps + 1


def test_a_tap_on_a_neuron_focuses_it(app):
    app.frame()
    x, y, _, _ = app.layout.nodes[int(app.layout.layer_start[1]) + 3]
    tap(app, float(x), float(y))
    assert app.focus_neuron == int(app.layout.layer_start[1]) + 3


def test_a_tap_then_a_quick_move_away_still_lands_where_it_was(app):
    """The pointer leaves (onto the panel) before the held press is given out: the press keeps its place."""
    from pyglet.window import mouse
    app.frame()
    x, y, _, _ = app.layout.nodes[int(app.layout.layer_start[1]) + 5]
    h = app.window.height
    for event in (("on_mouse_motion", float(x), h - float(y), 0, 0),
                  ("on_mouse_press", float(x), h - float(y), mouse.LEFT, 0),
                  ("on_mouse_release", float(x), h - float(y), mouse.LEFT, 0)):
        EventDispatcher.dispatch_event(app.window, *event)
    app.frame()
    EventDispatcher.dispatch_event(app.window, "on_mouse_motion", 100.0, h - 300.0, 0, 0)  # onto the panel
    for _ in range(4):
        app.frame()
    assert app.focus_neuron == int(app.layout.layer_start[1]) + 5
