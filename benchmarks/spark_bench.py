"""spark-score on local[2] vs botcomments score in one process, on the same archive.

Builds (once) a simulated archive of ``--comments`` comments in ``--files`` room-contiguous
JSONL.gz parts, then runs, each as the user would (a fresh process, wall clock including
start-up):

- ``botcomments score PARTS --out ...`` (one process, default threads);
- ``botcomments spark-score PARTS --out ... --master local[2]`` with ``--shards 1`` (the
  same verdicts as the single process) and ``--shards 2`` (cross-room memory per shard);
  the verdicts that differ from the single process are counted for both.

Prints comments/s side by side and the per-core rate used in docs/spark.md for the
cluster-size estimate.

Run (1M comments with the default model take about 20 minutes on 2 cores):
    python benchmarks/spark_bench.py
    python benchmarks/spark_bench.py --comments 100000 --no-model
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import time
from pathlib import Path

from common import spark_differences

from botcomments.simulate import SimulationConfig, simulate


def build_archive(folder: Path, n_comments: int, n_files: int, seed: int) -> list[Path]:
    """Simulated rooms of 500-5,000 comments written room by room into ``n_files`` parts."""
    folder.mkdir(parents=True, exist_ok=True)
    parts = [folder / f"part-{i:03d}.jsonl.gz" for i in range(n_files)]
    if all(p.is_file() for p in parts):
        return parts
    config = SimulationConfig(room_size=(500, 5_000), bot_share=(0.0, 0.6))
    comments: list = []
    while len(comments) < n_comments:  # rooms of about 1,200 comments on average
        more = max(1, (n_comments - len(comments)) // 1_000)
        comments += simulate(more, seed=seed + len(comments), config=config).comments
    comments = comments[:n_comments]
    per_file = -(-len(comments) // n_files)
    for i, part in enumerate(parts):
        with gzip.open(part, "wt", encoding="utf-8") as fh:
            for c in comments[i * per_file:(i + 1) * per_file]:
                fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    return parts


def timed(cmd: list[str]) -> float:
    """Wall seconds of a command run to completion (its output shown on failure)."""
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")
    print(done.stdout.strip().splitlines()[0], flush=True)
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--comments", type=int, default=1_000_000)
    ap.add_argument("--files", type=int, default=8)
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--work", type=Path, default=Path("runs/spark_bench"))
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--compare-only", action="store_true",
                    help="only compare the outputs a previous run left in --work")
    args = ap.parse_args()
    if args.compare_only:
        for shards in (1, 2):
            print(f"--shards {shards} vs score: "
                  f"{spark_differences(args.work / 'single', args.work / f'spark-{shards}')}")
        return
    parts = build_archive(args.work / f"archive-{args.comments}", args.comments, args.files,
                          args.seed)
    model = ["--no-model"] if args.no_model else []
    inputs = [str(p) for p in parts]
    single_out, results = args.work / "single", {}
    results["score (1 process)"] = timed(
        ["botcomments", "score", *inputs, "--out", str(single_out), "--no-progress", *model])
    for shards in (1, 2):
        out = args.work / f"spark-{shards}"
        results[f"spark-score local[2] --shards {shards}"] = timed(
            ["botcomments", "spark-score", *inputs, "--out", str(out), "--master", "local[2]",
             "--shards", str(shards), *model])
        print(f"--shards {shards} vs score: {spark_differences(single_out, out)}", flush=True)
    n = int(json.loads((args.work / "spark-1" / "summary.json").read_text())["accepted"])
    base = results["score (1 process)"]
    print(f"\n{n:,} comments, {len(parts)} files, {'rules' if args.no_model else 'default model'}")
    for name, seconds in results.items():
        print(f"  {name:34s} {seconds:8.1f} s  {n / seconds:8,.0f} comments/s  "
              f"x{base / seconds:.2f}")


if __name__ == "__main__":
    main()
