"""Tests of the posting-pattern features (bought interaction vs organic floods)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botcomments.detectors.base import DetectorOutput
from botcomments.fusion.features import (
    ACCOUNT_EVIDENCE_FEATURES,
    DELAY_WINDOW_S,
    PATTERN_FEATURES,
    FeatureTable,
    assemble_features,
    cluster_delay,
    pattern_features,
    select_features,
)
from botcomments.text.normalize import normalize

NAN = float("nan")


@pytest.mark.parametrize(
    ("codes", "ts", "expected"),
    [
        ([0, 0, 0], [100.0, 101.0, 103.5], [0.0, 1.0, 3.5]),
        ([0, 1, 0, 1], [10.0, 11.0, 12.0, 20.0], [0.0, 0.0, 2.0, 9.0]),
        ([0, 0], [0.0, DELAY_WINDOW_S + 5.0], [0.0, 0.0]),
        ([-1, -1], [5.0, 6.0], [0.0, 0.0]),
        ([0, 0], [NAN, 3.0], [NAN, 0.0]),
        ([0, 0, 0], [50.0, 10.0, 30.0], [20.0, 0.0, 20.0]),
    ],
    ids=["one-burst", "two-clusters", "outside-window", "no-cluster", "unknown-time",
         "unsorted-input"],
)
def test_cluster_delay(codes: list[int], ts: list[float], expected: list[float]) -> None:
    got = cluster_delay(np.array(codes), np.array(ts))
    assert got.tolist() == pytest.approx(expected, nan_ok=True)


@given(st.lists(st.tuples(st.integers(-1, 3), st.floats(0, 5000)), min_size=1, max_size=60))
@settings(max_examples=60, deadline=None)
def test_cluster_delay_bounds(rows: list[tuple[int, float]]) -> None:
    codes = np.array([c for c, _ in rows])
    ts = np.array([t for _, t in rows])
    got = cluster_delay(codes, ts)
    assert ((got >= 0) & (got <= DELAY_WINDOW_S + 1e-6)).all()
    assert (got[codes < 0] == 0).all()
    for i in range(len(rows)):  # brute force: earliest same-cluster comment in the window
        if codes[i] < 0:
            continue
        peers = ts[(codes == codes[i]) & (ts >= ts[i] - DELAY_WINDOW_S) & (ts <= ts[i])]
        assert got[i] == pytest.approx(ts[i] - peers.min(), abs=1e-6)


def _table(sizes: list[float], users: list[float]) -> FeatureTable:
    return FeatureTable(("dup.cluster_size", "dup.cluster_distinct_users"),
                        np.array([sizes, users], dtype=np.float32).T)


def test_pattern_features_tell_copying_accounts_from_chatting_viewers() -> None:
    # "bought": two crowd lines; "viewer": one crowd line + one own line; guest alone.
    users = ["bought", "viewer", "bought", "viewer", None]
    table = _table([20, 20, 15, 1, 4], [12, 12, 9, 1, 3])
    evidence = [{"cluster_id": 1}, {"cluster_id": 1}, {"cluster_id": 2}, {}, {"cluster_id": 3}]
    out = pattern_features(users, [100.0, 104.0, 300.0, 310.0, None], table,
                           [DetectorOutput("dup", {}, evidence)])
    assert out.names == PATTERN_FEATURES
    assert out.column("acct.min_dup_cluster_size").tolist() == [15.0, 1.0, 15.0, 1.0, 4.0]
    assert out.column("acct.share_crowd_lines").tolist() == [1.0, 0.5, 1.0, 0.5, 1.0]
    delay = out.column("dup.cluster_delay_s").astype(np.float64).tolist()
    assert delay == pytest.approx([0.0, 4.0, 0.0, 0.0, NAN], nan_ok=True)


def test_pattern_features_without_dup_detector_are_missing() -> None:
    out = pattern_features(["a"], [1.0], FeatureTable(("x.y",), np.zeros((1, 1))), [])
    assert np.isnan(out.values).all()


def test_pattern_features_length_mismatch() -> None:
    with pytest.raises(ValueError, match="timestamps"):
        pattern_features(["a"], [1.0, 2.0], _table([1], [1]), [])


def test_assemble_adds_patterns_only_with_users_and_times() -> None:
    normalized = [normalize(t) for t in ("扣1", "扣1")]
    dup = DetectorOutput("dup", {"cluster_size": np.array([2.0, 2.0]),
                                 "cluster_distinct_users": np.array([2.0, 2.0])},
                         [{"cluster_id": 0}, {"cluster_id": 0}])
    without = assemble_features([dup], normalized, user_ids=["a", "b"])
    full = assemble_features([dup], normalized, user_ids=["a", "b"], timestamps=[5.0, 6.5])
    assert not set(PATTERN_FEATURES) & set(without.names)
    assert full.column("dup.cluster_delay_s").tolist() == [0.0, 1.5]


@pytest.mark.parametrize(
    ("feature_set", "kept"),
    [
        ("all", ["text.p_bot", "acct.text_max", "acct.text_mean", "acct.max_dup_cluster_size",
                 "dup.cluster_delay_s"]),
        ("pattern", ["text.p_bot", "acct.text_max", "acct.text_mean", "dup.cluster_delay_s"]),
        ("counted", ["text.p_bot", "acct.text_mean", "dup.cluster_delay_s"]),
        ("surprise", ["text.p_bot", "acct.text_mean", "dup.cluster_delay_s"]),
        ("text", ["text.p_bot", "acct.text_max", "acct.text_mean"]),
        ("base", ["text.p_bot"]),
    ],
)
def test_select_features(feature_set: str, kept: list[str]) -> None:
    names = ["text.p_bot", "acct.text_max", "acct.text_mean", "acct.max_dup_cluster_size",
             "dup.cluster_delay_s"]
    assert list(select_features(names, feature_set)) == kept


def test_select_features_unknown_set() -> None:
    with pytest.raises(ValueError, match="choose one of"):
        select_features(["text.p_bot"], "everything")


def test_shipped_combiner_uses_the_default_set() -> None:
    from pathlib import Path

    from botcomments.fusion.learned import LearnedFusion

    shipped = LearnedFusion.load(Path(__file__).resolve().parents[2] / "models" / "default")
    assert set(shipped.feature_names) == set(
        select_features(shipped.feature_names + ACCOUNT_EVIDENCE_FEATURES))
    assert set(PATTERN_FEATURES) <= set(shipped.feature_names)
