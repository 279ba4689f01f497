"""``botcomments classify``: score comment texts alone (no room context) with a model.

Reads INPUT with ``botcomments.io.readers.open_comments`` (every supported format);
records the reader rejects are logged, counted and written to the rejects file
(default ``OUT.rejects.jsonl``). Without that reader, INPUT is read as plain JSONL (a
``text`` field per line) or TXT (one comment per line), and unreadable lines are
written to OUT with an ``error`` field. Every scored record gets ``bot_score``,
``pred_label`` and ``is_bot`` (at the model's saved threshold); an input ``label`` is kept.
A ``.txt`` line over 1 MiB is a ``line_too_long`` reject. The printed JSON summary counts
every input record as ``score`` does: ``read = accepted + rejected + skipped + events``
(engagement events are counted, not classified), then ``scored`` and ``errors``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from botcomments.cli.checks import (
    add_tz_option,
    missing_inputs,
    overwrites_input,
    unwritable_output,
    zone_note,
)
from botcomments.cli.score import find_model_dir
from botcomments.io.closing import ClosesOnExit
from botcomments.io.writers import RecordWriter

logger = logging.getLogger(__name__)

CHUNK = 4096


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``classify`` subcommand.

    Args:
        subparsers: The top-level subparsers.
    """
    p = subparsers.add_parser("classify", help="score texts alone with a text model")
    p.add_argument("input", help="comments file (.jsonl, .txt, or any format the readers know)")
    p.add_argument("--model", type=Path, default=None,
                   help="model folder (default: models/default in the working directory, "
                        "else next to the package)")
    p.add_argument("--out", required=True, help="output .jsonl or .parquet")
    p.add_argument("--batch-size", type=int, default=128, help="texts per forward pass")
    p.add_argument("--map", dest="mapping", help="field mapping, e.g. text=content")
    p.add_argument("--rejects", help="JSONL of rejected records (default: OUT.rejects.jsonl)")
    add_tz_option(p)
    p.set_defaults(func=run)


class _TextLines:
    """A ``.txt`` file as one comment per non-blank line (UTF-8 or GB18030, detected).

    Lines that do not decode become records with an ``error`` (counted, not dropped); a
    line over the line limit (1 MiB) is a ``line_too_long`` reject, written to the
    rejects file like the other readers' rejects. ``stats`` counts as they do.
    """

    def __init__(self, path: Path, rejects: Path | None) -> None:
        from botcomments.io.stats import ReadStats

        self.path = path
        self.rejects = rejects
        self.stats = ReadStats()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        from botcomments.io.base import Location, Rejected, preview
        from botcomments.io.sources import detect_encoding, iter_raw_lines, open_binary, peek

        name = str(self.path)
        fstats = self.stats.file(name)
        encoding = fstats.encoding = detect_encoding(peek(self.path))
        fstats.fmt = "txt"
        rejects = RecordWriter(self.rejects, fmt="jsonl") if self.rejects else None
        try:
            with open_binary(self.path) as fh:
                for line in iter_raw_lines(fh):
                    if line.too_long:
                        item = Rejected(Location(name, line.lineno, line.offset),
                                        "line_too_long", "line longer than the limit",
                                        preview(line.data))
                        logger.warning("rejected %s", item.message)
                        self.stats.count_rejected(name, item.reason)
                        if rejects is not None:
                            rejects.write(item.to_dict())
                        continue
                    try:
                        text = line.data.decode(encoding)
                    except UnicodeDecodeError as exc:
                        self.stats.count_accepted(name, "none")
                        yield {"_line": line.lineno,
                               "error": f"line {line.lineno}: not {encoding} ({exc.reason})"}
                        continue
                    if text.strip():
                        self.stats.count_accepted(name, "none")
                        yield {"_line": line.lineno, "text": text}
        finally:
            if rejects is not None:
                rejects.close()


def _plain_records(path: Path) -> Iterator[dict[str, Any]]:
    """Fallback reader: JSONL objects or TXT lines as ``{"text": ...}`` dicts."""
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            if path.suffix.lower() not in (".jsonl", ".ndjson", ".json"):
                yield {"text": line.rstrip("\r\n")}
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield {"_line": lineno, "error": f"line {lineno}: invalid JSON ({exc.msg})"}
                continue
            yield obj if isinstance(obj, dict) else {"_line": lineno, "text": obj}


