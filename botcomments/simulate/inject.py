"""Simulated bot campaigns injected into REAL chat: rooms with a known bot share.

The genuine side of such a room is a real chat log (real users, real millisecond timing,
real organic floods); the bot side is the simulator's campaigns
(:mod:`botcomments.simulate.campaigns`) posted from their own accounts and timed against
the real room's clock: bots that follow the viewers' activity follow the REAL activity
curve, and bought-interaction bots hide right after the room's REAL floods.

:func:`cut_sessions` cuts real broadcast sessions into contiguous rooms of realistic
sizes; :func:`inject_campaigns` adds bots to one of them. Nothing here knows where the
real chat comes from (``benchmarks/real_rooms.py`` reads it).

Example:
    >>> from botcomments.records import Comment
    >>> room = [Comment(f"line {i % 7}", "r", ts=1000.0 + 3 * i, user_id=f"u{i % 9}")
    ...         for i in range(100)]
    >>> out = inject_campaigns(room, bot_share=0.5, seed=1, campaign_weights={"spam": 1})
    >>> out.truth.n_comments, out.truth.n_bot_comments, out.bot_share
    (200, 100, 0.5)
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from botcomments.baselines import mark_exact_repeats
from botcomments.records import Comment
from botcomments.simulate.config import (
    BOT_PERSONAS,
    CAMPAIGN_TYPES,
    DEFAULT_CAMPAIGN_WEIGHTS,
    MAX_BOT_SHARE,
    MAX_ROOM_SIZE,
    MIN_ROOM_SIZE,
    PERSONAS,
    SimulationConfig,
)
from botcomments.simulate.context import Flood, Part, RoomContext, RunPlan, plan_run
from botcomments.simulate.engine import RoomTruth, fold_into, run_campaigns
from botcomments.simulate.timeline import Timeline
from botcomments.text.normalize import normalize

BOT_ID_PREFIX = "bot-"
"""Injected accounts are ``bot-<simulator account id>``; background ids must not start so."""
REAL_PERSONA = "genuine_real"
"""``extra["persona"]`` of the real (background) comments."""
FLOOD_MIN_LINES = 5
FLOOD_WINDOW_S = 10.0
FLOOD_KIND = "real"
ACTIVITY_SMOOTH_S = 30
"""Width (seconds) of the moving window that smooths the real activity curve."""
MIN_SPAN_S = 10.0
"""Shortest room: bots of a background spanning less post up to this long after its start."""
MIN_SCHEDULE_S = 300.0
"""The simulated host schedule is drawn for at least this long, then cut to the room."""


@dataclass
class InjectedRoom:
    """A real room with injected bots.

    Attributes:
        comments: Background and bot comments, time-ordered (stable: real first on ties);
            ``label`` 0 real / 1 bot; ``extra["persona"]`` is :data:`REAL_PERSONA` or a
            bot persona, ``extra["campaign_id"]`` None or ``<room_id>/<type>``.
        truth: Ground truth (``bot_share_target`` is the requested share,
            ``host_events`` the simulated schedule that timed event-driven bots).
        floods: Real floods found in the background (what bought interaction hid in).
    """

    comments: list[Comment]
    truth: RoomTruth
    floods: list[Flood]

    @property
    def bot_share(self) -> float:
        """Realised share of bot comments."""
        return self.truth.n_bot_comments / self.truth.n_comments

    @property
    def labels(self) -> np.ndarray:
        """int labels (1 = bot), comment order."""
        return np.array([c.label for c in self.comments], dtype=np.int64)


def n_bots_for(n_genuine: int, bot_share: float) -> int:
    """Bot comments to add to ``n_genuine`` real ones for a final share ``bot_share``.

    Args:
        n_genuine: Real comments.
        bot_share: Wanted share of bots in the final room, in [0, 1).

    Returns:
        ``round(bot_share / (1 - bot_share) * n_genuine)``.

    Example:
        >>> n_bots_for(1000, 0.9), n_bots_for(1000, 0.0)
        (9000, 0)
    """
    return round(bot_share / (1.0 - bot_share) * n_genuine)


def detect_floods(
    offsets: np.ndarray,
    texts: Sequence[str],
    min_lines: int = FLOOD_MIN_LINES,
    window_s: float = FLOOD_WINDOW_S,
) -> list[Flood]:
    """Find organic floods: >= ``min_lines`` same normalised lines within ``window_s``.

    Args:
        offsets: Seconds since the room start, non-decreasing.
        texts: Lines, same order.
        min_lines: Copies inside the window that make a flood.
        window_s: Window length, seconds; copies further apart start a new flood.

    Returns:
        Floods in time order: ``offset`` of the first copy, kind ``"real"``, up to 20 of
        its lines as posted, ``span`` the 90th percentile of the copies' delays.
    """
    groups: dict[str, list[int]] = defaultdict(list)
    for i, text in enumerate(texts):
        groups[normalize(text).text or text.strip()].append(i)
    floods: list[Flood] = []
    for members in groups.values():
        if len(members) < min_lines:
            continue
        times = offsets[members]
        marked = np.flatnonzero(mark_exact_repeats(times, min_lines, window_s))
        if len(marked) == 0:
            continue
        breaks = np.flatnonzero(np.diff(times[marked]) > window_s) + 1
        for episode in np.split(marked, breaks):
            t = times[episode]
            lines = tuple(texts[members[j]] for j in episode[:20])
            floods.append(Flood(float(t[0]), FLOOD_KIND, lines, float(np.quantile(t - t[0], 0.9))))
    floods.sort(key=lambda f: f.offset)
    return floods


def activity_timeline(offsets: np.ndarray, duration: float, rng: np.random.Generator) -> Timeline:
    """A timeline whose activity curve is the real room's (smoothed per-second counts).

    Host events come from the simulator's schedule (the real room's are unknown); bots
    that "follow the viewers" sample the real curve.

    Args:
        offsets: Real comments' seconds since the room start.
        duration: Room length, seconds.
        rng: Random source.

    Returns:
        The timeline.
    """
    sim = Timeline.generate(rng, max(duration, MIN_SCHEDULE_S))
    n_sec = int(np.ceil(duration))
    counts = np.bincount(np.clip(offsets.astype(np.int64), 0, n_sec - 1), minlength=n_sec)
    width = min(ACTIVITY_SMOOTH_S, n_sec)
    intensity = np.convolve(counts.astype(np.float64), np.ones(width) / width, mode="same")
    intensity += 0.02 * intensity.mean() + 1e-9
    cdf = np.concatenate(([0.0], np.cumsum(intensity)))
    events = tuple(e for e in sim.events if e.offset < duration)
    return Timeline(float(duration), events, cdf / cdf[-1])


def _check_inputs(background: Sequence[Comment], bot_share: float, seed: int) -> None:
    if not background:
        raise ValueError("background is empty; pass the real comments of one room (at least one)")
    if not 0.0 <= bot_share < 1.0:
        raise ValueError(
            f"bot_share={bot_share} must be in [0, 1): the share of bot comments in the "
            "final room (0.9 = nine bot comments for every real one)"
        )
    if seed < 0:
        raise ValueError(f"seed={seed} must be a non-negative integer")
    if any(c.ts is None for c in background):
        raise ValueError("every background comment needs a timestamp (ts) to time the bots")
    if any((c.user_id or "").startswith(BOT_ID_PREFIX) for c in background):
        raise ValueError(
            f"background user ids must not start with {BOT_ID_PREFIX!r} (reserved for bots)"
        )


def _room_plans(
    config: SimulationConfig, room_id: str, n_genuine: int, n_bot: int,
    span: tuple[float, float], seed: int,
) -> RunPlan:
    """Run plan (account pools) of one injected room: the simulator's own planning."""
    n_total = n_genuine + n_bot
    size = min(max(n_total, MIN_ROOM_SIZE), MAX_ROOM_SIZE)
    run = plan_run(1, seed, replace(config, room_size=(size, size)))
    plan = replace(run.rooms[0], room_id=room_id, n_comments=n_total, bot_share=n_bot / n_total,
                   n_bot=n_bot, start_ts=span[0], duration=span[1])
    return replace(run, rooms=(plan,))


