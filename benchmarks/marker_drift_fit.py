"""Fit the idle comparison's marker drift on the calibration rooms.

``botcomments.quantify.marker.MARKER_DRIFT`` is how much less often (relative, one
standard deviation) genuine lurkers may carry the room's genuine marker than its
interactors before the idle comparison counts the difference bought. This script
estimates every calibration room once per drift of a grid and prints the viewer MAE per
drift: simulator rooms of the calibration seeds (0+, ``--rooms`` per bought-share
bucket) and rooms around the real commenters of the *train* corpus ``danmaku_live_2019``
(:mod:`anchored_rooms`, one room per bucket and session, seeds 700000+), each group and
pooled, with the clean rooms' MAE and share read >= 0.95 genuine. The drift chosen is the
pooled minimum. Nothing here touches the evaluation seeds or the *eval* corpora.

Run (about six minutes on two cores):
    python benchmarks/marker_drift_fit.py --rooms 100 --jobs 2
"""

from __future__ import annotations

import argparse
import multiprocessing

import numpy as np
from anchored_rooms import simulate_anchored
from engagement_bench import (
    FIT_SEED0,
    AnchoredJob,
    Job,
    accumulate,
    anchored_jobs,
    jobs_for,
    simulate_room,
)

from botcomments.quantify import marker
from botcomments.quantify.bubble import fit_viewers
from botcomments.quantify.engagement import SCORER_MISS_RATE
from botcomments.simulate.engagement import EngagementRoom

GRID = (0.0, 0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15)
"""Drifts tried."""

Result = tuple[str, bool, float, list[float]]
"""``(group, clean, true genuine share, estimate per drift)``."""


def estimates(room: EngagementRoom) -> list[float]:
    """The room's genuine-viewer share estimated at every drift of :data:`GRID`."""
    table = accumulate(room).account_table()
    shipped, out = marker.MARKER_DRIFT, []
    try:
        for drift in GRID:
            marker.MARKER_DRIFT = drift  # read by fit_idle_marker at call time
            fit = fit_viewers(table, np.random.default_rng(0), SCORER_MISS_RATE["fused"],
                              bootstrap=False)
            out.append(fit.share)
    finally:
        marker.MARKER_DRIFT = shipped
    return out


def simulated(job: Job) -> Result:
    """One simulator room of the calibration seeds."""
    seed, lo, hi = job
    room, _, _, _ = simulate_room(seed, lo, hi)
    return "simulator", hi == 0, room.truth.genuine_viewer_share, estimates(room)


def anchored(job: AnchoredJob) -> Result:
    """One room around a train session's real commenters."""
    session, seed, lo, hi = job
    room, _, _ = simulate_anchored(session, seed, lo, hi)
    return "train-anchored", hi == 0, room.truth.genuine_viewer_share, estimates(room)


def summarise(name: str, rows: list[Result]) -> None:
    """Print one group's MAE per drift, and its clean rooms'."""
    true = np.array([r[2] for r in rows])
    est = np.array([r[3] for r in rows])
    clean = np.array([r[1] for r in rows])
    mae = np.abs(est - true[:, None]).mean(axis=0)
    clean_mae = np.abs(est[clean] - true[clean, None]).mean(axis=0)
    high = (est[clean] >= 0.95).mean(axis=0)
    print(f"{name} ({len(rows)} rooms, {int(clean.sum())} clean)")
    print("  drift      " + " ".join(f"{d:7.2f}" for d in GRID))
    print("  MAE        " + " ".join(f"{m:7.4f}" for m in mae))
    print("  clean MAE  " + " ".join(f"{m:7.4f}" for m in clean_mae))
    print("  clean>=.95 " + " ".join(f"{h:7.2f}" for h in high))


def main() -> None:
    """Run the grid and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rooms", type=int, default=100, help="simulator rooms per bucket")
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args()
    with multiprocessing.get_context("spawn").Pool(args.jobs) as pool:
        rows = (pool.map(simulated, jobs_for(args.rooms, FIT_SEED0), chunksize=4)
                + pool.map(anchored, anchored_jobs(1), chunksize=1))
    summarise("simulator, seeds 0+", [r for r in rows if r[0] == "simulator"])
    summarise("around train commenters", [r for r in rows if r[0] == "train-anchored"])
    summarise("pooled", rows)


if __name__ == "__main__":
    main()
