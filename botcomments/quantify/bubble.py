"""The room "bubble" estimate: genuine viewers and genuine likes with intervals, and why.

Inputs are a room's accounts (:class:`AccountTable`: what each account did) and its
per-second like totals and shown viewer counts (:class:`RoomSeries`), as built by
:class:`botcomments.quantify.engagement.RoomEngagement`.

Viewers (the accounts seen entering or acting in the room). Accounts with bot comments
only, or liking faster than a human can tap, are bought. The rest are binned by their
first enter time (60 s bins, only bins that hold accounts exist). Genuine entrants
arrive at a rate that follows the room's interacting entrants (those who later comment,
like, gift or follow): a bin is a *bought-entry burst* when its entrants exceed what the
interacting entrants of its neighbour bins (or its own commenters and gifters) explain by
far, given the interaction share ``q`` of entrants in the non-burst bins (estimated
iteratively). In a burst bin the genuine entrants are the explained part; elsewhere all
entrants count as genuine. Finally the room's interaction share may not fall below the
platform-norm floor :data:`INTERACTION_SHARE_FLOOR` (a prior, not measured): beyond it
the idle entrants are bought. What this cannot see: idle bought accounts delivered slowly
and evenly over the session at an interaction share still inside the norm (they look like
lurkers), and a platform that inflates the shown count without account events (only
visible as unexplained jumps of the shown count).

Likes. Likes of bought accounts (above) are bought; so are likes in any second beyond
what the accounts liking around that second can tap (:data:`HUMAN_MAX_LIKE_RATE` each),
which catches anonymous counter inflation; likes of accounts that entered in a burst bin
and never commented or gifted count bought in the bin's bought proportion.

Intervals: a bootstrap over bins (Poisson weights), with the interaction share and the
explained entrants redrawn from their counts, then widened by split-conformal factors
(:data:`CONFORMAL`) fitted on simulator seeds disjoint from the evaluation seeds
(``python benchmarks/engagement_bench.py --fit``; docs/engagement.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

BIN_S = 60
"""Width of the enter-time bins (seconds)."""
NEIGHBOUR_BINS = 5
"""Bins on each side whose interacting entrants set a bin's expected genuine entrants."""
BURST_Z = 3.0
"""Standard deviations above the expected genuine entrants that make a bin a burst."""
INTERACTION_SHARE_FLOOR = 0.05
"""Lowest share of genuine viewers who ever comment, like, gift or follow: a prior from
public descriptions of live rooms (interaction rates of a few % to over half), not
measured; the simulator draws genuine shares from 0.05 to 0.6."""
INTERACTION_NORM = (0.05, 0.6)
"""Platform-norm range of the share of viewers who ever interact (prior, not measured)."""
COMMENTER_NORM = (0.01, 0.3)
"""Platform-norm range of commenters per viewer (prior, not measured)."""
HUMAN_MAX_LIKE_RATE = 12.0
"""Likes per second one person can sustain by tapping (public tapping-speed figures)."""
LIKE_SPAN_SLACK_S = 2.0
"""Seconds added to an account's like span (platforms batch taps into events)."""
MIN_MACHINE_LIKES = 60
"""Fewest likes for an account to be judged by its rate (short bursts are noise)."""
JUMP_MIN = 20
"""Smallest shown-count rise judged as a jump."""
N_BOOT = 200
CONFORMAL: dict[str, tuple[float, float]] = {"viewers": (1.645, 1.645), "likes": (1.645, 1.645)}
"""(below, above) multipliers of the bootstrap standard deviation. Fitted by
``python benchmarks/engagement_bench.py --fit`` on calibration seeds (see docs)."""
MIN_SD = 0.01
"""Floor of the standard deviation of a share before widening."""


@dataclass
class AccountTable:
    """One entry per account, parallel arrays (times unix seconds, NaN when never)."""

    first_enter: np.ndarray
    n_enters: np.ndarray
    first_ts: np.ndarray
    last_ts: np.ndarray
    comments: np.ndarray
    bot_comments: np.ndarray
    like_events: np.ndarray
    likes: np.ndarray
    like_first: np.ndarray
    like_last: np.ndarray
    gifts: np.ndarray
    follows: np.ndarray

    def __len__(self) -> int:
        return len(self.first_enter)


