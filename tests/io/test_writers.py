"""RecordWriter's Parquet typing: all-null first batches and fields that appear later."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from botcomments.io.writers import RecordWriter
from botcomments.records import Comment
from botcomments.scoring.outputs import COMMENTS_PARQUET_SCHEMA, CommentsWriter
from botcomments.scoring.types import Verdict


def test_all_null_first_batch_is_typed_as_string(tmp_path: Path) -> None:
    path = tmp_path / "x.parquet"
    with RecordWriter(path, batch_size=2) as w:
        w.write_all([{"user_id": None}, {"user_id": None}, {"user_id": "42"}])
    table = pq.read_table(path)
    assert table.schema.field("user_id").type == pa.string()
    assert table.column("user_id").to_pylist() == [None, None, "42"]


def test_field_missing_from_first_batch_is_an_error_not_a_silent_drop(tmp_path: Path) -> None:
    w = RecordWriter(tmp_path / "x.parquet", batch_size=1)
    w.write({"text": "a"})
    with pytest.raises(ValueError, match=r"\['nick'\].*schema="):
        w.write({"text": "b", "nick": "阿花"})


def test_scored_parquet_keeps_extra_fields_that_appear_late(tmp_path: Path) -> None:
    guest = Comment(text="666", room_id="r1", ts=1.0)
    named = Comment(text="主播好美", room_id="r1", ts=2.0, user_id="7", extra={"nick": "阿花"})
    verdict = Verdict(0.1, False, ())
    with CommentsWriter(tmp_path, parquet=True) as w:
        w.write(guest, verdict)
        w.write(named, verdict)
    table = pq.read_table(tmp_path / "comments.parquet")
    assert table.schema.names == COMMENTS_PARQUET_SCHEMA.names
    assert table.column("user_id").to_pylist() == [None, "7"]
    assert table.column("extra").to_pylist() == ["{}", '{"nick": "阿花"}']
