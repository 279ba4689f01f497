"""The bubble intervals' calibration (``benchmarks/engagement_bench.py --fit``): lines of a
train corpus dealt to commenters (``benchmarks/anchored_rooms.py``), and factors that hold
for both the simulated rooms and the rooms around real commenters."""

from __future__ import annotations

import itertools
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import anchored_rooms  # noqa: E402
import engagement_bench  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(minutes=st.lists(st.integers(0, 600), min_size=1, max_size=300),
       seed=st.integers(0, 2**32 - 1))
def test_every_line_is_dealt_once_within_its_minute(minutes: list[int], seed: int) -> None:
    stamps = np.array(minutes) * 60 + 1_557_000_000
    users = anchored_rooms.deal_lines(stamps, np.random.default_rng(seed))
    times = np.sort([t for u in users for t in u.times])
    assert len(times) == len(stamps) and len({u.user_id for u in users}) == len(users)
    assert np.all(np.floor((times - 1_557_000_000) / 60) == np.sort(np.array(minutes)))
    assert all(u.genuine and u.times == sorted(u.times) for u in users)


def test_lines_per_commenter_follow_the_drawn_share() -> None:
    """Sessions deal between 1.5 and 8 lines per commenter on average (the drawn range)."""
    stamps = np.repeat(np.arange(120) * 60, 20) + 1_557_000_000
    per = [len(stamps) / len(anchored_rooms.deal_lines(stamps, np.random.default_rng(s)))
           for s in range(20)]
    assert min(per) > 1.2 and max(per) < 10 and max(per) > 2 * min(per)


def row(est: float, true: float, anchored: bool) -> engagement_bench.Row:
    return engagement_bench.Row("0 %", "none", "none", true, est, (0.0, 1.0), 0.01, 0.0,
                                1.0, 1.0, (0.0, 1.0), 0.01, regime_v="levels/high",
                                regime_l="high", anchored=anchored)


def factors(out: str, regime: str) -> tuple[float, float]:
    match = re.search(rf'"{regime}": \(([\d.]+), ([\d.]+)\)', out)
    assert match is not None, out
    return float(match.group(1)), float(match.group(2))


def test_each_factor_is_the_larger_of_the_two_populations(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Simulated rooms err little below; rooms around real commenters read too low (genuine
    surges read bought): the factor above comes from them, the one below from neither
    alone being wider."""
    rng = np.random.default_rng(0)
    sim = [row(0.95 + 0.005 * e, 0.95, False) for e in rng.normal(0, 1, 200)]
    real = [row(0.9, 0.9 + 0.05 * abs(e), True) for e in rng.normal(0, 1, 100)]
    engagement_bench.fit(sim)
    sim_only = factors(capsys.readouterr().out, "levels/high")
    engagement_bench.fit(sim + real)
    both = factors(capsys.readouterr().out, "levels/high")
    assert both[0] == sim_only[0]  # the real-commenter rooms never read too high here
    assert both[1] > 3 * sim_only[1]


def test_the_idle_comparison_fit_tries_each_value_and_puts_the_constant_back() -> None:
    import idle_comparison_fit

    from botcomments.quantify import marker

    shipped = marker.LEVEL_Z
    # a calibration room (seed 30004, 50-75 % bought) whose idle comparison counts
    # bought accounts: 0.72 genuine at 1 sd of doubt to 0.89 at 3.5
    room, _, _, _ = engagement_bench.simulate_room(30_004, 0.5, 0.75)
    shares = idle_comparison_fit.estimates(room, "doubt")
    assert shipped == marker.LEVEL_Z
    assert len(shares) == len(idle_comparison_fit.KNOBS["doubt"][1])
    # more doubt counts fewer idle accounts bought: the share rises along the grid
    assert all(b > a for a, b in itertools.pairwise(shares))


def test_the_aged_share_ablation_reaches_the_worker_processes() -> None:
    """``--aged-share`` (every bought account fresh, an ablation) holds in spawned workers."""
    engagement_bench.set_aged_share(0.0)
    try:
        with engagement_bench.worker_pool(1) as pool:
            room = pool.apply(engagement_bench.simulate_room, (5, 0.5, 0.75))[0]
    finally:
        engagement_bench.set_aged_share(None)
    assert room.truth.params["bought_aged_share"] == 0.0
    drawn = engagement_bench.simulate_room(5, 0.5, 0.75)[0]
    assert drawn.truth.params["bought_aged_share"] > 0.0
    assert [e.ts for e in room.events] == [e.ts for e in drawn.events]
