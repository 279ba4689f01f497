"""Per-comment statistics of comment groups (duplicate clusters, templates) in one room.

Vectorised with numpy so a room of a million comments costs a few sorts, not a Python
loop per comment.

Example:
    >>> import numpy as np
    >>> st = group_stats(np.array([7, 7, 9]), np.array([0, 1, 0]), np.array([0.0, 1.0, 5.0]), 2.0)
    >>> st.size.tolist(), st.distinct_users.tolist(), st.burst_count.tolist()
    ([2.0, 2.0, 1.0], [2.0, 2.0, 1.0], [1.0, 1.0, 0.0])
"""

from __future__ import annotations

import math
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from botcomments.detectors.base import RoomBatch
from botcomments.records import Comment


@dataclass(frozen=True)
class RoomColumns:
    """Column view of one room batch, computed once and shared by the detectors.

    Attributes:
        texts: Distinct normal forms, in order of first appearance.
        text_index: int64 (n,) position of each comment's normal form in ``texts``.
        text_first: int64 (k,) index of the first comment of each distinct text.
        text_counts: int64 (k,) comments per distinct text.
        user_ids: Distinct non-missing user ids, in order of first appearance.
        user_index: int64 (n,) position of each comment's user in ``user_ids``; -1 for
            a missing user id.
        ts: float64 (n,) timestamps, NaN where missing.
    """

    texts: list[str]
    text_index: np.ndarray
    text_first: np.ndarray
    text_counts: np.ndarray
    user_ids: list[str]
    user_index: np.ndarray
    ts: np.ndarray

    @property
    def user_codes(self) -> np.ndarray:
        """User codes as :func:`user_codes` returns them (each missing user its own code)."""
        return _fill_missing_users(self.user_index.copy(), len(self.user_ids))


_LAST: tuple[weakref.ReferenceType[RoomBatch], RoomColumns] | None = None
_LAST_LOCK = threading.Lock()


def room_columns(batch: RoomBatch) -> RoomColumns:
    """Deduplicated texts, user codes and timestamps of a batch (cached for the last batch).

    The dup, tpl and timing detectors all need the room's distinct normal forms and its
    account / time columns; the most recent batch's columns are remembered (through a
    weak reference, so the cache never keeps a batch alive) and reused by the next
    detector that sees the same batch object.

    Args:
        batch: One room batch.

    Returns:
        Its columns.

    Example:
        >>> from botcomments.records import Comment
        >>> from botcomments.text.normalize import normalize
        >>> rows = [("a", "x"), ("b", None), ("a", "y")]
        >>> cs = [Comment(t, "r", ts=1.0, user_id=u) for t, u in rows]
        >>> cols = room_columns(RoomBatch("r", cs, [normalize(c.text) for c in cs]))
        >>> cols.texts, cols.text_index.tolist(), cols.user_index.tolist()
        (['a', 'b'], [0, 1, 0], [0, -1, 1])
    """
    global _LAST
    last = _LAST
    if last is not None and last[0]() is batch:
        return last[1]
    cols = _compute_columns(batch)
    with _LAST_LOCK:
        _LAST = (weakref.ref(batch), cols)
    return cols


def _compute_columns(batch: RoomBatch) -> RoomColumns:
    n = len(batch)
    distinct: dict[str, int] = {}
    text_index = np.fromiter(
        (distinct.setdefault(nt.text, len(distinct)) for nt in batch.normalized),
        dtype=np.int64,
        count=n,
    )
    text_first = np.full(len(distinct), n, dtype=np.int64)
    np.minimum.at(text_first, text_index, np.arange(n, dtype=np.int64))
    users: dict[str, int] = {}
    comments = batch.comments
    user_index = np.fromiter(
        (-1 if c.user_id is None else users.setdefault(c.user_id, len(users)) for c in comments),
        dtype=np.int64,
        count=n,
    )
    ts = np.fromiter(
        (math.nan if c.ts is None else c.ts for c in comments), dtype=np.float64, count=n
    )
    return RoomColumns(
        texts=list(distinct),
        text_index=text_index,
        text_first=text_first,
        text_counts=np.bincount(text_index, minlength=len(distinct)),
        user_ids=list(users),
        user_index=user_index,
        ts=ts,
    )


def _fill_missing_users(codes: np.ndarray, n_known: int) -> np.ndarray:
    """Give each -1 (missing user) its own fresh code after the known ones."""
    missing = codes < 0
    if missing.any():
        codes[missing] = np.arange(n_known, n_known + int(missing.sum()))
    return codes


