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

from botcomments.detectors.base import BatchGroup, RoomBatch
from botcomments.records import Comment
from botcomments.segments import searchsorted_within, single_segment


@dataclass(frozen=True)
class RoomColumns:
    """Column view of one room batch (or a group of them), computed once for the detectors.

    Over a :class:`~botcomments.detectors.base.BatchGroup` every batch is a segment:
    distinct texts and users are distinct per segment (the same line in two rooms is
    two entries), in order of first appearance, so each segment's entries are
    contiguous and in the order the batch alone would give.

    Attributes:
        texts: Distinct normal forms, in order of first appearance.
        text_index: int64 (n,) position of each comment's normal form in ``texts``.
        text_first: int64 (k,) index of the first comment of each distinct text.
        text_counts: int64 (k,) comments per distinct text.
        user_ids: Distinct non-missing user ids, in order of first appearance.
        user_index: int64 (n,) position of each comment's user in ``user_ids``; -1 for
            a missing user id.
        ts: float64 (n,) timestamps, NaN where missing.
        seg: int64 (n,) segment (batch number) of each comment.
        room_ids: Room id of each segment.
        starts: Offsets of each segment's comments (one more than segments).
        text_starts: Offsets of each segment's entries in ``texts``.
        user_starts: Offsets of each segment's entries in ``user_ids``.
    """

    texts: list[str]
    text_index: np.ndarray
    text_first: np.ndarray
    text_counts: np.ndarray
    user_ids: list[str]
    user_index: np.ndarray
    ts: np.ndarray
    seg: np.ndarray
    room_ids: list[str]
    starts: np.ndarray
    text_starts: np.ndarray
    user_starts: np.ndarray

    @property
    def user_codes(self) -> np.ndarray:
        """User codes as :func:`user_codes` returns them (each missing user its own code)."""
        return _fill_missing_users(self.user_index.copy(), len(self.user_ids))

    @property
    def sizes(self) -> np.ndarray:
        """Comments per segment."""
        return np.diff(self.starts)


_LAST: tuple[tuple[weakref.ReferenceType[RoomBatch], ...], RoomColumns] | None = None
_LAST_LOCK = threading.Lock()


