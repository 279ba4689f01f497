"""Tests of the learned JSON combiner."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.ensemble import GradientBoostingClassifier

from botcomments.detectors.base import FLAGS
from botcomments.fusion.features import FeatureTable
from botcomments.fusion.learned import FUSION_FILE, LearnedFusion
from botcomments_training.fitting.combiner import (
    fit_calibrator,
    fit_learned_fusion,
    fit_model,
    fit_preprocessor,
    room_split,
)


@pytest.mark.parametrize("kind", ["logistic", "gbdt"])
@pytest.mark.parametrize("calibration", ["isotonic", "platt", "none"])
def test_save_load_round_trip_gives_identical_scores(
    tmp_path: Path, labeled_table: tuple, kind: str, calibration: str
) -> None:
    table, y, groups = labeled_table
    fusion, _ = fit_learned_fusion(table, y, groups, kind=kind, calibration=calibration)
    fusion.save(tmp_path)
    assert (tmp_path / FUSION_FILE).is_file()
    loaded = LearnedFusion.load(tmp_path)
    np.testing.assert_array_equal(fusion.predict_proba(table), loaded.predict_proba(table))
    assert loaded.threshold == fusion.threshold


def test_fusion_file_is_plain_json(tmp_path: Path, labeled_table: tuple) -> None:
    table, y, groups = labeled_table
    fusion, _ = fit_learned_fusion(table, y, groups, kind="gbdt")
    doc = json.loads(fusion.save(tmp_path).read_text(encoding="utf-8"))
    assert doc["kind"] == "gbdt" and len(doc["trees"]) == 150
    assert doc["feature_names"] == list(table.names)


def test_numpy_trees_match_sklearn(labeled_table: tuple) -> None:
    table, y, _ = labeled_table
    z = fit_preprocessor(table.values).transform(table.values)
    params = fit_model("gbdt", z, y, seed=3)
    gb = GradientBoostingClassifier(
        n_estimators=150, max_depth=3, learning_rate=0.1, subsample=0.8, random_state=3
    ).fit(z, y)
    raw = np.full(len(z), params["intercept"])
    for tree in params["trees"]:
        raw += params["learning_rate"] * tree.predict(z.astype(np.float32))
    np.testing.assert_allclose(raw, gb.decision_function(z), rtol=1e-9, atol=1e-9)


def test_gbdt_learns_nonlinear_signal_and_is_calibrated(labeled_table: tuple) -> None:
    table, y, groups = labeled_table
    _, report = fit_learned_fusion(table, y, groups, kind="gbdt")
    assert report["metrics"]["roc_auc"] > 0.9
    p = report["validation_scores"]
    assert abs(p.mean() - report["validation_labels"].mean()) < 0.05
    assert report["metrics"]["brier"] < 0.12


def test_room_split_keeps_rooms_on_one_side() -> None:
    groups = np.repeat(np.arange(20), 7)
    split = room_split(groups, seed=1)
    sides = [set(groups[s]) for s in (split.fit, split.calibrate, split.validate)]
    assert not (sides[0] & sides[1]) and not (sides[0] & sides[2]) and not (sides[1] & sides[2])
    assert sum(len(s) for s in (split.fit, split.calibrate, split.validate)) == len(groups)


def test_missing_feature_error_names_it(labeled_table: tuple) -> None:
    table, y, groups = labeled_table
    fusion, _ = fit_learned_fusion(table, y, groups)
    smaller = FeatureTable(table.names[:3], table.values[:, :3])
    with pytest.raises(KeyError, match=r"text\.p_bot"):
        fusion.predict_proba(smaller)


def test_empty_table_gives_empty_scores(labeled_table: tuple) -> None:
    table, y, groups = labeled_table
    fusion, _ = fit_learned_fusion(table, y, groups)
    empty = FeatureTable(table.names, np.zeros((0, 4), dtype=np.float32))
    assert fusion.predict_proba(empty).shape == (0,)


@pytest.mark.parametrize(
    "labels",
    [np.zeros(100, dtype=int), np.full(100, 2)],
    ids=["single-class", "not-binary"],
)
def test_bad_labels_rejected(labels: np.ndarray) -> None:
    table = FeatureTable(("a.x",), np.zeros((100, 1), dtype=np.float32))
    with pytest.raises(ValueError, match="0/1"):
        fit_learned_fusion(table, labels, np.arange(100) // 10)


def test_unknown_format_rejected_with_fix() -> None:
    with pytest.raises(ValueError, match="train-fusion"):
        LearnedFusion.from_json({"format": 99, "kind": "logistic"})


def test_missing_file_says_how_to_train(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="train-fusion"):
        LearnedFusion.load(tmp_path)


def test_isotonic_calibrator_is_monotone() -> None:
    rng = np.random.default_rng(0)
    p = rng.random(500)
    y = (rng.random(500) < p).astype(int)
    cal = fit_calibrator("isotonic", p, y)
    out = cal(np.linspace(0, 1, 50))
    assert np.all(np.diff(out) >= 0) and out.min() >= 0 and out.max() <= 1


@pytest.mark.parametrize("kind", ["logistic", "gbdt"])
def test_credits_add_up_to_the_raw_log_odds(labeled_table: tuple, kind: str) -> None:
    table, y, groups = labeled_table
    fusion, _ = fit_learned_fusion(table, y, groups, kind=kind)
    x = table.select(fusion.feature_names)[:200]
    z = fusion.preprocessor.transform(x)
    raw = np.log(fusion.raw_proba(x) / (1 - fusion.raw_proba(x)))
    if kind == "logistic":
        base = np.full(len(x), fusion.intercept)
    else:
        root = sum(float(t.value[0]) for t in fusion.trees) * fusion.learning_rate
        base = np.full(len(x), fusion.intercept + root)
    np.testing.assert_allclose(fusion.credits(x).sum(axis=1) + base, raw, atol=1e-6)
    assert z.shape == x.shape


def test_reasons_name_the_flag_of_the_strongest_features(labeled_table: tuple) -> None:
    table, y, groups = labeled_table
    fusion, _ = fit_learned_fusion(table, y, groups, kind="gbdt")
    rows = np.flatnonzero(fusion.predict_proba(table) >= fusion.threshold)[:50]
    reasons = fusion.reasons(table, rows)
    assert len(reasons) == len(rows) > 0
    # the label depends on dup.a and dup.b, so near-duplicate evidence explains most rows
    assert sum(r.flag == "near_duplicate" for r in reasons) > 0.8 * len(rows)
    for r in reasons:
        assert r.flag in FLAGS and r.evidence["source"] == "combiner"
        assert set(r.evidence["features"]) <= set(fusion.feature_names)
    assert fusion.reasons(table, np.zeros(0, dtype=np.int64)) == []


def test_a_lines_form_never_names_the_reason() -> None:
    """Length features can drive a score, but a one-character chant is not spam content:
    where the form outweighs the behaviour, the reason is still the behaviour group."""
    rng = np.random.default_rng(3)
    n = 2000
    length = rng.integers(1, 30, size=n).astype(np.float32)
    burst = rng.normal(size=n).astype(np.float32)
    y = ((length <= 2).astype(float) * 2 + burst + rng.normal(scale=0.3, size=n) > 1.5)
    table = FeatureTable(("norm.orig_length", "timing.burst"), np.stack([length, burst], 1))
    fusion, _ = fit_learned_fusion(table, y.astype(int), np.repeat(np.arange(40), n // 40),
                                   kind="gbdt")
    flagged = np.flatnonzero(fusion.predict_proba(table) >= fusion.threshold)
    credit = fusion.credits(table.select(fusion.feature_names)[flagged])
    form, behaviour = (fusion.feature_names.index(f) for f in ("norm.orig_length",
                                                               "timing.burst"))
    rows = flagged[credit[:, form] > credit[:, behaviour]]
    assert len(rows) >= 10  # rows whose score the line's form drove more than the burst
    reasons = fusion.reasons(table, rows)
    assert {r.flag for r in reasons} == {"machine_posted"}
    assert all(set(r.evidence["features"]) == {"timing.burst"} for r in reasons)


def test_stacked_trees_give_bit_identical_scores(labeled_table: tuple) -> None:
    from botcomments.ml import TreeStack, boosted_log_odds

    table, y, groups = labeled_table
    fusion, _ = fit_learned_fusion(table, y, groups, kind="gbdt")
    z = fusion.preprocessor.transform(table.select(fusion.feature_names)).astype(np.float32)
    one_by_one = np.full(len(z), fusion.intercept)
    for tree in fusion.trees:
        one_by_one += fusion.learning_rate * tree.predict(z)
    stacked = boosted_log_odds(TreeStack.of(fusion.trees), z, fusion.learning_rate,
                               fusion.intercept)
    np.testing.assert_array_equal(stacked, one_by_one)
    assert boosted_log_odds([], z[:3], 0.1, 0.5).tolist() == [0.5] * 3


def test_repeated_rows_score_as_each_row_alone(labeled_table: tuple) -> None:
    """Bit-identical rows walk the trees once; each still gets its own row's score."""
    from botcomments.ml import TreeStack, boosted_log_odds

    table, y, groups = labeled_table
    fusion, _ = fit_learned_fusion(table, y, groups, kind="gbdt")
    z = fusion.preprocessor.transform(table.select(fusion.feature_names)).astype(np.float32)
    stack = TreeStack.of(fusion.trees)
    picks = np.random.default_rng(3).integers(0, 5, 60)  # rows 0-4, each many times
    repeated = boosted_log_odds(stack, z[picks], fusion.learning_rate, fusion.intercept)
    alone = [boosted_log_odds(stack, z[k:k + 1], fusion.learning_rate, fusion.intercept)[0]
             for k in picks.tolist()]
    assert repeated.tolist() == alone


