"""Bought viewers around real commenters: the room bubble estimate on real chat sessions.

The genuine commenters of each room are the real users of one ``danmaku_room_2020``
broadcast session (typed lines, ``msg_type`` 0: their ids and millisecond comment times);
the silent audience, likes, viewer counts and bought packages are simulated around them
(``simulate_engagement(commenters=...)``), at bought shares 0, 20, 50 and 80 % per session.
Prints genuine-viewer MAE, bias and interval coverage per share, and the share of rooms
without bought viewers read >= 0.95 genuine, for each session estimated alone; with
``--together`` also for the 25 sessions of a share estimated together as one run
(:func:`botcomments.quantify.engagement.estimate_rooms`): the real regulars commenting in
many sessions are then accounts seen across rooms, and must not make sessions read
bought. The
corpus is marked *eval*: used here for evaluation only, nothing is fitted on it. No real
enter/like feed exists in the corpora, so only the commenters are real.

Run (about two minutes on two cores; ``--together`` four to five, holding a share's
25 sessions at once: up to 7.3 GB per process):
    python benchmarks/engagement_real.py
    python benchmarks/engagement_real.py --together
    python benchmarks/engagement_real.py --jobs 1 --corpora ../shared/corpora
"""

from __future__ import annotations

import argparse
import multiprocessing
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
from anchored_rooms import room_around
from engagement_bench import accumulate
from evasion_bench import CORPORA, read_jsonl  # the corpora folder and its gzip JSON lines

from botcomments.quantify.bubble import BubbleEstimate
from botcomments.quantify.engagement import RoomEngagement, estimate_rooms
from botcomments.simulate.engagement import (
    LIKE_PACKAGES,
    VIEWER_PACKAGES,
    Commenter,
)

SESSIONS_FILE = Path("danmaku_room_2020") / "danmaku.jsonl.gz"
SHARES = (0.0, 0.2, 0.5, 0.8)
Job = tuple[str, dict[str, list[float]], float, int]
Result = tuple[float, float, float, tuple[float, float]]
"""``(bought share, true genuine share, estimate, interval)``."""


def read_sessions(path: Path) -> dict[str, dict[str, list[float]]]:
    """Session id -> user id -> comment times, typed lines with a user id only."""
    out: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for rec in read_jsonl(path):
        if rec.get("msg_type", 0) == 0 and rec.get("user_id") is not None:
            out[str(rec["session_id"])][str(rec["user_id"])].append(float(str(rec["ts"])))
    return out


def simulate_room(job: Job) -> tuple[RoomEngagement, float]:
    """Simulate one session's engagement at a bought share: its accumulator and its true
    genuine share."""
    session, users, bought, seed = job
    rng = np.random.default_rng([seed, 5])
    packages = (str(rng.choice(VIEWER_PACKAGES)), str(rng.choice(LIKE_PACKAGES)))
    commenters = [Commenter(u, True, sorted(t)) for u, t in sorted(users.items())]
    room = room_around(f"s{session}", seed, bought, packages, commenters)
    return accumulate(room), room.truth.genuine_viewer_share


def result(job: Job, true: float, est: BubbleEstimate) -> Result:
    return job[2], true, est.genuine_viewer_share, est.genuine_viewer_share_ci


def run_room(job: Job) -> Result:
    """Simulate one session's engagement at a bought share and estimate it alone."""
    acc, true = simulate_room(job)
    return result(job, true, acc.estimate())


def run_share(jobs: list[Job]) -> tuple[list[Result], list[Result]]:
    """Simulate the sessions of one bought share and estimate them alone and together:
    ``(alone, together)`` results in job order."""
    made = [simulate_room(job) for job in jobs]
    accs = [acc for acc, _ in made]
    alone = [acc.estimate() for acc in accs]
    together = estimate_rooms(accs)

    def results(ests: list[BubbleEstimate]) -> list[Result]:
        return [result(job, true, e) for job, (_, true), e in zip(jobs, made, ests, strict=True)]

    return results(alone), results(together)


def report(results: list[Result]) -> None:
    """Print MAE, bias and coverage per bought share and overall."""
    for share in (*SHARES, None):
        rows = [r for r in results if share is None or r[0] == share]
        err = np.array([r[2] - r[1] for r in rows])
        cover = np.mean([r[3][0] <= r[1] + 1e-9 and r[1] <= r[3][1] + 1e-9 for r in rows])
        name = "all" if share is None else f"bought {share:.0%}"
        line = (f"{name:<12} rooms {len(rows):>3}  viewer MAE {np.abs(err).mean():.3f}  "
                f"bias {err.mean():+.3f}  coverage {cover:.2f}")
        if share == 0.0:
            line += f"  read >= 0.95 genuine {np.mean([r[2] >= 0.95 for r in rows]):.0%}"
        print(line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", type=Path, default=CORPORA, help="the shared corpora folder")
    ap.add_argument("--jobs", type=int, default=2, help="processes")
    ap.add_argument("--together", action="store_true",
                    help="also estimate each share's sessions together as one run")
    args = ap.parse_args()
    path = args.corpora / SESSIONS_FILE
    sessions = read_sessions(path)
    runs: list[list[Job]] = [[(sid, dict(sessions[sid]), share, 1000 * k + j)
                              for k, sid in enumerate(sorted(sessions))]
                             for j, share in enumerate(SHARES)]
    if not args.together:
        jobs = [job for k in range(len(sessions)) for job in (run[k] for run in runs)]
        print(f"{len(sessions)} real sessions ({SESSIONS_FILE}), {len(jobs)} rooms")
        report(_map(run_room, jobs, args.jobs))
        return
    done = _map(run_share, runs, args.jobs)
    print(f"{len(sessions)} real sessions ({SESSIONS_FILE}), {len(sessions) * len(SHARES)} rooms")
    print("each session estimated alone:")
    report([r for d in done for r in d[0]])
    print("the sessions of a share estimated together (one run each):")
    report([r for d in done for r in d[1]])


T = TypeVar("T")
R = TypeVar("R")


def _map(fn: Callable[[T], R], items: list[T], jobs: int) -> list[R]:
    """``fn`` over ``items`` in ``jobs`` processes (in order)."""
    if jobs <= 1:
        return [fn(item) for item in items]
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        return pool.map(fn, items, chunksize=1)


if __name__ == "__main__":
    main()
