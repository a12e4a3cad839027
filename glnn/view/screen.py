"""Where every part of the window goes: the panel, the network with its words (column titles,
output labels, the colour legend), the caption band, the timeline bar, the training-image strip
and, for 2-D datasets, the decision map with its title and legend.

Pure (numpy; no GL, no ImGui): the app lays the window out with compute() whenever its size or
content changes, the ImGui code draws at these rectangles, and tests/test_screen.py checks over
every window size, text scale and dataset that everything lies inside the window and nothing
overlaps anything else. Text is measured through a Measure (glnn.ui.theme.TextMeasure asks
ImGui's font), so a rectangle holds exactly the text drawn in it.

The text scale asked for (ui_scale) is honoured while everything fits; in a window too small
for it, compute() uses the largest scale that fits (Screen.scale), so the layout never clips.

Coordinates are window pixels with the origin at the top left, as in glnn.view.layout.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Protocol

import numpy as np

from glnn.view import layout as layout_mod
from glnn.view import plane_layout
from glnn.view.layout import Area, Layout

# -- text sizes ----------------------------------------------------------------------------------
BASE_FONT_SIZE = 17.0  # px at ui_scale 1 (the theme's Roboto); ImGui's line height is the font size
AUTO_SCALE = 0.0  # ui_scale 0: the text follows the screen's height (the kiosk's default)
AUTO_TEXT_PX = 36.0  # text size at 1080 lines when it follows the screen: ~29 px from ascender to
# descender (Roboto draws 0.81 of the size), readable across a room; 2160 lines get twice that
AUTO_REFERENCE_HEIGHT = 1080.0
CAPTION_RATIO = 1.55  # captions are this much larger than the other text (56 px at 1080 lines, auto)
MIN_SCALE = 0.5  # the smallest scale compute() falls back to (Setting ui_scale's lower bound)
STEP_LABEL_RATIO = 0.86  # the step animation's numbers are this much smaller (glnn.ui.step_labels)

# -- the parts, in px times the scale unless said otherwise --------------------------------------
PANEL_WIDTH = 350.0
PANEL_MAX_SHARE = 0.5  # of the window's width: a larger scale does not fit
EDGE = 8.0  # between the window's edge and what is drawn along it
GAP = 6.0  # between stacked parts (legend, titles, network, caption, timeline, strip)
MARGIN = 16.0  # left and right of the scene's contents, inside the scene
TIMELINE_MARGIN = 24.0  # each side of the timeline bar
LABEL_GAP = 8.0  # between an output neuron's rim and its class name
LEGEND_SWATCH = 28.0  # the legend's line sample ...
LEGEND_SWATCH_ROOM = 36.0  # ... and the room it takes before the text
LEGEND_ITEM_GAP = 20.0
CAPTION_PAD = 6.0  # above and below the caption's lines, inside the band
STRIP_PAD = 10.0  # around and between the training images
STRIP_LABEL_GAP = 2.0  # between an image and its class name
MAP_SHARE = 0.34  # of the scene's width, at most: the network beside it needs the rest
PLANE_TILE_ROOM = 40.0  # left of the input column for its neurons' pictures (they take what room there is)
MAP_MAX = 520.0  # px times the scale
MAP_MIN = 80.0  # px: a smaller decision map says nothing; the scale goes down instead
MAP_TITLE_GAP = 8.0
MAP_GAP = 16.0  # between the output labels' room and the map (also holds the "x2" axis name)
MAP_LEGEND_DOT = 4.5  # radius of the legend's point samples
MAP_LEGEND_GAP = 16.0
MAX_RADIUS = 22.0  # px: the largest neuron at up to 1080 lines (glnn.view.layout.compute's default)

# -- what has to fit -----------------------------------------------------------------------------
NETWORK_MIN_SHARE = 0.3  # of the window's height: the network's area is at least this tall
TITLE_MIN_SHRINK = 0.85  # column titles may shrink to this share of the text size to fit side by side
MAX_STRIP_IMAGES = 20  # more training images than this get no strip (digits8 has 1,347)
MAX_STRIP_MINE = 40  # the newest examples added by hand the strip may show (as many as fit), after the loaded images
STRIP_CELL = 7.0  # px per image pixel (5x5 images; 4 for larger ones) ...
STRIP_CELL_LARGE = 4.0
STRIP_MIN_CELL = 3.0  # ... shrunk down to this to fit the width (not scaled), then wrapped
STRIP_MAX_ROWS = 3
TIMELINE_TRACK = 54.0  # the bar's height besides its two lines of text: padding, spacing, the track
# and its knob (glnn.ui.timeline_bar; ImGui's item spacing scales too: glnn.ui.theme.SIZES)

TITLE_TEXTS = ("INPUT", "HIDDEN", "OUTPUT")
LEGEND_TEXTS = ("positive weight: excites", "negative weight: inhibits")
VALUE_TEMPLATE = "0.00"  # the widest output value (activations lie in 0..1, shown with 2 decimals)
STEP_VALUE_TEMPLATE = "-0.000"  # the step animation's widest value column (glnn.ui.step_labels)
STEP_ERROR_TEMPLATE = "+0.00"
HEADER_TEXTS = ("target", "error")
MAP_TITLE = "DECISION REGION"


class Measure(Protocol):
    def width(self, text: str, size: float) -> float:
        """Pixels `text` takes across at font size `size`."""

    def height(self, size: float) -> float:
        """The line height of text at font size `size`."""


class ApproxMeasure:
    """A measure without a font: an upper bound for Roboto (widest glyph 0.6 of the size).
    For code that has no ImGui context; the app and the layout tests use the real font."""

    def width(self, text: str, size: float) -> float:
        return math.ceil(0.6 * round(size) * len(text))

    def height(self, size: float) -> float:
        return float(max(1, round(size)))


# -- rectangles ----------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def overlaps(self, other: "Rect") -> bool:
        """True if the two share an area (touching edges do not)."""
        return (self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom
                and self.w > 0 and self.h > 0 and other.w > 0 and other.h > 0)

    def inside(self, other: "Rect", slack: float = 0.5) -> bool:
        return (self.x >= other.x - slack and self.y >= other.y - slack and self.right <= other.right + slack
                and self.bottom <= other.bottom + slack)

    def contains(self, px: float, py: float) -> bool:
        return self.x <= px < self.right and self.y <= py < self.bottom


@dataclasses.dataclass(frozen=True)
class Label:
    """A line of text: drawn with its top-left corner at (rect.x, rect.y), font size `size`."""
    rect: Rect
    text: str
    size: float


@dataclasses.dataclass(frozen=True)
class Content:
    """What the window has to show."""
    width: float
    height: float
    scale: float  # the text scale asked for (ui_scale; AUTO_SCALE follows the window's height)
    sizes: tuple[int, ...]  # the network's layers
    class_names: tuple[str, ...] = ()
    panel: bool = True
    timeline: bool = True
    caption_lines: int = 0  # lines reserved for captions below the network; 0 = no caption band
    images: int = 0  # loaded training images in the strip along the bottom (the first ones); 0 = none
    image_shape: tuple[int, int] | None = None
    image_labels: tuple[str, ...] = ()  # the class name under each image
    plane: bool = False  # a 2-D dataset: the decision map right of the network
    has_test: bool = False  # the map's legend then shows the test points' mark
    added: int = 0  # examples added by hand: the last ones of the training set (the map's legend: "yours")
    mine_labels: tuple[str, ...] = ()  # the class names of the newest of them the strip may show, oldest first
    n_train: int = 0  # training samples, those added by hand included (the strip's tiles name their index)


def content_for(width: float, height: float, scale: float, sizes, dataset, *, panel: bool = True,
                timeline: bool = True, caption_lines: int = 0) -> Content:
    """The Content of a window showing `dataset` (a glnn.core.data.Dataset)."""
    shape = dataset.image_shape
    n = len(dataset.y_train)
    added = int(getattr(dataset, "added", 0))
    loaded = n - added
    images = loaded if shape is not None and loaded <= MAX_STRIP_IMAGES else 0
    labels = tuple(dataset.class_names[int(y)] for y in dataset.y_train[:images])
    mine = min(added, MAX_STRIP_MINE) if shape is not None else 0
    mine_labels = tuple(dataset.class_names[int(y)] for y in dataset.y_train[n - mine:]) if mine else ()
    return Content(float(width), float(height), float(scale), tuple(int(s) for s in sizes),
                   tuple(dataset.class_names), panel, timeline, int(caption_lines), images, shape, labels,
                   dataset.has_plane, bool(dataset.has_test), added, mine_labels, n)


def auto_scale(height: float) -> float:
    """The text scale that follows the screen: AUTO_TEXT_PX at 1080 lines, in proportion elsewhere."""
    return AUTO_TEXT_PX / BASE_FONT_SIZE * float(height) / AUTO_REFERENCE_HEIGHT


def requested_scale(ui_scale: float, height: float) -> float:
    """ui_scale as asked, with AUTO_SCALE resolved for a window `height` pixels tall."""
    return auto_scale(height) if ui_scale == AUTO_SCALE else float(ui_scale)


def text_size(scale: float) -> float:
    return BASE_FONT_SIZE * scale


def caption_size(scale: float) -> float:
    return BASE_FONT_SIZE * scale * CAPTION_RATIO


def timeline_height(scale: float, line: float) -> float:
    """The timeline bar's height: padding, a line of text, the track with its knob, tick labels, padding."""
    return TIMELINE_TRACK * scale + 2 * line


