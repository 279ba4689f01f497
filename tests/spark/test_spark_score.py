"""spark-score on Spark local[2]: the same verdicts, rooms, rejects and counts as scoring on
one machine, for a multi-room archive spread over JSONL, JSONL.gz and Parquet files with a
room split across two files, bad records in each, and a room longer than one slice."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyspark", reason="spark-score needs pip install 'botcomments[spark]'")
if shutil.which("java") is None:
    pytest.skip("no Java runtime on this machine: Spark cannot start", allow_module_level=True)

import pyarrow as pa
import pyarrow.parquet as pq

from botcomments.cli import main
from botcomments.io.readers import open_comments
from botcomments.records import Comment
from botcomments.scoring.outputs import comment_record
from botcomments.scoring.pipeline import Scorer
from botcomments.simulate import SimulationConfig, simulate
from botcomments.spark.job import COMMENTS_DIR, REJECTS_DIR, ROOMS_DIR, shard_of, spark_score
from botcomments.spark.reading import ReadOptions
from botcomments.spark.scoring import LookupTextModel, ScorerSpec, cached_scorer
from botcomments.text.normalize import NORMALIZER_VERSION

SLICE = 120
"""A small ``max_slice``: the largest room is scored in several slices with carried state."""


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from botcomments.spark.session import start_session

    session = start_session("local[2]", {"spark.sql.shuffle.partitions": "4",
                                         "spark.ui.enabled": "false"})
    yield session


# Lines whose normal forms differ between normaliser versions 1 and 2; the first two
# share a version 2 form but not a version 1 one.
EVASIONS = ("jia v: abc123", "加v abc123", "kou kou 12345678", "晚❤安❤，❤明❤天❤见",
            "vx： k x m 2 0 9")


@pytest.fixture(scope="module")
def comments() -> list[Comment]:
    """Seven simulated rooms (one with 400 comments), each with msg ids; every 40th
    comment says one of ``EVASIONS``."""
    config = SimulationConfig(room_size=(60, 140), bot_share=(0.2, 0.6))
    rooms = simulate(6, seed=5, config=config).comments
    big = simulate(1, seed=6, config=replace(config, room_size=(400, 400))).comments
    return [replace(c, msg_id=f"m{i}", text=EVASIONS[i // 40 % len(EVASIONS)] if i % 40 == 0
                    else c.text) for i, c in enumerate([*rooms, *big])]


def _line(c: Comment) -> str:
    return json.dumps(c.to_dict(), ensure_ascii=False)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, comments: list[Comment]) -> list[Path]:
    """JSONL, JSONL.gz and Parquet parts; one room straddles the first two files."""
    folder = tmp_path_factory.mktemp("archive")
    rooms: dict[str, list[Comment]] = {}
    for c in comments:
        rooms.setdefault(c.room_id, []).append(c)
    ids = list(rooms)
    split = rooms[ids[2]]
    first = [c for r in ids[:2] for c in rooms[r]] + split[: len(split) // 2]
    second = split[len(split) // 2:] + [c for r in ids[3:5] for c in rooms[r]]
    third = [c for r in ids[5:] for c in rooms[r]]
    a = folder / "part-0.jsonl"
    lines = [_line(c) for c in first]
    lines[5:5] = ["{not json", json.dumps({"room_id": "x", "ts": 1.0})]  # two rejects
    a.write_text("\n".join(lines) + "\n", encoding="utf-8")
    b = folder / "part-1.jsonl.gz"
    lines = [_line(c) for c in second]
    lines.insert(3, json.dumps({"text": "ts from the far future", "room_id": "y",
                                "ts": "9999-99-99"}))
    with gzip.open(b, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    c_path = folder / "part-2.parquet"
    rows = [c.to_dict() for c in third]
    rows.insert(10, {**rows[10], "text": None})  # a reject: no text
    pq.write_table(pa.Table.from_pylist(rows), c_path)
    return [a, b, c_path]


def single_machine(scorer: Scorer, paths: Sequence[Path], rejects: Path
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Any]:
    """Rows, rooms and read counters of one ``botcomments score`` pass."""
    stream = open_comments(paths, rejects_path=rejects)
    result = scorer.score(stream)
    rows = [comment_record(c, v) for c, v in zip(open_comments(paths), result.verdicts,
                                                 strict=True)]
    return rows, [json.loads(json.dumps(r.to_dict())) for r in result.rooms], stream.stats


def spark_rows(out: Path) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """Comment rows in input order and room entries by id, read back from the outputs."""
    table = pq.read_table(out / COMMENTS_DIR).sort_by(
        [("input_file_index", "ascending"), ("input_record", "ascending")])
    rows = table.to_pylist()
    rooms = {r["room_id"]: json.loads(r["room"])
             for r in pq.read_table(out / ROOMS_DIR).to_pylist()}
    return rows, rooms


def assert_same_rows(single: list[dict[str, Any]], spark: list[dict[str, Any]]) -> None:
    assert len(single) == len(spark)
    for a, b in zip(single, spark, strict=True):
        assert (a["msg_id"], a["room_id"], a["text"]) == (b["msg_id"], b["room_id"], b["text"])
        assert a["bot_score"] == b["bot_score"]
        assert a["is_bot"] == b["is_bot"]
        assert a["flags"] == b["flags"]
        assert a["evidence"] == json.loads(b["evidence"])
        assert a.get("text_score") == b["text_score"]


def test_rule_only_equals_single_machine(spark: Any, archive: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    spec = ScorerSpec(max_slice=SLICE)
    summary = spark_score(spark, archive, out, ReadOptions(), spec)
    single, rooms, stats = single_machine(Scorer.rule_only(max_slice=SLICE), archive,
                                          tmp_path / "rejects.jsonl")
    rows, spark_rooms = spark_rows(out)
    assert_same_rows(single, rows)
    assert any(r["is_bot"] for r in rows) and not all(r["is_bot"] for r in rows)
    assert {r["room_id"]: r for r in rooms} == spark_rooms
    assert max(r["n_comments"] for r in rooms) > SLICE  # scored in several slices
    # counts and rejects: the same records rejected for the same reasons
    assert (summary.read, summary.accepted, summary.rejected, summary.skipped,
            summary.events) == (stats.read, stats.accepted, stats.rejected, stats.skipped,
                                stats.events)
    assert summary.rejected == 4 and summary.rooms == len(rooms)
    assert summary.flagged == sum(r["is_bot"] for r in single)
    expected = [json.loads(line)
                for line in (tmp_path / "rejects.jsonl").read_text("utf-8").splitlines()]
    got = pq.read_table(out / REJECTS_DIR).sort_by(
        [("input_file_index", "ascending"), ("input_record", "ascending")]).to_pylist()
    assert [json.loads(r["reject"]) for r in got] == expected
    assert [r["reason"] for r in got] == [e["reason"] for e in expected]
    assert json.loads((out / "summary.json").read_text("utf-8"))["accepted"] == stats.accepted


def test_each_shard_equals_a_run_over_its_rooms(spark: Any, archive: list[Path],
                                                tmp_path: Path) -> None:
    out = tmp_path / "out"
    spark_score(spark, archive, out, ReadOptions(), ScorerSpec(max_slice=SLICE), shards=3)
    rows, spark_rooms = spark_rows(out)
    all_comments = list(open_comments(archive))
    shards_seen = set()
    for shard in range(3):
        mine = [c for c in all_comments if shard_of(c.room_id, 3) == shard]
        if not mine:
            continue
        shards_seen.add(shard)
        result = Scorer.rule_only(max_slice=SLICE).score(mine)
        expected = [comment_record(c, v) for c, v in zip(mine, result.verdicts, strict=True)]
        assert_same_rows(expected, [r for r in rows if r["shard"] == shard])
        for room in result.rooms:
            assert spark_rooms[room.room_id] == json.loads(json.dumps(room.to_dict()))
    assert len(shards_seen) >= 2  # the test archive really spreads over shards


@pytest.fixture(scope="module")
def fused_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny text model with a logistic combiner fitted on simulated rooms."""
    pytest.importorskip("torch", reason="the text model needs torch")
    from botcomments.records import LABEL_NAMES
    from tests.helpers.tiny_model import build_tiny_model

    folder = tmp_path_factory.mktemp("fused")
    model = build_tiny_model(folder / "tiny", dict(LABEL_NAMES))
    data = folder / "train.jsonl"
    config = SimulationConfig(room_size=(150, 250), bot_share=(0.3, 0.6))
    data.write_text("".join(_line(c) + "\n" for c in simulate(4, seed=11, config=config).comments),
                    encoding="utf-8")
    fitted = folder / "model"
    shutil.copytree(model, fitted)
    assert main(["train-fusion", "--model", str(fitted), "--data", str(data),
                 "--kind", "logistic"]) == 0
    return fitted


