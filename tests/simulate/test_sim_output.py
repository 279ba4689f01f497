"""Output contract: determinism, record fields, sidecar truth, readers."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from botcomments.records import Comment
from botcomments.simulate import (
    CAMPAIGN_TYPES,
    PERSONAS,
    SimulationConfig,
    SimulationResult,
    sidecar_path,
    simulate,
    simulate_to_file,
)

CORE = ("platform", "room_id", "user_id", "ts", "text", "msg_id", "label")


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_same_seed_same_bytes(tmp_path: Path, small_config: SimulationConfig) -> None:
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    simulate_to_file(a, 4, seed=5, config=small_config)
    simulate_to_file(b, 4, seed=5, config=small_config)
    simulate_to_file(c, 4, seed=6, config=small_config)
    assert a.read_bytes() == b.read_bytes()
    assert sidecar_path(a).read_bytes() == sidecar_path(b).read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_jsonl_matches_in_memory(jsonl_run: Path, small_run: SimulationResult) -> None:
    records = _lines(jsonl_run)
    assert records == [c.to_dict() for c in small_run.comments]


def test_records_parse_as_comments(jsonl_run: Path) -> None:
    for rec in _lines(jsonl_run):
        extra = {k: rec[k] for k in rec if k not in CORE}
        comment = Comment(**{k: rec[k] for k in CORE}, extra=extra)
        assert comment.platform == "sim"
        assert isinstance(comment.user_id, str) and comment.user_id.isdigit()
        assert set(extra) == {"persona", "campaign_id"}
        assert extra["persona"] in PERSONAS
        assert comment.label == int(extra["persona"].startswith("bot_"))
        if comment.label:
            room, ctype = extra["campaign_id"].split("/")
            assert room == comment.room_id and "bot_" + ctype == extra["persona"]
        else:
            assert extra["campaign_id"] is None


def test_project_reader_reads_output(jsonl_run: Path) -> None:
    readers = pytest.importorskip("botcomments.io.readers")
    with readers.open_comments(jsonl_run) as stream:
        comments = list(stream)
    assert stream.stats.rejected == 0
    assert len(comments) == len(_lines(jsonl_run))
    assert {c.label for c in comments} == {0, 1}
    assert comments[0].extra.get("persona") in PERSONAS


def test_rooms_time_ordered_within_session(small_run: SimulationResult) -> None:
    truth = {r.room_id: r for r in small_run.rooms}
    by_room: dict[str, list[float]] = defaultdict(list)
    for c in small_run.comments:
        assert c.ts is not None
        by_room[c.room_id].append(c.ts)
    assert list(by_room) == [r.room_id for r in small_run.rooms]
    for room_id, ts in by_room.items():
        assert ts == sorted(ts)
        assert truth[room_id].start_ts <= ts[0] and ts[-1] <= truth[room_id].end_ts
        assert len(ts) == truth[room_id].n_comments


def test_msg_ids_unique(small_run: SimulationResult) -> None:
    ids = [c.msg_id for c in small_run.comments]
    assert len(set(ids)) == len(ids)


def test_sidecar_ratios_equal_label_ratios(jsonl_run: Path) -> None:
    records = _lines(jsonl_run)
    rooms = json.loads(sidecar_path(jsonl_run).read_text(encoding="utf-8"))
    by_room: dict[str, list[dict]] = defaultdict(list)
    for rec in records:
        by_room[rec["room_id"]].append(rec)
    assert [r["room_id"] for r in rooms] == list(by_room)
    for room in rooms:
        recs = by_room[room["room_id"]]
        n_bot = sum(r["label"] for r in recs)
        users = {r["user_id"] for r in recs}
        bot_users = {r["user_id"] for r in recs if r["label"] == 1}
        assert room["n_comments"] == len(recs)
        assert room["n_bot_comments"] == n_bot
        assert room["n_users"] == len(users)
        assert room["authenticity_ratio"] == (len(recs) - n_bot) / len(recs)
        assert room["genuine_user_ratio"] == (len(users) - len(bot_users)) / len(users)
        mix = Counter(r["persona"].removeprefix("bot_") for r in recs if r["label"] == 1)
        assert room["campaign_mix"] == {c: mix.get(c, 0) for c in CAMPAIGN_TYPES}
        assert room["persona_mix"] == {p: sum(r["persona"] == p for r in recs) for p in PERSONAS}
        assert room["seed"] == 11
        assert abs(room["n_bot_comments"] / room["n_comments"] - room["bot_share_target"]) < 0.01


def test_sidecar_fields(jsonl_run: Path) -> None:
    rooms = json.loads(sidecar_path(jsonl_run).read_text(encoding="utf-8"))
    required = {
        "room_id",
        "n_comments",
        "n_users",
        "n_bot_comments",
        "authenticity_ratio",
        "genuine_user_ratio",
        "bot_share_target",
        "campaign_mix",
        "host_events",
        "seed",
    }
    for room in rooms:
        assert required <= set(room)
        assert room["host_events"], "every session has at least an opening or closing"
        for ev in room["host_events"]:
            assert room["start_ts"] <= ev["ts"] <= room["end_ts"]
            assert isinstance(ev["kind"], str)


def test_parquet_output(tmp_path: Path) -> None:
    out = tmp_path / "chat.parquet"
    cfg = SimulationConfig(room_size=(100, 200), bot_share=(0.0, 0.0))
    simulate_to_file(out, 2, seed=1, config=cfg)
    table = pq.read_table(out)
    assert table.num_rows == sum(
        r["n_comments"] for r in json.loads(sidecar_path(out).read_text(encoding="utf-8"))
    )
    assert table.schema.field("campaign_id").type == "string"  # typed even when all null
    assert set(table.column("label").to_pylist()) == {0}


def test_in_memory_matches_file_for_parquet(tmp_path: Path) -> None:
    cfg = SimulationConfig(room_size=(50, 80))
    out = tmp_path / "x.parquet"
    simulate_to_file(out, 2, seed=3, config=cfg)
    rows = pq.read_table(out).to_pylist()
    assert rows == [c.to_dict() for c in simulate(2, seed=3, config=cfg).comments]


def test_bad_extension_fails_before_writing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.jsonl or \.parquet"):
        simulate_to_file(tmp_path / "x.csv", 1, seed=0)
    assert not sidecar_path(tmp_path / "x.csv").exists()
