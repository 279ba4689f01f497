"""Outputs: how long does ``report.html`` take to render, per room, and what does it cost
to import?

Renders the report for generated rooms (per-minute timelines of a given length, the
score histogram and a reliability curve) in a fresh process and prints the import time of
the report module, the render time per room and the page size. Run it on two checkouts
to compare (``PYTHONPATH=OTHER_CHECKOUT python benchmarks/report_bench.py``).

Run:
    python benchmarks/report_bench.py
    python benchmarks/report_bench.py --rooms 50 --minutes 240
"""

from __future__ import annotations

import argparse
import time


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=50, help="rooms with a timeline")
    parser.add_argument("--minutes", type=int, default=240, help="timeline length per room")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    t0 = time.perf_counter()
    from botcomments.scoring.report import ReportInputs, render_report

    t_import = time.perf_counter() - t0
    import numpy as np

    from botcomments.scoring.stats import CalibrationBins, ScoreHistogram
    from botcomments.scoring.types import RoomReport

    rng = np.random.default_rng(args.seed)
    rooms = [
        RoomReport(
            room_id=f"room{i}", n_comments=1000, n_users=300, authenticity_ratio=0.8,
            authenticity_ci=[0.75, 0.85], genuine_user_ratio=0.8, genuine_user_ci=[0.7, 0.9],
            n_flagged=200, estimator="reg",
            timeline=[{"minute": m, "n": int(rng.integers(1, 200)),
                       "genuine_share": float(rng.random())} for m in range(args.minutes)],
        )
        for i in range(args.rooms)
    ]
    scores = rng.random(100_000)
    hist, cal = ScoreHistogram(), CalibrationBins()
    hist.add(scores)
    cal.add(scores, (rng.random(len(scores)) < scores).astype(int))
    t1 = time.perf_counter()
    page = render_report(ReportInputs(rooms, hist, cal, {"threshold": 0.5}))
    t_render = time.perf_counter() - t1
    print(f"{args.rooms} rooms x {args.minutes} minutes: import {t_import:.2f} s, render "
          f"{t_render:.2f} s ({1000 * t_render / args.rooms:.1f} ms per room), page "
          f"{len(page) / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
