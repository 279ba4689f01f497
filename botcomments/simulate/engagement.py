"""Labelled engagement events of a live room: a genuine audience plus bought packages.

The genuine audience enters over the session (a drifting arrival rate plus feed pushes
that bring crowds of lurkers at once), stays a log-normal while, sometimes comes back,
and a share of it interacts (comments, likes in tapping sessions, follows, gifts). Bought
engagement comes as packages: ``viewers_for_minutes`` (N accounts delivered within
seconds to minutes that stay M minutes and leave together), ``enter_idle`` (accounts that
enter over a window, from a minute to the whole session, and leave without acting),
``like_burst`` (likes from a few accounts at 2-60 taps per second) and ``like_counter``
(anonymous like-counter increments). Some bought accounts like, follow or comment a
little to look real, and the scorer misses some of their comments. The shown viewer count
is the accounts present, delayed, rounded and (in some rooms) multiplied by a platform
inflation factor. In most rooms enter events carry the account's level
(``extra["user_level"]``; :func:`draw_level_params`).

Every genuine-audience parameter is drawn per room from a wide range (domain
randomisation): they are ranges from public descriptions of live rooms, not measured.
The same seed gives the same events.

Example:
    >>> room = simulate_engagement("r1", seed=3, bought_viewers=0.5, bought_likes=0.5)
    >>> kinds = {e.kind for e in room.events}
    >>> round(room.truth.genuine_viewer_share, 1), {"enter", "like", "viewers"} <= kinds
    (0.5, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from botcomments.records import EngagementEvent

VIEWER_PACKAGES: tuple[str, ...] = ("viewers_for_minutes", "enter_idle")
LIKE_PACKAGES: tuple[str, ...] = ("like_burst", "like_counter")
PACKAGE_TYPES: tuple[str, ...] = VIEWER_PACKAGES + LIKE_PACKAGES
MAX_BOUGHT = 0.95
LEVEL_FEED_SHARE = 0.8
"""Share of simulated rooms whose enter events carry ``extra["user_level"]``."""
DRIFT_SEGMENT_S = 1200.0
"""Length of the periods over which a genuine audience's acting share drifts."""
DRIFT_SIGMA_MAX = 0.3
"""Largest spread (log-normal sigma) of the acting-share drift between periods; each room
draws its own from 0 to this (a guess: how much real audiences drift is not measured)."""


@dataclass
class Commenter:
    """A commenter of the room (from a simulated chat room or drawn here).

    Attributes:
        user_id: Account id.
        genuine: False for a bot account (a bought viewer).
        times: Comment times (unix seconds), ascending.
        flagged: Per comment, whether the scorer calls it bot (defaults to not genuine).
    """

    user_id: str
    genuine: bool
    times: list[float]
    flagged: list[bool] | None = None


@dataclass
class EngagementTruth:
    """Ground truth of one simulated room's engagement."""

    room_id: str
    n_viewers: int
    n_genuine_viewers: int
    n_likes: int
    n_genuine_likes: int
    bought_viewer_target: float
    bought_like_target: float
    packages: list[dict[str, Any]] = field(default_factory=list)
    params: dict[str, float] = field(default_factory=dict)

    @property
    def genuine_viewer_share(self) -> float:
        """Genuine accounts / all accounts seen in the room."""
        return self.n_genuine_viewers / self.n_viewers if self.n_viewers else math.nan

    @property
    def genuine_like_share(self) -> float:
        """Genuine likes / all likes."""
        return self.n_genuine_likes / self.n_likes if self.n_likes else math.nan

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "room_id": self.room_id,
            "n_viewers": self.n_viewers,
            "n_genuine_viewers": self.n_genuine_viewers,
            "genuine_viewer_share": self.genuine_viewer_share,
            "n_likes": self.n_likes,
            "n_genuine_likes": self.n_genuine_likes,
            "genuine_like_share": self.genuine_like_share,
            "bought_viewer_target": self.bought_viewer_target,
            "bought_like_target": self.bought_like_target,
            "packages": list(self.packages),
            "params": dict(self.params),
        }


@dataclass
class EngagementRoom:
    """A simulated room's engagement events (time-ordered), comments and truth.

    Attributes:
        events: Engagement events, labelled 0 genuine / 1 bought (viewer counts unlabelled).
        comments: ``(user_id, ts, is_bot)`` per comment, as the scorer would judge them.
        truth: The ground truth.
    """

    events: list[EngagementEvent]
    comments: list[tuple[str, float, bool]]
    truth: EngagementTruth


