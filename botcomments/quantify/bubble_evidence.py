"""The room engagement evidence items, each with its value, reference and reason.

Every item compares one figure of the room with a reference: the platform norm (a prior
range from public descriptions, not measured), the room's own history within the session,
or peer rooms of the same run (:func:`add_peer_evidence`). docs/engagement.md lists them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from botcomments.quantify.bubble import (
    COMMENTER_NORM,
    HUMAN_MAX_LIKE_RATE,
    INTERACTION_NORM,
    JUMP_MIN,
    AccountTable,
    BubbleEstimate,
    EvidenceItem,
    LikeFit,
    RoomSeries,
    ViewerFit,
    account_flags,
)
from botcomments.quantify.marker import LEVEL_Z, MARKER_DRIFT, IdleComparison

LIKE_HISTORY_FACTOR = 10.0
"""A minute whose likes exceed this many times the room's median like minute is outside
the room's own history."""
PEER_FACTOR = 10.0
"""Likes per viewer this many times the peer rooms' median are outside the peers."""
MIN_PEERS = 3


def viewer_jumps(t: AccountTable, s: RoomSeries) -> EvidenceItem:
    """Rises of the shown viewer count larger than the entries between two snapshots."""
    if len(s.viewer_seconds) < 2:
        return EvidenceItem("viewer_jumps", 0, None, False,
                            "Fewer than two viewer-count snapshots: no curve to judge.")
    enters = np.sort(t.first_enter[np.isfinite(t.first_enter)])
    sec = s.viewer_seconds.astype(float)
    entered = np.searchsorted(enters, sec[1:], "right") - np.searchsorted(enters, sec[:-1], "right")
    rise = np.diff(s.viewer_counts.astype(float))
    bad = rise > np.maximum(JUMP_MIN, 3.0 * entered + 3.0 * np.sqrt(entered + 1.0))
    n_bad = int(bad.sum())
    return EvidenceItem(
        "viewer_jumps", n_bad, float(entered[bad].sum()), n_bad > 0,
        f"{n_bad} rise(s) of the shown count, {int(rise[bad].sum())} viewers in all, with only "
        f"{int(entered[bad].sum())} accounts entering meanwhile: viewers added without entries "
        "(bought count or platform inflation; the feed cannot tell which).",
    )


def shown_vs_accounts(peak: int | None, n_viewers: int) -> EvidenceItem:
    """Peak shown count against every account ever seen in the room."""
    if peak is None or n_viewers == 0:
        return EvidenceItem("shown_vs_accounts", math.nan, 1.0, False,
                            "No viewer count or no accounts: nothing to compare.")
    ratio = peak / n_viewers
    return EvidenceItem(
        "shown_vs_accounts", ratio, 1.0, ratio > 1.2,
        f"The peak shown count is {ratio:.2f} times the accounts ever seen in the feed; above 1 "
        "the count holds viewers no event shows (cumulative counts, unseen guests or inflation).",
    )


def entry_bursts(fit: ViewerFit) -> EvidenceItem:
    """Entrants beyond what the room's acting entrants explain, in burst minutes and in
    drips (periods whose entrants act far less than the rest of the room's)."""
    b = fit.bins
    if b is None:
        return EvidenceItem("entry_bursts", 0, None, False, "No timed entries.")
    excess = float((b.free - b.genuine())[b.burst].sum())
    in_drip = b.runs >= 0
    n_drips = b.n_drips
    reason = (
        f"{int((b.burst & ~in_drip).sum())} minute(s) with more entering accounts than the "
        f"room's interacting entrants explain (share of entrants who interact elsewhere: "
        f"{b.q:.3f})"
    )
    if b.marker_edges:
        reason += (f", {b.marker_edges} of them next to one with quiet entrants lacking the "
                   "room's genuine marker far more often than its interactors")
    reason += ": packages of viewers delivered at once"
    if n_drips:
        by_acts = n_drips - b.marker_drips
        reason += (
            f"; {n_drips} period(s) over {int(in_drip.sum())} minute(s) whose entrants act far "
            "less often than the rest of the room's" if by_acts else
            f"; {n_drips} period(s) over {int(in_drip.sum())} minute(s)"
        )
        if b.marker_drips:
            reason += (f"{' or' if by_acts else ''} whose idle entrants carry the room's "
                       "genuine marker (a level at or above its threshold, or not counted "
                       "bought in another room) far less often than the rest of its idle "
                       "entrants" + (f" ({b.marker_drips} of them)" if by_acts else ""))
        reason += ": idle accounts delivered over a window"
    return EvidenceItem(
        "entry_bursts", excess, float(b.expected[b.burst].sum()), bool(b.burst.any()),
        reason + f". {excess:.0f} entrants in all beyond what acting entrants explain.",
    )


def idle_entrants(t: AccountTable, comparison: IdleComparison | None = None) -> EvidenceItem:
    """Entering accounts that never comment, like, gift, follow or act after entering; with
    account levels or the run's other rooms, also how many idle accounts the room's
    interactors explain (:class:`~botcomments.quantify.marker.IdleComparison`)."""
    entered = t.n_enters > 0
    acts = (t.comments + t.bot_comments + t.likes + t.gifts + t.follows) > 0
    stayed = np.nan_to_num(t.last_ts - t.first_enter, nan=0.0) > 0
    idle = entered & ~acts & ~stayed
    share = float(idle.sum() / max(int(entered.sum()), 1))
    dwell = np.nan_to_num(t.last_ts - t.first_enter, nan=0.0)[entered & acts]
    med = float(np.median(dwell)) if len(dwell) else math.nan
    limit = 1.0 - INTERACTION_NORM[0]
    reason = (f"{share:.1%} of entering accounts never act and never show up after entering "
              f"(dwell 0; accounts that act stay a median {med:.0f} s); above {limit:.0%} is "
              "more idle than the platform norm allows.")
    if comparison is not None:
        reason += " " + _marker_reason(comparison)
    return EvidenceItem("idle_entrants", share, limit,
                        share > limit or bool(comparison is not None and comparison.bought > 0),
                        reason)


