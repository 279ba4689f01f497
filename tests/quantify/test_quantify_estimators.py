"""Tests of the prevalence estimators, rates and room authenticity."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botcomments.quantify import (
    ClassifierRates,
    adjust,
    estimate_authenticity,
    measure_rates,
    summarize_rooms,
)
from tests.helpers.quantify_synth import SyntheticClassifier


@pytest.mark.parametrize("share", [0.05, 0.5, 0.9], ids=["few-bots", "half", "most-bots"])
def test_acc_pacc_unbiased_where_cc_biased(
    clf: SyntheticClassifier, rates: ClassifierRates, share: float
) -> None:
    rng = np.random.default_rng(int(share * 100))
    errs: dict[str, list[float]] = {"cc": [], "acc": [], "pcc": [], "pacc": []}
    for _ in range(30):
        room = clf.room(rng, share)
        est = estimate_authenticity(room.probs, users=room.users, rates=rates, n_boot=1)
        for name in errs:
            errs[name].append(est.estimates[name] - room.true_bot_share)
    bias = {k: float(np.mean(v)) for k, v in errs.items()}
    assert abs(bias["acc"]) < 0.03, bias
    assert abs(bias["pacc"]) < 0.03, bias
    if share != 0.5:  # at the validation prior CC happens to be unbiased
        assert abs(bias["cc"]) > 0.08, bias
        assert abs(bias["pcc"]) > 0.08, bias


def test_ci_covers_truth_in_repeated_rooms(
    clf: SyntheticClassifier, rates: ClassifierRates
) -> None:
    rng = np.random.default_rng(7)
    hits_c, hits_u, errs = 0, 0, []
    n_rooms = 60
    for _ in range(n_rooms):
        room = clf.room(rng, float(rng.uniform(0, 0.95)))
        est = estimate_authenticity(room.probs, users=room.users, rates=rates, n_boot=300)
        lo, hi = est.authenticity_ci
        hits_c += lo - 1e-9 <= 1 - room.true_bot_share <= hi + 1e-9
        ulo, uhi = est.genuine_user_ci
        hits_u += ulo - 1e-9 <= 1 - room.true_bot_user_share <= uhi + 1e-9
        errs.append(abs(est.authenticity_ratio - (1 - room.true_bot_share)))
    assert hits_c / n_rooms >= 0.9
    assert hits_u / n_rooms >= 0.9
    assert np.mean(errs) <= 0.05


def test_default_estimator_and_json(clf: SyntheticClassifier, rates: ClassifierRates) -> None:
    room = clf.room(np.random.default_rng(1), 0.3)
    est = estimate_authenticity(room.probs, users=room.users, ts=room.ts, rates=rates)
    assert est.estimator == "pacc"
    doc = json.loads(json.dumps(est.to_dict()))
    assert doc["authenticity_ci"][0] <= doc["authenticity_ratio"] <= doc["authenticity_ci"][1]
    assert est.n_users == len(np.unique(room.users))


def test_timeline_counts_per_minute(clf: SyntheticClassifier, rates: ClassifierRates) -> None:
    room = clf.room(np.random.default_rng(2), 0.4)
    ts = room.ts.astype(object)
    ts[:5] = None
    est = estimate_authenticity(room.probs, users=room.users, ts=ts, rates=rates, n_boot=10)
    assert est.n_untimed == 5
    assert sum(r["n"] for r in est.timeline) == len(room.probs) - 5
    minutes = [r["minute"] for r in est.timeline]
    assert minutes == sorted(minutes) and len(set(minutes)) == len(minutes)
    for r in est.timeline:
        assert 0.0 <= r["genuine_share"] <= 1.0


@pytest.mark.parametrize(
    ("kwargs", "estimator"),
    [
        ({"use_rates": True, "use_probs": True}, "pacc"),
        ({"use_rates": True, "use_probs": False}, "acc"),
        ({"use_rates": False, "use_probs": True}, "pcc (no rates: uncorrected)"),
        ({"use_rates": False, "use_probs": False}, "cc (no rates: uncorrected)"),
    ],
    ids=["probs+rates", "decisions+rates", "probs-only", "decisions-only"],
)
def test_auto_estimator_choice(
    clf: SyntheticClassifier, rates: ClassifierRates, kwargs: dict[str, bool], estimator: str
) -> None:
    room = clf.room(np.random.default_rng(3), 0.3)
    est = estimate_authenticity(
        room.probs if kwargs["use_probs"] else None,
        decisions=room.probs >= 0.5,
        rates=rates if kwargs["use_rates"] else None,
        n_boot=20,
    )
    assert est.estimator == estimator


def test_empty_room(rates: ClassifierRates) -> None:
    est = estimate_authenticity(np.zeros(0), rates=rates)
    assert math.isnan(est.authenticity_ratio) and est.authenticity_ci == (0.0, 1.0)
    assert est.estimator == "none (empty room)"


def test_all_bots(clf: SyntheticClassifier, rates: ClassifierRates) -> None:
    room = clf.room(np.random.default_rng(4), 1.0)
    est = estimate_authenticity(room.probs, users=room.users, rates=rates)
    assert est.authenticity_ratio < 0.05
    assert est.authenticity_ci[0] == pytest.approx(0.0, abs=1e-9)


def test_one_user(rates: ClassifierRates) -> None:
    est = estimate_authenticity(np.array([0.9, 0.8, 0.85]), users=["u"] * 3, rates=rates)
    assert est.n_users == 1
    assert est.genuine_user_ratio in (0.0, 1.0) or 0 <= est.genuine_user_ratio <= 1
    assert est.genuine_user_ci[0] <= est.genuine_user_ci[1]


def test_no_user_ids_each_comment_is_a_commenter(
    clf: SyntheticClassifier, rates: ClassifierRates
) -> None:
    room = clf.room(np.random.default_rng(5), 0.3)
    est = estimate_authenticity(
        room.probs, rates=ClassifierRates(**{**rates.to_dict(), "user": None})
    )
    assert est.n_users == len(room.probs)
    assert est.genuine_user_ratio == pytest.approx(est.authenticity_ratio)


def test_anonymous_users_count_one_each(rates: ClassifierRates) -> None:
    est = estimate_authenticity(
        np.array([0.2, 0.3, 0.4, 0.5]), users=["a", None, "a", None], rates=rates, n_boot=10
    )
    assert est.n_users == 3


def test_inseparable_rates_fall_back_or_raise() -> None:
    bad = ClassifierRates(tpr=0.52, fpr=0.5, n_pos=100, n_neg=100, p_tpr=0.51, p_fpr=0.5)
    probs = np.array([0.3, 0.6, 0.7])
    est = estimate_authenticity(probs, rates=bad, n_boot=10)
    assert est.estimator == "pcc (fallback: rates not separable)"
    assert est.authenticity_ratio == pytest.approx(1 - probs.mean())
    with pytest.raises(ValueError, match="barely separate"):
        estimate_authenticity(probs, rates=bad, strict=True)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"probs": None}, "pass bot probabilities"),
        ({"probs": [0.5, 1.5]}, r"probs\[1\] = 1.5"),
        ({"probs": [0.5, float("nan")]}, r"probs\[1\]"),
        ({"probs": [0.5], "estimator": "acc"}, "needs classifier error rates"),
        ({"probs": None, "decisions": [1, 0], "estimator": "pacc"}, "needs bot probabilities"),
        ({"probs": [0.5], "estimator": "em"}, "choose one of"),
        ({"probs": [0.5, 0.2], "users": ["a"]}, "1 user ids for 2 comments"),
    ],
    ids=["nothing", "prob>1", "nan", "acc-no-rates", "pacc-no-probs", "unknown", "short-users"],
)
def test_bad_input_clear_errors(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        estimate_authenticity(**kwargs)


def test_rates_round_trip_and_validation(rates: ClassifierRates) -> None:
    assert rates.user is not None and rates.user.level == "user"
    again = ClassifierRates.from_dict(json.loads(json.dumps(rates.to_dict())))
    assert again == rates
    assert rates.tpr == pytest.approx(0.8125, abs=0.03)  # P(Beta(4,2) > 0.5)
    assert rates.fpr == pytest.approx(0.1875, abs=0.03)
    with pytest.raises(ValueError, match="unknown ClassifierRates keys"):
        ClassifierRates.from_dict({"tpr": 0.9, "fpr": 0.1, "f1": 0.8})
    with pytest.raises(ValueError, match="must be in"):
        ClassifierRates(tpr=1.2, fpr=0.1)
    with pytest.raises(ValueError, match="both bots and genuine"):
        measure_rates([0.9, 0.8], [1, 1])


def test_adjust_formula() -> None:
    assert float(adjust(0.45, 0.8, 0.1)) == pytest.approx(0.5)
    assert float(adjust(0.0, 0.8, 0.1)) == 0.0  # clipped
    assert math.isnan(float(adjust(0.3, 0.1, 0.1)))


def test_summarize_rooms_groups_in_first_seen_order(
    clf: SyntheticClassifier, rates: ClassifierRates
) -> None:
    rng = np.random.default_rng(6)
    a, b = clf.room(rng, 0.1), clf.room(rng, 0.8)
    rooms = np.array(["b"] * len(b.probs) + ["a"] * len(a.probs), dtype=object)
    probs = np.concatenate([b.probs, a.probs])
    users = np.concatenate([b.users, a.users + 10_000])
    out = summarize_rooms(rooms, probs, users=users, rates=rates, n_boot=50)
    assert [r.room_id for r in out] == ["b", "a"]
    assert out[0].n_comments == len(b.probs) and out[1].n_comments == len(a.probs)
    assert out[1].authenticity_ratio > out[0].authenticity_ratio


@settings(max_examples=40, deadline=None)
@given(
    probs=st.lists(st.floats(0, 1), min_size=1, max_size=30),
    n_users=st.integers(1, 5),
)
def test_ratios_and_intervals_in_unit_range(probs: list[float], n_users: int) -> None:
    rates = ClassifierRates(tpr=0.8, fpr=0.2, n_pos=50, n_neg=50, p_tpr=0.7, p_fpr=0.3)
    users = [i % n_users for i in range(len(probs))]
    est = estimate_authenticity(probs, users=users, rates=rates, n_boot=30)
    for value, (lo, hi) in (
        (est.authenticity_ratio, est.authenticity_ci),
        (est.genuine_user_ratio, est.genuine_user_ci),
    ):
        assert 0.0 <= value <= 1.0
        assert 0.0 <= lo <= hi <= 1.0
