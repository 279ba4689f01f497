"""``botcomments bench``: throughput and memory, side by side on the same model and inputs.

Measures, in one run: (1) the scorer's text-model path (length-sorted batches, dedup)
against plain ``transformers.pipeline("text-classification")`` with its defaults on the
same texts; (2) end-to-end scorer throughput (comments/s); (3) peak memory; and, with
``--archive N``, streams a generated N-comment archive through ``botcomments score``'s
path, printing resident memory as it goes to show it stays bounded.

Example:
    botcomments bench --model models/default --n 20000
    botcomments bench --no-model --archive 2000000
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import psutil

from botcomments.cli.score import add_device_options
from botcomments.cli.threads import set_torch_threads
from botcomments.records import Comment


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``bench`` subcommand."""
    p = subparsers.add_parser("bench", help="measure text-model and end-to-end throughput")
    p.add_argument("--model", type=Path, default=None,
                   help="model folder (default: models/default)")
    p.add_argument("--no-model", action="store_true", help="rule-only scorer (no text model)")
    p.add_argument("--n", type=int, default=20_000,
                   help="simulated comments for the side-by-side")
    p.add_argument("--pipeline-n", type=int, default=2_000,
                   help="texts for the plain transformers pipeline (it is slow)")
    p.add_argument("--archive", type=int, default=0,
                   help="also stream a generated archive of this many comments")
    p.add_argument("--threads", type=int, default=None,
                   help="torch threads (default: the usable cores, as score does)")
    add_device_options(p)
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(func=run, threshold=None)


def _rss_mb() -> float:
    return psutil.Process(os.getpid()).memory_info().rss / 2**20


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def _simulated(n: int, seed: int) -> list[Comment]:
    from botcomments.simulate import SimulationConfig, simulate

    rooms = max(1, n // 1000)
    comments = simulate(rooms, seed=seed, config=SimulationConfig(room_size=(800, 1200))).comments
    return comments[:n]


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:10,.0f} /s" if seconds > 0 else "inf"


def bench_text_model(model_dir: Path, texts: Sequence[str], pipeline_n: int,
                     device: str | None = None, batch_size: int | None = None,
                     precision: str | None = None) -> None:
    """Print the scorer's text path vs the plain transformers pipeline on the same texts.

    Args:
        model_dir: Model folder.
        texts: Texts to classify.
        pipeline_n: How many of them the plain pipeline gets.
        device: Device of the scorer's text model (None = auto). The pipeline keeps
            its own defaults.
        batch_size: Most texts per forward pass of the scorer's text model (None: the
            device's default).
        precision: The scorer's text-model precision (None = default).
    """
    from transformers import pipeline

    from botcomments.model.classifier import BotCommentClassifier

    subset = list(texts[:pipeline_n])
    model = BotCommentClassifier.from_pretrained(model_dir, device=device, batch_size=batch_size,
                                                 precision=precision)
    print(f"scorer text model on {model.device}, {model.precision}, batch size "
          f"{model.batch_size}")
    t0 = time.perf_counter()
    model.bot_scores(subset)
    ours = time.perf_counter() - t0
    plain = pipeline("text-classification", model=str(model_dir))
    t0 = time.perf_counter()
    plain(subset)
    theirs = time.perf_counter() - t0
    print(f"text model, {len(subset)} texts:")
    print(f"  scorer text path (BotCommentClassifier) {_rate(len(subset), ours)}")
    print(f"  transformers.pipeline defaults          {_rate(len(subset), theirs)}")
    print(f"  speed-up                                {theirs / ours:10.1f}x")


def bench_end_to_end(args: argparse.Namespace, comments: list[Comment]) -> None:
    """Print end-to-end scorer throughput on simulated comments.

    Args:
        args: Parsed arguments (model choice).
        comments: Comments to score.
    """
    from botcomments.cli.score import build_scorer

    scorer = build_scorer(args)
    if scorer is None:
        raise SystemExit(2)
    t0 = time.perf_counter()
    run_ = scorer.stream(comments)
    n = sum(1 for _ in run_)
    elapsed = time.perf_counter() - t0
    print(f"end-to-end scorer ({scorer.mode}), {n} comments in {len(run_.rooms)} rooms: "
          f"{_rate(n, elapsed)}; peak RSS {_peak_mb():,.0f} MB")


def bench_archive(args: argparse.Namespace, n: int) -> None:
    """Stream a generated archive through read -> score -> write and print memory.

    Args:
        args: Parsed arguments (model choice).
        n: Comments in the archive.
    """
    from botcomments.cli.score import build_scorer
    from botcomments.io.readers import open_comments
    from botcomments.scoring.outputs import ROOMS_FILE, CommentsWriter, write_rooms
    from botcomments.simulate import SimulationConfig, simulate_to_file

    scorer = build_scorer(args)
    if scorer is None:
        raise SystemExit(2)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "archive.jsonl"
        t0 = time.perf_counter()
        # rooms of 1500-2500 comments: enough rooms for at least n, then stream exactly n
        simulate_to_file(path, max(1, -(-n // 1500)), seed=args.seed,
                         config=SimulationConfig(room_size=(1500, 2500)))
        print(f"archive generated in {time.perf_counter() - t0:.0f}s "
              f"({path.stat().st_size / 2**20:,.0f} MB); streaming {n:,} comments, "
              "RSS every 250k:")
        base = _rss_mb()
        t0 = time.perf_counter()
        run_ = scorer.stream(itertools.islice(open_comments(path), n))
        with CommentsWriter(Path(tmp) / "out") as writer:
            for i, (comment, verdict) in enumerate(run_, 1):
                writer.write(comment, verdict)
                if i % 250_000 == 0:
                    rss = _rss_mb()
                    print(f"  {i:>9,} comments  RSS {rss:,.0f} MB (+{rss - base:,.0f})  "
                          f"peak {_peak_mb():,.0f} MB  {_rate(i, time.perf_counter() - t0)}")
        elapsed = time.perf_counter() - t0
        print(f"archive: {run_.n_scored:,} comments in {len(run_.rooms):,} rooms in "
              f"{elapsed:.0f}s ({_rate(run_.n_scored, elapsed)}); RSS {_rss_mb():,.0f} MB "
              f"with the room reports, peak {_peak_mb():,.0f} MB")
        rooms = write_rooms(Path(tmp) / "out" / ROOMS_FILE, run_.rooms)  # as `score` does
        print(f"rooms.json written ({rooms.stat().st_size / 2**20:,.0f} MB); final RSS "
              f"{_rss_mb():,.0f} MB, peak {_peak_mb():,.0f} MB")


def run(args: argparse.Namespace) -> int:
    """Execute ``botcomments bench``.

    Args:
        args: Parsed arguments.

    Returns:
        0 on success, 2 when no model can be found.
    """

    from botcomments.cli.score import find_model_dir

    model_dir, problem = (None, "") if args.no_model else find_model_dir(args.model)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    args.threads = set_torch_threads(args.threads)
    comments = _simulated(args.n, args.seed)
    print(f"{len(comments)} simulated comments; torch threads {args.threads}; "
          f"OMP_WAIT_POLICY {os.environ.get('OMP_WAIT_POLICY', 'unset')}")
    if model_dir is not None:
        args.model = model_dir
        try:
            bench_text_model(model_dir, [c.text for c in comments], args.pipeline_n,
                             device=args.device, batch_size=args.batch_size,
                             precision=args.precision)
        except FileNotFoundError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    bench_end_to_end(args, comments)
    if args.archive:
        bench_archive(args, args.archive)
    return 0
