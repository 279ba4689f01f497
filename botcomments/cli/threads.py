"""CPU threads for the text model: use the cores this process may use, and do not spin.

Two measured problems with torch's defaults on shared machines (``python
benchmarks/threads_bench.py``, two runs, end-to-end comments/s with the default model on
2 cores): libgomp's worker threads spin between parallel regions
(``OMP_WAIT_POLICY=ACTIVE``), so when another process holds one of the two cores two
threads ran at 811-947/s against 1,264-1,348/s with ``PASSIVE``, below even one thread
(1,100-1,496/s); on a quiet machine ``PASSIVE`` costs 6-12 % (1,641-1,724 vs
1,834-1,867/s). The slow case is the one to avoid by default, so the CLI sets
``OMP_WAIT_POLICY=PASSIVE`` before torch loads (unless the environment sets it; export
``OMP_WAIT_POLICY=ACTIVE`` on a dedicated machine). Those runs used the int8 text model;
one run with the bf16 default: busy 855 (spinning) vs 1,680/s (sleeping), quiet 2,324 vs
2,462/s. And torch counts the machine's cores,
not the ones a container's CPU quota or the process's affinity allows: torch gets
:func:`usable_cores` threads unless ``--threads`` says otherwise. Tokenizers' own thread
pool stays off (``TOKENIZERS_PARALLELISM=false``) so the two pools do not oversubscribe.

Example:
    >>> usable_cores() >= 1
    True
"""

from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP_V2 = Path("/sys/fs/cgroup/cpu.max")
CGROUP_V1 = (Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"),
             Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us"))


def _cgroup_quota() -> float | None:
    """CPUs allowed by the cgroup CPU quota, or None without one."""
    try:
        if CGROUP_V2.exists():
            quota, period = CGROUP_V2.read_text().split()[:2]
            return None if quota == "max" else int(quota) / int(period)
        quota_file, period_file = CGROUP_V1
        if quota_file.exists() and period_file.exists():
            quota_us = int(quota_file.read_text())
            return None if quota_us <= 0 else quota_us / int(period_file.read_text())
    except (OSError, ValueError):
        return None
    return None


def usable_cores() -> int:
    """Cores this process may run on: its CPU affinity, capped by a cgroup CPU quota.

    Returns:
        At least 1.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        cores = os.cpu_count() or 1
    quota = _cgroup_quota()
    if quota is not None:
        cores = min(cores, max(1, math.floor(quota)))
    return max(1, cores)


def quiet_openmp() -> None:
    """Make OpenMP workers sleep instead of spin between regions (unless set already).

    Must run before torch is imported (libgomp reads it once at start-up).
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def set_torch_threads(requested: int | None) -> int:
    """Give torch ``requested`` threads, or :func:`usable_cores` when None.

    Args:
        requested: ``--threads`` (None: automatic).

    Returns:
        The thread count set.

    Raises:
        ValueError: On a count below 1.
    """
    import torch

    threads = usable_cores() if requested is None else requested
    if threads < 1:
        raise ValueError(f"--threads {threads}: give at least 1")
    torch.set_num_threads(threads)
    return threads
