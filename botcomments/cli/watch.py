"""``botcomments watch``: live verdicts on a chat log that is still being written.

Follows a growing file (blivedm/Douyin/JSON lines, BililiveRecorder or danmaku XML) or
reads standard input, feeds the comments to a :class:`botcomments.live.RoomMonitor` every
``--interval`` seconds and writes every verdict event as it happens (first verdicts,
revisions, final verdicts), a room summary every ``--summary-every`` seconds, and the
final room reports when the stream ends (``--idle-exit``, end of stdin, or Ctrl-C).

Example:
    botcomments watch recorder/room123.jsonl --no-model --out live/ --summary-every 60
    tail -f dump.jsonl | botcomments watch - --out live/
"""

from __future__ import annotations

import argparse
import queue
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from botcomments.cli.checks import (
    add_tz_option,
    events_note,
    missing_inputs,
    probability,
    zone_note,
)
from botcomments.cli.score import add_device_options, checked_scorer, output_folder_problem
from botcomments.io.writers import json_line
from botcomments.records import Comment

EVENTS_FILE = "events.jsonl"
STDIN = "-"
_END = object()


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``watch`` subcommand."""
    p = subparsers.add_parser(
        "watch", help="live verdicts on a chat log being written (or stdin)",
        description="Follow INPUT (a file still being written, or - for stdin) and emit "
        "verdicts as comments arrive: first verdicts, revisions, final verdicts "
        f"(DIR/{EVENTS_FILE} or stdout), periodic room summaries, and DIR/rooms.json at "
        "the end.",
    )
    p.add_argument("input", help="growing log (JSON lines, blivedm, Douyin, Bilibili XML) or -")
    p.add_argument("--out", type=Path, default=None,
                   help=f"folder for {EVENTS_FILE}, rooms.json, rejects.jsonl "
                        "(default: events to stdout, summaries to stderr)")
    p.add_argument("--model", type=Path, default=None,
                   help="model folder (default: models/default)")
    p.add_argument("--no-model", action="store_true", help="detectors + rules, no text model")
    p.add_argument("--threshold", type=probability, default=None,
                   help="decision threshold on bot_score, in (0, 1)")
    p.add_argument("--input-format", default=None,
                   help="force the input format (stdin: default jsonl)")
    p.add_argument("--map", default=None, help="field mapping, e.g. text=content")
    p.add_argument("--room-id", default=None, help="room id for records without one")
    p.add_argument("--encoding", default=None, help="input encoding (stdin: default utf-8)")
    add_tz_option(p)
    p.add_argument("--interval", type=float, default=1.0,
                   help="seconds between feeding what arrived to the monitor (default 1)")
    p.add_argument("--summary-every", type=float, default=30.0,
                   help="seconds between room summaries (default 30)")
    p.add_argument("--idle-exit", type=float, default=None,
                   help="stop after this many seconds without a new byte (default: never)")
    p.add_argument("--poll", type=float, default=0.5,
                   help="seconds between looks at a file with no new bytes")
    add_device_options(p)
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    p.set_defaults(func=run)


def _stdin_opener(_: Path) -> BinaryIO:
    return cast(BinaryIO, sys.stdin.buffer)


def _open_stream(args: argparse.Namespace, rejects: Path | None, stop: threading.Event
                 ) -> Any:
    """The comment stream of INPUT: followed file or stdin."""
    from botcomments.io.follow import Follower
    from botcomments.io.readers import open_comments

    if args.input == STDIN:
        return open_comments(Path("<stdin>"), fmt=args.input_format or "jsonl",
                             field_map=args.map, room_id=args.room_id or "stdin",
                             encoding=args.encoding or "utf-8", rejects_path=rejects,
                             tz=args.tz, opener=_stdin_opener)
    follower = Follower(poll_s=args.poll, idle_s=args.idle_exit, stop=stop)
    return open_comments(Path(args.input), fmt=args.input_format, field_map=args.map,
                         room_id=args.room_id, encoding=args.encoding, rejects_path=rejects,
                         tz=args.tz, opener=follower.open)


def _read_into(stream: Any, inbox: queue.Queue[Any]) -> None:
    """Reader thread: comments into the queue, then the end marker (or the error)."""
    try:
        for comment in stream:
            inbox.put(comment)
    except Exception as exc:  # handed to the main thread, which reports it
        inbox.put(exc)
    inbox.put(_END)


def _drain(inbox: queue.Queue[Any], wait_s: float) -> tuple[list[Comment], bool]:
    """What arrived within ``wait_s``; True when the stream has ended."""
    deadline = time.monotonic() + wait_s
    got: list[Comment] = []
    while True:
        try:
            item = inbox.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return got, False
        if item is _END:
            return got, True
        if isinstance(item, Exception):
            raise item
        got.append(item)


def _summary_line(report: Any) -> str:
    lo, hi = report.authenticity_ci
    return (f"room {report.room_id}: {report.n_comments} comments, {report.n_flagged} "
            f"flagged, authenticity {report.authenticity_ratio:.3f} [{lo:.3f}, {hi:.3f}]")


def _write_events(events: list[Any], sink: IO[str], flush: bool) -> None:
    """One JSON line per event (a first verdict carries the comment's text and user)."""
    for event in events:
        print(json_line(event.to_dict()), file=sink, flush=flush)


def run(args: argparse.Namespace) -> int:
    """Follow the input until it ends; write events, summaries and final reports.

    Args:
        args: Parsed arguments.

    Returns:
        0 when the stream ended (or was interrupted), 2 on a usage or input error.
    """
    from botcomments.live import RoomMonitor
    from botcomments.scoring.outputs import REJECTS_FILE, ROOMS_FILE, write_rooms

    inputs = [] if args.input == STDIN else [args.input]
    problem = missing_inputs(inputs)
    if args.out is not None:
        problem = problem or output_folder_problem(args.out, inputs,
                                                   (EVENTS_FILE, ROOMS_FILE, REJECTS_FILE))
    scorer = checked_scorer(args, problem)
    if scorer is None:
        return 2
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
    rejects = args.out / REJECTS_FILE if args.out is not None else None
    stop = threading.Event()
    try:
        stream = _open_stream(args, rejects, stop)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    inbox: queue.Queue[Any] = queue.Queue(maxsize=100_000)
    reader = threading.Thread(target=_read_into, args=(stream, inbox), daemon=True)
    reader.start()
    monitor = RoomMonitor(scorer)
    sink = (args.out / EVENTS_FILE).open("w", encoding="utf-8") if args.out else sys.stdout
    talk = sys.stdout if args.out else sys.stderr
    reports: list[Any] = []
    next_summary = time.monotonic() + args.summary_every
    try:
        ended = False
        while not ended:
            batch, ended = _drain(inbox, args.interval)
            out = monitor.feed(batch)
            out.extend(monitor.evict_idle())
            reports.extend(out.closed)
            _write_events(out.events, sink, flush=args.out is None)
            if time.monotonic() >= next_summary:
                for room_id in monitor.rooms:
                    print(_summary_line(monitor.report(room_id)), file=talk, flush=True)
                next_summary = time.monotonic() + args.summary_every
    except KeyboardInterrupt:
        stop.set()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        stop.set()
        for room_id in monitor.rooms:
            result, report = monitor.close_room(room_id)
            reports.append(report)
            _write_events(result.events, sink, flush=False)
        if sink is not sys.stdout:
            sink.close()
    for report in reports:
        print(_summary_line(report), file=talk)
    stats = stream.stats
    print(f"read {stats.read}, accepted {stats.accepted}, rejected {stats.rejected}, "
          f"skipped {stats.skipped}{events_note(stats.events_by_kind)}; {len(reports)} rooms",
          file=talk)
    note = zone_note(stats, args.tz)
    if note:
        print(note, file=talk)
    if args.out is not None:
        write_rooms(args.out / ROOMS_FILE, reports)
        print(f"wrote {args.out / EVENTS_FILE}, {args.out / ROOMS_FILE}", file=talk)
    return 0
