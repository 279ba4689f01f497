"""Replayed real chat: order and text kept, times inside their bucket, human-like accounts.

Lines here are made up; no corpus text is used.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botcomments.simulate.replay import (
    REPLAY_PERSONA,
    ReplaySettings,
    assign_viewers,
    replay_chat,
    spread_times,
)

LINES = ("草", "？？？", "kksk", "哈哈哈", "晚上好", "这也行", "理解理解", "主播加油")


def minute_log(n_minutes: int, per_minute: int, start: float = 1_557_000_000.0
               ) -> tuple[list[str], list[float]]:
    """``per_minute`` made-up lines in each of ``n_minutes`` minutes."""
    lines = [LINES[(i * 7 + i // 3) % len(LINES)] for i in range(n_minutes * per_minute)]
    ts = [start + 60.0 * (i // per_minute) for i in range(n_minutes * per_minute)]
    return lines, ts


@given(st.lists(st.integers(0, 5), min_size=0, max_size=60), st.integers(0, 2**32 - 1))
@settings(max_examples=60, deadline=None)
def test_spread_times_stay_in_bucket_and_order(steps: list[int], seed: int) -> None:
    coarse = np.cumsum(np.array(steps, dtype=float) * 60.0)
    out = spread_times(coarse, 60.0, np.random.default_rng(seed))
    assert len(out) == len(coarse)
    assert np.all(np.diff(out) >= 0)
    assert np.all((out >= coarse) & (out < coarse + 60.0))


def test_spread_times_rejects_unordered_input() -> None:
    with pytest.raises(ValueError, match="non-decreasing"):
        spread_times([120.0, 60.0], 60.0, np.random.default_rng(0))


def test_replay_keeps_text_order_and_labels() -> None:
    lines, ts = minute_log(30, 20)
    out = replay_chat(lines, ts, "room-a", seed=5)
    assert [c.text for c in out] == lines
    assert all(c.label == 0 and c.extra["persona"] == REPLAY_PERSONA for c in out)
    assert all(c.room_id == "room-a" and c.user_id.startswith("room-a-v") for c in out)
    assert all(t0 <= c.ts < t0 + 60.0 for c, t0 in zip(out, ts, strict=True))


def test_replay_is_deterministic_per_seed() -> None:
    lines, ts = minute_log(10, 15)
    first = [(c.user_id, c.ts) for c in replay_chat(lines, ts, "r", seed=1)]
    assert first == [(c.user_id, c.ts) for c in replay_chat(lines, ts, "r", seed=1)]
    assert first != [(c.user_id, c.ts) for c in replay_chat(lines, ts, "r", seed=2)]


def test_replay_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="one time a line"):
        replay_chat(["a", "b"], [0.0], "r", seed=0)


def test_viewers_are_heavy_tailed_and_never_post_within_their_gap() -> None:
    """Many one-line viewers, a few heavy ones, and no viewer posting twice within 1 s."""
    rng = np.random.default_rng(3)
    times = np.sort(rng.uniform(0, 4 * 3600, 6000))
    fixed = ReplaySettings(new_viewer_share=(0.2, 0.2), activity_sigma=(1.5, 1.5),
                           gap_median_s=(30.0, 30.0), gap_sigma=(1.2, 1.2),
                           stay_median_s=(1800.0, 1800.0))
    viewers = assign_viewers(times, fixed, rng)
    counts = np.array(list(Counter(viewers.tolist()).values()))
    assert 0.15 < len(counts) / len(times) < 0.25
    assert 0.3 < (counts == 1).mean() < 0.65
    assert counts.max() >= 20
    by_viewer: dict[int, list[float]] = defaultdict(list)
    for v, t in zip(viewers.tolist(), times.tolist(), strict=True):
        by_viewer[v].append(t)
    gaps = np.concatenate([np.diff(v) for v in by_viewer.values() if len(v) > 1])
    assert np.median(gaps) > 30.0
    assert (gaps < 1.0).mean() < 0.02


@pytest.mark.parametrize("bad", [
    {"new_viewer_share": (0.8, 0.2)},
    {"new_viewer_share": (0.0, 0.5)},
    {"activity_sigma": (0.0, 1.0)},
    {"gap_median_s": (0.0, 10.0)},
    {"resolution_s": 0.0},
])
def test_settings_reject_bad_ranges(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ReplaySettings(**bad)  # type: ignore[arg-type]
