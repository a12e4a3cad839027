"""The Help window: its words follow the dataset shown and the mode (a kiosk lists only the keys it
obeys), and every line of it fits inside the window (bullets wrap)."""
from __future__ import annotations

import pytest

from glnn.core import settings
from glnn.core.data import load
from glnn.core.trainer import Trainer
from glnn.ui import help as help_window

ALL_PARTS = settings.PANEL_PARTS
KIOSK_PARTS = settings.KIOSK_DEFAULTS["panel"]


def words(dataset: str, kiosk: bool = False, parts=ALL_PARTS) -> str:
    """Everything the Help window says, as one lower-case text."""
    out = []
    for heading, paragraphs, bullets in help_window.sections(load(dataset), kiosk, parts):
        out += [heading, *paragraphs, *bullets]
    out += [f"{k} {what}" for k, what in help_window.keys(kiosk)]
    return "\n".join(out).lower()


def test_help_on_digits_speaks_of_pictures_and_digits():
    text = words("digits5")
    for expected in ("pixel", "digit", "draw tab", "training picture at the bottom", "ten"):
        assert expected in text, expected
    assert "decision map" not in text and "x1" not in text


def test_help_on_a_point_set_speaks_of_the_plane_not_digits():
    for name in ("spiral", "circle"):
        text = words(name)
        for expected in ("x1", "x2", "decision map", "ring", "class 1", "200 training points"):
            assert expected in text, (name, expected)
        for absent in ("digit", "pixel", "draw tab", "picture at the bottom"):
            assert absent not in text, (name, absent)


def test_help_on_xor3_speaks_of_bit_patterns_and_the_new_one():
    text = words("xor3")
    for expected in ("three", "first two", "[1, 1, 0]", "seven"):
        assert expected in text, expected
    for absent in ("digit", "pixel", "decision map", "draw tab"):
        assert absent not in text, absent


def test_digits8_has_no_strip_to_click_and_learns_from_many_pictures():
    text = words("digits8")
    assert "1,347" in text and "picture at the bottom" not in text and "8x8" in text


def test_help_in_a_kiosk_lists_only_the_keys_it_obeys():
    desk = dict(help_window.keys(kiosk=False))
    kiosk = dict(help_window.keys(kiosk=True))
    assert {"Space", "S", "R", "F", "H", "Esc"} <= set(desk)
    assert "Esc" not in kiosk and "F" not in kiosk  # a kiosk ignores both (glnn/app.py)
    assert {"Space", "S", "R"} <= set(kiosk)


def test_help_mentions_only_the_parts_of_the_panel_there_are():
    text = words("digits5", kiosk=True, parts=KIOSK_PARTS)
    assert "settings" not in text  # a kiosk hides the Settings tab
    assert "settings" in words("spiral")  # where it is there, Help points to it
    assert "results tab" not in words("digits5", parts=tuple(p for p in ALL_PARTS if p != "results"))


@pytest.mark.gl
@pytest.mark.parametrize("dataset, kiosk, size, scale", [
    ("digits5", False, (1280, 720), 1.0),
    ("spiral", False, (1280, 720), 1.0),
    ("xor3", False, (1280, 720), 1.0),
    ("digits5", True, (1280, 720), 1.5),
    ("spiral", True, (1920, 1080), 2.0),
])
def test_every_line_of_help_fits_inside_its_window(make_app, dataset, kiosk, size, scale):
    """No line runs out of the window on the right (bullets used to be one unwrapped line each), and
    the window fits on the screen."""
    from imgui_bundle import imgui
    parts = KIOSK_PARTS if kiosk else ALL_PARTS
    app = make_app(Trainer({"dataset": dataset}), size, show_help=True, kiosk=kiosk, ui_scale=scale, panel=parts)
    for _ in range(3):
        app.frame()
    window = imgui.internal.find_window_by_name(help_window.TITLE)
    assert window is not None and window.was_active, "the Help window is not drawn"
    content = window.content_region_rect
    room = content.max.x - content.min.x
    assert window.content_size.x <= room + 1, f"a line is {window.content_size.x:.0f} px wide in {room:.0f} px"
    assert window.pos.x >= 0 and window.pos.y >= 0
    assert window.pos.x + window.size.x <= size[0] and window.pos.y + window.size.y <= size[1]
