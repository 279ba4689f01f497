"""Every subcommand, fed the usual user errors (missing files and folders, a file where a
folder belongs, bad numbers, unknown formats), ends with a message and a non-zero exit code:
never a Python traceback, never an exception out of ``main``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from botcomments.cli import main

CASES: list[tuple[str, list[str]]] = [
    ("score-missing-input", ["score", "{tmp}/nope.jsonl", "--out", "{tmp}/o", "--no-model"]),
    ("score-missing-model", ["score", "{chat}", "--out", "{tmp}/o", "--model", "{tmp}/nomodel"]),
    ("score-out-is-a-file", ["score", "{chat}", "--out", "{file}/sub", "--no-model"]),
    ("score-bad-threshold", ["score", "{chat}", "--out", "{tmp}/o", "--threshold", "2"]),
    ("score-bad-format", ["score", "{chat}", "--out", "{tmp}/o", "--no-model",
                          "--input-format", "xls"]),
    ("score-bad-tz", ["score", "{chat}", "--out", "{tmp}/o", "--no-model", "--tz", "Mars/Base"]),
    ("score-bad-map", ["score", "{chat}", "--out", "{tmp}/o", "--no-model", "--map", "txt"]),
    ("score-bad-lang", ["score", "{chat}", "--out", "{tmp}/o", "--no-model", "--lang", "fr"]),
    ("score-bad-precision", ["score", "{chat}", "--out", "{tmp}/o", "--precision", "fp8"]),
    ("read-missing-input", ["read", "{tmp}/nope.jsonl"]),
    ("read-bad-encoding", ["read", "{chat}", "--encoding", "klingon"]),
    ("classify-missing-model", ["classify", "{chat}", "--out", "{tmp}/c.jsonl", "--model",
                                "{tmp}/nomodel"]),
    ("classify-empty-model-folder", ["classify", "{chat}", "--out", "{tmp}/c.jsonl",
                                     "--model", "{tmp}"]),
    ("classify-missing-input", ["classify", "{tmp}/nope.txt", "--out", "{tmp}/o.jsonl"]),
    ("watch-missing-input", ["watch", "{tmp}/nope.jsonl", "--no-model"]),
    ("watch-out-is-a-file", ["watch", "{chat}", "--no-model", "--out", "{file}/sub"]),
    ("score-out-under-proc", ["score", "{chat}", "--out", "/proc/botcomments-x/o",
                              "--no-model"]),
    ("watch-out-under-proc", ["watch", "{chat}", "--no-model", "--out", "/proc/botcomments-x"]),
    ("read-out-under-a-file", ["read", "{chat}", "--out", "{file}/sub/o.jsonl"]),
    ("read-out-under-proc", ["read", "{chat}", "--out", "/proc/botcomments-x.jsonl"]),
    ("read-rejects-under-a-file", ["read", "{chat}", "--rejects", "{file}/r.jsonl"]),
    ("read-events-under-proc", ["read", "{chat}", "--events", "/proc/botcomments-x.jsonl"]),
    ("classify-out-under-a-file", ["classify", "{chat}", "--out", "{file}/o.jsonl"]),
    ("classify-rejects-under-proc", ["classify", "{chat}", "--out", "{tmp}/c.jsonl",
                                     "--rejects", "/proc/botcomments-x.jsonl"]),
    ("serve-bad-limit", ["serve", "--no-model", "--max-comments", "0"]),
    ("train-missing-data", ["train", "--data", "{tmp}/nope.csv", "--out", "{tmp}/m"]),
    ("train-bad-map", ["train", "--data", "{chat}", "--out", "{tmp}/m", "--map", "x=y"]),
    ("train-fusion-missing-model", ["train-fusion", "--model", "{tmp}/nomodel", "--data",
                                    "{chat}"]),
    ("evaluate-missing-model", ["evaluate", "--model", "{tmp}/nomodel", "--data", "{chat}"]),
    ("simulate-bad-rooms", ["simulate", "--rooms", "-3", "--out", "{tmp}/s.jsonl"]),
    ("bench-missing-model", ["bench", "--model", "{tmp}/nomodel", "--n", "50"]),
    ("unknown-subcommand", ["frobnicate"]),
]


@pytest.mark.parametrize("argv", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_user_error_ends_in_a_message_not_a_traceback(
        argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture, request: pytest.FixtureRequest) -> None:
    chat = tmp_path / "chat.jsonl"
    chat.write_text(json.dumps({"text": "主播好美", "room_id": "r1", "ts": 1_700_000_000,
                                "user_id": "u1"}, ensure_ascii=False) + "\n", "utf-8")
    a_file = tmp_path / "a-file"
    a_file.write_text("x", "utf-8")
    args = [a.format(tmp=tmp_path, chat=chat, file=a_file) for a in argv]
    try:
        code = main(args)
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code if isinstance(exc.code, int) else 2
    printed = capsys.readouterr()
    assert code != 0, printed.out + printed.err
    assert "Traceback" not in printed.out + printed.err + caplog.text
    assert code == 2 or "unknown" in request.node.callspec.id, printed.err
    assert (printed.err + printed.out + caplog.text).strip()  # it said why
    if "-under-" in request.node.callspec.id:  # an unwritable output: one line, exit 2
        assert code == 2, printed.err
        assert printed.err.startswith("error: cannot write "), printed.err
        assert printed.err.count("\n") == 1 and "; choose another --" in printed.err
    if "missing-model" in request.node.callspec.id:  # names the folder, not models/default
        assert code == 2 and "nomodel does not exist; pass --model DIR" in printed.err
        assert "pass models/default" not in printed.err


def test_closed_stdout_pipe_ends_quietly_with_exit_0(tmp_path: Path) -> None:
    """``botcomments read x.jsonl | head -1`` with head gone first: no BrokenPipeError."""
    chat = tmp_path / "chat.jsonl"
    chat.write_text("".join(json.dumps({"text": f"主播好美{i}", "room_id": "r1"},
                                       ensure_ascii=False) + "\n" for i in range(50)), "utf-8")
    code = "import sys; from botcomments.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.Popen([sys.executable, "-c", code, "read", str(chat)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line is written
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert "Traceback" not in err and "BrokenPipeError" not in err, err


@pytest.mark.parametrize("argv", [
    ["train", "--data", "{chat}", "--out", "{tmp}/m"],
    ["evaluate", "--model", "{tmp}/nomodel", "--data", "{chat}"],
], ids=["train", "evaluate"])
def test_missing_train_extra_is_the_install_hint(
        argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    """``datasets`` (read late, by load_table) missing: exit 2 and the pip line."""
    chat = tmp_path / "chat.jsonl"
    chat.write_text(json.dumps({"text": "主播好美", "label": 0}, ensure_ascii=False) + "\n",
                    "utf-8")
    monkeypatch.setitem(sys.modules, "datasets", None)
    assert main([a.format(tmp=tmp_path, chat=chat) for a in argv]) == 2
    printed = capsys.readouterr()
    assert "pip install 'botcomments[train]'" in caplog.text
    assert "Traceback" not in printed.out + printed.err + caplog.text


def test_missing_spark_extra_is_the_install_hint(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    chat = tmp_path / "chat.jsonl"
    chat.write_text(json.dumps({"text": "主播好美"}, ensure_ascii=False) + "\n", "utf-8")
    monkeypatch.setitem(sys.modules, "pyspark", None)
    code = main(["spark-score", str(chat), "--out", str(tmp_path / "o"), "--no-model"])
    err = capsys.readouterr().err
    assert code == 2
    assert "pyspark is not installed; pip install 'botcomments[spark]'" in err
    assert "did not start" not in err and "Traceback" not in err
