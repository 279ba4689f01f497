"""Writers of the ``botcomments score`` outputs: comments.jsonl(/.parquet), rooms.json, report.

Output contract (other tools depend on it):
- ``comments.jsonl``: one line per accepted input comment, input order, the input fields
  plus ``bot_score`` (float 0-1), ``is_bot`` (bool), ``flags`` (list of str) and
  ``evidence`` (flag -> dict) and, with a text model, ``text_score``;
- ``comments.parquet`` (optional): the same rows with a fixed schema: core fields,
  ``flags`` as a list column, ``evidence`` and the other input fields (``extra``) as JSON
  strings;
- ``rooms.json``: list of room objects (see ``RoomReport``); a room whose input carried
  engagement events (likes, enters, viewer counts, gifts, follows) also has an
  ``engagement`` block, and a room with events but no comments is an entry
  ``{"room_id", "n_comments": 0, "engagement"}`` after the scored rooms;
- ``report.html``: the self-contained report.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from botcomments.io.closing import ClosesOnExit
from botcomments.io.writers import CORE_PARQUET_FIELDS, RecordWriter, json_line, json_safe
from botcomments.records import Comment
from botcomments.scoring.types import RoomReport, Verdict

COMMENTS_FILE = "comments.jsonl"
COMMENTS_PARQUET = "comments.parquet"
ROOMS_FILE = "rooms.json"
REPORT_FILE = "report.html"
REJECTS_FILE = "rejects.jsonl"
OUTPUT_FIELDS: tuple[str, ...] = ("bot_score", "is_bot", "flags")
"""Fields the scorer adds to every input record (the contract's minimum)."""
COMMENTS_PARQUET_SCHEMA = pa.schema(
    [
        *CORE_PARQUET_FIELDS,
        ("bot_score", pa.float64()),
        ("is_bot", pa.bool_()),
        ("flags", pa.list_(pa.string())),
        ("text_score", pa.float64()),
        ("evidence", pa.string()),
        ("extra", pa.string()),
    ]
)
"""Fixed schema of ``comments.parquet``: evidence and the other input fields as JSON strings,
so guest-only first batches or fields that appear later never break or vanish."""


def comment_record(comment: Comment, verdict: Verdict) -> dict[str, Any]:
    """Merge a comment's input fields with its verdict.

    Args:
        comment: The input comment.
        verdict: Its verdict.

    Returns:
        The output row (verdict fields win over same-named input fields).
    """
    row = comment.to_dict()
    row.update(verdict.to_dict())
    return row


def parquet_row(comment: Comment, row: dict[str, Any]) -> dict[str, Any]:
    """A scored comment as a row of :data:`COMMENTS_PARQUET_SCHEMA`.

    Args:
        comment: The input comment.
        row: Its output record (:func:`comment_record`).

    Returns:
        The flat row: schema columns, ``evidence`` and the other input fields as JSON.
    """
    flat = {name: row.get(name) for name in COMMENTS_PARQUET_SCHEMA.names}
    flat["evidence"] = json_line(row["evidence"])
    flat["extra"] = json.dumps(json_safe(comment.extra), ensure_ascii=False, default=str)
    return flat


class CommentsWriter(ClosesOnExit):
    """Stream scored comments to ``comments.jsonl`` (and optionally Parquet).

    Args:
        out_dir: Output folder.
        parquet: Also write ``comments.parquet``.
    """

    def __init__(self, out_dir: Path | str, parquet: bool = False) -> None:
        self.out_dir = Path(out_dir)
        self._jsonl = RecordWriter(self.out_dir / COMMENTS_FILE)
        self._parquet = (
            RecordWriter(self.out_dir / COMMENTS_PARQUET, schema=COMMENTS_PARQUET_SCHEMA)
            if parquet
            else None
        )

    def write(self, comment: Comment, verdict: Verdict) -> None:
        """Write one scored comment."""
        row = comment_record(comment, verdict)
        self._jsonl.write(row)
        if self._parquet is not None:
            self._parquet.write(parquet_row(comment, row))

    @property
    def n_written(self) -> int:
        """Rows written so far."""
        return self._jsonl.n_written

    @property
    def paths(self) -> list[Path]:
        """Files this writer produces."""
        out = [self._jsonl.path]
        if self._parquet is not None:
            out.append(self._parquet.path)
        return out

    def close(self) -> None:
        """Flush and close the files."""
        self._jsonl.close()
        if self._parquet is not None:
            self._parquet.close()


def room_entries(rooms: Sequence[RoomReport],
                 engagement: Mapping[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The ``rooms.json`` entries: room reports, with their engagement blocks.

    Args:
        rooms: Room reports.
        engagement: Room id -> ``engagement`` block (``scoring.room_events``), for the
            rooms whose input had engagement events; None or empty for chat only.

    Returns:
        One dict per report (with ``engagement`` when it has one), then one
        ``{"room_id", "n_comments": 0, "engagement"}`` per room with events only.
    """
    return list(_room_entries(rooms, engagement))


def _room_entries(rooms: Sequence[RoomReport],
                  engagement: Mapping[str, dict[str, Any]] | None
                  ) -> Iterator[dict[str, Any]]:
    """:func:`room_entries` one at a time."""
    blocks = engagement or {}
    for room in rooms:
        entry = room.to_dict()
        block = blocks.get(room.room_id)
        if block is not None:
            entry["engagement"] = json_safe(block)
        yield entry
    if blocks:
        scored = {r.room_id for r in rooms}
        yield from ({"room_id": room, "n_comments": 0, "engagement": json_safe(block)}
                    for room, block in blocks.items() if room not in scored)


def write_rooms(path: Path | str, rooms: Sequence[RoomReport],
                engagement: Mapping[str, dict[str, Any]] | None = None) -> Path:
    """Write ``rooms.json``, entry by entry.

    The file is ``json.dumps(room_entries(...), ensure_ascii=False, indent=1)`` byte for
    byte, but only one entry's dict and text exist at a time (an archive of 5,000 rooms
    made ~300 MB of dicts and one ~150 MB string when written at once).

    Args:
        path: Output file.
        rooms: Room reports.
        engagement: Room id -> ``engagement`` block (see :func:`room_entries`).

    Returns:
        The path.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("w", encoding="utf-8") as f:
        f.write("[")
        n = 0
        for n, entry in enumerate(_room_entries(rooms, engagement), 1):
            # an entry one level down: each of its lines indented by one more space
            text = json.dumps(entry, ensure_ascii=False, indent=1).replace("\n", "\n ")
            f.write(("," if n > 1 else "") + "\n " + text)
        f.write("\n]" if n else "]")
    return p
