"""Many small rooms (1, 2, 5 or 50 comments) with the patterns that make scoring hard."""

from __future__ import annotations

import numpy as np

from botcomments.records import Comment

LINES: tuple[str, ...] = (
    "主播好美", "666", "加V看主页有福利哦亲们快来", "已拍3单，质量很好", "已拍5单，质量很好",
    "晚安", "这个多少钱？主播能不能再讲一下尺码", "扣1", "加V看主页有福利哦亲们快来吧",
)
"""Short floods, a contact ad and its near duplicate, a template, ordinary questions."""


def small_rooms(seed: int, n_rooms: int = 120) -> list[list[Comment]]:
    """Rooms of 1, 2, 5 or 50 comments, each time-ordered (untimed comments last).

    Lines repeat within and across rooms, accounts are shared across rooms (40 of them)
    and some post several times, times come in bursts (same second, half a second) and
    gaps, about 10 % of comments have no user id and 5 % no timestamp; a few room ids
    come back later (another slice of the same room).

    Args:
        seed: Random seed.
        n_rooms: Rooms (slices) to make.

    Returns:
        One list of comments per room, in order.
    """
    rng = np.random.default_rng(seed)
    rooms = []
    for r in range(n_rooms):
        n = int(rng.choice([1, 1, 1, 2, 5, 50]))
        t0 = 1_714_565_700.0 + 1000.0 * r + float(rng.choice([0.0, 0.123]))
        steps = rng.choice([0.0, 0.5, 2.0, 30.0], n) * float(rng.choice([1.0, 0.25]))
        ts = t0 + steps.cumsum()
        room = f"r{r % 97}"
        rows = [Comment(LINES[int(rng.integers(0, len(LINES)))], room,
                        ts=None if rng.random() < 0.05 else float(ts[i]),
                        user_id=None if rng.random() < 0.1 else f"u{rng.integers(0, 40)}")
                for i in range(n)]
        rooms.append([c for c in rows if c.ts is not None] + [c for c in rows if c.ts is None])
    return rooms


def years_apart(rooms: list[list[Comment]], seed: int = 0) -> list[list[Comment]]:
    """The rooms moved years apart, with millisecond jitter on every timestamp.

    Keys that mix a group's cluster number with its time then round differently from a
    room's own: what the per-room recomputation of ``dup.cluster_delay_s`` is for.

    Args:
        rooms: Rooms from :func:`small_rooms`.
        seed: Random seed of the jitter.

    Returns:
        New rooms (ids ``y<k>``), each time-ordered, untimed comments last.
    """
    rng = np.random.default_rng(seed)
    out = []
    for k, room in enumerate(rooms):
        moved = [Comment(c.text, f"y{k}", ts=None if c.ts is None
                         else c.ts + 3e8 * k + 0.001 * j * int(rng.integers(1, 999)),
                         user_id=c.user_id) for j, c in enumerate(room)]
        out.append(sorted(moved, key=lambda c: (c.ts is None, c.ts or 0.0)))
    return out
