"""Account ids to dense integer codes (anonymous comments get codes of their own)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def user_codes(users: Sequence[Any] | np.ndarray | None, n: int) -> tuple[np.ndarray, int]:
    """Map account ids to codes 0..U-1.

    A missing id (None or NaN) is an anonymous commenter: each such comment gets a code
    of its own, so it counts as one commenter and one bootstrap cluster. Without any ids
    (``users=None``) every comment is its own cluster.

    Args:
        users: One id per comment (any hashable; integers are fast), or None.
        n: Number of comments.

    Returns:
        ``(codes, U)``: an int64 array of length n and the number of distinct users.

    Raises:
        ValueError: If ``users`` has a length other than ``n``.

    Example:
        >>> user_codes(["a", None, "a", None], 4)[0].tolist()
        [0, 1, 0, 2]
    """
    if users is None:
        return np.arange(n, dtype=np.int64), n
    if len(users) != n:
        raise ValueError(f"got {len(users)} user ids for {n} comments; pass one per comment")
    arr = np.asarray(users)
    if arr.dtype.kind in "iu":
        uniq, codes = np.unique(arr, return_inverse=True)
        return codes.astype(np.int64).reshape(-1), len(uniq)
    index: dict[Any, int] = {}
    out = np.empty(n, dtype=np.int64)
    for i, u in enumerate(arr.tolist()):
        out[i] = len(index) if _is_missing(u) else index.setdefault(u, len(index))
        if _is_missing(u):
            index[("__anon__", i)] = out[i]
    return out, len(index)


def minute_slots(
    t: np.ndarray, t0: float | None = None, seg: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The occupied minutes of finite timestamps and each timestamp's slot among them.

    Per-minute counts are taken over the occupied minutes only, so arrays follow the
    data, not the time span: one year-9999 timestamp among today's must not allocate a
    bin for every minute until then.

    Args:
        t: Finite unix seconds.
        t0: Origin of minute 0 (default: the earliest time).
        seg: Room of each timestamp (non-decreasing), for several rooms at once: minutes
            count from each room's earliest time and slots are ``(room, minute)`` pairs,
            room after room. Excludes ``t0``.

    Returns:
        ``(minutes, slot)``: sorted distinct minute numbers since ``t0`` (per room, room
        after room, with ``seg``) and, per timestamp, the index of its minute in
        ``minutes``.

    Example:
        >>> m, s = minute_slots(np.array([0.0, 30.0, 61.0, 1e12]))
        >>> m.tolist()[:2], s.tolist()
        ([0, 1], [0, 0, 1, 2])
        >>> minute_slots(np.array([0.0, 61.0, 500.0]), seg=np.array([0, 0, 1]))[0].tolist()
        [0, 1, 0]
    """
    if seg is None:
        origin = float(t.min()) if t0 is None else t0
        minutes, slot = np.unique(((t - origin) // 60.0).astype(np.int64), return_inverse=True)
        return minutes, slot.reshape(-1)
    if t0 is not None:
        raise ValueError("minute_slots: pass t0 or seg, not both")
    start = np.full(int(seg.max()) + 1 if len(seg) else 0, np.inf)
    np.minimum.at(start, seg, t)
    minute = ((t - start[seg]) // 60.0).astype(np.int64)
    order = np.lexsort((minute, seg))
    new = np.r_[True, (seg[order][1:] != seg[order][:-1])
                | (minute[order][1:] != minute[order][:-1])] if len(t) else np.zeros(0, bool)
    slot = np.empty(len(t), dtype=np.int64)
    slot[order] = np.cumsum(new) - 1
    return minute[order][new], slot
