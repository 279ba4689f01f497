"""``botcomments score``: batch-score archived chats into comments.jsonl, rooms.json, report.

Example:
    botcomments score data/demo/chat.jsonl --out out/demo --no-model
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from botcomments.cli.checks import (
    add_tz_option,
    events_note,
    missing_inputs,
    overwrites_input,
    probability,
    unwritable_output,
    zone_note,
)
from botcomments.cli.threads import set_torch_threads
from botcomments.records import Comment

if TYPE_CHECKING:
    from botcomments.scoring.pipeline import Scorer

DEFAULT_MODEL = Path("models") / "default"


def default_model_dir() -> Path | None:
    """Locate ``models/default``: in the working directory, then next to the package source.

    Returns:
        The folder, or None when neither exists.
    """
    import botcomments

    candidates = [Path.cwd() / DEFAULT_MODEL,
                  Path(botcomments.__file__).resolve().parent.parent / DEFAULT_MODEL]
    for c in candidates:
        if c.is_dir():
            return c
    return None


def find_model_dir(given: Path | None, fallback: str = "--no-model") -> tuple[Path | None, str]:
    """The text-model folder to load: ``--model`` as given, else :func:`default_model_dir`.

    Args:
        given: The ``--model`` value, or None.
        fallback: The other way to run, named in the message (e.g. ``--no-model``), or "".

    Returns:
        ``(folder, "")``, or ``(None, message)`` saying what is missing and what to pass.
    """
    other = f", or run without a text model: {fallback}" if fallback else ""
    if given is None:
        found = default_model_dir()
        if found is not None:
            return found, ""
        return None, ("no --model given and the default model (models/default) is not "
                      "installed here (looked in the working directory and next to the "
                      f"package); pass --model DIR{other}")
    if not given.is_dir():
        return None, (f"model folder {given} does not exist; pass --model DIR (a folder "
                      f"written by botcomments train){other}")
    return given, ""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``score`` subcommand."""
    p = subparsers.add_parser(
        "score",
        help="score comments: per-comment bot score + flags, per-room authenticity, report",
        description="Score archived chats. Writes DIR/comments.jsonl (input order), "
        "DIR/rooms.json, DIR/report.html and DIR/rejects.jsonl.",
    )
    p.add_argument("inputs", nargs="+", help="input files (JSONL, CSV, Parquet, XML, ...)")
    p.add_argument("--out", required=True, type=Path, help="output folder")
    p.add_argument("--model", type=Path, default=None,
                   help="model folder (default: models/default)")
    p.add_argument("--no-model", action="store_true",
                   help="rule-only mode: detectors + rules, no text model")
    p.add_argument("--threshold", type=probability, default=None,
                   help="decision threshold on bot_score, in (0, 1) (default: the model's)")
    p.add_argument("--lang", choices=("en", "zh"), default="en",
                   help="language of report.html: en (default) or zh (中文)")
    p.add_argument("--alert-below", type=probability, default=0.7,
                   help="report.html shows genuine shares below this in red (default 0.7)")
    p.add_argument("--accounts", action="store_true",
                   help="also write DIR/accounts.jsonl: per room and account, comments, "
                        "flagged, reasons, cluster/template/lockstep-group ids")
    p.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl",
                   help="parquet: also write DIR/comments.parquet")
    p.add_argument("--input-format", default=None, help="force the input format")
    p.add_argument("--map", default=None, help="field mapping, e.g. text=content,user_id=uid")
    p.add_argument("--room-id", default=None,
                   help="room id for records without one (default: the file name)")
    p.add_argument("--encoding", default=None, help="input encoding (default: auto)")
    add_tz_option(p)
    p.add_argument("--strict", action="store_true", help="stop at the first bad record")
    p.add_argument("--no-progress", action="store_true", help="hide progress bars")
    add_device_options(p)
    p.add_argument("--threads", type=int, default=None,
                   help="torch CPU threads for the text model (default: the cores this "
                        "process may use: affinity and cgroup quota)")
    p.set_defaults(func=run)


def _progress(items: Iterable[Comment], enabled: bool) -> Iterator[Comment]:
    bar = tqdm(items, unit=" comments", desc="scoring", disable=not enabled, file=sys.stderr,
               mininterval=0.5)
    yield from bar


def add_device_options(p: argparse.ArgumentParser) -> None:
    """Add ``--device``, ``--batch-size`` and ``--precision`` (text model) to a subcommand.

    Args:
        p: The subcommand's parser.
    """
    p.add_argument("--device", default=None,
                   help="torch device of the text model, e.g. cpu, cuda, cuda:1 "
                   "(default: cuda when available, else cpu)")
    p.add_argument("--batch-size", type=int, default=None,
                   help="most texts per forward pass of the text model (default 128 on "
                   "CPU, 1024 on CUDA)")
    p.add_argument("--precision", choices=("int8", "bf16", "fp32"), default=None,
                   help="text-model precision (default: bf16 on CUDA and on CPUs that "
                   "compute it natively, else fp32); on CPU a score moves with its batch by "
                   "<= 3e-7 in fp32, 0 in bf16, ~0.06 in int8 (not measured on a GPU)")


def build_scorer(args: argparse.Namespace) -> Scorer | None:
    """Build the scorer the arguments ask for.

    Args:
        args: Parsed arguments (``no_model``, ``model``, ``threshold``).

    Returns:
        The scorer, or None after printing why none can be built.
    """
    from botcomments.scoring.pipeline import Scorer

    if args.no_model:
        return Scorer.rule_only(threshold=args.threshold)
    model_dir, problem = find_model_dir(args.model)
    if model_dir is None:
        print(f"error: {problem}", file=sys.stderr)
        return None
    set_torch_threads(getattr(args, "threads", None))
    try:
        return Scorer.from_pretrained(model_dir, threshold=args.threshold,
                                      device=args.device, batch_size=args.batch_size,
                                      precision=getattr(args, "precision", None))
    except FileNotFoundError as exc:
        print(f"error: {exc}\n  or score without a text model: --no-model", file=sys.stderr)
        return None