def test_leaf_walk_in_row_blocks_changes_nothing(labeled_table: tuple,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows walked in small blocks (bounded memory) give the same leaves as all at once."""
    import botcomments.ml as ml

    table, y, groups = labeled_table
    fusion, _ = fit_learned_fusion(table, y, groups, kind="gbdt")
    z = fusion.preprocessor.transform(table.select(fusion.feature_names)).astype(np.float32)
    stack = ml.TreeStack.of(fusion.trees)
    whole = stack.leaf_values(z)
    odds = ml.boosted_log_odds(stack, z, fusion.learning_rate, fusion.intercept)
    monkeypatch.setattr(ml, "LEAF_WALK_CELLS", 7 * len(fusion.trees))  # blocks of 7 rows
    assert len(z) > 7
    np.testing.assert_array_equal(stack.leaf_values(z), whole)
    np.testing.assert_array_equal(
        ml.boosted_log_odds(stack, z, fusion.learning_rate, fusion.intercept), odds)


def test_stacked_credits_equal_tree_by_tree_credits(labeled_table: tuple,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """All trees walked at once credit the same features as one tree at a time."""
    import botcomments.ml as ml

    table, y, groups = labeled_table
    fusion, _ = fit_learned_fusion(table, y, groups, kind="gbdt")
    z = fusion.preprocessor.transform(table.select(fusion.feature_names)).astype(np.float32)
    one_by_one = np.zeros(z.shape)
    for tree in fusion.trees:
        one_by_one += fusion.learning_rate * tree.contributions(z)
    assert np.abs(one_by_one).sum() > 0
    stacked = ml.boosted_contributions(ml.TreeStack.of(fusion.trees), z, fusion.learning_rate)
    np.testing.assert_allclose(stacked, one_by_one, rtol=0, atol=1e-12)
    monkeypatch.setattr(ml, "LEAF_WALK_CELLS", 5 * len(fusion.trees))  # blocks of 5 rows
    blocked = ml.boosted_contributions(fusion.trees, z, fusion.learning_rate)
    np.testing.assert_allclose(blocked, one_by_one, rtol=0, atol=1e-12)


@pytest.mark.parametrize("heap_max_depth", [12, 1])  # heap layout; node arrays (too deep)
def test_stacked_leaf_walk_matches_each_tree_on_uneven_trees_and_nan(
        heap_max_depth: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stacked trees of different depths (a stump, a lone leaf, a lopsided chain) give
    each tree's own leaves, NaN going right as in ``TreeArrays.predict``, in both walks."""
    import botcomments.ml as ml
    from botcomments.ml import TreeArrays, TreeStack

    monkeypatch.setattr(ml, "HEAP_MAX_DEPTH", heap_max_depth)

    def tree(left: list[int], right: list[int], feature: list[int], threshold: list[float],
             value: list[float]) -> TreeArrays:
        return TreeArrays(np.array(left), np.array(right), np.array(feature),
                          np.array(threshold), np.array(value))

    trees = [
        tree([-1], [-1], [0], [0.0], [0.25]),                       # a lone leaf
        tree([1, -1, -1], [2, -1, -1], [1, 0, 0], [0.5, 0, 0], [0, -1.0, 1.0]),
        tree([1, -1, 3, -1, -1], [2, -1, 4, -1, -1], [0, 0, 2, 0, 0],   # right-deep chain
             [0.0, 0, -0.5, 0, 0], [0, 2.0, 0, 3.0, 4.0]),
    ]
    rng = np.random.default_rng(3)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    x[rng.random(x.shape) < 0.2] = np.nan
    stack = TreeStack.of(trees)
    leaves = stack.leaf_values(x)
    assert (stack._heap is None) == (heap_max_depth == 1)
    for i, t in enumerate(trees):
        np.testing.assert_array_equal(leaves[:, i], t.predict(x))
    assert set(np.unique(leaves[:, 2])) == {2.0, 3.0, 4.0}


def test_heap_walk_compares_float32_inputs_as_float64_thresholds() -> None:
    """Thresholds no float32 equals (0.1, beyond float32's range) split float32 inputs at
    the float32 next to them exactly as the float64 comparison does."""
    from botcomments.ml import TreeArrays, TreeStack

    trees = [TreeArrays(np.array([1, -1, -1]), np.array([2, -1, -1]), np.array([0, 0, 0]),
                        np.array([t, 0.0, 0.0]), np.array([0.0, -1.0, 1.0]))
             for t in (0.1, -0.1, 1e39, -1e39, 3.0)]
    edges = np.array([0.1, -0.1, 3.0, 0.0, np.inf, -np.inf, np.nan], dtype=np.float32)
    x = np.concatenate([edges, np.nextafter(edges, np.float32(np.inf)),
                        np.nextafter(edges, np.float32(-np.inf))])[:, None]
    stack = TreeStack.of(trees)
    assert stack._heap is not None
    leaves = stack.leaf_values(x)
    for i, t in enumerate(trees):
        np.testing.assert_array_equal(leaves[:, i], t.predict(x))
    assert (leaves[:, 0] == 1.0).sum() > 0 and (leaves[:, 0] == -1.0).sum() > 0
