"""Engagement events in every format: typed events out, bad events rejected, counts add up."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from botcomments.io import ReadStats, open_comments
from botcomments.io.platforms import guest_user_id
from botcomments.records import Comment, EngagementEvent

WriteFile = Callable[[str, bytes], Path]
Identity = Callable[[ReadStats], None]

T = 1714565700  # 2024-05-01T12:15:00Z
ROOM = 5050


def read_events(path: Path | list[Path], **kwargs: Any
                ) -> tuple[list[Comment], list[EngagementEvent], ReadStats, list[dict[str, Any]]]:
    """Read a file with an event callback; also return the rejects file's entries."""
    events: list[EngagementEvent] = []
    rejects = Path(path if isinstance(path, Path) else path[0]).with_name("rejects.jsonl")
    stream = open_comments(path, rejects_path=rejects, on_event=events.append, **kwargs)
    comments = list(stream)
    entries = [json.loads(line) for line in rejects.read_text("utf-8").splitlines()]
    return comments, events, stream.stats, entries


def jsonl(*objs: dict[str, Any]) -> bytes:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs).encode()


def danmu(text: str = "主播好美", uid: int = 42, ms: int = T * 1000) -> dict[str, Any]:
    return {"cmd": "DANMU_MSG", "room_id": ROOM,
            "info": [[0, 1, 25, 16777215, ms], text, [uid, "小鱼儿"]]}


def bili(cmd: str, **data: Any) -> dict[str, Any]:
    return {"cmd": cmd, "room_id": ROOM, "data": data}


# ----------------------------------------------------------------------------- blivedm

BLIVEDM_EVENTS = [
    pytest.param(bili("INTERACT_WORD", uid=7, uname="新来的", msg_type=1, timestamp=T),
                 ("enter", "7", 1, float(T)), {"msg_type": 1, "user_name": "新来的"},
                 id="INTERACT_WORD-enter"),
    pytest.param(bili("INTERACT_WORD", uid=7, uname="老粉", msg_type=1, timestamp=T,
                      uinfo={"uid": 7, "wealth": {"level": 23, "dm_icon_key": ""}}),
                 ("enter", "7", 1, float(T)), {"user_level": 23}, id="INTERACT_WORD-level"),
    pytest.param(bili("INTERACT_WORD", uid=7, uname="粉丝", msg_type=2, timestamp=T),
                 ("follow", "7", 1, float(T)), {"msg_type": 2}, id="INTERACT_WORD-follow"),
    pytest.param(bili("INTERACT_WORD", uid=0, uname="路人***", msg_type=1, timestamp=T),
                 ("enter", guest_user_id("路人***"), 1, float(T)), {"guest": True},
                 id="INTERACT_WORD-guest"),
    pytest.param({**bili("LIKE_INFO_V3_CLICK", uid=8, uname="点赞"), "ts": T + 1},
                 ("like", "8", 1, float(T + 1)), {"cmd": "LIKE_INFO_V3_CLICK"},
                 id="LIKE_INFO_V3_CLICK-top-level-ts"),
    pytest.param(bili("LIKE_INFO_V3_UPDATE", click_count=12345),
                 ("like", None, 0, None), {"total": 12345}, id="LIKE_INFO_V3_UPDATE-total"),
    pytest.param(bili("ONLINE_RANK_COUNT", count=1234),
                 ("viewers", None, 1234, None), {"cmd": "ONLINE_RANK_COUNT", "counter": "online"},
                 id="ONLINE_RANK_COUNT"),
    pytest.param(bili("ONLINE_RANK_COUNT", online_count=99),
                 ("viewers", None, 99, None), {}, id="ONLINE_RANK_COUNT-online_count"),
    pytest.param(bili("WATCHED_CHANGE", num=5678, text_small="5678"),
                 ("viewers", None, 5678, None), {"cmd": "WATCHED_CHANGE", "counter": "watched"},
                 id="WATCHED_CHANGE"),
    pytest.param(bili("SEND_GIFT", uid=9, uname="momo", num=5, giftName="辣条", timestamp=T),
                 ("gift", "9", 5, float(T)), {"gift_name": "辣条", "user_name": "momo"},
                 id="SEND_GIFT"),
    pytest.param(bili("GUARD_BUY", uid=10, username="舰长", num=1, guard_level=3,
                      gift_name="舰长", start_time=T),
                 ("gift", "10", 1, float(T)), {"guard_level": 3, "user_name": "舰长"},
                 id="GUARD_BUY"),
]


