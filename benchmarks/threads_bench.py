"""Threads and OpenMP wait policy: end-to-end comments/s on a quiet and on a busy machine.

Runs ``botcomments bench`` (default model, simulated rooms) in fresh processes for each
setting, side by side: torch threads 1 and 2 (or ``--threads``), OpenMP workers spinning
(``OMP_WAIT_POLICY=ACTIVE``) or sleeping (``PASSIVE``, the CLI's default since this
measurement), first on the machine as it is, then with one core held by a busy-loop
process (another job on a shared 2-core machine).

Run (about 3 minutes on 2 cores):
    python benchmarks/threads_bench.py
    python benchmarks/threads_bench.py --n 4000 --threads 1 2 4
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys


def end_to_end(n: int, threads: int, policy: str) -> float:
    """Comments/s of ``botcomments bench``'s end-to-end line in a fresh process."""
    env = {**os.environ, "OMP_WAIT_POLICY": policy}
    out = subprocess.run(["botcomments", "bench", "--n", str(n), "--pipeline-n", "50",
                          "--threads", str(threads)], capture_output=True, text=True,
                         env=env, check=True).stdout
    found = re.search(r"end-to-end.*?([\d,]+) /s", out)
    if found is None:
        raise RuntimeError(f"no end-to-end figure in:\n{out}")
    return float(found.group(1).replace(",", ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=8000, help="simulated comments per run")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    print(f"end-to-end comments/s, default model, {args.n} comments; cores "
          f"{len(os.sched_getaffinity(0))}")
    print("| machine | threads | OMP_WAIT_POLICY=ACTIVE | PASSIVE |")
    print("| --- | ---: | ---: | ---: |")
    for load in ("quiet", "one core busy"):
        hog = subprocess.Popen([sys.executable, "-c", "while True: pass"]) \
            if load != "quiet" else None
        try:
            for threads in args.threads:
                active = end_to_end(args.n, threads, "ACTIVE")
                passive = end_to_end(args.n, threads, "PASSIVE")
                print(f"| {load} | {threads} | {active:,.0f} | {passive:,.0f} |", flush=True)
        finally:
            if hog is not None:
                hog.kill()


if __name__ == "__main__":
    main()