@dataclass
class RoomSeries:
    """Per-second like totals and shown viewer counts, sorted by second."""

    like_seconds: np.ndarray
    like_counts: np.ndarray
    viewer_seconds: np.ndarray
    viewer_counts: np.ndarray
    anonymous_likes: int = 0
    untimed_likes: int = 0


@dataclass
class EvidenceItem:
    """One piece of room engagement evidence.

    Attributes:
        name: Stable key (the report translates it).
        value: The room's figure.
        reference: What it is compared with (a norm, the room's own history).
        flagged: Whether it points at bought engagement.
        reason: One English sentence saying what the figure means here.
    """

    name: str
    value: float
    reference: float | list[float] | None
    flagged: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "name": self.name,
            "value": _num(self.value),
            "reference": _num(self.reference),
            "flagged": self.flagged,
            "reason": self.reason,
        }


@dataclass
class BubbleEstimate:
    """A room's estimated genuine viewers and likes, with intervals and evidence.

    Attributes:
        room_id: The room.
        n_events: Engagement events read.
        n_viewers: Accounts seen entering or acting in the room.
        genuine_viewers: Estimated genuine viewers (accounts).
        genuine_viewers_ci: Interval of ``genuine_viewers``.
        genuine_viewer_share: ``genuine_viewers / n_viewers`` (NaN without viewers).
        genuine_viewer_share_ci: Its interval.
        n_likes: Likes in all events.
        genuine_likes: Estimated genuine likes.
        genuine_likes_ci: Its interval.
        genuine_like_share: ``genuine_likes / n_likes`` (NaN without likes).
        genuine_like_share_ci: Its interval.
        peak_shown_viewers: Highest viewer count the platform showed (None if none).
        evidence: The evidence items.
        notes: What the estimate cannot know for this room, as ``{code, text}``.
        in_range: Whether the room is within what the estimate was calibrated on.
    """

    room_id: str
    n_events: int
    n_viewers: int
    genuine_viewers: float
    genuine_viewers_ci: tuple[float, float]
    genuine_viewer_share: float
    genuine_viewer_share_ci: tuple[float, float]
    n_likes: int
    genuine_likes: float
    genuine_likes_ci: tuple[float, float]
    genuine_like_share: float
    genuine_like_share_ci: tuple[float, float]
    peak_shown_viewers: int | None
    evidence: list[EvidenceItem] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)
    in_range: bool = True

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (NaN becomes None), the rooms.json ``engagement`` block."""
        return {
            "n_events": self.n_events,
            "n_viewers": self.n_viewers,
            "genuine_viewers": _num(round(self.genuine_viewers, 1)),
            "genuine_viewers_ci": _num([round(x, 1) for x in self.genuine_viewers_ci]),
            "genuine_viewer_share": _num(round(self.genuine_viewer_share, 4)),
            "genuine_viewer_share_ci": _num([round(x, 4) for x in self.genuine_viewer_share_ci]),
            "n_likes": self.n_likes,
            "genuine_likes": _num(round(self.genuine_likes, 1)),
            "genuine_likes_ci": _num([round(x, 1) for x in self.genuine_likes_ci]),
            "genuine_like_share": _num(round(self.genuine_like_share, 4)),
            "genuine_like_share_ci": _num([round(x, 4) for x in self.genuine_like_share_ci]),
            "peak_shown_viewers": self.peak_shown_viewers,
            "evidence": [e.to_dict() for e in self.evidence],
            "notes": [dict(n) for n in self.notes],
            "in_range": self.in_range,
        }


def _num(value: Any) -> Any:
    """JSON-safe number(s): NaN/inf become None, numpy scalars plain floats."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [_num(v) for v in value]
    x = float(value)
    return x if math.isfinite(x) else None


