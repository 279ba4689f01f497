"""Whole evidence path on ONE core: normalise + shared room columns + dup + tpl + timing.

Pins the process to one CPU (and numpy/BLAS threads to 1) and prints, per stage and for
the whole path, comments/s as CPU time (the one-core figure, robust to a shared
machine) and wall time, for one room of 100k and of 1M comments (and their time
ratio, ~10 means linear), and for many small rooms fed through one detector set
(bounded cross-room state; LRU table sizes), with peak RSS; the one-room runs also print
the share of distinct normal forms and each stage's time ratio. Simulator rooms
(``botcomments.simulate``); building them is not timed. Ends with the dup/tpl separation
table per persona.

``--timing-synthetic`` instead times the machine-posting detector alone on fast
synthetic rooms (Zipf-active humans plus bot pools whose per-account activity is the
same at every size): comments/s and RSS growth for one room per size, their time ratio,
``estimate_authenticity`` per size, then many 100-comment rooms through one detector.

Run:
    python benchmarks/evidence_bench.py                    # 100k + 1M + 10,000 rooms
    python benchmarks/evidence_bench.py --sizes 20000 200000 --rooms 1000 --table-rooms 5
    python benchmarks/evidence_bench.py --timing-synthetic # timing detector alone
"""

from __future__ import annotations

from common import Stopwatch, one_thread_blas, peak_rss_mib, pin_one_core, rss_mib

one_thread_blas()

import argparse  # noqa: E402
import gc  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

import numpy as np  # noqa: E402

from botcomments.detectors.base import Detector, DetectorOutput, RoomBatch  # noqa: E402
from botcomments.detectors.duplicates import NearDuplicateDetector  # noqa: E402
from botcomments.detectors.templates import TemplateDetector  # noqa: E402
from botcomments.detectors.text_groups import room_columns  # noqa: E402
from botcomments.detectors.timing import MachinePostingDetector  # noqa: E402
from botcomments.records import Comment  # noqa: E402
from botcomments.simulate import SimulationConfig, iter_rooms, simulate  # noqa: E402
from botcomments.simulate.engine import RoomData  # noqa: E402
from botcomments.text.normalize import Normalizer, normalize  # noqa: E402

STAGES = ("normalise", "columns", "dup", "tpl", "timing")


@dataclass
class Clock:
    """CPU and wall seconds per stage."""

    cpu: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    wall: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))

    def run(self, stage: str, fn: Callable[[], object]) -> object:
        """Run ``fn`` and charge its time to ``stage``."""
        GC_CLOCK.in_path = True
        try:
            with Stopwatch() as sw:
                out = fn()
        finally:
            GC_CLOCK.in_path = False
        self.cpu[stage] += sw.cpu
        self.wall[stage] += sw.wall
        return out

    def total(self) -> tuple[float, float]:
        """Whole-path (cpu, wall) seconds."""
        return sum(self.cpu.values()), sum(self.wall.values())


class GcClock:
    """CPU seconds Python's cyclic garbage collector spends, per generation.

    Registered as a ``gc.callbacks`` hook. Counts the whole process (the simulator too)
    and, separately, the collections that ran inside timed evidence-path stages (those
    are part of the path's CPU time).
    """

    def __init__(self) -> None:
        self.started = 0.0
        self.in_path = False
        self.runs = [0, 0, 0]
        self.cpu = [0.0, 0.0, 0.0]
        self.path_runs = [0, 0, 0]
        self.path_cpu = [0.0, 0.0, 0.0]
        gc.callbacks.append(self)

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.process_time()
            return
        gen, spent = info["generation"], time.process_time() - self.started
        self.runs[gen] += 1
        self.cpu[gen] += spent
        if self.in_path:
            self.path_runs[gen] += 1
            self.path_cpu[gen] += spent

    def line(self) -> str:
        """Collections and CPU seconds per generation, then reset the counters."""
        def fmt(runs: list[int], cpu: list[float]) -> str:
            return ", ".join(f"gen{g} {n}x {t:.2f} s"
                             for g, (n, t) in enumerate(zip(runs, cpu, strict=True)))

        text = (f"  GC whole process (incl. simulator): {fmt(self.runs, self.cpu)}\n"
                f"  GC inside the timed path:           {fmt(self.path_runs, self.path_cpu)}")
        self.runs, self.cpu = [0, 0, 0], [0.0, 0.0, 0.0]
        self.path_runs, self.path_cpu = [0, 0, 0], [0.0, 0.0, 0.0]
        return text