def _with_normalizer_version(model: Path, version: str, folder: Path) -> Path:
    """A copy of ``model`` that records normaliser ``version`` (as older models do)."""
    if version == NORMALIZER_VERSION:
        return model
    copy = folder / f"model-v{version}"
    shutil.copytree(model, copy)
    settings = json.loads((copy / "botcomments.json").read_text(encoding="utf-8"))
    settings["normalizer_version"] = version
    (copy / "botcomments.json").write_text(json.dumps(settings), encoding="utf-8")
    return copy


@pytest.mark.parametrize("version", [NORMALIZER_VERSION, "1"])
def test_text_model_path_equals_single_machine(spark: Any, archive: list[Path], tmp_path: Path,
                                               fused_model: Path, version: str) -> None:
    """Text scores computed once per normal form in the text stage give the same verdicts,
    also for a model that recorded normaliser version 1 (read stage and scorer use it)."""
    from botcomments.fusion.learned import LearnedFusion
    from botcomments.model.classifier import BotCommentClassifier

    model = _with_normalizer_version(fused_model, version, tmp_path)
    out = tmp_path / "out"
    spec = ScorerSpec(model_dir=str(model), precision="fp32", max_slice=SLICE)
    summary = spark_score(spark, archive, out, ReadOptions(), spec)
    text = BotCommentClassifier.from_pretrained(model, device="cpu", precision="fp32")
    scorer = Scorer(LearnedFusion.load(model), text_model=text, max_slice=SLICE)
    assert scorer.extractor.normalizer.version == version
    assert cached_scorer(spec)[0].extractor.normalizer.version == version
    single, rooms, _ = single_machine(scorer, archive, tmp_path / "rejects.jsonl")
    rows, spark_rooms = spark_rows(out)
    assert summary.mode == scorer.mode
    assert all(r["text_score"] is not None for r in rows)
    assert_same_rows(single, rows)
    assert {r["room_id"]: r for r in rooms} == spark_rooms