class _Room:
    """Mutable builder: accounts with stay intervals, and the action events."""

    def __init__(self, room_id: str, start: float, duration: float) -> None:
        self.room_id, self.start, self.duration = room_id, start, duration
        self.ids: list[str] = []
        self.label: list[int] = []
        self.enter: list[float] = []
        self.leave: list[float] = []
        self.actions: list[tuple[float, str, str | None, int, int]] = []
        self.comments: list[tuple[str, float, bool]] = []

    def add_account(self, uid: str, label: int, enter: float, leave: float) -> int:
        enter = min(max(enter, 0.0), self.duration)
        self.ids.append(uid)
        self.label.append(label)
        self.enter.append(enter)
        self.leave.append(min(max(leave, enter), self.duration))
        return len(self.ids) - 1

    def act(self, offset: float, kind: str, idx: int | None, count: int = 1,
            label: int | None = None) -> None:
        uid = None if idx is None else self.ids[idx]
        lab = label if idx is None else self.label[idx]
        self.actions.append((min(max(offset, 0.0), self.duration), kind, uid, count, int(lab or 0)))


def _loguniform(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def draw_params(rng: np.random.Generator) -> dict[str, float]:
    """Draw one room's genuine-audience parameters (ranges from public descriptions).

    Args:
        rng: Random generator.

    Returns:
        Parameter name -> value.
    """
    return {
        "commenter_share": (c := rng.uniform(0.02, 0.3)),
        "interaction_share": c + rng.uniform(0.03, 0.5),
        "dwell_median_s": _loguniform(rng, 30, 600),
        "dwell_sigma": rng.uniform(0.8, 1.5),
        "reentry": rng.uniform(0.0, 0.3),
        "rate_sigma": rng.uniform(0.2, 0.8),
        "push_share": rng.uniform(0.0, 0.12) * (rng.random() < 0.6),
        "push_interaction": rng.uniform(0.5, 1.0),
        "liker_share": rng.uniform(0.6, 0.95),
        "like_events_mean": rng.uniform(1.5, 8.0),
        "taps_per_event": rng.uniform(1.0, 10.0),
        "tap_fan_share": rng.uniform(0.0, 0.05),
        "gift_share": rng.uniform(0.0, 0.05),
        "follow_share": rng.uniform(0.0, 0.15),
        "look_real_like": rng.uniform(0.0, 0.1),
        "look_real_comment": rng.uniform(0.0, 0.05),
        "missed_bot_comments": rng.uniform(0.0, 0.3),
        "snapshot_s": rng.uniform(5, 30),
        "count_delay_s": rng.uniform(0, 20),
        "inflation": 1.0 if rng.random() < 0.6 else rng.uniform(1.0, 3.0),
    }


def draw_level_params(rng: np.random.Generator) -> dict[str, float]:
    """Draw one room's account-level parameters (``extra["user_level"]`` on enter events).

    Genuine levels are log-normal around a room median (2-30, spread 0.4-1.2) plus a share
    of fresh accounts at level 0-2; viewers who never interact are a little lower (their
    log-level shifted down by 0-0.1, 0-3 % more fresh accounts), so the room's interactors
    are not a perfect reference. Bought accounts are fresh (level 0 to 1-5) except an aged
    share (0-40 %) drawn like genuine viewers, which no level comparison can see. In
    :data:`LEVEL_FEED_SHARE` of the rooms the feed carries levels. All ranges are guesses
    from public descriptions (accounts sold for viewers are mostly new, low level), not
    measured.

    Args:
        rng: Random generator (a stream of its own: the other draws do not depend on it).

    Returns:
        Parameter name -> value.
    """
    return {
        "level_feed": float(rng.random() < LEVEL_FEED_SHARE),
        "level_median": _loguniform(rng, 2, 30),
        "level_sigma": rng.uniform(0.4, 1.2),
        "level_new_share": rng.uniform(0.0, 0.25),
        "lurker_level_shift": rng.uniform(0.0, 0.1),
        "lurker_new_extra": rng.uniform(0.0, 0.03),
        "bought_aged_share": rng.uniform(0.0, 0.4),
        "bought_level_max": float(rng.integers(1, 6)),
    }


def _levels(room: _Room, rng: np.random.Generator, p: dict[str, float]) -> list[int]:
    """One level per account: genuine (lurkers a little lower), bought fresh or aged."""
    acted = {a[2] for a in room.actions if a[1] != "viewers" and a[2] is not None}
    acted |= {c[0] for c in room.comments}
    n = len(room.ids)
    log_lv = rng.normal(math.log(p["level_median"]), p["level_sigma"], n)
    u = rng.random(n)
    fresh = rng.integers(0, 3, n)
    bought_lv = rng.integers(0, int(p["bought_level_max"]) + 1, n)
    out = []
    for i in range(n):
        lurker = room.ids[i] not in acted
        if room.label[i] == 1 and u[i] >= p["bought_aged_share"]:
            out.append(int(bought_lv[i]))
            continue
        shift = p["lurker_level_shift"] if lurker else 0.0
        new = p["level_new_share"] + (p["lurker_new_extra"] if lurker else 0.0)
        if room.label[i] == 0 and u[i] < new:
            out.append(int(fresh[i]))
        else:
            out.append(int(min(max(round(math.exp(log_lv[i] - shift)), 0), 99)))
    return out


def _arrivals(rng: np.random.Generator, n: int, duration: float, p: dict[str, float],
              around: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Genuine arrival offsets and whether each came with a feed push.

    The rate drifts (log-normal weights of 5-minute segments), or, with ``around`` (the
    commenters' first comments), follows the commenters' arrivals within a few minutes.
    """
    if around is not None and len(around):
        t = around[rng.integers(0, len(around), n)] + rng.normal(0.0, 180.0, n)
    else:
        n_seg = max(int(duration // 300), 1)
        weights = rng.lognormal(0.0, p["rate_sigma"], n_seg)
        seg = rng.choice(n_seg, size=n, p=weights / weights.sum())
        t = (seg + rng.random(n)) * (duration / n_seg)
    pushed = rng.random(n) < p["push_share"]
    n_push = int(rng.integers(1, 3))
    centres = rng.uniform(0, duration, n_push)
    widths = rng.uniform(30, 180, n_push)
    which = rng.integers(0, n_push, int(pushed.sum()))
    t[pushed] = centres[which] + rng.random(int(pushed.sum())) * widths[which]
    return np.clip(t, 0, duration), pushed


def draw_drift(rng: np.random.Generator, duration: float) -> tuple[float, np.ndarray]:
    """Draw how a room's genuine acting share drifts over the session.

    A real audience acts more in some periods than others (the host's topic, a game's
    tension); the estimate's baseline must not read a quieter period as a drip of bought
    accounts. Per :data:`DRIFT_SEGMENT_S` period, the chance that an arriving viewer acts
    is multiplied by a log-normal factor of spread sigma (0 to :data:`DRIFT_SIGMA_MAX`).

    Args:
        rng: Random generator (a stream of its own: the other draws do not depend on it).
        duration: Session length (seconds).

    Returns:
        ``(sigma, factors)``: the spread and one factor per period.
    """
    sigma = float(rng.uniform(0.0, DRIFT_SIGMA_MAX))
    return sigma, rng.lognormal(0.0, sigma, int(duration // DRIFT_SEGMENT_S) + 1)


def _genuine(room: _Room, rng: np.random.Generator, p: dict[str, float],
             given: Sequence[Commenter], drift: np.ndarray | None = None) -> list[Commenter]:
    """Add the genuine audience around the given commenters (or draw its commenters).

    Args:
        drift: Factor of the acting share per :data:`DRIFT_SEGMENT_S` period (None: none).

    Returns:
        The genuine commenters (the given ones, or those drawn here with their comments).
    """
    n_c = len(given)
    n = max(round(n_c / p["commenter_share"]), n_c + 20) if n_c else int(
        _loguniform(rng, 80, 3000))
    dwell = rng.lognormal(math.log(p["dwell_median_s"]), p["dwell_sigma"], n)
    commenters = list(given)
    for i, c in enumerate(given):
        first = min(c.times) - room.start
        idx = room.add_account(c.user_id, 0, first - rng.exponential(120.0),
                               max(c.times) - room.start + dwell[i])
        if rng.random() < 0.4:
            _likes(room, rng, p, idx)
    around = np.array([min(c.times) - room.start for c in given]) if n_c else None
    arrive, pushed = _arrivals(rng, n - n_c, room.duration, p, around)
    share_c = 0.0 if n_c else p["commenter_share"]
    q_rest = max(p["interaction_share"] - n_c / n, 0.0) / max(1 - n_c / n, 1e-9)
    for i in range(n - n_c):
        idx = room.add_account(f"g{rng.integers(10**12)}", 0, arrive[i],
                               arrive[i] + dwell[n_c + i])
        if rng.random() < p["reentry"]:
            room.act(rng.uniform(room.enter[idx], room.duration), "enter", idx)
        u = rng.random() / (p["push_interaction"] if pushed[i] else 1.0)
        if drift is not None:
            u /= drift[min(int(arrive[i] // DRIFT_SEGMENT_S), len(drift) - 1)]
        if u < share_c:
            commenters.append(_comments(room, rng, p, idx))
        elif u < q_rest:
            _interact(room, rng, p, idx)
    return commenters


def _comments(room: _Room, rng: np.random.Generator, p: dict[str, float], idx: int
              ) -> Commenter:
    """A drawn genuine commenter: a few comments during the stay, maybe likes."""
    k = int(rng.geometric(0.4))
    times = np.sort(room.start + rng.uniform(room.enter[idx], room.leave[idx], k))
    if rng.random() < 0.4:
        _likes(room, rng, p, idx)
    return Commenter(room.ids[idx], True, times.tolist())


def _interact(room: _Room, rng: np.random.Generator, p: dict[str, float], idx: int) -> None:
    """One interacting genuine viewer: likes, maybe a follow or a gift."""
    lo, hi = room.enter[idx], room.leave[idx]
    acted = False
    if rng.random() < p["follow_share"]:
        room.act(rng.uniform(lo, hi), "follow", idx)
        acted = True
    if rng.random() < p["gift_share"]:
        room.act(rng.uniform(lo, hi), "gift", idx, int(rng.integers(1, 10)))
        acted = True
    if rng.random() < p["liker_share"] or not acted:
        _likes(room, rng, p, idx)


def _likes(room: _Room, rng: np.random.Generator, p: dict[str, float], idx: int) -> None:
    """A genuine liker's tapping sessions: events of a few taps each."""
    lo, hi = room.enter[idx], room.leave[idx]
    if rng.random() < p["tap_fan_share"]:  # a fan tapping non-stop for a while
        rate, secs = _loguniform(rng, 1.0, 8.0), int(rng.uniform(10, 120))
        t0 = rng.uniform(lo, max(hi - secs, lo))
        for s, c in enumerate(rng.poisson(rate, secs).tolist()):
            if c:
                room.act(t0 + s, "like", idx, c)
        return
    k = int(rng.geometric(1.0 / p["like_events_mean"]))
    for t in rng.uniform(lo, hi, k):
        room.act(float(t), "like", idx, 1 + int(rng.poisson(p["taps_per_event"] - 1)))


def _bought_viewers(room: _Room, rng: np.random.Generator, p: dict[str, float], n: int,
                    kinds: Sequence[str]) -> list[dict[str, Any]]:
    """Add ``n`` bought accounts as 1-3 packages of the given kinds."""
    if n <= 0 or not kinds:
        return []
    k = int(rng.integers(1, 4))
    sizes = np.bincount(rng.choice(k, size=n, p=rng.dirichlet(np.ones(k))), minlength=k)
    out = []
    for size in sizes.tolist():
        if size == 0:
            continue
        kind = str(rng.choice(list(kinds)))
        if kind == "viewers_for_minutes":
            t0 = rng.uniform(0, room.duration * 0.8)
            ramp, stay = rng.uniform(5, 300), rng.uniform(10, 120) * 60
            enter = t0 + rng.random(size) * ramp
            leave = np.full(size, t0 + ramp + stay) + rng.uniform(0, 30, size)
            out.append({"type": kind, "accounts": size, "start": t0, "ramp_s": ramp,
                        "stay_s": stay})
        else:
            width = _loguniform(rng, 60, room.duration)
            t0 = rng.uniform(0, room.duration - width)
            enter = t0 + rng.random(size) * width
            leave = enter + rng.uniform(5, 180, size)
            out.append({"type": kind, "accounts": size, "start": t0, "window_s": width})
        for e, lv in zip(enter.tolist(), leave.tolist(), strict=True):
            idx = room.add_account(f"b{rng.integers(10**12)}", 1, e, lv)
            _look_real(room, rng, p, idx)
    return out


def _look_real(room: _Room, rng: np.random.Generator, p: dict[str, float], idx: int) -> None:
    """Bought accounts that like or comment a little to look real."""
    lo, hi = room.enter[idx], room.leave[idx]
    if rng.random() < p["look_real_like"]:
        for t in rng.uniform(lo, hi, int(rng.integers(1, 4))):
            room.act(float(t), "like", idx, int(rng.integers(1, 6)))
    if rng.random() < p["look_real_comment"]:
        flagged = bool(rng.random() >= p["missed_bot_comments"])
        room.comments.append((room.ids[idx], room.start + rng.uniform(lo, hi), flagged))


def _bought_likes(room: _Room, rng: np.random.Generator, n_likes: int,
                  kinds: Sequence[str]) -> list[dict[str, Any]]:
    """Add ``n_likes`` bought likes as one package of a kind from ``kinds``."""
    if n_likes <= 0 or not kinds:
        return []
    kind = str(rng.choice(list(kinds)))
    t0 = rng.uniform(0, room.duration * 0.9)
    if kind == "like_counter":
        rate = _loguniform(rng, 20, 500)
        secs = max(int(n_likes / rate), 1)
        counts = rng.multinomial(n_likes, np.ones(secs) / secs)
        for s, c in enumerate(counts.tolist()):
            if c:
                room.act(t0 + s, "like", None, c, label=1)
        return [{"type": kind, "likes": n_likes, "rate": rate, "start": t0}]
    n_acc = int(_loguniform(rng, 1, 50))
    rate = _loguniform(rng, 2, 60)
    per = rng.multinomial(n_likes, np.ones(n_acc) / n_acc)
    for likes in per.tolist():
        secs = max(int(likes / rate), 1)
        start = t0 + rng.uniform(0, 120)
        idx = room.add_account(f"l{rng.integers(10**12)}", 1, start - rng.uniform(0, 30),
                               start + secs + rng.uniform(0, 60))
        counts = rng.multinomial(likes, np.ones(secs) / secs)
        for s, c in enumerate(counts.tolist()):
            if c:
                room.act(start + s, "like", idx, c)
    return [{"type": kind, "likes": n_likes, "accounts": n_acc, "rate": rate, "start": t0}]


def _viewer_counts(room: _Room, rng: np.random.Generator, p: dict[str, float]) -> None:
    """Shown viewer counts: accounts present, delayed, inflated, rounded."""
    enter, leave = np.sort(room.enter), np.sort(room.leave)
    times = np.arange(0.0, room.duration, p["snapshot_s"])
    seen = np.maximum(times - p["count_delay_s"], 0.0)
    present = np.searchsorted(enter, seen, "right") - np.searchsorted(leave, seen, "left")
    shown = present * p["inflation"]
    step = np.where(shown >= 10_000, 1000, np.where(shown >= 1_000, 10, 1))
    for t, c in zip(times.tolist(), (np.round(shown / step) * step).tolist(), strict=True):
        room.act(t, "viewers", None, int(max(c, 0)), label=None)


def simulate_engagement(
    room_id: str,
    seed: int,
    bought_viewers: float = 0.0,
    bought_likes: float = 0.0,
    packages: Sequence[str] = PACKAGE_TYPES,
    start_ts: float = 1_714_565_700.0,
    duration: float | None = None,
    commenters: Sequence[Commenter] = (),
    platform: str = "sim",
    user_levels: bool | None = None,
    bought_aged_share: float | None = None,
) -> EngagementRoom:
    """Simulate one room's engagement events with known bought shares.

    Args:
        room_id: Room id.
        seed: Seed (same seed and arguments, same events).
        bought_viewers: Share of the room's accounts that are bought, 0..0.95.
        bought_likes: Share of the room's likes that are bought, 0..0.95.
        packages: Package types allowed (see :data:`PACKAGE_TYPES`).
        start_ts: Session start (unix seconds); a chat room's start when tied to one.
        duration: Session length in seconds (default: drawn from 30 min to 3 h).
        commenters: The room's commenters (e.g. a chat archive's users and comment times,
            as ``benchmarks/engagement_real.py`` builds them); when
            empty, genuine commenters are drawn from the audience.
        platform: Platform name of the events.
        user_levels: Whether enter events carry ``extra["user_level"]`` (default: drawn,
            true in :data:`LEVEL_FEED_SHARE` of the rooms; see :func:`draw_level_params`).
        bought_aged_share: Share of the bought accounts that are aged, with levels drawn like
            genuine viewers' (default: drawn, 0-40 %; 0: every bought account fresh, as an
            ablation of what no level comparison can see).

    Returns:
        The events, comments and truth.

    Raises:
        ValueError: If a share is outside its range (bought shares 0..0.95, the aged share
            0..1) or a package type is unknown.
    """
    for name, share in (("bought_viewers", bought_viewers), ("bought_likes", bought_likes)):
        if not 0.0 <= share <= MAX_BOUGHT:
            raise ValueError(f"{name}={share} must be within 0..{MAX_BOUGHT}")
    if bought_aged_share is not None and not 0.0 <= bought_aged_share <= 1.0:
        raise ValueError(f"bought_aged_share={bought_aged_share} must be within 0..1")
    unknown = set(packages) - set(PACKAGE_TYPES)
    if unknown:
        raise ValueError(f"unknown package types {sorted(unknown)}; use {PACKAGE_TYPES}")
    rng = np.random.default_rng([seed, 17, *room_id.encode()])
    p = draw_params(rng)
    dur = float(duration) if duration else _loguniform(rng, 1800, 3 * 3600)
    room = _Room(room_id, start_ts, dur)
    drift_sigma, drift = draw_drift(np.random.default_rng([seed, 19, *room_id.encode()]), dur)
    audience = _genuine(room, rng, p, [c for c in commenters if c.genuine and c.times], drift)
    n_gen = len(room.ids)
    n_bought = round(n_gen * bought_viewers / (1 - bought_viewers))
    bots = [c for c in commenters if not c.genuine]
    for c in bots:
        room.add_account(c.user_id, 1, min(c.times) - start_ts - rng.exponential(30.0),
                         max(c.times) - start_ts + rng.exponential(60.0))
    pk = _bought_viewers(room, rng, p, n_bought - len(bots),
                         [k for k in packages if k in VIEWER_PACKAGES])
    g_likes = sum(a[3] for a in room.actions if a[1] == "like" and a[4] == 0)
    b_likes = sum(a[3] for a in room.actions if a[1] == "like" and a[4] == 1)
    want = round(g_likes * bought_likes / (1 - bought_likes)) - b_likes
    pk += _bought_likes(room, rng, want, [k for k in packages if k in LIKE_PACKAGES])
    _viewer_counts(room, rng, p)
    _chat(room, [*audience, *bots])
    rng_lv = np.random.default_rng([seed, 18, *room_id.encode()])
    lp = draw_level_params(rng_lv)
    if bought_aged_share is not None:
        lp["bought_aged_share"] = float(bought_aged_share)
    use = user_levels if user_levels is not None else bool(lp["level_feed"])
    levels = _levels(room, rng_lv, lp) if use else None
    return _finish(room, platform,
                   {**p, **lp, "level_feed": float(use), "drift_sigma": drift_sigma}, pk,
                   bought_viewers, bought_likes, levels)


def _chat(room: _Room, commenters: Sequence[Commenter]) -> None:
    """Add the commenters' comments with the scorer's verdicts (bots' by default flagged)."""
    for c in commenters:
        flags = c.flagged if c.flagged is not None else [not c.genuine] * len(c.times)
        room.comments.extend((c.user_id, t, f) for t, f in zip(c.times, flags, strict=True))


def _finish(room: _Room, platform: str, p: dict[str, float], pk: list[dict[str, Any]],
            bv: float, bl: float, levels: list[int] | None = None) -> EngagementRoom:
    """Enter events for every account (with its level when given), sort, count the truth."""
    for idx, t in enumerate(room.enter):
        room.act(t, "enter", idx)
    room.actions.sort(key=lambda a: (a[0], a[1] != "enter"))
    level_of = dict(zip(room.ids, levels, strict=True)) if levels is not None else {}
    events = [
        EngagementEvent(kind, room.room_id, ts=round(room.start + t, 3), user_id=uid,
                        count=count, platform=platform,
                        label=None if kind == "viewers" else label,
                        extra={"user_level": level_of[uid]} if kind == "enter" and uid in
                        level_of else {})
        for t, kind, uid, count, label in room.actions
    ]
    likes = [(e.count, e.label) for e in events if e.kind == "like"]
    truth = EngagementTruth(
        room_id=room.room_id,
        n_viewers=len(room.ids),
        n_genuine_viewers=sum(1 for lab in room.label if lab == 0),
        n_likes=sum(c for c, _ in likes),
        n_genuine_likes=sum(c for c, lab in likes if lab == 0),
        bought_viewer_target=bv,
        bought_like_target=bl,
        packages=pk,
        params={k: round(float(v), 4) for k, v in p.items()},
    )
    room.comments.sort(key=lambda c: c[1])
    return EngagementRoom(events, room.comments, truth)