@pytest.mark.parametrize(("message", "expected", "extra"), BLIVEDM_EVENTS)
def test_blivedm_event(write_file: WriteFile, assert_identity: Identity,
                       message: dict[str, Any], expected: tuple[Any, ...],
                       extra: dict[str, Any]) -> None:
    path = write_file("live.jsonl", jsonl(danmu(), message))
    comments, events, stats, rejects = read_events(path)
    assert len(comments) == 1 and not rejects and len(events) == 1
    e = events[0]
    assert (e.kind, e.user_id, e.count, e.ts) == expected
    assert (e.room_id, e.platform) == ("5050", "bilibili")
    assert extra.items() <= e.extra.items()
    assert stats.events_by_kind == {e.kind: 1} and stats.skipped == 0
    assert_identity(stats)


BLIVEDM_BAD = [
    pytest.param(bili("ONLINE_RANK_COUNT"), "ONLINE_RANK_COUNT data.count", id="viewers-no-count"),
    pytest.param(bili("ONLINE_RANK_COUNT", count="多"), "is not a non-negative", id="viewers-text"),
    pytest.param(bili("WATCHED_CHANGE", num=-3), "is not a non-negative", id="watched-negative"),
    pytest.param(bili("SEND_GIFT", uid=9, num=1.5), "is not a non-negative", id="gift-fraction"),
    pytest.param(bili("LIKE_INFO_V3_UPDATE", click_count=True), "is not a non-negative",
                 id="like-total-bool"),
    pytest.param(bili("INTERACT_WORD", uid=7), "msg_type", id="interact-no-msg-type"),
    pytest.param({"cmd": "SEND_GIFT", "data": [1, 2]}, "no 'data' object", id="gift-data-list"),
]


@pytest.mark.parametrize(("message", "detail"), BLIVEDM_BAD)
def test_blivedm_bad_event_is_rejected(write_file: WriteFile, assert_identity: Identity,
                                       message: dict[str, Any], detail: str) -> None:
    path = write_file("live.jsonl", jsonl(danmu(), message))
    comments, events, stats, rejects = read_events(path)
    assert len(comments) == 1 and not events
    assert [r["reason"] for r in rejects] == ["bad_event"] and rejects[0]["line"] == 2
    assert detail in rejects[0]["detail"]
    assert stats.rejected_by_reason == {"bad_event": 1}
    assert_identity(stats)


def test_blivedm_other_messages_stay_skipped(write_file: WriteFile,
                                             assert_identity: Identity) -> None:
    path = write_file("live.jsonl", jsonl(
        danmu(), bili("INTERACT_WORD", uid=7, msg_type=3), bili("ROOM_RANK", rank=3),
        bili("INTERACT_WORD_V2", pb="...")))
    comments, events, stats, _ = read_events(path)
    assert len(comments) == 1 and not events
    assert stats.skipped_by_kind == {"INTERACT_WORD": 1, "ROOM_RANK": 1, "INTERACT_WORD_V2": 1}
    assert_identity(stats)


# ----------------------------------------------------------------------------- Douyin

DY_ROOM = "7363900000000000001"


def douyin(method: str, create_ms: int | None = T * 1000, **fields: Any) -> dict[str, Any]:
    common: dict[str, Any] = {"method": f"Webcast{method}", "roomId": DY_ROOM}
    if create_ms is not None:
        common["createTime"] = str(create_ms)
    return {"common": common, **fields}


USER = {"id": 1234567890123456789, "nickName": "刚来的", "secUid": "MS4w"}

DOUYIN_EVENTS = [
    pytest.param(douyin("LikeMessage", count=3, total=12001, user=USER),
                 ("like", "1234567890123456789", 3, float(T)), {"total": 12001},
                 id="LikeMessage"),
    pytest.param(douyin("MemberMessage", user=USER, memberCount=321),
                 ("enter", "1234567890123456789", 1, float(T)),
                 {"member_count": 321, "user_name": "刚来的"}, id="MemberMessage"),
    pytest.param(douyin("MemberMessage", user={**USER, "payGrade": {"level": "12"}}),
                 ("enter", "1234567890123456789", 1, float(T)), {"user_level": 12},
                 id="MemberMessage-level"),
    pytest.param(douyin("RoomUserSeqMessage", total="4567", totalUser=99999),
                 ("viewers", None, 4567, float(T)), {"total_user": 99999, "counter": "online"},
                 id="RoomUserSeqMessage"),
    pytest.param(douyin("RoomUserSeqMessage", create_ms=None, totalUser=88),
                 ("viewers", None, 88, None), {"counter": "watched"},
                 id="RoomUserSeqMessage-totalUser-no-ts"),
    pytest.param(douyin("GiftMessage", user=USER, repeatCount=10,
                        gift={"name": "小心心", "diamondCount": 1}),
                 ("gift", "1234567890123456789", 10, float(T)),
                 {"gift_name": "小心心", "diamond_count": 1}, id="GiftMessage"),
    pytest.param(douyin("SocialMessage", user=USER, action=1),
                 ("follow", "1234567890123456789", 1, float(T)), {}, id="SocialMessage"),
    pytest.param({"method": "WebcastLikeMessage",
                  "payload": douyin("LikeMessage", create_ms=T, count=2)},
                 ("like", None, 2, float(T)), {}, id="LikeMessage-wrapped-seconds"),
]