def test_cli_writes_the_outputs_and_refuses_bad_usage(spark: Any, archive: list[Path],
                                                      tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli"
    assert main(["spark-score", *map(str, archive), "--out", str(out), "--no-model",
                 "--partition-by", "platform"]) == 0
    printed = capsys.readouterr().out
    assert "rejected 4" in printed and "rooms" in printed
    assert any((out / COMMENTS_DIR).glob("platform=*"))
    assert pq.read_table(out / ROOMS_DIR).num_rows == 7
    assert main(["spark-score", str(tmp_path / "missing.jsonl"), "--out", str(out),
                 "--no-model"]) == 2
    assert main(["spark-score", str(archive[0]), "--out", str(out), "--no-model",
                 "--conf", "oops"]) == 2
    assert main(["spark-score", str(archive[0]), "--out", str(out), "--no-model",
                 "--shards", "0"]) == 2
    assert main(["spark-score", str(archive[0]), "--out", str(archive[0]), "--no-model"]) == 2
    assert main(["spark-score", str(archive[0]), "--out", str(out), "--no-model",
                 "--partition-by", "nope"]) == 2
    errors = capsys.readouterr().err
    assert "missing.jsonl" in errors and "KEY=VALUE" in errors and "--shards" in errors
    assert "'nope' is not an output column" in errors


def test_lookup_model_answers_what_it_was_told_and_names_a_miss() -> None:
    lookup = LookupTextModel(threshold=0.7, capacity=2)
    lookup.remember("a", 0.1)
    lookup.remember("b", 0.9)
    assert lookup.bot_scores(["b", "a"]).tolist() == [0.9, 0.1]
    assert lookup.threshold == 0.7
    lookup.remember("c", 0.5)  # evicts "a", the oldest
    with pytest.raises(KeyError, match="'a'"):
        lookup.bot_scores(["a"])


def test_every_shard_gets_a_task_of_its_own(spark: Any) -> None:
    """Shards are spread one per partition (hashing shard numbers can pair them up)."""
    from botcomments.spark.job import _partition_keys

    for shards in (2, 3, 8):
        keys = _partition_keys(spark, shards)
        rows = [(s, keys[s]) for s in range(shards) for _ in range(3)]
        frame = spark.createDataFrame(rows, "shard int, part_key int").repartition(
            shards, "part_key")
        per_task = frame.rdd.glom().map(lambda part: sorted({r["shard"] for r in part})).collect()
        assert sorted(per_task) == [[s] for s in range(shards)]
