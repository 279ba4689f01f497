"""``botcomments read``: stream chat logs, normalise every comment, print a summary.

Example:
    botcomments read chat.jsonl room.xml --rejects rejects.jsonl --out normalised.parquet
    botcomments read blivedm.jsonl --events events.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa

from botcomments.cli.checks import (
    add_tz_option,
    events_note,
    missing_inputs,
    overwrites_input,
    unwritable_output,
    zone_note,
)
from botcomments.io.readers import FORMATS, RejectedRecordError, open_comments
from botcomments.io.stats import ReadStats
from botcomments.io.writers import CORE_PARQUET_FIELDS, RecordWriter, format_for_path
from botcomments.records import Comment
from botcomments.text.normalize import NORMALIZER_VERSION, NormalizedText, normalize

PARQUET_SCHEMA = pa.schema(
    [*CORE_PARQUET_FIELDS, ("text_norm", pa.string()), ("extra", pa.string())]
)
"""Schema of ``--out *.parquet``: core fields, ``text_norm``, other fields as a JSON string."""


@dataclass
class NormSummary:
    """Running summary of normalised comments (rooms, users, time span, evasion features).

    Attributes:
        n: Comments seen.
        rooms: Distinct room ids.
        users: Distinct user ids.
        ts_min: Earliest timestamp (unix seconds) or None.
        ts_max: Latest timestamp or None.
        n_changed: Comments whose normal form differs from the raw text.
        n_zero_width: Comments with zero-width/format characters removed.
        n_masked: Comments with at least one masked contact.
        masked: Masked contacts per placeholder.
        n_long_run: Comments with a run of 3+ repeated characters.
        max_run: Longest run seen.
        n_traditional: Comments with traditional characters converted.
        n_variant: Comments with variant/look-alike characters replaced.
    """

    n: int = 0
    rooms: set[str] = field(default_factory=set)
    users: set[str] = field(default_factory=set)
    ts_min: float | None = None
    ts_max: float | None = None
    n_changed: int = 0
    n_zero_width: int = 0
    n_masked: int = 0
    masked: Counter[str] = field(default_factory=Counter)
    n_long_run: int = 0
    max_run: int = 0
    n_traditional: int = 0
    n_variant: int = 0

    def add(self, comment: Comment, norm: NormalizedText) -> None:
        """Count one comment and its normal form."""
        self.n += 1
        self.rooms.add(comment.room_id)
        if comment.user_id is not None:
            self.users.add(comment.user_id)
        if comment.ts is not None:
            self.ts_min = comment.ts if self.ts_min is None else min(self.ts_min, comment.ts)
            self.ts_max = comment.ts if self.ts_max is None else max(self.ts_max, comment.ts)
        feats = norm.features
        self.n_changed += norm.text != comment.text
        self.n_zero_width += feats.had_zero_width
        if feats.masked_contacts:
            self.n_masked += 1
            self.masked.update(feats.masked_contacts)
        self.n_long_run += feats.max_run >= 3
        self.max_run = max(self.max_run, feats.max_run)
        self.n_traditional += feats.n_traditional > 0
        self.n_variant += feats.n_variant_chars > 0

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready summary (shares are fractions of comments)."""

        def share(k: int) -> float:
            return round(k / self.n, 4) if self.n else 0.0

        return {
            "comments": self.n,
            "rooms": len(self.rooms),
            "users": len(self.users),
            "time_span": [_iso(self.ts_min), _iso(self.ts_max)],
            "normaliser_version": NORMALIZER_VERSION,
            "share_changed_by_normalisation": share(self.n_changed),
            "share_zero_width": share(self.n_zero_width),
            "share_masked_contacts": share(self.n_masked),
            "masked_contacts": dict(self.masked),
            "share_run_3_plus": share(self.n_long_run),
            "max_run": self.max_run,
            "share_traditional": share(self.n_traditional),
            "share_variant_chars": share(self.n_variant),
        }


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, tz=timezone.utc).isoformat()


