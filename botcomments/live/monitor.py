"""Stateful room sessions: verdicts while a stream runs, revised as evidence accrues.

A moderation pipeline receives comments room by room as the stream runs and needs a
verdict within seconds, not after the room has ended. :class:`RoomMonitor` holds one
session per room:

- **Immediate, provisional verdicts.** Every comment fed gets a verdict in the same
  :meth:`RoomMonitor.feed` call, scored together with the room's most recent
  ``context`` comments (the detectors see the burst it belongs to, not the whole room).
- **Revisions, never silent.** When a room's open slice has grown by ``rescore_growth``
  (25 %) since it was last scored whole, the whole slice is rescored (batch scoring's
  exact computation) and every comment whose decision, flags or score (by at least
  ``revise_score_delta``) changed is emitted again with a higher ``revision``. The
  geometric schedule keeps the total work a small multiple of scoring the room once.
- **Final = batch.** :meth:`RoomMonitor.close_room` (or eviction) rescores the open
  slice whole and marks every verdict ``final``; a room fed in any order and any batch
  sizes then has the verdicts and the room report ``Scorer.score`` gives for that room
  alone: identical with the rule-only scorer and with the default bf16/fp32 text model
  (a comment's score does not depend on its batch; an fp32 model matches to 1e-5 in the
  tests); with ``precision="int8"`` scores move by int8's batch effect. Cross-room
  evidence (a line or an account reused in several rooms) is not carried between
  sessions: each room is judged on its own, as in ``score`` on one room.
  A room longer than one slice (``max_slice``, 100,000 comments by default) is cut where
  batch scoring cuts it, but each slice is scored with fresh detector state, while
  batch scoring carries the detectors' state from one slice of a room to the next: such
  rooms can differ from ``score`` (no equality is claimed for them).
- **Bounded memory.** A room keeps at most ``max_slice`` comments open (batch scoring's
  slice size); a full slice is closed into the compact per-room accumulator (~21 bytes a
  comment) exactly as batch scoring slices a huge room. Rooms idle for ``idle_seconds``
  are closed by :meth:`RoomMonitor.evict_idle`; beyond ``max_rooms`` the least recently
  fed room is closed.
- **Snapshots.** :meth:`RoomMonitor.snapshot` writes every session (comments, verdicts,
  accumulators) as gzipped JSON; :meth:`RoomMonitor.restore` continues from it as if
  nothing happened.

Example:
    >>> from botcomments.records import Comment
    >>> from botcomments.scoring.pipeline import Scorer
    >>> monitor = RoomMonitor(Scorer.rule_only())
    >>> out = monitor.feed([Comment("主播好", "r1", ts=1.0 + i, user_id=f"u{i}")
    ...                     for i in range(3)])
    >>> [(e.comment_id, e.revision) for e in out.events]
    [('r1#0', 0), ('r1#1', 0), ('r1#2', 0)]
    >>> monitor.report("r1").n_comments
    3
"""

from __future__ import annotations

import copy
import gzip
import json
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from botcomments.records import Comment
from botcomments.scoring.authenticity import room_report
from botcomments.scoring.grouping import time_order
from botcomments.scoring.pipeline import Scorer, accumulate, detector_evidence
from botcomments.scoring.rooms import RoomAccumulator
from botcomments.scoring.types import RoomReport, Verdict

SNAPSHOT_FORMAT = "botcomments-monitor/1"
"""Format tag of snapshot files; :meth:`RoomMonitor.restore` refuses any other."""


