"""What is under the mouse: vectorised hit tests over a Layout. Pure numpy."""
from __future__ import annotations

import numpy as np

from glnn.view.layout import Layout


def pick_neuron(layout: Layout, x: float, y: float, slack: float = 3.0) -> int:
    """Global index of the neuron under (x, y), or -1."""
    d = np.hypot(layout.nodes[:, 0] - x, layout.nodes[:, 1] - y) - layout.nodes[:, 2]
    best = int(np.argmin(d)) if len(d) else -1
    return best if best >= 0 and d[best] <= slack else -1


def pick_link(layout: Layout, x: float, y: float, tolerance: float = 4.0) -> int:
    """Global index of the connection nearest (x, y) within `tolerance` pixels, or -1.

    Only the links of the column gap that contains x are tested, so the cost is one
    layer's links, not the whole network's.
    """
    cols = layout.column_x
    gap = int(np.searchsorted(cols, x)) - 1
    if gap < 0 or gap >= len(cols) - 1:
        return -1
    lo, hi = int(layout.link_start[gap]), int(layout.link_start[gap + 1])
    links = layout.links[lo:hi]
    a = layout.nodes[links[:, 0], :2].astype(np.float64)
    b = layout.nodes[links[:, 1], :2].astype(np.float64)
    ab = b - a
    p = np.array([x, y], np.float64)
    t = np.clip(((p - a) * ab).sum(axis=1) / np.maximum((ab * ab).sum(axis=1), 1e-9), 0.0, 1.0)
    dist = np.hypot(*(a + t[:, None] * ab - p).T)
    best = int(np.argmin(dist))
    return lo + best if dist[best] <= tolerance else -1
