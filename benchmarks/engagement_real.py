"""Bought viewers around real commenters: the room bubble estimate on real chat sessions.

The genuine commenters of each room are the real users of one ``danmaku_room_2020``
broadcast session (typed lines, ``msg_type`` 0: their ids and millisecond comment times);
the silent audience, likes, viewer counts and bought packages are simulated around them
(``simulate_engagement(commenters=...)``), at bought shares 0, 20, 50 and 80 % per session.
Prints genuine-viewer MAE, bias and interval coverage per share, and the share of rooms
without bought viewers read >= 0.95 genuine. The corpus is marked *eval*: used here for
evaluation only, nothing is fitted on it. No real enter/like feed exists in the corpora,
so only the commenters are real.

Run (about two minutes on two cores):
    python benchmarks/engagement_real.py
    python benchmarks/engagement_real.py --jobs 1 --corpora ../shared/corpora
"""

from __future__ import annotations

import argparse
import multiprocessing
from collections import defaultdict
from pathlib import Path

import numpy as np
from engagement_bench import estimate
from evasion_bench import CORPORA, read_jsonl  # the corpora folder and its gzip JSON lines

from botcomments.simulate.engagement import (
    LIKE_PACKAGES,
    VIEWER_PACKAGES,
    Commenter,
    simulate_engagement,
)

SESSIONS_FILE = Path("danmaku_room_2020") / "danmaku.jsonl.gz"
SHARES = (0.0, 0.2, 0.5, 0.8)
Job = tuple[str, dict[str, list[float]], float, int]
Result = tuple[float, float, float, tuple[float, float]]


def read_sessions(path: Path) -> dict[str, dict[str, list[float]]]:
    """Session id -> user id -> comment times, typed lines with a user id only."""
    out: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for rec in read_jsonl(path):
        if rec.get("msg_type", 0) == 0 and rec.get("user_id") is not None:
            out[str(rec["session_id"])][str(rec["user_id"])].append(float(str(rec["ts"])))
    return out


def run_room(job: Job) -> Result:
    """Simulate one session's engagement at a bought share and estimate it.

    Returns:
        ``(bought share, true genuine share, estimate, interval)``.
    """
    session, users, bought, seed = job
    rng = np.random.default_rng([seed, 5])
    packages = (str(rng.choice(VIEWER_PACKAGES)), str(rng.choice(LIKE_PACKAGES)))
    commenters = [Commenter(u, True, sorted(t)) for u, t in sorted(users.items())]
    first = min(c.times[0] for c in commenters)
    last = max(c.times[-1] for c in commenters)
    room = simulate_engagement(f"s{session}", seed, bought, bought, packages=packages,
                               start_ts=first - 300, duration=last - first + 600,
                               commenters=commenters)
    est = estimate(room)
    return (bought, room.truth.genuine_viewer_share, est.genuine_viewer_share,
            est.genuine_viewer_share_ci)


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
    args = ap.parse_args()
    path = args.corpora / SESSIONS_FILE
    sessions = read_sessions(path)
    jobs: list[Job] = [(sid, dict(sessions[sid]), share, 1000 * k + j)
                       for k, sid in enumerate(sorted(sessions))
                       for j, share in enumerate(SHARES)]
    if args.jobs <= 1:
        results = [run_room(job) for job in jobs]
    else:
        with multiprocessing.get_context("spawn").Pool(args.jobs) as pool:
            results = pool.map(run_room, jobs, chunksize=1)
    print(f"{len(sessions)} real sessions ({SESSIONS_FILE}), {len(results)} rooms")
    report(results)


if __name__ == "__main__":
    main()