@pytest.mark.parametrize(("message", "expected", "extra"), DOUYIN_EVENTS)
def test_douyin_event(write_file: WriteFile, assert_identity: Identity,
                      message: dict[str, Any], expected: tuple[Any, ...],
                      extra: dict[str, Any]) -> None:
    chat = douyin("ChatMessage", content="好看", user=USER)
    path = write_file("dy.jsonl", jsonl(chat, message))
    comments, events, stats, rejects = read_events(path)
    assert len(comments) == 1 and not rejects and len(events) == 1
    e = events[0]
    assert (e.kind, e.user_id, e.count, e.ts) == expected
    assert (e.room_id, e.platform) == (DY_ROOM, "douyin")
    assert extra.items() <= e.extra.items()
    assert_identity(stats)


@pytest.mark.parametrize(("message", "detail"), [
    pytest.param(douyin("LikeMessage", count=-1), "LikeMessage count", id="like-negative"),
    pytest.param(douyin("LikeMessage", count="many"), "LikeMessage count", id="like-text"),
    pytest.param(douyin("LikeMessage", total=5), "has no LikeMessage count", id="like-missing"),
    pytest.param(douyin("RoomUserSeqMessage"), "RoomUserSeqMessage total", id="viewers-missing"),
    pytest.param(douyin("GiftMessage", repeatCount=[1]), "repeatCount", id="gift-list"),
])
def test_douyin_bad_event_is_rejected(write_file: WriteFile, assert_identity: Identity,
                                      message: dict[str, Any], detail: str) -> None:
    path = write_file("dy.jsonl", jsonl(message))
    _, events, stats, rejects = read_events(path)
    assert not events and [r["reason"] for r in rejects] == ["bad_event"]
    assert detail in rejects[0]["detail"]
    assert_identity(stats)


def test_douyin_share_and_other_messages_stay_skipped(write_file: WriteFile) -> None:
    path = write_file("dy.jsonl", jsonl(douyin("SocialMessage", action=3),
                                        douyin("RoomRankMessage")))
    _, events, stats, _ = read_events(path)
    assert not events and stats.skipped_by_kind == {"SocialMessage": 1, "RoomRankMessage": 1}


# ----------------------------------------------------------------------------- recorder XML


def live_xml(*elements: str, start: str = "2024-05-01T20:15:00+08:00") -> bytes:
    body = "\n".join(elements)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<i>\n<BililiveRecorder version="2" />\n'
            f'<BililiveRecorderRecordInfo roomid="21452505" start_time="{start}" />\n'
            f"{body}\n</i>\n").encode()


D = f'<d p="1.5,1,25,16777215,{T * 1000},0,3493000001,0" user="阿强">主播好</d>'


def test_recorder_gift_and_guard_are_gift_events(write_file: WriteFile,
                                                 assert_identity: Identity) -> None:
    path = write_file("rec.xml", live_xml(
        D,
        '<gift ts="10.5" user="阿强" uid="3493031676" giftname="小心心" giftcount="3" />',
        '<guard ts="20" user="追光" uid="3493015838" level="3" count="1" />',
        '<gift ts="30" user="路人***" uid="0" giftname="辣条" />',
        '<toast ts="40" user="x" />'))
    comments, events, stats, rejects = read_events(path)
    assert len(comments) == 1 and not rejects
    got = [(e.kind, e.user_id, e.count, e.ts, e.extra.get("gift_name")) for e in events]
    assert got == [
        ("gift", "3493031676", 3, T + 10.5, "小心心"),
        ("gift", "3493015838", 1, T + 20.0, "guard"),
        ("gift", guest_user_id("路人***"), 1, T + 30.0, "辣条"),  # giftcount missing: 1
    ]
    assert events[1].extra["guard_level"] == "3"
    assert all(e.room_id == "21452505" and e.platform == "bilibili" for e in events)
    assert stats.skipped_by_kind == {"toast": 1} and stats.events_by_kind == {"gift": 3}
    assert_identity(stats)


