"""Per-room engagement accumulator (enters, likes, viewer counts, gifts, follows, comments).

:class:`RoomEngagement` collects a room's :class:`~botcomments.records.EngagementEvent`
records and its commenters' activity in bounded memory (one small record per account,
one entry per distinct second with likes or a viewer count: never an array over the
time span), then :meth:`RoomEngagement.estimate` turns them into a
:class:`~botcomments.quantify.bubble.BubbleEstimate`: estimated genuine viewers and
genuine likes with intervals, and the evidence behind them (docs/engagement.md).

Example:
    >>> from botcomments.records import EngagementEvent
    >>> room = RoomEngagement("r1")
    >>> room.add_event(EngagementEvent("enter", room_id="r1", ts=100.0, user_id="a"))
    >>> room.add_event(EngagementEvent("like", room_id="r1", ts=130.0, user_id="a", count=5))
    >>> room.add_comment("a", 160.0, is_bot=False)
    >>> room.n_events, room.estimate().n_viewers
    (2, 1)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from botcomments.quantify import bubble_evidence as ev
from botcomments.quantify.bubble import (
    EVENT_TAP_LIMIT,
    AccountTable,
    BubbleEstimate,
    RoomSeries,
    ViewerFit,
    fit_likes,
    fit_viewers,
    interval,
    like_regime,
    viewer_regime,
)
from botcomments.records import ENGAGEMENT_KINDS, VIEWER_COUNTER_KEY, EngagementEvent

_NO_TS = math.nan
AccountKey = tuple[str, str]
"""An account across a run's rooms: ``(platform, user_id)``."""
USER_LEVEL_KEY = "user_level"
"""``EngagementEvent.extra`` key of the account's platform level (a non-negative int: the
Bilibili wealth level, the Douyin pay grade; see docs/engagement.md). Readers put it on the
events that carry it; without it the estimate does without levels."""
MIN_ACCOUNTS = 30
"""Fewer accounts than this: the estimate is outside the calibrated range."""
SCORER_MISS_RATE: dict[str, float] = {"fused": 0.079, "rules": 0.515}
"""Share of bot comments the scorer calls genuine, by scoring mode: one minus the comment
recall measured on the real-background rooms of ``python benchmarks/real_rooms.py``
(fused 0.921, ``--no-model`` 0.485; README). A package's bought commenters whose comments
passed as genuine would count as its genuine commenters
(:func:`~botcomments.quantify.bubble.missed_bot_commenters`). Recall varies by campaign
style (docs/authenticity.md), so this is one figure for rooms that differ."""
LIKELY_BOUGHT_P = 0.5
"""Bought probability from which a room counts an account likely bought, a sign for the
run's other rooms (:func:`estimate_rooms`; 0.3-0.8 gave the same figures, seeds 200000+)."""
NOTES: dict[str, str] = {
    "priors": (
        "The genuine-audience norms (interaction share, commenters per viewer, tapping speed) "
        "are ranges from public descriptions, not measured on real rooms."
    ),
    "slow_drip": (
        "Idle bought accounts delivered slowly and evenly, at an interaction share still "
        "inside the norm, look like lurkers and are counted genuine."
    ),
    "shown_count": (
        "Viewers the platform adds to the shown count without account events cannot be "
        "counted; they show only as unexplained jumps of the shown count."
    ),
    "no_enters": "The feed has no enter events: the viewers are only the accounts that acted.",
    "floor": (
        "Fewer viewers interact than the platform-norm floor: the idle excess is counted "
        "bought, so the figure depends on that prior."
    ),
    "few_accounts": "Fewer than 30 accounts: outside the range the intervals were calibrated on.",
}
"""Note code -> English text (the report translates the codes)."""


@dataclass(slots=True)
class AccountActivity:
    """What one account did in the room (times in unix seconds, NaN when never).

    Attributes:
        first_enter: First enter event.
        n_enters: Enter events (re-entries count).
        first_ts: First timestamped activity of any kind (enter included).
        last_ts: Last timestamped activity of any kind.
        comments: Comments judged genuine by the scorer.
        bot_comments: Comments judged bot.
        like_events: Like events.
        likes: Likes in all (sum of counts).
        like_first: First like event.
        like_last: Last like event.
        gifts: Gift items.
        follows: Follow events.
        fast_likes: Likes beyond what one person taps in one event's batching window.
        level: The account's platform level (last one read), -1 when no event carried one.
    """

    first_enter: float = _NO_TS
    n_enters: int = 0
    first_ts: float = _NO_TS
    last_ts: float = _NO_TS
    comments: int = 0
    bot_comments: int = 0
    like_events: int = 0
    likes: int = 0
    like_first: float = _NO_TS
    like_last: float = _NO_TS
    gifts: int = 0
    follows: int = 0
    fast_likes: int = 0
    level: int = -1

    def seen(self, ts: float | None) -> None:
        """Extend the account's activity span with ``ts`` (None is ignored)."""
        if ts is None:
            return
        if not ts >= self.first_ts:  # also true while first_ts is NaN
            self.first_ts = ts
        if not ts <= self.last_ts:
            self.last_ts = ts


