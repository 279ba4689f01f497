"""Whole evidence path on ONE core: normalise + shared room columns + dup + tpl + timing.

Pins the process to one CPU (and numpy/BLAS threads to 1) and prints, per stage and for
the whole path, comments/s as CPU time (the one-core figure, robust to a shared
machine) and wall time, for one room of 100k and of 1M comments (and their time
ratio, ~10 means linear), and for many small rooms fed through one detector set
(bounded cross-room state), with peak RSS. Simulator rooms (``botcomments.simulate``);
building them is not timed. Ends with the dup/tpl separation table per persona.

Run:
    python benchmarks/evidence_bench.py                    # 100k + 1M + 10,000 rooms
    python benchmarks/evidence_bench.py --sizes 20000 200000 --rooms 1000 --table-rooms 5
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import gc  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

from detectors_text_bench import _room_comments, separation_table, sim_room  # noqa: E402

from botcomments.detectors.base import Detector, RoomBatch  # noqa: E402
from botcomments.detectors.duplicates import NearDuplicateDetector  # noqa: E402
from botcomments.detectors.templates import TemplateDetector  # noqa: E402
from botcomments.detectors.text_groups import room_columns  # noqa: E402
from botcomments.detectors.timing import MachinePostingDetector  # noqa: E402
from botcomments.records import Comment  # noqa: E402
from botcomments.simulate import SimulationConfig, iter_rooms  # noqa: E402
from botcomments.text.normalize import Normalizer  # noqa: E402

STAGES = ("normalise", "columns", "dup", "tpl", "timing")


@dataclass
class Clock:
    """CPU and wall seconds per stage."""

    cpu: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    wall: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))

    def run(self, stage: str, fn: Callable[[], object]) -> object:
        """Run ``fn`` and charge its time to ``stage``."""
        c0, w0 = time.process_time(), time.perf_counter()
        GC_CLOCK.in_path = True
        try:
            out = fn()
        finally:
            GC_CLOCK.in_path = False
        self.cpu[stage] += time.process_time() - c0
        self.wall[stage] += time.perf_counter() - w0
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

    def run(self, comments: list[Comment], clock: Clock) -> None:
        """Push one room through the whole evidence path, timing each stage."""
        texts = [c.text for c in comments]
        normalized = clock.run("normalise", lambda: self.normalizer.normalize_batch(texts))
        batch = RoomBatch(comments[0].room_id, comments, normalized)  # type: ignore[arg-type]
        clock.run("columns", lambda: room_columns(batch))
        for det in self.detectors:
            clock.run(det.name, lambda d=det: d.detect(batch))  # type: ignore[misc]


def _pin_one_core() -> str:
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    except (AttributeError, OSError):
        return "not pinned (no sched_setaffinity); CPU-time figures are still one core"


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _report(label: str, n: int, clock: Clock) -> None:
    cpu, wall = clock.total()
    print(f"{label}: {n:,} comments")
    for s in STAGES:
        c = clock.cpu[s]
        rate = f"{n / c:>12,.0f}/s" if c > 0 else f"{'-':>14s}"
        print(f"  {s:10s} cpu {c:7.2f} s {rate}   wall {clock.wall[s]:7.2f} s")
    print(f"  WHOLE PATH cpu {cpu:7.2f} s {n / cpu:>12,.0f}/s   wall {wall:7.2f} s "
          f"{n / wall:>10,.0f}/s   peak RSS {_peak_mib():,.0f} MiB")
    print(GC_CLOCK.line())


def bench_one_room(sizes: list[int]) -> None:
    """One room per size through a fresh path; print stages and the time ratio."""
    totals: dict[int, tuple[float, float]] = {}
    for n in sizes:
        comments = sim_room(n, seed=777 + n)
        clock = Clock()
        Path().run(comments, clock)
        _report(f"one room n={n:,}", n, clock)
        totals[n] = clock.total()
        del comments
    if len(totals) >= 2:
        small, large = min(totals), max(totals)
        print(f"time ratio {large:,}/{small:,}: cpu {totals[large][0] / totals[small][0]:.2f}, "
              f"wall {totals[large][1] / totals[small][1]:.2f} (size ratio {large / small:.0f}; "
              "linear = equal)")


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


def main() -> None:
    """Parse arguments and run the benchmark."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--rooms", type=int, default=10_000, help="rooms in the many-rooms run")
    ap.add_argument("--per-room", type=int, default=100)
    ap.add_argument("--table-rooms", type=int, default=20)
    args = ap.parse_args()
    print(_pin_one_core())
    if args.rooms:  # first, so its peak RSS is not the big room's
        bench_rooms(args.rooms, args.per_room)
    if args.sizes:
        bench_one_room(args.sizes)
    if args.table_rooms:
        separation_table(args.table_rooms, 2_000, seed=31337)


if __name__ == "__main__":
    main()
