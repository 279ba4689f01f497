"""Engagement events of a scoring run: one accumulator per room that has events.

``botcomments score`` hands every event the reader finds (``open_comments(on_event=...)``)
to :meth:`RoomEvents.add_event` and every scored comment to :meth:`RoomEvents.add_scored`;
:meth:`RoomEvents.finish` returns each room's ``engagement`` block for ``rooms.json``.
Accumulators exist only for rooms with at least one event, so a chat-only run does no
extra work. Comments of a room scored before its first event was read (e.g. ``score
chat.jsonl events.jsonl``) are fed afterwards from the ``comments.jsonl`` just written,
so every comment of the room reaches its accumulator whatever the input order.

Example:
    >>> from botcomments.records import EngagementEvent
    >>> rooms = RoomEvents()
    >>> rooms.add_event(EngagementEvent("like", room_id="r1", ts=1714565703.0, count=3))
    >>> rooms.rooms
    ['r1']
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from botcomments.records import Comment, EngagementEvent
from botcomments.scoring.types import RoomReport, Verdict


class EngagementEstimate(Protocol):
    """What an accumulator's estimate offers: a JSON-ready dict."""

    def to_dict(self) -> dict[str, Any]:
        """The ``rooms.json`` ``engagement`` block."""
        ...


class EngagementAccumulator(Protocol):
    """One room's bounded accumulator (``quantify.engagement.RoomEngagement``)."""

    def add_event(self, event: EngagementEvent) -> None:
        """Add one engagement event of the room."""
        ...

    def add_comment(self, user_id: str | None, ts: float | None, is_bot: bool) -> None:
        """Add one scored comment of the room."""
        ...

    def estimate(self) -> EngagementEstimate:
        """The room's estimate, once the room is done."""
        ...


def _room_engagement(room_id: str, rules_only: bool = False) -> EngagementAccumulator:
    from botcomments.quantify.engagement import SCORER_MISS_RATE, RoomEngagement

    return RoomEngagement(room_id, SCORER_MISS_RATE["rules" if rules_only else "fused"])


class RoomEvents:
    """Per-room engagement accumulators, created at each room's first event.

    Args:
        factory: Builds a room's accumulator from its id (None:
            ``quantify.engagement.RoomEngagement``).
        rules_only: Whether the comments are scored without the text model (the default
            accumulator then takes the rules' bot-comment miss rate,
            ``quantify.engagement.SCORER_MISS_RATE``).
    """

    def __init__(self, factory: Callable[[str], EngagementAccumulator] | None = None,
                 rules_only: bool = False) -> None:
        self._factory = factory if factory is not None else (
            lambda room_id: _room_engagement(room_id, rules_only))
        self._accumulators: dict[str, EngagementAccumulator] = {}
        self._fed: dict[str, int] = {}

    @property
    def rooms(self) -> list[str]:
        """Rooms with at least one event, in order of their first event."""
        return list(self._accumulators)

    def add_event(self, event: EngagementEvent) -> None:
        """Add one event (pass this method as ``open_comments(on_event=...)``).

        Args:
            event: The event.
        """
        acc = self._accumulators.get(event.room_id)
        if acc is None:
            acc = self._accumulators[event.room_id] = self._factory(event.room_id)
            self._fed[event.room_id] = 0
        acc.add_event(event)

    def add_scored(self, comment: Comment, verdict: Verdict) -> None:
        """Feed one scored comment to its room's accumulator, if the room has one yet.

        Args:
            comment: The comment.
            verdict: Its verdict.
        """
        acc = self._accumulators.get(comment.room_id)
        if acc is not None:
            acc.add_comment(comment.user_id, comment.ts, verdict.is_bot)
            self._fed[comment.room_id] += 1

    def finish(self, reports: Sequence[RoomReport], comments_path: Path
               ) -> dict[str, dict[str, Any]]:
        """Feed the comments scored before their room's first event, then estimate.

        Args:
            reports: The run's room reports (their ``n_comments`` tell what was missed).
            comments_path: The run's ``comments.jsonl`` (input order, ``is_bot`` set).

        Returns:
            Room id -> ``engagement`` block, for every room with events (event order).
        """
        scored = {r.room_id: r.n_comments for r in reports}
        missed = {room: scored.get(room, 0) - fed for room, fed in self._fed.items()
                  if scored.get(room, 0) > fed}
        if missed:
            self._replay(missed, comments_path)
        estimates = dict(zip(self._accumulators, self._estimate_all(), strict=True))
        self._compare_peers(list(estimates.values()))
        return {room: est.to_dict() for room, est in estimates.items()}

    def _estimate_all(self) -> list[EngagementEstimate]:
        """Every room's estimate; the shipped estimator's rooms together (accounts counted
        bought in one room are a sign in the others: ``quantify.engagement.estimate_rooms``)."""
        from botcomments.quantify.engagement import RoomEngagement, estimate_rooms

        accs = list(self._accumulators.values())
        shipped = [a for a in accs if isinstance(a, RoomEngagement)]
        if len(shipped) == len(accs):
            return list(estimate_rooms(shipped))
        return [acc.estimate() for acc in accs]

    def _compare_peers(self, estimates: list[EngagementEstimate]) -> None:
        """Add the likes-per-viewer comparison across this run's rooms (shipped estimator)."""
        from botcomments.quantify.bubble import BubbleEstimate
        from botcomments.quantify.bubble_evidence import add_peer_evidence

        if estimates and all(isinstance(e, BubbleEstimate) for e in estimates):
            add_peer_evidence([e for e in estimates if isinstance(e, BubbleEstimate)])

    def _replay(self, missed: Mapping[str, int], comments_path: Path) -> None:
        """Feed each room's first ``missed[room]`` comments from ``comments.jsonl``."""
        left = dict(missed)
        with comments_path.open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                room = row["room_id"]
                if left.get(room, 0) > 0:
                    self._accumulators[room].add_comment(row.get("user_id"), row.get("ts"),
                                                         bool(row.get("is_bot")))
                    left[room] -= 1
                    if left[room] == 0:
                        del left[room]
                        if not left:
                            return
        if left:
            raise RuntimeError(f"comments of rooms {sorted(left)} missing from "
                               f"{comments_path} (bug)")