def checked_scorer(args: argparse.Namespace, problem: str | None) -> Scorer | None:
    """The scorer the arguments ask for, unless an input/output problem was found.

    Args:
        args: Parsed arguments.
        problem: An error message about the inputs or ``--out``, or None.

    Returns:
        The scorer, or None after printing the problem (or why no scorer loads).
    """
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return None
    return build_scorer(args)


def output_folder_problem(out: Path, inputs: list[str],
                          names: Sequence[str] | None = None) -> str | None:
    """Why ``--out`` cannot be the output folder (None when it can).

    Args:
        out: The ``--out`` folder.
        inputs: Input paths as given.
        names: Files the command writes there (default: ``score``'s).

    Returns:
        An error message with the fix, or None.
    """
    from botcomments.scoring.accounts import ACCOUNTS_FILE
    from botcomments.scoring.outputs import (
        COMMENTS_FILE,
        COMMENTS_PARQUET,
        REJECTS_FILE,
        REPORT_FILE,
        ROOMS_FILE,
    )

    if names is None:
        names = (COMMENTS_FILE, COMMENTS_PARQUET, ROOMS_FILE, REPORT_FILE, REJECTS_FILE,
                 ACCOUNTS_FILE)
    clash = overwrites_input([out, *(out / n for n in names)], inputs)
    if clash:
        return clash
    return unwritable_output(out, "--out", folder=True)  # a file on the path, no permission


def run(args: argparse.Namespace) -> int:
    """Execute ``botcomments score``.

    Args:
        args: Parsed arguments.

    Returns:
        0 on success, 2 on a usage or input error.
    """
    from botcomments.io.readers import open_comments
    from botcomments.scoring.accounts import ACCOUNTS_FILE, AccountTable
    from botcomments.scoring.outputs import (
        COMMENTS_FILE,
        REJECTS_FILE,
        REPORT_FILE,
        ROOMS_FILE,
        CommentsWriter,
        write_rooms,
    )
    from botcomments.scoring.report import ReportInputs, write_report
    from botcomments.scoring.room_events import RoomEvents

    out: Path = args.out
    scorer = checked_scorer(args, missing_inputs(args.inputs)
                            or output_folder_problem(out, args.inputs))
    if scorer is None:
        return 2
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    room_events = RoomEvents(rules_only=not scorer.extractor.has_text_model)
    try:
        stream = open_comments(
            [Path(p) for p in args.inputs],
            fmt=args.input_format,
            field_map=args.map,
            room_id=args.room_id,
            encoding=args.encoding,
            rejects_path=out / REJECTS_FILE,
            strict=args.strict,
            tz=args.tz,
            on_event=room_events.add_event,
        )
    except ValueError as exc:  # unknown format/encoding/zone, malformed --map
        print(f"error: {exc}", file=sys.stderr)
        return 2
    show = not args.no_progress and sys.stderr.isatty()
    n_bot = 0
    try:
        run_ = scorer.stream(_progress(stream, show))
        accounts = AccountTable() if args.accounts else None
        with CommentsWriter(out, parquet=args.format == "parquet") as writer:
            for comment, verdict in run_:
                writer.write(comment, verdict)
                n_bot += verdict.is_bot
                room_events.add_scored(comment, verdict)
                if accounts is not None:
                    accounts.add(comment, verdict)
            paths = writer.paths
        if accounts is not None:
            paths.append(accounts.write(out / ACCOUNTS_FILE))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    engagement = room_events.finish(run_.rooms, out / COMMENTS_FILE)
    write_rooms(out / ROOMS_FILE, run_.rooms, engagement)
    stats = stream.stats
    summary: dict[str, Any] = {
        "mode": scorer.mode,
        "threshold": round(scorer.threshold, 3),
        "read": stats.read,
        "accepted": stats.accepted,
        "rejected": stats.rejected,
        "skipped": stats.skipped,
    }
    if stats.events:
        summary["events"] = stats.events
    summary.update({
        "zone of naive times": args.tz or "UTC",
        "rooms": len(run_.rooms),
        "flagged": n_bot,
    })
    write_report(out / REPORT_FILE, ReportInputs(run_.rooms, run_.histogram, run_.calibration,
                                                 summary, lang=args.lang,
                                                 alert_below=args.alert_below,
                                                 zone=args.tz or "UTC",
                                                 engagement=engagement))
    rate = run_.n_scored / elapsed if elapsed > 0 else 0.0
    rejects_note = f" (see {out / REJECTS_FILE})" if stats.rejected else ""
    print(
        f"read {stats.read}, accepted {stats.accepted}, rejected {stats.rejected}"
        f"{rejects_note}, skipped {stats.skipped}{events_note(stats.events_by_kind)}; "
        f"scored {run_.n_scored} comments in {len(run_.rooms)} rooms "
        f"({rate:,.0f}/s, mode {scorer.mode}); flagged {n_bot}"
    )
    if engagement:
        print(f"engagement estimated for {len(engagement)} rooms with events")
    note = zone_note(stats, args.tz)
    if note:
        print(note)
    for p in [*paths, out / ROOMS_FILE, out / REPORT_FILE]:
        print(f"wrote {p}")
    return 0
