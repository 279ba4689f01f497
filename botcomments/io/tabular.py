"""Streaming readers for CSV/TSV (row by row) and Parquet (record batch by record batch)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from botcomments.io.base import Item, Location, RecordError, Rejected, preview
from botcomments.io.mapping import record_from_mapping
from botcomments.io.sources import RawLine, detect_encoding, iter_raw_lines, open_binary, peek

PARQUET_BATCH_ROWS = 8192


MAX_ROW_LINES = 1000
"""Physical lines one CSV row may span (quoted fields with newlines); a row still open
after that many lines is an unbalanced quote: its first line is rejected."""

_UNBALANCED = ("unbalanced quote: the quoted field opened on this line {how}; only this "
               "line was rejected, reading went on with the next line")


class _RowTooLong(Exception):
    """A row has taken in :data:`MAX_ROW_LINES` lines without ending."""


class _DecodedLines:
    """Decoded lines for ``csv.reader``, one row's worth of lines kept to read them again.

    Remembers undecodable lines and too-long lines. Undecodable bytes are kept as surrogate
    escapes so the CSV structure survives, and their line numbers are recorded so the row
    containing them is rejected. A too-long line is replaced by a blank line and queued as
    a rejection. The lines of the row being read are kept (``row_lines``) so that, when the
    row turns out to start with an unbalanced quote, all but its first line can be handed
    back (:meth:`reread`) and read again.
    """

    def __init__(self, lines: Iterator[RawLine], encoding: str, path: str) -> None:
        self._lines = lines
        self._encoding = encoding
        self._path = path
        self._again: list[tuple[int, str]] = []  # lines to read again, last first
        self.bad_lines: set[int] = set()
        self.pending: list[Rejected] = []
        self.row_lines: list[tuple[int, str]] = []

    def __iter__(self) -> _DecodedLines:
        return self

    def __next__(self) -> str:
        if len(self.row_lines) >= MAX_ROW_LINES:
            raise _RowTooLong
        item = self._again.pop() if self._again else self._decode(next(self._lines))
        self.row_lines.append(item)
        return item[1]

    def _decode(self, line: RawLine) -> tuple[int, str]:
        if line.too_long:
            loc = Location(self._path, line.lineno, line.offset)
            detail = "line longer than the limit"
            self.pending.append(Rejected(loc, "line_too_long", detail, preview(line.data)))
            return line.lineno, "\n"
        try:
            return line.lineno, line.data.decode(self._encoding) + "\n"
        except UnicodeDecodeError:
            self.bad_lines.add(line.lineno)
            return line.lineno, line.data.decode(self._encoding, errors="surrogateescape") + "\n"

    def start_row(self) -> None:
        """Forget the lines of the row read last."""
        self.row_lines.clear()

    def reread(self) -> tuple[int, str]:
        """Hand back every line of the current row but its first, which is returned."""
        first, *rest = self.row_lines
        self._again.extend(reversed(rest))
        self.row_lines.clear()
        return first


def read_csv(
    path: Path,
    *,
    field_map: Mapping[str, str],
    default_room: str,
    encoding: str | None,
    delimiter: str,
    max_line_bytes: int,
    on_encoding: Callable[[str], None],
) -> Iterator[Item]:
    """Stream a CSV/TSV file with a header row; quoted fields may contain newlines.

    Rows are parsed strictly: a quoted field must close, followed by the delimiter or
    the end of the line, within :data:`MAX_ROW_LINES` lines and before the end of the
    file. A row spanning several lines that breaks this starts with an unbalanced quote:
    its first line is rejected (``invalid_csv``) and reading goes on with the next line,
    so one stray quote costs one record, not the rest of the file. A one-line row that
    breaks it only after a closed quote (``"ab"c``) is read leniently, as before.

    Args:
        path: The file (``.gz`` allowed).
        field_map: Comment field -> column (see ``mapping.parse_field_map``).
        default_room: Room id for rows without one.
        encoding: Text encoding, or None to detect UTF-8 vs GB18030.
        delimiter: "," or "\\t".
        max_line_bytes: Longer physical lines are rejected without being held.
        on_encoding: Called once with the encoding used.

    Yields:
        ``(Comment | EngagementEvent, ts_unit)`` or ``Rejected`` items (a row with a
        ``kind`` and no text is an event, see ``mapping.record_from_mapping``);
        ``Location.line`` is the first physical line of the row.
    """
    encoding = encoding or detect_encoding(peek(path))
    on_encoding(encoding)
    name = str(path)
    with open_binary(path) as fh:
        lines = _DecodedLines(iter_raw_lines(fh, max_line_bytes), encoding, name)
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        try:
            header = next(reader, None)
        except (csv.Error, _RowTooLong) as exc:
            detail = f"header row unreadable ({exc or 'unbalanced quote'}); the file was not read"
            yield Rejected(Location(name, 1), "invalid_csv", detail)
            return
        if header is None:
            return
        header = [h.strip() for h in header]
        while True:
            lines.start_row()
            error: Rejected | None = None
            try:
                row = next(reader)
            except StopIteration:
                break
            except (csv.Error, _RowTooLong) as exc:
                row, error = _broken_row(lines, exc, delimiter, name)
            yield from lines.pending
            lines.pending.clear()
            if error is not None:
                yield error
            elif row:
                span = (lines.row_lines[0][0], lines.row_lines[-1][0])
                yield _row_item(row, header, lines.bad_lines, span, name, field_map, default_room)
    yield from lines.pending


def _broken_row(lines: _DecodedLines, exc: Exception, delimiter: str, name: str
                ) -> tuple[list[str], Rejected | None]:
    """What a row that does not parse strictly becomes: a lenient row, or a rejection.

    Returns:
        ``(row, None)`` for a one-line row whose quotes close on that line (read as the
        lenient parser reads it); ``([], rejection)`` otherwise, after handing the row's
        other lines back to be read again.
    """
    if not lines.row_lines:  # nothing read: cannot happen with a line source
        return [], Rejected(Location(name, 0), "invalid_csv", str(exc))
    one_line = len(lines.row_lines) == 1
    if one_line and isinstance(exc, csv.Error) and "unexpected end of data" not in str(exc):
        lineno, text = lines.row_lines[0]
        if "field larger than field limit" in str(exc):
            return [], Rejected(Location(name, lineno), "invalid_csv", str(exc), preview(text))
        return next(csv.reader([text], delimiter=delimiter), []), None
    lineno, text = lines.reread()
    if isinstance(exc, _RowTooLong):
        how = f"is still open {MAX_ROW_LINES} lines later"
    elif "unexpected end of data" in str(exc):
        how = "is still open at the end of the file"
    elif "field larger than field limit" in str(exc):
        how = f"grows past the field limit ({exc})"
    else:
        how = f"does not close properly ({exc})"
    return [], Rejected(Location(name, lineno), "invalid_csv", _UNBALANCED.format(how=how),
                        preview(text))


def _row_item(
    row: list[str],
    header: list[str],
    bad_lines: set[int],
    span: tuple[int, int],
    name: str,
    field_map: Mapping[str, str],
    default_room: str,
) -> Item:
    loc = Location(name, span[0])
    raw = ",".join(row)
    if bad_lines and any(n in bad_lines for n in range(span[0], span[1] + 1)):
        detail = "the row has bytes that are not valid in the file's encoding"
        return Rejected(loc, "invalid_encoding", detail, preview(raw))
    if len(row) > len(header):
        detail = f"the row has {len(row)} fields but the header has {len(header)}"
        return Rejected(loc, "invalid_csv", detail, preview(raw))
    try:
        return record_from_mapping(
            dict(zip(header, row, strict=False)),
            field_map,
            default_room=default_room,
            default_platform="csv",
        )
    except RecordError as exc:
        return Rejected(loc, exc.reason, exc.detail, preview(raw))


def read_parquet(path: Path, *, field_map: Mapping[str, str], default_room: str) -> Iterator[Item]:
    """Stream a Parquet file batch by batch (``PARQUET_BATCH_ROWS`` rows in memory).

    Args:
        path: The file.
        field_map: Comment field -> column.
        default_room: Room id for rows without one.

    Yields:
        ``(Comment | EngagementEvent, ts_unit)`` or ``Rejected`` items; ``Location.line``
        is the 1-based row.
    """
    name = str(path)
    rowno = 0
    with pq.ParquetFile(path) as pf:
        for batch in pf.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            for row in batch.to_pylist():
                rowno += 1
                yield _parquet_item(row, rowno, name, field_map, default_room)


def _parquet_item(
    row: dict[str, Any], rowno: int, name: str, field_map: Mapping[str, str], default_room: str
) -> Item:
    try:
        return record_from_mapping(
            row, field_map, default_room=default_room, default_platform="parquet"
        )
    except RecordError as exc:
        raw = json.dumps(row, ensure_ascii=False, default=str)
        return Rejected(Location(name, rowno), exc.reason, exc.detail, preview(raw))
