"""Simulator throughput: comments generated (and written) per second on one core.

Run: ``python benchmarks/simulator_bench.py [--comments 1000000] [--rooms 1]``.
Prints generation-only and generate+write (JSONL) rates and peak RSS.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import psutil

from botcomments.simulate import SimulationConfig, iter_rooms, simulate_to_file


def main() -> None:
    """Run the benchmark and print figures."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--comments", type=int, default=1_000_000, help="total comments")
    ap.add_argument("--rooms", type=int, default=1, help="rooms to split them into")
    ap.add_argument("--bot-share", type=float, default=0.5)
    ap.add_argument("--skip-write", action="store_true", help="only time generation")
    args = ap.parse_args()
    per_room = args.comments // args.rooms
    config = SimulationConfig(
        room_size=(per_room, per_room), bot_share=(args.bot_share, args.bot_share)
    )
    proc = psutil.Process(os.getpid())

    t0 = time.perf_counter()
    n = sum(room.truth.n_comments for room in iter_rooms(args.rooms, 1, config))
    dt = time.perf_counter() - t0
    print(
        f"generate only : {n:,} comments in {args.rooms} room(s): {dt:.1f} s, "
        f"{n / dt:,.0f} comments/s"
    )
    if not args.skip_write:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "bench.jsonl"
            t0 = time.perf_counter()
            rooms = simulate_to_file(out, args.rooms, 1, config)
            dt = time.perf_counter() - t0
            n = sum(r.n_comments for r in rooms)
            size = out.stat().st_size / 1e6
            print(
                f"generate+JSONL: {n:,} comments: {dt:.1f} s, {n / dt:,.0f} comments/s, "
                f"{size:.0f} MB"
            )
    print(
        f"peak RSS: {proc.memory_info().rss / 1e6:.0f} MB (current), "
        f"cpu count used: 1 (single process)"
    )


if __name__ == "__main__":
    main()
