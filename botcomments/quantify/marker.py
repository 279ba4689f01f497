"""The room's genuine marker: a sign genuine viewers carry about as often whether they act
or not, and bought accounts rarely.

With a level feed the marker is a platform level at or above the room's threshold
(accounts sold for viewers are mostly fresh; :func:`level_threshold`); when the room is
estimated with the other rooms of its run, not being counted likely bought in another
room (services serve many rooms from one pool of accounts); both when both are known
(:func:`genuine_marker`). The bubble estimate (:mod:`botcomments.quantify.bubble`) uses it
three ways: periods whose quiet entrants carry it far less often are drips
(:func:`marker_drips`); the burst and drip mixtures split their weak and idle entrants by
it (:func:`group_marks`, :class:`~botcomments.quantify.mixture.MarkedCounts`); and the
idle accounts outside bursts and drips are compared with the room's interacting accounts
(:func:`fit_idle_marker`). Everything is room-relative: the reference is the room's own
interacting accounts outside bursts and drips, no platform prior about levels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from botcomments.quantify.drips import BASELINE_DRIFT, low_share_runs, multinomial_cost
from botcomments.quantify.mixture import MarkedCounts

if TYPE_CHECKING:  # the table is built by the bubble estimate, which imports this module
    from botcomments.quantify.bubble import AccountTable


LEVEL_MIN_COVERAGE = 0.8
"""Smallest share of timed accounts with a known level for the level comparison."""
LEVEL_MIN_REFERENCE = 20
"""Fewest interacting accounts with a known level (the room's own reference)."""
LEVEL_REF_TARGET = 0.7
"""Share of the reference at or above the level threshold aimed at (a low threshold: the
comparison then rests on the low tail, where fresh bought accounts are, and a slight
shift of the genuine lurkers' levels moves few accounts across it)."""
LEVEL_REF_SHARE = (0.5, 0.97)
"""Range the reference's share at or above the level threshold must fall in."""
LEVEL_Z = 2.5
"""Standard deviations of the idle comparison's benefit of the doubt: an excess within
this many counts nothing, a larger one is shrunk by the non-negative garrote
(:func:`garrote`). Fitted with :data:`MARKER_DRIFT` on the calibration rooms
(``python benchmarks/idle_comparison_fit.py --knob doubt --rooms 100 --jobs 2``;
docs/engagement.md): pooled viewer MAE 0.0405 at 1.5, 0.0400 at 2, 0.0401 at 2.5,
0.0403 at 3; 2.5 keeps the clean rooms' MAE lowest (0.0202 vs 0.0221 at 2), and where
the two MAE differ by 0.0001 the clean rooms decide (the project's first failure was
genuine rooms read bought). The previous rule, the excess less 2 sd (soft
thresholding), read 0.0405 pooled."""
MARKER_DRIFT = 0.02
"""Relative difference between the genuine lurkers' and the interactors' marker share
(one standard deviation) that the idle comparison allows (:func:`fit_idle_marker`):
lurkers a little lower-level or newer than the room's interactors leave an excess that
grows with the room, and large clean rooms read bought on it. Fitted: of 0-0.15, 0.02
minimises viewer MAE on the calibration rooms (simulator seeds 0+, 500 rooms, and rooms
around the real commenters of the *train* corpus ``danmaku_live_2019``, 390 rooms; with
the :func:`garrote` at :data:`LEVEL_Z`: 0.0404 at 0 -> 0.0401 at 0.02 -> 0.0407 at 0.05
-> 0.0431 at 0.15; ``python benchmarks/idle_comparison_fit.py --knob drift --rooms 100
--jobs 2``; docs/engagement.md)."""
MARK_MIN_BOUGHT = 30.0
"""Fewest accounts the burst and drip mixtures must count bought for their bought marker
share to correct the idle comparison (:func:`fit_idle_marker`)."""
EDGE_Z = 3.0
"""Standard deviations by which the quiet entrants of a minute next to a burst must lack
the marker beyond the reference's share for the minute to join the burst
(:func:`marker_edges`; the same 3 as the burst and drip tests)."""
MARK_MAX_RATIO = 0.5
"""Bought marker share, as a fraction of the genuine one, from which the idle comparison
is not corrected for it (the correction at most doubles the excess). Beyond it the
accounts the groups count bought carry the marker nearly as often as the reference, and
scaling would mostly amplify the genuine lurkers' own shortfall against the interactors:
at 0.9, 25 real-anchored clean rooms (``benchmarks/engagement_real.py``) read viewer MAE
0.042 -> 0.056 (three rooms at a / s 0.71-0.86 scaled by 3.5-7); at 0.5, 0.042 as without
the correction. Simulator (rooms alone, dev): 0.0557 at 0.9, 0.0565 at 0.5 (before the
likers joined the marker drips, which took it to 0.0556)."""


def bought_marker_share(fitted: float, bought_in_groups: float) -> float:
    """The bought accounts' marker share the idle comparison may use.

    Args:
        fitted: The share the burst and drip mixtures fitted (``EntryBins.a``).
        bought_in_groups: Accounts those mixtures count bought.

    Returns:
        ``fitted`` when the groups hold at least :data:`MARK_MIN_BOUGHT` bought accounts,
        else 0 (unknown).
    """
    return fitted if bought_in_groups >= MARK_MIN_BOUGHT else 0.0


@dataclass
class IdleComparison:
    """Idle accounts outside bursts and drips against the room's interacting accounts, by
    a *genuine marker*: a sign genuine viewers carry about as often whether they act or
    not, and bought accounts rarely. With a level feed: a platform level at or above a
    threshold (accounts sold for viewers are mostly fresh); when the room is estimated
    with others of its run: not being counted likely bought in another room (services
    serve many rooms from one pool of accounts, so an account bought in a burst there is
    a bought account here); both when both are known.

    The genuine idle accounts are estimated as ``marked idle / ref_share``; the excess over
    that, past :data:`LEVEL_Z` standard deviations and shrunk by the non-negative garrote
    (:func:`garrote`; the benefit of the doubt), is bought and falls on the idle accounts
    without the marker. This rests on genuine lurkers carrying the marker about as often
    as the room's interactors, within :data:`MARKER_DRIFT` (room-relative: no platform
    prior).

    Attributes:
        threshold: Level threshold of the marker (None: levels not used): about
            :data:`LEVEL_REF_TARGET` of the reference at or above it, or higher past the
            levels where the idle accounts crowd (:func:`raise_threshold`).
        cross_room: Whether the marker includes "not counted bought in another room".
        ref_share: Share of the reference (interacting accounts outside bursts and
            drips) carrying the marker.
        n_ref: Reference accounts (with a level, when levels are used).
        n_idle: Idle accounts outside bursts and drips (with a level, when used).
        n_high: Those carrying the marker.
        excess: Idle accounts beyond what ``n_high / ref_share`` explains (raw).
        sd: Standard deviation of ``excess`` (counts, the reference share and the
            lurkers' drift from it, :data:`MARKER_DRIFT`).
        bought: Idle accounts counted bought: the :func:`garrote` of ``excess`` at
            :data:`LEVEL_Z` × ``sd``, scaled to idle accounts without a level.
        bought_marked: Share of bought accounts carrying the marker, as the room's burst
            and drip mixtures found it (0: not known): ``excess`` and ``sd`` are then of
            the bought accounts, ``1 / (1 - bought_marked / ref_share)`` times the
            unmarked excess (bought accounts with the marker hide among the marked).
    """

    threshold: int | None
    cross_room: bool
    ref_share: float
    n_ref: int
    n_idle: int
    n_high: int
    excess: float
    sd: float
    bought: float
    bought_marked: float = 0.0


def has_level_feed(t: AccountTable, timed: np.ndarray) -> bool:
    """Whether the room's feed carries levels: on at least :data:`LEVEL_MIN_COVERAGE` of
    its timed accounts."""
    return (t.level is not None and bool(timed.any())
            and float((t.level[timed] >= 0).mean()) >= LEVEL_MIN_COVERAGE)


def level_threshold(t: AccountTable, interacting: np.ndarray, timed: np.ndarray,
                    idle: np.ndarray | None = None) -> int | None:
    """The room's level threshold, from its interacting accounts' levels.

    Args:
        t: The room's accounts.
        interacting: The reference: interacting, not surely bought accounts outside
            bursts and drips.
        timed: Accounts with a time.
        idle: The idle accounts compared with the reference (None: the threshold is not
            raised, :func:`raise_threshold`).

    Returns:
        The level with about :data:`LEVEL_REF_TARGET` of the interacting accounts at or
        above it, raised past the levels where the idle accounts crowd
        (:func:`raise_threshold`); None without enough levels
        (:data:`LEVEL_MIN_COVERAGE`, :data:`LEVEL_MIN_REFERENCE`, :data:`LEVEL_REF_SHARE`).
    """
    if t.level is None or not has_level_feed(t, timed):
        return None
    ref = t.level[interacting & (t.level >= 0)]
    if len(ref) < LEVEL_MIN_REFERENCE:
        return None
    values = np.unique(ref[ref >= 1])
    if not len(values):
        return None
    shares = np.array([(ref >= v).mean() for v in values.tolist()])
    best = int(np.argmin(np.abs(shares - LEVEL_REF_TARGET)))
    if not LEVEL_REF_SHARE[0] <= float(shares[best]) <= LEVEL_REF_SHARE[1]:
        return None
    threshold = int(values[best])
    if idle is None:
        return threshold
    return raise_threshold(ref, t.level[idle & (t.level >= 0)], threshold)


def raise_threshold(ref_levels: np.ndarray, idle_levels: np.ndarray, threshold: int) -> int:
    """Raise the level threshold past the levels where the idle accounts crowd.

    Fresh bought accounts sit at the lowest levels; where the genuine audience's levels
    are low too, a threshold set on the reference alone falls among the bought accounts'
    levels and counts them as marked (dev seeds: 63 of 165 ``enter_idle`` rooms with levels
    had it at or below the bought accounts' top level). Per level at or above the
    threshold, the idle and reference accounts split binomially; at and above the right
    threshold in one common proportion (genuine lurkers carry levels as the interactors
    do), below it freely. The threshold chosen maximises that log-likelihood less
    :func:`level_penalty` per level freed (a change point chosen by the Bayesian
    information criterion), keeping at least :data:`LEVEL_MIN_REFERENCE` reference
    accounts at or above it. Each level's counts are weighted down so that the
    idle-to-reference ratio may drift by :data:`~botcomments.quantify.drips.BASELINE_DRIFT`
    between levels unpenalised (lurkers a little lower-level than the interactors must not
    raise it in large rooms: without the weights three of 25 real-anchored clean rooms
    did). Room-relative: no platform prior about bought levels.

    Args:
        ref_levels: Levels of the reference accounts.
        idle_levels: Levels of the idle accounts compared with them.
        threshold: The threshold from the reference alone (:func:`level_threshold`).

    Returns:
        The threshold, at least ``threshold``.
    """
    if not len(idle_levels) or not len(ref_levels):
        return threshold
    top = int(max(ref_levels.max(), idle_levels.max())) + 1
    ref = np.bincount(ref_levels, minlength=top)[threshold:].astype(float)
    idle = np.bincount(idle_levels, minlength=top)[threshold:].astype(float)
    n = int((np.cumsum(ref[::-1])[::-1] >= LEVEL_MIN_REFERENCE).sum())  # a prefix
    if n < 2:
        return threshold
    # effective counts: the variance of log(idle / ref) per level gains BASELINE_DRIFT^2
    spread = 1.0 / np.maximum(idle, 0.5) + 1.0 / np.maximum(ref, 0.5)
    counts = np.stack([idle, ref], axis=1) * (spread / (spread + BASELINE_DRIFT**2))[:, None]
    free = np.concatenate([[0.0], np.cumsum(-multinomial_cost(counts))])[:n]
    pooled = -multinomial_cost(np.cumsum(counts[::-1], axis=0)[::-1][:n])
    penalty = level_penalty(int(idle.sum() + ref.sum()))
    return threshold + int(np.argmax(free + pooled - penalty * np.arange(n)))


def level_penalty(n_accounts: int) -> float:
    """Log-likelihood a level freed by :func:`raise_threshold` must gain: the Bayesian
    information criterion's ``ln(n) / 2`` per free parameter (each level freed adds one
    proportion), ``n`` the idle and reference accounts compared. It weighs evidence by
    the room's size: 2.3 for 100 accounts (about 2.1 standard deviations), 3.5 for
    1,000 (2.6), 4.6 for 10,000 (3.0). A fixed 3-sd penalty (4.5) let small rooms keep
    thresholds among fresh bought accounts' levels; on the simulator, rooms alone, viewer
    MAE 0.0499/0.0534/0.0501/0.0504 -> 0.0494/0.0518/0.0497/0.0496 (seeds
    100000+/200000+ dev/300000+/400000+), clean rooms read >= 0.95 genuine 93/95/92/93 ->
    93/95/92/94 %, and no threshold of the 25 real-anchored clean rooms moved. The cost:
    more thresholds raised on a chance crowding of one level by genuine lurkers (one of
    the ten constructed rooms of ``tests/quantify/test_level_mixture.py``: 0.70 read for
    0.778, mean error of the ten 0.027 -> 0.030).

    Args:
        n_accounts: Idle and reference accounts at or above the unraised threshold.

    Returns:
        The penalty per level freed (nats).
    """
    return 0.5 * math.log(max(n_accounts, 2))


@dataclass
class GenuineMarker:
    """Per account, whether it carries the room's genuine marker (see
    :class:`IdleComparison`).

    Attributes:
        marked: Carries the marker.
        known: Whether that is known (has a level, when levels are used).
        threshold: The level threshold (None: levels not used).
        cross_room: Whether "not counted bought in another room" is part of the marker.
    """

    marked: np.ndarray
    known: np.ndarray
    threshold: int | None
    cross_room: bool


def genuine_marker(t: AccountTable, reference: np.ndarray, timed: np.ndarray,
                   idle: np.ndarray | None = None) -> GenuineMarker | None:
    """The room's genuine marker.

    Args:
        t: The room's accounts.
        reference: Interacting, not surely bought accounts outside bursts and drips.
        timed: Accounts with a time.
        idle: The idle accounts outside bursts and drips (raise the level threshold,
            :func:`raise_threshold`; None: not raised).

    Returns:
        The marker; None when the room has neither a level feed (:func:`level_threshold`)
        nor an account counted bought in another room, or fewer than
        :data:`LEVEL_MIN_REFERENCE` reference accounts.
    """
    threshold = level_threshold(t, reference, timed, idle)
    cross_room = t.bought_elsewhere is not None
    if threshold is None and not cross_room:
        return None
    marked = np.ones(len(t), dtype=bool)
    known = np.ones(len(t), dtype=bool)
    if threshold is not None and t.level is not None:
        known = t.level >= 0
        marked &= t.level >= threshold
    if t.bought_elsewhere is not None:
        marked &= ~t.bought_elsewhere
    if int((reference & known).sum()) < LEVEL_MIN_REFERENCE:
        return None
    return GenuineMarker(marked, known, threshold, cross_room)


def reference_share(marker: GenuineMarker, reference: np.ndarray) -> tuple[float, int]:
    """Share of the reference accounts (with a known marker) carrying the genuine marker.

    Args:
        marker: The room's :func:`genuine_marker`.
        reference: Interacting, not surely bought accounts outside bursts and drips.

    Returns:
        ``(share, n_ref)``: the share (0 without reference) and the reference accounts.
    """
    ref = reference & marker.known
    n_ref = int(ref.sum())
    return (float(marker.marked[ref].mean()) if n_ref else 0.0), n_ref


def garrote(excess: float, threshold: float) -> float:
    """The non-negative garrote (Breiman 1995) of an excess at a threshold:
    ``excess * (1 - (threshold / excess)^2)`` above the threshold, else 0.

    Between soft thresholding (``excess - threshold``, which keeps every large excess
    ``threshold`` too low: thousands of accounts in a large bought room) and hard
    thresholding (all or nothing, which counts a chance excess just past the threshold
    whole); at twice the threshold it keeps 3/4 of the excess, at five times 96 %.

    Args:
        excess: The raw excess (accounts).
        threshold: The doubt (accounts, >= 0).

    Returns:
        The excess kept, in ``[0, excess]``.
    """
    if excess <= max(threshold, 0.0):
        return 0.0
    return excess * (1.0 - (threshold / excess) ** 2)


def fit_idle_marker(cand: np.ndarray, reference: np.ndarray, marker: GenuineMarker,
                    bought_marked: float = 0.0) -> IdleComparison | None:
    """Compare the idle accounts' genuine marker with the reference's.

    Args:
        cand: Idle accounts outside entry bursts and drips (counted genuine so far).
        reference: Interacting, not surely bought accounts outside bursts and drips.
        marker: The room's :func:`genuine_marker`.
        bought_marked: Share of the room's bought accounts carrying the marker (from its
            bursts and drips; 0: unknown). Ignored from :data:`MARK_MAX_RATIO` of the
            reference share up.

    Returns:
        The comparison; None when no reference account carries the marker.
    """
    share, n_ref = reference_share(marker, reference)
    if share <= 0.0:
        return None
    idle = cand & marker.known
    n_idle, n_high = int(idle.sum()), int((idle & marker.marked).sum())
    explained = n_high / share
    # a reference share of 1 (no interactor counted bought elsewhere) is still an estimate
    spread = max(1.0 - share, 0.5 / n_ref)
    var = (n_high * spread / share**2 + explained**2 * spread / (share * n_ref)
           + (MARKER_DRIFT * explained) ** 2)
    if bought_marked >= MARK_MAX_RATIO * share:
        bought_marked = 0.0
    # bought accounts carrying the marker pass as explained: n_idle - n_high / share
    # counts (1 - bought_marked / share) of each bought account
    scale = 1.0 / (1.0 - bought_marked / share)
    excess = (n_idle - explained) * scale
    sd = math.sqrt(max(var, 0.0)) * scale
    bought = min(garrote(excess, LEVEL_Z * sd), n_idle - n_high / scale)
    bought *= int(cand.sum()) / max(n_idle, 1)
    return IdleComparison(marker.threshold, marker.cross_room, share, n_ref, n_idle, n_high,
                          excess, sd, bought, bought_marked)


def marker_drips(burst: np.ndarray, idx: np.ndarray, quiet: np.ndarray,
                 marker: GenuineMarker, timed: np.ndarray) -> np.ndarray:
    """Drips found by the genuine marker: periods outside bursts and drips whose quiet
    entrants (idle, or only liking or following) carry it far less often than the rest of
    the room's (:func:`~botcomments.quantify.drips.low_share_runs` on the marked and
    unmarked quiet entrants). A genuine audience's lurkers and likers carry it about as
    often all session; bought accounts delivered over a window, and those of them that
    like a little to look real, mostly do not. Commenters are left out (nearly all
    genuine: they would only dilute a drip).

    Args:
        burst: Per entry bin, whether it is in a burst or drip already.
        idx: Entry bin of each timed account.
        quiet: Idle or weak (not surely bought) accounts outside bursts and drips.
        marker: The room's :func:`genuine_marker`.
        timed: Accounts with a time.

    Returns:
        Per bin, its drip (-1 none).
    """
    counts = np.stack(marked_counts(idx, len(burst), quiet, marker, timed), axis=1)
    return low_share_runs(counts, np.array([True, False]), ~burst)


def marked_counts(idx: np.ndarray, m: int, accounts: np.ndarray, marker: GenuineMarker,
                  timed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per entry bin, the given accounts carrying the genuine marker and those known not to.

    Args:
        idx: Entry bin of each timed account.
        m: Entry bins.
        accounts: The accounts to count.
        marker: The room's :func:`genuine_marker`.
        timed: Accounts with a time.

    Returns:
        ``(marked, unmarked)`` counts per bin.
    """
    known = (accounts & marker.known)[timed]
    marked = marker.marked[timed]
    return (np.bincount(idx, weights=known & marked, minlength=m).astype(float),
            np.bincount(idx, weights=known & ~marked, minlength=m).astype(float))


def group_marks(marker: GenuineMarker, reference: np.ndarray, idx: np.ndarray, m: int,
                timed: np.ndarray, strong: np.ndarray, interacting: np.ndarray,
                known: np.ndarray) -> MarkedCounts:
    """Per entry bin, the weak and idle entrants carrying the genuine marker and those known
    not to, for the burst and drip mixtures.

    Args:
        marker: The room's :func:`genuine_marker`.
        reference: Interacting, not surely bought accounts outside bursts and drips.
        idx: Entry bin of each timed account.
        m: Entry bins.
        timed: Accounts with a time.
        strong, interacting, known: Flags per account (see
            :func:`~botcomments.quantify.bubble.account_flags`).

    Returns:
        The counts per bin, with the reference's marker share (kept off 0 and 1 by half
        an account: the share is an estimate).
    """
    share, n_ref = reference_share(marker, reference)
    margin = 0.5 / max(n_ref, 1)
    weak = marked_counts(idx, m, interacting & ~strong & ~known, marker, timed)
    idle = marked_counts(idx, m, ~interacting & ~known, marker, timed)
    return MarkedCounts(*weak, *idle, min(max(share, margin), 1.0 - margin))


def spread_idle_bought(p: np.ndarray, cand: np.ndarray, marker: GenuineMarker,
                       bought: float) -> None:
    """Spread the idle comparison's ``bought`` accounts over the idle accounts without the
    genuine marker (and, in proportion, over idle accounts without a level)."""
    if bought <= 0:
        return
    low = cand & marker.known & ~marker.marked
    none = cand & ~marker.known
    frac = bought / max(int(cand.sum()), 1)
    p[none] = np.maximum(p[none], frac)
    rest = bought - frac * int(none.sum())
    p[low] = np.maximum(p[low], min(rest / max(int(low.sum()), 1), 1.0))


def marker_posterior(p: np.ndarray, which: np.ndarray, marked: np.ndarray,
                      known: np.ndarray, bought_share: float, genuine_share: float
                      ) -> np.ndarray:
    """Bought probabilities updated by each account's genuine marker (Bayes: the prior
    odds times the ratio of the bought and genuine accounts' marker shares).

    Args:
        p: Bought probability per account (the prior).
        which: Accounts to update (others are returned as they are).
        marked, known: The marker per account, and whether it is known.
        bought_share, genuine_share: Shares of bought and genuine accounts carrying it.

    Returns:
        The updated probabilities.
    """
    out = p.copy()
    for has, b, g in ((True, bought_share, genuine_share),
                      (False, 1.0 - bought_share, 1.0 - genuine_share)):
        sel = which & known & (marked == has)
        num = p[sel] * b
        out[sel] = num / np.maximum(num + (1.0 - p[sel]) * g, 1e-12)
    return out


def marker_edges(keys: np.ndarray, lone_burst: np.ndarray, burst: np.ndarray,
                 idx: np.ndarray, quiet: np.ndarray, marker: GenuineMarker,
                 timed: np.ndarray, share: float) -> np.ndarray:
    """Minutes next to a burst whose quiet entrants lack the marker far more often than the
    reference: the thin first or last minute of a package (its ramp), where too few
    accounts arrive to make the minute a burst by count.

    Args:
        keys: Entry bin keys (minutes), ascending.
        lone_burst: Burst bins outside drips.
        burst: Bins in bursts or drips.
        idx: Entry bin of each timed account.
        quiet: Idle or weak (not surely bought) accounts outside bursts and drips.
        marker: The room's :func:`genuine_marker`.
        timed: Accounts with a time.
        share: The reference's marker share (:func:`reference_share`).

    Returns:
        Per bin, whether it is such an edge (never a burst or drip bin).
    """
    m = len(keys)
    marked, unmarked = marked_counts(idx, m, quiet, marker, timed)
    n = marked + unmarked
    z = (unmarked - (1.0 - share) * n) / np.sqrt(np.maximum(n * share * (1.0 - share), 1e-9))
    beside = np.zeros(m, dtype=bool)
    for step in (-1, 1):
        src = np.flatnonzero(lone_burst)
        dst = src + step
        ok = (dst >= 0) & (dst < m)
        src, dst = src[ok], dst[ok]
        beside[dst[np.abs(keys[dst] - keys[src]) == 1]] = True
    return beside & ~burst & (n > 0) & (z > EDGE_Z)

