"""Turn a room's accumulated scores into its ``RoomReport`` via ``botcomments.quantify``.

The prevalence estimate itself (estimator choice, bootstrap over users, error-rate
correction) belongs to ``botcomments.quantify``; this module only feeds it the room's
arrays and the combiner's validation rates, and shapes the result for ``rooms.json``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from botcomments.quantify import ClassifierRates, estimate_authenticity
from botcomments.scoring.rooms import RoomAccumulator
from botcomments.scoring.types import RoomReport


def _timeline_rows(timeline: Any, t0: float) -> list[dict[str, Any]]:
    """Normalise quantify's per-minute timeline into ``{minute, n, genuine_share, ...}`` rows."""
    rows: list[dict[str, Any]] = []
    for row in timeline or []:
        d = dict(row) if isinstance(row, dict) else dict(vars(row))
        start = d.get("minute_start", d.get("t_start", d.get("start")))
        if "minute" not in d and start is not None:
            d["minute"] = int((float(start) - t0) // 60)
        d.setdefault("n", d.get("n_comments", 0))
        d.setdefault("genuine_share", d.get("authenticity_ratio", d.get("genuine_ratio")))
        rows.append({k: _plain(v) for k, v in d.items()})
    return rows


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def room_report(acc: RoomAccumulator, quantifier: ClassifierRates | None) -> RoomReport:
    """Estimate one room's authenticity and build its report.

    Args:
        acc: The room's accumulated scores.
        quantifier: Validation rates and room models (parsed once, with the combiner),
            or None.

    Returns:
        The room report.
    """
    scores, is_bot, users, ts = acc.arrays()
    auth = estimate_authenticity(scores, users=users, ts=ts, rates=quantifier, decisions=is_bot)
    finite = ts[np.isfinite(ts)]
    t0 = float(finite.min()) if len(finite) else 0.0
    return RoomReport(
        room_id=acc.room_id,
        n_comments=acc.n_comments,
        n_users=acc.n_users,
        authenticity_ratio=float(auth.authenticity_ratio),
        authenticity_ci=[float(x) for x in auth.authenticity_ci],
        genuine_user_ratio=float(auth.genuine_user_ratio),
        genuine_user_ci=[float(x) for x in auth.genuine_user_ci],
        n_flagged=int(is_bot.sum()),
        flag_counts=dict(acc.flag_counts),
        timeline=_timeline_rows(auth.timeline, t0),
        estimator=str(auth.estimator),
        calibration=auth.calibration,
        **acc.top_tables(),
    )