# -- the parts -----------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Strip:
    rect: Rect  # the strip's background
    tiles: np.ndarray  # (n, 4) float: x, y, w, h of each image
    labels: tuple[Label, ...]  # the class name under each image
    hits: np.ndarray  # (n, 4): where a click picks the image (the image and its name)
    cell: float  # pixels per image pixel
    rows: int
    indices: np.ndarray | None = None  # (n,) int: the training sample each tile shows
    loaded: int = 0  # the first `loaded` tiles are loaded images; the rest the newest examples added by hand
    more: Label | None = None  # "+N": the examples added by hand left out, right of the last tile


@dataclasses.dataclass(frozen=True)
class Outputs:
    """The words beside the output neurons: a fixed-width column of class names, then the values
    in another colour (so that "7" and "0.98" never read as one number), and the step animation's
    target and error columns with their headings in the titles' row."""
    classes: tuple[Label, ...]  # one per output; none for a single output
    values: tuple[Label, ...]  # one per output: where its value goes (text: the widest value)
    value_x: float
    error_x: float
    headers: tuple[Label, ...]  # "target", "error" above the step animation's columns
    right: float  # the rightmost pixel any of them (or the animation's columns) reaches
    headers_in_titles_row: bool = False


@dataclasses.dataclass(frozen=True)
class PlaneMap:
    rect: plane_layout.MapRect
    title: Label
    x1: Label
    x2: Label
    legend: tuple[tuple[Rect, Label], ...]  # (the point sample's square, its text)

    @property
    def box(self) -> Rect:
        return Rect(self.rect.x, self.rect.y, self.rect.side, self.rect.side)