def _bot_comments(
    parts: list[Part], campaign_ids: list[str], span: tuple[float, float], like: Comment,
    room_id: str,
) -> list[Comment]:
    """Turn campaign parts into labelled comments on ``bot-`` accounts."""
    start, duration = span
    out: list[Comment] = []
    for part in parts:
        ts = np.round(start + fold_into(part.offsets, duration), 3).tolist()
        cid = campaign_ids[part.campaign]
        for t, user, text, code in zip(ts, part.users.tolist(), part.texts,
                                       part.persona.tolist(), strict=True):
            extra = {"persona": PERSONAS[code], "campaign_id": cid}
            out.append(Comment(text, room_id, ts=t, user_id=f"{BOT_ID_PREFIX}{user}",
                               msg_id=f"{room_id}-bot-{len(out):07d}",
                               platform=like.platform, label=1, extra=extra))
    return out


def _truth(
    room_id: str, comments: list[Comment], bot_share: float, seed: int, ctx: RoomContext,
    campaigns: list[dict[str, Any]],
) -> RoomTruth:
    """Ground truth computed from the finished room."""
    n = len(comments)
    bots = [c for c in comments if c.label == 1]
    users = {c.user_id for c in comments if c.user_id is not None}
    bot_users = {c.user_id for c in bots}
    personas = {REAL_PERSONA: n - len(bots)} | {p: 0 for p in BOT_PERSONAS}
    for c in bots:
        personas[c.extra["persona"]] += 1
    mix = {t: personas[f"bot_{t}"] for t in CAMPAIGN_TYPES}
    events = [{"ts": round(ctx.plan.start_ts + e.offset, 3), "kind": e.kind, "phrase": e.phrase}
              for e in ctx.timeline.events]
    user_ratio = (len(users) - len(bot_users)) / len(users) if users else 1.0
    return RoomTruth(room_id, n, len(users), len(bots), (n - len(bots)) / n, user_ratio,
                     bot_share, mix, events, seed, start_ts=ctx.plan.start_ts,
                     end_ts=round(ctx.plan.start_ts + ctx.plan.duration, 3),
                     persona_mix=personas, campaigns=campaigns)


