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


class _DecodedLines:
    """Decoded lines for ``csv.reader``; remembers undecodable lines and too-long lines.

    Undecodable bytes are kept as surrogate escapes so the CSV structure survives, and
    their line numbers are recorded so the row containing them is rejected. A too-long
    line is replaced by a blank line (keeping ``csv.reader.line_num`` aligned) and
    queued as a rejection.
    """

    def __init__(self, lines: Iterator[RawLine], encoding: str, path: str) -> None:
        self._lines = lines
        self._encoding = encoding
        self._path = path
        self.bad_lines: set[int] = set()
        self.pending: list[Rejected] = []

    def __iter__(self) -> Iterator[str]:
        for line in self._lines:
            if line.too_long:
                loc = Location(self._path, line.lineno, line.offset)
                detail = "line longer than the limit"
                self.pending.append(Rejected(loc, "line_too_long", detail, preview(line.data)))
                yield "\n"
                continue
            try:
                yield line.data.decode(self._encoding) + "\n"
            except UnicodeDecodeError:
                self.bad_lines.add(line.lineno)
                yield line.data.decode(self._encoding, errors="surrogateescape") + "\n"


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
        reader = csv.reader(iter(lines), delimiter=delimiter)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            detail = f"header row unreadable ({exc}); the file was not read"
            yield Rejected(Location(name, 1), "invalid_csv", detail)
            return
        if header is None:
            return
        header = [h.strip() for h in header]
        while True:
            first_line = reader.line_num + 1
            error: Rejected | None = None
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                row, error = [], Rejected(Location(name, first_line), "invalid_csv", str(exc))
            yield from lines.pending
            lines.pending.clear()
            if error is not None:
                yield error
            elif row:
                span = (first_line, reader.line_num)
                yield _row_item(row, header, lines.bad_lines, span, name, field_map, default_room)
    yield from lines.pending


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