@dataclasses.dataclass(frozen=True)
class Screen:
    content: Content
    scale: float  # the text scale used: the one asked for, or the largest below it that fits
    text_px: float  # font size of the panel, titles and labels
    caption_px: float  # font size of captions (before a long one is shrunk to fit its band)
    window: Rect
    panel: Rect | None
    scene: Rect  # right of the panel
    network: Area  # where the neurons go (glnn.view.layout.compute)
    layout: Layout
    legend: Rect | None
    titles: tuple[Label, ...]
    outputs: Outputs
    caption: Rect | None
    timeline: Rect | None
    strip: Strip | None
    plane: PlaneMap | None

    def neuron_boxes(self) -> list[Rect]:
        return [Rect(float(x - r), float(y - r), float(2 * r), float(2 * r)) for x, y, r, _ in self.layout.nodes]

    def boxes(self) -> dict[str, list[Rect]]:
        """Everything drawn, by part: no box may leave the window nor overlap a box of another part
        (nor another of its own part). The strip's images lie inside the strip (see Strip)."""
        parts: dict[str, list[Rect]] = {
            "panel": [self.panel] if self.panel else [],
            "neurons": self.neuron_boxes(),
            "legend": [self.legend] if self.legend else [],
            "titles": [t.rect for t in self.titles],
            "output labels": [t.rect for t in self.outputs.classes] + [t.rect for t in self.outputs.values],
            "step headers": [t.rect for t in self.outputs.headers],
            "caption band": [self.caption] if self.caption else [],
            "timeline": [self.timeline] if self.timeline else [],
            "strip": [self.strip.rect] if self.strip else [],
        }
        if self.plane is not None:
            p = self.plane
            parts["decision map"] = [p.box]
            parts["map words"] = [p.title.rect, p.x1.rect, p.x2.rect] + [r for pair in p.legend for r in
                                                                          (pair[0], pair[1].rect)]
        return parts


