"""The strongest connections of a weight layer: the k largest |w| into and out of every neuron.

One pass over the layer's weight block in memory order, keeping a small sorted list per row and
per column: O(weights x k) in compiled code, about 0.2 ms for 256 x 256 where a NumPy
argpartition along each axis costs 3 to 10 ms (it works row by row with a call's overhead each,
and strided along the other axis). glnn.view.lod refreshes its level of detail with it; the
tests check it against that NumPy formulation.
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _insert(values, indices, row, value, index, k):
    """Insert (value, index) into row `row` of the descending top-k lists (it belongs there: value
    is above the row's k-th)."""
    m = k - 1
    while m > 0 and values[row, m - 1] < value:
        values[row, m] = values[row, m - 1]
        indices[row, m] = indices[row, m - 1]
        m -= 1
    values[row, m] = value
    indices[row, m] = index


@njit(cache=True, nogil=True)
def strongest_links(block, n_in, n_out, input_major, k, keep):
    """Mark in `keep` (bool, n_in*n_out, link order i*n_out + j) the k largest |w| of every row i
    (out of source i) and of every column j (into target j) of one weight layer.

    `block` is the layer's weights as stored: input-major (w[i, j] at i*n_out + j) or
    output-major (at j*n_in + i). NaN counts as weakest. Returns (left out, sum of w^2 over them,
    sum of positive w over them, sum of |w| over them) for the band that stands for them.
    """
    kr = min(k, n_out)
    kc = min(k, n_in)
    row_v = np.full((n_in, max(kr, 1)), -1.0, np.float32)
    row_i = np.zeros((n_in, max(kr, 1)), np.int64)
    col_v = np.full((n_out, max(kc, 1)), -1.0, np.float32)
    col_i = np.zeros((n_out, max(kc, 1)), np.int64)
    squares = 0.0  # over every weight first; the kept ones are taken off below
    positive = 0.0
    mass = 0.0
    for a in range(n_in if input_major else n_out):  # memory order
        for b in range(n_out if input_major else n_in):
            i, j = (a, b) if input_major else (b, a)
            w = block[a * (n_out if input_major else n_in) + b]
            if w == w:
                m = abs(w)
                squares += w * w
                mass += m
                positive += max(w, np.float32(0.0))  # no branch: the signs are a coin toss to the predictor
            else:
                m = np.float32(-0.5)  # NaN: below any |w|, above the empty slots
            # the test before the call: most weights are no row's or column's strongest, and a call
            # passing arrays costs Numba a reference count per array
            if kr > 0 and m > row_v[i, kr - 1]:
                _insert(row_v, row_i, i, m, j, kr)
            if kc > 0 and m > col_v[j, kc - 1]:
                _insert(col_v, col_i, j, m, i, kc)
    for link in range(n_in * n_out):
        keep[link] = False
    kept = 0
    for r in range(n_in):  # each source's strongest
        for slot in range(kr):
            j = row_i[r, slot]
            if not keep[r * n_out + j]:
                keep[r * n_out + j] = True
                kept += 1
                w = block[r * n_out + j] if input_major else block[j * n_in + r]
                if w == w:
                    squares -= w * w
                    mass -= abs(w)
                    if w > 0:
                        positive -= w
    for r in range(n_out):  # each target's strongest
        for slot in range(kc):
            i = col_i[r, slot]
            if not keep[i * n_out + r]:
                keep[i * n_out + r] = True
                kept += 1
                w = block[i * n_out + r] if input_major else block[r * n_in + i]
                if w == w:
                    squares -= w * w
                    mass -= abs(w)
                    if w > 0:
                        positive -= w
    return n_in * n_out - kept, max(squares, 0.0), max(positive, 0.0), max(mass, 0.0)