GC_CLOCK = GcClock()


class Path:
    """One set of detectors (cross-room state persists) plus the normaliser."""

    def __init__(self) -> None:
        self.normalizer = Normalizer()
        self.detectors: list[Detector] = [
            NearDuplicateDetector(), TemplateDetector(), MachinePostingDetector()
        ]

    def run(self, comments: list[Comment], clock: Clock) -> RoomBatch:
        """Push one room through the whole evidence path, timing each stage."""
        texts = [c.text for c in comments]
        normalized = clock.run("normalise", lambda: self.normalizer.normalize_batch(texts))
        batch = RoomBatch(comments[0].room_id, comments, normalized)  # type: ignore[arg-type]
        clock.run("columns", lambda: room_columns(batch))
        for det in self.detectors:
            clock.run(det.name, lambda d=det: d.detect(batch))  # type: ignore[misc]
        return batch


def sim_room(n: int, seed: int) -> list[Comment]:
    """One simulated room of exactly ``n`` comments, time-ordered."""
    return simulate(1, seed=seed, config=SimulationConfig(room_size=(n, n))).comments


def _room_comments(room: RoomData) -> list[Comment]:
    core = ("text", "room_id", "ts", "user_id", "msg_id", "platform", "label")
    return [
        Comment(text=rec["text"], room_id=rec["room_id"], ts=rec["ts"], user_id=rec["user_id"],
                msg_id=rec["msg_id"], platform=rec["platform"], label=rec["label"],
                extra={k: v for k, v in rec.items() if k not in core})
        for rec in room.records("sim")
    ]


def _ratio_line(label: str, seconds: dict[int, float]) -> str:
    small, large = min(seconds), max(seconds)
    return (f"{label}: time ratio {large:,}/{small:,} = {seconds[large] / seconds[small]:.2f} "
            f"(size ratio {large / small:.0f})")


def _report(label: str, n: int, clock: Clock) -> None:
    cpu, wall = clock.total()
    print(f"{label}: {n:,} comments")
    for s in STAGES:
        c = clock.cpu[s]
        rate = f"{n / c:>12,.0f}/s" if c > 0 else f"{'-':>14s}"
        print(f"  {s:10s} cpu {c:7.2f} s {rate}   wall {clock.wall[s]:7.2f} s")
    print(f"  WHOLE PATH cpu {cpu:7.2f} s {n / cpu:>12,.0f}/s   wall {wall:7.2f} s "
          f"{n / wall:>10,.0f}/s   peak RSS {peak_rss_mib():,.0f} MiB")
    print(GC_CLOCK.line())


def bench_one_room(sizes: list[int]) -> None:
    """One room per size through a fresh path; print stages and the time ratios."""
    totals: dict[int, tuple[float, float]] = {}
    stage_cpu: dict[str, dict[int, float]] = {s: {} for s in STAGES}
    for n in sizes:
        comments = sim_room(n, seed=777 + n)
        clock = Clock()
        batch = Path().run(comments, clock)
        _report(f"one room n={n:,}", n, clock)
        distinct = len({x.text for x in batch.normalized})
        print(f"  distinct normal forms {distinct:,} ({distinct / n:.0%})")
        totals[n] = clock.total()
        for s in STAGES:
            stage_cpu[s][n] = clock.cpu[s]
        del comments, batch
    if len(totals) >= 2:
        small, large = min(totals), max(totals)
        print(f"time ratio {large:,}/{small:,}: cpu {totals[large][0] / totals[small][0]:.2f}, "
              f"wall {totals[large][1] / totals[small][1]:.2f} (size ratio {large / small:.0f}; "
              "linear = equal)")
        for s in STAGES:
            if stage_cpu[s][small] > 0:
                print("  " + _ratio_line(f"{s:10s} cpu", stage_cpu[s]))


