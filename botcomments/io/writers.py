"""Streaming writers for record dicts: JSONL and Parquet, chosen by extension.

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.jsonl"
    >>> with RecordWriter(p) as w:
    ...     w.write({"text": "主播好美", "room_id": "r1"})
    >>> p.read_text(encoding="utf-8").strip()
    '{"text": "主播好美", "room_id": "r1"}'
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from botcomments.io.closing import ClosesOnExit

WRITE_FORMATS: tuple[str, ...] = ("jsonl", "parquet")

CORE_PARQUET_FIELDS: tuple[pa.Field, ...] = (
    pa.field("platform", pa.string()),
    pa.field("room_id", pa.string()),
    pa.field("user_id", pa.string()),
    pa.field("ts", pa.float64()),
    pa.field("text", pa.string()),
    pa.field("msg_id", pa.string()),
    pa.field("label", pa.int64()),
)
"""Parquet columns of the core ``Comment`` fields, in ``records.CORE_FIELDS`` order; writers
with a fixed schema build on these so all-null columns keep their type."""


def format_for_path(path: Path) -> str:
    """Pick the output format from a file extension.

    Args:
        path: Output path ending in .jsonl/.json/.ndjson or .parquet.

    Returns:
        "jsonl" or "parquet".

    Raises:
        ValueError: For any other extension.
    """
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    raise ValueError(f"cannot tell the output format of {path}: use a .jsonl or .parquet name")


def _inferred_schema(rows: list[dict[str, Any]]) -> pa.Schema:
    """Infer a Parquet schema from the first batch; all-null columns become strings.

    Args:
        rows: The first batch of records.

    Returns:
        The schema (a column with no value in the batch cannot type itself; string is the
        type of every nullable id/text field of the record format).
    """
    schema = pa.Table.from_pylist(rows).schema
    for i, fld in enumerate(schema):
        if pa.types.is_null(fld.type):
            schema = schema.set(i, pa.field(fld.name, pa.string()))
    return schema


def json_safe(value: Any) -> Any:
    """``value`` with NaN and infinities replaced by None (JSON has no such numbers).

    Args:
        value: A JSON-ready value (dicts, lists, scalars).

    Returns:
        The same structure; unchanged objects are returned as they are.

    Example:
        >>> json_safe({"a": float("nan"), "b": [1.0, float("inf")], "c": "x"})
        {'a': None, 'b': [1.0, None], 'c': 'x'}
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def json_line(record: dict[str, Any]) -> str:
    """One record as strict JSON: NaN/Infinity become null (see :func:`json_safe`).

    The walk that replaces them runs only when a record holds one, so ordinary records
    are serialised once (the walk costs ~7 us a record on the write path).

    Args:
        record: A JSON-ready dict.

    Returns:
        The JSON text, without a newline.
    """
    try:
        return json.dumps(record, ensure_ascii=False, allow_nan=False)
    except ValueError:  # a non-finite float somewhere
        return json.dumps(json_safe(record), ensure_ascii=False)


class RecordWriter(ClosesOnExit):
    """Write dict records one at a time with bounded memory.

    Parquet rows are buffered ``batch_size`` at a time. Without ``schema`` the schema is
    inferred from the first batch (all-null columns become strings; missing fields become
    null); a later record with a field that batch lacked raises ValueError instead of being
    dropped silently, so pass a fixed ``schema`` when fields vary.

    Args:
        path: Output file; its extension picks the format unless ``fmt`` is given.
        fmt: "jsonl" or "parquet".
        batch_size: Rows per Parquet row group.
        schema: Fixed Parquet schema (recommended when a column may be all-null in the
            first batch); ignored for JSONL.

    Raises:
        ValueError: On an unknown format.
    """

    def __init__(
        self,
        path: Path | str,
        fmt: str | None = None,
        batch_size: int = 50_000,
        schema: pa.Schema | None = None,
    ):
        self.path = Path(path)
        self.fmt = fmt or format_for_path(self.path)
        if self.fmt not in WRITE_FORMATS:
            raise ValueError(f"unknown output format {self.fmt!r}; choose one of {WRITE_FORMATS}")
        self.batch_size = batch_size
        self.n_written = 0
        self._buffer: list[dict[str, Any]] = []
        self._schema: pa.Schema | None = schema
        self._parquet: pq.ParquetWriter | None = None
        self._jsonl: IO[str] | None = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.fmt == "jsonl":
            self._jsonl = self.path.open("w", encoding="utf-8", newline="\n")

    def write(self, record: dict[str, Any]) -> None:
        """Write one record."""
        self.n_written += 1
        if self._jsonl is not None:
            self._jsonl.write(json_line(record) + "\n")
            return
        self._buffer.append(record)
        if len(self._buffer) >= self.batch_size:
            self._flush_parquet()

    def write_all(self, records: Iterable[dict[str, Any]]) -> None:
        """Write every record of an iterable."""
        for record in records:
            self.write(record)

    def _flush_parquet(self) -> None:
        if not self._buffer:
            return
        if self._schema is None:
            self._schema = _inferred_schema(self._buffer)
        else:
            self._check_fields()
        table = pa.Table.from_pylist(self._buffer, schema=self._schema)
        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self.path, self._schema)
        self._parquet.write_table(table)
        self._buffer.clear()

    def _check_fields(self) -> None:
        assert self._schema is not None
        known = set(self._schema.names)
        unknown = sorted({key for row in self._buffer for key in row} - known)
        if unknown:
            raise ValueError(
                f"{self.path}: records after the first Parquet batch have fields {unknown} "
                f"that the schema inferred from that batch lacks; pass a fixed schema= "
                f"(e.g. other fields as one JSON string column) or write JSONL"
            )

    def close(self) -> None:
        """Flush and close the file (an empty Parquet output gets an empty table)."""
        if self._jsonl is not None:
            self._jsonl.close()
            self._jsonl = None
            return
        self._flush_parquet()
        if self._parquet is None:
            empty = self._schema.empty_table() if self._schema is not None else pa.table({})
            pq.write_table(empty, self.path)
        else:
            self._parquet.close()
            self._parquet = None
