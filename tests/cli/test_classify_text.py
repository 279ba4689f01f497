"""classify reads a .txt file as one comment per line (not a CSV whose first line is a
header), in UTF-8 or GB18030, and counts undecodable lines instead of dropping them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from botcomments.cli import main
from botcomments.records import LABEL_NAMES

pytest.importorskip("torch", reason="classify needs the text model")

from tests.helpers.tiny_model import build_tiny_model


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_txt_is_one_comment_per_line(tmp_path: Path, encoding: str) -> None:
    model = build_tiny_model(tmp_path / "model", dict(LABEL_NAMES))
    src = tmp_path / "in.txt"
    src.write_bytes("主播好美\n加V看主页 123456\n\n晚安\n".encode(encoding))
    out = tmp_path / "scored.jsonl"
    assert main(["classify", str(src), "--model", str(model), "--out", str(out)]) == 0
    recs = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert [r["text"] for r in recs] == ["主播好美", "加V看主页 123456", "晚安"]
    assert all(0.0 <= r["bot_score"] <= 1.0 for r in recs)


def test_undecodable_txt_line_is_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = build_tiny_model(tmp_path / "model", dict(LABEL_NAMES))
    src = tmp_path / "in.txt"
    src.write_bytes("主播好美\n".encode() + b"\xff\xfe\x80\n" + "晚安\n".encode())
    out = tmp_path / "scored.jsonl"
    assert main(["classify", str(src), "--model", str(model), "--out", str(out)]) == 0
    recs = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert len(recs) == 3 and "error" in recs[1]
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["errors"] == 1


@pytest.mark.parametrize(("tz", "expected_ts"), [(None, 1_717_099_200.0),
                                                 ("Asia/Shanghai", 1_717_070_400.0)])
def test_naive_times_follow_tz_and_the_summary_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tz: str | None, expected_ts: float
) -> None:
    """2024-05-30 20:00:00 without a zone: UTC by default, Beijing time with --tz."""
    model = build_tiny_model(tmp_path / "model", dict(LABEL_NAMES))
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"room_id": "r", "ts": "2024-05-30 20:00:00", "text": "晚安"},
                              ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "scored.jsonl"
    zone = ["--tz", tz] if tz else []
    assert main(["classify", str(src), "--model", str(model), "--out", str(out), *zone]) == 0
    assert json.loads(out.read_text("utf-8"))["ts"] == expected_ts
    note = json.loads(capsys.readouterr().out.splitlines()[-1])["note"]
    assert f"read as {tz or 'UTC'}" in note


def test_default_model_is_found_next_to_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --model, classify looks where score does (cli.score.default_model_dir)."""
    model = build_tiny_model(tmp_path / "model", dict(LABEL_NAMES))
    monkeypatch.setattr("botcomments.cli.score.default_model_dir", lambda: model)
    monkeypatch.chdir(tmp_path)  # no models/default in the working directory
    src = tmp_path / "in.txt"
    src.write_text("主播好美\n", "utf-8")
    out = tmp_path / "scored.jsonl"
    assert main(["classify", str(src), "--out", str(out)]) == 0
    assert len(out.read_text("utf-8").splitlines()) == 1


def test_no_default_model_is_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("botcomments.cli.score.default_model_dir", lambda: None)
    src = tmp_path / "in.txt"
    src.write_text("主播好美\n", "utf-8")
    assert main(["classify", str(src), "--out", str(tmp_path / "o.jsonl")]) == 2
    assert "pass --model DIR" in capsys.readouterr().err


def test_txt_line_over_the_limit_is_a_reject(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not its first 4 KiB scored as a comment: a line_too_long reject, like the readers."""
    model = build_tiny_model(tmp_path / "model", dict(LABEL_NAMES))
    src = tmp_path / "in.txt"
    src.write_bytes("主播好美\n".encode() + "长".encode() * 400_000 + "\n晚安\n".encode())
    out = tmp_path / "scored.jsonl"
    assert main(["classify", str(src), "--model", str(model), "--out", str(out)]) == 0
    recs = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert [r["text"] for r in recs] == ["主播好美", "晚安"]
    rejects = [json.loads(x) for x in
               Path(f"{out}.rejects.jsonl").read_text("utf-8").splitlines()]
    assert [(r["line"], r["reason"]) for r in rejects] == [(2, "line_too_long")]
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert (summary["read"], summary["accepted"], summary["rejected"]) == (3, 2, 1)


def test_summary_counts_skipped_records_and_events(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every input record shows up: scored, rejected, skipped or counted as an event."""
    model = build_tiny_model(tmp_path / "model", dict(LABEL_NAMES))
    src = tmp_path / "in.jsonl"
    rows = [{"text": "主播好美", "room_id": "r1"},
            {"kind": "like", "room_id": "r1", "count": 3},
            {"text": "晚安", "room_id": "r1", "label": "maybe"}]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    out = tmp_path / "scored.jsonl"
    assert main(["classify", str(src), "--model", str(model), "--out", str(out)]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert {k: summary[k] for k in ("read", "accepted", "rejected", "skipped", "events",
                                     "scored")} == {"read": 3, "accepted": 1, "rejected": 1,
                                                    "skipped": 0, "events": 1, "scored": 1}
    assert summary["events_by_kind"] == {"like": 1}


def test_summary_counts_skipped_blivedm_messages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = build_tiny_model(tmp_path / "model", dict(LABEL_NAMES))
    fixture = Path(__file__).parents[1] / "io" / "fixtures" / "blivedm.jsonl"
    src = tmp_path / "dump.jsonl"
    src.write_bytes(fixture.read_bytes()
                    + b'{"cmd": "STOP_LIVE_ROOM_LIST", "data": {"room_id_list": [1]}}\n')
    out = tmp_path / "scored.jsonl"
    assert main(["classify", str(src), "--model", str(model), "--out", str(out)]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert summary["skipped"] == 1 and summary["events"] > 0
    assert summary["read"] == (summary["accepted"] + summary["rejected"] + summary["skipped"]
                               + summary["events"])
    assert summary["scored"] + summary["errors"] == summary["accepted"]


def test_the_rejects_file_is_complete_when_classify_returns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """classify closes the reader's stream: its rejects are on disk before it returns."""
    from botcomments.io import readers

    closed: list[bool] = []
    real_close = readers.CommentStream.close

    def spy(stream: readers.CommentStream) -> None:
        closed.append(True)
        real_close(stream)

    monkeypatch.setattr(readers.CommentStream, "close", spy)
    model = build_tiny_model(tmp_path / "model", dict(LABEL_NAMES))
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "主播好美"}\n{oops\n', "utf-8")
    rejects = tmp_path / "rejects.jsonl"
    assert main(["classify", str(src), "--model", str(model), "--out",
                 str(tmp_path / "scored.jsonl"), "--rejects", str(rejects)]) == 0
    capsys.readouterr()
    assert closed
    assert [json.loads(line)["reason"] for line in rejects.read_text("utf-8").splitlines()] \
        == ["invalid_json"]
