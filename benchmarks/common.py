"""Helpers shared by the benchmark scripts: one-core setup, memory figures, CPU/wall timing,
room-ratio metrics, spark-score vs score differences.

Not a benchmark itself. Scripts are run as ``python benchmarks/NAME.py``, which puts this
folder first on ``sys.path``, so they import it as ``common``. Importing it loads only the
standard library (``psutil`` is imported when :func:`rss_mib` is called, numpy when
:func:`ratio_metrics` is), so a script can call :func:`one_thread_blas` before numpy is
imported.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botcomments.scoring.types import ScoreResult

BLAS_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def one_thread_blas() -> None:
    """Default numpy/BLAS to one thread (call before numpy is imported; set values win)."""
    for var in BLAS_THREAD_VARS:
        os.environ.setdefault(var, "1")


def pin_one_core() -> str:
    """Pin this process to its lowest allowed CPU.

    Returns:
        What was done, for the benchmark's first output line.
    """
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    except (AttributeError, OSError):
        return "not pinned (no sched_setaffinity); CPU-time figures are still one core"


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB.

    ``ru_maxrss`` is KiB on Linux and bytes on macOS.
    """
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def rss_mib() -> float:
    """Current resident set size of this process, in MiB (for growth: before vs after)."""
    import psutil

    return float(psutil.Process().memory_info().rss) / 2**20


class Stopwatch:
    """CPU (``process_time``) and wall (``perf_counter``) seconds of a ``with`` block.

    On a shared machine the CPU figure is the one-core cost; wall time includes waiting
    for a core.

    Example:
        >>> with Stopwatch() as sw:
        ...     _ = sum(range(1000))
        >>> sw.cpu >= 0.0 and sw.wall >= 0.0
        True
    """

    def __init__(self) -> None:
        self.cpu = 0.0
        self.wall = 0.0
        self._cpu0 = 0.0
        self._wall0 = 0.0

    def __enter__(self) -> Stopwatch:
        self._cpu0, self._wall0 = time.process_time(), time.perf_counter()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cpu = time.process_time() - self._cpu0
        self.wall = time.perf_counter() - self._wall0


def ratio_metrics(result: ScoreResult, truth: dict[str, float], users: bool = False
                  ) -> tuple[float, float, float]:
    """Authenticity ratio MAE, CI coverage and mean CI width over rooms.

    Args:
        result: Scorer output.
        truth: Room id -> true share of genuine comments (of genuine commenters with
            ``users``).
        users: Score ``genuine_user_ratio``/``genuine_user_ci`` instead of the comment ratio.

    Returns:
        (MAE, coverage, mean width).
    """
    import numpy as np

    err, cover, width = [], [], []
    for room in result.rooms:
        t = truth[room.room_id]
        estimate, (lo, hi) = ((room.genuine_user_ratio, room.genuine_user_ci) if users
                              else (room.authenticity_ratio, room.authenticity_ci))
        err.append(abs(estimate - t))
        cover.append(lo - 1e-9 <= t <= hi + 1e-9)
        width.append(hi - lo)
    return float(np.mean(err)), float(np.mean(cover)), float(np.mean(width))


def spark_differences(single: Path, spark: Path) -> str:
    """How spark-score's outputs in ``spark`` differ from ``botcomments score``'s in ``single``.

    Args:
        single: ``score --out`` folder (comments.jsonl, rooms.json).
        spark: ``spark-score --out`` folder (comments/, rooms/).

    Returns:
        Decisions, flag lists, largest bot-score and room-ratio differences, in words.
    """
    import json

    import pyarrow.parquet as pq

    table = pq.read_table(spark / "comments", columns=[
        "input_file_index", "input_record", "bot_score", "is_bot", "flags"]).sort_by(
        [("input_file_index", "ascending"), ("input_record", "ascending")])
    scores = table.column("bot_score").to_pylist()
    bots = table.column("is_bot").to_pylist()
    flags = table.column("flags").to_pylist()
    n = decisions = flag_sets = 0
    max_delta = 0.0
    with (single / "comments.jsonl").open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            row = json.loads(line)
            n += 1
            decisions += row["is_bot"] != bots[i]
            flag_sets += row["flags"] != flags[i]
            max_delta = max(max_delta, abs(row["bot_score"] - scores[i]))
    rooms = {r["room_id"]: r for r in json.loads((single / "rooms.json").read_text("utf-8"))}
    spark_rooms = pq.read_table(spark / "rooms").to_pylist()
    ratio_delta = [abs(rooms[r["room_id"]]["authenticity_ratio"] - r["authenticity_ratio"])
                   for r in spark_rooms]
    return (f"{decisions} of {n} decisions and {flag_sets} flag lists differ, max |bot_score "
            f"difference| {max_delta:.4f}; room ratios differ by at most "
            f"{max(ratio_delta):.4f} (mean {sum(ratio_delta) / len(ratio_delta):.4f})")