def _rooms(n_rooms: int, per_room: int) -> Iterator[list[Comment]]:
    cfg = SimulationConfig(room_size=(per_room, per_room))
    for room in iter_rooms(n_rooms, seed=4242, config=cfg):
        comments = _room_comments(room)
        if comments:
            yield comments


def bench_rooms(n_rooms: int, per_room: int) -> None:
    """Many rooms, one path (cross-room state accumulates, bounded by LRU caps)."""
    path, clock, total = Path(), Clock(), 0
    for comments in _rooms(n_rooms, per_room):
        path.run(comments, clock)
        total += len(comments)
    _report(f"{n_rooms:,} rooms x {per_room}", total, clock)
    dup, tpl, timing = path.detectors
    assert isinstance(dup, NearDuplicateDetector) and isinstance(tpl, TemplateDetector)
    assert isinstance(timing, MachinePostingDetector)
    print(f"  state: dup {len(dup._text_cluster):,} texts / {len(dup._index):,} leaders, "
          f"tpl {len(tpl._parses):,} parses / {len(tpl._index):,} leaders, "
          f"timing {len(timing._accounts):,} accounts (all LRU-capped)")
    print(f"  room sets: dup {len(dup._rooms):,} clusters (caps {dup.config.max_texts:,} texts/"
          f"{dup.config.max_clusters:,} clusters), tpl {len(tpl._rooms):,} templates (caps "
          f"{tpl.config.max_texts:,} texts/{tpl.config.max_templates:,} templates)")


_TABLE_FEATURES = (
    "dup_cluster_size", "dup_cluster_distinct_texts", "dup_cluster_user_ratio",
    "dup_user_repeats", "dup_burst_count", "dup_cross_room_count", "dup_text_len",
    "tpl_template_size", "tpl_distinct_fills", "tpl_slot_count", "tpl_literal_len",
    "tpl_cross_room_count",
)


def separation_table(n_rooms: int, room_size: int, seed: int) -> None:
    """Print the mean of key dup/tpl features per simulated persona over ``n_rooms`` rooms."""
    dup, tpl = NearDuplicateDetector(), TemplateDetector()
    personas: list[str] = []
    cols: dict[str, list[np.ndarray]] = {f: [] for f in _TABLE_FEATURES}
    cfg = SimulationConfig(room_size=(room_size, room_size))
    for room in iter_rooms(n_rooms, seed=seed, config=cfg):
        comments = _room_comments(room)
        batch = RoomBatch(comments[0].room_id, comments, [normalize(c.text) for c in comments])
        outs: list[DetectorOutput] = [dup.detect(batch), tpl.detect(batch)]
        personas.extend(str(c.extra.get("persona", "?")) for c in comments)
        for out in outs:
            for f, v in out.features.items():
                if f in cols:
                    cols[f].append(v)
    p = np.array(personas)
    feats = {f: np.concatenate(v) for f, v in cols.items()}
    print(f"mean features per persona ({n_rooms} rooms x {room_size}, seed {seed}):")
    short = [f.replace("dup_", "d.").replace("tpl_", "t.").replace("cluster_", "c_")
             for f in _TABLE_FEATURES]
    print(f"{'persona':24s} {'n':>6s} " + " ".join(f"{s[:11]:>11s}" for s in short))
    for name in sorted(set(personas)):
        m = p == name
        row = " ".join(f"{feats[f][m].mean():11.2f}" for f in _TABLE_FEATURES)
        print(f"{name:24s} {int(m.sum()):6d} {row}")


SYNTH_LINES = ("扣1", "666", "主播好美", "晚安", "哈哈", "来了来了", "好看", "多少钱", "88", "草")


