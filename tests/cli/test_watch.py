"""botcomments watch: follows a log while it is written (and stdin); every comment gets a
first verdict and a final one; final verdicts equal batch scoring of each room."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from botcomments.cli import main
from botcomments.io import open_comments
from botcomments.records import Comment
from botcomments.scoring.pipeline import Scorer
from botcomments.simulate import SimulationConfig, simulate

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    comments = simulate(2, seed=3, config=SimulationConfig(room_size=(150, 200))).comments
    return [dict(c.to_dict(), msg_id=f"m{i}") for i, c in enumerate(comments)]


def lines(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def batch_final(path: Path) -> dict[str, dict]:
    """Verdicts of scoring each room on its own (what a closed live room must equal)."""
    rooms: dict[str, list[Comment]] = {}
    for c in open_comments(path):
        rooms.setdefault(c.room_id, []).append(c)
    out = {}
    for comments in rooms.values():
        for c, v in zip(comments, Scorer.rule_only().score(comments).verdicts, strict=True):
            out[str(c.msg_id)] = v.to_dict()
    return out


def check_events(events: list[dict], expected: dict[str, dict]) -> None:
    first = {e["comment_id"]: e for e in reversed(events) if e["revision"] == 0}
    final = {e["comment_id"]: e for e in events if e["final"]}
    assert first.keys() == final.keys() == expected.keys()
    assert all("text" in e and "user_id" in e for e in first.values())
    for cid, verdict in expected.items():
        got = final[cid]
        assert (got["is_bot"], got["flags"], got["bot_score"]) == \
            (verdict["is_bot"], verdict["flags"], verdict["bot_score"]), cid


def test_watch_follows_a_file_being_written(tmp_path: Path, rows: list[dict]) -> None:
    src = tmp_path / "live.jsonl"
    half = len(rows) // 2
    src.write_text(lines(rows[:half]), "utf-8")
    cut = lines(rows[half:])

    def writer() -> None:  # the recorder appends the rest, one record cut mid-line
        time.sleep(0.5)
        with src.open("a", encoding="utf-8") as fh:
            fh.write(cut[:25])
            fh.flush()
            time.sleep(0.3)
            fh.write(cut[25:])

    thread = threading.Thread(target=writer)
    thread.start()
    out = tmp_path / "out"
    assert main(["watch", str(src), "--no-model", "--out", str(out), "--interval", "0.2",
                 "--poll", "0.05", "--idle-exit", "1.5", "--summary-every", "0.3"]) == 0
    thread.join()
    events = [json.loads(x) for x in (out / "events.jsonl").read_text("utf-8").splitlines()]
    check_events(events, batch_final(src))
    rooms = json.loads((out / "rooms.json").read_text("utf-8"))
    rooms = rooms["rooms"] if isinstance(rooms, dict) else rooms
    assert sum(r["n_comments"] for r in rooms) == len(rows)


def test_watch_reads_stdin(tmp_path: Path, rows: list[dict]) -> None:
    src = tmp_path / "all.jsonl"
    src.write_text(lines(rows), "utf-8")
    run = subprocess.run(
        [sys.executable, "-c", "import sys; from botcomments.cli import main; "
         "sys.exit(main(sys.argv[1:]))", "watch", "-", "--no-model", "--interval", "0.1"],
        input=lines(rows) + "{broken\n", capture_output=True, text=True, cwd=ROOT,
        timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    events = [json.loads(x) for x in run.stdout.splitlines()]
    check_events(events, batch_final(src))
    assert "rejected 1" in run.stderr and "Traceback" not in run.stderr


def test_watch_refuses_what_cannot_be_followed(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "chat.csv"
    csv.write_text("text,room_id\n主播好,r\n", "utf-8")
    assert main(["watch", str(csv), "--no-model", "--idle-exit", "0.2"]) == 2
    assert "cannot be followed" in capsys.readouterr().err
    assert main(["watch", str(tmp_path / "missing.jsonl"), "--no-model"]) == 2


def test_watch_follows_a_recorder_xml_being_written(tmp_path: Path) -> None:
    """BililiveRecorder XML cut mid-element: the rest arrives, nothing is lost."""
    fixture = ROOT / "tests" / "io" / "fixtures" / "bililive.xml"
    data = fixture.read_bytes()
    cut = data.index(b"<d ", len(data) // 2) + 10
    src = tmp_path / "room.xml"
    src.write_bytes(data[:cut])

    def writer() -> None:
        time.sleep(0.5)
        with src.open("ab") as fh:
            fh.write(data[cut:])

    thread = threading.Thread(target=writer)
    thread.start()
    out = tmp_path / "out"
    assert main(["watch", str(src), "--no-model", "--out", str(out), "--interval", "0.2",
                 "--poll", "0.05", "--idle-exit", "1.5"]) == 0
    thread.join()
    events = [json.loads(x) for x in (out / "events.jsonl").read_text("utf-8").splitlines()]
    whole = list(open_comments(fixture))
    assert len({e["comment_id"] for e in events if e["final"]}) == len(whole)
    assert sorted(e["text"] for e in events if e["revision"] == 0 and "text" in e) == \
        sorted(c.text for c in whole)
