"""What is under the mouse: vectorised hit tests over a Layout. Pure numpy."""
from __future__ import annotations

import numpy as np

from glnn.view.layout import Layout


def pick_neuron(layout: Layout, x: float, y: float, slack: float = 3.0) -> int:
    """Global index of the neuron under (x, y), or -1."""
    d = np.hypot(layout.nodes[:, 0] - x, layout.nodes[:, 1] - y) - layout.nodes[:, 2]
    best = int(np.argmin(d)) if len(d) else -1
    return best if best >= 0 and d[best] <= slack else -1


def pick_link(layout: Layout, x: float, y: float, tolerance: float = 4.0, drawn: np.ndarray | None = None) -> int:
    """Global index of the connection nearest (x, y) within `tolerance` pixels, or -1.

    `drawn` (sorted link indices; None = all) limits the test to the connections on screen
    (see glnn.view.lod): a connection left out of the picture cannot be hovered. Only the
    links of the column gaps that reach x are tested, so the cost is at most one gap's drawn
    links (two where x falls inside a wrapped layer's block), not the whole network's.
    """
    cols = layout.column_x
    if len(cols) < 2:
        return -1
    half = layout.half_width if len(layout.half_width) == len(cols) else np.zeros(len(cols), np.float32)
    gaps = np.flatnonzero((cols[:-1] - half[:-1] <= x) & (x <= cols[1:] + half[1:]))
    best_link, best_dist = -1, np.inf
    p = np.array([x, y], np.float64)
    for gap in gaps.tolist():  # one or two gaps
        lo, hi = int(layout.link_start[gap]), int(layout.link_start[gap + 1])
        if drawn is None:
            index = np.arange(lo, hi)
        else:
            index = drawn[np.searchsorted(drawn, lo):np.searchsorted(drawn, hi)]
        if len(index) == 0:
            continue
        links = layout.links[index]
        a = layout.nodes[links[:, 0], :2].astype(np.float64)
        b = layout.nodes[links[:, 1], :2].astype(np.float64)
        ab = b - a
        t = np.clip(((p - a) * ab).sum(axis=1) / np.maximum((ab * ab).sum(axis=1), 1e-9), 0.0, 1.0)
        dist = np.hypot(*(a + t[:, None] * ab - p).T)
        k = int(np.argmin(dist))
        if dist[k] < best_dist:
            best_link, best_dist = int(index[k]), float(dist[k])
    return best_link if best_dist <= tolerance else -1
