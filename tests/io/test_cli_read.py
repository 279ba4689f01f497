"""``botcomments read``: summary, --out with text_norm, --rejects, --strict exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from botcomments.cli import main


def test_read_summary_and_jsonl_out(
    fixtures_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    code = main(["read", str(fixtures_dir / "bililive.xml"), "--out", str(out), "--json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["reading"]["read"] == 35 and report["reading"]["events"] == 4
    assert report["reading"]["events_by_kind"] == {"gift": 4}  # 3 <gift>, 1 <guard>
    assert report["comments"]["comments"] == 31 and report["comments"]["rooms"] == 1
    assert report["comments"]["share_zero_width"] > 0  # the 加\u200b微\u200b信 line
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(rows) == 31 and all("text_norm" in r for r in rows)
    assert "\u200b" not in rows[15]["text_norm"] and "\u200b" in rows[15]["text"]


def test_read_parquet_out_and_rejects(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "主播好美", "ts": 1}\n{"text": ""}\n{"text": "草", "k": 1}\n', "utf-8")
    out, rejects = tmp_path / "o.parquet", tmp_path / "r.jsonl"
    assert main(["read", str(src), "--out", str(out), "--rejects", str(rejects)]) == 0
    printed = capsys.readouterr().out
    assert "read 3: accepted 2, rejected 1, skipped 0" in printed
    table = pq.read_table(out)
    assert table.num_rows == 2 and "text_norm" in table.column_names
    assert json.loads(table.column("extra")[1].as_py()) == {"k": 1}
    assert json.loads(rejects.read_text("utf-8"))["reason"] == "empty_text"


def test_read_strict_exits_nonzero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "a"}\n{"text": "b", "ts": "later"}\n', "utf-8")
    assert main(["read", str(src), "--strict"]) == 1
    err = capsys.readouterr().err
    assert "in.jsonl:2: bad_timestamp" in err and "Fix:" in err


def test_read_bad_map_is_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["read", str(tmp_path), "--map", "nonsense"]) == 2
    assert "FIELD=COLUMN" in capsys.readouterr().err
