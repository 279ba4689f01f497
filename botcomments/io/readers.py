"""One entry point for every chat-log format: ``open_comments``.

Example:
    >>> import tempfile, pathlib, json
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "room7.jsonl").write_text(
    ...     json.dumps({"content": "主播好美", "uid": 1, "ts": 1714565703}) + "\\n" + "{oops\\n",
    ...     encoding="utf-8")
    >>> stream = open_comments(d / "room7.jsonl", rejects_path=d / "rejects.jsonl")
    >>> [(c.room_id, c.text) for c in stream]
    [('room7', '主播好美')]
    >>> s = stream.stats
    >>> s.read, s.accepted, s.rejected, dict(s.rejected_by_reason)
    (2, 1, 1, {'invalid_json': 1})

Engagement events (enters, likes, viewer counts, gifts, follows) are not comments: they
are counted in ``stats.events_by_kind`` and handed to ``on_event``:

    >>> _ = (d / "room8.jsonl").write_text(
    ...     json.dumps({"kind": "like", "uid": 2, "ts": 1714565704, "count": 3}) + "\\n",
    ...     encoding="utf-8")
    >>> events = []
    >>> list(open_comments(d / "room8.jsonl", on_event=events.append))
    []
    >>> events[0].kind, events[0].room_id, events[0].count
    ('like', 'room8', 3)
"""

from __future__ import annotations

import codecs
import functools
import gzip
import logging
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import tzinfo
from pathlib import Path

import pyarrow as pa

from botcomments.io.base import Item, Location, Rejected, Skipped
from botcomments.io.closing import ClosesOnExit
from botcomments.io.follow import FOLLOWABLE_FORMATS
from botcomments.io.json_readers import Builder, read_json_array, read_json_lines
from botcomments.io.mapping import parse_field_map, record_from_mapping
from botcomments.io.platforms import blivedm_record, douyin_record
from botcomments.io.sources import (
    DEFAULT_MAX_LINE_BYTES,
    UTF8_BOM,
    Opener,
    inner_suffix,
    open_binary,
    peek,
    stem_of,
)
from botcomments.io.stats import ReadStats
from botcomments.io.tabular import read_csv, read_parquet
from botcomments.io.timestamps import NAIVE_UNITS, naive_in_zone, time_zone
from botcomments.io.writers import RecordWriter
from botcomments.io.xml_readers import read_xml, sniff_xml_format
from botcomments.records import Comment, EngagementEvent

logger = logging.getLogger(__name__)

FORMATS: tuple[str, ...] = (
    "jsonl",
    "blivedm",
    "douyin",
    "csv",
    "tsv",
    "parquet",
    "bililive_xml",
    "bilibili_xml",
)
"""Reader formats. "json" is accepted as an alias of "jsonl" (JSON arrays are detected)."""

EventCallback = Callable[[EngagementEvent], None]
"""Receives each engagement event as it is read."""

_LOGGED_REJECTS = 10
_BLIVEDM = re.compile(rb'"cmd"\s*:')
_DOUYIN = re.compile(rb'"Webcast\w*Message"|"common"\s*:\s*\{')


class RejectedRecordError(ValueError):
    """Raised in strict mode at the first rejected record.

    Attributes:
        rejected: The rejected record (location, reason, detail, raw).
    """

    def __init__(self, rejected: Rejected) -> None:
        super().__init__(rejected.message + " (strict mode stops at the first bad record)")
        self.rejected = rejected


def detect_format(path: Path) -> str:
    """Choose a reader format from the extension, then from the content.

    Args:
        path: Input file (``.gz`` is looked through).

    Returns:
        One of ``FORMATS``.

    Raises:
        OSError: If the file cannot be read for sniffing.
    """
    suffix = inner_suffix(path)
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix in (".csv", ".tsv"):
        return suffix[1:]
    sample = peek(path)
    if sample.startswith(b"PAR1"):
        return "parquet"
    head = sample.removeprefix(UTF8_BOM).lstrip()
    if suffix == ".xml" or head.startswith(b"<"):
        return sniff_xml_format(sample)
    if suffix in (".jsonl", ".ndjson", ".json") or head[:1] in (b"{", b"["):
        if _BLIVEDM.search(sample):
            return "blivedm"
        if _DOUYIN.search(sample):
            return "douyin"
        return "jsonl"
    return "csv"