@dataclass(frozen=True)
class MonitorSettings:
    """How a :class:`RoomMonitor` trades latency, work and memory.

    Args:
        context: Recent comments of the room scored with new ones for their
            provisional verdict.
        rescore_growth: Rescore the open slice whole when it has grown by this share
            since it was last scored whole.
        min_rescore: ... and by at least this many comments.
        revise_score_delta: A change of ``bot_score`` this large is emitted as a
            revision even when decision and flags stay.
        idle_seconds: Wall-clock silence after which :meth:`RoomMonitor.evict_idle`
            closes a room.
        max_rooms: Open rooms held; feeding a new room beyond it closes the least
            recently fed one.
        max_slice: Comments of one room held open (default: the scorer's ``max_slice``,
            so the slices match batch scoring's).

    Raises:
        ValueError: On a non-positive size or a negative share.
    """

    context: int = 200
    rescore_growth: float = 0.25
    min_rescore: int = 20
    revise_score_delta: float = 0.05
    idle_seconds: float = 1800.0
    max_rooms: int = 10_000
    max_slice: int | None = None

    def __post_init__(self) -> None:
        if self.context < 0 or self.min_rescore < 1 or self.max_rooms < 1:
            raise ValueError("context must be >= 0, min_rescore and max_rooms >= 1")
        if self.rescore_growth < 0 or self.revise_score_delta < 0 or self.idle_seconds <= 0:
            raise ValueError("rescore_growth and revise_score_delta must be >= 0, "
                             "idle_seconds > 0")
        if self.max_slice is not None and self.max_slice < 1:
            raise ValueError(f"max_slice={self.max_slice} must be >= 1")


@dataclass(frozen=True)
class VerdictEvent:
    """A verdict on one comment, first or revised.

    Args:
        room_id: The room.
        comment_id: The comment's ``msg_id``, else ``<room_id>#<n>`` (its arrival number
            in the room).
        verdict: The verdict.
        revision: 0 for the first (provisional) verdict, then 1, 2, ...
        final: No later revision will come (its room slice is closed).
        comment: The comment itself, on its first event (None on revisions).
    """

    room_id: str
    comment_id: str
    verdict: Verdict
    revision: int
    final: bool
    comment: Comment | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready event.

        Returns:
            ``room_id``, ``comment_id``, ``revision``, ``final``, the verdict fields and,
            on a first event, the comment's ``user_id``, ``ts`` and ``text``.
        """
        out = {"room_id": self.room_id, "comment_id": self.comment_id,
               "revision": self.revision, "final": self.final}
        if self.comment is not None:
            out.update(user_id=self.comment.user_id, ts=self.comment.ts, text=self.comment.text)
        return {**out, **self.verdict.to_dict()}


@dataclass
class FeedResult:
    """What one :meth:`RoomMonitor.feed` (or close) produced.

    Args:
        events: New and revised verdicts.
        closed: Reports of rooms closed on the way (evicted beyond ``max_rooms``).
    """

    events: list[VerdictEvent] = field(default_factory=list)
    closed: list[RoomReport] = field(default_factory=list)

    def extend(self, other: FeedResult) -> None:
        """Append another result's events and closed rooms.

        Args:
            other: The result to append.
        """
        self.events.extend(other.events)
        self.closed.extend(other.closed)


@dataclass
class _Session:
    """One room's open slice, its latest verdicts and its closed slices."""

    room_id: str
    closed: RoomAccumulator
    comments: list[Comment] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    revisions: list[int] = field(default_factory=list)
    evidence: list[dict[str, dict[str, Any]]] = field(default_factory=list)
    scored_whole: int = 0
    arrived: int = 0
    last_fed: float = 0.0


