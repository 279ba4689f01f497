"""Every reader on its hand-written fixture: counts, fields, detection, mapping."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from botcomments.io import ReadStats, detect_format, open_comments
from botcomments.io.platforms import guest_user_id
from botcomments.records import Comment

ReadAll = Callable[..., tuple[list[Comment], ReadStats]]
WriteFile = Callable[[str, bytes], Path]


START = 1714565700.0


@pytest.mark.parametrize(
    ("name", "fmt", "read", "accepted", "events", "rooms"),
    [
        pytest.param("chat.jsonl", "jsonl", 36, 36, {}, {"22625025", "chat"}, id="jsonl"),
        pytest.param("chat.csv", "csv", 32, 32, {}, {"7301"}, id="csv"),
        pytest.param(
            "bililive.xml",
            "bililive_xml",
            35,
            31,
            {"gift": 4},
            {"21452505"},
            id="bililive-recorder-xml",
        ),
        pytest.param("video_danmaku.xml", "bilibili_xml", 25, 25, {}, {"1176840"}, id="video-xml"),
        pytest.param(
            "blivedm.jsonl",
            "blivedm",
            33,
            25,
            {"enter": 4, "gift": 3, "viewers": 1},
            {"5050"},
            id="blivedm",
        ),
        pytest.param(
            "douyin.jsonl",
            "douyin",
            36,
            26,
            {"like": 5, "enter": 5},
            {"7363900000000000001"},
            id="douyin-jsonl",
        ),
        pytest.param(
            "douyin_array.json",
            "douyin",
            6,
            5,
            {"gift": 1},
            {"7363900000000000001"},
            id="douyin-json-array",
        ),
    ],
)
def test_fixture_counts(
    fixtures_dir: Path,
    name: str,
    fmt: str,
    read: int,
    accepted: int,
    events: dict[str, int],
    rooms: set[str],
    read_all: ReadAll,
    assert_identity: Callable[[ReadStats], None],
) -> None:
    path = fixtures_dir / name
    assert detect_format(path) == fmt
    comments, stats = read_all(path)
    assert (stats.read, stats.accepted, stats.rejected) == (read, accepted, 0)
    assert dict(stats.events_by_kind) == events
    assert stats.skipped == 0
    assert {c.room_id for c in comments} == rooms
    assert all(c.text.strip() for c in comments)
    assert_identity(stats)


def test_generic_jsonl_fields(fixtures_dir: Path, read_all: ReadAll) -> None:
    comments, stats = read_all(fixtures_dir / "chat.jsonl")
    first = comments[0]
    assert first.user_id == "3493000000" and first.ts == pytest.approx(START + 0.123)
    assert first.extra == {"nickname": "小鱼儿", "level": 0}  # unmapped fields kept
    assert dict(stats.ts_units) == {"ms": 12, "s": 12, "iso8601": 12}
    assert comments[-1].room_id == "chat"  # no room_id field: derived from the file name


def test_field_map_overrides_aliases(fixtures_dir: Path, read_all: ReadAll) -> None:
    comments, _ = read_all(fixtures_dir / "chat.jsonl", field_map="user_id=nickname,ts=level")
    assert comments[1].user_id == "奶茶不加糖"
    assert comments[1].ts == 1.0
    assert "uid" in comments[1].extra


def test_field_map_dotted_path(write_file: WriteFile, read_all: ReadAll) -> None:
    path = write_file("nested.jsonl", '{"msg": {"body": "上车"}, "user": {"id": 7}}\n'.encode())
    comments, _ = read_all(path, field_map={"text": "msg.body", "user_id": "user.id"})
    assert (comments[0].text, comments[0].user_id) == ("上车", "7")


def test_parquet_reader(
    parquet_fixture: Path, read_all: ReadAll, assert_identity: Callable[[ReadStats], None]
) -> None:
    assert detect_format(parquet_fixture) == "parquet"
    comments, stats = read_all(parquet_fixture)
    assert (stats.read, stats.accepted) == (36, 36)
    assert comments[0].platform == "parquet" and comments[0].user_id == "3493000000"
    assert_identity(stats)


def test_csv_quoted_newline_and_blanks(fixtures_dir: Path, read_all: ReadAll) -> None:
    comments, _ = read_all(fixtures_dir / "chat.csv")
    multi = comments[-2]
    assert multi.text == '第一行\n第二行，带引号"好"'
    guest = comments[-1]
    assert (guest.user_id, guest.ts, guest.label) == (None, None, None)
    assert {c.label for c in comments[:30]} == {0, 1}


def test_bililive_recorder_details(fixtures_dir: Path, read_all: ReadAll) -> None:
    comments, stats = read_all(fixtures_dir / "bililive.xml")
    assert comments[0].ts == START + 1.5  # absolute send time in ms
    assert comments[5].ts == START + 11.5  # send time 0: relative ts + start_time
    assert comments[7].user_id == guest_user_id("路人***") and comments[7].extra["guest"]
    sc = comments[-1]
    assert sc.extra["kind"] == "superchat" and sc.ts == pytest.approx(START + 33.3)
    assert stats.ts_units["relative"] == 2


def test_video_danmaku_details(fixtures_dir: Path, read_all: ReadAll) -> None:
    comments, _ = read_all(fixtures_dir / "video_danmaku.xml")
    first = comments[0]
    assert first.platform == "bilibili_video" and first.ts == START
    assert len(first.user_id or "") == 8 and first.msg_id == "41000000000"


def test_blivedm_guest_and_superchat(fixtures_dir: Path, read_all: ReadAll) -> None:
    comments, _ = read_all(fixtures_dir / "blivedm.jsonl")
    guests = [c for c in comments if c.extra.get("guest")]
    assert len(guests) == 2 and guests[0].user_id == guest_user_id("用户***")
    assert comments[0].ts == pytest.approx(START + 0.456)
    assert comments[-1].extra["kind"] == "superchat" and comments[-1].msg_id == "8812345"


def test_douyin_ids_are_exact_strings(fixtures_dir: Path, read_all: ReadAll) -> None:
    comments, stats = read_all(fixtures_dir / "douyin.jsonl")
    assert comments[0].user_id == "98765432109876543"
    assert comments[0].msg_id == "7363912345678901234"
    assert comments[9].ts is None and stats.missing_ts == 1
    assert comments[1].ts == START + 1  # createTime in ms


def test_douyin_numeric_uint64_ids(write_file: WriteFile, read_all: ReadAll) -> None:
    line = (
        '{"common": {"method": "WebcastChatMessage", "msgId": 18446744073709551615, '
        '"roomId": 7363900000000000001, "createTime": 1714565700}, '
        '"user": {"id": 18446744073709551614}, "content": "好"}\n'
    )
    comments, _ = read_all(write_file("dy.jsonl", line.encode()))
    assert comments[0].user_id == "18446744073709551614"
    assert comments[0].msg_id == "18446744073709551615"


def test_gzip_and_directory(fixtures_dir: Path, tmp_path: Path, read_all: ReadAll) -> None:
    with (
        (fixtures_dir / "chat.jsonl").open("rb") as src,
        gzip.open(tmp_path / "r9.jsonl.gz", "wb") as dst,
    ):
        shutil.copyfileobj(src, dst)
    (tmp_path / "notes.txt").write_text("not chat", encoding="utf-8")
    comments, stats = read_all(tmp_path)
    assert list(stats.files) == [str(tmp_path / "r9.jsonl.gz")]  # notes.txt not picked
    assert stats.accepted == 36 and comments[-1].room_id == "r9"


def test_room_id_option(fixtures_dir: Path, read_all: ReadAll) -> None:
    comments, _ = read_all(fixtures_dir / "chat.jsonl", room_id="fallback")
    assert comments[-1].room_id == "fallback" and comments[0].room_id == "22625025"


def test_stream_is_single_use(fixtures_dir: Path) -> None:
    stream = open_comments(fixtures_dir / "chat.jsonl")
    list(stream)
    with pytest.raises(RuntimeError, match="once"):
        list(stream)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        pytest.param({"fmt": "yaml"}, "unknown format", id="format"),
        pytest.param({"field_map": "text"}, "FIELD=COLUMN", id="map-syntax"),
        pytest.param({"field_map": "txt=a"}, "mappable fields", id="map-field"),
        pytest.param({"encoding": "klingon"}, "unknown encoding", id="encoding"),
    ],
)
def test_usage_errors_fail_fast(fixtures_dir: Path, kwargs: dict[str, str], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        open_comments(fixtures_dir / "chat.jsonl", **kwargs)  # type: ignore[arg-type]