def test_recorder_gift_without_start_has_no_ts(write_file: WriteFile) -> None:
    xml = live_xml('<gift ts="1" user="a" uid="1" giftname="x" giftcount="1" />', start="?")
    _, events, _, _ = read_events(write_file("rec.xml", xml))
    assert events[0].ts is None


@pytest.mark.parametrize(("element", "reason"), [
    pytest.param('<gift ts="1" user="a" uid="1" giftname="x" giftcount="-2" />', "bad_event",
                 id="negative-giftcount"),
    pytest.param('<guard ts="1" user="a" uid="1" level="3" count="一" />', "bad_event",
                 id="guard-count-text"),
    pytest.param('<gift ts="later" user="a" uid="1" giftname="x" giftcount="1" />',
                 "bad_timestamp", id="bad-relative-ts"),
])
def test_recorder_bad_gift_is_rejected(write_file: WriteFile, assert_identity: Identity,
                                       element: str, reason: str) -> None:
    _, events, stats, rejects = read_events(write_file("rec.xml", live_xml(D, element)))
    assert not events and [r["reason"] for r in rejects] == [reason]
    assert rejects[0]["line"] == 6 and rejects[0]["raw"].startswith("<")
    assert_identity(stats)


# ----------------------------------------------------------------------------- JSONL/CSV/Parquet

PLAIN_EVENTS: list[dict[str, Any]] = [
    {"kind": "enter", "room_id": "r1", "uid": 1, "ts": T},
    {"kind": "like", "room_id": "r1", "uid": 2, "ts": T + 1, "count": 5},
    {"kind": "viewers", "room_id": "r1", "ts": T + 2, "count": 1200},
    {"kind": "gift", "room_id": "r1", "uid": 3, "ts": T + 3, "count": 2, "gift_name": "辣条"},
    {"kind": "follow", "room_id": "r1", "uid": 4, "ts": T + 4},
]
PLAIN_EXPECTED = [("enter", "1", 1, float(T)), ("like", "2", 5, T + 1.0),
                  ("viewers", None, 1200, T + 2.0), ("gift", "3", 2, T + 3.0),
                  ("follow", "4", 1, T + 4.0)]
CHAT = {"room_id": "r1", "uid": 9, "ts": T, "text": "主播好美"}
COLUMNS = ("kind", "room_id", "uid", "ts", "count", "gift_name", "text")


