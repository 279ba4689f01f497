"""Read stage of the Spark job: one task per input file, with the single-machine readers.

Each task opens its file with :func:`botcomments.io.readers.open_comments` (the same
formats, field mapping, encodings, time zone and rejects as ``botcomments score``) and
emits Arrow rows of three kinds: accepted comments (the ``Comment`` pickled, so its input
fields come back exactly, plus its room, text and normal form), rejects (the
``rejects.jsonl`` line) and one counters row per file.

A comment's position is ``(file_index, record)``: the file's index in the expanded input
list and the comment's rank among that file's accepted comments. Sorted by it, the
comments are in the order ``botcomments score`` reads them.
"""

from __future__ import annotations

import json
import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from botcomments.io.readers import open_comments
from botcomments.records import Comment
from botcomments.text.normalize import NORMALIZER_VERSION, Normalizer

COMMENT, REJECT, COUNTS = "comment", "reject", "counts"
"""Row kinds of the read stage."""

READ_SCHEMA = pa.schema([
    ("kind", pa.string()),
    ("file_index", pa.int32()),
    ("record", pa.int64()),
    ("room_id", pa.string()),
    ("text", pa.string()),
    ("norm", pa.string()),
    ("payload", pa.binary()),
    ("info", pa.string()),
])
"""Rows of the read stage: ``payload`` is the pickled ``Comment`` (comment rows); ``info``
the reject's JSON line (reject rows) or the file's counters as JSON (counts rows)."""

UNIT_SCHEMA = pa.schema([("file_index", pa.int32()), ("path", pa.string())])
"""One row per input file: what a read task receives."""

ROWS_PER_BATCH = 4096


@dataclass(frozen=True)
class ReadOptions:
    """How to read the inputs (the ``botcomments score`` reading options).

    Args:
        fmt: Forced input format, or None to detect per file.
        field_map: Field mapping such as ``text=content,user_id=uid``.
        encoding: Forced encoding, or None to detect.
        room_id: Room id for records without one (default: the file name).
        tz: Zone of naive timestamps (None: UTC).
        normalizer_version: Version of the ``norm`` column: the scorer's, which
            ``spark_score`` sets (a model's recorded version, else the current one).
    """

    fmt: str | None = None
    field_map: str | None = None
    encoding: str | None = None
    room_id: str | None = None
    tz: str | None = None
    normalizer_version: str = NORMALIZER_VERSION

    def check(self) -> None:
        """Fail early, on the driver, on options every task would fail on.

        Raises:
            ValueError: On an unknown format, encoding or zone, or a malformed mapping.
        """
        open_comments([], fmt=self.fmt, field_map=self.field_map, encoding=self.encoding,
                      tz=self.tz).close()


class _RowBuffer:
    """Collects read-stage rows and cuts them into Arrow record batches."""

    def __init__(self) -> None:
        self.columns: dict[str, list[Any]] = {name: [] for name in READ_SCHEMA.names}

    def add(self, **values: Any) -> None:
        for name, column in self.columns.items():
            column.append(values.get(name))

    def __len__(self) -> int:
        return len(self.columns["kind"])

    def take(self) -> pa.RecordBatch:
        batch = pa.RecordBatch.from_pydict(self.columns, schema=READ_SCHEMA)
        self.columns = {name: [] for name in READ_SCHEMA.names}
        return batch


def read_file(file_index: int, path: str, options: ReadOptions) -> Iterator[pa.RecordBatch]:
    """Read one input file into read-stage rows.

    Args:
        file_index: The file's index in the expanded input list.
        path: The file, as the driver listed it (rejects name it so).
        options: Reading options.

    Yields:
        Record batches of :data:`READ_SCHEMA`; the last one holds the file's counters.
    """
    normalizer = Normalizer(options.normalizer_version)
    rows = _RowBuffer()
    with tempfile.TemporaryDirectory(prefix="botcomments-read-") as tmp:
        rejects = Path(tmp) / "rejects.jsonl"
        stream = open_comments([path], fmt=options.fmt, field_map=options.field_map,
                               encoding=options.encoding, room_id=options.room_id,
                               tz=options.tz, rejects_path=rejects)
        with stream:
            pending: list[Comment] = []
            record = 0
            for comment in stream:
                pending.append(comment)
                if len(pending) >= ROWS_PER_BATCH:
                    yield _comment_batch(file_index, record, pending, normalizer)
                    record += len(pending)
                    pending = []
            if pending:
                yield _comment_batch(file_index, record, pending, normalizer)
        with rejects.open(encoding="utf-8") as fh:
            for record, line in enumerate(fh):
                rows.add(kind=REJECT, file_index=file_index, record=record,
                         info=line.rstrip("\n"))
                if len(rows) >= ROWS_PER_BATCH:
                    yield rows.take()
    rows.add(kind=COUNTS, file_index=file_index, record=0,
             info=json.dumps(stream.stats.to_dict(), ensure_ascii=False))
    yield rows.take()


def _comment_batch(file_index: int, first_record: int, comments: list[Comment],
                   normalizer: Normalizer) -> pa.RecordBatch:
    """Comment rows of consecutive comments of one file, normal forms computed in one go."""
    norms = normalizer.normalize_batch([c.text for c in comments])
    n = len(comments)
    return pa.RecordBatch.from_pydict({
        "kind": [COMMENT] * n,
        "file_index": [file_index] * n,
        "record": list(range(first_record, first_record + n)),
        "room_id": [c.room_id for c in comments],
        "text": [c.text for c in comments],
        "norm": [x.text for x in norms],
        "payload": [pickle.dumps(c, protocol=pickle.HIGHEST_PROTOCOL) for c in comments],
        "info": [None] * n,
    }, schema=READ_SCHEMA)


def read_units(batches: Iterator[pa.RecordBatch], options: ReadOptions
               ) -> Iterator[pa.RecordBatch]:
    """The read task: every input file named in ``batches`` (``mapInArrow`` body).

    Args:
        batches: Record batches of :data:`UNIT_SCHEMA`.
        options: Reading options.

    Yields:
        Record batches of :data:`READ_SCHEMA`.
    """
    for batch in batches:
        for unit in batch.to_pylist():
            yield from read_file(unit["file_index"], unit["path"], options)
