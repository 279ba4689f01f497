"""Tests of the rule-only combiner."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from botcomments.detectors.base import FLAGS
from botcomments.fusion.features import FeatureTable
from botcomments.fusion.rules import Rule, RuleFusion, Term


def _fusion() -> RuleFusion:
    return RuleFusion((
        Rule("near_duplicate", 0.9, (Term("dup.size", 5.0, 1.0),), "dup", "flood"),
        Rule("spam_content", 0.95, (Term("norm.masked", 0.5, 0.1),), "norm", "contact"),
        Rule("machine_posted", 0.8, (Term("timing.cv", 0.2, -0.05, missing=0.0),), "timing"),
    ))


def _table(rows: list[list[float]]) -> FeatureTable:
    return FeatureTable(("dup.size", "norm.masked", "timing.cv"),
                        np.array(rows, dtype=np.float32))


@pytest.mark.parametrize(
    ("row", "expected_flags"),
    [
        ([1, 0, 1.0], []),
        ([30, 0, 1.0], ["near_duplicate"]),
        ([1, 1, 1.0], ["spam_content"]),
        ([1, 0, 0.01], ["machine_posted"]),
        ([1, 0, np.nan], []),
        ([30, 2, 0.01], ["spam_content", "near_duplicate", "machine_posted"]),
    ],
    ids=["clean", "flood", "contact", "clockwork", "no-timestamp", "everything"],
)
def test_rules_fire_and_name_flags(row: list[float], expected_flags: list[str]) -> None:
    fusion = _fusion()
    strengths = fusion.strengths(_table([row]))
    fired = [fusion.rules[i].flag for i in fusion.flags(strengths)[0]]
    assert fired == expected_flags
    p = fusion.predict_proba(_table([row]))[0]
    assert (p >= 0.5) == bool(expected_flags)


def test_json_round_trip(tmp_path: Path) -> None:
    fusion = _fusion()
    loaded = RuleFusion.load(fusion.save(tmp_path / "rules.json"))
    t = _table([[1, 0, 1.0], [30, 1, 0.01]])
    np.testing.assert_array_equal(fusion.predict_proba(t), loaded.predict_proba(t))
    assert loaded.rules == fusion.rules


@given(st.lists(st.tuples(st.floats(0, 1e6), st.floats(0, 10), st.floats(0, 5)),
                min_size=1, max_size=20))
def test_scores_are_probabilities(rows: list[tuple[float, float, float]]) -> None:
    p = _fusion().predict_proba(_table([list(r) for r in rows]))
    assert np.all((p >= 0) & (p <= 1))


def test_more_evidence_never_lowers_the_score() -> None:
    fusion = _fusion()
    p = fusion.predict_proba(_table([[3, 0, 1.0], [10, 0, 1.0], [10, 1, 1.0]]))
    assert p[0] <= p[1] <= p[2]


@pytest.mark.parametrize(
    "bad",
    [
        lambda: Rule("not_a_flag", 0.5, (Term("a.b", 0, 1),), "dup"),
        lambda: Rule("templated", 1.5, (Term("a.b", 0, 1),), "tpl"),
        lambda: Rule("templated", 0.5, (), "tpl"),
        lambda: Term("a.b", 0, 0),
    ],
    ids=["unknown-flag", "weight>1", "no-terms", "zero-width"],
)
def test_bad_rules_rejected(bad) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        bad()


def test_shipped_rules_load_and_use_known_flags() -> None:
    fusion = RuleFusion.default()
    assert fusion.rules
    assert {r.flag for r in fusion.rules} <= set(FLAGS)
    assert 0 < fusion.threshold < 1
