"""Shared pieces of every reader: what a reader yields besides comments, and reject reasons.

A format reader is a generator of :data:`Item`: ``(Comment, ts_unit)``,
``(EngagementEvent, ts_unit)``, ``Rejected`` or ``Skipped``. ``CommentStream`` (see
``readers.py``) counts the four, writes the rejects, hands the events to its callback and
the comments on, so no reader can drop a record without it being counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from botcomments.records import Comment, EngagementEvent

RAW_PREVIEW_CHARS = 500
"""Raw input kept per rejected record (characters)."""

REJECT_REASONS: dict[str, str] = {
    "invalid_json": "the line is not valid JSON (truncated or hand-edited?); fix or remove it",
    "not_an_object": "each JSON line must be an object {...}; wrap the value or remove it",
    "invalid_encoding": (
        "the bytes do not decode with the file's encoding; pass --encoding (e.g. gb18030) "
        "or re-encode the file as UTF-8"
    ),
    "line_too_long": "the line exceeds the reader's line limit; split it or raise max_line_bytes",
    "missing_text": "no text field; map the text column with --map text=<column>",
    "empty_text": "the text is empty or whitespace; remove the record",
    "bad_text": "the text field is not a string; map the right column with --map text=<column>",
    "bad_timestamp": (
        "use ISO-8601 or unix seconds/milliseconds, or map another column with --map ts=<column>"
    ),
    "bad_label": "label must be 0/1, human/bot or empty",
    "bad_record": "the record does not have the structure of its format; check --format",
    "bad_event": (
        "an engagement event (enter/like/viewers/gift/follow) needs a known kind and a "
        "non-negative integer count (always for viewers); fix the field or remove the record"
    ),
    "invalid_csv": "the CSV row cannot be parsed (unbalanced quotes?); fix the quoting",
    "invalid_xml": (
        "the XML is malformed or truncated here; everything after this point was not read. "
        "Fix the file (e.g. close the root element of a truncated recording)"
    ),
    "unreadable_file": "the file cannot be opened or read; check the path, permissions, format",
}
"""Reason code -> how to fix it. Every rejection uses one of these codes."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where a record sits in its file.

    Attributes:
        file: Path as given.
        line: 1-based line number (row number for Parquet, element line for XML).
        offset: Byte offset of the line start when known.
    """

    file: str
    line: int | None = None
    offset: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that could not become a Comment.

    Attributes:
        location: Where it is.
        reason: A code from ``REJECT_REASONS``.
        detail: What exactly was wrong.
        raw: The raw input (truncated to ``RAW_PREVIEW_CHARS``).
    """

    location: Location
    reason: str
    detail: str
    raw: str = ""

    def __post_init__(self) -> None:
        if self.reason not in REJECT_REASONS:
            raise ValueError(f"unknown reject reason {self.reason!r}")

    @property
    def message(self) -> str:
        """One-line message: ``file:line: reason: detail. Fix: hint``."""
        return f"{self.location}: {self.reason}: {self.detail}. Fix: {REJECT_REASONS[self.reason]}"

    def to_dict(self) -> dict[str, object]:
        """Return the JSON-ready rejects-file entry."""
        return {
            "file": self.location.file,
            "line": self.location.line,
            "offset": self.location.offset,
            "reason": self.reason,
            "detail": self.detail,
            "raw": self.raw[:RAW_PREVIEW_CHARS],
        }


@dataclass(frozen=True, slots=True)
class Skipped:
    """A valid record that is neither a comment nor an engagement event (e.g. a toast).

    Attributes:
        kind: The record kind, e.g. "toast", "ROOM_RANK", "INTERACT_WORD" (a share).
    """

    kind: str


Built: TypeAlias = tuple[Comment | EngagementEvent, str] | Skipped
"""What a record builder returns: a comment or an event with its timestamp unit, or a skip."""
Item: TypeAlias = Built | Rejected
"""What a format reader yields."""


def preview(raw: str | bytes) -> str:
    """Return a short printable preview of raw input for the rejects file.

    Args:
        raw: Raw text or bytes.

    Returns:
        At most ``RAW_PREVIEW_CHARS`` characters; undecodable bytes are shown as escapes.
    """
    if isinstance(raw, bytes):
        raw = raw[: RAW_PREVIEW_CHARS * 4].decode("utf-8", errors="backslashreplace")
    elif any("\udc80" <= ch <= "\udcff" for ch in raw[:RAW_PREVIEW_CHARS]):
        raw = raw.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return raw[:RAW_PREVIEW_CHARS]


class RecordError(Exception):
    """Raised by record builders; the reader turns it into a ``Rejected`` with location.

    Args:
        reason: A code from ``REJECT_REASONS``.
        detail: What exactly was wrong.
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