def read_records(
    path: Path, mapping: str | None = None, rejects: Path | None = None,
    tz: str | None = None,
) -> tuple[Iterator[dict[str, Any]], Any]:
    """Read input records as dicts, preferring the project's readers.

    Args:
        path: Input file.
        mapping: Field mapping for the reader (``text=content``).
        rejects: JSONL file for records the reader rejects.
        tz: IANA zone of timestamps written without one (None: UTC).

    Returns:
        ``(records, stream)``: an iterator of record dicts and the reader's stream (with
        ``stats``: a ``.txt`` file's too), or None as stream for the plain fallback.
    """
    if path.suffix.lower() == ".txt":  # one comment per line, not a CSV with a header
        lines = _TextLines(path, rejects)
        return iter(lines), lines
    try:
        readers = importlib.import_module("botcomments.io.readers")
    except ImportError:
        return _plain_records(path), None
    stream = readers.open_comments(path, field_map=mapping, rejects_path=rejects, tz=tz)
    return (c.to_dict() for c in stream), stream


def score_records(records: Iterable[dict[str, Any]], clf: Any) -> Iterator[dict[str, Any]]:
    """Add ``bot_score``/``pred_label``/``is_bot`` to records, chunk by chunk.

    The prediction goes beside the record's own fields: an input ``label`` (ground truth)
    is kept as it was.

    Args:
        records: Record dicts.
        clf: A ``BotCommentClassifier``.

    Yields:
        Scored records (or records with ``error``), in input order.
    """
    it = iter(records)
    while chunk := list(islice(it, CHUNK)):
        ok = [i for i, r in enumerate(chunk) if isinstance(r.get("text"), str) and "error" not in r]
        scores = clf.bot_scores([chunk[i]["text"] for i in ok])
        by_row = dict(zip(ok, scores.tolist(), strict=True))
        for i, rec in enumerate(chunk):
            if i in by_row:
                s = by_row[i]
                rec.update(
                    bot_score=s,
                    is_bot=s >= clf.threshold,
                    pred_label="bot" if s >= clf.threshold else "human",
                )
            else:
                rec.setdefault("error", "record has no text string; map the text field")
                rec.update(bot_score=None, is_bot=None, pred_label=None)
            yield rec


def run(args: argparse.Namespace) -> int:
    """Score the input file.

    Args:
        args: Parsed arguments.

    Returns:
        Exit code: 0 (even when some records had errors; they are counted in the log),
        2 when an output path is the input or cannot be written, or the model is missing.
    """
    from botcomments.model import BotCommentClassifier

    rejects = Path(args.rejects) if args.rejects else Path(f"{args.out}.rejects.jsonl")
    clash = (missing_inputs([args.input])
             or overwrites_input([Path(args.out), rejects], [args.input])
             or unwritable_output(Path(args.out), "--out")
             or unwritable_output(rejects, "--rejects"))
    model_dir, problem = find_model_dir(args.model, fallback="")
    if clash or model_dir is None:
        print(f"error: {clash or problem}", file=sys.stderr)
        return 2
    try:
        clf = BotCommentClassifier.from_pretrained(model_dir, batch_size=args.batch_size)
    except (OSError, ValueError) as exc:  # a folder without (readable) weights or tokenizer
        print(f"error: cannot load the model in {model_dir}: {exc}; pass --model DIR (a "
              "folder written by botcomments train)", file=sys.stderr)
        return 2
    records, stream = read_records(Path(args.input), args.mapping, rejects, args.tz)
    n_err = 0
    try:
        with RecordWriter(args.out) as writer:
            for rec in score_records(records, clf):
                n_err += rec.get("error") is not None
                writer.write(rec)
            n = writer.n_written
    finally:
        if isinstance(stream, ClosesOnExit):  # the reader's rejects file, complete now
            stream.close()
    stats = stream.stats if stream is not None else None
    n_rejected = int(stats.rejected) if stats is not None else 0
    if n_err or n_rejected:
        logger.warning(
            "%d records not scored (error field in %s), %d rejected by the reader (in %s)",
            n_err,
            args.out,
            n_rejected,
            rejects,
        )
    summary: dict[str, Any] = {}
    if stats is not None:  # the same counts as score's: read = accepted+rejected+skipped+events
        summary.update(read=stats.read, accepted=stats.accepted, rejected=stats.rejected,
                       skipped=stats.skipped, events=stats.events)
        if stats.events:
            summary["events_by_kind"] = dict(stats.events_by_kind.most_common())
            summary["events_note"] = ("engagement events are counted, not classified; "
                                      "botcomments score uses them")
        if stats.skipped:
            summary["skipped_by_kind"] = dict(stats.skipped_by_kind.most_common())
    summary.update(scored=n - n_err, errors=n_err, rejected=n_rejected, out=args.out)
    if n_rejected:
        summary["rejects"] = str(rejects)
    note = zone_note(stats, args.tz) if stats is not None else None
    if note:
        summary["note"] = note
    print(json.dumps(summary, ensure_ascii=False))
    return 0