def problems(screen: Screen) -> list[str]:
    """What does not fit: boxes outside the window, overlapping boxes, parts too small to read.
    compute() picks the largest scale with none; the tests check that there are none."""
    found = []
    window = screen.window
    parts = screen.boxes()
    for name, boxes in parts.items():
        for k, box in enumerate(boxes):
            if not box.inside(window):
                found.append(f"{name}[{k}] {box} leaves the window")
    named = [(name, k, box) for name, boxes in parts.items() for k, box in enumerate(boxes)]
    clashes = [(named[i], named[j]) for i, j in _overlapping([box for _, _, box in named])
               # neurons of a tall column may touch (glnn.view.layout's business, not the text's)
               if not named[i][0] == named[j][0] == "neurons"]
    for (a, ka, box_a), (b, kb, box_b) in clashes[:8]:
        found.append(f"{a}[{ka}] {box_a} overlaps {b}[{kb}] {box_b}")
    strip = screen.strip
    if strip is not None:
        boxes = [Rect(*t) for t in strip.tiles.tolist()] + [label.rect for label in strip.labels]
        if strip.more is not None:
            boxes.append(strip.more.rect)
        for k, box in enumerate(boxes):
            if not box.inside(strip.rect):
                found.append(f"strip item {k} {box} leaves the strip {strip.rect}")
        pairs = _overlapping(boxes)
        if pairs:
            found.append(f"strip items {pairs[0]} overlap")
    for a, b in zip(screen.titles, screen.titles[1:]):  # not merely apart: visibly separate words
        if b.rect.x - a.rect.right < GAP * screen.scale - 1e-6:
            found.append(f"titles {a.text!r} and {b.text!r} run together")
    if screen.network.h < NETWORK_MIN_SHARE * window.h:
        found.append(f"the network gets {screen.network.h:.0f} of {window.h:.0f} pixels' height")
    if screen.plane is not None and screen.plane.rect.side < MAP_MIN:
        found.append(f"the decision map is {screen.plane.rect.side:.0f} pixels wide")
    if screen.panel is not None and screen.panel.w > PANEL_MAX_SHARE * window.w:
        found.append(f"the panel takes {screen.panel.w:.0f} of {window.w:.0f} pixels")
    return found


def _overlapping(boxes: list[Rect]) -> list[tuple[int, int]]:
    """Index pairs (i < j) of boxes that share an area (Rect.overlaps, for all pairs at once)."""
    if len(boxes) < 2:
        return []
    A = np.array([(r.x, r.y, r.x + r.w, r.y + r.h) for r in boxes], np.float64)
    solid = (A[:, 2] > A[:, 0]) & (A[:, 3] > A[:, 1])
    hit = ((A[:, None, 0] < A[None, :, 2]) & (A[None, :, 0] < A[:, None, 2])
           & (A[:, None, 1] < A[None, :, 3]) & (A[None, :, 1] < A[:, None, 3]))
    hit &= solid[:, None] & solid[None, :]
    hit &= np.triu(np.ones(hit.shape, bool), 1)
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(hit))]


# -- laying it out ---------------------------------------------------------------------------------
def compute(content: Content, measure: Measure, w_off: np.ndarray | None = None) -> Screen:
    """The window laid out at the scale asked for, or at the largest smaller one where it all fits."""
    if w_off is None:
        w_off = np.concatenate([[0], np.cumsum([a * b for a, b in zip(content.sizes[:-1], content.sizes[1:])])])
    asked = max(MIN_SCALE, requested_scale(content.scale, content.height))
    best = _build(content, asked, measure, w_off)
    if not problems(best):
        return best
    # the parts grow with the scale, so whether they fit changes once: bisect for the largest that does
    lo, hi = MIN_SCALE, asked
    fallback = _build(content, lo, measure, w_off)
    if problems(fallback):
        return fallback  # a window too small for anything: the smallest text at least
    best = fallback
    while hi - lo > 0.02:
        mid = (lo + hi) / 2
        trial = _build(content, mid, measure, w_off)
        if problems(trial):
            hi = mid
        else:
            lo, best = mid, trial
    return best


