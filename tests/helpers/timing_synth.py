"""Synthetic chat rows for the machine-posting detector tests (not fixtures)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from botcomments.detectors.base import RoomBatch
from botcomments.records import Comment
from botcomments.text.normalize import normalize

Row = tuple[str, float | None, str | None]
"""(text, ts, user_id)."""

BatchFactory = Callable[..., RoomBatch]


def make_room_batch(rows: Sequence[Row], room_id: str = "r") -> RoomBatch:
    """A RoomBatch from (text, ts, user_id) rows, time-sorted like a reader would."""
    comments = [Comment(text=t, room_id=room_id, ts=ts, user_id=u) for t, ts, u in rows]
    comments.sort(key=lambda c: (c.ts is None, c.ts or 0.0))
    return RoomBatch(room_id, comments, [normalize(c.text) for c in comments])


def chatter(
    rng: np.random.Generator, n_users: int, t0: float, t1: float, per_user: int, prefix: str = "h"
) -> list[Row]:
    """Humans chatting at random (Poisson-like) times with varied lines."""
    lines = ["主播好美", "今天吃什么", "哈哈哈", "这个多少钱", "来了", "晚上好", "好看"]
    rows: list[Row] = []
    for u in range(n_users):
        for t in rng.uniform(t0, t1, per_user):
            rows.append((lines[int(rng.integers(len(lines)))], float(t), f"{prefix}{u}"))
    return rows


def human_flood(
    rng: np.random.Generator, users: Sequence[str], t_prompt: float, text: str = "扣1"
) -> list[Row]:
    """Humans reacting to a host prompt: lognormal reaction times (median ~4 s)."""
    delays = rng.lognormal(mean=np.log(4.0), sigma=0.6, size=len(users))
    return [(text, t_prompt + float(d), u) for u, d in zip(users, delays, strict=True)]


def bot_flood(
    rng: np.random.Generator, n: int, t_start: float, text: str = "扣1", prefix: str = "bot"
) -> list[Row]:
    """A bot flood: fresh accounts posting within ~0.8 s."""
    return [
        (text, t_start + float(d), f"{prefix}{i}") for i, d in enumerate(rng.uniform(0, 0.8, n))
    ]