def _marker_reason(c: IdleComparison) -> str:
    """The idle comparison in words: the marker, what it explains, what counts bought."""
    parts = []
    if c.threshold is not None:
        parts.append(f"at level {c.threshold} or above")
    if c.cross_room:
        parts.append("not counted bought in another room of the run")
    marker = " and ".join(parts)
    return (f"{c.ref_share:.0%} of the interacting accounts outside bursts are {marker}, so "
            f"the {c.n_high} idle accounts that are stand for {c.n_high / c.ref_share:.0f} "
            f"genuine idle accounts; of the {c.n_idle} idle accounts outside bursts, "
            f"{c.bought:.0f} of those that are not count bought (the benefit of the doubt: "
            f"none while the excess is within {LEVEL_Z:g} standard deviations of counting "
            f"noise and of a {MARKER_DRIFT:.0%} drift of the lurkers' share from the "
            "interactors', a larger excess shrunk towards that).")


def interaction_share(fit: ViewerFit) -> EvidenceItem:
    """Share of viewers who ever comment, like, gift or follow, against the norm."""
    share = fit.n_interacting / fit.n if fit.n else math.nan
    lo, hi = INTERACTION_NORM
    return EvidenceItem(
        "interaction_share", share, [lo, hi], bool(share < lo),
        f"{share:.1%} of viewers ever interact; the platform norm is {lo:.0%}-{hi:.0%} (a prior "
        "from public descriptions). Far below it the audience holds idle bought accounts.",
    )


def commenters_per_viewer(t: AccountTable) -> EvidenceItem:
    """Commenters (any verdict) per viewer, against the norm."""
    n = len(t)
    share = float(((t.comments + t.bot_comments) > 0).sum() / n) if n else math.nan
    lo, hi = COMMENTER_NORM
    return EvidenceItem(
        "commenters_per_viewer", share, [lo, hi], bool(share < lo or share > hi),
        f"{share:.1%} of viewers comment; the norm is {lo:.0%}-{hi:.0%}. Below it the viewers "
        "are padded, above it the chat is padded by accounts that do nothing else.",
    )


def machine_likes(likes: LikeFit) -> EvidenceItem:
    """Likes sent faster than the likers around them can tap."""
    share = likes.machine_likes / likes.total if likes.total else 0.0
    return EvidenceItem(
        "machine_likes", share, HUMAN_MAX_LIKE_RATE, share > 0,
        f"{share:.1%} of likes came faster than {HUMAN_MAX_LIKE_RATE:.0f} per second per liking "
        f"account ({likes.excess_seconds} second(s) beyond all likers' capacity): like bursts "
        "at machine rates.",
    )


def like_history(s: RoomSeries) -> EvidenceItem:
    """Share of likes in minutes far above the room's median like minute."""
    if not len(s.like_seconds):
        return EvidenceItem("like_history", 0.0, LIKE_HISTORY_FACTOR, False, "No timed likes.")
    _, inv = np.unique(s.like_seconds // 60, return_inverse=True)
    per_min = np.bincount(inv, weights=s.like_counts)
    med = float(np.median(per_min))
    out = per_min > LIKE_HISTORY_FACTOR * max(med, 1.0)
    share = float(per_min[out].sum() / per_min.sum())
    return EvidenceItem(
        "like_history", share, LIKE_HISTORY_FACTOR, share > 0.2,
        f"{share:.1%} of likes fell in {int(out.sum())} minute(s) with over "
        f"{LIKE_HISTORY_FACTOR:.0f} times the room's median minute ({med:.0f} likes).",
    )


def likes_per_commenter(t: AccountTable, total: int) -> EvidenceItem:
    """Likes per genuine-judged commenter (compared across rooms by add_peer_evidence)."""
    _, strong, _, _ = account_flags(t)
    n = int(strong.sum())
    value = total / n if n else math.nan
    return EvidenceItem(
        "likes_per_commenter", value, None, False,
        f"{value:.0f} likes per commenting or gifting account; judged against peer rooms "
        "when the run has enough of them.",
    )


def add_peer_evidence(estimates: Sequence[BubbleEstimate]) -> None:
    """Flag rooms whose likes per viewer lie far above the peer rooms' median (in place).

    Args:
        estimates: The rooms of one run; needs at least three rooms with likes.
    """
    per_viewer = [e.n_likes / e.n_viewers for e in estimates if e.n_viewers and e.n_likes]
    if len(per_viewer) < MIN_PEERS:
        return
    med = float(np.median(per_viewer))
    for e in estimates:
        if not e.n_viewers:
            continue
        value = e.n_likes / e.n_viewers
        flagged = value > PEER_FACTOR * med
        e.evidence.append(EvidenceItem(
            "likes_per_viewer_peers", value, med, flagged,
            f"{value:.1f} likes per viewer against a median of {med:.1f} in the "
            f"{len(per_viewer)} rooms of this run" + (
                f"; over {PEER_FACTOR:.0f} times the peers." if flagged else "."),
        ))