def inject_campaigns(
    background: Sequence[Comment],
    bot_share: float,
    seed: int,
    campaign_weights: Mapping[str, float] | None = None,
    *,
    room_id: str | None = None,
    mix_concentration: float | None = 4.0,
) -> InjectedRoom:
    """Add simulated bot campaigns to a real room so that bots make ``bot_share`` of it.

    Bot comments number :func:`n_bots_for` ``(len(background), bot_share)``; they are
    posted from ``bot-`` accounts within the background's time span (first to last
    timestamp, at least :data:`MIN_SPAN_S`). Background comments keep their text, user, time and
    message id; they get label 0 and the room id.

    Args:
        background: Real comments of one room (any order; all with a timestamp).
        bot_share: Share of bot comments in the final room, in [0, 1).
        seed: Seed of the campaigns (same seed and background, same room).
        campaign_weights: Campaign type -> weight (types as in
            :data:`~botcomments.simulate.config.CAMPAIGN_TYPES`); missing types count as
            0, so ``{"spam": 1}`` makes a single-type room. None = the simulator's
            default weights.
        room_id: Room id of every output comment (default: the first background
            comment's).
        mix_concentration: Dirichlet concentration of the room's campaign mix around the
            weights, as in ``SimulationConfig``; None = exactly the weights.

    Returns:
        The room and its truth.

    Raises:
        ValueError: On an empty background, a share outside [0, 1), a negative seed,
            a comment without timestamp, a background user id starting with ``bot-``,
            unknown campaign types or weights that are all 0 while bots are wanted.
    """
    _check_inputs(background, bot_share, seed)
    rid = room_id if room_id is not None else background[0].room_id
    real = sorted(background, key=lambda c: c.ts or 0.0)
    ts = np.array([c.ts for c in real], dtype=np.float64)
    span = (float(ts[0]), max(float(ts[-1] - ts[0]), MIN_SPAN_S))
    weights = dict(DEFAULT_CAMPAIGN_WEIGHTS if campaign_weights is None else campaign_weights)
    config = SimulationConfig(campaign_weights=weights, mix_concentration=mix_concentration,
                              bot_share=(min(bot_share, MAX_BOT_SHARE),) * 2)
    n_bot = n_bots_for(len(real), bot_share)
    run = _room_plans(config, rid, len(real), n_bot, span, seed)
    rng = np.random.default_rng([seed, 1, 0])
    rnd = random.Random(int(rng.integers(2**62)))
    offsets = ts - span[0]
    timeline = activity_timeline(offsets, span[1], rng)
    floods = detect_floods(offsets, [c.text for c in real])
    ctx = RoomContext(run, run.rooms[0], config, timeline, rng, rnd, floods=floods)
    parts, campaign_ids, infos = run_campaigns(ctx, n_bot)
    bots = _bot_comments(parts, campaign_ids, span, real[0], rid)
    genuine = [replace(c, room_id=rid, label=0,
                       extra={**c.extra, "persona": REAL_PERSONA, "campaign_id": None})
               for c in real]
    comments = sorted(genuine + bots, key=lambda c: c.ts or 0.0)
    truth = _truth(rid, comments, bot_share, seed, ctx, [i.to_dict() for i in infos])
    return InjectedRoom(comments, truth, ctx.floods)


