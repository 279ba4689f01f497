"""Tests of the named feature table."""

from __future__ import annotations

import numpy as np
import pytest

from botcomments.detectors.base import DetectorOutput
from botcomments.fusion.features import (
    TEXT_SCORE_FEATURE,
    FeatureTable,
    assemble_features,
    feature_name,
    normalizer_feature_names,
)
from botcomments.text.normalize import normalize


@pytest.mark.parametrize(
    ("source", "name", "expected"),
    [("dup", "dup_cluster_size", "dup.cluster_size"), ("timing", "burst", "timing.burst"),
     ("tpl", "dup_x", "tpl.dup_x")],
    ids=["prefixed", "plain", "other-prefix"],
)
def test_feature_name(source: str, name: str, expected: str) -> None:
    assert feature_name(source, name) == expected


def test_assemble_features_names_and_values() -> None:
    normalized = [normalize(t) for t in ("主播好美", "666666")]
    out = DetectorOutput("dup", {"dup_cluster_size": np.array([1.0, 7.0])}, [{}, {}])
    table = assemble_features([out], normalized, np.array([0.1, 0.9]))
    assert table.names[: len(normalizer_feature_names())] == normalizer_feature_names()
    assert table.column("dup.cluster_size").tolist() == [1.0, 7.0]
    assert table.column(TEXT_SCORE_FEATURE)[1] == pytest.approx(0.9)
    assert table.column("norm.max_run")[1] == 6


def test_normalizer_columns_hold_each_texts_features() -> None:
    """Every ``norm.*`` column holds the field of each text's features (collections by
    their length), filled column by column."""
    texts = ["加微信 abc123 ４５６ 𝟏𝟐𝟑 哈哈哈哈哈哈", "", "ｑｑ：３７６５５ 加V：abc", "\u200b好",
             "主播好美", "扣扣 12345678 微信 wx_abc"]
    normalized = [normalize(t) for t in texts]
    table = assemble_features([], normalized, None)
    for name in normalizer_feature_names():
        field = name.removeprefix("norm.")
        values = [getattr(n.features, field) for n in normalized]
        expected = [len(v) if isinstance(v, tuple) else v for v in values]
        assert table.column(name).tolist() == pytest.approx(expected, rel=1e-6), name
    assert max(table.column("norm.masked_contacts")) >= 2  # a collection was counted


def test_wrong_length_feature_rejected() -> None:
    out = DetectorOutput("dup", {"dup_cluster_size": np.array([1.0])}, [{}])
    with pytest.raises(ValueError, match="dup_cluster_size"):
        assemble_features([out], [normalize("a"), normalize("b")])


def test_select_reports_missing_features() -> None:
    t = FeatureTable(("a.x",), np.zeros((2, 1), dtype=np.float32))
    with pytest.raises(KeyError, match=r"b\.y"):
        t.select(["a.x", "b.y"])


def test_concat_requires_same_columns() -> None:
    a = FeatureTable(("a.x",), np.zeros((1, 1), dtype=np.float32))
    b = FeatureTable(("a.y",), np.zeros((1, 1), dtype=np.float32))
    assert len(FeatureTable.concat([a, a])) == 2
    with pytest.raises(ValueError):
        FeatureTable.concat([a, b])
