"""Read counters. Invariant: ``read == accepted + rejected + skipped + events`` at every moment.

Example:
    >>> s = ReadStats()
    >>> s.count_accepted("a.jsonl", "ms")
    >>> s.count_skipped("a.jsonl", "toast")
    >>> s.count_event("a.jsonl", "like")
    >>> s.read, s.accepted, s.skipped, s.events, s.ts_units["ms"]
    (3, 1, 1, 1, 1)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Counts:
    """Counters of one file or of a whole read.

    Attributes:
        accepted: Records that became comments.
        rejected_by_reason: Rejected records per reason code.
        skipped_by_kind: Valid records that are neither comments nor engagement events,
            per kind (toasts, rank updates, ...).
        events_by_kind: Engagement events read (enter, like, viewers, gift, follow) per
            kind; they are not comments and are handed to the reader's ``on_event``.
        ts_units: Accepted comments per timestamp unit assumed ("s", "ms", "iso8601", ...,
            "relative" for offsets resolved against a recording start, "none" when the
            record has no timestamp).
    """

    accepted: int = 0
    rejected_by_reason: Counter[str] = field(default_factory=Counter)
    skipped_by_kind: Counter[str] = field(default_factory=Counter)
    events_by_kind: Counter[str] = field(default_factory=Counter)
    ts_units: Counter[str] = field(default_factory=Counter)

    @property
    def rejected(self) -> int:
        """Number of rejected records."""
        return sum(self.rejected_by_reason.values())

    @property
    def skipped(self) -> int:
        """Number of skipped records (neither comments nor engagement events)."""
        return sum(self.skipped_by_kind.values())

    @property
    def events(self) -> int:
        """Number of engagement events read."""
        return sum(self.events_by_kind.values())

    @property
    def read(self) -> int:
        """Records read: accepted + rejected + skipped + events, by construction."""
        return self.accepted + self.rejected + self.skipped + self.events

    @property
    def missing_ts(self) -> int:
        """Accepted comments without a timestamp."""
        return self.ts_units["none"]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready summary."""
        return {
            "read": self.read,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "events": self.events,
            "rejected_by_reason": dict(self.rejected_by_reason),
            "skipped_by_kind": dict(self.skipped_by_kind),
            "events_by_kind": dict(self.events_by_kind),
            "ts_units": dict(self.ts_units),
        }


@dataclass
class FileStats(Counts):
    """Counters of one input file plus what was detected about it.

    Attributes:
        fmt: Reader format used ("jsonl", "csv", "bililive_xml", ...).
        encoding: Text encoding used (detected or given), None for binary formats.
    """

    fmt: str = ""
    encoding: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready summary including format and encoding."""
        return {"format": self.fmt, "encoding": self.encoding, **super().to_dict()}


@dataclass
class ReadStats(Counts):
    """Counters of a whole read, with one ``FileStats`` per input file.

    Attributes:
        files: Per-file counters keyed by the path as given.
    """

    files: dict[str, FileStats] = field(default_factory=dict)

    def file(self, path: str) -> FileStats:
        """Return (creating on first use) the counters of one file."""
        stats = self.files.get(path)
        if stats is None:
            stats = self.files[path] = FileStats()
        return stats

    def count_accepted(self, path: str, ts_unit: str) -> None:
        """Count one accepted comment and the timestamp unit it used."""
        for counts in (self, self.file(path)):
            counts.accepted += 1
            counts.ts_units[ts_unit] += 1

    def count_rejected(self, path: str, reason: str) -> None:
        """Count one rejected record."""
        self.rejected_by_reason[reason] += 1
        self.file(path).rejected_by_reason[reason] += 1

    def count_skipped(self, path: str, kind: str) -> None:
        """Count one skipped record (neither a comment nor an engagement event)."""
        self.skipped_by_kind[kind] += 1
        self.file(path).skipped_by_kind[kind] += 1

    def count_event(self, path: str, kind: str) -> None:
        """Count one engagement event of the given kind (``records.ENGAGEMENT_KINDS``)."""
        self.events_by_kind[kind] += 1
        self.file(path).events_by_kind[kind] += 1

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready summary with per-file entries."""
        return {**super().to_dict(), "files": {p: f.to_dict() for p, f in self.files.items()}}