def room_columns(batches: RoomBatch | BatchGroup) -> RoomColumns:
    """Deduplicated texts, user codes and timestamps of a batch or group (last one cached).

    The dup, tpl and timing detectors all need the room's distinct normal forms and its
    account / time columns; the most recent batches' columns are remembered (through
    weak references, so the cache never keeps a batch alive) and reused by the next
    detector that sees the same batch objects.

    Args:
        batches: One room batch, or a group of them.

    Returns:
        Their columns.

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
    group = batches if isinstance(batches, BatchGroup) else BatchGroup.of(batches)
    last = _LAST
    if last is not None and len(last[0]) == len(group.batches) and all(
            ref() is b for ref, b in zip(last[0], group.batches, strict=True)):
        return last[1]
    cols = _compute_columns(group)
    with _LAST_LOCK:
        _LAST = (tuple(weakref.ref(b) for b in group.batches), cols)
    return cols


def _compute_columns(group: BatchGroup) -> RoomColumns:
    batches = group.batches
    sizes = [len(b) for b in batches]
    n = sum(sizes)
    seg = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    distinct: dict[tuple[int, str], int] = {}
    users: dict[tuple[int, str], int] = {}
    text_index = np.fromiter(
        (distinct.setdefault((s, nt.text), len(distinct))
         for s, b in enumerate(batches) for nt in b.normalized), dtype=np.int64, count=n)
    user_index = np.fromiter(
        (-1 if c.user_id is None else users.setdefault((s, c.user_id), len(users))
         for s, b in enumerate(batches) for c in b.comments), dtype=np.int64, count=n)
    ts = np.fromiter((math.nan if c.ts is None else c.ts for b in batches for c in b.comments),
                     dtype=np.float64, count=n)
    text_first = np.full(len(distinct), n, dtype=np.int64)
    np.minimum.at(text_first, text_index, np.arange(n, dtype=np.int64))
    user_seg = np.fromiter((s for s, _ in users), dtype=np.int64, count=len(users))
    every = np.arange(len(sizes) + 1)
    return RoomColumns(
        texts=[text for _, text in distinct],
        text_index=text_index,
        text_first=text_first,
        text_counts=np.bincount(text_index, minlength=len(distinct)),
        user_ids=[uid for _, uid in users],
        user_index=user_index,
        ts=ts,
        seg=seg,
        room_ids=[b.room_id for b in batches],
        starts=np.r_[0, np.cumsum(sizes)].astype(np.int64),
        # entries are numbered segment after segment: each segment's first entry
        text_starts=np.searchsorted(seg[text_first], every).astype(np.int64),
        user_starts=np.searchsorted(user_seg, every).astype(np.int64),
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
    group_ids: np.ndarray,
    users: np.ndarray,
    ts: np.ndarray,
    burst_window_s: float,
    seg: np.ndarray | None = None,
) -> GroupStats:
    """Compute per-comment group statistics.

    Args:
        group_ids: int (n,) group id of each comment (any ints, e.g. global cluster ids).
        users: int64 (n,) account codes from :func:`user_codes`.
        ts: float64 (n,) timestamps, NaN when unknown.
        burst_window_s: Half-width of the burst window in seconds.
        seg: int64 (n,) non-decreasing segment of each comment (a group of batches,
            :class:`RoomColumns`): groups never span segments and each segment's
            statistics are those of the segment alone. None: one segment.

    Returns:
        The statistics (groups numbered by first appearance over all segments).

    Raises:
        ValueError: If the arrays differ in length or the window is negative.
    """
    n = len(group_ids)
    if len(users) != n or len(ts) != n or (seg is not None and len(seg) != n):
        raise ValueError(f"group_ids, users, ts (and seg) must have equal lengths, got {n}, "
                         f"{len(users)}, {len(ts)}")
    if burst_window_s < 0:
        raise ValueError(f"burst_window_s {burst_window_s!r} must be >= 0")
    seg = np.zeros(n, dtype=np.int64) if seg is None else seg
    _, first, local = np.unique(_segment_keys(seg, group_ids), return_index=True,
                                return_inverse=True)
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
    span, burst = _time_stats(local, ts, seg[first], burst_window_s)
    return GroupStats(
        local=local,
        first=first,
        size=size[local],
        distinct_users=distinct[local],
        user_repeats=pair_counts[pair_inv.reshape(-1)].astype(np.float64),
        time_span=span[local],
        burst_count=burst,
    )


def _segment_keys(seg: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """One int64 key per (segment, id) pair (the ids themselves for one segment)."""
    if single_segment(seg):
        return ids
    low = int(ids.min())
    width = int(ids.max()) - low + 1
    if width * (int(seg[-1]) + 1) >= 1 << 62:
        raise ValueError(f"group ids span {width} values: too wide to pair with segments")
    return seg * width + (ids - low)


def _time_stats(
    local: np.ndarray, ts: np.ndarray, group_seg: np.ndarray, window: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per-group time span (k,) and per-comment burst counts (n,).

    Burst windows are searched on ``rank-in-segment * stride + (t - t0)`` keys, with
    ``t0`` and ``stride`` (time range + 2 windows + 1) of the comment's segment, so that
    groups never reach into each other and each key is the one its segment alone uses.
    """
    k = len(group_seg)
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
    seg = group_seg[gs]  # groups are numbered segment by segment: seg is sorted too
    n_seg = int(group_seg[-1]) + 1
    t0 = np.full(n_seg, np.inf)
    top = np.full(n_seg, -np.inf)
    np.minimum.at(t0, seg, tsorted)
    np.maximum.at(top, seg, tsorted)
    stride = (top - t0) + 2.0 * window + 1.0
    first_group = np.searchsorted(group_seg, np.arange(n_seg))  # each segment's first group
    rank = (gs - first_group[seg]).astype(np.float64)
    key = rank * stride[seg] + (tsorted - t0[seg])
    left = searchsorted_within(seg, key, key - window, "left")
    right = searchsorted_within(seg, key, key + window, "right")
    burst[idx[order]] = (right - left - 1).astype(np.float64)
    return span, burst