def _build(c: Content, s: float, m: Measure, w_off: np.ndarray) -> Screen:
    text = text_size(s)
    line = m.height(text)
    edge, gap, margin = EDGE * s, GAP * s, MARGIN * s
    window = Rect(0.0, 0.0, c.width, c.height)
    panel = Rect(0.0, 0.0, PANEL_WIDTH * s, c.height) if c.panel else None
    left = panel.right if panel is not None else 0.0
    scene = Rect(left, 0.0, max(1.0, c.width - left), c.height)
    inner_left, inner_right = scene.x + margin, scene.right - margin

    # -- top: the colour legend (if it fits the width), then the column titles
    y = edge
    legend = _legend(m, text, line, s, inner_left, inner_right, y)
    if legend is not None:
        y = legend.bottom + gap
    titles_y = y
    y += line + gap
    net_top = y

    # -- bottom, upwards: strip, timeline, caption band
    y = c.height - edge
    strip = None
    if (c.images or c.mine_labels) and c.image_shape is not None:
        strip = strip_layout(c, m, s, inner_left, inner_right, y)
        y = strip.rect.y - gap
    timeline = None
    if c.timeline:
        h = timeline_height(s, line)
        timeline = Rect(scene.x + TIMELINE_MARGIN * s, y - h, max(1.0, scene.w - 2 * TIMELINE_MARGIN * s), h)
        y = timeline.y - gap
    caption = None
    cap_px = caption_size(s)
    if c.caption_lines > 0:
        h = c.caption_lines * m.height(cap_px) + 2 * CAPTION_PAD * s
        caption = Rect(inner_left, y - h, max(1.0, inner_right - inner_left), h)
        y = caption.y - gap
    net_bottom = max(net_top + 1.0, y)

    # -- across: the network, its output labels' room and (2-D datasets) the decision map
    names = _title_texts(len(c.sizes))
    widths = [m.width(t, text) for t in names]
    region_right = inner_right
    plane = None
    if c.plane:
        plane = _plane_map(c, m, text, line, s, inner_left, inner_right, titles_y, net_bottom)
        region_right = plane.x2.rect.x - gap
    # the first column as far left as its title (and, on 2-D datasets, its neurons' pictures) allow, the
    # last as far right as its title and labels allow: the area reaches a disc's radius beyond them
    radius = max_radius(c.height)
    out_w = _output_room(c, m, text, s, radius)
    first = inner_left + max(widths[0] / 2, radius)
    if c.plane:
        first = max(first, inner_left + radius + (plane_layout.TILE_PAD + PLANE_TILE_ROOM) * s)
    last = max(first + 1.0, region_right - max(widths[-1] / 2, out_w))
    network = Area(first - radius, net_top, last - first + 2 * radius, net_bottom - net_top)
    lay = layout_mod.compute(c.sizes, w_off, network, radius, margin=radius)
    outputs = _outputs(c, lay, m, text, line, s, titles_y)
    titles = _titles(lay, names, m, text, titles_y, outputs, gap, inner_left)
    return Screen(c, s, text, cap_px, window, panel, scene, network, lay, legend, titles, outputs, caption, timeline,
                  strip, plane)


def _title_texts(n_layers: int) -> list[str]:
    return [TITLE_TEXTS[0]] + [TITLE_TEXTS[1]] * (n_layers - 2) + [TITLE_TEXTS[2]] if n_layers > 1 \
        else [TITLE_TEXTS[0]]


def _legend(m: Measure, text: float, line: float, s: float, left: float, right: float, y: float) -> Rect | None:
    """The colour legend in the top-right corner, or None where the scene is too narrow for it."""
    width = sum(LEGEND_SWATCH_ROOM * s + m.width(t, text) for t in LEGEND_TEXTS) \
        + LEGEND_ITEM_GAP * s * (len(LEGEND_TEXTS) - 1)
    if right - width < left:
        return None
    return Rect(right - width, y, width, line)


def legend_items(legend: Rect, m: Measure, text: float, s: float) -> list[tuple[float, float, str]]:
    """(swatch left, text left, text) of each legend item, left to right."""
    out, x = [], legend.x
    for t in LEGEND_TEXTS:
        out.append((x, x + LEGEND_SWATCH_ROOM * s, t))
        x += LEGEND_SWATCH_ROOM * s + m.width(t, text) + LEGEND_ITEM_GAP * s
    return out


def max_radius(height: float) -> float:
    """The largest neuron disc: MAX_RADIUS, growing with the window beyond 1080 lines (a 4K screen
    shows the same picture as a 1080p one, not one with half-size neurons)."""
    return MAX_RADIUS * max(1.0, height / AUTO_REFERENCE_HEIGHT)


def _output_room(c: Content, m: Measure, text: float, s: float, radius: float) -> float:
    """Pixels right of the output column that its labels (and the step animation's columns) need."""
    value_x, error_x, right = _output_columns(c, m, text, s, 0.0, radius)
    return right


def _output_columns(c: Content, m: Measure, text: float, s: float, x: float, r: float) -> tuple[float, float, float]:
    """(value column x, error column x, rightmost pixel) for an output column at x with radius r."""
    many = len(c.sizes) > 1 and c.sizes[-1] > 1
    class_w = max((m.width(n, text) for n in c.class_names), default=0.0) if many else 0.0
    sep = 0.6 * text if many else 0.0  # a clear gap: the class and its value never read as one number
    value_x = x + r + LABEL_GAP * s + class_w + sep
    small = STEP_LABEL_RATIO * text
    error_x = value_x + m.width(STEP_VALUE_TEMPLATE, small) + 8 * s
    right = max(value_x + m.width(VALUE_TEMPLATE, text),
                error_x + m.width(STEP_ERROR_TEMPLATE, small) + 3,  # the step labels' pills reach 3 px further
                value_x + m.width(HEADER_TEXTS[0], small) + 3, error_x + m.width(HEADER_TEXTS[1], small) + 3)
    return value_x, error_x, right - x


