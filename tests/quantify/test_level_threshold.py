"""The level threshold rises past the levels where idle accounts crowd (fresh bought
accounts at the lowest levels), and stays where the idle accounts' levels follow the
reference's."""

from __future__ import annotations

import numpy as np
import pytest

from botcomments.quantify import marker
from botcomments.quantify.bubble import fit_viewers
from botcomments.quantify.engagement import RoomEngagement
from botcomments.quantify.marker import LEVEL_MIN_REFERENCE, raise_threshold
from tests.quantify.test_level_mixture import add_viewer


def low_levels(rng: np.random.Generator, n: int, shift: float = 0.0) -> np.ndarray:
    """Levels of a genuine audience of low levels (median 3; log-level lowered by
    ``shift``)."""
    return np.minimum(np.round(rng.lognormal(np.log(3) - shift, 0.7, n)), 60).astype(np.int64)


@pytest.mark.parametrize("seed", range(20))
def test_idle_levels_like_the_reference_keep_the_threshold(seed: int) -> None:
    rng = np.random.default_rng(seed)
    assert raise_threshold(low_levels(rng, 300), low_levels(rng, 900), 2) == 2


def raised_among_lower_lurkers() -> list[int]:
    """Thresholds of 20 large rooms whose 8,000 idle lurkers sit 10 % lower (log-level)
    than the 1,000 interactors, and no bought account."""
    return [raise_threshold(low_levels(rng, 1000), low_levels(rng, 8000, shift=0.1), 2)
            for rng in map(np.random.default_rng, range(20))]


def test_lurkers_a_little_lower_than_the_interactors_keep_the_threshold(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert raised_among_lower_lurkers() == [2] * 20
    monkeypatch.setattr(marker, "BASELINE_DRIFT", 0.0)
    assert max(raised_among_lower_lurkers()) > 2  # without the drift weights some rise


def test_fresh_accounts_crowding_the_low_levels_raise_the_threshold_past_them() -> None:
    rng = np.random.default_rng(0)
    idle = np.concatenate([low_levels(rng, 900), rng.integers(0, 5, 1500)])
    assert raise_threshold(low_levels(rng, 300), idle, 2) == 5


def test_the_threshold_keeps_enough_reference_accounts_above_it() -> None:
    ref = np.array([1] * 200 + [2] * 100 + [9] * (LEVEL_MIN_REFERENCE - 1))
    idle = np.array([1] * 100 + [2] * 2000 + [9] * 40)
    assert raise_threshold(ref, idle, 1) == 2  # 9 would leave too few reference accounts


def drip_among_low_levels(seed: int = 5) -> RoomEngagement:
    """1,000 genuine viewers of low levels (median 3) over two hours (a third acting,
    :func:`add_viewer`); 1,000 fresh idle accounts (level 0-4) delivered evenly over the same two
    hours: genuine share 0.5."""
    rng = np.random.default_rng(seed)
    room = RoomEngagement("r1")
    entrants = [(t, f"g{i}", True) for i, t in enumerate(rng.uniform(0, 7200, 1000))]
    entrants += [(t, f"b{i}", False) for i, t in enumerate(rng.uniform(0, 7200, 1000))]
    genuine_levels = low_levels(rng, 1000)
    for (t, uid, genuine), level in zip(sorted(entrants), np.resize(genuine_levels, 2000),
                                        strict=True):
        add_viewer(room, rng, uid, float(t), int(level) if genuine else int(rng.integers(0, 5)),
                   acts=genuine)
    return room


def test_an_even_drip_among_a_low_level_audience_is_counted(
        monkeypatch: pytest.MonkeyPatch) -> None:
    room = drip_among_low_levels()
    raised = fit_viewers(room.account_table(), np.random.default_rng(0))
    monkeypatch.setattr(marker, "raise_threshold", lambda ref, idle, threshold: threshold)
    kept = fit_viewers(room.account_table(), np.random.default_rng(0))
    assert raised.idle_test is not None and kept.idle_test is not None
    assert raised.idle_test.threshold is not None and kept.idle_test.threshold is not None
    assert raised.idle_test.threshold >= 5 > kept.idle_test.threshold
    assert abs(raised.share - 0.5) < 0.1 < abs(kept.share - 0.5)
