"""Per-segment numpy operations that give, bit for bit, what each segment alone would give.

Many small rooms are scored together: their rows are concatenated, each row tagged with
its segment (room or room slice) number, and every statistic must come out exactly as
when the segment is processed on its own. Grouping by ``(segment, key)`` is exact by
nature (counts, minima, ``np.bincount`` sums in row order). A binary search over keys of
several segments, running sums (a prefix over the concatenation rounds differently from
one that starts at the segment) and means / sums (numpy sums pairwise, so the grouping
of the additions depends on the length) are not: this module does them per segment.

Example:
    >>> seg = np.array([0, 0, 1, 1])
    >>> keys = np.array([1.0, 3.0, 0.0, 2.0])
    >>> searchsorted_within(seg, keys, keys - 2.0, "left").tolist()
    [0, 0, 2, 2]
    >>> window_sums(np.array([0.1, 0.2, 0.3, 0.4]), seg, np.array([0, 0, 2, 2]),
    ...             np.array([1, 2, 3, 4])).round(2).tolist()
    [0.1, 0.3, 0.3, 0.7]
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np


def single_segment(seg: np.ndarray) -> bool:
    """Whether all rows of a segment-sorted array lie in one segment (or there are none).

    Args:
        seg: Segment per row, non-decreasing.

    Returns:
        True for zero or one distinct segment.
    """
    return len(seg) == 0 or bool(seg[0] == seg[-1])


def searchsorted_within(
    seg: np.ndarray, keys: np.ndarray, queries: np.ndarray, side: Literal["left", "right"]
) -> np.ndarray:
    """``np.searchsorted`` of each query among the keys of its own segment.

    Args:
        seg: Segment of each key and of the query at the same position, non-decreasing.
        keys: Finite keys, sorted within each segment.
        queries: Finite values to place, one per key position.
        side: As for ``np.searchsorted``.

    Returns:
        Positions in ``keys`` (global indices), each within its query's segment range.
    """
    if single_segment(seg):
        return np.searchsorted(keys, queries, side=side)
    # complex numbers order lexicographically (real, then imaginary): the segment first,
    # then the exact float key, so every comparison is the one the segment alone makes
    return np.searchsorted(_pairs(seg, keys), _pairs(seg, queries), side=side)


def _pairs(seg: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.empty(len(values), dtype=np.complex128)
    out.real = seg
    out.imag = values
    return out


def window_sums(
    values: np.ndarray, seg: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """Sums of ``values[lo:hi]`` from running sums that start afresh at every segment.

    Equal, bit for bit, to ``prefix[hi] - prefix[lo]`` with ``prefix`` the running sum of
    the segment alone (a leading 0, then ``np.cumsum``), as each segment computes it.

    Args:
        values: One value per row, rows sorted by segment.
        seg: Segment of each row, non-decreasing.
        lo: Window start per row (global index, within the row's segment).
        hi: Window end per row (exclusive, global, at most the segment's end).

    Returns:
        Window sums, float64 (n,).
    """
    prefix = segment_prefix(values, seg)
    shift = _ordinals(seg)
    return prefix[hi + shift] - prefix[lo + shift]


def segment_prefix(values: np.ndarray, seg: np.ndarray) -> np.ndarray:
    """Running sums per segment, each led by a 0, laid end to end.

    The running sum of row ``i`` (rows before it in its segment) sits at ``i + k``, ``k``
    the rank of its segment among those present; the segment's total one place after
    its last row. Sums accumulate left to
    right (``np.cumsum`` along rows of a zero-padded matrix), as a segment's own cumsum.

    Args:
        values: One value per row, rows sorted by segment.
        seg: Segment of each row, non-decreasing.

    Returns:
        float64 array of ``len(values) + number of segments`` entries.
    """
    if single_segment(seg):
        out = np.zeros(len(values) + 1)
        np.cumsum(values, out=out[1:])
        return out
    first = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
    sizes = np.diff(np.r_[first, len(seg)])
    row = np.repeat(np.arange(len(first)), sizes)
    col = np.arange(len(seg)) - first[row] + 1
    padded = np.zeros((len(first), int(sizes.max()) + 1))
    padded[row, col] = values
    np.cumsum(padded, axis=1, out=padded)
    width = np.arange(sizes.max() + 1)[None, :] <= sizes[:, None]
    return padded[width]


def _ordinals(seg: np.ndarray) -> np.ndarray:
    """Rank of each row's segment among the segments present (0, 1, ...)."""
    return np.cumsum(np.r_[False, seg[1:] != seg[:-1]])


def segment_sums(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """``values[a:b].sum()`` for each segment ``[a, b)``, bit for bit.

    Segments of one length are summed as rows of one matrix (numpy sums each row as it
    sums a 1-D array of that length).

    Args:
        values: One value per row, segment after segment.
        starts: Offsets of the segments (one more than segments).

    Returns:
        float64 array, one sum per segment (0 for an empty one).

    Example:
        >>> segment_sums(np.array([1.0, 2.0, 3.0]), np.array([0, 2, 3, 3])).tolist()
        [3.0, 3.0, 0.0]
    """
    return _by_length(values, starts, np.sum)


def segment_means(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """``values[a:b].mean(axis=0)`` for each segment ``[a, b)``, bit for bit (see
    :func:`segment_sums`); NaN for an empty segment.

    Args:
        values: One value (or one row of values) per row, segment after segment.
        starts: Offsets of the segments (one more than segments).

    Returns:
        float64 array, one mean (or mean row) per segment.
    """
    return _by_length(values, starts, np.mean)


def _by_length(values: np.ndarray, starts: np.ndarray, reduce: Any) -> np.ndarray:
    sizes = np.diff(starts)
    out = np.full((len(sizes), *values.shape[1:]), np.nan if reduce is np.mean else 0.0)
    for size in np.unique(sizes[sizes > 0]).tolist():
        rooms = np.flatnonzero(sizes == size)
        rows = values[starts[rooms][:, None] + np.arange(size)[None, :]]
        out[rooms] = reduce(rows, axis=1)
    return out


def distinct_rows(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a numeric table, compared bit for bit (NaN and -0.0 included).

    For work done once per distinct row and given to every equal row: an archive of many
    small rooms holds many bit-identical rows (one commenter, one comment, the same
    score), and the result is exactly what each row gets alone.

    Args:
        table: A 2-D array.

    Returns:
        ``(first, inverse)``: the index of each distinct row's first occurrence (in order
        of first occurrence) and the distinct row of every row, so that
        ``table[first][inverse]`` equals ``table``.

    Example:
        >>> first, inverse = distinct_rows(np.array([[1.0, 2.0], [0.5, 0.0], [1.0, 2.0]]))
        >>> first.tolist(), inverse.tolist()
        ([0, 1], [0, 1, 0])
    """
    if len(table) < 2 or table.shape[1] == 0:  # nothing to share (or nothing to compare)
        return np.arange(len(table)), np.arange(len(table))
    flat = np.ascontiguousarray(table)
    keys = flat.view(np.dtype((np.void, flat.shape[1] * flat.itemsize))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # number distinct rows by first occurrence
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return first[order], rank[inverse.ravel()]


def segment_ranks(
    seg: np.ndarray, values: np.ndarray, n_segments: int
) -> tuple[np.ndarray, np.ndarray]:
    """Dense rank of each value among the distinct values of its segment.

    What ``np.unique(values, return_inverse=True)`` gives each segment alone.

    Args:
        seg: Segment of each row, non-decreasing.
        values: Integer values.
        n_segments: Number of segments (more than ``seg.max()``).

    Returns:
        ``(rank, distinct)``: rank per row (0 for the segment's smallest value) and the
        number of distinct values per segment.

    Example:
        >>> r, k = segment_ranks(np.array([0, 0, 0, 1]), np.array([7, -2, 7, 7]), 3)
        >>> r.tolist(), k.tolist()
        ([1, 0, 1, 0], [2, 1, 0])
    """
    n_seg = n_segments
    order = np.lexsort((values, seg))
    s_sorted, v_sorted = seg[order], values[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (s_sorted[1:] != s_sorted[:-1]) | (v_sorted[1:] != v_sorted[:-1])
    dense = np.cumsum(new) - 1
    first = np.searchsorted(s_sorted, np.arange(n_seg))  # each segment's first sorted row
    first_dense = dense[np.minimum(first, max(len(order) - 1, 0))] if len(order) else first
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = dense - first_dense[s_sorted]
    distinct = np.bincount(s_sorted[new], minlength=n_seg)
    return rank, distinct
