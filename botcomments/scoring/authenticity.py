"""Turn a room's accumulated scores into its ``RoomReport`` via ``botcomments.quantify``.

The prevalence estimate itself (estimator choice, bootstrap over users, error-rate
correction) belongs to ``botcomments.quantify``; this module only feeds it the room's
arrays and the combiner's validation rates, and shapes the result for ``rooms.json``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from botcomments.quantify import ClassifierRates, RoomAuthenticity, RoomsTable, estimate_rooms
from botcomments.scoring.rooms import RoomAccumulator, stacked_arrays
from botcomments.scoring.types import RoomReport


def room_report(acc: RoomAccumulator, quantifier: ClassifierRates | None) -> RoomReport:
    """Estimate one room's authenticity and build its report.

    Args:
        acc: The room's accumulated scores.
        quantifier: Validation rates and room models (parsed once, with the combiner),
            or None.

    Returns:
        The room report.
    """
    return room_reports([acc], quantifier)[0]


def room_reports(
    accs: Sequence[RoomAccumulator], quantifier: ClassifierRates | None
) -> list[RoomReport]:
    """:func:`room_report` of many rooms in one pass (:func:`estimate_rooms` of their
    stacked arrays).

    Args:
        accs: The rooms' accumulated scores.
        quantifier: As :func:`room_report`.

    Returns:
        One report per room, same order.
    """
    scores, is_bot, users, ts, starts = stacked_arrays(accs)
    estimates = estimate_rooms(
        RoomsTable(scores, is_bot, users, ts, starts, [acc.room_id for acc in accs]),
        rates=quantifier)
    room = np.repeat(np.arange(len(accs)), np.diff(starts))
    flagged = np.bincount(room, weights=is_bot, minlength=len(accs)).astype(np.int64).tolist()
    return [_report(acc, auth, n)
            for acc, auth, n in zip(accs, estimates, flagged, strict=True)]


def _report(acc: RoomAccumulator, auth: RoomAuthenticity, n_flagged: int) -> RoomReport:
    """A room's report from its estimate (whose per-minute rows it takes as they are:
    plain ``{minute, minute_start, n, bot_share_raw, genuine_share}`` dicts) and its
    accumulated tables."""
    return RoomReport(
        room_id=acc.room_id,
        n_comments=acc.n_comments,
        n_users=acc.n_users,
        authenticity_ratio=float(auth.authenticity_ratio),
        authenticity_ci=list(auth.authenticity_ci),  # Python floats (estimate_rooms)
        genuine_user_ratio=float(auth.genuine_user_ratio),
        genuine_user_ci=list(auth.genuine_user_ci),
        n_flagged=n_flagged,
        flag_counts=dict(acc.flag_counts),
        timeline=auth.timeline,
        estimator=str(auth.estimator),
        calibration=auth.calibration,
        **acc.top_tables(),
    )
