"""Bought viewers and likes: how close is the room bubble estimate to the truth?

Simulates rooms with bought viewers and likes at known shares (0-95 %, one viewer package
type and one like package type per room, every genuine-audience parameter drawn per room),
runs :class:`botcomments.quantify.engagement.RoomEngagement` on their events and prints
the genuine-viewer share and genuine-like share MAE and interval coverage by bought-share
bucket and by package type, and the share of rooms without bought engagement read at
>= 0.95 genuine. Calibration seeds (``--fit``) and evaluation seeds are disjoint: ``--fit``
prints the split-conformal factors to paste into ``botcomments.quantify.bubble.CONFORMAL``.

Seed ranges: 0+ calibration (``--fit``), 200000+ development (the estimate was tuned
there), 100000+, 300000+, 400000+, 500000+, 600000+, 800000+ and 900000+ evaluation only
(docs/engagement.md; 700000+ are the calibration rooms around real commenters).

``--aged-share S`` is an ablation: every room's bought accounts aged at share S (0: all
fresh) instead of the drawn 0-40 %, to measure how much of the error the aged accounts,
which no level comparison can see, make.

``--archive N`` groups the rooms into archives of about N rooms (every bucket in each)
whose accounts are shared the way a platform's are (:mod:`botcomments.simulate.pools`:
genuine regulars visiting several rooms, bought accounts drawn from 1-3 services' pools,
some selling fresh accounts), and prints each room estimated alone and the archive's
rooms estimated together (:func:`botcomments.quantify.engagement.estimate_rooms`), same
rooms, one table each.

Run (two to four minutes each on one core; ``--jobs N`` spreads the rooms over N
processes, same figures):
    python benchmarks/engagement_bench.py --rooms 100               # evaluate, seeds 100000+
    python benchmarks/engagement_bench.py --rooms 100 --seed0 300000
    python benchmarks/engagement_bench.py --rooms 100 --archive 25 --jobs 2   # shared accounts
    python benchmarks/engagement_bench.py --fit --rooms 400 --jobs 2   # fit CONFORMAL, seeds 0+
    python benchmarks/engagement_bench.py --rooms 100 --jobs 2 --seed0 200000 --aged-share 0
    python benchmarks/engagement_bench.py --rooms 100 --archive 25 --jobs 2 --seed0 100000 \\
        200000 300000 400000 500000 600000 800000 900000   # eight ranges, pooled (~10 min)

``--fit`` also simulates rooms around the real commenters of the *train* corpus
``danmaku_live_2019`` (:mod:`anchored_rooms`: its 78 sessions, ``--anchored K`` rooms per
bought-share bucket each, default 2, seeds 700000+) and takes each factor as the larger of
theirs and the simulated rooms': the intervals are to hold for rooms around real chat as
for the simulator's (about ten more minutes on two cores; ``--anchored 0`` leaves them
out).
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import multiprocessing.pool
from dataclasses import dataclass

import numpy as np
from anchored_rooms import Session, read_train_sessions, simulate_anchored

from botcomments.quantify.bubble import BubbleEstimate, spreads
from botcomments.quantify.engagement import RoomEngagement, estimate_rooms
from botcomments.simulate.engagement import (
    LIKE_PACKAGES,
    VIEWER_PACKAGES,
    EngagementRoom,
    simulate_engagement,
)
from botcomments.simulate.pools import share_accounts

FIT_SEED0 = 0
ANCHORED_SEED0 = 700_000
EVAL_SEED0 = 100_000
SIZES = ((0, 300), (300, 1500), (1500, None))
"""Room-size groups of the table (accounts seen)."""
FIT_LEVEL = 0.96
"""Level of each one-sided quantile (above 0.95 for a margin: bucket-conditional coverage
varies around the regime's)."""
MIN_REGIME_ROOMS = 60
BUCKETS = ((0.0, 0.0), (0.0, 0.25), (0.25, 0.5), (0.5, 0.75), (0.75, 0.95))
AGED_SHARE: float | None = None
"""Aged share of every room's bought accounts (``--aged-share``, an ablation; None: drawn
per room, as the simulator does)."""


def set_aged_share(share: float | None) -> None:
    """Set :data:`AGED_SHARE` (in this process and, as a pool initializer, in workers)."""
    global AGED_SHARE
    AGED_SHARE = share


def worker_pool(jobs: int) -> multiprocessing.pool.Pool:
    """A pool of ``jobs`` spawned workers sharing this process's :data:`AGED_SHARE`."""
    return multiprocessing.get_context("spawn").Pool(jobs, initializer=set_aged_share,
                                                     initargs=(AGED_SHARE,))


@dataclass
class Row:
    """One evaluated room."""

    bucket: str
    viewer_package: str
    like_package: str
    true_v: float
    est_v: float
    ci_v: tuple[float, float]
    sd_v: float
    idle_v: float
    true_l: float
    est_l: float
    ci_l: tuple[float, float]
    sd_l: float
    regime_v: str = "all"
    regime_l: str = "all"
    levels: bool = False
    n_viewers: int = 0
    service_reuse: float | None = None
    """Rooms a bought account of the room's service serves on average (0: fresh accounts;
    None: not in an archive)."""
    anchored: bool = False
    """Whether the room's commenters are real (:mod:`anchored_rooms`)."""


def bucket_name(lo: float, hi: float) -> str:
    return "0 %" if hi == 0 else f"{lo:.0%}-{hi:.0%}"


def accumulate(room: EngagementRoom) -> RoomEngagement:
    """A simulated room's events and scored comments fed to a :class:`RoomEngagement`."""
    acc = RoomEngagement(room.truth.room_id)
    for event in room.events:
        acc.add_event(event)
    for user_id, ts, is_bot in room.comments:
        acc.add_comment(user_id, ts, is_bot)
    return acc


def estimate(room: EngagementRoom) -> BubbleEstimate:
    """The bubble estimate of a simulated room estimated alone."""
    return accumulate(room).estimate()


Job = tuple[int, float, float]


def simulate_room(seed: int, lo: float, hi: float) -> tuple[EngagementRoom, str, str, str]:
    """A room with bought shares drawn in [lo, hi]: ``(room, bucket, viewer package, like
    package)`` (packages "none" where nothing was bought)."""
    rng = np.random.default_rng([seed, 99])
    bv = float(rng.uniform(lo, hi)) if hi > 0 else 0.0
    bl = float(rng.uniform(lo, hi)) if hi > 0 else 0.0
    vp = str(rng.choice(VIEWER_PACKAGES))
    lp = str(rng.choice(LIKE_PACKAGES))
    room = simulate_engagement(f"room{seed}", seed, bv, bl, packages=(vp, lp),
                               bought_aged_share=AGED_SHARE)
    return room, bucket_name(lo, hi), vp if bv > 0 else "none", lp if bl > 0 else "none"


def to_row(room: EngagementRoom, est: BubbleEstimate, bucket: str, vp: str, lp: str) -> Row:
    """One evaluated room: its truth next to its estimate."""
    reuse = room.truth.params.get("service_reuse")
    return Row(bucket, vp, lp,
               room.truth.genuine_viewer_share, est.genuine_viewer_share,
               est.genuine_viewer_share_ci, est.genuine_viewer_share_sd,
               est.idle_counted_share,
               room.truth.genuine_like_share, est.genuine_like_share,
               est.genuine_like_share_ci, est.genuine_like_share_sd,
               est.viewer_regime, est.like_regime, bool(room.truth.params["level_feed"]),
               est.n_viewers, None if reuse is None else float(reuse))


def run_room(seed: int, lo: float, hi: float) -> Row:
    """Simulate and estimate one room with bought shares drawn in [lo, hi]."""
    room, bucket, vp, lp = simulate_room(seed, lo, hi)
    return to_row(room, estimate(room), bucket, vp, lp)


def _run_room(job: Job) -> Row:
    return run_room(*job)


AnchoredJob = tuple[Session, int, float, float]


def run_anchored_room(job: AnchoredJob) -> Row:
    """Simulate and estimate one room around a train session's real commenters."""
    session, seed, lo, hi = job
    room, vp, lp = simulate_anchored(session, seed, lo, hi)
    row = to_row(room, estimate(room), bucket_name(lo, hi), vp, lp)
    row.anchored = True
    return row


def anchored_jobs(per_bucket: int = 1) -> list[AnchoredJob]:
    """The calibration rooms around real commenters: ``per_bucket`` per bought-share bucket
    around each train session (:mod:`anchored_rooms`), seeds from :data:`ANCHORED_SEED0`."""
    return [(session, ANCHORED_SEED0 + 1000 * k + 10 * rep + b, lo, hi)
            for k, session in enumerate(read_train_sessions())
            for rep in range(per_bucket)
            for b, (lo, hi) in enumerate(BUCKETS)]


def run_anchored(per_bucket: int = 1, jobs: int = 1) -> list[Row]:
    """Estimate the :func:`anchored_jobs` rooms."""
    todo = anchored_jobs(per_bucket)
    if jobs <= 1:
        return [run_anchored_room(job) for job in todo]
    with worker_pool(jobs) as pool:
        return pool.map(run_anchored_room, todo, chunksize=1)


def run_archive(jobs: list[Job], seed: int) -> tuple[list[Row], list[Row]]:
    """Simulate an archive's rooms, share their accounts (seed ``seed``) and estimate each
    room alone and all together: ``(alone, together)`` rows in job order."""
    made = [simulate_room(*job) for job in jobs]
    rooms, _ = share_accounts([m[0] for m in made], seed)
    accs = [accumulate(room) for room in rooms]
    alone = [to_row(room, acc.estimate(), *m[1:]) for room, acc, m in zip(rooms, accs, made,
                                                                          strict=True)]
    together = [to_row(room, est, *m[1:]) for room, est, m in zip(rooms, estimate_rooms(accs),
                                                                  made, strict=True)]
    return alone, together


def _run_archive(job: tuple[list[Job], int]) -> tuple[list[Row], list[Row]]:
    return run_archive(*job)


def jobs_for(n_per_bucket: int, seed0: int) -> list[Job]:
    """The rooms of a seed range: ``n_per_bucket`` per bought-share bucket."""
    return [(seed0 + b * 10_000 + i, lo, hi) for b, (lo, hi) in enumerate(BUCKETS)
            for i in range(n_per_bucket)]


def run(n_per_bucket: int, seed0: int, jobs: int = 1) -> list[Row]:
    """Evaluate ``n_per_bucket`` rooms per bucket (seeds from ``seed0``), in ``jobs``
    processes (the rooms and their order do not depend on it)."""
    todo = jobs_for(n_per_bucket, seed0)
    if jobs <= 1:
        return [_run_room(job) for job in todo]
    with worker_pool(jobs) as pool:
        return pool.map(_run_room, todo, chunksize=4)


def run_archives(n_per_bucket: int, seed0: int, size: int, jobs: int = 1
                 ) -> tuple[list[Row], list[Row]]:
    """The rooms of :func:`run` grouped into archives of about ``size`` rooms (room ``i``
    of each bucket in archive ``i mod n_archives``, sharing seed ``seed0 + archive``),
    estimated alone and together: ``(alone, together)`` rows."""
    n_archives = max(round(n_per_bucket * len(BUCKETS) / size), 1)
    todo = jobs_for(n_per_bucket, seed0)
    archives = [([job for i, job in enumerate(todo) if i % n_per_bucket % n_archives == a],
                 seed0 + a) for a in range(n_archives)]
    if jobs <= 1:
        done = [_run_archive(a) for a in archives]
    else:
        with worker_pool(jobs) as pool:
            done = pool.map(_run_archive, archives)
    return [r for a in done for r in a[0]], [r for a in done for r in a[1]]


def summary(rows: list[Row], which: str) -> tuple[float, float, float, int]:
    """MAE, coverage, mean interval width and rooms for viewers ("v") or likes ("l")."""
    true = np.array([getattr(r, f"true_{which}") for r in rows])
    est = np.array([getattr(r, f"est_{which}") for r in rows])
    ci = np.array([getattr(r, f"ci_{which}") for r in rows])
    ok = np.isfinite(true) & np.isfinite(est)
    err = np.abs(est - true)[ok]
    cover = ((ci[ok, 0] <= true[ok] + 1e-9) & (true[ok] <= ci[ok, 1] + 1e-9)).mean()
    return float(err.mean()), float(cover), float((ci[ok, 1] - ci[ok, 0]).mean()), int(ok.sum())


def table(rows: list[Row]) -> None:
    print(f"{'group':<28}{'rooms':>6}{'viewer MAE':>12}{'cover':>7}{'width':>7}"
          f"{'like MAE':>10}{'cover':>7}{'width':>7}")
    groups: list[tuple[str, list[Row]]] = [("all", rows)]
    groups += [(f"bought {bucket_name(lo, hi)}", [r for r in rows if r.bucket ==
                bucket_name(lo, hi)]) for lo, hi in BUCKETS]
    groups += [(f"viewers: {p}", [r for r in rows if r.viewer_package == p])
               for p in VIEWER_PACKAGES]
    groups += [(f"likes: {p}", [r for r in rows if r.like_package == p]) for p in LIKE_PACKAGES]
    groups += [(f"accounts {lo}-{hi or ''}", [r for r in rows if lo <= r.n_viewers
                                              and (hi is None or r.n_viewers < hi)])
               for lo, hi in SIZES]
    groups += [(f"service {name}", [r for r in rows if r.service_reuse is not None
                                     and lo <= r.service_reuse < hi])
               for name, lo, hi in (("fresh accounts", 0.0, 1e-9), ("reuse < 1", 1e-9, 1.0),
                                    ("reuse 1-3", 1.0, 3.0), ("reuse >= 3", 3.0, math.inf))]
    groups += [("feed with levels", [r for r in rows if r.levels]),
               ("feed without levels", [r for r in rows if not r.levels]),
               ("drip: enter_idle, no levels", [r for r in rows if not r.levels
                                                and r.viewer_package == "enter_idle"])]
    for name, group in groups:
        if not group:
            continue
        vm, vc, vw, n = summary(group, "v")
        lm, lc, lw, _ = summary(group, "l")
        print(f"{name:<28}{n:>6}{vm:>12.3f}{vc:>7.2f}{vw:>7.2f}{lm:>10.3f}{lc:>7.2f}{lw:>7.2f}")
    clean = [r for r in rows if r.bucket == "0 %"]
    if clean:
        v_ok = np.mean([r.est_v >= 0.95 for r in clean])
        l_ok = np.mean([r.est_l >= 0.95 for r in clean if np.isfinite(r.est_l)])
        print(f"rooms without bought engagement read >= 0.95 genuine: viewers {v_ok:.1%}, "
              f"likes {l_ok:.1%}")


def conformal_quantile(scores: np.ndarray, level: float) -> float:
    """The split-conformal quantile: the ceil((n + 1) * level)-th smallest score."""
    n = len(scores)
    k = min(math.ceil((n + 1) * level), n)
    return float(np.sort(scores)[k - 1])


def fit(rows: list[Row], level: float = FIT_LEVEL) -> None:
    """Print one-sided split-conformal factors (each side at ``level``) per quantity and
    regime (Mondrian: the rooms of each regime give its own factors; ``all`` pools them).
    With rooms around real commenters among the rows, each factor is the larger of the
    simulated rooms' and theirs (theirs from the regime's band where the regime holds
    fewer than :data:`MIN_REGIME_ROOMS` of them): the intervals are to hold for rooms
    like either."""
    anchored = np.array([r.anchored for r in rows])
    for which, name in (("v", "viewers"), ("l", "likes")):
        true = np.array([getattr(r, f"true_{which}") for r in rows])
        est = np.array([getattr(r, f"est_{which}") for r in rows])
        scales = np.array([spreads(getattr(r, f"sd_{which}"), r.idle_v if which == "v" else 0.0,
                                   getattr(r, f"est_{which}")) for r in rows])
        regime = np.array([getattr(r, f"regime_{which}") for r in rows])
        ok = np.isfinite(true) & np.isfinite(est)
        scores = np.stack([np.maximum(est - true, 0) / scales[:, 0],
                           np.maximum(true - est, 0) / scales[:, 1]], axis=1)
        print(f'"{name}": {{')
        bands = sorted({r.rsplit("/", 1)[-1] for r in regime[ok].tolist()} - set(regime.tolist()))
        band_of = np.array([r.rsplit("/", 1)[-1] for r in regime.tolist()])
        for reg in ["all", *bands, *sorted(set(regime[ok].tolist()))]:
            sel = ok & ~anchored & ((regime == reg) | (band_of == reg) | (reg == "all"))
            if sel.sum() < MIN_REGIME_ROOMS:
                print(f"    # {reg}: {int(sel.sum())} rooms, too few: uses its band or all")
                continue
            factors = [conformal_quantile(scores[sel, side], level) for side in (0, 1)]
            real = ok & anchored & ((regime == reg) | (band_of == reg) | (reg == "all"))
            if 0 < real.sum() < MIN_REGIME_ROOMS:
                real = ok & anchored & (band_of == reg.rsplit("/", 1)[-1])
            note = ""
            if real.sum() >= MIN_REGIME_ROOMS:
                factors = [max(f, conformal_quantile(scores[real, side], level))
                           for side, f in enumerate(factors)]
                note = f", {int(real.sum())} around real commenters"
            print(f'    "{reg}": ({factors[0]:.3f}, {factors[1]:.3f}),  '
                  f'# {int(sel.sum())} rooms{note}')
        print("},")


def run_range(seed0: int, args: argparse.Namespace, kind: str) -> dict[str, list[Row]]:
    """Evaluate one seed range and print its table(s): ``{"alone": rows, "together": rows}``
    with ``--archive``, else ``{"alone": rows}``."""
    if args.archive:
        alone, together = run_archives(args.rooms, seed0, args.archive, args.jobs)
        print(f"{len(alone)} rooms in archives of ~{args.archive}, seeds from {seed0} ({kind})")
        print("each room estimated alone:")
        table(alone)
        print("the archive's rooms estimated together (estimate_rooms):")
        table(together)
        return {"alone": alone, "together": together}
    rows = run(args.rooms, seed0, args.jobs)
    print(f"{len(rows)} rooms, seeds from {seed0} ({kind})")
    table(rows)
    return {"alone": rows}


def pooled(ranges: list[dict[str, list[Row]]]) -> None:
    """Print the viewer MAE and coverage pooled over seed ranges, with each range's."""
    for how in ranges[0]:
        per = [summary(r[how], "v") for r in ranges]
        mae, cover, width, n = summary([row for r in ranges for row in r[how]], "v")
        print(f"pooled over {len(ranges)} ranges, rooms {how} ({n}): viewer MAE {mae:.4f} "
              f"(per range {', '.join(f'{p[0]:.4f}' for p in per)}), coverage {cover:.2f} "
              f"({min(p[1] for p in per):.2f}-{max(p[1] for p in per):.2f}), "
              f"width {width:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rooms", type=int, default=60, help="rooms per bought-share bucket")
    ap.add_argument("--fit", action="store_true", help="fit CONFORMAL on calibration seeds")
    ap.add_argument("--seed0", type=int, nargs="+", default=None,
                    help="first evaluation seed of each range (default 100000; 200000+ is "
                    "the development range, 100000+, 300000+, 400000+, 500000+, 600000+, "
                    "800000+ and 900000+ are for reporting only); several ranges also "
                    "print their pooled figures")
    ap.add_argument("--jobs", type=int, default=1,
                    help="processes (same rooms and figures whatever the number)")
    ap.add_argument("--anchored", type=int, default=2, metavar="K",
                    help="with --fit: rooms per bought-share bucket around each session of "
                    "the train corpus danmaku_live_2019 (0 leaves them out)")
    ap.add_argument("--archive", type=int, default=0, metavar="N",
                    help="group the rooms into archives of about N rooms sharing accounts; "
                    "print them estimated alone and together")
    ap.add_argument("--aged-share", type=float, default=None, metavar="S",
                    help="ablation: every room's bought accounts aged (levels like genuine "
                    "viewers') at share S, 0 for all fresh (default: drawn 0-0.4 per room)")
    args = ap.parse_args()
    if args.fit and (args.aged_share is not None or args.seed0 is not None):
        ap.error("--fit uses the calibration seeds and the drawn aged share: no --seed0 "
                 "or --aged-share with it")
    set_aged_share(args.aged_share)
    if args.fit:
        done = run_range(FIT_SEED0, args, "calibration")
        rows = done.get("together", done["alone"])
        if args.anchored > 0:
            anchored = run_anchored(args.anchored, args.jobs)
            print(f"{len(anchored)} rooms around real commenters (train corpus)")
            table(anchored)
            rows = rows + anchored
        fit(rows)
        return
    ranges = [run_range(seed0, args, "evaluation") for seed0 in args.seed0 or [EVAL_SEED0]]
    if len(ranges) > 1:
        pooled(ranges)


if __name__ == "__main__":
    main()