class RoomEngagement:
    """Bounded accumulator of one room's engagement events and commenter activity.

    Memory grows with the number of accounts and of distinct seconds carrying likes or a
    viewer count, never with the time span (a year-9999 timestamp is one more key).

    Args:
        room_id: The room.
        miss_rate: Share of bot comments the scorer that judged the comments calls
            genuine (default: the fused scorer's, :data:`SCORER_MISS_RATE`).
    """

    def __init__(self, room_id: str, miss_rate: float = SCORER_MISS_RATE["fused"]) -> None:
        self.room_id = room_id
        self.miss_rate = miss_rate
        self.platform: str | None = None
        """Platform of the room's first event (accounts are platform-specific ids)."""
        self.accounts: dict[str, AccountActivity] = {}
        self.likes_by_second: dict[int, int] = {}
        """Second -> likes from every event (accounts and anonymous)."""
        self.anonymous_likes = 0
        self.anonymous_by_second: dict[int, int] = {}
        """Second -> likes of events without an account."""
        self.like_events_by_second: dict[int, int] = {}
        """Second -> like events of accounts (each at most one person's taps)."""
        self.untimed_likes = 0
        self.viewer_counts: dict[int, int] = {}
        """Second -> last online viewer count shown in that second."""
        self.watched_max: int | None = None
        """Highest cumulative "watched so far" count shown (``VIEWER_COUNTER_KEY``)."""
        self.kind_counts: dict[str, int] = dict.fromkeys(ENGAGEMENT_KINDS, 0)
        self.n_comments = 0
        self._n_events = 0

    @property
    def n_events(self) -> int:
        """Engagement events added so far (comments not included)."""
        return self._n_events

    def _account(self, user_id: str) -> AccountActivity:
        acc = self.accounts.get(user_id)
        if acc is None:
            acc = self.accounts[user_id] = AccountActivity()
        return acc

    def add_event(self, event: EngagementEvent) -> None:
        """Add one engagement event of this room.

        Args:
            event: The event; its ``label`` is ignored (the estimate never reads labels).

        Raises:
            ValueError: If the event belongs to another room.
        """
        if event.room_id != self.room_id:
            raise ValueError(
                f"event of room {event.room_id!r} added to room {self.room_id!r}; "
                "keep one RoomEngagement per room"
            )
        self._n_events += 1
        self.kind_counts[event.kind] += 1
        if self.platform is None:
            self.platform = event.platform
        if event.kind == "viewers":
            if event.extra.get(VIEWER_COUNTER_KEY) == "watched":  # cumulative: not a curve
                self.watched_max = max(self.watched_max or 0, event.count)
            elif event.ts is not None:
                self.viewer_counts[int(event.ts)] = event.count
            return
        if event.kind == "like":
            self._add_likes(event)
        if event.user_id is None:
            return
        acc = self._account(event.user_id)
        acc.seen(event.ts)
        level = event.extra.get(USER_LEVEL_KEY) if event.extra else None
        if isinstance(level, int) and not isinstance(level, bool) and level >= 0:
            acc.level = level
        if event.kind == "enter":
            acc.n_enters += 1
            if event.ts is not None and not event.ts >= acc.first_enter:
                acc.first_enter = event.ts
        elif event.kind == "like":
            acc.like_events += 1
            acc.likes += event.count
            acc.fast_likes += max(event.count - EVENT_TAP_LIMIT, 0)
            if event.ts is not None:
                if not event.ts >= acc.like_first:
                    acc.like_first = event.ts
                if not event.ts <= acc.like_last:
                    acc.like_last = event.ts
        elif event.kind == "gift":
            acc.gifts += max(event.count, 1)
        elif event.kind == "follow":
            acc.follows += 1

    def _add_likes(self, event: EngagementEvent) -> None:
        if event.user_id is None:
            self.anonymous_likes += event.count
        if event.ts is None:
            self.untimed_likes += event.count
            return
        sec = int(event.ts)
        self.likes_by_second[sec] = self.likes_by_second.get(sec, 0) + event.count
        if event.user_id is None:
            self.anonymous_by_second[sec] = self.anonymous_by_second.get(sec, 0) + event.count
        else:
            self.like_events_by_second[sec] = self.like_events_by_second.get(sec, 0) + 1

    def add_comment(self, user_id: str | None, ts: float | None, is_bot: bool) -> None:
        """Add one comment of this room with the scorer's verdict.

        Args:
            user_id: The commenter (None for guests: counted, not tied to an account).
            ts: Unix seconds or None.
            is_bot: The scorer's verdict for the comment.
        """
        self.n_comments += 1
        if user_id is None:
            return
        acc = self._account(user_id)
        acc.seen(ts)
        if is_bot:
            acc.bot_comments += 1
        else:
            acc.comments += 1

    def account_keys(self) -> list[AccountKey]:
        """The room's accounts as run-wide keys ``(platform, user_id)``."""
        platform = self.platform or "unknown"
        return [(platform, user_id) for user_id in self.accounts]

    def account_table(self, bought_elsewhere: np.ndarray | None = None) -> AccountTable:
        """The accounts as parallel numpy arrays (one entry per account).

        Args:
            bought_elsewhere: Per account (in :attr:`accounts` order), whether another room
                of the run counted it likely bought (:func:`estimate_rooms`); None when the
                room is estimated alone.

        Returns:
            The table the estimate reads.
        """
        accs = list(self.accounts.values())

        def col(name: str, dtype: type) -> np.ndarray:
            return np.fromiter((getattr(a, name) for a in accs), dtype=dtype, count=len(accs))

        return AccountTable(
            first_enter=col("first_enter", float),
            n_enters=col("n_enters", np.int64),
            first_ts=col("first_ts", float),
            last_ts=col("last_ts", float),
            comments=col("comments", np.int64),
            bot_comments=col("bot_comments", np.int64),
            like_events=col("like_events", np.int64),
            likes=col("likes", np.int64),
            like_first=col("like_first", float),
            like_last=col("like_last", float),
            gifts=col("gifts", np.int64),
            follows=col("follows", np.int64),
            fast_likes=col("fast_likes", np.int64),
            level=col("level", np.int64),
            bought_elsewhere=(bought_elsewhere if bought_elsewhere is not None
                              and bought_elsewhere.any() else None),
        )

    def likely_bought(self) -> np.ndarray:
        """Per account (in :attr:`accounts` order), whether the room alone counts it likely
        bought (bought probability at least :data:`LIKELY_BOUGHT_P`)."""
        fit = fit_viewers(self.account_table(), np.random.default_rng(0), self.miss_rate,
                          bootstrap=False)
        return fit.bought_p >= LIKELY_BOUGHT_P

    def series(self) -> RoomSeries:
        """The per-second like totals and viewer-count snapshots, sorted by second."""
        like_sec = np.array(sorted(self.likes_by_second), dtype=np.int64)
        view_sec = np.array(sorted(self.viewer_counts), dtype=np.int64)
        secs = like_sec.tolist()
        return RoomSeries(
            like_seconds=like_sec,
            like_counts=np.array([self.likes_by_second[s] for s in secs], np.int64),
            anonymous_counts=np.array([self.anonymous_by_second.get(s, 0) for s in secs], np.int64),
            like_event_counts=np.array([self.like_events_by_second.get(s, 0) for s in secs],
                                       np.int64),
            viewer_seconds=view_sec,
            viewer_counts=np.array([self.viewer_counts[s] for s in view_sec.tolist()], np.int64),
            anonymous_likes=self.anonymous_likes,
            untimed_likes=self.untimed_likes,
            watched_max=self.watched_max,
        )

    def estimate(self, bought_elsewhere: np.ndarray | None = None) -> BubbleEstimate:
        """Estimate the room's genuine viewers and likes (call when the room is done).

        Args:
            bought_elsewhere: Per account (in :attr:`accounts` order), whether another room
                of the run counted it likely bought: such idle accounts then take part in
                the idle comparison (:func:`estimate_rooms`; docs/engagement.md, "Accounts
                shared across rooms"). None estimates the room alone.

        Returns:
            The estimate with intervals, evidence and notes.
        """
        return estimate_bubble(
            self.room_id,
            self.account_table(bought_elsewhere),
            self.series(),
            n_events=self._n_events,
            kind_counts=dict(self.kind_counts),
            n_comments=self.n_comments,
            miss_rate=self.miss_rate,
        )


