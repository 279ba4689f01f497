"""Tests of MachinePostingDetector: regularity, bursts, lockstep, cross-room, missing data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botcomments.detectors.base import Detector
from botcomments.detectors.timing import (
    FEATURE_NAMES,
    MachinePostingDetector,
    TimingConfig,
    sync_key,
)
from tests.helpers.timing_synth import (
    BatchFactory,
    bot_flood,
    chatter,
    human_flood,
    make_room_batch,
)


def _feat(out, name: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    return out.features[f"timing_{name}"]


def test_implements_protocol(detector: MachinePostingDetector) -> None:
    d: Detector = detector
    assert d.name == "timing"
    assert d.feature_names == FEATURE_NAMES
    assert all(n.startswith("timing_") for n in FEATURE_NAMES)


def test_empty_batch(detector: MachinePostingDetector, make_batch: BatchFactory) -> None:
    out = detector.detect(make_batch([]))
    assert set(out.features) == set(FEATURE_NAMES)
    assert all(len(v) == 0 for v in out.features.values())
    assert out.evidence == []


@pytest.mark.parametrize(
    ("text", "key"),
    [("扣1!!👍", "扣1"), ("666", "666"), ("!!!", "!!!"), ("主播 好美~", "主播好美"), ("", "")],
    ids=["emoji-padding", "digits", "only-punct", "spaces", "empty"],
)
def test_sync_key(text: str, key: str) -> None:
    assert sync_key(text) == key


@pytest.mark.parametrize(
    ("gaps", "max_cv"),
    [(np.full(20, 30.0), 0.01), (30.0 + np.linspace(-1, 1, 20), 0.05)],
    ids=["exact-clock", "jittered-clock"],
)
def test_scheduled_account_is_clock_like(
    detector: MachinePostingDetector, make_batch: BatchFactory, gaps: np.ndarray, max_cv: float
) -> None:
    rng = np.random.default_rng(1)
    ts = 1000.0 + np.cumsum(gaps)
    rows = [("已拍", float(t), "sched") for t in ts] + chatter(rng, 10, 1000, 1600, 15)
    batch = make_batch(rows)
    out = detector.detect(batch)
    users = [c.user_id for c in batch.comments]
    sched = np.array([u == "sched" for u in users])
    assert (_feat(out, "user_iat_cv")[sched] < max_cv).all()
    assert np.median(_feat(out, "user_iat_cv")[~sched]) > 0.5
    assert _feat(out, "user_iat_n")[sched][0] == len(gaps) - 1
    assert _feat(out, "user_rate_per_min")[sched][0] == pytest.approx(2.0, rel=0.05)
    assert any("account_regular" in ev for ev, s in zip(out.evidence, sched, strict=True) if s)


def test_bot_flood_differs_from_human_flood(
    detector: MachinePostingDetector, make_batch: BatchFactory
) -> None:
    rng = np.random.default_rng(2)
    humans = [f"h{i}" for i in range(30)]
    rows = chatter(rng, 30, 0, 600, 5)  # humans are established before the prompts
    rows += human_flood(rng, humans, 700.0)
    rows += bot_flood(rng, 30, 900.0)
    batch = make_batch(rows)
    out = detector.detect(batch)
    is_flood = np.array([c.text == "扣1" for c in batch.comments])
    is_bot = np.array([(c.user_id or "").startswith("bot") for c in batch.comments])
    hf, bf = is_flood & ~is_bot, is_flood & is_bot
    acc2 = _feat(out, "burst_accounts_2s")
    assert acc2[bf].min() >= 25
    assert np.median(acc2[hf]) < 15
    assert _feat(out, "burst_spread_s")[bf].max() < 0.5
    assert np.median(_feat(out, "burst_spread_s")[hf]) > 1.0
    assert _feat(out, "burst_fresh_share")[bf].min() == 1.0
    assert _feat(out, "burst_fresh_share")[hf].max() == 0.0
    assert _feat(out, "user_first_seen_ago_s")[hf].min() > 50
    assert (_feat(out, "user_first_seen_ago_s")[bf] == 0).all()
    assert (_feat(out, "one_off")[bf] == 1).all() and (_feat(out, "one_off")[hf] == 0).all()
    assert all("burst" in out.evidence[i] for i in np.flatnonzero(bf))


def test_regularly_spaced_flood_has_low_gap_cv(
    detector: MachinePostingDetector, make_batch: BatchFactory
) -> None:
    rows = [("主播好美", 100.0 + 0.5 * i, f"b{i}") for i in range(20)]
    out = detector.detect(make_batch(rows))
    assert (_feat(out, "burst_gap_cv")[3:-3] < 0.05).all()


def test_lockstep_group_found_and_humans_not(
    detector: MachinePostingDetector, make_batch: BatchFactory
) -> None:
    rng = np.random.default_rng(3)
    rows = chatter(rng, 40, 0, 3600, 12)
    moments = rng.uniform(0, 3600, 8)
    lines = ["好看", "买了", "支持", "真不错"]
    for m in moments:
        for b in range(6):
            rows.append((lines[b % 4], float(m + rng.uniform(0, 1.5)), f"lock{b}"))
    batch = make_batch(rows)
    out = detector.detect(batch)
    is_lock = np.array([(c.user_id or "").startswith("lock") for c in batch.comments])
    size = _feat(out, "lockstep_group_size")
    assert (size[is_lock] == 6).all()
    assert (size[~is_lock] == 0).all()
    assert _feat(out, "lockstep_shared")[is_lock].min() >= 3
    groups = {out.evidence[i]["lockstep"]["group"] for i in np.flatnonzero(is_lock)}
    assert len(groups) == 1


def test_cross_room_reuse_and_reset(make_batch: BatchFactory) -> None:
    det = MachinePostingDetector()
    rng = np.random.default_rng(4)
    for k in range(4):
        rows = bot_flood(rng, 10, 100.0 * (k + 1), prefix="pool")
        rows += chatter(rng, 5, 0, 300, 3, prefix=f"room{k}h")
        out = det.detect(make_batch(rows, room_id=f"room{k}"))
    batch = make_batch(rows, room_id="room3")
    pool = np.array([(c.user_id or "").startswith("pool") for c in batch.comments])
    assert (_feat(out, "user_rooms")[pool] == 4).all()
    assert (_feat(out, "user_rooms")[~pool] == 1).all()
    assert (_feat(out, "returning")[pool] == 1).all()
    assert (_feat(out, "burst_cross_room_coposters")[pool] == 9).all()
    det.reset()
    out = det.detect(make_batch(rows, room_id="room9"))
    assert (_feat(out, "user_rooms") == 1).all()


def test_slices_of_one_room_continue_account_stats(
    detector: MachinePostingDetector, make_batch: BatchFactory
) -> None:
    rows = [("已拍", 100.0 + 10.0 * i, "sched") for i in range(10)]
    detector.detect(make_batch(rows[:5]))
    out = detector.detect(make_batch(rows[5:]))
    assert _feat(out, "user_n_room")[0] == 10
    assert _feat(out, "user_iat_n")[0] == 9
    assert _feat(out, "user_iat_cv")[0] == pytest.approx(0.0, abs=1e-6)
    assert _feat(out, "one_off")[0] == 0


@pytest.mark.parametrize(
    ("rows", "checks"),
    [
        (
            [("扣1", None, "u1"), ("扣1", None, "u2")],
            {
                "has_ts": 0.0,
                "burst_accounts_2s": 0.0,
                "user_iat_cv": 1.0,
                "burst_gap_cv": 1.0,
                "lockstep_group_size": 0.0,
            },
        ),
        (
            [("扣1", 10.0, None), ("扣1", 10.5, None), ("扣1", 11.0, None)],
            {
                "has_user": 0.0,
                "user_n_room": 1.0,
                "user_rooms": 1.0,
                "user_iat_cv": 1.0,
                "burst_accounts_2s": 2.0,
                "one_off": 0.0,
            },
        ),
        (
            [("扣1", None, None)],
            {"has_ts": 0.0, "has_user": 0.0, "burst_spread_s": 10.0 / math.sqrt(3.0)},
        ),
    ],
    ids=["no-ts", "no-user", "neither"],
)
def test_missing_data_gets_neutral_values(
    detector: MachinePostingDetector,
    make_batch: BatchFactory,
    rows: list[tuple[str, float | None, str | None]],
    checks: dict[str, float],
) -> None:
    out = detector.detect(make_batch(rows))
    for name, value in checks.items():
        assert np.allclose(_feat(out, name), value), name


def test_account_memory_is_bounded(make_batch: BatchFactory) -> None:
    det = MachinePostingDetector(TimingConfig(max_accounts=50, max_rooms=3))
    for k in range(20):
        det.detect(make_batch([("x", 1.0 + i, f"r{k}u{i}") for i in range(10)], f"r{k}"))
    assert len(det._accounts) == 50
    assert len(det._room_starts._starts) == 3


@pytest.mark.parametrize(
    "kwargs",
    [
        {"short_window_s": 0},
        {"short_window_s": 20.0},
        {"lockstep_jaccard": 1.5},
        {"lockstep_bucket_s": -1},
        {"lockstep_min_moments": 1},
    ],
    ids=["zero-window", "short>long", "jaccard>1", "neg-bucket", "one-moment"],
)
def test_bad_config_rejected(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        TimingConfig(**kwargs)  # type: ignore[arg-type]


_row = st.tuples(
    st.sampled_from(["扣1", "666", "主播好美", "!!", ""]),
    st.one_of(st.none(), st.floats(0, 500)),
    st.one_of(st.none(), st.sampled_from([f"u{i}" for i in range(8)])),
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(_row, max_size=40), seed=st.integers(0, 1000))
def test_features_finite_and_order_invariant(rows, seed) -> None:  # type: ignore[no-untyped-def]
    # distinct timestamps: which of two same-instant comments is "first" is a legit tie
    rows = [(t, None if ts is None else ts + i * 1e-3, u) for i, (t, ts, u) in enumerate(rows)]
    a = MachinePostingDetector().detect(make_room_batch(rows))
    perm = np.random.default_rng(seed).permutation(len(rows))
    shuffled = make_room_batch([rows[i] for i in perm])
    b = MachinePostingDetector().detect(shuffled)
    assert len(a.evidence) == len(rows)
    for name in FEATURE_NAMES:
        assert a.features[name].shape == (len(rows),)
        assert np.isfinite(a.features[name]).all(), name
        # same multiset of values whatever the input order
        assert np.allclose(np.sort(a.features[name]), np.sort(b.features[name])), name
