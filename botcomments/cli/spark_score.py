"""``botcomments spark-score``: score an archive too large for one machine on Apache Spark.

Example:
    botcomments spark-score archive/ --out out/spark --master 'local[*]' --shards 8

On a cluster: ``spark-submit --master yarn "$(python -m botcomments.cli.spark_submit)"
archive/ --out DIR`` (see docs/spark.md).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from botcomments.cli.checks import add_tz_option, events_note, missing_inputs, probability


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``spark-score`` subcommand."""
    p = subparsers.add_parser(
        "spark-score",
        help="score an archive on Apache Spark (pip install 'botcomments[spark]')",
        description="Score archived chats on Spark. Writes DIR/comments/, DIR/rooms/ and "
        "DIR/rejects/ as Parquet, and DIR/summary.json. Same verdicts as botcomments score "
        "(one shard) or as one score run per shard (--shards N).",
    )
    add_arguments(p)
    p.set_defaults(func=run)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``spark-score`` (shared with the ``spark-submit`` entry point).

    Args:
        p: The parser to extend.
    """
    p.add_argument("inputs", nargs="+", help="input files or folders (any score format)")
    p.add_argument("--out", required=True, type=Path, help="output folder")
    p.add_argument("--master", default=None,
                   help="Spark master URL (default: the spark-submit one, else local[*])")
    p.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                   help="extra Spark setting, repeatable (e.g. spark.executor.memory=4g)")
    p.add_argument("--shards", type=int, default=1,
                   help="cross-room memory scopes scored in parallel (default 1: the same "
                        "verdicts as one botcomments score run; N: as one run per shard)")
    p.add_argument("--partition-by", default=None, metavar="COLUMN",
                   help="partition comments/ by this output column (e.g. platform, shard)")
    p.add_argument("--model", type=Path, default=None,
                   help="model folder (default: models/default); shipped to the executors")
    p.add_argument("--no-model", action="store_true", help="rule-only scoring")
    p.add_argument("--threshold", type=probability, default=None,
                   help="decision threshold on bot_score, in (0, 1) (default: the model's)")
    p.add_argument("--precision", choices=("int8", "bf16", "fp32"), default=None,
                   help="text-model precision (default: bf16 where the CPU computes it, else "
                        "fp32); int8 scores depend on the batch, so verdicts may differ "
                        "from botcomments score")
    p.add_argument("--batch-size", type=int, default=128, help="texts per forward pass")
    p.add_argument("--input-format", default=None, help="force the input format")
    p.add_argument("--map", default=None, help="field mapping, e.g. text=content,user_id=uid")
    p.add_argument("--room-id", default=None,
                   help="room id for records without one (default: the file name)")
    p.add_argument("--encoding", default=None, help="input encoding (default: auto)")
    add_tz_option(p)


def _conf(pairs: Sequence[str]) -> dict[str, str] | str:
    """``--conf`` pairs as a dict, or an error message."""
    conf: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            return f"--conf {pair!r}: expected KEY=VALUE, e.g. spark.executor.memory=4g"
        conf[key.strip()] = value
    return conf


def run(args: argparse.Namespace) -> int:
    """Execute ``botcomments spark-score``.

    Args:
        args: Parsed arguments.

    Returns:
        0 on success, 2 on a usage or input error.
    """
    from botcomments.cli.score import find_model_dir, output_folder_problem

    try:
        import pyspark  # noqa: F401  (the session imports it late: check the extra first)

        from botcomments.spark.job import COMMENTS_DIR, REJECTS_DIR, ROOMS_DIR, spark_score
        from botcomments.spark.reading import ReadOptions
        from botcomments.spark.scoring import ScorerSpec
        from botcomments.spark.session import start_session
    except ImportError as exc:
        print(f"error: {exc.name or 'pyspark'} is not installed; pip install "
              "'botcomments[spark]' (Spark also needs a Java 17+ runtime)", file=sys.stderr)
        return 2
    conf = _conf(args.conf)
    model_dir, model_problem = (None, "") if args.no_model else find_model_dir(args.model)
    problem = (missing_inputs(args.inputs)
               or output_folder_problem(args.out, args.inputs,
                                        names=(COMMENTS_DIR, ROOMS_DIR, REJECTS_DIR))
               or (conf if isinstance(conf, str) else None)
               or (f"--shards {args.shards} must be >= 1" if args.shards < 1 else None)
               or model_problem)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    assert isinstance(conf, dict)
    options = ReadOptions(fmt=args.input_format, field_map=args.map, encoding=args.encoding,
                          room_id=args.room_id, tz=args.tz)
    try:
        spark = start_session(args.master, conf)
    except Exception as exc:  # pyspark raises its own error types when the JVM fails
        print(f"error: Spark did not start ({type(exc).__name__}: {exc}); it needs a Java "
              "17+ runtime (java on PATH or JAVA_HOME) and a valid --master", file=sys.stderr)
        return 2
    spec = ScorerSpec(
        model_dir=None if model_dir is None else str(Path(model_dir).resolve()),
        model_shipped=model_dir is not None,
        threshold=args.threshold, precision=args.precision, batch_size=args.batch_size)
    if model_dir is not None:
        spark.sparkContext.addFile(str(Path(model_dir).resolve()), recursive=True)
    try:
        summary = spark_score(spark, args.inputs, args.out, options, spec,
                              shards=args.shards, partition_by=args.partition_by)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"read {summary.read}, accepted {summary.accepted}, rejected {summary.rejected}, "
        f"skipped {summary.skipped}{events_note(summary.events_by_kind)}; "
        f"scored {summary.accepted} comments in {summary.rooms} rooms "
        f"({summary.comments_per_second:,.0f}/s, mode {summary.mode}, "
        f"{summary.shards} shard(s)); flagged {summary.flagged}"
    )
    for name in (COMMENTS_DIR, ROOMS_DIR, REJECTS_DIR, "summary.json"):
        print(f"wrote {args.out / name}")
    return 0