def estimate_rooms(rooms: Sequence[RoomEngagement]) -> list[BubbleEstimate]:
    """Estimate a run's rooms together.

    Services selling viewers serve many rooms from one pool of accounts. Each room is
    first fitted alone; an account counted likely bought in one room
    (:meth:`RoomEngagement.likely_bought`: in a bought-entry burst or drip, with bot
    comments only, ...) is then a sign in every other room of the run where it sits idle:
    it joins the room's idle comparison (:class:`~botcomments.quantify.marker.IdleComparison`),
    which weighs it against how many of the room's own interacting accounts were so
    counted (genuine regulars caught in another room's burst are not taken for bought).
    Accounts are matched by platform and id.

    Args:
        rooms: The run's room accumulators.

    Returns:
        One estimate per room, in order (rooms of a run of one are estimated alone).
    """
    if len(rooms) < 2:
        return [room.estimate() for room in rooms]
    own = [room.likely_bought() for room in rooms]
    counts: Counter[AccountKey] = Counter()
    for room, flags in zip(rooms, own, strict=True):
        counts.update(key for key, flag in zip(room.account_keys(), flags.tolist(), strict=True)
                      if flag)
    out = []
    for room, flags in zip(rooms, own, strict=True):
        keys = room.account_keys()
        total = np.fromiter((counts.get(k, 0) for k in keys), dtype=np.int64, count=len(keys))
        out.append(room.estimate(total - flags > 0))
    return out