def _outputs(c: Content, lay: Layout, m: Measure, text: float, line: float, s: float, titles_y: float) -> Outputs:
    start, n = int(lay.layer_start[-1] - lay.sizes[-1]), lay.sizes[-1]
    col, r = float(lay.column_x[-1]), float(lay.nodes[start, 2])
    value_x, error_x, room = _output_columns(c, m, text, s, col, r)
    many = n > 1
    classes, values = [], []
    class_x = col + r + LABEL_GAP * s
    value_w = m.width(VALUE_TEMPLATE, text)
    for j in range(n):
        y = float(lay.nodes[start + j, 1]) - line / 2
        if many:
            name = c.class_names[j] if j < len(c.class_names) else str(j)
            classes.append(Label(Rect(class_x, y, m.width(name, text), line), name, text))
        values.append(Label(Rect(value_x, y, value_w, line), VALUE_TEMPLATE, text))
    # the step animation's column headings: just above the first output's values where there is
    # room (a single output has plenty), else in the titles' row, level with the column titles
    small = STEP_LABEL_RATIO * text
    small_line = m.height(small)
    # (above the first output's value, and above the sigma the animation writes over its neuron)
    header_y = float(lay.nodes[start, 1]) - max(line / 2, r + small_line + 3) - small_line - 4 * s
    in_titles_row = header_y < lay.area.y
    if in_titles_row:
        header_y = titles_y + (line - small_line)
    headers = tuple(Label(Rect(x, header_y, m.width(t, small), small_line), t, small)
                    for x, t in zip((value_x, error_x), HEADER_TEXTS))
    return Outputs(tuple(classes), tuple(values), value_x, error_x, headers, col + room, in_titles_row)


def _titles(lay: Layout, names: list[str], m: Measure, text: float, y: float, outputs: Outputs, gap: float,
            left: float) -> tuple[Label, ...]:
    """Column titles centred over their columns, one row; smaller where the columns are close (many
    hidden layers, a narrow scene); the last one moves left of the step animation's headings."""
    size = text
    for _ in range(12):
        labels = []
        line = m.height(size)
        for l, name in enumerate(names):
            w = m.width(name, size)
            x = float(lay.column_x[l]) - w / 2
            if l == len(names) - 1 and len(names) > 1 and outputs.headers_in_titles_row:
                x = min(x, outputs.value_x - gap - w)
            labels.append(Label(Rect(max(x, left), y + (m.height(text) - line), w, line), name, size))
        crowded = any(a.rect.right + gap > b.rect.x for a, b in zip(labels, labels[1:]))
        if not crowded or size <= TITLE_MIN_SHRINK * text:
            return tuple(labels)
        size = max(TITLE_MIN_SHRINK * text, size * 0.92)
    return tuple(labels)


def _strip_grid(n: int, cols_px: int, label_w: float, avail: float, pad: float,
                cell_max: float) -> tuple[int, int, float, bool]:
    """(rows, per row, cell, fits) for n images of cols_px columns across `avail` pixels: the largest
    cell up to cell_max on the fewest rows; fits is False when even STRIP_MAX_ROWS of the smallest do not."""
    for rows in range(1, STRIP_MAX_ROWS + 1):
        per_row = math.ceil(n / rows)
        fit = (avail - pad * (per_row + 1)) / per_row  # each slot's width
        cell = min(cell_max, math.floor(fit / cols_px))
        slot = max(cell * cols_px, label_w)
        if cell >= STRIP_MIN_CELL and slot <= fit:
            return rows, per_row, cell, True
    return rows, per_row, cell, False


