"""User errors end in a message and an exit code, never a traceback, and never write over
an input; single bad records are rejected with a reason while the run goes on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from botcomments.cli import main
from botcomments.io.json_readers import TOO_DEEP
from botcomments.io.mapping import parse_field_map


def _write(path: Path, rows: list[dict] | list[str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def chat(tmp_path: Path) -> Path:
    rows = [{"text": "主播好美", "room_id": "r1", "ts": 1_700_000_000 + i, "user_id": f"u{i}"}
            for i in range(20)]
    return _write(tmp_path / "chat.jsonl", rows)


@pytest.mark.parametrize(
    "argv",
    [
        ["read", "{chat}", "--out", "{chat}"],
        ["read", "{chat}", "--out", "{tmp}/other.jsonl", "--rejects", "{chat}"],
        ["score", "{chat}", "--out", "{chat}", "--no-model"],
        ["classify", "{chat}", "--out", "{chat}", "--model", "{tmp}/no-model-needed"],
    ],
    ids=["read-out", "read-rejects", "score-out", "classify-out"],
)
def test_never_writes_over_an_input(
    argv: list[str], chat: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = chat.read_bytes()
    args = [a.format(chat=chat, tmp=tmp_path) for a in argv]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "would be overwritten" in err and "Traceback" not in err
    assert chat.read_bytes() == before


@pytest.mark.parametrize(
    "argv",
    [
        ["score", "{dir}", "--out", "{dir}/out", "--no-model"],
        ["score", "{dir}", "--out", "{dir}", "--no-model"],
        ["score", "{tmp}/link", "--out", "{dir}/../in/out", "--no-model"],
        ["spark-score", "{dir}", "--out", "{dir}/out", "--no-model"],
        ["read", "{dir}", "--out", "{dir}/normalised.jsonl"],
        ["read", "{dir}", "--rejects", "{dir}/sub/rejects.jsonl"],
        ["read", "{dir}", "--events", "{tmp}/link/events.jsonl"],
        ["classify", "{dir}", "--out", "{dir}/scored.jsonl", "--model", "{tmp}/m"],
    ],
    ids=["score-out-in-input", "score-out-is-input", "score-via-link-and-dots",
         "spark-score", "read-out", "read-rejects",
         "read-events-via-link", "classify-out"],
)
def test_never_writes_inside_an_input_folder(
    argv: list[str], chat: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An input folder is read recursively: outputs in it would be the next run's inputs."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "chat.jsonl").write_bytes(chat.read_bytes())
    (tmp_path / "link").symlink_to(folder)
    before = sorted(p.name for p in folder.rglob("*"))
    assert main([a.format(dir=folder, tmp=tmp_path) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
    assert "inside the input folder" in err or "is the input" in err
    assert sorted(p.name for p in folder.rglob("*")) == before


@pytest.mark.parametrize("value", ["nan", "5", "-1", "0", "1", "abc"])
def test_threshold_must_be_a_probability(
    value: str, chat: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["score", str(chat), "--out", str(tmp_path / "o"), "--no-model",
              "--threshold", value])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "strictly between 0 and 1" in err and "Traceback" not in err


def test_out_under_a_regular_file(
    chat: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    assert main(["score", str(chat), "--out", str(blocker / "sub"), "--no-model"]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def _rejects(out: Path) -> list[dict]:
    text = (out / "rejects.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_deeply_nested_json_is_rejected(tmp_path: Path, suffix: str) -> None:
    good = {"text": "主播好美", "room_id": "r1", "ts": 1_700_000_000, "user_id": "u"}
    deep = "[" * 100_000 + "]" * 100_000
    if suffix == ".jsonl":
        path = _write(tmp_path / "in.jsonl", [good, deep])
    else:
        path = tmp_path / "in.json"
        path.write_text(f"[{json.dumps(good)}, {deep}]", encoding="utf-8")
    out = tmp_path / "o"
    assert main(["score", str(path), "--out", str(out), "--no-model"]) == 0
    rejects = _rejects(out)
    assert [r["reason"] for r in rejects] == ["invalid_json"]
    assert TOO_DEEP in rejects[0]["detail"]
    assert len((out / "comments.jsonl").read_text().splitlines()) == 1


def test_lone_surrogates_are_rejected_not_fatal(tmp_path: Path) -> None:
    lines = [
        '{"text": "hi", "room_id": "r1", "ts": 1700000000, "user_id": "ok"}',
        '{"text": "hi", "room_id": "r1", "ts": 1700000001, "user_id": "\\ud800x"}',
        '{"text": "hi", "room_id": "r1", "ts": 1700000002, "user_id": "v", "nick": "\\udfff"}',
        '{"text": "hi", "room_id": "r1", "ts": 1700000003, "user_id": "w",'
        ' "meta": {"a": ["\\ud83d"]}}',
    ]
    path = _write(tmp_path / "in.jsonl", lines)
    out = tmp_path / "o"
    assert main(["score", str(path), "--out", str(out), "--no-model"]) == 0
    rejects = _rejects(out)
    assert [r["reason"] for r in rejects] == ["invalid_encoding"] * 3
    assert "'nick'" in rejects[1]["detail"] and "meta.a[0]" in rejects[2]["detail"]
    assert len((out / "comments.jsonl").read_text().splitlines()) == 1


@pytest.mark.parametrize("command", ["score", "read", "classify"])
def test_missing_input_is_an_error(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "nope.jsonl")
    extra = {"score": ["--out", str(tmp_path / "o"), "--no-model"], "read": [],
             "classify": ["--out", str(tmp_path / "o.jsonl"), "--model", str(tmp_path)]}
    assert main([command, missing, *extra[command]]) == 2
    err = capsys.readouterr().err
    assert "input not found" in err and "nope.jsonl" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0 and capsys.readouterr().out.startswith("botcomments ")


def test_map_typed_with_full_width_commas(chat: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert main(["score", str(chat), "--out", str(out), "--no-model",
                 "--map", "text＝text，room_id=room_id"]) == 0
    assert len((out / "comments.jsonl").read_text().splitlines()) == 20


@pytest.mark.parametrize("spec", ["text=content=room", "text=content room_id=room", "text"])
def test_malformed_map_is_refused(spec: str) -> None:
    with pytest.raises(ValueError, match="FIELD=COLUMN pairs separated by commas"):
        parse_field_map(spec)


def test_rejected_for_want_of_map_names_the_fields(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.jsonl", [{"msg_body": "主播好美", "uid": "u1"}])
    out = tmp_path / "o"
    assert main(["score", str(path), "--out", str(out), "--no-model"]) == 0
    (reject,) = _rejects(out)
    assert reject["reason"] == "missing_text" and "msg_body, uid" in reject["detail"]


def test_non_finite_side_fields_are_written_as_null(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "hi", "room_id": "r", "ts": 1700000000, "user_id": "u", '
                    '"score": NaN, "deep": {"x": [Infinity]}}\n', encoding="utf-8")
    out = tmp_path / "o"
    assert main(["score", str(path), "--out", str(out), "--no-model", "--format", "parquet"]) == 0
    row = json.loads((out / "comments.jsonl").read_text(encoding="utf-8"))  # strict JSON
    assert row["score"] is None and row["deep"] == {"x": [None]}


NAIVE = "2024-05-30 20:00:00"
UTC_20H = 1_717_099_200.0  # 2024-05-30T20:00:00Z


@pytest.mark.parametrize(
    ("tz", "expected"),
    [(None, UTC_20H), ("Asia/Shanghai", UTC_20H - 8 * 3600), ("UTC", UTC_20H)],
)
def test_tz_reads_naive_times_in_that_zone(
    tz: str | None, expected: float, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{"text": "主播好美", "room_id": "r", "ts": NAIVE, "user_id": "u"},
            {"text": "晚安", "room_id": "r", "ts": 1_717_099_200, "user_id": "v"},
            {"text": "来了", "room_id": "r", "ts": "2024-05-30T20:00:00+08:00", "user_id": "w"}]
    path = _write(tmp_path / "in.jsonl", rows)
    out = tmp_path / "o"
    argv = ["score", str(path), "--out", str(out), "--no-model"]
    assert main(argv + (["--tz", tz] if tz else [])) == 0
    ts = [json.loads(x)["ts"] for x in (out / "comments.jsonl").read_text().splitlines()]
    assert ts == [expected, UTC_20H, UTC_20H - 8 * 3600]  # only the naive one moves
    printed = capsys.readouterr().out
    assert f"1 timestamps without a zone were read as {tz or 'UTC'}" in printed
    assert ("--tz ZONE" in printed) == (tz is None)


def test_unknown_zone_is_a_usage_error(chat: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["read", str(chat), "--tz", "Beijing"])
    assert exc.value.code == 2 and "Asia/Shanghai" in capsys.readouterr().err
