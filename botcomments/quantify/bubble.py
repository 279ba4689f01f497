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
iteratively). Outside bursts, *drips* are periods whose entrants act (and, with levels,
carry the interactors' levels) far less often than the rest of the room's
(:mod:`botcomments.quantify.drips`): idle accounts delivered over minutes to an hour. In
each burst bin and each drip the genuine entrants are the maximum-likelihood genuine
fraction of a mixture of the room's genuine entrants and bought accounts that rarely
comment but may like (:mod:`botcomments.quantify.mixture`; a burst whose composition a
genuine audience explains within the benefit of the doubt is all genuine:
:func:`~botcomments.quantify.mixture.genuine_looking`), after counting bought the
commenters whose bot comments the scorer likely missed (:func:`missed_bot_commenters`);
elsewhere all entrants count as genuine. When enter events carry account levels, or the
room is estimated with the other rooms of its run, the room has a *genuine marker*
(:mod:`botcomments.quantify.marker`: a level at or above its threshold; not counted
bought in another room, as service pools serve many rooms): periods whose quiet entrants
carry it far less often are drips too, the mixtures split their weak and idle entrants
by it (bought accounts carry it at a share fitted per room), and the idle accounts
outside bursts and drips are compared with the room's interacting accounts: idle
accounts without it beyond what the interactors explain are bought. Finally the room's
interaction share may not fall below the platform-norm floor
:data:`INTERACTION_SHARE_FLOOR` (a prior, not measured): beyond it the idle entrants are
bought. What this cannot see: idle bought accounts delivered slowly and evenly over most
of the session at an interaction share still inside the norm (they look like lurkers:
there is no undiluted part of the room to compare with), and a platform that inflates the
shown count without account events (only visible as unexplained jumps of the shown
count).

Likes. Likes of bought accounts (above) are bought; so are likes in any second beyond
what the accounts liking around that second can tap (:data:`HUMAN_MAX_LIKE_RATE` each),
which catches anonymous counter inflation; likes of accounts that entered in a burst bin
or drip and never commented or gifted count bought in the group's bought proportion.

Intervals: a bootstrap over bins (Poisson weights), with the interaction shares and the
strong and weak counts redrawn, then widened by split-conformal factors per observable
regime (:data:`CONFORMAL`) fitted on simulator seeds disjoint from the development and
evaluation seeds and on rooms simulated around the real commenters of a train corpus
(``python benchmarks/engagement_bench.py --fit``; docs/engagement.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from botcomments.quantify.drips import level_confirmed_runs, low_share_runs
from botcomments.quantify.marker import (
    GenuineMarker,
    IdleComparison,
    bought_marker_share,
    fit_idle_marker,
    genuine_marker,
    group_marks,
    has_level_feed,
    marker_drips,
    marker_edges,
    marker_posterior,
    reference_share,
    spread_idle_bought,
)
from botcomments.quantify.mixture import (
    MarkedCounts,
    fit_bot_shares,
    genuine_fraction,
    genuine_looking,
)

BIN_S = 60
"""Width of the enter-time bins (seconds)."""
NEIGHBOUR_BINS = 5
"""Bins on each side whose interacting entrants set a bin's expected genuine entrants."""
NEIGHBOUR_PRIOR = 0.5
"""Pseudo-count added to the neighbours' interacting entrants (Jeffreys prior of a
Poisson rate): neighbours with no interacting entrant say the rate is low, not zero, so a
sparse room's few entrants in one minute are not a burst."""
BURST_Z = 3.0
"""Standard deviations above the expected genuine entrants that make a bin a burst."""
MAX_BURST_ROUNDS = 10
"""Most rounds of the burst-and-drip search (:func:`settle_bursts`)."""
INTERACTION_SHARE_FLOOR = 0.05
"""Lowest share of genuine viewers who ever comment, like, gift or follow: a prior from
public descriptions of live rooms (interaction rates of a few % to over half), not
measured; the simulator draws genuine shares from 0.05 to 0.8."""
INTERACTION_NORM = (0.05, 0.8)
"""Platform-norm range of the share of viewers who ever interact (prior, not measured)."""
COMMENTER_NORM = (0.01, 0.3)
"""Platform-norm range of commenters per viewer (prior, not measured)."""
HUMAN_MAX_LIKE_RATE = 12.0
"""Likes per second one person can sustain by tapping (public tapping-speed figures)."""
LIKE_SPAN_SLACK_S = 2.0
"""Seconds added to an account's like span (platforms batch taps into events)."""
EVENT_TAP_LIMIT = int(HUMAN_MAX_LIKE_RATE * LIKE_SPAN_SLACK_S)
"""Most likes one person taps into one like event (platforms batch about a second or two)."""
MIN_MACHINE_LIKES = 60
"""Fewest likes for an account to be judged by its rate (short bursts are noise)."""
TAPPER_MIN_LIKES = 30
"""Fewest likes of an account judged as non-stop tapping."""
TAPPER_RATE = 1.5
"""Sustained likes per second (over the account's like span) of non-stop tapping."""
LOCKSTEP_WINDOW_S = 60.0
LOCKSTEP_MIN = 3
"""Other non-stop tappers starting within the window that make a like farm. Real rooms
where the host calls for likes can do this too (not simulated; docs/engagement.md)."""
LOCKSTEP_Z = 4.0
"""Poisson standard deviations above the chance count of tappers starting together."""
JUMP_MIN = 20
"""Smallest shown-count rise judged as a jump."""
N_BOOT = 200
CONFORMAL: dict[str, dict[str, tuple[float, float]]] = {
    "viewers": {
        "all": (2.041, 1.645),  # 2000 rooms, 780 around real commenters
        "high": (3.006, 2.025),  # 667 rooms, 226 around real commenters
        "low": (1.557, 0.762),  # 446 rooms, 179 around real commenters
        "lowest": (1.376, 0.332),  # 446 rooms, 179 around real commenters
        "mid": (2.397, 2.164),  # 441 rooms, 196 around real commenters
        "levels/high": (2.150, 2.025),  # 501 rooms, 177 around real commenters
        "levels/low": (2.696, 0.509),  # 341 rooms, 147 around real commenters
        "levels/lowest": (1.550, 0.306),  # 345 rooms, 143 around real commenters
        "levels/mid": (2.098, 2.183),  # 350 rooms, 168 around real commenters
        "no_levels/high": (4.579, 2.025),  # 166 rooms, 226 around real commenters
        "no_levels/low": (1.600, 2.559),  # 105 rooms, 179 around real commenters
        "no_levels/lowest": (1.807, 0.931),  # 101 rooms, 179 around real commenters
        "no_levels/mid": (2.913, 3.325),  # 91 rooms, 196 around real commenters
    },
    "likes": {
        "all": (5.504, 3.944),  # 2000 rooms, 780 around real commenters
        "high": (6.718, 4.245),  # 714 rooms, 266 around real commenters
        "low": (5.708, 0.975),  # 414 rooms, 173 around real commenters
        "lowest": (5.771, 0.388),  # 397 rooms, 148 around real commenters
        "mid": (4.079, 6.921),  # 475 rooms, 193 around real commenters
    },
}
"""Per quantity and regime (:func:`viewer_regime`, :func:`like_regime`), the (below,
above) multipliers of the error scales (:func:`spreads`): one-sided split-conformal
quantiles of the normalised errors of the calibration rooms in that regime (Mondrian
conformal: each regime gets its own factors, each side at 96 %, so each regime aims at
90 % with a margin). Fitted by ``python benchmarks/engagement_bench.py --fit --rooms 400
--jobs 2`` on simulator seeds 0-40399 (2,000 rooms, genuine acting share drifting) and on
780 rooms simulated around the real commenters of the *train* corpus
``danmaku_live_2019`` (MIT; ``benchmarks/anchored_rooms.py``, seeds 700000+), each factor
the larger of the two populations' (the intervals are to hold around real chat too);
disjoint from the development seeds (200000+), from every evaluation range (100000+,
300000+, 400000+, 500000+, 600000+, 800000+, 900000+) and from the *eval* corpus of
``engagement_real.py``; regimes with under 60 calibration rooms use their band's
factors, ``"all"`` is the last fallback."""
MIN_SD = 0.01
"""Floor of the standard deviation of a share before widening."""
DRIP_SCALE = 0.1
"""Weight of the idle accounts counted genuine in the scale of the error below."""
LEVEL_SCALE = 0.1
"""Weight of the share (below) and of the bought share (above) in the error scales."""
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
    fast_likes: np.ndarray
    level: np.ndarray | None = None
    """Platform level per account, -1 where unknown (None: no levels at all)."""
    bought_elsewhere: np.ndarray | None = None
    """Per account, whether another room of the run counted it likely bought (None: the
    room was estimated alone, or no account of it was so counted)."""

    def __len__(self) -> int:
        return len(self.first_enter)


@dataclass
class RoomSeries:
    """Per-second like totals and shown viewer counts, sorted by second."""

    like_seconds: np.ndarray
    like_counts: np.ndarray
    anonymous_counts: np.ndarray
    like_event_counts: np.ndarray
    viewer_seconds: np.ndarray
    viewer_counts: np.ndarray
    anonymous_likes: int = 0
    untimed_likes: int = 0
    watched_max: int | None = None


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
        genuine_viewer_share_sd: Bootstrap standard deviation before conformal widening.
        idle_counted_share: Share of accounts idle outside entry bursts yet counted
            genuine (what a slow drip of idle bought accounts would hide in).
        n_likes: Likes in all events.
        genuine_likes: Estimated genuine likes.
        genuine_likes_ci: Its interval.
        genuine_like_share: ``genuine_likes / n_likes`` (NaN without likes).
        genuine_like_share_ci: Its interval.
        genuine_like_share_sd: Bootstrap standard deviation before conformal widening.
        peak_shown_viewers: Highest online viewer count the platform showed (None if none).
        peak_watched: Highest cumulative "watched so far" count shown (None if none).
        evidence: The evidence items.
        notes: What the estimate cannot know for this room, as ``{code, text}``.
        in_range: Whether the room is within what the estimate was calibrated on.
        viewer_regime: Calibration regime of the viewer interval (:func:`viewer_regime`).
        like_regime: Calibration regime of the like interval (:func:`like_regime`).
    """

    room_id: str
    n_events: int
    n_viewers: int
    genuine_viewers: float
    genuine_viewers_ci: tuple[float, float]
    genuine_viewer_share: float
    genuine_viewer_share_ci: tuple[float, float]
    genuine_viewer_share_sd: float
    idle_counted_share: float
    n_likes: int
    genuine_likes: float
    genuine_likes_ci: tuple[float, float]
    genuine_like_share: float
    genuine_like_share_ci: tuple[float, float]
    genuine_like_share_sd: float
    peak_shown_viewers: int | None
    peak_watched: int | None = None
    evidence: list[EvidenceItem] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)
    in_range: bool = True
    viewer_regime: str = "all"
    like_regime: str = "all"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (NaN becomes None), the rooms.json ``engagement`` block."""
        return {
            "n_events": self.n_events,
            "n_viewers": self.n_viewers,
            "genuine_viewers": _num(round(self.genuine_viewers, 1)),
            "genuine_viewers_ci": _num([round(x, 1) for x in self.genuine_viewers_ci]),
            "genuine_viewer_share": _num(round(self.genuine_viewer_share, 4)),
            "genuine_viewer_share_ci": _num([round(x, 4) for x in self.genuine_viewer_share_ci]),
            "genuine_viewer_share_sd": _num(round(self.genuine_viewer_share_sd, 4)),
            "idle_counted_share": _num(round(self.idle_counted_share, 4)),
            "n_likes": self.n_likes,
            "genuine_likes": _num(round(self.genuine_likes, 1)),
            "genuine_likes_ci": _num([round(x, 1) for x in self.genuine_likes_ci]),
            "genuine_like_share": _num(round(self.genuine_like_share, 4)),
            "genuine_like_share_ci": _num([round(x, 4) for x in self.genuine_like_share_ci]),
            "genuine_like_share_sd": _num(round(self.genuine_like_share_sd, 4)),
            "peak_shown_viewers": self.peak_shown_viewers,
            "peak_watched": self.peak_watched,
            "evidence": [e.to_dict() for e in self.evidence],
            "notes": [dict(n) for n in self.notes],
            "in_range": self.in_range,
            "viewer_regime": self.viewer_regime,
            "like_regime": self.like_regime,
        }


def _num(value: Any) -> Any:
    """JSON-safe number(s): NaN/inf become None, numpy scalars plain floats."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [_num(v) for v in value]
    x = float(value)
    return x if math.isfinite(x) else None


def lockstep_tappers(t: AccountTable, rate: np.ndarray) -> np.ndarray:
    """Accounts that tap non-stop in step with others: a like farm.

    A *tapper* sends at least :data:`TAPPER_MIN_LIKES` likes at a sustained
    :data:`TAPPER_RATE` per second or more and never comments or gifts; it is in lockstep
    when at least :data:`LOCKSTEP_MIN` other tappers start within
    :data:`LOCKSTEP_WINDOW_S` of it, and far more than the room's own tappers, spread
    over its session, put there by chance (:data:`LOCKSTEP_Z` Poisson standard deviations
    above their mean: genuine fans tapping non-stop now and then are not a farm).

    Args:
        t: The accounts.
        rate: Likes per second over each account's like span.

    Returns:
        Boolean mask per account.
    """
    tapper = ((t.likes >= TAPPER_MIN_LIKES) & (rate >= TAPPER_RATE) & (t.comments == 0)
              & (t.gifts == 0) & np.isfinite(t.like_first))
    out = np.zeros(len(t), dtype=bool)
    n_tap = int(tapper.sum())
    if n_tap <= LOCKSTEP_MIN:
        return out
    starts = np.sort(t.like_first[tapper])
    own = t.like_first[tapper]
    near = (np.searchsorted(starts, own + LOCKSTEP_WINDOW_S, "right")
            - np.searchsorted(starts, own - LOCKSTEP_WINDOW_S, "left") - 1)
    span = float(np.nanmax(t.last_ts) - np.nanmin(t.first_ts)) if len(t) else 0.0
    lam = (n_tap - 1) * min(2.0 * LOCKSTEP_WINDOW_S / max(span, 2.0 * LOCKSTEP_WINDOW_S), 1.0)
    need = max(float(LOCKSTEP_MIN), lam + LOCKSTEP_Z * math.sqrt(lam) + 1.0)
    out[np.flatnonzero(tapper)[near >= need]] = True
    return out


def bot_commenters(t: AccountTable) -> np.ndarray:
    """Accounts whose every comment the scorer called bot (surely bought)."""
    return (t.bot_comments > 0) & (t.comments == 0)


def account_flags(t: AccountTable) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-account evidence flags.

    Args:
        t: The accounts.

    Returns:
        ``(known_bought, strong, interacting, like_rate)``: bought for sure (bot comments
        only, likes faster than a human taps, or lockstep tapping), commented or gifted,
        commented/liked/gifted/followed (not bought), and likes per second over the
        account's like span.
    """
    span = np.nan_to_num(t.like_last - t.like_first, nan=0.0) + LIKE_SPAN_SLACK_S
    rate = t.likes / span
    machine = (t.likes >= MIN_MACHINE_LIKES) & (rate > HUMAN_MAX_LIKE_RATE)
    machine |= lockstep_tappers(t, rate)
    known = bot_commenters(t) | machine
    strong = ((t.comments > 0) | (t.gifts > 0)) & ~known
    interacting = (strong | (t.likes > 0) | (t.follows > 0)) & ~known
    return known, strong, interacting, rate


@dataclass
class EntryBins:
    """Accounts binned by first enter (only bins holding accounts), and the burst fit.

    Attributes:
        keys: Bin index (entry second // BIN_S), ascending.
        n: Accounts per bin.
        known: Surely bought accounts per bin.
        k: Interacting (not surely bought) accounts per bin.
        ks: Commenting or gifting accounts per bin.
        window_k: Interacting accounts in the neighbour bins.
        expected: Genuine entrants the neighbours' interacting entrants explain.
        burst: Bins with more entrants than explained by far.
        q: Interaction share of entrants in non-burst bins.
        qs: Comment-or-gift share of entrants in non-burst bins.
        f: Weak share (likes or follows only) of the bought accounts in bursts and drips
            (bots acting to look real; :func:`~botcomments.quantify.mixture.fit_bot_shares`).
        run: Per bin, the drip it belongs to (:mod:`botcomments.quantify.drips`), -1 for
            none; a drip's bins are also ``burst`` bins, fitted together.
        marks: Per bin, the weak and idle entrants carrying the room's genuine marker and
            those known not to (:meth:`set_marks`; None: no marker).
        a: Share of the bought accounts in bursts and drips carrying the marker.
        flagged: Surely bought commenters per bin (None: not counted).
        miss_rate: The scorer's share of bot comments called genuine
            (:func:`missed_bot_commenters`).
        marker_drips: Drips found by the genuine marker (:meth:`add_drips`; the last ones).
        marker_edges: Minutes added to bursts by the genuine marker (:meth:`add_burst_edges`).
    """

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
    f: float = 0.0
    run: np.ndarray | None = None
    marks: MarkedCounts | None = None
    a: float = 0.0
    flagged: np.ndarray | None = None
    miss_rate: float = 0.0
    marker_drips: int = 0
    marker_edges: int = 0

    @property
    def free(self) -> np.ndarray:
        """Accounts per bin that are not surely bought."""
        return (self.n - self.known).astype(float)

    @property
    def runs(self) -> np.ndarray:
        """Per bin, its drip (-1 none)."""
        return self.run if self.run is not None else np.full(len(self.keys), -1)

    @property
    def n_drips(self) -> int:
        """Drip ids in use (:attr:`groups` numbers the bursts after them)."""
        run = self.runs
        return int(run.max()) + 1 if (run >= 0).any() else 0

    @property
    def groups(self) -> np.ndarray:
        """Per bin, its group (-1 outside bursts): each drip is one group (ids below
        :attr:`n_drips`), and so is each stretch of adjacent burst bins (one package
        delivered over a few minutes: fitted on its pooled counts)."""
        g = np.full(len(self.keys), -1)
        run = self.runs
        g[run >= 0] = run[run >= 0]
        lone = np.flatnonzero(self.burst & (run < 0))
        if len(lone):
            starts = np.concatenate([[True], (np.diff(lone) > 1)
                                     | (np.diff(self.keys[lone]) > 1)])
            g[lone] = self.n_drips + np.cumsum(starts) - 1
        return g

    def group_counts(self, k: np.ndarray | None = None, ks: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Strong, weak and idle entrants per burst group.

        Args:
            k: Interacting accounts per bin (default: observed); rows for replicates.
            ks: Strong accounts per bin, like ``k``.

        Returns:
            ``(onehot, strong, weak, idle)``: the ``(bins, groups)`` membership matrix and
            the counts per group (rows for replicates).
        """
        k = self.k if k is None else k
        ks = self.ks if ks is None else ks
        group = self.groups
        member = group >= 0
        onehot = np.zeros((len(group), int(group.max()) + 1 if member.any() else 0))
        onehot[np.flatnonzero(member), group[member]] = 1.0
        strong = np.minimum(ks, k)
        return (onehot, strong @ onehot, (k - strong) @ onehot,
                np.maximum(self.free - k, 0.0) @ onehot)

    def group_marks(self, onehot: np.ndarray, weak: np.ndarray, idle: np.ndarray
                    ) -> MarkedCounts | None:
        """The marker split of each group's weak and idle entrants (None without marks).

        Args:
            onehot: The ``(bins, groups)`` membership matrix.
            weak, idle: Weak and idle entrants per group (rows for replicates): replicate
                counts are split at the group's observed marked shares.

        Returns:
            The counts per group.
        """
        if self.marks is None:
            return None
        m = self.marks
        _, _, weak_seen, idle_seen = self.group_counts()
        w = weak / np.maximum(weak_seen, 1e-9)
        i = idle / np.maximum(idle_seen, 1e-9)
        return MarkedCounts((m.weak_marked @ onehot) * w, (m.weak_unmarked @ onehot) * w,
                            (m.idle_marked @ onehot) * i, (m.idle_unmarked @ onehot) * i,
                            m.share)

    def fit_bot_shares(self) -> None:
        """Fit the bought accounts' weak and marker shares on the groups
        (:func:`~botcomments.quantify.mixture.fit_bot_shares`)."""
        onehot, strong, weak, idle = self.group_counts()
        self.f, self.a = fit_bot_shares(strong, weak, idle, self.qs, self.q,
                                        self.group_marks(onehot, weak, idle))

    def set_marks(self, marks: MarkedCounts) -> None:
        """Split the weak and idle entrants by the genuine marker and refit the bought
        accounts' weak and marker shares.

        Args:
            marks: Per bin, the marked and unmarked weak and idle entrants, and the
                genuine marker share.
        """
        self.marks = marks
        self.fit_bot_shares()

    def count_missed(self, where: np.ndarray) -> None:
        """Count bought, in the given bins, the commenters the scorer likely missed
        (:func:`missed_bot_commenters`; nothing without :attr:`flagged`)."""
        if self.flagged is None or self.miss_rate <= 0:
            return
        missed = np.where(where, missed_bot_commenters(
            self.flagged, np.minimum(self.ks, self.k), self.miss_rate), 0.0)
        self.known, self.k, self.ks = self.known + missed, self.k - missed, self.ks - missed

    def add_drips(self, run: np.ndarray) -> bool:
        """Add drips found outside the bursts and drips
        (:func:`~botcomments.quantify.marker.marker_drips`): their likely
        missed bot commenters are counted and the interaction shares re-estimated on the
        bins left outside (the bought accounts' shares are then stale: refit them with
        :meth:`fit_bot_shares` or :meth:`set_marks`).

        Args:
            run: Per bin, its new drip (-1 none).

        Returns:
            Whether any drip was added.
        """
        new = (run >= 0) & ~self.burst
        if not new.any():
            return False
        first = self.n_drips
        ids = np.unique(run[new], return_inverse=True)[1]
        self.run = self.runs.copy()
        self.run[new] = first + ids
        self.marker_drips += int(ids.max()) + 1
        self._extend(new)
        return True

    def add_burst_edges(self, edge: np.ndarray) -> bool:
        """Add minutes next to bursts to them (:func:`~botcomments.quantify.marker.marker_edges`:
        each joins its neighbour's group), as :meth:`add_drips` does.

        Args:
            edge: Per bin, whether it joins a burst.

        Returns:
            Whether any bin was added.
        """
        new = edge & ~self.burst
        if not new.any():
            return False
        self.marker_edges += int(new.sum())
        self._extend(new)
        return True

    def _extend(self, new: np.ndarray) -> None:
        """Bins joining the bursts and drips: their likely missed bot commenters are
        counted and the interaction shares re-estimated on the bins left outside."""
        self.burst = self.burst | new
        self.count_missed(new)
        self.q, self.qs = interaction_shares(self.free, self.k, self.ks, ~self.burst)

    def bought_in_groups(self) -> float:
        """Accounts the burst and drip mixtures count bought."""
        return float((self.free - self.genuine())[self.burst].sum())

    def genuine(self, k: np.ndarray | None = None, q: float | np.ndarray | None = None,
                ks: np.ndarray | None = None, qs: float | np.ndarray | None = None
                ) -> np.ndarray:
        """Genuine entrants per bin: all of a normal bin's; in a burst group (a burst bin or
        a drip), the group's maximum-likelihood genuine fraction
        (:func:`~botcomments.quantify.mixture.genuine_fraction`) of each bin's entrants.

        Args:
            k: Interacting accounts per bin (default: observed); rows for replicates.
            q: Interaction share(s) of genuine entrants (default: fitted), per row.
            ks: Strong (commenting or gifting) accounts per bin, like ``k``.
            qs: Strong share(s) of genuine entrants, like ``q``.

        Returns:
            Genuine entrants per bin (same shape as ``k``).
        """
        onehot, strong, weak, idle = self.group_counts(k, ks)
        free = np.broadcast_to(self.free, np.shape(self.k if k is None else k))
        if not onehot.shape[1]:
            return free.astype(float)
        qs = self.qs if qs is None else qs
        q = self.q if q is None else q
        marks = self.group_marks(onehot, weak, idle)
        pi = genuine_fraction(strong, weak, idle, qs, q, self.f, marks, self.a)
        lone = np.arange(onehot.shape[1]) >= self.n_drips  # drips passed their own test
        plain = lone & genuine_looking(strong, weak, idle, qs, q, marks)
        pi = np.where(plain, 1.0, pi)
        return np.where(self.groups >= 0, (pi @ onehot.T) * self.free, free)


def _neighbour_rate(keys: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Interacting entrants per bin in the neighbour bins (self excluded), and their sum."""
    cum = np.concatenate([[0], np.cumsum(k)])
    lo = np.searchsorted(keys, keys - NEIGHBOUR_BINS, "left")
    hi = np.searchsorted(keys, keys + NEIGHBOUR_BINS, "right")
    total = cum[hi] - cum[lo] - k
    first, last = keys[0], keys[-1]
    length = np.minimum(keys + NEIGHBOUR_BINS, last) - np.maximum(keys - NEIGHBOUR_BINS, first)
    rate = np.where(length > 0, (total + NEIGHBOUR_PRIOR) / np.maximum(length, 1), k)
    return rate.astype(float), np.where(length > 0, total, k)


def entrant_categories(
    inv: np.ndarray, m: int, known: np.ndarray, strong: np.ndarray, interacting: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Entrants per bin by what they do: strong (commented or gifted), weak (only liked
    or followed), idle.

    Levels are not a category here (with levels as a category, while the mixture could
    not see them, the level feed made the estimate worse: viewer MAE 0.062 vs 0.066,
    seeds 200000+). Levels confirm drips
    (:func:`~botcomments.quantify.drips.level_confirmed_runs`), find drips of their own
    once the room's marker is known (:func:`~botcomments.quantify.marker.marker_drips`),
    split the mixtures' cells
    (:meth:`EntryBins.set_marks`) and are compared on the idle accounts outside bursts and
    drips (:func:`~botcomments.quantify.marker.fit_idle_marker`).

    Args:
        inv: Bin of each timed account.
        m: Bins.
        known: Surely bought accounts (left out).
        strong, interacting: Flags per account (see :func:`account_flags`).

    Returns:
        ``(counts, marked)``: ``(m, 3)`` counts and the ``(3,)`` categories that mark a
        genuine entrant (all but idle).
    """
    idle = ~interacting & ~known
    cols = [strong, interacting & ~strong, idle]
    counts = np.stack([np.bincount(inv, weights=c, minlength=m) for c in cols], axis=1)
    return counts, np.arange(len(cols)) < len(cols) - 1


def settle_bursts(step: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]], m: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Iterate the burst-and-drip search from no bursts until its bins stop changing.

    Each step re-estimates the interaction shares on the bins left outside and searches
    again; flagging bins raises or lowers the baseline, so the sets can cycle instead of
    settling (115 of 2,500 simulated rooms; the estimate moved by over 0.005 in 39: e.g. a
    drip over most of a session measured against a few commenter-heavy minutes, then
    bursts measured against the rest). A cycle ends at its state with the fewest burst
    and drip bins: the benefit of the doubt, as elsewhere; the caller then estimates the
    shares on that state (before, the last step's shares were kept with the next step's
    bins, and a clean room read 0.51 genuine). Rooms alone, 500
    per seed range, viewer MAE (this change alone): 0.0496 -> 0.0485 (100000+), 0.0518 ->
    0.0519 (dev), 0.0497 -> 0.0498, 0.0498 -> 0.0501; calibration rooms 0.0401 -> 0.0405
    (docs/engagement.md).

    Args:
        step: From the current burst bins, the next ones and their drip ids per bin.
        m: Bins.

    Returns:
        ``(burst, run)``: burst-or-drip flag and drip id (-1 none) per bin.
    """
    burst, run = np.zeros(m, dtype=bool), np.full(m, -1)
    seen: list[tuple[np.ndarray, np.ndarray]] = []
    for _ in range(MAX_BURST_ROUNDS):
        new, new_run = step(burst)
        if np.array_equal(new, burst):
            return new, new_run
        for i, (old, _) in enumerate(seen):
            if np.array_equal(old, new):
                return min(seen[i:], key=lambda state: int(state[0].sum()))
        seen.append((new, new_run))
        burst, run = new, new_run
    return burst, run


def fit_entry_bins(
    when: np.ndarray, known: np.ndarray, strong: np.ndarray, interacting: np.ndarray,
    levels: np.ndarray | None = None, flagged_commenters: np.ndarray | None = None,
    miss_rate: float = 0.0,
) -> EntryBins:
    """Bin timed accounts by entry and find the bought-entry bursts and drips.

    Args:
        when: Entry time per timed account.
        known, strong, interacting: Flags per timed account (see :func:`account_flags`).
        levels: Platform level per timed account (-1 unknown) when the feed carries levels
            (:func:`has_level_feed`): drips are then kept only where their idle entrants'
            levels are lower than the other idle entrants'
            (:func:`~botcomments.quantify.drips.level_confirmed_runs`).
        flagged_commenters: Per timed account, surely bought for its bot comments
            (:func:`bot_commenters`).
        miss_rate: Share of bot comments the scorer calls genuine: in bursts and drips,
            ``miss_rate / (1 - miss_rate)`` commenters per bot commenter are bought
            accounts whose comments were missed (:func:`missed_bot_commenters`).

    Returns:
        The bins with expected genuine entrants, burst and drip flags, the interaction
        shares and the bought accounts' weak share.
    """
    keys, inv = np.unique(np.floor(when / BIN_S).astype(np.int64), return_inverse=True)
    m = len(keys)
    n = np.bincount(inv, minlength=m)
    kn = np.bincount(inv, weights=known, minlength=m)
    k = np.bincount(inv, weights=interacting, minlength=m)
    ks = np.bincount(inv, weights=strong, minlength=m)
    counts, marked = entrant_categories(inv, m, known, strong, interacting)
    rate, window_k = _neighbour_rate(keys, k)
    free = (n - kn).astype(float)
    idle_levels = None if levels is None else np.where(~interacting & ~known, levels, -1)

    def expected(burst: np.ndarray) -> tuple[np.ndarray, float, float]:
        q, qs = interaction_shares(free, k, ks, ~burst)
        e = rate / q
        if qs > 0:
            e = np.maximum(e, np.maximum(ks - 2.0 * np.sqrt(ks), 0.0) / qs)
        return e, q, qs

    def step(burst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        e = expected(burst)[0]
        new = free > e + BURST_Z * np.sqrt(e + e**2 / (window_k + 1.0)) + 2.0
        run = low_share_runs(counts, marked, ~new)
        if idle_levels is not None:
            run = level_confirmed_runs(run, inv, idle_levels, ~new & (run < 0))
        return new | (run >= 0), run

    burst, run = settle_bursts(step, m)
    e, q, qs = expected(burst)
    bins = EntryBins(keys, n, kn, k, ks, window_k.astype(float), e, burst, q, qs, 0.0, run,
                     miss_rate=miss_rate)
    if flagged_commenters is not None:
        bins.flagged = np.bincount(inv, weights=flagged_commenters, minlength=m)
    bins.count_missed(burst)
    bins.fit_bot_shares()
    return bins


def interaction_shares(free: np.ndarray, k: np.ndarray, ks: np.ndarray, clean: np.ndarray
                       ) -> tuple[float, float]:
    """Interacting and strong shares of the entrants in the given bins.

    Args:
        free: Not surely bought entrants per bin.
        k, ks: Interacting and strong entrants per bin.
        clean: Bins outside bursts and drips.

    Returns:
        ``(q, qs)``; ``q`` at least 0.001.
    """
    denom = max(float(free[clean].sum()), 1.0)
    return max(float(k[clean].sum()) / denom, 1e-3), float(ks[clean].sum()) / denom


def missed_bot_commenters(flagged: np.ndarray, strong: np.ndarray, miss_rate: float
                          ) -> np.ndarray:
    """Bought commenters the scorer missed, expected per bin.

    Packages of viewers come with "interaction" comments; the scorer flags a bot comment
    with probability ``1 - miss_rate``, so each flagged bot commenter stands for
    ``miss_rate / (1 - miss_rate)`` whose comments passed as genuine (one comment each:
    bots posting more are missed less often, so this errs towards too many). They would
    otherwise count as the package's genuine commenters, each worth ``1 / qs`` genuine
    entrants in the mixture.

    Args:
        flagged: Surely bought commenters (every comment called bot) per bin.
        strong: Commenting or gifting (not surely bought) accounts per bin (the cap).
        miss_rate: The scorer's share of bot comments called genuine, in [0, 1).

    Returns:
        Expected missed bot commenters per bin, at most ``strong``.
    """
    rate = min(max(miss_rate, 0.0), 0.99)
    return np.minimum(flagged * rate / (1.0 - rate), strong)


@dataclass
class ViewerFit:
    """The genuine-viewer estimate of a room and what it rests on.

    Attributes:
        n: Accounts.
        genuine: Estimated genuine accounts.
        share: ``genuine / n``.
        sd: Bootstrap standard deviation of the share.
        idle_counted: Share of all accounts that are idle, outside bursts and counted
            genuine (the room's room for undetected slow drips).
        bins: The entry bins (None without timestamps).
        bought_p: Per account (table order), probability the account is bought.
        floor_applied: Whether the interaction-share floor capped the estimate.
        n_interacting: Accounts that interacted (not surely bought).
        idle_test: The genuine-marker comparison of the idle accounts (None when not made).
    """

    n: int
    genuine: float
    share: float
    sd: float
    idle_counted: float
    bins: EntryBins | None
    bought_p: np.ndarray
    floor_applied: bool
    n_interacting: int
    idle_test: IdleComparison | None = None


def fit_viewers(t: AccountTable, rng: np.random.Generator, miss_rate: float = 0.0,
                bootstrap: bool = True) -> ViewerFit:
    """Estimate a room's genuine viewers.

    Args:
        t: The room's accounts.
        rng: Random generator of the bootstrap.
        miss_rate: Share of bot comments the scorer calls genuine
            (:func:`missed_bot_commenters`).
        bootstrap: Whether to run the bootstrap (False: ``sd`` is NaN; for callers that
            need only the point estimate or the per-account probabilities, which the
            bootstrap does not change).

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
        return ViewerFit(n_all, genuine, share, MIN_SD, 0.0, None, bought_p, False, n_int)
    feed_levels = t.level[timed] if t.level is not None and has_level_feed(t, timed) else None
    bins = fit_entry_bins(when[timed], known[timed], strong[timed], interacting[timed],
                          feed_levels, bot_commenters(t)[timed], miss_rate)
    idx = np.searchsorted(bins.keys, np.floor(when[timed] / BIN_S).astype(np.int64))
    marker, cand, reference = fit_marker(t, bins, idx, timed, strong, interacting, known)
    g_bins = bins.genuine()
    untimed_free = float((~timed & ~known).sum())
    timed_share = g_bins.sum() / max(float(bins.free.sum()), 1.0)
    genuine = float(g_bins.sum()) + untimed_free * timed_share
    bought_marked = bought_marker_share(bins.a, bins.bought_in_groups())
    idle_test = (None if marker is None
                 else fit_idle_marker(cand, reference, marker, bought_marked))
    if idle_test is not None:
        genuine -= idle_test.bought
    floor_applied = n_int < INTERACTION_SHARE_FLOOR * genuine
    if floor_applied:
        genuine = n_int / INTERACTION_SHARE_FLOOR
    _account_p(bought_p, timed, idx, bins, g_bins, strong, interacting, known, marker)
    if idle_test is not None and marker is not None:
        spread_idle_bought(bought_p, cand, marker, idle_test.bought)
    if floor_applied:
        _floor_p(bought_p, interacting, known, genuine)
    sd = (float(np.std(_viewer_bootstrap(bins, untimed_free, n_all, rng))) if bootstrap
          else math.nan)
    clean = ~bins.burst
    idle = float((bins.free[clean] - bins.k[clean]).sum()) / max(n_all, 1)
    if idle_test is not None:
        sd = math.hypot(sd, idle_test.sd / max(n_all, 1))
        idle = max(idle - idle_test.bought / max(n_all, 1), 0.0)
    share = genuine / n_all if n_all else math.nan
    return ViewerFit(n_all, genuine, share, sd, idle, bins, bought_p, floor_applied, n_int,
                     idle_test)


def outside_sets(bins: EntryBins, idx: np.ndarray, timed: np.ndarray,
                 interacting: np.ndarray, known: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Idle and interacting accounts outside bursts and drips.

    Args:
        bins: The entry bins.
        idx: Entry bin of each timed account.
        timed: Accounts with a time.
        interacting, known: Flags per account (see :func:`account_flags`).

    Returns:
        ``(cand, reference)``: the idle comparison's candidates and its reference (bought
        accounts that like a little to look real enter with the bursts and drips).
    """
    outside = np.zeros(len(timed), dtype=bool)
    outside[timed] = ~bins.burst[idx]
    return outside & ~interacting & ~known, outside & interacting


def fit_marker(t: AccountTable, bins: EntryBins, idx: np.ndarray, timed: np.ndarray,
               strong: np.ndarray, interacting: np.ndarray, known: np.ndarray
               ) -> tuple[GenuineMarker | None, np.ndarray, np.ndarray]:
    """The room's genuine marker: the drips it finds join the bins' groups, so do the
    minutes next to bursts whose quiet entrants lack it (a package's thin first or last
    minute), and the groups' entrants are split by it (:meth:`EntryBins.set_marks`).

    Args:
        t: The room's accounts.
        bins: The entry bins (updated).
        idx: Entry bin of each timed account.
        timed: Accounts with a time.
        strong, interacting, known: Flags per account (see :func:`account_flags`).

    Returns:
        ``(marker, cand, reference)``: the marker (None: none, see :func:`genuine_marker`)
        and the idle and interacting accounts left outside bursts and drips.
    """
    def outside() -> tuple[GenuineMarker | None, np.ndarray, np.ndarray, np.ndarray]:
        cand, reference = outside_sets(bins, idx, timed, interacting, known)
        # quiet: idle or only liking or following (commenters are nearly all genuine)
        return (genuine_marker(t, reference, timed, cand), cand, reference,
                cand | (reference & ~strong))

    marker, cand, reference, quiet = outside()
    extended = False
    if marker is not None and bins.add_drips(
            marker_drips(bins.burst, idx, quiet, marker, timed)):
        extended = True
        marker, cand, reference, quiet = outside()
    if marker is not None:
        edges = marker_edges(bins.keys, bins.burst & (bins.runs < 0), bins.burst, idx, quiet,
                             marker, timed, reference_share(marker, reference)[0])
        if bins.add_burst_edges(edges):
            extended = True
            marker, cand, reference, quiet = outside()
    if marker is not None:
        bins.set_marks(group_marks(marker, reference, idx, len(bins.keys), timed, strong,
                                   interacting, known))
    elif extended:
        bins.fit_bot_shares()
    return marker, cand, reference


def _account_p(
    p: np.ndarray,
    timed: np.ndarray,
    idx: np.ndarray,
    bins: EntryBins,
    g_bins: np.ndarray,
    strong: np.ndarray,
    interacting: np.ndarray,
    known: np.ndarray,
    marker: GenuineMarker | None = None,
) -> None:
    """Per-account bought probability in burst bins: the bought part of a bin falls on its
    interacting accounts in the bots' interaction share, the rest on its idle accounts;
    with a genuine marker, on those without it in the odds of the bought and genuine
    accounts' marker shares (``bins.a``, the reference's share)."""
    m = len(bins.keys)
    weak_act = (interacting & ~strong)[timed]
    idle = (~interacting & ~known)[timed]
    bought = bins.free - g_bins
    n_act = np.bincount(idx, weights=weak_act, minlength=m)
    n_idle = np.bincount(idx, weights=idle, minlength=m)
    p_act = np.clip(bought * bins.f / np.maximum(n_act, 1.0), 0.0, 1.0)
    p_idle = np.clip((bought - p_act * n_act) / np.maximum(n_idle, 1.0), 0.0, 1.0)
    sub = p[timed]
    sub[weak_act] = p_act[idx][weak_act]
    sub[idle] = p_idle[idx][idle]
    if marker is not None and bins.marks is not None:
        sub = marker_posterior(sub, weak_act | idle, marker.marked[timed],
                                marker.known[timed], bins.a, bins.marks.share)
    p[timed] = sub


def _floor_p(p: np.ndarray, interacting: np.ndarray, known: np.ndarray, genuine: float) -> None:
    """Spread the interaction-floor's bought part over the idle accounts."""
    idle = ~interacting & ~known
    left = 1 - p[idle]
    extra = float(left.sum()) - (genuine - float(interacting.sum()))
    if idle.any() and extra > 0:
        p[idle] += left * min(extra / max(float(left.sum()), 1e-9), 1.0)


def _viewer_bootstrap(
    bins: EntryBins, untimed_free: float, n_all: int, rng: np.random.Generator
) -> np.ndarray:
    """Bootstrap replicates of the genuine share (bins resampled; q, qs and the strong and
    weak counts redrawn)."""
    m = len(bins.keys)
    free = bins.free
    clean = ~bins.burst
    k_clean = float(bins.k[clean].sum())
    ks_clean = float(bins.ks[clean].sum())
    n_clean = float(free[clean].sum())
    q_r = rng.beta(k_clean + 1.0, max(n_clean - k_clean, 0.0) + 1.0, size=N_BOOT)
    qs_r = q_r * rng.beta(ks_clean + 1.0, max(k_clean - ks_clean, 0.0) + 1.0, size=N_BOOT)
    ks_r = rng.poisson(np.broadcast_to(bins.ks, (N_BOOT, m))).astype(float)
    k_r = ks_r + rng.poisson(np.broadcast_to(np.maximum(bins.k - bins.ks, 0), (N_BOOT, m)))
    g_r = bins.genuine(k_r, q_r, ks_r, qs_r)
    w = rng.poisson(1.0, size=(N_BOOT, m)).astype(float)
    tot = (w * bins.n).sum(axis=1)
    free_tot = (w * free).sum(axis=1)
    g_tot = (w * g_r).sum(axis=1)
    k_tot = (w * bins.k).sum(axis=1)
    scale = n_all / np.maximum(tot + untimed_free, 1.0)
    genuine = (g_tot + untimed_free * g_tot / np.maximum(free_tot, 1.0)) * scale
    genuine = np.minimum(genuine, k_tot * scale / INTERACTION_SHARE_FLOOR)
    return genuine / max(n_all, 1)


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


def _anonymous_excess(s: RoomSeries) -> np.ndarray:
    """Per second, the anonymous likes beyond what the accounts liking in it can tap."""
    capacity = s.like_event_counts * float(EVENT_TAP_LIMIT)
    attributed = s.like_counts - s.anonymous_counts
    room = np.maximum(capacity - attributed, 0.0)
    return np.maximum(s.anonymous_counts - room, 0.0)


def fit_likes(
    t: AccountTable, s: RoomSeries, viewers: ViewerFit, rng: np.random.Generator
) -> LikeFit:
    """Estimate a room's genuine likes.

    Bought: the likes of bought accounts (weighted by their probability), the likes of
    other accounts beyond one person's taps per event, and anonymous likes beyond the
    tapping capacity of the accounts liking in the same second.

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
    excess = _anonymous_excess(s)
    p = viewers.bought_p
    fast = t.fast_likes * (1.0 - p)
    bought = min(float((t.likes * p).sum() + fast.sum() + excess.sum()), float(total))
    genuine = total - bought
    w = rng.poisson(1.0, size=(N_BOOT, len(t))).astype(float)
    p_r = np.clip(p[None, :] * rng.normal(1.0, 0.15, size=(N_BOOT, 1)), 0.0, 1.0)
    anon = float(total - t.likes.sum())
    b_r = (w * (t.likes * p_r + t.fast_likes * (1 - p_r))).sum(axis=1) + excess.sum()
    tot_r = (w * t.likes).sum(axis=1) + anon
    shares = 1.0 - np.minimum(b_r / np.maximum(tot_r, 1.0), 1.0)
    machine = float((t.likes * (p >= 1.0)).sum() + fast.sum() + excess.sum())
    return LikeFit(total, genuine, genuine / total, float(np.std(shares)), machine,
                   int((excess > 0).sum()))


def spreads(sd: float, idle_counted: float, share: float = 0.0) -> tuple[float, float]:
    """Scales of the error below and above the estimate: the bootstrap standard deviation
    (at least :data:`MIN_SD`); below also :data:`DRIP_SCALE` times the idle accounts
    counted genuine (undetected slow drips can only make the truth lower) and
    :data:`LEVEL_SCALE` times the share itself (errors at low shares are relative: a room
    read 0.2 genuine may be 0.05), above :data:`LEVEL_SCALE` times the bought share.

    Args:
        sd: Bootstrap standard deviation.
        idle_counted: Share of accounts idle outside bursts (0 for likes).
        share: The estimated share.

    Returns:
        ``(below, above)``.
    """
    sd = max(sd, MIN_SD)
    share = min(max(share, 0.0), 1.0) if math.isfinite(share) else 0.0
    return (math.hypot(sd, DRIP_SCALE * idle_counted, LEVEL_SCALE * share),
            math.hypot(sd, LEVEL_SCALE * (1.0 - share)))


def share_band(share: float) -> str:
    """Band of an estimated share: ``high`` (>= 0.9), ``mid`` (>= 0.6), ``low`` (>= 0.3)
    or ``lowest``."""
    if share >= 0.9:
        return "high"
    return "mid" if share >= 0.6 else "low" if share >= 0.3 else "lowest"


def viewer_regime(fit: ViewerFit) -> str:
    """Calibration regime of a viewer estimate, from observable quantities only: whether
    the level comparison was made, and the band of the estimate."""
    by_levels = fit.idle_test is not None and fit.idle_test.threshold is not None
    return f"{'levels' if by_levels else 'no_levels'}/{share_band(fit.share)}"


def like_regime(fit: LikeFit) -> str:
    """Calibration regime of a like estimate: the band of the estimate."""
    return share_band(fit.share)


def interval(share: float, sd: float, which: str, idle_counted: float = 0.0,
             regime: str = "all") -> tuple[float, float]:
    """Conformal-widened interval of a share.

    Args:
        share: Point estimate.
        sd: Bootstrap standard deviation.
        which: ``"viewers"`` or ``"likes"`` (selects the :data:`CONFORMAL` factors).
        idle_counted: Share of accounts idle outside bursts (widens below).
        regime: Calibration regime (:func:`viewer_regime`, :func:`like_regime`); a regime
            without factors of its own (too few calibration rooms) uses its band's (the
            part after ``/``), else the ``"all"`` factors.

    Returns:
        ``(lo, hi)`` within [0, 1]; (0, 1) when the share is NaN.
    """
    if not math.isfinite(share):
        return (0.0, 1.0)
    factors = CONFORMAL[which]
    band = regime.rsplit("/", 1)[-1]
    below, above = factors.get(regime) or factors.get(band) or factors["all"]
    s_below, s_above = spreads(sd, idle_counted, share)
    return (max(share - below * s_below, 0.0), min(share + above * s_above, 1.0))
