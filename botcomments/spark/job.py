"""The Spark job behind ``botcomments spark-score``: stages, outputs and summary.

Stages (each a Spark job; rooms never cross a task boundary within a shard):

1. **read**: one task per input file with the single-machine readers
   (:mod:`botcomments.spark.reading`); rejects and per-file counters come out beside the
   comments; the parsed rows are kept on disk for the stages below.
2. **rooms**: per room, its size and first input position; the driver ranks rooms by
   first appearance and assigns each room a shard (a stable hash of its id).
3. **text**: the text model scores each distinct normal form once, in parallel over the
   whole archive (skipped with ``--no-model``).
4. **shards**: per shard, its rooms in input order through one scorer whose detectors
   carry cross-room memory from room to room (:func:`botcomments.spark.scoring.score_shards`).
   Shards are scored in parallel.

Equivalence: with one shard (the default) every verdict and room figure equals one
``botcomments score`` run over the same inputs (exactly without a model; with a text model
up to its precision's batch effect, see :mod:`botcomments.spark.scoring`) when each room's
comments are contiguous in the input or the archive has fewer than ``Scorer.max_buffer``
(200,000) comments (the single-machine reader may otherwise cut an interleaved room into
slices at other points).
With N shards, each shard equals one ``botcomments score`` run over that shard's rooms:
cross-room evidence (a line or an account reused across rooms) then spans the rooms of a
shard only.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botcomments.io.readers import expand_inputs
from botcomments.spark.reading import (
    COMMENT,
    COUNTS,
    READ_SCHEMA,
    REJECT,
    ReadOptions,
    read_units,
)
from botcomments.spark.scoring import (
    COMMENT_ROW,
    ROOM_ROW,
    SCORED_SCHEMA,
    SHARD_INPUT_COLUMNS,
    TEXT_SCORE_SCHEMA,
    ScorerSpec,
    cached_scorer,
    score_shards,
    score_texts,
)
from botcomments.spark.session import quiet_pandas_notice

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

COMMENTS_DIR, ROOMS_DIR, REJECTS_DIR, SUMMARY_FILE = "comments", "rooms", "rejects", "summary.json"
ROOM_ONLY_COLUMNS = ("row_kind", "authenticity_ratio", "genuine_user_ratio", "n_comments",
                     "n_users", "room")
COMMENT_COLUMNS = tuple(c for c in SCORED_SCHEMA.names if c not in ROOM_ONLY_COLUMNS)
"""Columns of ``comments/``."""
ROOM_COLUMNS = ("shard", "room_id", "n_comments", "n_users", "authenticity_ratio",
                "genuine_user_ratio", "room")


def spark_schema(schema: pa.Schema) -> StructType:
    """The Spark schema of a stage's Arrow schema (one declaration per stage output).

    Args:
        schema: Arrow schema (``READ_SCHEMA``, ``TEXT_SCORE_SCHEMA``, ``SCORED_SCHEMA``).

    Returns:
        The same columns as a Spark ``StructType``.
    """
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


def shard_of(room_id: str, shards: int) -> int:
    """The shard of a room: a hash of its id that is the same on every machine.

    Args:
        room_id: The room.
        shards: Number of shards.

    Returns:
        An integer in ``[0, shards)``.
    """
    return zlib.crc32(room_id.encode("utf-8", "surrogatepass")) % shards


@dataclass
class SparkScoreSummary:
    """Counts and timing of one job (written to ``summary.json``).

    Attributes:
        inputs: The input files, by file index.
        read: Records read (= accepted + rejected + skipped + events).
        accepted: Comments accepted.
        rejected: Records rejected (listed under ``rejects/``).
        skipped: Valid records that are neither comments nor engagement events.
        events: Engagement events read (enters, likes, viewer counts, gifts, follows);
            counted, not scored.
        events_by_kind: Those events per kind.
        rooms: Rooms scored.
        flagged: Comments with ``is_bot``.
        shards: Shards (cross-room memory scopes).
        mode: Scorer mode ("rules", "fused+text").
        seconds: Wall time of the whole job.
        distinct_texts: Normal forms the text model scored (0 without a model).
        stage_seconds: Wall time per stage (read, rooms, text, shards incl. writing).
        by_file: Read counters per input file.
    """

    inputs: list[str]
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0
    events: int = 0
    events_by_kind: dict[str, int] = field(default_factory=dict)
    rooms: int = 0
    flagged: int = 0
    shards: int = 1
    mode: str = ""
    seconds: float = 0.0
    distinct_texts: int = 0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    by_file: list[dict[str, Any]] = field(default_factory=list)

    @property
    def comments_per_second(self) -> float:
        """Accepted comments per second of wall time."""
        return self.accepted / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {**asdict(self), "comments_per_second": round(self.comments_per_second, 1)}


def spark_score(spark: SparkSession, inputs: Sequence[str | Path], out: Path,
                options: ReadOptions, spec: ScorerSpec, *, shards: int = 1,
                partition_by: str | None = None) -> SparkScoreSummary:
    """Score an archive with Spark and write ``comments/``, ``rooms/``, ``rejects/``.

    Args:
        spark: The session (any master).
        inputs: Input files and folders (folders expanded as ``botcomments score`` does).
        out: Output folder (replaced parts: ``comments/``, ``rooms/``, ``rejects/``,
            ``summary.json``).
        options: Reading options.
        spec: Scorer spec; its ``model_dir`` must be readable by the executors.
        shards: Cross-room memory scopes scored in parallel (1: exactly one
            ``botcomments score`` run).
        partition_by: Output column to partition ``comments/`` by (e.g. ``platform``).

    Returns:
        The summary (also written to ``out/summary.json``).

    Raises:
        ValueError: On no input files, shards < 1, an unknown ``partition_by`` column, or
            bad reading options.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    if shards < 1:
        raise ValueError(f"shards {shards} must be >= 1")
    if partition_by is not None and partition_by not in COMMENT_COLUMNS:
        raise ValueError(f"--partition-by {partition_by!r} is not an output column; choose "
                         f"one of {', '.join(COMMENT_COLUMNS)}")
    quiet_pandas_notice()
    options.check()
    # built here too: fails early on a bad model folder or threshold
    scorer, _ = cached_scorer(dataclasses.replace(spec, model_shipped=False))
    # the normal forms that key the text stage are the scorer's (the model's version)
    options = dataclasses.replace(options, normalizer_version=scorer.extractor.normalizer.version)
    files = [str(p) for p in expand_inputs(inputs)]
    if not files:
        raise ValueError("no input files (folders are searched for known extensions)")
    started = time.perf_counter()
    summary = SparkScoreSummary(inputs=files, shards=shards, mode=scorer.mode)
    clock = _StageClock(summary.stage_seconds)
    units = spark.sparkContext.parallelize(list(enumerate(files)), len(files)).toDF(
        "file_index int, path string")
    parsed = units.mapInArrow(partial(read_units, options=options),
                                 spark_schema(READ_SCHEMA)).persist(
        StorageLevel.DISK_ONLY)
    with clock("read"):
        _count_reads(parsed.filter(F.col("kind") == COUNTS).select("file_index", "info")
                     .collect(), summary)
    comments = parsed.filter(F.col("kind") == COMMENT)
    with clock("rooms"):
        rooms = _room_table(spark, comments, shards)
    text_scores = None
    if spec.model_dir is not None:
        text_scores = _text_scores(comments, spec).persist(StorageLevel.DISK_ONLY)
        with clock("text"):
            summary.distinct_texts = text_scores.count()
    scored = _scored(comments, rooms, text_scores, spec, shards).persist(
        StorageLevel.DISK_ONLY)
    with clock("shards"):
        _write_outputs(scored, parsed, out, partition_by)
        summary.rooms = scored.filter(F.col("row_kind") == ROOM_ROW).count()
        summary.flagged = scored.filter(
            (F.col("row_kind") == COMMENT_ROW) & F.col("is_bot")).count()
    summary.seconds = round(time.perf_counter() - started, 3)
    if text_scores is not None:
        text_scores.unpersist()
    scored.unpersist()
    parsed.unpersist()
    out.mkdir(parents=True, exist_ok=True)
    (out / SUMMARY_FILE).write_text(
        json.dumps(summary.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    return summary


class _StageClock:
    """Times the stages of a job into a dict (``with clock("read"): ...``)."""

    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds

    @contextlib.contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.seconds[stage] = round(time.perf_counter() - started, 3)


def _count_reads(rows: Sequence[Any], summary: SparkScoreSummary) -> None:
    """Add the per-file counters of the read stage to the summary."""
    for row in sorted(rows, key=lambda r: r["file_index"]):
        counts = json.loads(row["info"])
        summary.by_file.append({"file": summary.inputs[row["file_index"]], **counts})
        for key in ("read", "accepted", "rejected", "skipped", "events"):
            setattr(summary, key, getattr(summary, key) + int(counts[key]))
        for kind, n in counts["events_by_kind"].items():
            summary.events_by_kind[kind] = summary.events_by_kind.get(kind, 0) + int(n)


def _room_table(spark: SparkSession, comments: DataFrame, shards: int) -> DataFrame:
    """Rooms ranked by first input position, each with its shard."""
    from pyspark.sql import functions as F

    firsts = (comments.groupBy("room_id")
              .agg(F.min(F.struct("file_index", "record")).alias("first")).collect())
    ordered = sorted(firsts, key=lambda r: (r["first"]["file_index"], r["first"]["record"]))
    keys = _partition_keys(spark, shards)
    table = []
    for rank, r in enumerate(ordered):
        shard = shard_of(r["room_id"], shards)
        table.append((r["room_id"], rank, shard, keys[shard]))
    return spark.createDataFrame(table,
                                 "room_id string, room_rank int, shard int, part_key int")


def _partition_keys(spark: SparkSession, shards: int) -> list[int]:
    """Per shard, an int that Spark's hash partitioning into ``shards`` partitions sends to
    partition ``shard``: repartitioning by it gives every shard a task of its own (hashing
    the shard number itself can put two shards in one task and leave another idle).

    Args:
        spark: The session.
        shards: Number of shards (= partitions).

    Returns:
        The key of each shard.
    """
    from pyspark.sql import functions as F

    keys: dict[int, int] = {}
    start, width = 0, 64 * shards
    while len(keys) < shards:
        candidates = spark.range(start, start + width).select(
            F.col("id").cast("int").alias("key"))
        for row in candidates.select(
                "key", F.expr(f"pmod(hash(key), {shards})").alias("partition")).collect():
            keys.setdefault(row["partition"], row["key"])
        start += width
    return [keys[s] for s in range(shards)]


def _text_scores(comments: DataFrame, spec: ScorerSpec) -> DataFrame:
    """The text stage: one text-model score per distinct normal form."""
    from pyspark.sql import functions as F

    distinct = comments.groupBy("norm").agg(F.first("text").alias("text"))
    return distinct.mapInArrow(partial(score_texts, spec=spec),
                               spark_schema(TEXT_SCORE_SCHEMA))


def _scored(comments: DataFrame, rooms: DataFrame, text_scores: DataFrame | None,
            spec: ScorerSpec, shards: int) -> DataFrame:
    """The shard stage: verdict rows and room rows."""
    from pyspark.sql import functions as F

    placed = comments.join(F.broadcast(rooms), "room_id")
    if text_scores is None:
        placed = placed.withColumn("text_score", F.lit(None).cast("double"))
    else:
        placed = placed.join(text_scores, "norm", "left")
    return (placed.repartition(shards, "part_key")
            .select(*SHARD_INPUT_COLUMNS)
            .sortWithinPartitions("shard", "room_rank", "file_index", "record")
            .mapInArrow(partial(score_shards, spec=spec), spark_schema(SCORED_SCHEMA)))


def _write_outputs(scored: DataFrame, parsed: DataFrame, out: Path,
                   partition_by: str | None) -> None:
    """Write ``comments/``, ``rooms/`` and ``rejects/`` as Parquet."""
    from pyspark.sql import functions as F

    comment_rows = scored.filter(F.col("row_kind") == COMMENT_ROW).drop(*ROOM_ONLY_COLUMNS)
    writer = comment_rows.write.mode("overwrite")
    if partition_by:
        writer = writer.partitionBy(partition_by)
    writer.parquet(str(out / COMMENTS_DIR))
    (scored.filter(F.col("row_kind") == ROOM_ROW).select(*ROOM_COLUMNS)
     .write.mode("overwrite").parquet(str(out / ROOMS_DIR)))
    (parsed.filter(F.col("kind") == REJECT)
     .select(F.col("file_index").alias("input_file_index"),
             F.col("record").alias("input_record"),
             F.get_json_object("info", "$.file").alias("file"),
             F.get_json_object("info", "$.reason").alias("reason"),
             F.get_json_object("info", "$.detail").alias("detail"),
             F.col("info").alias("reject"))
     .write.mode("overwrite").parquet(str(out / REJECTS_DIR)))
