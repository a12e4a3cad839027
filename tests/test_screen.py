"""glnn.view.screen: where every part of the window goes, checked as rectangles (no GL) over every
window size, text scale and dataset; then a few pixels of real renders (gl) for what only pixels
show: captions clear of the network, output classes apart from their values, the strip whole,
text large enough in kiosk mode."""
from __future__ import annotations

import numpy as np
import pytest

from glnn.core import settings
from glnn.core.data import load
from glnn.core.model import Architecture
from glnn.view import plane_layout, screen
from glnn.view.screen import Rect

SIZES = [(1280, 720), (1920, 1080), (3840, 2160)]
SCALES = [1.0, 1.5, 2.0, 2.5, 3.0, screen.AUTO_SCALE]  # ui_scale 1 to 3 (the kiosk's range), and the kiosk's auto
DATASETS = settings.DATASETS  # digits5, xor3, digits8, circle, xor, gauss, spiral
HIDDEN = {"digits5": (16,), "xor3": (4,), "digits8": (16,), "circle": (8,), "xor": (8,), "gauss": (4,),
          "spiral": (8, 8)}  # the README's setups; the default (16,) is in there too


# the largest text scale each window keeps whatever it shows (the panel may take half the width at most)
UNTOUCHED_UP_TO = {(1280, 720): 1.33, (1920, 1080): 2.12, (3840, 2160): 4.24}


@pytest.fixture(scope="module")
def measure():
    """ImGui's own text measure with the theme's font, on a context of its own (no GL, no window)."""
    from glnn.ui.theme import TextMeasure
    return TextMeasure.standalone()


def lay_out(measure, size, scale, dataset, hidden=None, caption_lines=0, panel=True, timeline=True):
    ds = load(dataset)
    sizes = (ds.n_inputs, *(hidden or HIDDEN[dataset]), ds.n_outputs)
    content = screen.content_for(*size, scale, sizes, ds, panel=panel, timeline=timeline, caption_lines=caption_lines)
    return screen.compute(content, measure, Architecture(sizes).offsets()[0])


def overlap(a: Rect, b: Rect) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def every_box(s: screen.Screen) -> list[tuple[str, Rect]]:
    """Every element on screen as (name, rectangle), written out here rather than taken from
    Screen.boxes(), so that a part the layout forgets to list is still checked."""
    out = [("panel", s.panel)] if s.panel else []
    out += [(f"neuron {k}", Rect(x - r, y - r, 2 * r, 2 * r)) for k, (x, y, r, _) in enumerate(s.layout.nodes.tolist())]
    out += [(f"title {t.text}", t.rect) for t in s.titles]
    out += [(f"class {t.text}", t.rect) for t in s.outputs.classes]
    out += [(f"value {k}", t.rect) for k, t in enumerate(s.outputs.values)]
    out += [(f"step heading {t.text}", t.rect) for t in s.outputs.headers]
    if s.legend:
        out.append(("legend", s.legend))
    if s.caption:
        out.append(("caption band", s.caption))
    if s.timeline:
        out.append(("timeline", s.timeline))
    if s.strip:
        out.append(("strip", s.strip.rect))
    if s.plane:
        p = s.plane
        out += [("decision map", p.box), ("map title", p.title.rect), ("x1", p.x1.rect), ("x2", p.x2.rect)]
        out += [(f"map legend {label.text}", r) for swatch, label in p.legend for r in (swatch, label.rect)]
    return out


def assert_fits(s: screen.Screen, where: str) -> None:
    w, h = s.content.width, s.content.height
    boxes = every_box(s)
    for name, r in boxes:
        assert r.x >= -0.5 and r.y >= -0.5 and r.x + r.w <= w + 0.5 and r.y + r.h <= h + 0.5, \
            f"{where}: {name} {r} leaves the {w:.0f}x{h:.0f} window"
    for i, (a, ra) in enumerate(boxes):
        for b, rb in boxes[i + 1:]:
            if a.startswith("neuron") and b.startswith("neuron"):
                continue  # glnn.view.layout keeps a column's neurons apart (tests/test_layout.py)
            assert not overlap(ra, rb), f"{where}: {a} {ra} overlaps {b} {rb}"
    if s.strip is not None:
        items = [Rect(*t) for t in s.strip.tiles.tolist()] + [label.rect for label in s.strip.labels]
        assert len(s.strip.tiles) == s.content.images  # every training image, none left out
        for k, r in enumerate(items):
            assert r.inside(s.strip.rect), f"{where}: strip item {k} {r} leaves the strip {s.strip.rect}"
            for q in items[k + 1:]:
                assert not overlap(r, q), f"{where}: strip items {r} and {q} overlap"
    assert screen.problems(s) == [], where


