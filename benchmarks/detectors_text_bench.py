"""Throughput, memory and separation of the near-duplicate (dup) and template (tpl) detectors.

Rooms come from the project simulator (``botcomments.simulate``). Each room is normalised
once, then each detector is timed alone on one core at two room sizes (comments/s, the
time ratio between the sizes, peak RSS). The "evidence path" figure adds normalisation
and the machine-posting detector (``timing``) when it is importable. A cross-room run
feeds many small rooms through one detector instance to show bounded state, and a
separation table prints mean features per simulated persona.

Run:
    python benchmarks/detectors_text_bench.py            # 100k and 1M comments
    python benchmarks/detectors_text_bench.py --sizes 20000 200000 --rooms 500
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable

import numpy as np

from botcomments.detectors.base import Detector, DetectorOutput, RoomBatch
from botcomments.detectors.duplicates import NearDuplicateDetector
from botcomments.detectors.templates import TemplateDetector
from botcomments.records import Comment
from botcomments.simulate import SimulationConfig, iter_rooms, simulate
from botcomments.simulate.engine import RoomData
from botcomments.text.normalize import normalize


def _timing_factory() -> Callable[[], Detector] | None:
    try:
        from botcomments.detectors.timing import MachinePostingDetector
    except ImportError:
        return None
    return MachinePostingDetector


def sim_room(n: int, seed: int) -> list[Comment]:
    """One simulated room of exactly ``n`` comments.

    Args:
        n: Room size.
        seed: Simulator seed.

    Returns:
        Its comments, time-ordered.
    """
    return simulate(1, seed=seed, config=SimulationConfig(room_size=(n, n))).comments


def _room_comments(room: RoomData) -> list[Comment]:
    core = ("text", "room_id", "ts", "user_id", "msg_id", "platform", "label")
    return [
        Comment(**{k: rec.get(k) for k in core},
                extra={k: v for k, v in rec.items() if k not in core})
        for rec in room.records("sim")
    ]


def _batch(comments: list[Comment]) -> RoomBatch:
    return RoomBatch(comments[0].room_id, comments, [normalize(c.text) for c in comments])


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _time(fn: Callable[[RoomBatch], object], batch: RoomBatch) -> float:
    t0 = time.perf_counter()
    fn(batch)
    return time.perf_counter() - t0


def bench_sizes(sizes: list[int], factories: dict[str, Callable[[], Detector]]) -> None:
    """Print throughput per detector and size, and the time ratio between sizes."""
    times: dict[str, list[float]] = {name: [] for name in [*factories, "path"]}
    for n in sizes:
        comments = sim_room(n, seed=777 + n)
        t_norm = time.perf_counter()
        batch = _batch(comments)
        t_norm = time.perf_counter() - t_norm
        distinct = len({x.text for x in batch.normalized})
        print(f"n={n:>9,}  distinct normal forms={distinct:,} ({distinct / n:.0%})  "
              f"normalise {n / t_norm:,.0f}/s")
        total = t_norm
        for name, make in factories.items():
            dt = _time(make().detect, batch)
            times[name].append(dt)
            total += dt
            print(f"  {name:6s} {dt:7.2f} s  {n / dt:>10,.0f} comments/s  "
                  f"peak RSS {_peak_mib():,.0f} MiB")
        times["path"].append(total)
        print(f"  evidence path (normalise + {' + '.join(factories)}): {n / total:,.0f} comments/s")
        del batch, comments
    if len(sizes) >= 2:
        for name, ts in times.items():
            print(f"  {name}: time ratio {sizes[-1]:,}/{sizes[0]:,} = {ts[-1] / ts[0]:.2f} "
                  f"(size ratio {sizes[-1] / sizes[0]:.0f})")


def bench_rooms(n_rooms: int, per_room: int) -> None:
    """Feed many rooms through one detector instance; print throughput and state size."""
    dup, tpl = NearDuplicateDetector(), TemplateDetector()
    t_dup = t_tpl = 0.0
    total = 0
    cfg = SimulationConfig(room_size=(per_room // 2, per_room * 2))
    for room in iter_rooms(n_rooms, seed=4242, config=cfg):
        batch = _batch(_room_comments(room))
        total += len(batch)
        t_dup += _time(dup.detect, batch)
        t_tpl += _time(tpl.detect, batch)
    print(f"{n_rooms:,} rooms, {total:,} comments: dup {total / t_dup:,.0f}/s, "
          f"tpl {total / t_tpl:,.0f}/s, peak RSS {_peak_mib():,.0f} MiB")
    print(f"  dup state: {len(dup._text_cluster):,} texts, {len(dup._index):,} LSH leaders, "
          f"{len(dup._rooms):,} cluster room sets (caps {dup.config.max_texts:,}/"
          f"{dup.config.max_clusters:,})")
    print(f"  tpl state: {len(tpl._parses):,} parses, {len(tpl._index):,} LSH leaders, "
          f"{len(tpl._rooms):,} template room sets (caps {tpl.config.max_texts:,}/"
          f"{tpl.config.max_templates:,})")


_TABLE_FEATURES = (
    "dup_cluster_size", "dup_cluster_distinct_texts", "dup_cluster_user_ratio",
    "dup_user_repeats", "dup_burst_count", "dup_cross_room_count", "dup_text_len",
    "tpl_template_size", "tpl_distinct_fills", "tpl_slot_count", "tpl_literal_len",
    "tpl_cross_room_count",
)


def separation_table(n_rooms: int, room_size: int, seed: int) -> None:
    """Print the mean of key features per simulated persona over ``n_rooms`` rooms."""
    dup, tpl = NearDuplicateDetector(), TemplateDetector()
    personas: list[str] = []
    cols: dict[str, list[np.ndarray]] = {f: [] for f in _TABLE_FEATURES}
    cfg = SimulationConfig(room_size=(room_size, room_size))
    for room in iter_rooms(n_rooms, seed=seed, config=cfg):
        comments = _room_comments(room)
        batch = _batch(comments)
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


def main() -> None:
    """Parse arguments and run the benchmarks."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--rooms", type=int, default=2_000, help="rooms in the cross-room run")
    ap.add_argument("--per-room", type=int, default=200)
    ap.add_argument("--table-rooms", type=int, default=20)
    args = ap.parse_args()
    factories: dict[str, Callable[[], Detector]] = {
        "dup": NearDuplicateDetector,
        "tpl": TemplateDetector,
    }
    timing = _timing_factory()
    if timing is not None:
        factories["timing"] = timing
    if args.sizes:
        bench_sizes(args.sizes, factories)
    if args.rooms:
        bench_rooms(args.rooms, args.per_room)
    if args.table_rooms:
        separation_table(args.table_rooms, 2_000, seed=31337)


if __name__ == "__main__":
    main()
