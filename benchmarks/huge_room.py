"""One very large room: botcomments score vs spark-score local[2], peak memory side by side.

Writes (once) one room of ``--comments`` simulated comments (two simulated rooms of half the
size joined end to end under one room id), then runs ``botcomments score --no-model`` and
``botcomments spark-score --no-model --master local[2]`` on it, each in a fresh process,
sampling every 2 s the resident memory of the process tree (largest single process: the
scorer), and prints how their verdicts and room entries differ.

Run (1.3M comments: about 12 minutes on 2 cores):
    python benchmarks/huge_room.py
    python benchmarks/huge_room.py --comments 200000
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
from common import spark_differences

from botcomments.simulate import SimulationConfig, simulate


def build_room(path: Path, n_comments: int) -> None:
    """One room of ``n_comments``: two simulated rooms, the second after the first."""
    if path.is_file():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    half = n_comments // 2
    config = SimulationConfig(room_size=(half, half), bot_share=(0.3, 0.3))
    shift = 1.7e9
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for seed in (1, 2):
            comments = simulate(1, seed=seed, config=config).comments
            t0 = min(c.ts or 0.0 for c in comments)
            last = shift
            for c in comments:
                row = c.to_dict()
                row["room_id"], row["ts"] = "huge", (c.ts or t0) - t0 + shift
                last = max(last, row["ts"])
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            shift = last + 60.0


def run_sampled(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, largest single-process peak RSS in MiB, first output line)."""
    peak = [0.0]
    done = threading.Event()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def sample() -> None:
        root = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            for p in tree:
                try:
                    peak[0] = max(peak[0], p.memory_info().rss / 2**20)
                except psutil.Error:
                    continue
            done.wait(2.0)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, err = proc.communicate()
    done.set()
    thread.join()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{out}\n{err}")
    return time.perf_counter() - started, peak[0], out.strip().splitlines()[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--comments", type=int, default=1_300_000)
    ap.add_argument("--work", type=Path, default=Path("runs/huge_room"))
    args = ap.parse_args()
    room = args.work / f"room-{args.comments}.jsonl.gz"
    build_room(room, args.comments)
    single, spark = args.work / "single", args.work / "spark"
    runs = {
        "botcomments score": run_sampled(["botcomments", "score", str(room), "--out",
                                          str(single), "--no-model", "--no-progress"]),
        "spark-score local[2]": run_sampled(["botcomments", "spark-score", str(room), "--out",
                                             str(spark), "--no-model", "--master", "local[2]"]),
    }
    print(f"one room of {args.comments:,} comments, rules")
    for name, (seconds, rss, line) in runs.items():
        print(f"  {name:22s} {seconds:6.0f} s  largest process peak RSS {rss:6,.0f} MiB  ({line})")
    print(f"  spark-score vs score: {spark_differences(single, spark)}")


if __name__ == "__main__":
    main()
