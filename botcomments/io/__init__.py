"""Chat-log input/output: streaming readers for every supported format, and writers.

Example:
    >>> from botcomments.io import open_comments
    >>> # for c in open_comments("chat.jsonl", rejects_path="rejects.jsonl"): ...
"""

from botcomments.io.base import REJECT_REASONS, Location, Rejected, Skipped
from botcomments.io.readers import (
    FORMATS,
    CommentStream,
    RejectedRecordError,
    detect_format,
    open_comments,
)
from botcomments.io.stats import FileStats, ReadStats
from botcomments.io.timestamps import ParsedTime, TimestampError, parse_timestamp
from botcomments.io.writers import RecordWriter

__all__ = [
    "FORMATS",
    "REJECT_REASONS",
    "CommentStream",
    "FileStats",
    "Location",
    "ParsedTime",
    "ReadStats",
    "RecordWriter",
    "Rejected",
    "RejectedRecordError",
    "Skipped",
    "TimestampError",
    "detect_format",
    "open_comments",
    "parse_timestamp",
]
