"""Tests of the per-account detector-evidence maxima (``acct.max_*``)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botcomments.detectors.base import DetectorOutput
from botcomments.fusion.features import (
    ACCOUNT_EVIDENCE_FEATURES,
    ACCOUNT_EVIDENCE_SOURCES,
    FeatureTable,
    account_evidence_features,
    assemble_features,
)
from botcomments.text.normalize import normalize

USERS = ["bot", "fan", "bot", None, None, "fan"]
SIZES = np.array([[12.0], [1.0], [3.0], [7.0], [np.nan], [np.nan]])


def _max_sizes(users: list[str | None], sizes: np.ndarray) -> list[float]:
    table = FeatureTable(("dup.cluster_size",), sizes.astype(np.float32))
    out = account_evidence_features(users, table)
    return out.column("acct.max_dup_cluster_size").astype(np.float64).tolist()


@pytest.mark.parametrize(
    ("users", "sizes", "expected"),
    [
        (USERS, SIZES, [12.0, 1.0, 12.0, 7.0, 0.0, 1.0]),
        (["a"], np.array([[np.nan]]), [0.0]),
        ([None, None], np.array([[4.0], [5.0]]), [4.0, 5.0]),
    ],
    ids=["accounts-guests-nan", "nan-is-no-evidence", "guests-alone"],
)
def test_account_max(users: list[str | None], sizes: np.ndarray, expected: list[float]) -> None:
    assert _max_sizes(users, sizes) == pytest.approx(expected)


def test_absent_detector_gives_nan_columns() -> None:
    out = account_evidence_features(["a"], FeatureTable(("x.y",), np.zeros((1, 1))))
    assert out.names == ACCOUNT_EVIDENCE_FEATURES
    assert np.isnan(out.values).all()


def test_length_mismatch_is_an_error() -> None:
    with pytest.raises(ValueError, match="user ids"):
        account_evidence_features(["a", "b"], FeatureTable(("x.y",), np.zeros((1, 1))))


def test_assemble_adds_evidence_only_with_users() -> None:
    normalized = [normalize(t) for t in ("主播好美", "666")]
    dup = DetectorOutput("dup", {"dup_cluster_size": np.array([2.0, 9.0])}, [{}, {}])
    plain = assemble_features([dup], normalized)
    full = assemble_features([dup], normalized, user_ids=["a", "a"])
    assert not set(ACCOUNT_EVIDENCE_FEATURES) & set(plain.names)
    assert full.column("acct.max_dup_cluster_size").tolist() == [9.0, 9.0]
    assert len(ACCOUNT_EVIDENCE_FEATURES) == len(ACCOUNT_EVIDENCE_SOURCES)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", None]), st.floats(0, 100)),
                min_size=1, max_size=40))
def test_max_bounds_and_is_constant_per_account(rows: list[tuple[str | None, float]]) -> None:
    users = [u for u, _ in rows]
    values = np.array([[v] for _, v in rows])
    got = np.array(_max_sizes(users, values))
    assert (got >= values[:, 0].astype(np.float32) - 1e-3).all()
    for user in {u for u in users if u is not None}:
        mine = got[[u == user for u in users]]
        assert np.allclose(mine, mine.max())
        assert mine.max() == pytest.approx(max(v for u, v in rows if u == user), rel=1e-6)
