"""The account's highest text score made independent of its number of lines."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botcomments.fusion.features import (
    FEATURE_SETS,
    TEXT_MAX_SURPRISE,
    FeatureTable,
    select_features,
)
from botcomments.fusion.learned import LearnedFusion
from botcomments.fusion.surprise import GenuineTextTail
from botcomments_training.fitting.combiner_training import TrainingTable, fit_with_rates

UNIFORM = GenuineTextTail.fit(np.linspace(0.0, 1.0, 10_001))


def test_one_line_surprise_is_minus_log_tail() -> None:
    # 1,001 of 10,001 uniform scores are >= 0.9: tail 0.1, surprise 1.
    assert UNIFORM.surprise(np.array([0.9]), np.array([1.0]))[0] == pytest.approx(1.0, abs=0.01)


def test_the_same_high_score_surprises_less_among_more_lines() -> None:
    n = np.array([0.0, 1.0, 4.0, 81.0])
    s = UNIFORM.surprise(np.full(4, 0.99), n)
    assert s[0] == s[1]  # a guest counts as one line
    assert s[1] > s[2] > s[3] > 0.0
    # P(max of 81 >= 0.99) = 1 - 0.99**81 = 0.557
    assert s[3] == pytest.approx(-np.log10(1 - 0.99**81), abs=0.01)


def test_scores_beyond_the_measured_lines_are_floored() -> None:
    tail = GenuineTextTail.fit(np.array([0.1, 0.2, 0.3, 0.4]))
    assert tail.log_tail(np.array([0.95]))[0] == pytest.approx(-np.log10(4))
    assert tail.log_tail(np.array([0.0]))[0] == 0.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=300))
def test_tail_knots_are_ordered_and_surprise_is_monotone(scores: list[float]) -> None:
    tail = GenuineTextTail.fit(np.array(scores))
    assert np.all(np.diff(tail.scores) > 0) and np.all(np.diff(tail.log_tails) <= 0)
    grid = np.linspace(0.0, 1.0, 101)
    one = tail.surprise(grid, np.ones_like(grid))
    assert np.all(np.diff(one) >= -1e-12) and np.all(one >= 0.0)
    assert np.all(tail.surprise(grid, np.full_like(grid, 10.0)) <= one + 1e-12)


def test_fit_refuses_empty_or_nan() -> None:
    with pytest.raises(ValueError, match="finite"):
        GenuineTextTail.fit(np.array([]))
    with pytest.raises(ValueError, match="finite"):
        GenuineTextTail.fit(np.array([0.2, np.nan]))


def test_extend_adds_the_column_once_and_needs_its_inputs() -> None:
    table = FeatureTable(("acct.text_max", "acct.n_comments"),
                         np.array([[0.99, 1.0], [0.99, 81.0]], dtype=np.float32))
    once = UNIFORM.extend(table)
    assert once.names[-1] == TEXT_MAX_SURPRISE
    assert once.column(TEXT_MAX_SURPRISE)[0] > once.column(TEXT_MAX_SURPRISE)[1]
    assert UNIFORM.extend(once) is once
    with pytest.raises(KeyError, match=r"acct\.n_comments"):
        UNIFORM.extend(FeatureTable(("acct.text_max",), np.zeros((1, 1), np.float32)))


def test_only_the_surprise_set_selects_it() -> None:
    names = ("text.p_bot", "acct.text_max", "acct.n_comments")
    for name in FEATURE_SETS:
        chosen = select_features(names, name)
        assert (TEXT_MAX_SURPRISE in chosen) == (name == "surprise"), name
    assert "acct.text_max" not in select_features(names, "surprise")
    assert TEXT_MAX_SURPRISE not in select_features(("text.p_bot",), "surprise")


def _accounts_table() -> TrainingTable:
    """Bots post one high-scoring line among few; genuine regulars have many lines."""
    rng = np.random.default_rng(3)
    rows, labels, rooms, personas = [], [], [], []
    for room in range(40):
        for account in range(30):
            bot = account < 6
            n = int(rng.integers(2, 6)) if bot else int(rng.integers(1, 90))
            scores = rng.beta(0.4, 6.0, n)
            if bot:
                scores[0] = rng.uniform(0.8, 1.0)
            for s in scores:
                rows.append([s, scores.max(), n])
                labels.append(int(bot))
                rooms.append(f"r{room}")
                personas.append("bot" if bot else "genuine_real")
    table = FeatureTable(("text.p_bot", "acct.text_max", "acct.n_comments"),
                         np.asarray(rows, dtype=np.float32))
    n_rows = len(labels)
    return TrainingTable(table, np.asarray(labels), np.asarray(rooms), np.asarray(personas),
                         np.array([f"u{i}" for i in range(n_rows)], dtype=object))


def test_fitted_combiner_stores_the_tail_and_scores_the_same_after_a_round_trip() -> None:
    data = _accounts_table()
    features = select_features(data.features.names, "surprise")
    fusion, _ = fit_with_rates(data, kind="logistic", features=features,
                               cap_personas=("genuine_real",))
    assert fusion.text_tail is not None and TEXT_MAX_SURPRISE in fusion.feature_names
    genuine = data.features.column("text.p_bot")[data.labels == 0]
    assert fusion.text_tail.lines == len(genuine)
    again = LearnedFusion.from_json(fusion.to_json())
    assert again.text_tail == fusion.text_tail
    np.testing.assert_array_equal(again.predict_proba(data.features),
                                  fusion.predict_proba(data.features))
    extended = fusion.text_tail.extend(data.features)
    np.testing.assert_allclose(fusion.model_inputs(data.features),
                               extended.select(fusion.feature_names))
    first, _ = fit_with_rates(data, kind="logistic", features=features[::-1])
    assert first.feature_names[0] == TEXT_MAX_SURPRISE and first.text_tail is not None
    np.testing.assert_allclose(first.model_inputs(data.features),
                               first.text_tail.extend(data.features).select(first.feature_names))
    assert "genuine_text_tail" not in LearnedFusion.from_json(
        {**fusion.to_json(), "genuine_text_tail": None}).to_json()


def test_surprise_separates_filler_lines_of_bots_from_prolific_viewers() -> None:
    data = _accounts_table()
    tail = GenuineTextTail.fit(data.features.column("text.p_bot")[data.labels == 0])
    surprise = tail.extend(data.features).column(TEXT_MAX_SURPRISE)
    filler = (data.labels == 1) & (data.features.column("text.p_bot") < 0.5)
    regular = (data.labels == 0) & (data.features.column("acct.n_comments") > 40)
    assert np.median(surprise[filler]) > np.percentile(surprise[regular], 95)
