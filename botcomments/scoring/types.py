"""Fixed result types of the scorer: one verdict per comment, one report per room.

Example:
    >>> v = Verdict(bot_score=0.91, is_bot=True, flags=("near_duplicate",),
    ...             evidence={"near_duplicate": {"cluster_size": 40}})
    >>> v.to_dict()["flags"]
    ['near_duplicate']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from botcomments.detectors.base import FLAGS


@dataclass(frozen=True)
class Verdict:
    """The scorer's decision on one comment.

    Args:
        bot_score: Calibrated probability that the comment is bot-posted, in [0, 1].
        is_bot: ``bot_score >= threshold`` of the scorer that produced it.
        flags: Reasons from the fixed vocabulary ``FLAGS`` (at least one when ``is_bot``).
        evidence: Flag -> JSON-ready evidence (cluster id and size, skeleton, ...).
        text_score: The text model's bot probability alone (None without a model).

    Raises:
        ValueError: On a score outside [0, 1] or a flag outside ``FLAGS``.
    """

    bot_score: float
    is_bot: bool
    flags: tuple[str, ...] = ()
    evidence: dict[str, dict[str, Any]] = field(default_factory=dict)
    text_score: float | None = None

    def __post_init__(self) -> None:
        if not (0.0 <= self.bot_score <= 1.0) or math.isnan(self.bot_score):
            raise ValueError(f"bot_score {self.bot_score!r} must be a probability in [0, 1]")
        unknown = [f for f in self.flags if f not in FLAGS]
        if unknown:
            raise ValueError(f"unknown flags {unknown}; use names from {FLAGS}")

    def to_dict(self) -> dict[str, Any]:
        """Return the output fields of one ``comments.jsonl`` line (without input fields).

        Returns:
            ``{"bot_score", "is_bot", "flags", "evidence"[, "text_score"]}``.
        """
        out: dict[str, Any] = {
            "bot_score": round(float(self.bot_score), 6),
            "is_bot": bool(self.is_bot),
            "flags": list(self.flags),
            "evidence": self.evidence,
        }
        if self.text_score is not None:
            out["text_score"] = round(float(self.text_score), 6)
        return out


@dataclass
class RoomReport:
    """Per-room summary written to ``rooms.json``.

    Args:
        room_id: The room.
        n_comments: Accepted comments scored in the room.
        n_users: Distinct non-null user ids.
        authenticity_ratio: Estimated share of genuine comments.
        authenticity_ci: ``[low, high]`` interval of that share.
        genuine_user_ratio: Estimated share of genuine commenters.
        genuine_user_ci: ``[low, high]`` interval of that share.
        n_flagged: Comments with ``is_bot`` true (plain count, not the estimate).
        flag_counts: Flag name -> number of comments carrying it.
        timeline: Per-minute rows (``minute_start``, ``n``, ``genuine_share``, ...): a list
            of dicts or the compact :class:`~botcomments.quantify.timeline.MinuteRows`.
        top_clusters: Largest near-duplicate clusters with example lines.
        top_templates: Largest templates with their skeleton and example lines.
        top_account_groups: Largest lockstep / machine-posting account groups.
        estimator: Name of the prevalence estimator used.
        calibration: Whether the room model's calibration rooms cover this room
            ("in_range", "out_of_range": estimate fell back and the interval spans both
            readings, "unchecked", "none": no room model).
    """

    room_id: str
    n_comments: int
    n_users: int
    authenticity_ratio: float
    authenticity_ci: list[float]
    genuine_user_ratio: float
    genuine_user_ci: list[float]
    n_flagged: int = 0
    flag_counts: dict[str, int] = field(default_factory=dict)
    timeline: Sequence[dict[str, Any]] = field(default_factory=list)
    top_clusters: list[dict[str, Any]] = field(default_factory=list)
    top_templates: list[dict[str, Any]] = field(default_factory=list)
    top_account_groups: list[dict[str, Any]] = field(default_factory=list)
    estimator: str = ""
    calibration: str = "none"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready ``rooms.json`` entry.

        Returns:
            A dict with every field (the timeline as a list of dicts).
        """
        out = asdict(self)
        out["timeline"] = [dict(row) for row in self.timeline]
        return out


@dataclass
class ScoreResult:
    """What ``Scorer.score`` returns: verdicts in input order and one report per room.

    Args:
        verdicts: One verdict per input comment, same order.
        rooms: One report per room, in order of first appearance.
    """

    verdicts: list[Verdict]
    rooms: list[RoomReport]

    def room(self, room_id: str) -> RoomReport:
        """Return the report of one room.

        Args:
            room_id: The room id.

        Returns:
            Its report.

        Raises:
            KeyError: If the room was not scored.
        """
        for report in self.rooms:
            if report.room_id == room_id:
                return report
        raise KeyError(f"room {room_id!r} was not in the scored input")