def synthetic_room(
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
    from botcomments.text.normalize import NormalizationFeatures, NormalizedText

    rate = 50.0  # comments/s
    ts = np.sort(rng.uniform(0, n / rate, n)) + 1.7e9
    n_users = max(2, n // 15)
    users = np.minimum(rng.zipf(1.6, n), n_users)
    bot = rng.random(n) < 0.2
    bot_ids = rng.integers(0, bot_pool or max(1, n // 20), n)
    lines = rng.integers(0, len(SYNTH_LINES), n)
    feats = NormalizationFeatures()
    norms = [NormalizedText(SYNTH_LINES[k], feats) for k in lines.tolist()]
    comments = [
        Comment(
            text=SYNTH_LINES[k], room_id=room_id, ts=t,
            user_id=f"b{b}" if is_bot else f"{room_id}u{u}",
        )
        for k, t, u, b, is_bot in zip(
            lines.tolist(), ts.tolist(), users.tolist(), bot_ids.tolist(), bot.tolist(), strict=True
        )
    ]
    return RoomBatch(room_id, comments, norms)


def bench_timing_synthetic(sizes: list[int], n_rooms: int, per_room: int, seed: int) -> None:
    """Machine-posting detector alone on synthetic rooms (wall time, RSS growth).

    Also times ``estimate_authenticity`` (500 user-bootstrap draws) at each size.
    """
    from botcomments.quantify import ClassifierRates, estimate_authenticity

    rng = np.random.default_rng(seed)
    times: dict[int, float] = {}
    for n in sizes:
        batch = synthetic_room(f"big{n}", n, rng)
        det = MachinePostingDetector()
        base = rss_mib()
        t0 = time.perf_counter()
        det.detect(batch)
        dt = time.perf_counter() - t0
        times[n] = dt
        print(
            f"one room n={n:>9,}: {dt:7.2f} s  {n / dt:>10,.0f} comments/s  "
            f"rss +{rss_mib() - base:,.0f} MiB (now {rss_mib():,.0f} MiB)"
        )
        del batch
    if len(times) >= 2:
        print(_ratio_line("timing", times))
    for n in sizes:
        probs = rng.beta(2, 4, n)
        users = rng.integers(0, max(1, n // 15), n)
        ts = np.sort(rng.uniform(0, n / 50.0, n))
        rates = ClassifierRates(tpr=0.8, fpr=0.2, n_pos=5000, n_neg=5000, p_tpr=0.67, p_fpr=0.33)
        t0 = time.perf_counter()
        estimate_authenticity(probs, users=users, ts=ts, rates=rates, n_boot=500)
        dt = time.perf_counter() - t0
        print(f"estimate_authenticity n={n:>9,} ({n // 15:,} users, 500 boot): {dt:6.2f} s")
    if n_rooms:
        det = MachinePostingDetector()
        base = rss_mib()
        rooms = [synthetic_room(f"r{i}", per_room, rng, bot_pool=50_000) for i in range(n_rooms)]
        built = rss_mib()
        t0 = time.perf_counter()
        for b in rooms:
            det.detect(b)
        dt = time.perf_counter() - t0
        total = per_room * n_rooms
        print(
            f"{n_rooms:,} rooms x {per_room}: {dt:7.2f} s  {total / dt:>10,.0f} comments/s  "
            f"detector state +{rss_mib() - built:,.0f} MiB (inputs {built - base:,.0f} MiB, "
            f"{len(det._accounts):,} accounts remembered)"
        )


def main() -> None:
    """Parse arguments and run the benchmark."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--rooms", type=int, default=10_000, help="rooms in the many-rooms run")
    ap.add_argument("--per-room", type=int, default=100)
    ap.add_argument("--table-rooms", type=int, default=20)
    ap.add_argument("--timing-synthetic", action="store_true",
                    help="time only the machine-posting detector, on synthetic rooms "
                         "(uses --sizes, --rooms, --per-room, --seed)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the synthetic rooms")
    args = ap.parse_args()
    print(pin_one_core())
    if args.timing_synthetic:
        bench_timing_synthetic(args.sizes, args.rooms, args.per_room, args.seed)
        return
    if args.rooms:  # first, so its peak RSS is not the big room's
        bench_rooms(args.rooms, args.per_room)
    if args.sizes:
        bench_one_room(args.sizes)
    if args.table_rooms:
        separation_table(args.table_rooms, 2_000, seed=31337)


if __name__ == "__main__":
    main()