def strip_layout(c: Content, m: Measure, s: float, left: float, right: float, bottom: float) -> Strip:
    """The training images in a row between x = left and right with its lower edge at `bottom`, centred:
    shrunk to fit the width, and wrapped onto more rows when even the smallest would not (never clipped).
    After the loaded images come the newest examples added by hand that fit without shrinking or
    wrapping the loaded ones (one row at full size when no loaded images are shown), then "+N" for
    the examples of yours left out."""
    text = text_size(s)
    line = m.height(text)
    rows_px, cols_px = c.image_shape
    pad = STRIP_PAD * s
    loaded_names = c.image_labels or tuple("" for _ in range(c.images))
    avail = right - left
    cell_max = (STRIP_CELL if rows_px <= 5 else STRIP_CELL_LARGE) * s
    label_w = max((m.width(t, text) for t in loaded_names + c.mine_labels), default=0.0)
    base_rows, _, base_cell, _ = _strip_grid(max(c.images, 1), cols_px, label_w, avail, pad, cell_max)
    if not c.images:
        base_rows, base_cell = 1, cell_max
    mine, note = 0, ""
    for k in range(len(c.mine_labels), 0, -1):  # the most of the newest that fit
        note_k = f"+{c.added - k}" if c.added > k else ""
        room = avail - (m.width(note_k, text) + pad if note_k else 0.0)
        rows_k, _, cell_k, fits = _strip_grid(c.images + k, cols_px, label_w, room, pad, cell_max)
        if fits and rows_k <= base_rows and cell_k >= base_cell:
            mine, note = k, note_k
            break
    else:
        note = f"+{c.added}" if c.added else ""
    names = loaded_names + c.mine_labels[len(c.mine_labels) - mine:]
    n = len(names)
    note_w = m.width(note, text) if note else 0.0
    room = avail - (note_w + pad if note else 0.0)
    if n:
        rows, per_row, cell, _ = _strip_grid(n, cols_px, label_w, room, pad, cell_max)
    else:  # none of yours fits: the strip holds only the note
        rows, per_row, cell = 1, 0, base_cell
    cell = max(1.0, cell)
    tile_w, tile_h = cell * cols_px, cell * rows_px
    slot = max(tile_w, label_w)
    row_h = tile_h + STRIP_LABEL_GAP * s + line
    grid_w = per_row * slot + (per_row + 1) * pad
    width = grid_w + (note_w + pad if note else 0.0)
    height = rows * row_h + (rows + 1) * pad
    rect = Rect(left + max(0.0, (avail - width) / 2), bottom - height, width, height)
    tiles = np.zeros((n, 4))
    hits = np.zeros((n, 4))
    labels = []
    for k in range(n):
        row, col = divmod(k, per_row)
        sx = rect.x + pad + col * (slot + pad)
        sy = rect.y + pad + row * (row_h + pad)
        tx = sx + (slot - tile_w) / 2
        tiles[k] = (tx, sy, tile_w, tile_h)
        hits[k] = (sx, sy, slot, row_h)
        lw = m.width(names[k], text)
        labels.append(Label(Rect(sx + (slot - lw) / 2, sy + tile_h + STRIP_LABEL_GAP * s, lw, line), names[k], text))
    more = None
    if note:  # right of the grid, level with the last row's images
        last_y = rect.y + pad + (rows - 1) * (row_h + pad)
        more = Label(Rect(rect.x + grid_w, last_y + (tile_h - line) / 2 if n else last_y, note_w, line), note, text)
    indices = np.concatenate([np.arange(c.images), np.arange(c.n_train - mine, c.n_train)]).astype(np.int64)
    return Strip(rect, tiles, tuple(labels), hits, float(cell), rows, indices, c.images, more)


def _plane_map(c: Content, m: Measure, text: float, line: float, s: float, left: float, right: float,
               top: float, bottom: float) -> PlaneMap:
    """The decision map at the right of the network region: its title in the titles' row height
    above it, the axis names beside it, the legend below it (on one line, or one item a line)."""
    names = c.class_names if len(c.class_names) >= 2 else ("0", "1")
    texts = [f"class {names[1]}", f"class {names[0]}"] + (["test data"] if c.has_test else []) + (
        ["yours"] if c.added else [])
    dot = MAP_LEGEND_DOT * s
    widths = [2 * dot + 6 * s + m.width(t, text) for t in texts]
    one_line_w = sum(widths) + MAP_LEGEND_GAP * s * (len(texts) - 1)
    title_room = line + MAP_TITLE_GAP * s
    region_w = right - left
    side = 0.0
    for one_line in (True, False):
        legend_h = line if one_line else len(texts) * line + (len(texts) - 1) * 2 * s
        legend_room = 4 * s + line + 4 * s + legend_h  # the x1 axis name, then the legend
        side = min(bottom - top - title_room - legend_room, region_w * MAP_SHARE, MAP_MAX * s)
        side = float(max(side, 1.0))
        if not one_line or one_line_w <= side + 40 * s:
            break
    # the title and the legend, centred under and over the map, may be wider than a small one:
    # the map moves left until they clear the right edge too
    widest = max(side, m.width(MAP_TITLE, text), one_line_w if one_line else max(widths))
    x = right - side - (widest - side) / 2
    block_h = title_room + side + legend_room
    y = top + title_room + max(0.0, (bottom - top - block_h) / 2)
    rect = plane_layout.MapRect(float(x), float(y), side)
    tw = m.width(MAP_TITLE, text)
    title = Label(Rect(x + (side - tw) / 2, y - title_room, tw, line), MAP_TITLE, text)
    below = y + side + 4 * s
    x1w, x2w = m.width("x1", text), m.width("x2", text)
    x1 = Label(Rect(x + side - x1w - 2, below, x1w, line), "x1", text)
    x2 = Label(Rect(x - x2w - MAP_GAP * s / 2, y, x2w, line), "x2", text)
    legend = []
    ly = below + line + 4 * s
    lx = x + (side - one_line_w) / 2 if one_line else x
    for t, w in zip(texts, widths):
        swatch = Rect(lx, ly + line / 2 - dot, 2 * dot, 2 * dot)
        tw = m.width(t, text)
        legend.append((swatch, Label(Rect(lx + 2 * dot + 6 * s, ly, tw, line), t, text)))
        if one_line:
            lx += w + MAP_LEGEND_GAP * s
        else:
            ly += line + 2 * s
    return PlaneMap(rect, title, x1, x2, tuple(legend))


