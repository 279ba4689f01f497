"""Fit the idle comparison's two constants on the calibration rooms.

``--knob drift``: ``botcomments.quantify.marker.MARKER_DRIFT``, how much less often
(relative, one standard deviation) genuine lurkers may carry the room's genuine marker
than its interactors before the idle comparison counts the difference bought.
``--knob doubt``: ``botcomments.quantify.marker.LEVEL_Z``, the standard deviations of
its benefit of the doubt (the garrote's threshold). This script estimates every
calibration room once per value of the knob's grid and prints the viewer MAE per
value: simulator rooms of the calibration seeds (0+, ``--rooms`` per bought-share
bucket) and rooms around the real commenters of the *train* corpus ``danmaku_live_2019``
(:mod:`anchored_rooms`, one room per bucket and session, seeds 700000+), each group and
pooled, with the clean rooms' MAE and share read >= 0.95 genuine. The value chosen is the
pooled minimum (within 0.0001, the clean rooms' lower MAE). Nothing here touches the
evaluation seeds or the *eval* corpora.

Run (about six minutes each on two cores):
    python benchmarks/idle_comparison_fit.py --knob drift --rooms 100 --jobs 2
    python benchmarks/idle_comparison_fit.py --knob doubt --rooms 100 --jobs 2
"""

from __future__ import annotations

import argparse

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
    worker_pool,
)

from botcomments.quantify import marker
from botcomments.quantify.bubble import fit_viewers
from botcomments.quantify.engagement import SCORER_MISS_RATE
from botcomments.simulate.engagement import EngagementRoom

KNOBS: dict[str, tuple[str, tuple[float, ...]]] = {
    "drift": ("MARKER_DRIFT", (0.0, 0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15)),
    "doubt": ("LEVEL_Z", (1.0, 1.5, 2.0, 2.5, 3.0, 3.5)),
}
"""Knob -> (the ``marker`` constant it sets, the values tried)."""

Result = tuple[str, bool, float, list[float]]
"""``(group, clean, true genuine share, estimate per value)``."""


def estimates(room: EngagementRoom, knob: str) -> list[float]:
    """The room's genuine-viewer share estimated at every value of the knob's grid."""
    name, grid = KNOBS[knob]
    table = accumulate(room).account_table()
    shipped, out = getattr(marker, name), []
    try:
        for value in grid:
            setattr(marker, name, value)  # read by fit_idle_marker at call time
            fit = fit_viewers(table, np.random.default_rng(0), SCORER_MISS_RATE["fused"],
                              bootstrap=False)
            out.append(fit.share)
    finally:
        setattr(marker, name, shipped)
    return out


def simulated(job: tuple[Job, str]) -> Result:
    """One simulator room of the calibration seeds."""
    (seed, lo, hi), knob = job
    room, _, _, _ = simulate_room(seed, lo, hi)
    return "simulator", hi == 0, room.truth.genuine_viewer_share, estimates(room, knob)


def anchored(job: tuple[AnchoredJob, str]) -> Result:
    """One room around a train session's real commenters."""
    (session, seed, lo, hi), knob = job
    room, _, _ = simulate_anchored(session, seed, lo, hi)
    return ("train-anchored", hi == 0, room.truth.genuine_viewer_share,
            estimates(room, knob))


def summarise(name: str, rows: list[Result], grid: tuple[float, ...]) -> None:
    """Print one group's MAE per value, and its clean rooms'."""
    true = np.array([r[2] for r in rows])
    est = np.array([r[3] for r in rows])
    clean = np.array([r[1] for r in rows])
    mae = np.abs(est - true[:, None]).mean(axis=0)
    clean_mae = np.abs(est[clean] - true[clean, None]).mean(axis=0)
    high = (est[clean] >= 0.95).mean(axis=0)
    print(f"{name} ({len(rows)} rooms, {int(clean.sum())} clean)")
    print("  value      " + " ".join(f"{d:7.2f}" for d in grid))
    print("  MAE        " + " ".join(f"{m:7.4f}" for m in mae))
    print("  clean MAE  " + " ".join(f"{m:7.4f}" for m in clean_mae))
    print("  clean>=.95 " + " ".join(f"{h:7.2f}" for h in high))


def main() -> None:
    """Run the grid and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--knob", choices=sorted(KNOBS), default="drift", help="what to fit")
    ap.add_argument("--rooms", type=int, default=100, help="simulator rooms per bucket")
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args()
    with worker_pool(args.jobs) as pool:
        rows = (pool.map(simulated, [(j, args.knob) for j in jobs_for(args.rooms, FIT_SEED0)],
                         chunksize=4)
                + pool.map(anchored, [(j, args.knob) for j in anchored_jobs(1)], chunksize=1))
    grid = KNOBS[args.knob][1]
    print(f"{KNOBS[args.knob][0]}:")
    summarise("simulator, seeds 0+", [r for r in rows if r[0] == "simulator"], grid)
    summarise("around train commenters", [r for r in rows if r[0] == "train-anchored"], grid)
    summarise("pooled", rows, grid)


if __name__ == "__main__":
    main()