def output_row(comment: Comment, text_norm: str, parquet: bool) -> dict[str, Any]:
    """Build one ``--out`` record: the comment fields plus ``text_norm``.

    Args:
        comment: The comment.
        text_norm: Its normal form.
        parquet: True for the fixed Parquet schema (other fields in ``extra`` as JSON);
            False for JSONL (other fields kept flat, as ``Comment.to_dict`` does).

    Returns:
        The record dict.
    """
    if not parquet:
        row = comment.to_dict()
        row["text_norm"] = text_norm
        return row
    return {
        "platform": comment.platform,
        "room_id": comment.room_id,
        "user_id": comment.user_id,
        "ts": comment.ts,
        "text": comment.text,
        "msg_id": comment.msg_id,
        "label": comment.label,
        "text_norm": text_norm,
        "extra": json.dumps(comment.extra, ensure_ascii=False, default=str),
    }


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``read`` subcommand.

    Args:
        subparsers: The top-level subparsers.
    """
    parser = subparsers.add_parser(
        "read",
        help="read chat logs of any supported format, normalise, print a summary",
        description=(
            "Stream INPUT files (JSONL, JSON, CSV/TSV, Parquet, BililiveRecorder XML, Bilibili "
            "danmaku XML, blivedm dumps, Douyin webcast JSON; .gz allowed; directories are "
            "read recursively), normalise each comment and print counts. Engagement events "
            "(enters, likes, viewer counts, gifts, follows) are counted and, with --events, "
            "written as JSON lines. Bad records never stop the run: they are counted and, "
            "with --rejects, written with file, line and reason."
        ),
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="input files or directories")
    parser.add_argument(
        "--format", dest="input_format", choices=(*FORMATS, "json"), help="force a format"
    )
    parser.add_argument(
        "--map", dest="field_map", metavar="FIELD=COL,...", help="e.g. text=content,user_id=uid"
    )
    parser.add_argument("--encoding", help="force a text encoding, e.g. gb18030")
    add_tz_option(parser)
    parser.add_argument("--room-id", help="room id for records without one (default: file name)")
    parser.add_argument("--rejects", type=Path, metavar="FILE", help="write rejects here (JSONL)")
    parser.add_argument(
        "--strict", action="store_true", help="stop with exit 1 at the first bad record"
    )
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help="write records + text_norm (.jsonl/.parquet)"
    )
    parser.add_argument(
        "--events", type=Path, metavar="FILE.jsonl",
        help="write the engagement events (enter/like/viewers/gift/follow) as JSON lines",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``botcomments read``.

    Args:
        args: Parsed arguments.

    Returns:
        0 on success, 1 on a --strict rejection, 2 on a usage error.
    """
    named = {option: Path(path) for option, path in (
        ("--out", args.out), ("--rejects", args.rejects), ("--events", args.events))
        if path is not None}
    outputs = list(named.values())
    clash = (missing_inputs(args.inputs) or overwrites_input(outputs, args.inputs)
             or _same_output(outputs))
    for option, path in named.items():
        clash = clash or unwritable_output(path, option)
    if clash:
        print(f"error: {clash}", file=sys.stderr)
        return 2
    events = None
    try:
        parquet = args.out is not None and format_for_path(args.out) == "parquet"
        if args.events is not None and format_for_path(args.events) != "jsonl":
            raise ValueError(f"--events {args.events}: events are written as JSON lines; "
                             "use a .jsonl name")
        if args.events is not None:
            events = RecordWriter(args.events, fmt="jsonl")
        stream = open_comments(
            args.inputs,
            fmt=args.input_format,
            field_map=args.field_map,
            encoding=args.encoding,
            rejects_path=args.rejects,
            strict=args.strict,
            room_id=args.room_id,
            tz=args.tz,
            on_event=None if events is None else (lambda e: events.write(e.to_dict())),
        )
    except ValueError as exc:
        if events is not None:
            events.close()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    summary = NormSummary()
    writer = (
        RecordWriter(args.out, schema=PARQUET_SCHEMA if parquet else None) if args.out else None
    )
    try:
        with stream:
            for comment in stream:
                norm = normalize(comment.text)
                summary.add(comment, norm)
                if writer is not None:
                    writer.write(output_row(comment, norm.text, parquet))
    except RejectedRecordError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        for out in (writer, events):
            if out is not None:
                out.close()
    _print_summary(stream.stats, summary, args)
    return 0


def _same_output(outputs: list[Path]) -> str | None:
    """Name an output given twice (``--out``, ``--rejects``, ``--events``), or None."""
    resolved = [p.resolve() for p in outputs]
    for i, path in enumerate(resolved):
        if path in resolved[:i]:
            return f"{outputs[i]} is given as two outputs; give each output its own file"
    return None


def _print_summary(stats: ReadStats, summary: NormSummary, args: argparse.Namespace) -> None:
    report = {"reading": stats.to_dict(), "comments": summary.to_dict()}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(
        f"read {stats.read}: accepted {stats.accepted}, rejected {stats.rejected}, "
        f"skipped {stats.skipped} (neither comments nor engagement events), "
        f"events {stats.events}"
    )
    for path, fs in stats.files.items():
        print(
            f"  {path} [{fs.fmt}, {fs.encoding or '-'}]: read {fs.read}, accepted {fs.accepted}, "
            f"rejected {fs.rejected}, skipped {fs.skipped}{events_note(fs.events_by_kind)}"
        )
    for name, counter in (
        ("rejected by reason", stats.rejected_by_reason),
        ("skipped by kind", stats.skipped_by_kind),
        ("events by kind", stats.events_by_kind),
        ("timestamp units", stats.ts_units),
    ):
        if counter:
            print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in counter.most_common()))
    note = zone_note(stats, args.tz)
    if note:
        print(note)
    if stats.rejected and args.rejects is None:
        print("note: rejected records were not kept; pass --rejects FILE to write them")
    for key, value in summary.to_dict().items():
        print(f"{key}: {value}")
    if args.out is not None:
        print(f"wrote {summary.n} records to {args.out}")
    if args.events is not None:
        print(f"wrote {stats.events} events to {args.events}")