def account_flags(t: AccountTable) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-account evidence flags.

    Args:
        t: The accounts.

    Returns:
        ``(known_bought, strong, interacting, like_rate)``: bought for sure (bot comments
        only, or likes faster than a human taps), commented or gifted, commented/liked/
        gifted/followed (not bought), and likes per second over the account's like span.
    """
    span = np.nan_to_num(t.like_last - t.like_first, nan=0.0) + LIKE_SPAN_SLACK_S
    rate = t.likes / span
    machine = (t.likes >= MIN_MACHINE_LIKES) & (rate > HUMAN_MAX_LIKE_RATE)
    known = ((t.bot_comments > 0) & (t.comments == 0)) | machine
    strong = ((t.comments > 0) | (t.gifts > 0)) & ~known
    interacting = (strong | (t.likes > 0) | (t.follows > 0)) & ~known
    return known, strong, interacting, rate


@dataclass
class EntryBins:
    """Accounts binned by first enter (only bins holding accounts), and the burst fit."""

    keys: np.ndarray
    n: np.ndarray
    known: np.ndarray
    k: np.ndarray
    ks: np.ndarray
    window_k: np.ndarray
    expected: np.ndarray
    burst: np.ndarray
    q: float
    qs: float

    def genuine(self, expected: np.ndarray | None = None) -> np.ndarray:
        """Genuine entrants per bin: all of a normal bin, the explained part of a burst."""
        e = self.expected if expected is None else expected
        free = self.n - self.known
        return np.where(self.burst, np.clip(e, self.ks, free), free).astype(float)


def _neighbour_rate(keys: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Interacting entrants per bin in the neighbour bins (self excluded), and their sum."""
    cum = np.concatenate([[0], np.cumsum(k)])
    lo = np.searchsorted(keys, keys - NEIGHBOUR_BINS, "left")
    hi = np.searchsorted(keys, keys + NEIGHBOUR_BINS, "right")
    total = cum[hi] - cum[lo] - k
    first, last = keys[0], keys[-1]
    length = np.minimum(keys + NEIGHBOUR_BINS, last) - np.maximum(keys - NEIGHBOUR_BINS, first)
    rate = np.where(length > 0, total / np.maximum(length, 1), k)
    return rate.astype(float), np.where(length > 0, total, k)


def fit_entry_bins(
    when: np.ndarray, known: np.ndarray, strong: np.ndarray, interacting: np.ndarray
) -> EntryBins:
    """Bin timed accounts by entry and find the bought-entry bursts.

    Args:
        when: Entry time per timed account.
        known, strong, interacting: Flags per timed account (see :func:`account_flags`).

    Returns:
        The bins with expected genuine entrants, burst flags and the interaction shares
        ``q`` (any interaction) and ``qs`` (comment or gift) of non-burst entrants.
    """
    keys_all = np.floor(when / BIN_S).astype(np.int64)
    keys, inv = np.unique(keys_all, return_inverse=True)
    m = len(keys)
    n = np.bincount(inv, minlength=m)
    kn = np.bincount(inv, weights=known, minlength=m)
    k = np.bincount(inv, weights=interacting, minlength=m)
    ks = np.bincount(inv, weights=strong, minlength=m)
    rate, window_k = _neighbour_rate(keys, k)
    free = n - kn
    burst = np.zeros(m, dtype=bool)
    q, qs, e = 1.0, 1.0, free.astype(float)
    for _ in range(10):
        clean = ~burst
        denom = max(float(free[clean].sum()), 1.0)
        q = max(float(k[clean].sum()) / denom, 1e-3)
        qs = float(ks[clean].sum()) / denom
        e = rate / q
        if qs > 0:
            e = np.maximum(e, ks / qs)
        sd = np.sqrt(e + e**2 / (window_k + 1.0))
        new = free > e + BURST_Z * sd + 2.0
        if np.array_equal(new, burst):
            break
        burst = new
    return EntryBins(keys, n, kn, k, ks, window_k.astype(float), e, burst, q, qs)


@dataclass
class ViewerFit:
    """The genuine-viewer estimate of a room and what it rests on."""

    n: int
    genuine: float
    share: float
    sd: float
    bins: EntryBins | None
    bought_p: np.ndarray
    """Per account (table order): probability the account is bought."""
    floor_applied: bool
    n_interacting: int
    replicates: np.ndarray
    """Bootstrap replicates of the per-bin genuine entrants (rows) for the like bootstrap."""