# -- the whole matrix: every window size, scale and dataset --------------------------------------
@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_part_fits_inside_the_window_without_overlapping(measure, size, dataset):
    for scale in SCALES:
        for captions in (0, 1, 2):  # none, a video's or a step animation's line, the kiosk's two
            s = lay_out(measure, size, scale, dataset, caption_lines=captions)
            assert_fits(s, f"{size} ui_scale {scale} {dataset} captions {captions}")
            asked = screen.requested_scale(scale, size[1])
            assert s.scale <= asked + 1e-9
            # the text is made smaller only where the window cannot hold it: never at all up to these
            # scales (the kiosk's own among them), and never below them
            kept = UNTOUCHED_UP_TO[size]
            assert s.scale >= min(asked, kept) - 1e-6, (size, scale, dataset, captions, s.scale)


@pytest.mark.parametrize("hidden", [(4,), (32,), (16, 16), (8, 8, 8, 8), (64, 256, 256)])
def test_other_networks_fit_too(measure, hidden):
    for size in SIZES:
        for scale in (1.0, 3.0):
            s = lay_out(measure, size, scale, "digits5", hidden=hidden, caption_lines=2)
            assert_fits(s, f"{size} {scale} {hidden}")


def test_panel_hidden_and_no_timeline(measure):
    for size in SIZES:
        s = lay_out(measure, size, 2.0, "digits5", panel=False, timeline=False, caption_lines=1)
        assert s.panel is None and s.timeline is None
        assert_fits(s, f"{size} without panel and timeline")
        assert s.scene.x == 0


def test_tiny_window_does_not_break(measure):
    """The smallest window the CLI allows: degenerate, but every number finite and nothing raised."""
    s = lay_out(measure, (160, 120), 3.0, "spiral", caption_lines=2)
    assert s.scale == screen.MIN_SCALE
    assert np.isfinite(s.layout.nodes).all()


# -- captions ----------------------------------------------------------------------------------
def test_the_caption_band_lies_between_the_network_and_the_bars(measure):
    s = lay_out(measure, (1920, 1080), 1.0, "digits5", caption_lines=1)
    band = s.caption
    lowest = max(y + r for _, y, r, _ in s.layout.nodes.tolist())
    label_bottom = max(t.rect.bottom for t in s.outputs.values)
    assert band.y >= max(lowest, label_bottom)  # below the lowest neuron and the "9" label
    assert band.bottom <= s.timeline.y and s.timeline.bottom <= s.strip.rect.y
    assert band.h >= measure.height(s.caption_px)


def test_a_long_caption_wraps_onto_the_band_at_full_size(measure):
    s = lay_out(measure, (1920, 1080), screen.AUTO_SCALE, "digits5", caption_lines=2)
    text = "Learning, one picture at a time: every step nudges every connection a little"
    lines, size = screen.caption_lines(text, s.caption, s.caption_px, 2, measure)
    assert len(lines) == 2 and size == s.caption_px
    assert " ".join(lines) == text
    assert all(measure.width(t, size) <= s.caption.w for t in lines)
    assert len(lines) * measure.height(size) <= s.caption.h
    # one that cannot fit in two lines gets smaller rather than spill out of the band
    lines, size = screen.caption_lines(text * 3, s.caption, s.caption_px, 2, measure)
    assert len(lines) <= 2 and size < s.caption_px
    assert all(measure.width(t, size) <= s.caption.w for t in lines)


# -- output labels -------------------------------------------------------------------------------
@pytest.mark.parametrize("scale", [1.0, 2.0, 2.5, 3.0])
def test_output_class_and_value_stand_apart(measure, scale):
    """'7' and '0.98' must not read as '70.98': a gap of at least half a digit between the class
    column and the value column, the same for every output (a column, not a run of text)."""
    s = lay_out(measure, (1920, 1080), scale, "digits5")
    digit = measure.width("0", s.text_px)
    classes, values = s.outputs.classes, s.outputs.values
    assert len(classes) == len(values) == 10
    for c, v in zip(classes, values):
        assert v.rect.x - c.rect.right >= 0.5 * digit, (c.rect, v.rect)
    assert len({v.rect.x for v in values}) == 1


def test_a_single_output_has_no_class_column(measure):
    s = lay_out(measure, (1280, 720), 1.0, "xor3")
    assert s.outputs.classes == () and len(s.outputs.values) == 1


