"""``score`` and ``read`` with engagement events: rooms.json ``engagement``, chat-only unchanged."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any, ClassVar

import pytest

from botcomments.cli import main
from botcomments.io import open_comments
from botcomments.quantify.engagement import RoomEngagement
from botcomments.records import EngagementEvent
from botcomments.scoring import room_events
from botcomments.scoring.outputs import write_rooms
from botcomments.scoring.pipeline import Scorer
from botcomments.scoring.types import RoomReport

T = 1714565700


def jsonl(path: Path, objs: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs), "utf-8")
    return path


def danmu(i: int, room: int = 5050) -> dict[str, Any]:
    text = "加微信 abc123 领福利" if i % 4 == 0 else f"主播今天的衣服真好看 {i}"
    return {"cmd": "DANMU_MSG", "room_id": room,
            "info": [[0, 1, 25, 16777215, (T + i) * 1000], text, [1000 + i % 6, f"u{i % 6}"]]}


def mixed_blivedm(path: Path) -> Path:
    """Room 5050: 40 comments, 40 enters, 40 likes, 40 viewer counts, one bad count;
    room 7070: one gift and no comment."""
    rows: list[dict[str, Any]] = []
    for i in range(40):
        rows.append(danmu(i))
        rows.append({"cmd": "INTERACT_WORD", "room_id": 5050,
                     "data": {"uid": 2000 + i, "uname": "x", "msg_type": 1, "timestamp": T + i}})
        rows.append({"cmd": "LIKE_INFO_V3_CLICK", "room_id": 5050, "ts": T + i,
                     "data": {"uid": 2000 + i, "uname": "x"}})
        rows.append({"cmd": "ONLINE_RANK_COUNT", "room_id": 5050, "ts": T + i,
                     "data": {"count": 100 + i}})
    rows.append({"cmd": "ONLINE_RANK_COUNT", "room_id": 5050, "data": {}})
    rows.append({"cmd": "SEND_GIFT", "room_id": 7070,
                 "data": {"uid": 5, "num": 2, "giftName": "辣条", "timestamp": T}})
    return jsonl(path, rows)


class FakeEngagement:
    """Records what the CLI feeds it; its estimate summarises that."""

    made: ClassVar[dict[str, FakeEngagement]] = {}

    def __init__(self, room_id: str, rules_only: bool = False) -> None:
        self.room_id = room_id
        self.rules_only = rules_only
        self.events: list[str] = []
        self.comments: list[tuple[str | None, float | None, bool]] = []
        FakeEngagement.made[room_id] = self

    def add_event(self, event: EngagementEvent) -> None:
        assert event.room_id == self.room_id
        self.events.append(event.kind)

    def add_comment(self, user_id: str | None, ts: float | None, is_bot: bool) -> None:
        self.comments.append((user_id, ts, is_bot))

    def estimate(self) -> FakeEngagement:
        return self

    def to_dict(self) -> dict[str, Any]:
        return {"events": len(self.events), "comments": len(self.comments),
                "bots": sum(b for _, _, b in self.comments)}


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> type[FakeEngagement]:
    FakeEngagement.made = {}
    monkeypatch.setattr(room_events, "_room_engagement", FakeEngagement)
    return FakeEngagement


def score(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["score", *args, "--no-model", "--no-progress"]) == 0
    return capsys.readouterr().out


def scored_rows(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "comments.jsonl").read_text("utf-8").splitlines()]


def test_mixed_blivedm_gets_an_engagement_block_per_room(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], fake: type[FakeEngagement]) -> None:
    source, out = mixed_blivedm(tmp_path / "live.jsonl"), tmp_path / "out"
    printed = score(capsys, str(source), "--out", str(out))
    assert "read 162, accepted 40, rejected 1" in printed
    assert "skipped 0, events 121 (enter 40, like 40, viewers 40, gift 1);" in printed
    rows = scored_rows(out)
    rooms = json.loads((out / "rooms.json").read_text("utf-8"))
    assert [r["room_id"] for r in rooms] == ["5050", "7070"]
    assert rooms[0]["engagement"] == {"events": 120, "comments": 40,
                                      "bots": sum(r["is_bot"] for r in rows)}
    assert rooms[0]["n_comments"] == 40
    assert rooms[1] == {"room_id": "7070", "n_comments": 0,
                        "engagement": {"events": 1, "comments": 0, "bots": 0}}
    assert fake.made["5050"].comments == [(r["user_id"], r["ts"], r["is_bot"]) for r in rows]
    assert all(f.rules_only for f in fake.made.values())  # --no-model: the rules' miss rate
    reject = json.loads((out / "rejects.jsonl").read_text("utf-8"))
    assert (reject["reason"], reject["line"]) == ("bad_event", 161)
    report = (out / "report.html").read_text("utf-8")
    assert "events: <b>121</b>" in report


def test_comments_read_before_the_rooms_first_event_are_fed_too(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], fake: type[FakeEngagement]) -> None:
    chat = jsonl(tmp_path / "chat.jsonl",
                 [{"room_id": "r1", "uid": i % 5, "ts": T + i, "text": f"好看 {i}"}
                  for i in range(30)]
                 + [{"room_id": "r2", "uid": 9, "ts": T, "text": "来了"}])
    events = jsonl(tmp_path / "events.jsonl",
                   [{"kind": "enter", "room_id": "r1", "uid": i, "ts": T + i} for i in range(5)]
                   + [{"kind": "viewers", "room_id": "r1", "ts": T + 9, "count": 80}])
    out = tmp_path / "out"
    score(capsys, str(chat), str(events), "--out", str(out))
    rows = [r for r in scored_rows(out) if r["room_id"] == "r1"]
    assert fake.made["r1"].comments == [(r["user_id"], r["ts"], r["is_bot"]) for r in rows]
    assert fake.made["r1"].events == ["enter"] * 5 + ["viewers"]
    assert set(fake.made) == {"r1"}  # r2 has no event: no accumulator
    rooms = {r["room_id"]: r for r in json.loads((out / "rooms.json").read_text("utf-8"))}
    assert rooms["r1"]["engagement"]["comments"] == 30 and "engagement" not in rooms["r2"]


def test_chat_only_input_writes_what_it_wrote_before(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    def no_accumulator(room_id: str) -> FakeEngagement:
        raise AssertionError("a chat-only run built an engagement accumulator")

    monkeypatch.setattr(room_events, "_room_engagement", no_accumulator)
    chat = jsonl(tmp_path / "chat.jsonl", [danmu(i) for i in range(30)]
                 + [danmu(i, room=6060) for i in range(10)])
    out = tmp_path / "out"
    printed = score(capsys, str(chat), "--out", str(out))
    assert "events" not in printed and "engagement" not in printed
    run = Scorer.rule_only().stream(open_comments(chat))
    for _ in run:
        pass
    write_rooms(tmp_path / "expected.json", run.rooms)
    assert (out / "rooms.json").read_bytes() == (tmp_path / "expected.json").read_bytes()
    names = {f.name for f in fields(RoomReport)}
    assert all(set(r) == names for r in json.loads((out / "rooms.json").read_text("utf-8")))
    assert "events:" not in (out / "report.html").read_text("utf-8")


def test_the_real_accumulator_fills_the_block(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, out = mixed_blivedm(tmp_path / "live.jsonl"), tmp_path / "out"
    score(capsys, str(source), "--out", str(out))
    rooms = json.loads((out / "rooms.json").read_text("utf-8"))
    expected_keys = set(RoomEngagement("x").estimate().to_dict())
    assert set(rooms[0]["engagement"]) == expected_keys == set(rooms[1]["engagement"])
    assert rooms[0]["engagement"]["n_events"] == 120 and rooms[1]["engagement"]["n_events"] == 1


# ----------------------------------------------------------------------------- read --events


def test_read_writes_events_as_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, events = mixed_blivedm(tmp_path / "live.jsonl"), tmp_path / "events.jsonl"
    assert main(["read", str(source), "--events", str(events)]) == 0
    printed = capsys.readouterr().out
    assert "accepted 40, rejected 1, skipped 0 (neither comments nor engagement events), " \
           "events 121" in printed
    assert "events by kind: enter 40, like 40, viewers 40, gift 1" in printed
    assert f"wrote 121 events to {events}" in printed
    rows = [json.loads(line) for line in events.read_text("utf-8").splitlines()]
    assert len(rows) == 121
    assert rows[0] == {"cmd": "INTERACT_WORD", "msg_type": 1, "user_name": "x", "kind": "enter",
                       "platform": "bilibili", "room_id": "5050", "user_id": "2000",
                       "ts": float(T), "count": 1}
    assert rows[-1]["kind"] == "gift" and rows[-1]["count"] == 2


@pytest.mark.parametrize("events_arg", [
    pytest.param("{source}", id="over-the-input"),
    pytest.param("{tmp}/events.parquet", id="not-jsonl"),
    pytest.param("{tmp}/out.jsonl", id="same-as-out"),
])
def test_read_events_refuses_bad_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         events_arg: str) -> None:
    source = mixed_blivedm(tmp_path / "live.jsonl")
    before = source.read_bytes()
    target = events_arg.format(source=source, tmp=tmp_path)
    code = main(["read", str(source), "--out", str(tmp_path / "out.jsonl"), "--events", target])
    assert code == 2 and "error:" in capsys.readouterr().err
    assert source.read_bytes() == before


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_shows_the_engagement_panel_only_with_events(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str) -> None:
    from botcomments.scoring.report_text import words

    w = words(lang)
    source = mixed_blivedm(tmp_path / "live.jsonl")
    chat = jsonl(tmp_path / "chat.jsonl", [danmu(i) for i in range(40)])
    score(capsys, str(source), "--out", str(tmp_path / "with"), "--lang", lang)
    score(capsys, str(chat), "--out", str(tmp_path / "without"), "--lang", lang)
    with_events = (tmp_path / "with" / "report.html").read_text("utf-8")
    chat_only = (tmp_path / "without" / "report.html").read_text("utf-8")
    assert with_events.count(w["eng_heading"]) == 2  # room 5050 and the gift-only room 7070
    assert w["eng_only_heading"] in with_events
    assert w["eng_heading"] not in chat_only and w["eng_only_heading"] not in chat_only