class RoomMonitor:
    """Live sessions for any number of rooms over one loaded :class:`Scorer`.

    Args:
        scorer: The scorer (load once; its detectors are reset before each scoring
            call, so every room is judged on its own).
        settings: Latency / work / memory settings.
        clock: Wall-clock source in seconds (for idle eviction; injectable in tests).
    """

    def __init__(self, scorer: Scorer, settings: MonitorSettings | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.scorer = scorer
        self.settings = settings or MonitorSettings()
        self.max_slice = self.settings.max_slice or scorer.max_slice
        self.clock = clock
        self._rooms: dict[str, _Session] = {}

    @property
    def rooms(self) -> list[str]:
        """Open rooms, least recently fed first."""
        return sorted(self._rooms, key=lambda r: self._rooms[r].last_fed)

    def feed(self, comments: Iterable[Comment]) -> FeedResult:
        """Add comments of any rooms; verdicts for all of them, revisions where due.

        Args:
            comments: New comments (any rooms, any order).

        Returns:
            Every new comment's provisional verdict, revisions of earlier ones, and
            reports of rooms closed to stay within ``max_rooms`` or ``max_slice``.
        """
        result = FeedResult()
        fresh: dict[str, list[Comment]] = {}
        for comment in comments:
            fresh.setdefault(comment.room_id, []).append(comment)
        now = self.clock()
        for room_id, batch in fresh.items():
            session = self._rooms.get(room_id)
            if session is None:
                result.extend(self._make_room_for(room_id))
                session = self._rooms[room_id] = _Session(room_id, RoomAccumulator(room_id))
            session.last_fed = now
            while batch:  # fill the open slice to exactly max_slice, as batch slicing does
                room_left = self.max_slice - len(session.comments)
                result.extend(self._add(session, batch[:room_left]))
                batch = batch[room_left:]
        return result

    def report(self, room_id: str) -> RoomReport:
        """The room's current report: ratio, interval, timeline, top clusters.

        Args:
            room_id: An open room.

        Returns:
            The report over every comment so far (latest verdicts).

        Raises:
            KeyError: For a room that is not open.
        """
        session = self._session(room_id)
        acc = copy.deepcopy(session.closed)  # the open slice is added to a copy
        if session.comments:
            self._accumulate_open(acc, session)
        return room_report(acc, self.scorer.quantifier)

    def verdicts(self, room_id: str) -> list[tuple[str, Verdict]]:
        """Latest verdict of every comment of the room's open slice, in arrival order.

        Args:
            room_id: An open room.

        Returns:
            ``(comment_id, verdict)`` pairs.

        Raises:
            KeyError: For a room that is not open.
        """
        session = self._session(room_id)
        return list(zip(session.ids, session.verdicts, strict=True))

    def close_room(self, room_id: str) -> tuple[FeedResult, RoomReport]:
        """Score the room's open slice whole, mark every verdict final, drop the room.

        Args:
            room_id: An open room.

        Returns:
            ``(result, report)``: the final revisions and the room's final report.

        Raises:
            KeyError: For a room that is not open.
        """
        session = self._session(room_id)
        result = self._close_slice(session)
        del self._rooms[room_id]
        report = room_report(session.closed, self.scorer.quantifier)
        result.closed.append(report)
        return result, report

    def evict_idle(self) -> FeedResult:
        """Close every room fed nothing for ``idle_seconds``.

        Returns:
            Their final revisions and reports.
        """
        cutoff = self.clock() - self.settings.idle_seconds
        result = FeedResult()
        for room_id in [r for r, s in self._rooms.items() if s.last_fed < cutoff]:
            result.extend(self.close_room(room_id)[0])
        return result

    def snapshot(self, path: Path | str) -> Path:
        """Write every open session to a gzipped JSON file.

        Args:
            path: Target file (written whole, then renamed into place).

        Returns:
            The path.
        """
        path = Path(path)
        doc = {"format": SNAPSHOT_FORMAT, "settings": asdict(self.settings),
               "max_slice": self.max_slice, "threshold": self.scorer.threshold,
               "normalizer_version": self.scorer.extractor.normalizer.version,
               "rooms": [_session_state(s) for s in self._rooms.values()]}
        tmp = path.with_name(path.name + ".tmp")
        with gzip.open(tmp, "wt", encoding="utf-8") as fh:
            json.dump(doc, fh, ensure_ascii=False)
        tmp.replace(path)
        return path

    @classmethod
    def restore(cls, path: Path | str, scorer: Scorer,
                clock: Callable[[], float] = time.monotonic) -> RoomMonitor:
        """Continue from a snapshot.

        Args:
            path: A file written by :meth:`snapshot`.
            scorer: The scorer to continue with (same threshold and normaliser version
                as the snapshot's).
            clock: Wall-clock source; restored rooms count as fed now.

        Returns:
            A monitor with every session as it was.

        Raises:
            ValueError: If the file is not a monitor snapshot or the scorer's
                threshold or normaliser version differs from the one the verdicts were
                made with (snapshots without a version were made with version 1).
        """
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            doc = json.load(fh)
        if not isinstance(doc, dict) or doc.get("format") != SNAPSHOT_FORMAT:
            raise ValueError(f"{path} is not a {SNAPSHOT_FORMAT} snapshot")
        if not math.isclose(float(doc["threshold"]), scorer.threshold):
            raise ValueError(
                f"{path} holds verdicts made at threshold {doc['threshold']}, the scorer "
                f"uses {scorer.threshold}; restore with the same model and threshold"
            )
        saved_version = str(doc.get("normalizer_version", "1"))
        if saved_version != scorer.extractor.normalizer.version:
            raise ValueError(
                f"{path} holds sessions normalised with normaliser version {saved_version}, "
                f"the scorer uses {scorer.extractor.normalizer.version}; restore with the "
                f"same model, or a rules-only scorer made with "
                f"Scorer.rule_only(normalizer_version={saved_version!r})"
            )
        monitor = cls(scorer, MonitorSettings(**doc["settings"]), clock)
        monitor.max_slice = int(doc["max_slice"])
        now = clock()
        for state in doc["rooms"]:
            session = _session_from_state(state)
            session.last_fed = now
            monitor._rooms[session.room_id] = session
        return monitor

    # -- internals -------------------------------------------------------------------

    def _session(self, room_id: str) -> _Session:
        try:
            return self._rooms[room_id]
        except KeyError:
            raise KeyError(f"room {room_id!r} is not open in this monitor") from None

    def _make_room_for(self, room_id: str) -> FeedResult:
        """Close least recently fed rooms until a new one fits in ``max_rooms``."""
        result = FeedResult()
        while len(self._rooms) >= self.settings.max_rooms:
            result.extend(self.close_room(self.rooms[0])[0])
        return result

    def _add(self, session: _Session, batch: Sequence[Comment]) -> FeedResult:
        """Append a batch that fits in the open slice, score, close the slice when full."""
        result = FeedResult()
        first = len(session.comments)
        for comment in batch:
            session.comments.append(comment)
            session.ids.append(comment.msg_id or f"{session.room_id}#{session.arrived}")
            session.arrived += 1
        grown = len(session.comments) - session.scored_whole
        if grown >= max(self.settings.min_rescore,
                        self.settings.rescore_growth * session.scored_whole):
            result.extend(self._score_whole(session, final=False))
        else:
            result.extend(self._score_new(session, first))
        if len(session.comments) >= self.max_slice:
            result.extend(self._close_slice(session))
        return result

    def _score(self, session: _Session, positions: Sequence[int]
               ) -> tuple[list[int], list[Verdict], list[dict[str, dict[str, Any]]]]:
        """Score the given open-slice positions together, time-ordered."""
        order = [positions[k] for k in time_order([session.comments[p] for p in positions])]
        self.scorer.reset()
        scored = self.scorer.score_slice(session.room_id, [session.comments[p] for p in order])
        return order, scored.verdicts, detector_evidence(scored.outputs, len(order))

    def _score_new(self, session: _Session, first: int) -> FeedResult:
        """Provisional verdicts of positions ``first..`` with the recent context."""
        start = max(0, first - self.settings.context)
        order, verdicts, evidence = self._score(session, range(start, len(session.comments)))
        new = {pos: (v, e) for pos, v, e in zip(order, verdicts, evidence, strict=True)
               if pos >= first}
        events = []
        for pos in range(first, len(session.comments)):
            verdict, ev = new[pos]
            session.verdicts.append(verdict)
            session.revisions.append(0)
            session.evidence.append(ev)
            events.append(VerdictEvent(session.room_id, session.ids[pos], verdict, 0, False,
                                       session.comments[pos]))
        return FeedResult(events)

    def _score_whole(self, session: _Session, final: bool) -> FeedResult:
        """Rescore the open slice whole; emit new verdicts and changed ones."""
        known = len(session.verdicts)
        order, verdicts, evidence = self._score(session, range(len(session.comments)))
        by_pos = dict(zip(order, zip(verdicts, evidence, strict=True), strict=True))
        events = []
        for pos in range(len(session.comments)):
            verdict, ev = by_pos[pos]
            if pos >= known:
                session.verdicts.append(verdict)
                session.revisions.append(0)
                session.evidence.append(ev)
                events.append(VerdictEvent(session.room_id, session.ids[pos], verdict, 0,
                                           final, session.comments[pos]))
                continue
            changed = self._changed(session.verdicts[pos], verdict)
            session.revisions[pos] += changed
            if changed or final:
                events.append(VerdictEvent(session.room_id, session.ids[pos], verdict,
                                           session.revisions[pos], final))
            session.verdicts[pos] = verdict
            session.evidence[pos] = ev
        session.scored_whole = len(session.comments)
        return FeedResult(events)

    def _changed(self, old: Verdict, new: Verdict) -> bool:
        return (old.is_bot != new.is_bot or old.flags != new.flags
                or abs(old.bot_score - new.bot_score) >= self.settings.revise_score_delta)

    def _close_slice(self, session: _Session) -> FeedResult:
        """Final whole-slice scoring; the slice moves into the room's accumulator."""
        if not session.comments:
            return FeedResult()
        result = self._score_whole(session, final=True)
        self._accumulate_open(session.closed, session)
        session.comments, session.ids, session.verdicts = [], [], []
        session.revisions, session.evidence, session.scored_whole = [], [], 0
        return result

    def _accumulate_open(self, acc: RoomAccumulator, session: _Session) -> None:
        """Add the open slice's latest verdicts to ``acc`` in time order (as batch does)."""
        order = time_order(session.comments)
        accumulate(acc, [session.comments[p] for p in order],
                   _scores([session.verdicts[p] for p in order]),
                   [session.verdicts[p] for p in order],
                   [session.evidence[p] for p in order])


def _scores(verdicts: Sequence[Verdict]) -> np.ndarray:
    return np.array([v.bot_score for v in verdicts], dtype=np.float64)


def _comment_state(c: Comment) -> dict[str, Any]:
    return {f.name: getattr(c, f.name) for f in fields(Comment)}


def _verdict_state(v: Verdict) -> dict[str, Any]:
    return {"bot_score": v.bot_score, "is_bot": v.is_bot, "flags": list(v.flags),
            "evidence": v.evidence, "text_score": v.text_score}


def _session_state(s: _Session) -> dict[str, Any]:
    return {"room_id": s.room_id, "closed": s.closed.state(),
            "comments": [_comment_state(c) for c in s.comments], "ids": s.ids,
            "verdicts": [_verdict_state(v) for v in s.verdicts], "revisions": s.revisions,
            "evidence": s.evidence, "scored_whole": s.scored_whole, "arrived": s.arrived}


def _session_from_state(state: dict[str, Any]) -> _Session:
    verdicts = [Verdict(bot_score=float(v["bot_score"]), is_bot=bool(v["is_bot"]),
                        flags=tuple(v["flags"]), evidence=v["evidence"],
                        text_score=v["text_score"]) for v in state["verdicts"]]
    return _Session(
        room_id=str(state["room_id"]),
        closed=RoomAccumulator.from_state(state["closed"]),
        comments=[Comment(**c) for c in state["comments"]],
        ids=list(state["ids"]), verdicts=verdicts, revisions=list(state["revisions"]),
        evidence=list(state["evidence"]), scored_whole=int(state["scored_whole"]),
        arrived=int(state["arrived"]),
    )