# -- the strip ---------------------------------------------------------------------------------
def test_the_strip_shrinks_then_wraps_rather_than_clip(measure):
    wide = lay_out(measure, (1920, 1080), 1.0, "digits5")
    assert wide.strip.rows == 1 and wide.strip.cell == screen.STRIP_CELL
    squeezed = lay_out(measure, (1920, 1080), 2.5, "digits5")  # cut off at the right before
    assert squeezed.strip.rows == 1 and squeezed.strip.cell < screen.STRIP_CELL * 2.5
    assert squeezed.strip.rect.right <= squeezed.scene.right - screen.MARGIN * squeezed.scale
    content = screen.content_for(1280, 720, 1.0, (25, 16, 10), load("digits5"))
    for room in (400.0, 300.0, 200.0, 120.0):  # ever less width for the ten images
        strip = screen.strip_layout(content, measure, 1.0, 0.0, room, 700.0)
        assert strip.rect.x >= 0 and strip.rect.right <= room, (room, strip.rect)
        assert strip.cell >= screen.STRIP_MIN_CELL and len(strip.tiles) == 10
        for k, (x, y, w, h) in enumerate(strip.tiles.tolist()):
            assert Rect(x, y, w, h).inside(strip.rect)
            assert strip.labels[k].rect.inside(strip.rect)
    assert strip.rows >= 2  # 120 pixels: wrapped


# -- kiosk text sizes ------------------------------------------------------------------------------
INK = 0.81  # Roboto's ascender-to-descender height ("Learning") as a share of ImGui's font size


@pytest.mark.parametrize("height,label_px,caption_px", [(1080, 28, 44), (2160, 56, 88)])
def test_kiosk_text_is_readable_across_a_room(measure, height, label_px, caption_px):
    """Kiosk defaults: labels and panel text at least 28 px, captions at least 44 px at 1080 lines,
    twice that at 2160 (measured as drawn: from the top of 'L' to the foot of 'g')."""
    ui_scale = settings.KIOSK_DEFAULTS["ui_scale"]
    assert ui_scale == screen.AUTO_SCALE  # the kiosk's text follows the screen unless the exhibit says otherwise
    s = lay_out(measure, (height * 16 // 9, height), ui_scale, "digits5", caption_lines=2)
    assert s.scale == pytest.approx(screen.auto_scale(height))  # nothing had to give way
    assert measure.height(s.text_px) * INK >= label_px
    assert measure.height(s.caption_px) * INK >= caption_px
    for title in s.titles:
        assert title.size == s.text_px  # the column titles are not shrunk either


# -- pictures of what hidden neurons look for ---------------------------------------------------------
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("hidden", [(4,), (16,), (32,), (16, 8)])
def test_each_picture_sits_beside_its_own_neuron(measure, size, hidden):
    for scale in (1.0, 2.0, 3.0):
        s = lay_out(measure, size, scale, "digits5", hidden=hidden, caption_lines=2)
        lay = s.layout
        pics = screen.receptive_pictures(lay, s.scale)
        if len(pics.rects) == 0:
            continue
        assert hidden[0] == 32 or len(pics.rects) == hidden[0]
        frame = screen.RECEPTIVE_FRAME
        boxes = [Rect(x - frame, y - frame, w + 2 * frame, h + 2 * frame) for x, y, w, h in pics.rects.tolist()]
        for k, (box, (x0, y0, x1, y1)) in enumerate(zip(boxes, pics.leaders.tolist())):
            n = int(pics.neurons[k])
            nx, ny, nr, layer = lay.nodes[n].tolist()
            assert layer == 1 and n == lay.layer_start[1] + k
            # level with its neuron, and its leader line runs from the picture's edge to the neuron's rim
            assert box.y + box.h / 2 == pytest.approx(ny)
            assert x0 == pytest.approx(box.right) and x1 == pytest.approx(nx - nr) and y0 == y1 == pytest.approx(ny)
            assert 0 < x1 - x0 <= screen.RECEPTIVE_LEADER * s.scale + 1e-6  # right beside it
            assert box.h >= screen.RECEPTIVE_MIN
            for q in boxes[k + 1:]:
                assert not overlap(box, q), (box, q)
            for m, (mx, my, mr, _) in enumerate(lay.nodes.tolist()):
                assert not overlap(box, Rect(mx - mr, my - mr, 2 * mr, 2 * mr)), (k, m)
            for name, other in every_box(s):
                if not name.startswith("neuron"):
                    assert not overlap(box, other), (name, other, box)


def test_pictures_give_way_where_neurons_are_too_close(measure):
    s = lay_out(measure, (1280, 720), 1.0, "digits5", hidden=(128,))
    assert len(screen.receptive_pictures(s.layout, s.scale).rects) == 0  # the hover card shows them instead


# -- decision maps -------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_plane_pictures_stay_clear_of_the_words(measure, size):
    for dataset in ("circle", "spiral"):
        for scale in (1.0, 2.0, 3.0):
            s = lay_out(measure, size, scale, dataset, caption_lines=1)
            left = (s.panel.right if s.panel else 0.0) + 6.0  # glnn.app.PLANE_LEFT
            rects, _ = plane_layout.neuron_tiles(s.layout, left, s.scale)
            for x, y, w, h in rects.tolist():
                tile = Rect(x, y, w, h)
                assert tile.x >= left
                for name, other in every_box(s):  # words, bars and every neuron's disc
                    assert not overlap(tile, other), (dataset, scale, name, other, tile)