_KNOWN_SUFFIXES = frozenset(
    {".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".parquet", ".pq", ".xml"}
)


def expand_inputs(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    """The input files of a command: files as given, folders expanded (sorted, recursive).

    Args:
        paths: Files and folders (only files with a known extension, .gz included, and
            no hidden files are taken from a folder).

    Returns:
        The files, in reading order.
    """
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    out: list[Path] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            out.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and inner_suffix(p) in _KNOWN_SUFFIXES
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        else:
            out.append(path)
    return out


class CommentStream(ClosesOnExit):
    """Iterable of ``Comment`` over one or more files, with counters in ``.stats``.

    Iterate once (a second iteration raises ``RuntimeError``). Rejected records go to
    the rejects file (JSONL) when one was given, and are always counted. Engagement
    events are counted by kind and passed to ``on_event`` (when given) as they are
    read, between the comments around them; they are never yielded. Use as a context
    manager (or call ``close``) when you may stop before the end.

    Attributes:
        paths: The input files.
        stats: ``ReadStats``; ``read == accepted + rejected + skipped + events`` at every
            moment.
    """

    def __init__(
        self,
        paths: list[Path],
        *,
        fmt: str | None,
        field_map: Mapping[str, str],
        encoding: str | None,
        rejects_path: Path | None,
        strict: bool,
        room_id: str | None,
        max_line_bytes: int,
        zone: tzinfo | None = None,
        opener: Opener | None = None,
        on_event: EventCallback | None = None,
    ) -> None:
        self.paths = paths
        self._on_event = on_event
        self._opener = opener
        self._zone = zone
        self.stats = ReadStats()
        self._fmt = fmt
        self._field_map = field_map
        self._encoding = encoding
        self._strict = strict
        self._room_id = room_id
        self._max_line_bytes = max_line_bytes
        self._rejects = RecordWriter(rejects_path, fmt="jsonl") if rejects_path else None
        self._started = False

    def __iter__(self) -> Iterator[Comment]:
        if self._started:
            raise RuntimeError("a CommentStream can be iterated once; call open_comments again")
        self._started = True
        try:
            for path in self.paths:
                yield from self._read_file(path)
        finally:
            self.close()

    def close(self) -> None:
        """Close the rejects file (safe to call twice)."""
        if self._rejects is not None:
            self._rejects.close()
            self._rejects = None

    def _reject(self, item: Rejected) -> None:
        name = item.location.file
        self.stats.count_rejected(name, item.reason)
        if self._rejects is not None:
            self._rejects.write(item.to_dict())
        if self.stats.rejected <= _LOGGED_REJECTS:
            logger.warning("rejected %s", item.message)
        if self._strict:
            raise RejectedRecordError(item)

    def _read_file(self, path: Path) -> Iterator[Comment]:
        name = str(path)
        fstats = self.stats.file(name)
        stats = self.stats
        try:
            fmt = self._fmt or detect_format(path)
            fstats.fmt = fmt
            items = self._items(path, fmt)
            for item in items:
                if type(item) is tuple:
                    comment, unit = item
                    if self._zone is not None and unit in NAIVE_UNITS and comment.ts is not None:
                        comment.ts = naive_in_zone(comment.ts, self._zone)
                    if type(comment) is EngagementEvent:
                        stats.count_event(name, comment.kind)
                        if self._on_event is not None:
                            self._on_event(comment)
                        continue
                    assert type(comment) is Comment
                    stats.accepted += 1
                    stats.ts_units[unit] += 1
                    fstats.accepted += 1
                    fstats.ts_units[unit] += 1
                    yield comment
                elif isinstance(item, Skipped):
                    stats.count_skipped(name, item.kind)
                else:
                    assert isinstance(item, Rejected)
                    self._reject(item)
        except (OSError, EOFError, zlib.error, gzip.BadGzipFile, pa.ArrowException) as exc:
            detail = f"{type(exc).__name__}: {exc}; records after this point were not read"
            self._reject(Rejected(Location(name), "unreadable_file", detail))

    def _items(self, path: Path, fmt: str) -> Iterator[Item]:
        room = self._room_id or stem_of(path)
        fstats = self.stats.file(str(path))

        def on_encoding(encoding: str) -> None:
            fstats.encoding = encoding

        if self._opener is not None and fmt not in FOLLOWABLE_FORMATS:
            raise ValueError(f"{path}: {fmt} cannot be followed while it is written; "
                             f"follow one of {', '.join(FOLLOWABLE_FORMATS)}")
        if fmt == "parquet":
            return read_parquet(path, field_map=self._field_map, default_room=room)
        if fmt in ("csv", "tsv"):
            return read_csv(
                path,
                field_map=self._field_map,
                default_room=room,
                encoding=self._encoding,
                delimiter="\t" if fmt == "tsv" else ",",
                max_line_bytes=self._max_line_bytes,
                on_encoding=on_encoding,
            )
        opener = self._opener or open_binary
        if fmt in ("bililive_xml", "bilibili_xml"):
            return read_xml(
                path,
                live=fmt == "bililive_xml",
                default_room=room,
                encoding=self._encoding,
                on_encoding=on_encoding,
                opener=opener,
            )
        builder = self._builder(fmt, room)
        # a stream that is not a file (stdin) is read as JSON lines
        is_array = (self._opener is None or path.is_file()) and \
            peek(path, 4096).removeprefix(UTF8_BOM).lstrip()[:1] == b"["
        if is_array:
            if self._opener is not None:
                raise ValueError(f"{path}: a JSON array cannot be followed; write JSON lines")
            return read_json_array(path, builder=builder, encoding=self._encoding,
                                   max_line_bytes=self._max_line_bytes,
                                   on_encoding=on_encoding)
        return read_json_lines(
            path,
            builder=builder,
            encoding=self._encoding,
            max_line_bytes=self._max_line_bytes,
            on_encoding=on_encoding,
            opener=opener,
        )

    def _builder(self, fmt: str, room: str) -> Builder:
        if fmt == "blivedm":
            return functools.partial(blivedm_record, default_room=room)
        if fmt == "douyin":
            return functools.partial(douyin_record, default_room=room)
        return functools.partial(
            record_from_mapping,
            field_map=self._field_map,
            default_room=room,
            default_platform="jsonl",
        )


def open_comments(
    paths: str | Path | Iterable[str | Path],
    *,
    fmt: str | None = None,
    field_map: str | Mapping[str, str] | None = None,
    encoding: str | None = None,
    rejects_path: str | Path | None = None,
    strict: bool = False,
    room_id: str | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    tz: str | None = None,
    opener: Opener | None = None,
    on_event: EventCallback | None = None,
) -> CommentStream:
    """Open chat logs of any supported format as one stream of ``Comment``.

    Args:
        paths: A file, a directory (read recursively, sorted; only files with a known
            extension, .gz included, and no hidden files) or several of them.
        fmt: Force a format (one of ``FORMATS``, or "json"); None detects it per file from
            the extension and content.
        field_map: For JSONL/CSV/Parquet: ``"text=content,user_id=uid"`` or a dict
            (Comment field -> input field, dotted paths allowed for nested JSON).
        encoding: Force a text encoding (e.g. "gb18030"); None detects UTF-8 vs GB18030.
        rejects_path: JSONL file receiving every rejected record (file, line, offset,
            reason, detail, raw text truncated). Created even when nothing is rejected.
        strict: Raise ``RejectedRecordError`` at the first rejected record.
        room_id: Room id for records that carry none (default: the file name without
            extensions, e.g. ``room123`` for ``room123.jsonl.gz``).
        max_line_bytes: Lines longer than this are rejected (``line_too_long``).
        tz: IANA zone (e.g. ``Asia/Shanghai``) of timestamps written without a zone
            (``2024-05-30 20:00:00``); None reads them as UTC. Zoned timestamps and
            epoch numbers are unaffected.
        opener: Opens each file (None: plain or gzip). ``io.follow.Follower().open``
            follows files still being written (formats in ``FOLLOWABLE_FORMATS``).
        on_event: Called with each engagement event (enter, like, viewers, gift, follow;
            see ``docs/input-formats.md``) as it is read. Events are counted in
            ``stats.events_by_kind`` whether or not a callback is given.

    Returns:
        A single-use ``CommentStream``; its ``stats`` fill while iterating.

    Raises:
        ValueError: On an unknown ``fmt``, ``encoding`` or ``tz``, or a malformed
            ``field_map`` (at once, before reading).
    """
    if fmt == "json":
        fmt = "jsonl"
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ValueError(f"unknown encoding {encoding!r}; try utf-8 or gb18030") from None
    return CommentStream(
        expand_inputs(paths),
        fmt=fmt,
        field_map=parse_field_map(field_map),
        encoding=encoding,
        rejects_path=Path(rejects_path) if rejects_path else None,
        strict=strict,
        room_id=room_id,
        max_line_bytes=max_line_bytes,
        zone=time_zone(tz) if tz else None,
        opener=opener,
        on_event=on_event,
    )