def fit_viewers(t: AccountTable, rng: np.random.Generator) -> ViewerFit:
    """Estimate a room's genuine viewers.

    Args:
        t: The room's accounts.
        rng: Random generator of the bootstrap.

    Returns:
        The estimate, its bootstrap standard deviation and per-account bought probability.
    """
    known, strong, interacting, _ = account_flags(t)
    n_all = len(t)
    when = np.where(np.isfinite(t.first_enter), t.first_enter, t.first_ts)
    timed = np.isfinite(when)
    bought_p = known.astype(float)
    n_int = int(interacting.sum())
    if not timed.any():
        genuine = float(n_all - known.sum())
        share = genuine / n_all if n_all else math.nan
        return ViewerFit(n_all, genuine, share, MIN_SD, None, bought_p, False, n_int,
                         np.zeros((0, 0)))
    bins = fit_entry_bins(when[timed], known[timed], strong[timed], interacting[timed])
    g_bins = bins.genuine()
    untimed_free = float((~timed & ~known).sum())
    timed_share = g_bins.sum() / max(float((bins.n - bins.known).sum()), 1.0)
    genuine = float(g_bins.sum()) + untimed_free * timed_share
    floor_applied = n_int < INTERACTION_SHARE_FLOOR * genuine
    if floor_applied:
        genuine = n_int / INTERACTION_SHARE_FLOOR
    _account_p(bought_p, timed, when, bins, g_bins, strong, known, genuine, floor_applied,
               interacting)
    reps, shares = _viewer_bootstrap(bins, untimed_free, n_all, rng)
    share = genuine / n_all if n_all else math.nan
    return ViewerFit(n_all, genuine, share, float(np.std(shares)), bins, bought_p,
                     floor_applied, n_int, reps)


def _account_p(
    p: np.ndarray,
    timed: np.ndarray,
    when: np.ndarray,
    bins: EntryBins,
    g_bins: np.ndarray,
    strong: np.ndarray,
    known: np.ndarray,
    genuine: float,
    floor_applied: bool,
    interacting: np.ndarray,
) -> None:
    """Fill per-account bought probabilities: a burst bin's bought part falls on its
    accounts that never commented or gifted; the floor's part on idle accounts."""
    idx = np.searchsorted(bins.keys, np.floor(when[timed] / BIN_S).astype(np.int64))
    free = bins.n - bins.known
    weak = ~strong & ~known
    n_weak = np.bincount(idx, weights=weak[timed], minlength=len(bins.keys))
    bought = free - g_bins
    frac = np.where(n_weak > 0, bought / np.maximum(n_weak, 1), 0.0)
    sub = p[timed]
    sub[weak[timed]] = np.clip(frac[idx][weak[timed]], 0.0, 1.0)
    p[timed] = sub
    if floor_applied:
        idle = ~interacting & ~known
        extra = max(float((1 - p[idle]).sum()) - (genuine - float(interacting.sum())), 0.0)
        if idle.any() and extra > 0:
            left = 1 - p[idle]
            p[idle] += left * min(extra / max(float(left.sum()), 1e-9), 1.0)


