"""choose_threshold: the one threshold picker (genuine-share cap, best F1 under a cap,
precision target)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import f1_score, precision_recall_curve

from botcomments.thresholds import F1_GRID, NO_THRESHOLD, choose_threshold

scores = st.lists(st.sampled_from([round(0.05 * i, 2) for i in range(21)]), min_size=2,
                  max_size=60)


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=60), st.floats(0.0, 0.5))
def test_genuine_share_never_exceeds_cap(human: list[float], cap: float) -> None:
    t = choose_threshold(human, max_genuine_share=cap)
    assert (np.array(human) >= t).mean() <= cap + 1e-12


@pytest.mark.parametrize(
    ("human", "cap", "expected_flagged"),
    [
        pytest.param([0.1, 0.2, 0.3, 0.4], 0.0, 0, id="no-false-positive"),
        pytest.param([0.1, 0.2, 0.3, 0.4], 0.25, 1, id="one-of-four"),
        pytest.param([0.5, 0.5, 0.5, 0.1], 0.5, 0, id="ties-stay-below-cap"),
    ],
)
def test_genuine_share_table(human: list[float], cap: float, expected_flagged: int) -> None:
    t = choose_threshold(human, max_genuine_share=cap)
    assert int((np.array(human) >= t).sum()) == expected_flagged


def test_genuine_share_reads_only_genuine_rows() -> None:
    s, y = np.array([0.9, 0.95, 0.1, 0.2]), np.array([1, 1, 0, 0])
    assert choose_threshold(s, y, max_genuine_share=0.0) == choose_threshold(
        [0.1, 0.2], max_genuine_share=0.0
    )


@settings(max_examples=100, deadline=None)
@given(scores, st.data(), st.sampled_from([0.5, 0.8, 0.9, 1.0]))
def test_precision_matches_the_precision_recall_curve(
    s: list[float], data: st.DataObject, target: float
) -> None:
    y = np.array(data.draw(st.lists(st.integers(0, 1), min_size=len(s), max_size=len(s))))
    got = choose_threshold(s, y, objective="precision", precision=target)
    if y.sum() in (0, len(y)):
        assert got == NO_THRESHOLD
        return
    prec, _, thr = precision_recall_curve(y, np.array(s))
    ok = np.nonzero(prec[:-1] >= target)[0]
    assert got == (float(thr[ok[0]]) if len(ok) else NO_THRESHOLD)


@settings(max_examples=100, deadline=None)
@given(scores, st.data(), st.sampled_from([None, 0.0, 0.1, 0.3]))
def test_f1_is_the_best_grid_point_under_the_cap(
    s: list[float], data: st.DataObject, cap: float | None
) -> None:
    y = np.array(data.draw(st.lists(st.integers(0, 1), min_size=len(s), max_size=len(s))))
    p = np.array(s)
    got = choose_threshold(p, y, objective="f1", max_genuine_share=cap)
    neg = p[y == 0]
    fpr = np.array([(neg >= t).mean() if len(neg) else 0.0 for t in F1_GRID])
    ok = fpr <= cap if cap is not None else np.ones(len(F1_GRID), dtype=bool)
    if not ok.any():
        assert got == F1_GRID[-1]
        return
    f1 = np.array([f1_score(y, p >= t, zero_division=0) for t in F1_GRID])
    f1[~ok] = -1
    assert got == pytest.approx(F1_GRID[int(np.argmax(f1))])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"objective": "genuine_share"}, "needs max_genuine_share"),
        ({"objective": "precision"}, "needs precision"),
        ({"objective": "auc"}, "unknown objective"),
        ({"labels": [0], "max_genuine_share": 0.1}, "2 scores but 1 labels"),
    ],
)
def test_bad_arguments_say_what_is_missing(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        choose_threshold([0.1, 0.2], **kwargs)


def test_no_genuine_rows() -> None:
    with pytest.raises(ValueError, match="no genuine rows"):
        choose_threshold([0.9], [1], max_genuine_share=0.1)
