"""Calibration rooms around real live chat: commenters timed by a *train* corpus.

The bubble estimate's intervals are calibrated (``engagement_bench.py --fit``) on
simulated rooms; rooms whose genuine commenters come from real chat read differently
(real chat surges, so genuine arrival bursts read as bought ones: docs/engagement.md).
These rooms put real chat into the calibration: each broadcast session of
``danmaku_live_2019`` (marked *train*, MIT: real Bilibili live danmaku of 87 VTuber rooms,
minute timestamps, no user ids) gives the comment times; the lines are dealt to
commenters (:func:`deal_lines`, the only invented part: the corpus has no user ids), and
the silent audience, likes, viewer counts and bought packages are simulated around them
(``simulate_engagement(commenters=...)``), at a bought share drawn in a bucket, as
``engagement_real.py`` does on the *eval* corpus ``danmaku_room_2020`` (which stays for
evaluation only).

Example:
    >>> rng = np.random.default_rng(0)
    >>> users = deal_lines(np.array([0, 0, 60, 60, 120]), rng)
    >>> sum(len(u.times) for u in users)
    5
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
from evasion_bench import CORPORA, read_jsonl  # the corpora folder and its gzip JSON lines

from botcomments.simulate.engagement import (
    LIKE_PACKAGES,
    VIEWER_PACKAGES,
    Commenter,
    EngagementRoom,
    simulate_engagement,
)

TRAIN_SESSIONS = Path("danmaku_live_2019") / "danmaku.jsonl.gz"
SESSION_GAP_S = 1800
"""A silence this long ends a broadcast session."""
MIN_LINES = 300
MIN_SESSION_S = 1800
"""Sessions shorter or with fewer lines are left out (too little chat to anchor a room)."""
RECENT_USERS = 400
"""Commenters a new line may come from: the most recent ones still present."""

Session = tuple[str, np.ndarray]
"""``(session id, comment times)``: unix seconds, minute resolution."""


def read_train_sessions(corpora: Path = CORPORA) -> list[Session]:
    """The corpus's broadcast sessions: per room, lines split at silences of
    :data:`SESSION_GAP_S`, kept with at least :data:`MIN_LINES` lines over
    :data:`MIN_SESSION_S`.

    Args:
        corpora: The shared corpora folder.

    Returns:
        Sessions in room order.
    """
    times: dict[str, list[int]] = defaultdict(list)
    for rec in read_jsonl(corpora / TRAIN_SESSIONS):
        if rec.get("ts") is not None:
            times[str(rec["room_id"])].append(int(str(rec["ts"])))
    out = []
    for room, ts in sorted(times.items()):
        stamps = np.sort(np.array(ts))
        parts = np.split(stamps, np.flatnonzero(np.diff(stamps) > SESSION_GAP_S) + 1)
        out += [(f"{room}-{k}", part) for k, part in enumerate(parts)
                if len(part) >= MIN_LINES and part[-1] - part[0] >= MIN_SESSION_S]
    return out


def deal_lines(minutes: np.ndarray, rng: np.random.Generator) -> list[Commenter]:
    """Deal a session's lines to commenters (the corpus has no user ids).

    Each line (at a uniform second of its minute) is a new commenter's first with chance
    ``1 / m``, else a line of a commenter still present (last line within a stay), chosen
    in proportion to the lines they wrote (talkative users talk more). ``m`` (lines per
    commenter, 1.5-8) and the stay (5-60 minutes) are drawn per session: guesses, not
    measured, randomised like the simulator's audience parameters.

    Args:
        minutes: Line times (unix seconds, minute resolution).
        rng: Random generator.

    Returns:
        The commenters, all genuine, with their comment times.
    """
    stamps = np.sort(minutes + rng.uniform(0, 60, len(minutes)))
    new_share = 1.0 / float(np.exp(rng.uniform(np.log(1.5), np.log(8.0))))
    stay = float(np.exp(rng.uniform(np.log(300.0), np.log(3600.0))))
    last: list[float] = []
    times: list[list[float]] = []
    for t in stamps.tolist():
        present = [i for i in range(max(len(last) - RECENT_USERS, 0), len(last))
                   if t - last[i] < stay]
        if not present or rng.random() < new_share:
            last.append(t)
            times.append([t])
            continue
        weight = np.array([len(times[i]) for i in present], dtype=float)
        i = present[int(rng.choice(len(present), p=weight / weight.sum()))]
        last[i] = t
        times[i].append(t)
    return [Commenter(f"u{i}", True, ts) for i, ts in enumerate(times)]


def room_around(room_id: str, seed: int, bought: float, packages: tuple[str, str],
                commenters: list[Commenter]) -> EngagementRoom:
    """A simulated room around given commenters: the session runs from five minutes
    before the first comment to five after the last, at the bought viewer and like share.

    Args:
        room_id: Room id.
        seed: Seed of the room.
        bought: Bought viewer and like share.
        packages: One viewer and one like package type.
        commenters: The commenters (with their comment times).

    Returns:
        The room.
    """
    first = min(c.times[0] for c in commenters)
    last = max(c.times[-1] for c in commenters)
    return simulate_engagement(room_id, seed, bought, bought, packages=packages,
                               start_ts=first - 300, duration=last - first + 600,
                               commenters=commenters)


def simulate_anchored(session: Session, seed: int, lo: float, hi: float
                      ) -> tuple[EngagementRoom, str, str]:
    """A room around one session's commenters with a bought share drawn in ``[lo, hi]``.

    Args:
        session: The session (:func:`read_train_sessions`).
        seed: Seed of the room.
        lo, hi: Range of the bought viewer and like shares.

    Returns:
        ``(room, viewer package, like package)`` (packages "none" where nothing was bought).
    """
    rng = np.random.default_rng([seed, 7])
    bought = float(rng.uniform(lo, hi)) if hi > 0 else 0.0
    vp, lp = str(rng.choice(VIEWER_PACKAGES)), str(rng.choice(LIKE_PACKAGES))
    room = room_around(f"a{session[0]}", seed, bought, (vp, lp), deal_lines(session[1], rng))
    if bought <= 0:
        return room, "none", "none"
    return room, vp, lp
