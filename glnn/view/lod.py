"""Level of detail: which connections a big network draws. Pure (numpy, and the compiled
selection in glnn.core.topk), tested without GL. Until the process has loaded the training
kernels, and so paid for Numba's import and set-up (a window's first frames, see
glnn.core.lazy_kernels), the same selection is made by NumPy (`strongest_links_np`).

Between two layers with more than `dense` connections (a few thousand), drawing every one
gives a wall of light that costs the rasteriser seconds a frame and says nothing. Such a
gap draws only the connections that matter: the `k` strongest (largest |w|) into each
neuron and out of each neuron, chosen in one compiled pass over the gap's weights, never a
loop over connections in Python. What it leaves out is summed up per gap (a faint band
between the two columns, see `Band`). The hovered and the selected neuron always show all
of their connections (`Detail.drawn`).

The selection is refreshed at most `refresh_hz` times a second (the weights move slowly on
screen), immediately when the layout or the level changes, and the drawn list (selection
plus a neuron's own connections) is rebuilt only when one of them changes, so most frames
do no work here at all. Given a `background` (the window's training thread, glnn.worker),
the periodic refreshes are chosen there, off the frame path (1 ms a refresh at 64-256-256-10,
which at the few frames a second of a software rasteriser was every frame), and taken in by
a later frame.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from glnn.core import lazy_kernels
from glnn.view.layout import Layout

DENSE = 4096  # a gap with more connections than this draws only its strongest
LEVELS = (4, 2, 1, 1)  # strongest k per neuron each way, from full detail to the frame-time governor's lowest
REFRESH_HZ = 4.0


@dataclasses.dataclass(frozen=True)
class Band:
    """What a gap leaves out, drawn as one faint band between its two columns."""
    gap: int  # weight layer
    omitted: int  # connections not drawn
    strength: float  # root mean square |w| of the omitted connections
    positive: float  # share of the omitted |w| that is positive, 0..1


def gap_block(layout: Layout, params: np.ndarray, gap: int) -> tuple[np.ndarray, bool]:
    """(the gap's weights as stored in the flat parameters, a view; True if input-major), read off
    the layout's parameter indices (see glnn.core.model for the two storage orders)."""
    lo = int(layout.link_start[gap])
    n_in, n_out = layout.sizes[gap], layout.sizes[gap + 1]
    first = int(layout.links[lo, 2])
    input_major = n_out == 1 or int(layout.links[lo + 1, 2]) - first == 1
    return params[first:first + n_in * n_out], input_major


def strongest_links_np(block: np.ndarray, n_in: int, n_out: int, input_major: bool, k: int,
                       keep: np.ndarray) -> tuple[int, float, float, float]:
    """glnn.core.topk.strongest_links by NumPy's argpartition along each axis: the same marks (but
    for which of equal |w| is kept) and sums, at several times its cost (3 to 10 ms at 256 x 256).
    For a window's first frames, which come before Numba is loaded."""
    w = block.reshape(n_in, n_out) if input_major else block.reshape(n_out, n_in).T
    magnitude = np.where(np.isnan(w), np.float32(-0.5), np.abs(w))  # NaN counts as weakest
    mask = np.zeros((n_in, n_out), np.bool_)
    kc, kr = min(k, n_in), min(k, n_out)
    if kc > 0:  # each target's (column's) strongest
        rows = np.argpartition(-magnitude, kc - 1, axis=0)[:kc]
        mask[rows, np.arange(n_out)[None, :]] = True
    if kr > 0:  # each source's (row's) strongest
        cols = np.argpartition(-magnitude, kr - 1, axis=1)[:, :kr]
        mask[np.arange(n_in)[:, None], cols] = True
    keep[:] = mask.ravel()
    rest = w[~mask].astype(np.float64)
    rest = rest[~np.isnan(rest)]
    return (int(mask.size - mask.sum()), float((rest * rest).sum()), float(rest[rest > 0].sum()),
            float(np.abs(rest).sum()))


def select(layout: Layout, params: np.ndarray, k: int, dense: int = DENSE) -> tuple[np.ndarray, list[Band]]:
    """(sorted int32 link indices drawn, a Band per thinned gap that leaves something out). Gaps of
    at most `dense` connections are drawn whole."""
    parts, bands = [], []
    for gap in range(len(layout.sizes) - 1):
        lo, hi = int(layout.link_start[gap]), int(layout.link_start[gap + 1])
        if hi - lo <= dense:
            parts.append(np.arange(lo, hi, dtype=np.int32))
            continue
        block, input_major = gap_block(layout, params, gap)
        keep = np.empty(hi - lo, np.bool_)
        block = np.ascontiguousarray(block, np.float32)
        n_in, n_out = layout.sizes[gap], layout.sizes[gap + 1]
        if lazy_kernels.loaded():
            from glnn.core import topk  # (imported once the window has loaded Numba: see glnn.core.lazy_kernels)
            omitted, squares, positive, mass = topk.strongest_links(block, n_in, n_out, input_major, k, keep)
        else:  # a window's first frames, before Numba is loaded
            omitted, squares, positive, mass = strongest_links_np(block, n_in, n_out, input_major, k, keep)
        parts.append((lo + np.flatnonzero(keep)).astype(np.int32))
        if omitted:
            bands.append(Band(gap, int(omitted), float(np.sqrt(squares / omitted)),
                              float(positive / mass) if mass > 0 else 0.5))
    drawn = np.concatenate(parts) if parts else np.zeros(0, np.int32)
    return drawn, bands


def neuron_links(layout: Layout, neuron: int) -> np.ndarray:
    """Indices of every connection into and out of `neuron` (ascending)."""
    if not 0 <= neuron < layout.n_neurons:
        return np.zeros(0, np.int32)
    layer, index = layout.layer_of(neuron)
    parts = []
    if layer > 0:  # incoming: target `index` of gap layer-1, one per source (stride n_out)
        n_in, n_out = layout.sizes[layer - 1], layout.sizes[layer]
        parts.append(int(layout.link_start[layer - 1]) + index + n_out * np.arange(n_in))
    if layer < len(layout.sizes) - 1:  # outgoing: contiguous
        n_out = layout.sizes[layer + 1]
        start = int(layout.link_start[layer]) + index * n_out
        parts.append(np.arange(start, start + n_out))
    return np.concatenate(parts).astype(np.int32) if parts else np.zeros(0, np.int32)


class Detail:
    """The connections drawn this frame, for the scene (what it uploads) and for picking (what can be hovered)."""

    def __init__(self, refresh_hz: float = REFRESH_HZ, dense: int = DENSE, background=None):
        """background: runs the periodic refreshes (submit/pending/take, as glnn.worker.TrainingWorker),
        or None to choose them inline."""
        self.refresh_hz = refresh_hz
        self.background = background
        self.dense = dense
        self.level = 0  # index into LEVELS; the frame-time governor raises it when frames are slow
        self.layout: Layout | None = None
        self.thinned = False  # some gap of the layout draws only its strongest connections
        self.selection = np.zeros(0, np.int32)
        self.bands: list[Band] = []
        self.version = 0  # counts changes of the selection
        self.refreshes = 0  # counts selections made (the bands may change with each)
        self._selected_at = -np.inf
        self._selected_for: tuple | None = None  # (layout, level) of the selection
        self._drawn_key = None
        self._drawn = np.zeros(0, np.int32)

    @property
    def k(self) -> int:
        return LEVELS[self.level]

    def update(self, layout: Layout, params: np.ndarray, now: float) -> bool:
        """Refresh the selection if it is due (or the layout or level changed). Returns True if it changed.
        With a background, `params` must not be written afterwards (the frame's own copy)."""
        new_layout = self.layout is not layout
        if new_layout:
            self.layout = layout
            self.thinned = bool(np.any(np.diff(layout.link_start) > self.dense))
        changed = False
        if self.background is not None:
            chosen = self.background.take("level of detail")
            if chosen is not None and chosen[0][0] is layout and chosen[0][1] == self.level:  # still what is shown
                changed = self._take(*chosen[1], new_layout=False)
        same = self._selected_for is not None and self._selected_for[0] is layout and self._selected_for[1] == self.level
        if same and (not self.thinned or now - self._selected_at < 1.0 / self.refresh_hz):
            return changed
        self._selected_at = now
        if same and self.background is not None:  # a periodic refresh: chosen on the other thread
            if not self.background.pending("level of detail"):
                key, k, dense = (layout, self.level), self.k, self.dense
                self.background.submit("level of detail", lambda: (key, select(layout, params, k, dense)))
            return changed
        self._selected_for = (layout, self.level)  # a new layout or level: chosen now, there is nothing else to draw
        return self._take(*select(layout, params, self.k, self.dense), new_layout=new_layout)

    def _take(self, selection: np.ndarray, bands: list[Band], new_layout: bool) -> bool:
        self.bands = bands
        self.refreshes += 1
        if not new_layout and np.array_equal(selection, self.selection):
            return False
        self.selection = selection
        self.version += 1
        return True

    def drawn(self, *neurons: int) -> np.ndarray:
        """The selection plus every connection of the given neurons (-1: none), sorted, no repeats."""
        extra = tuple(sorted({int(n) for n in neurons if n >= 0}))
        key = (self.version, extra)
        if key != self._drawn_key:
            if not extra or not self.thinned:
                self._drawn = self.selection
            else:
                mask = np.zeros(self.layout.n_links, bool)
                mask[self.selection] = True
                for n in extra:
                    mask[neuron_links(self.layout, n)] = True
                self._drawn = np.flatnonzero(mask).astype(np.int32)
            self._drawn_key = key
        return self._drawn