def user_codes(comments: Sequence[Comment]) -> np.ndarray:
    """Encode user ids as small ints; each missing (None) user gets its own code.

    A missing user id cannot be shown to be the same account as any other, so guests
    count as distinct accounts (the conservative choice for bot evidence).

    Args:
        comments: The room's comments.

    Returns:
        int64 array (n,) of codes >= 0.
    """
    table: dict[str, int] = {}
    out = np.empty(len(comments), dtype=np.int64)
    for i, c in enumerate(comments):
        uid = c.user_id
        if uid is None:
            out[i] = -1
            continue
        code = table.get(uid)
        if code is None:
            code = table[uid] = len(table)
        out[i] = code
    return _fill_missing_users(out, len(table))


def timestamps(comments: Sequence[Comment]) -> np.ndarray:
    """Timestamps as float64 (n,), NaN where the comment has none.

    Args:
        comments: The room's comments.

    Returns:
        The array.
    """
    return np.array([np.nan if c.ts is None else c.ts for c in comments], dtype=np.float64)


@dataclass(frozen=True)
class GroupStats:
    """Per-comment statistics of each comment's group, all float64 (n,) unless noted.

    Attributes:
        local: int64 (n,) room-local group index 0..k-1 (ordered by first appearance).
        first: int64 (k,) index of each group's first comment.
        size: Comments in the group.
        distinct_users: Distinct accounts in the group.
        user_repeats: Comments by this comment's account in the group (itself included).
        time_span: Last minus first timestamp in the group (0 without timestamps).
        burst_count: Other group comments within +-window seconds (0 without timestamp).
    """

    local: np.ndarray
    first: np.ndarray
    size: np.ndarray
    distinct_users: np.ndarray
    user_repeats: np.ndarray
    time_span: np.ndarray
    burst_count: np.ndarray

    @property
    def n_groups(self) -> int:
        """Number of groups in the room."""
        return len(self.first)


def group_stats(
    group_ids: np.ndarray, users: np.ndarray, ts: np.ndarray, burst_window_s: float
) -> GroupStats:
    """Compute per-comment group statistics.

    Args:
        group_ids: int (n,) group id of each comment (any ints, e.g. global cluster ids).
        users: int64 (n,) account codes from :func:`user_codes`.
        ts: float64 (n,) timestamps, NaN when unknown.
        burst_window_s: Half-width of the burst window in seconds.

    Returns:
        The statistics.

    Raises:
        ValueError: If the arrays differ in length or the window is negative.
    """
    n = len(group_ids)
    if len(users) != n or len(ts) != n:
        raise ValueError(f"group_ids, users and ts must have equal lengths, got {n}, "
                         f"{len(users)}, {len(ts)}")
    if burst_window_s < 0:
        raise ValueError(f"burst_window_s {burst_window_s!r} must be >= 0")
    _, first, local = np.unique(group_ids, return_index=True, return_inverse=True)
    # Renumber groups by first appearance so ids are stable and readable.
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    local = rank[local.reshape(-1)].astype(np.int64)
    first = first[order].astype(np.int64)
    k = len(first)
    size = np.bincount(local, minlength=k).astype(np.float64)
    n_users = int(users.max()) + 1 if n else 1
    pair = local * n_users + users
    pairs, pair_inv, pair_counts = np.unique(pair, return_inverse=True, return_counts=True)
    distinct = np.bincount(pairs // n_users, minlength=k).astype(np.float64)
    span, burst = _time_stats(local, ts, k, burst_window_s)
    return GroupStats(
        local=local,
        first=first,
        size=size[local],
        distinct_users=distinct[local],
        user_repeats=pair_counts[pair_inv.reshape(-1)].astype(np.float64),
        time_span=span[local],
        burst_count=burst,
    )


def _time_stats(
    local: np.ndarray, ts: np.ndarray, k: int, window: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per-group time span (k,) and per-comment burst counts (n,)."""
    span = np.zeros(k, dtype=np.float64)
    burst = np.zeros(len(local), dtype=np.float64)
    idx = np.flatnonzero(np.isfinite(ts))
    if len(idx) == 0:
        return span, burst
    g = local[idx]
    t = ts[idx]
    order = np.lexsort((t, g))
    gs, tsorted = g[order], t[order]
    starts = np.flatnonzero(np.r_[True, gs[1:] != gs[:-1]])
    ends = np.r_[starts[1:], len(gs)] - 1
    span[gs[starts]] = tsorted[ends] - tsorted[starts]
    t0 = tsorted.min()
    stride = float(tsorted.max() - t0) + 2.0 * window + 1.0
    key = gs.astype(np.float64) * stride + (tsorted - t0)
    left = np.searchsorted(key, key - window, side="left")
    right = np.searchsorted(key, key + window, side="right")
    burst[idx[order]] = (right - left - 1).astype(np.float64)
    return span, burst
