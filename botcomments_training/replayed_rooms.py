"""Rooms whose genuine side is REAL live chat we may train on, for the combiner and room models.

The simulator's genuine viewers do not chat like real ones: real rooms are full of short
organic chants (草, kksk, 哈哈哈 typed by many established viewers within seconds), and
a combiner fitted only on simulated viewers calls those chants bot floods. Here the
genuine side is real Bilibili live danmaku from ``danmaku_live_2019`` (MIT, a *train*
folder; only the rooms the text model held out, so its text scores are honest), replayed
as accounts with second-level times (:func:`botcomments.simulate.replay.replay_chat`,
parameters matched to summary statistics of the evaluation corpus ``danmaku_room_2020``),
cut into rooms, and given simulated bot campaigns at known shares
(:func:`botcomments.simulate.inject.inject_campaigns`). Lines with ad marks are dropped
first (the archive is unlabelled: positive-unlabelled, as for the text model).

Example:
    >>> # comments = replayed_rooms(Path("../shared/corpora"), n_rooms=40, seed=1)
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from botcomments.records import Comment
from botcomments.simulate.config import CAMPAIGN_TYPES, DEFAULT_CAMPAIGN_WEIGHTS, MAX_BOT_SHARE
from botcomments.simulate.inject import cut_sessions, inject_campaigns
from botcomments.simulate.replay import replay_chat
from botcomments.text.normalize import Normalizer
from botcomments_training.realchat import DANMAKU_LIVE, heldout_rooms, is_promotional, read_jsonl_gz

ROOM_SIZE = (300, 3000)
"""Comments per replayed room before bots are added (the bots replace part of it)."""
MIN_BACKGROUND = 100
"""Fewest real comments kept in a room (a 90 % room of 300 would keep only 30)."""
BOT_FREE_SHARE = 0.25
"""Share of rooms left without bots."""
SINGLE_TYPE_SHARE = 0.5
"""Share of botted rooms with one campaign type (the rest mix every type)."""
BEIJING = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class LiveSession:
    """One room-day of real danmaku in posting order."""

    room_id: str
    day: str
    lines: list[str]
    minute_ts: list[float]


@lru_cache(maxsize=2)
def live_sessions(corpora: Path, holdout: float = 0.15, split_seed: int = 20240601,
                  min_lines: int = ROOM_SIZE[0]) -> tuple[list[LiveSession], int]:
    """Room-days of the ``danmaku_live_2019`` rooms held out of the text model.

    Cached: the combiner's and the calibration rooms are cut from the same read (treat
    the result as read-only).

    Args:
        corpora: Shared corpora folder.
        holdout: Held-out share of the text model's room split (its build setting).
        split_seed: Seed of that split (the text model's build seed).
        min_lines: Shortest room-day kept.

    Returns:
        ``(sessions, n_promotional_dropped)``; sessions in room, day order.

    Raises:
        FileNotFoundError: If the corpus is missing.
    """
    rows: dict[tuple[str, str], list[tuple[float, int, str]]] = defaultdict(list)
    for row in read_jsonl_gz(corpora / DANMAKU_LIVE):
        text = str(row.get("text") or "").strip()
        if text and "ts" in row:
            ts = float(row["ts"])
            day = dt.datetime.fromtimestamp(ts, BEIJING).date().isoformat()
            rows[(str(row["room_id"]), day)].append((ts, int(row.get("seq", 0)), text))
    held = heldout_rooms({room for room, _ in rows}, holdout, split_seed)
    normalizer = Normalizer()
    sessions: list[LiveSession] = []
    dropped = 0
    for (room, day), items in sorted(rows.items()):
        if room not in held:
            continue
        items.sort()  # by minute, then by the order within the room-day
        kept = [(text, ts) for ts, _, text in items if not is_promotional(text, normalizer)]
        dropped += len(items) - len(kept)
        if len(kept) >= min_lines:
            sessions.append(LiveSession(room, day, [t for t, _ in kept], [s for _, s in kept]))
    return sessions, dropped


def replayed_backgrounds(sessions: Sequence[LiveSession], seed: int,
                         size: tuple[int, int] = ROOM_SIZE) -> list[list[Comment]]:
    """Replay every session as accounts with times, then cut it into rooms.

    Args:
        sessions: Real room-days.
        seed: Seed of the replay and the cuts.
        size: Room size bounds.

    Returns:
        Time-ordered rooms of real lines (room ids not yet final).
    """
    replayed = [replay_chat(s.lines, s.minute_ts, f"live{s.room_id}-{s.day}", seed=seed + i)
                for i, s in enumerate(sessions)]
    return cut_sessions(replayed, size[0], size[1], seed=seed)


PARTS = ("fit", "calibrate", "all")
"""Which backgrounds :func:`replayed_rooms` uses: even-numbered, odd-numbered or all cuts."""


def replayed_rooms(corpora: Path, n_rooms: int, seed: int, *, part: str = "all",
                   name: str = "replay",
                   campaign_weights: Mapping[str, float] | None = None) -> list[Comment]:
    """Real-background rooms with simulated bots at shares of 0-95 %.

    A quarter of the rooms stay bot-free; of the rest, half mix every campaign type
    (Dirichlet around ``campaign_weights``) and half carry one type.

    Args:
        corpora: Shared corpora folder.
        n_rooms: Rooms to build (fewer if the backgrounds run out; 0 = all).
        seed: Seed of the replay, the cuts, the shares and the bots.
        part: "fit" (even-numbered cuts: the combiner), "calibrate" (odd-numbered: the
            room models, so they see rooms the combiner was not fitted on) or "all".
        name: Room id prefix; ids are ``<name>-<seed>-<n>`` (scenario-seed groups).
        campaign_weights: Campaign mix (None = the simulator's default, which leaves
            ``script_pool`` out); a type weighted 0 is never injected.

    Returns:
        Labelled comments (``label`` 1 for injected bots), room by room.

    Raises:
        ValueError: On an unknown ``part``.
    """
    if part not in PARTS:
        raise ValueError(f"part={part!r}: use one of {PARTS}")
    sessions, _ = live_sessions(corpora)
    backgrounds = replayed_backgrounds(sessions, seed)
    if part != "all":
        backgrounds = backgrounds[PARTS.index(part)::2]
    rng = np.random.default_rng([seed, 59])
    order = rng.permutation(len(backgrounds))[: n_rooms or len(backgrounds)]
    weights_in_use = DEFAULT_CAMPAIGN_WEIGHTS if campaign_weights is None else campaign_weights
    allowed = [c for c in CAMPAIGN_TYPES if weights_in_use.get(c, 0.0) > 0]
    comments: list[Comment] = []
    for i, b in enumerate(sorted(order.tolist())):
        piece = backgrounds[b]
        share = 0.0 if rng.random() < BOT_FREE_SHARE else float(rng.uniform(0.02, MAX_BOT_SHARE))
        weights = campaign_weights
        if share and rng.random() < SINGLE_TYPE_SHARE:
            weights = {str(rng.choice(allowed)): 1.0}
        n_real = min(len(piece), max(MIN_BACKGROUND, len(piece) - round(share * len(piece))))
        room = inject_campaigns(piece[:n_real], share, seed=seed * 10_000 + i,
                                campaign_weights=weights, room_id=f"{name}-{seed}-{i:03d}")
        comments.extend(room.comments)
    return comments