def _csv(rows: list[dict[str, Any]]) -> bytes:
    lines = [",".join(COLUMNS)]
    lines += [",".join("" if r.get(c) is None else str(r[c]) for c in COLUMNS) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def _parquet(rows: list[dict[str, Any]], path: Path) -> Path:
    table = pa.table({c: pa.array([None if r.get(c) is None else str(r[c]) for r in rows],
                                  pa.string()) for c in COLUMNS})
    pq.write_table(table, path)
    return path


def _write_plain(fmt: str, rows: list[dict[str, Any]], tmp_path: Path) -> Path:
    if fmt == "jsonl":
        path = tmp_path / "plain.jsonl"
        path.write_bytes(jsonl(*rows))
    elif fmt == "csv":
        path = tmp_path / "plain.csv"
        path.write_bytes(_csv(rows))
    else:
        path = _parquet(rows, tmp_path / "plain.parquet")
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_plain_formats_read_every_kind(tmp_path: Path, assert_identity: Identity,
                                       fmt: str) -> None:
    path = _write_plain(fmt, [CHAT, *PLAIN_EVENTS], tmp_path)
    comments, events, stats, rejects = read_events(path)
    assert not rejects and [c.text for c in comments] == ["主播好美"]
    assert [(e.kind, e.user_id, e.count, e.ts) for e in events] == PLAIN_EXPECTED
    assert all(e.room_id == "r1" and e.platform == fmt for e in events)
    assert events[3].extra["gift_name"] == "辣条"
    assert "text" not in events[0].extra and "kind" not in events[0].extra
    assert stats.events_by_kind == dict.fromkeys(("enter", "like", "viewers", "gift",
                                                  "follow"), 1)
    assert_identity(stats)


PLAIN_BAD = [
    pytest.param({"kind": "dislike", "ts": T}, "is not one of", id="unknown-kind"),
    pytest.param({"kind": "viewers", "ts": T}, "has no viewers count", id="viewers-no-count"),
    pytest.param({"kind": "like", "ts": T, "count": -1}, "like count '-1'", id="negative"),
    pytest.param({"kind": "gift", "ts": T, "count": "lots"}, "gift count", id="non-numeric"),
    pytest.param({"kind": "like", "ts": T, "count": 2**70}, "like count", id="too-large"),
]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
@pytest.mark.parametrize(("row", "detail"), PLAIN_BAD)
def test_plain_bad_event_is_rejected(tmp_path: Path, assert_identity: Identity, fmt: str,
                                     row: dict[str, Any], detail: str) -> None:
    path = _write_plain(fmt, [CHAT, row], tmp_path)
    comments, events, stats, rejects = read_events(path)
    assert len(comments) == 1 and not events
    assert [r["reason"] for r in rejects] == ["bad_event"]
    assert rejects[0]["line"] == (3 if fmt == "csv" else 2)  # CSV: after the header
    assert detail in rejects[0]["detail"]
    assert_identity(stats)


def test_kind_with_text_is_a_comment_and_keeps_kind(write_file: WriteFile) -> None:
    path = write_file("c.jsonl", jsonl({"kind": "superchat", "text": "返场!", "price": 30},
                                       {"kind": "like", "text": "点赞了"}))
    comments, events, _, _ = read_events(path)
    assert not events and [c.extra["kind"] for c in comments] == ["superchat", "like"]


def test_bad_timestamp_of_an_event_is_rejected(write_file: WriteFile) -> None:
    _, events, _, rejects = read_events(write_file("e.jsonl", jsonl({"kind": "enter",
                                                                     "ts": "yesterday"})))
    assert not events and [r["reason"] for r in rejects] == ["bad_timestamp"]


def test_map_kind_and_count_columns(write_file: WriteFile) -> None:
    path = write_file("m.jsonl", jsonl({"type": "LIKE", "n": "7", "uid": 1, "ts": T},
                                       {"type": "danmaku", "content": "好", "uid": 2}))
    comments, events, _, rejects = read_events(path, field_map="kind=type,count=n")
    assert not rejects and [c.text for c in comments] == ["好"]
    assert comments[0].extra == {"type": "danmaku"}
    assert [(e.kind, e.count) for e in events] == [("like", 7)]
    assert "type" not in events[0].extra and "n" not in events[0].extra


def test_naive_event_times_follow_tz(write_file: WriteFile) -> None:
    path = write_file("tz.jsonl", jsonl({"kind": "enter", "ts": "2024-05-01 20:15:00"},
                                        {"text": "好", "ts": "2024-05-01 20:15:00"}))
    comments, events, _, _ = read_events(path, tz="Asia/Shanghai")
    assert events[0].ts == comments[0].ts == T


# ----------------------------------------------------------------------------- the stream


def test_events_reach_the_callback_as_they_are_read(write_file: WriteFile) -> None:
    """Streaming: each event is handed over before the comment after it is yielded."""
    path = write_file("live.jsonl", jsonl(
        danmu("一"), bili("INTERACT_WORD", uid=7, msg_type=1), danmu("二"),
        bili("ONLINE_RANK_COUNT", count=3), bili("SEND_GIFT", uid=9, num=1), danmu("三")))
    order: list[str] = []
    stream = open_comments(path, on_event=lambda e: order.append(e.kind))
    for comment in stream:
        order.append(comment.text)
    assert order == ["一", "enter", "二", "viewers", "gift", "三"]


def test_without_a_callback_events_are_only_counted(write_file: WriteFile,
                                                    assert_identity: Identity) -> None:
    path = write_file("live.jsonl", jsonl(danmu(), bili("LIKE_INFO_V3_CLICK", uid=1),
                                          bili("LIKE_INFO_V3_CLICK", uid=2)))
    stream = open_comments(path)
    assert [c.text for c in stream] == ["主播好美"]
    s = stream.stats
    assert (s.read, s.accepted, s.rejected, s.skipped, s.events) == (3, 1, 0, 0, 2)
    assert s.to_dict()["events_by_kind"] == {"like": 2}
    assert s.files[str(path)].to_dict()["events"] == 2
    assert_identity(s)


def test_events_of_several_files_are_counted_per_file(tmp_path: Path,
                                                      assert_identity: Identity) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.csv"
    a.write_bytes(jsonl(CHAT, *PLAIN_EVENTS[:2]))
    b.write_bytes(_csv(PLAIN_EVENTS[2:]))
    _, events, stats, _ = read_events([a, b])
    assert len(events) == 5
    assert stats.files[str(a)].events == 2 and stats.files[str(b)].events == 3
    assert_identity(stats)