def cut_session(
    session: Sequence[Comment], min_size: int, max_size: int, rng: np.random.Generator
) -> list[list[Comment]]:
    """Cut one time-ordered session into contiguous rooms of log-uniform sizes.

    Every comment lands in exactly one room, in order. A session shorter than
    ``min_size`` gives no room.

    Args:
        session: Comments of one broadcast, time-ordered.
        min_size: Smallest room (>= 1).
        max_size: Largest room (>= 2 * min_size, so any remainder can be split).
        rng: Random source of the sizes.

    Returns:
        Rooms in session order, each of ``min_size`` to ``max_size`` comments.

    Raises:
        ValueError: If the bounds are invalid.
    """
    if min_size < 1 or max_size < 2 * min_size:
        raise ValueError(
            f"room sizes ({min_size}, {max_size}) need 1 <= min_size and "
            "max_size >= 2 * min_size"
        )
    rooms: list[list[Comment]] = []
    left, at = len(session), 0
    while left >= min_size:
        size = round(float(np.exp(rng.uniform(np.log(min_size), np.log(max_size)))))
        size = min(max(size, min_size), max_size)
        if left - size < min_size:  # the rest would be too small: take it or leave min_size
            size = left if left <= max_size else left - min_size
        rooms.append(list(session[at : at + size]))
        at, left = at + size, left - size
    return rooms


def cut_sessions(
    sessions: Iterable[Sequence[Comment]],
    min_size: int = 300,
    max_size: int = 20_000,
    seed: int = 0,
) -> list[list[Comment]]:
    """Cut several sessions into rooms (:func:`cut_session`), session by session.

    Args:
        sessions: Time-ordered comments of each broadcast.
        min_size: Smallest room.
        max_size: Largest room.
        seed: Seed of the sizes.

    Returns:
        All rooms, sessions in input order.

    Raises:
        ValueError: If the bounds are invalid.
    """
    rng = np.random.default_rng([seed, 17])
    return [room for s in sessions for room in cut_session(s, min_size, max_size, rng)]