def _notes(fit: ViewerFit, kind_counts: dict[str, int], n_accounts: int) -> list[dict[str, str]]:
    codes = ["priors", "slow_drip", "shown_count"]
    if not kind_counts.get("enter"):
        codes.append("no_enters")
    if fit.floor_applied:
        codes.append("floor")
    if n_accounts < MIN_ACCOUNTS:
        codes.append("few_accounts")
    return [{"code": c, "text": NOTES[c]} for c in codes]


def estimate_bubble(
    room_id: str,
    table: AccountTable,
    series: RoomSeries,
    n_events: int,
    kind_counts: dict[str, int],
    n_comments: int = 0,
    seed: int = 0,
    miss_rate: float = 0.0,
) -> BubbleEstimate:
    """Estimate genuine viewers and likes of one room, with evidence and notes.

    Args:
        room_id: The room.
        table: Its accounts.
        series: Its per-second likes and shown counts.
        n_events: Engagement events read.
        kind_counts: Events per kind.
        n_comments: Comments read (for the record; commenters are in ``table``).
        seed: Seed of the bootstrap (the same input gives the same intervals).
        miss_rate: Share of bot comments the scorer calls genuine
            (:data:`SCORER_MISS_RATE`).

    Returns:
        The estimate.
    """
    rng = np.random.default_rng([seed, len(table), n_events, n_comments])
    vf = fit_viewers(table, rng, miss_rate)
    lf = fit_likes(table, series, vf, rng)
    v_regime, l_regime = viewer_regime(vf), like_regime(lf)
    v_ci = interval(vf.share, vf.sd, "viewers", vf.idle_counted, v_regime)
    l_ci = interval(lf.share, lf.sd, "likes", regime=l_regime)
    peak = int(series.viewer_counts.max()) if len(series.viewer_counts) else None
    evidence = [
        ev.viewer_jumps(table, series),
        # a cumulative counter counts everyone who came: the fairer match for every
        # account ever seen; an online peak is a lower bound of it
        ev.shown_vs_accounts(series.watched_max if series.watched_max is not None else peak,
                             vf.n),
        ev.entry_bursts(vf),
        ev.idle_entrants(table, vf.idle_test),
        ev.interaction_share(vf),
        ev.commenters_per_viewer(table),
        ev.machine_likes(lf),
        ev.like_history(series),
        ev.likes_per_commenter(table, lf.total),
    ]
    return BubbleEstimate(
        room_id=room_id,
        n_events=n_events,
        n_viewers=vf.n,
        genuine_viewers=vf.genuine,
        genuine_viewers_ci=(v_ci[0] * vf.n, v_ci[1] * vf.n),
        genuine_viewer_share=vf.share,
        genuine_viewer_share_ci=v_ci,
        genuine_viewer_share_sd=vf.sd,
        idle_counted_share=vf.idle_counted,
        n_likes=lf.total,
        genuine_likes=lf.genuine,
        genuine_likes_ci=(l_ci[0] * lf.total, l_ci[1] * lf.total),
        genuine_like_share=lf.share,
        genuine_like_share_ci=l_ci,
        genuine_like_share_sd=lf.sd,
        peak_shown_viewers=peak,
        peak_watched=series.watched_max,
        evidence=evidence,
        notes=_notes(vf, kind_counts, len(table)),
        in_range=len(table) >= MIN_ACCOUNTS and bool(kind_counts.get("enter")),
        viewer_regime=v_regime,
        like_regime=l_regime,
    )
