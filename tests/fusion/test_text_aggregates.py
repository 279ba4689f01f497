"""Tests of the account- and cluster-level text-score aggregates."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botcomments.detectors.base import DetectorOutput
from botcomments.fusion.features import (
    ACCOUNT_TEXT_FEATURES,
    CLUSTER_TEXT_FEATURES,
    assemble_features,
    group_text_stats,
    text_aggregate_features,
)
from botcomments.text.normalize import normalize

USERS = ["bot", "fan", "bot", None, "bot", "fan"]
SCORES = np.array([0.9, 0.1, 0.7, 0.8, 0.8, 0.6])


def _column(name: str, outputs: list[DetectorOutput] | None = None) -> list[float]:
    table = text_aggregate_features(USERS, SCORES, outputs or [], threshold=0.5)
    return np.round(table.column(name).astype(np.float64), 4).tolist()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("acct.n_comments", [3, 2, 3, 0, 3, 2]),
        ("acct.text_mean", [0.8, 0.35, 0.8, 0.8, 0.8, 0.35]),
        ("acct.text_max", [0.9, 0.6, 0.9, 0.8, 0.9, 0.6]),
        ("acct.text_share_above", [1.0, 0.5, 1.0, 1.0, 1.0, 0.5]),
    ],
    ids=["count", "mean", "max", "share-above"],
)
def test_account_aggregates_on_handmade_room(name: str, expected: list[float]) -> None:
    assert _column(name) == pytest.approx(expected)


def test_leave_one_out_mean_and_guest_is_neutral() -> None:
    others = _column("acct.text_mean_others")
    assert others[0] == pytest.approx(0.75)  # bot's other lines: 0.7, 0.8
    assert others[1] == pytest.approx(0.6) and others[5] == pytest.approx(0.1)
    assert np.isnan(others[3])  # guest: no account evidence


def test_no_user_ids_at_all_gives_own_scores() -> None:
    table = text_aggregate_features([None, None], np.array([0.2, 0.9]))
    assert table.column("acct.n_comments").tolist() == [0.0, 0.0]
    assert table.column("acct.text_mean").tolist() == pytest.approx([0.2, 0.9])
    assert np.isnan(table.column("acct.text_mean_others")).all()
    assert table.column("cluster.dup_text_mean").tolist() == pytest.approx([0.2, 0.9])


def test_cluster_means_follow_detector_evidence() -> None:
    dup = DetectorOutput("dup", {}, [{"cluster_id": 5}, {}, {"cluster_id": 5}, {}, {}, {}])
    tpl = DetectorOutput("tpl", {}, [{}, {"template_id": 1}, {}, {}, {}, {"template_id": 1}])
    assert _column("cluster.dup_text_mean", [dup, tpl]) == pytest.approx(
        [0.8, 0.1, 0.8, 0.8, 0.8, 0.6])
    assert _column("cluster.tpl_text_mean", [dup, tpl]) == pytest.approx(
        [0.9, 0.35, 0.7, 0.8, 0.8, 0.35])


def test_length_mismatch_is_an_error() -> None:
    with pytest.raises(ValueError, match="user ids"):
        text_aggregate_features(["a"], np.array([0.1, 0.2]))


def test_assemble_adds_aggregates_only_with_users_and_scores() -> None:
    normalized = [normalize(t) for t in ("主播好美", "666")]
    scores = np.array([0.1, 0.9])
    plain = assemble_features([], normalized, scores)
    full = assemble_features([], normalized, scores, user_ids=["a", "a"])
    assert not set(ACCOUNT_TEXT_FEATURES) & set(plain.names)
    agg = ACCOUNT_TEXT_FEATURES + CLUSTER_TEXT_FEATURES
    start = full.names.index(agg[0])
    assert full.names[start:start + len(agg)] == agg
    assert full.column("acct.text_mean").tolist() == pytest.approx([0.5, 0.5])
    assert "acct.n_comments" not in assemble_features([], normalized, None, ["a", "a"]).names


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-1, 4), st.floats(0, 1)), min_size=1, max_size=40))
def test_group_stats_properties(rows: list[tuple[int, float]]) -> None:
    codes = np.array([c for c, _ in rows], dtype=np.int64)
    scores = np.array([s for _, s in rows])
    stats = group_text_stats(codes, scores, 0.5)
    assert np.all(stats.mean <= stats.max + 1e-12) and np.all(stats.max >= scores - 1e-12)
    assert np.all((stats.share_above >= 0) & (stats.share_above <= 1))
    for code in set(codes.tolist()) - {-1}:
        members = codes == code
        assert np.allclose(stats.mean[members], scores[members].mean())
        assert np.all(stats.count[members] == members.sum())
    # the leave-one-out mean and the own score recombine to the group mean
    ok = ~np.isnan(stats.mean_others)
    rebuilt = (stats.mean_others[ok] * (stats.count[ok] - 1) + scores[ok]) / stats.count[ok]
    assert np.allclose(rebuilt, stats.mean[ok])
