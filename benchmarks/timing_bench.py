"""Throughput and memory of the machine-posting detector.

Prints comments/s for one 100k-comment room and one 1M-comment room (and their time
ratio, ~10 means linear), then 10,000 rooms of 100 comments, with peak RSS growth.

Run: ``python benchmarks/timing_bench.py [--sizes 100000 1000000] [--rooms 10000]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import psutil

from botcomments.detectors.base import RoomBatch
from botcomments.detectors.timing import MachinePostingDetector
from botcomments.quantify import ClassifierRates, estimate_authenticity
from botcomments.records import Comment
from botcomments.text.normalize import NormalizationFeatures, NormalizedText

LINES = ("扣1", "666", "主播好美", "晚安", "哈哈", "来了来了", "好看", "多少钱", "88", "草")


def make_room(
    room_id: str, n: int, rng: np.random.Generator, bot_pool: int | None = None
) -> RoomBatch:
    """Build a synthetic room: Zipf-active humans plus a few bot pools (fast, not real).

    Args:
        room_id: Room id.
        n: Number of comments.
        rng: Random generator.
        bot_pool: Size of the bot account pool (default n // 20, so per-account activity
            is the same at every room size).

    Returns:
        A time-sorted room batch (normal forms prebuilt, so only the detector is timed).
    """
    rate = 50.0  # comments/s
    ts = np.sort(rng.uniform(0, n / rate, n)) + 1.7e9
    n_users = max(2, n // 15)
    users = np.minimum(rng.zipf(1.6, n), n_users)
    bot = rng.random(n) < 0.2
    bot_ids = rng.integers(0, bot_pool or max(1, n // 20), n)
    lines = rng.integers(0, len(LINES), n)
    feats = NormalizationFeatures()
    norms = [NormalizedText(LINES[k], feats) for k in lines.tolist()]
    comments = [
        Comment(
            text=LINES[k], room_id=room_id, ts=t, user_id=f"b{b}" if is_bot else f"{room_id}u{u}"
        )
        for k, t, u, b, is_bot in zip(
            lines.tolist(), ts.tolist(), users.tolist(), bot_ids.tolist(), bot.tolist(), strict=True
        )
    ]
    return RoomBatch(room_id, comments, norms)


def rss_mb() -> float:
    """Return the resident set size of this process in MiB."""
    return psutil.Process().memory_info().rss / 2**20


def main() -> None:
    """Run the benchmark and print figures."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--rooms", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    times: dict[int, float] = {}
    for n in args.sizes:
        batch = make_room(f"big{n}", n, rng)
        det = MachinePostingDetector()
        base = rss_mb()
        t0 = time.perf_counter()
        det.detect(batch)
        dt = time.perf_counter() - t0
        times[n] = dt
        print(
            f"one room n={n:>9,}: {dt:7.2f} s  {n / dt:>10,.0f} comments/s  "
            f"rss +{rss_mb() - base:,.0f} MiB (now {rss_mb():,.0f} MiB)"
        )
        del batch
    if len(times) >= 2:
        small, large = min(times), max(times)
        print(
            f"time ratio {large:,}/{small:,} = {times[large] / times[small]:.2f} "
            f"(size ratio {large / small:.0f})"
        )
    for n in args.sizes:
        probs = rng.beta(2, 4, n)
        users = rng.integers(0, max(1, n // 15), n)
        ts = np.sort(rng.uniform(0, n / 50.0, n))
        rates = ClassifierRates(tpr=0.8, fpr=0.2, n_pos=5000, n_neg=5000, p_tpr=0.67, p_fpr=0.33)
        t0 = time.perf_counter()
        estimate_authenticity(probs, users=users, ts=ts, rates=rates, n_boot=500)
        dt = time.perf_counter() - t0
        print(f"estimate_authenticity n={n:>9,} ({n // 15:,} users, 500 boot): {dt:6.2f} s")
    if args.rooms:
        det = MachinePostingDetector()
        base = rss_mb()
        rooms = [make_room(f"r{i}", 100, rng, bot_pool=50_000) for i in range(args.rooms)]
        built = rss_mb()
        t0 = time.perf_counter()
        for b in rooms:
            det.detect(b)
        dt = time.perf_counter() - t0
        total = 100 * args.rooms
        print(
            f"{args.rooms:,} rooms x 100: {dt:7.2f} s  {total / dt:>10,.0f} comments/s  "
            f"detector state +{rss_mb() - built:,.0f} MiB (inputs {built - base:,.0f} MiB, "
            f"{len(det._accounts):,} accounts remembered)"
        )


if __name__ == "__main__":
    main()