def _viewer_bootstrap(
    bins: EntryBins, untimed_free: float, n_all: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap replicates of per-bin genuine entrants and of the genuine share."""
    m = len(bins.keys)
    free = bins.n - bins.known
    clean = ~bins.burst
    k_clean = float(bins.k[clean].sum())
    n_clean = float(free[clean].sum())
    q_r = rng.beta(k_clean + 1.0, max(n_clean - k_clean, 0.0) + 1.0, size=N_BOOT)
    noise = rng.gamma(bins.window_k + 1.0, 1.0 / (bins.window_k + 1.0), size=(N_BOOT, m))
    e_r = bins.expected[None, :] * (bins.q / q_r)[:, None] * noise
    g_r = np.where(bins.burst[None, :], np.clip(e_r, bins.ks, free), free)
    w = rng.poisson(1.0, size=(N_BOOT, m)).astype(float)
    tot = (w * bins.n).sum(axis=1)
    free_tot = (w * free).sum(axis=1)
    g_tot = (w * g_r).sum(axis=1)
    k_tot = (w * bins.k).sum(axis=1)
    scale = n_all / np.maximum(tot + untimed_free, 1.0)
    genuine = (g_tot + untimed_free * g_tot / np.maximum(free_tot, 1.0)) * scale
    genuine = np.minimum(genuine, k_tot * scale / INTERACTION_SHARE_FLOOR)
    return g_r, genuine / max(n_all, 1)


@dataclass
class LikeFit:
    """The genuine-like estimate of a room."""

    total: int
    genuine: float
    share: float
    sd: float
    machine_likes: float
    """Likes beyond human tapping capacity (machine accounts and excess seconds)."""
    excess_seconds: int


def _capacity(t: AccountTable, rate: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """Likes the accounts liking around each second can send in it."""
    has = t.likes > 0
    start = np.nan_to_num(t.like_first[has], nan=-np.inf) - LIKE_SPAN_SLACK_S
    end = np.nan_to_num(t.like_last[has], nan=np.inf) + LIKE_SPAN_SLACK_S
    weight = np.maximum(rate[has], HUMAN_MAX_LIKE_RATE) * LIKE_SPAN_SLACK_S
    so, eo = np.argsort(start), np.argsort(end)
    cs = np.concatenate([[0.0], np.cumsum(weight[so])])
    ce = np.concatenate([[0.0], np.cumsum(weight[eo])])
    started = cs[np.searchsorted(start[so], seconds, "right")]
    ended = ce[np.searchsorted(end[eo], seconds, "left")]
    return started - ended + HUMAN_MAX_LIKE_RATE


def fit_likes(
    t: AccountTable, s: RoomSeries, viewers: ViewerFit, rng: np.random.Generator
) -> LikeFit:
    """Estimate a room's genuine likes.

    Args:
        t: The room's accounts.
        s: Its per-second like totals.
        viewers: The viewer estimate (per-account bought probability).
        rng: Random generator of the bootstrap.

    Returns:
        The estimate and its bootstrap standard deviation.
    """
    total = int(s.like_counts.sum()) + s.untimed_likes
    if total == 0:
        return LikeFit(0, 0.0, math.nan, MIN_SD, 0.0, 0)
    _, _, _, rate = account_flags(t)
    cap = _capacity(t, rate, s.like_seconds.astype(float))
    excess = np.maximum(s.like_counts - cap, 0.0)
    account_bought = t.likes * viewers.bought_p
    bought = min(float(account_bought.sum() + excess.sum()), float(total))
    genuine = total - bought
    w = rng.poisson(1.0, size=(N_BOOT, len(t))).astype(float)
    p_noise = np.clip(
        viewers.bought_p[None, :] * rng.normal(1.0, 0.15, size=(N_BOOT, 1)), 0.0, 1.0
    )
    anon = float(total - t.likes.sum())
    b_r = (w * t.likes * p_noise).sum(axis=1) + excess.sum()
    tot_r = (w * t.likes).sum(axis=1) + anon
    shares = 1.0 - np.minimum(b_r / np.maximum(tot_r, 1.0), 1.0)
    machine = float((t.likes * (viewers.bought_p >= 1.0)).sum() + excess.sum())
    return LikeFit(total, genuine, genuine / total, float(np.std(shares)), machine,
                   int((excess > 0).sum()))


def interval(share: float, sd: float, which: str) -> tuple[float, float]:
    """Conformal-widened interval of a share.

    Args:
        share: Point estimate.
        sd: Bootstrap standard deviation.
        which: ``"viewers"`` or ``"likes"`` (selects the :data:`CONFORMAL` factors).

    Returns:
        ``(lo, hi)`` within [0, 1]; (0, 1) when the share is NaN.
    """
    if not math.isfinite(share):
        return (0.0, 1.0)
    below, above = CONFORMAL[which]
    sd = max(sd, MIN_SD)
    return (max(share - below * sd, 0.0), min(share + above * sd, 1.0))