# -- captions --------------------------------------------------------------------------------------
def caption_lines(text: str, band: Rect, size: float, lines: int, measure: Measure,
                  pad: float = 0.0) -> tuple[list[str], float]:
    """`text` broken into at most `lines` lines that fit the band's width (less `pad` each side),
    at `size` if they can, else at the largest smaller size at which they do."""
    width = band.w - 2 * pad
    words = text.split()
    if not words:
        return [], size
    for _ in range(40):
        out = _wrap(words, width, size, measure)
        fits = len(out) <= max(1, lines) and all(measure.width(t, size) <= width for t in out)
        if fits and len(out) * measure.height(size) <= band.h:
            return out, size
        size *= 0.95
        if size < 4:
            break
    return [" ".join(words)], size


def _wrap(words: list[str], width: float, size: float, measure: Measure) -> list[str]:
    lines, current = [], ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and measure.width(candidate, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return lines


# -- pictures beside neurons -----------------------------------------------------------------------
RECEPTIVE_MAX = 56.0  # px times the scale: a picture never grows beyond this
RECEPTIVE_MIN = 12.0  # px: smaller pictures say nothing; the hover card still shows each neuron's
RECEPTIVE_LEADER = 10.0  # px times the scale: the line from a picture to its neuron's rim
RECEPTIVE_SPACING_SHARE = 0.8  # of the vertical spacing of the neurons: the rest keeps pictures apart
RECEPTIVE_COLUMN_SHARE = 0.3  # of the gap between the input and hidden columns
RECEPTIVE_FRAME = 2.0  # px: the dark frame drawn around each picture


@dataclasses.dataclass(frozen=True)
class Pictures:
    """One picture per neuron, each level with its neuron and joined to its rim by a short leader line."""
    rects: np.ndarray  # (n, 4) x, y, w, h of the picture (its frame adds RECEPTIVE_FRAME around)
    leaders: np.ndarray  # (n, 4) x0, y0, x1, y1: from the picture's right edge to the neuron's rim
    neurons: np.ndarray  # (n,) the global neuron index of each

    @property
    def side(self) -> float:
        return float(self.rects[0, 2]) if len(self.rects) else 0.0


def receptive_pictures(lay: Layout, scale: float = 1.0, layer: int = 1) -> Pictures:
    """Where the pictures of what each neuron of `layer` looks for go: directly left of each neuron,
    vertically centred on it, all one size, in one column (never staggered: each belongs to the
    neuron it is level with and joined to). None where the neurons are too close for a readable one."""
    empty = Pictures(np.zeros((0, 4)), np.zeros((0, 4)), np.zeros(0, np.int64))
    if len(lay.sizes) < 3 or layer < 1 or layer >= len(lay.sizes) - 1:
        return empty
    start, n = int(lay.layer_start[layer]), int(lay.sizes[layer])
    nodes = lay.nodes[start:start + n].astype(np.float64)
    spacing = float(nodes[1, 1] - nodes[0, 1]) if n > 1 else lay.area.h
    r = float(nodes[0, 2])
    leader = RECEPTIVE_LEADER * scale
    prev = start - 1  # a neuron of the previous layer: the pictures stay clear of that column's discs
    column_gap = float(lay.column_x[layer] - lay.column_x[layer - 1])
    room = column_gap - r - leader - float(lay.nodes[prev, 2]) - 4 * scale
    frame = RECEPTIVE_FRAME
    side = min(RECEPTIVE_MAX * scale, spacing * RECEPTIVE_SPACING_SHARE, spacing - 2 * frame - 2,
               column_gap * RECEPTIVE_COLUMN_SHARE, room)
    side = float(np.floor(side))
    if side < RECEPTIVE_MIN:
        return empty
    rects = np.empty((n, 4))
    rects[:, 0] = nodes[:, 0] - r - leader - side
    rects[:, 1] = nodes[:, 1] - side / 2
    rects[:, 2] = side
    rects[:, 3] = side
    leaders = np.stack([rects[:, 0] + side + frame, nodes[:, 1], nodes[:, 0] - r, nodes[:, 1]], axis=1)
    return Pictures(rects, leaders, np.arange(start, start + n, dtype=np.int64))
