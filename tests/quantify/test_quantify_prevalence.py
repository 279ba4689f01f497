"""Tests of the evidence-conditional room regression (REG) and its conformal interval."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botcomments.quantify import (
    ClassifierRates,
    RoomRegression,
    estimate_authenticity,
    measure_rates,
    user_codes,
)
from botcomments.quantify.prevalence import conformal_quantile, evidence_rows, support_radius
from botcomments_training.fitting.quantifier import (
    CalibrationRoom,
    fit_room_models,
    fit_room_regression,
)
from tests.helpers.quantify_synth import CampaignRooms, SyntheticRoom


def _flat(rooms: list[SyntheticRoom], prefix: str) -> dict[str, np.ndarray]:
    return {
        "scores": np.concatenate([r.probs for r in rooms]),
        "labels": np.concatenate([r.labels for r in rooms]),
        "rooms": np.concatenate([[f"{prefix}{i}"] * len(r.probs) for i, r in enumerate(rooms)]),
        "users": np.concatenate([[f"{prefix}{i}-{u}" for u in r.users]
                                 for i, r in enumerate(rooms)]),
    }


@pytest.fixture(scope="module")
def campaign_rates() -> ClassifierRates:
    """Rates + room models fitted on 80 calibration rooms of varied campaign mixes."""
    rng = np.random.default_rng(2024)
    gen = CampaignRooms()
    rooms = [gen.room(rng, float(rng.uniform(0, 0.95))) for _ in range(80)]
    flat = _flat(rooms, "cal")
    rates = measure_rates(flat["scores"], flat["labels"], users=flat["users"])
    return fit_room_models(rates, **flat)


def test_reg_beats_global_pacc_and_covers_on_fresh_rooms(campaign_rates: ClassifierRates) -> None:
    rng = np.random.default_rng(99)  # rooms never seen by the fit
    gen = CampaignRooms()
    err: dict[str, list[float]] = {"reg": [], "pacc": []}
    hits_c = hits_u = 0
    n_rooms = 60
    for _ in range(n_rooms):
        room = gen.room(rng, float(rng.uniform(0, 0.95)))
        est = estimate_authenticity(room.probs, users=room.users, rates=campaign_rates,
                                    n_boot=100)
        assert est.estimator == "reg"
        for name in err:
            err[name].append(abs(est.estimates[name] - room.true_bot_share))
        lo, hi = est.authenticity_ci
        hits_c += lo - 1e-9 <= 1 - room.true_bot_share <= hi + 1e-9
        ulo, uhi = est.genuine_user_ci
        hits_u += ulo - 1e-9 <= 1 - room.true_bot_user_share <= uhi + 1e-9
    assert np.mean(err["reg"]) < 0.7 * np.mean(err["pacc"]), err
    assert hits_c / n_rooms >= 0.9
    assert hits_u / n_rooms >= 0.9


def test_room_model_json_round_trip(campaign_rates: ClassifierRates) -> None:
    doc = json.loads(json.dumps(campaign_rates.to_dict()))
    back = ClassifierRates.from_dict(doc)
    assert back == campaign_rates
    assert back.room_model is not None and back.room_model.level == "comment"
    assert back.user is not None and back.user.room_model is not None
    assert back.user.room_model.level == "user"


def test_explicit_estimators_still_available(campaign_rates: ClassifierRates) -> None:
    room = CampaignRooms().room(np.random.default_rng(5), 0.4)
    for name in ("pacc", "acc", "pcc", "cc"):
        est = estimate_authenticity(room.probs, users=room.users, rates=campaign_rates,
                                    estimator=name, n_boot=20)
        assert est.estimator.startswith(name)


def test_reg_without_model_is_a_clear_error() -> None:
    rates = ClassifierRates(tpr=0.8, fpr=0.1, n_pos=10, n_neg=10, p_tpr=0.7, p_fpr=0.2)
    with pytest.raises(ValueError, match="room_model"):
        estimate_authenticity(np.array([0.2, 0.9]), rates=rates, estimator="reg")


def test_timeline_and_intervals_in_range(campaign_rates: ClassifierRates) -> None:
    room = CampaignRooms().room(np.random.default_rng(6), 0.7)
    est = estimate_authenticity(room.probs, users=room.users, ts=room.ts,
                                rates=campaign_rates, n_boot=50)
    lo, hi = est.authenticity_ci
    assert 0.0 <= lo <= est.authenticity_ratio <= hi <= 1.0
    assert all(0.0 <= r["genuine_share"] <= 1.0 for r in est.timeline)


@pytest.mark.parametrize(
    ("residuals", "confidence", "expected"),
    [
        ([0.1, 0.2, 0.3, 0.4], 0.5, 0.3),   # ceil(5 * 0.5) = 3rd smallest
        ([0.4, 0.1, 0.3, 0.2], 0.5, 0.3),   # order does not matter
        (list(np.arange(1, 20) / 100), 0.9, 0.18),
        ([0.1, 0.2], 0.9, math.inf),        # too few residuals for 90 %
        ([], 0.9, math.inf),
    ],
    ids=["median", "unsorted", "nineteen", "too-few", "none"],
)
def test_conformal_quantile(residuals: list[float], confidence: float, expected: float) -> None:
    assert conformal_quantile(residuals, confidence) == pytest.approx(expected)


def _model(residuals: list[float], estimates: list[float], min_band_rooms: int) -> RoomRegression:
    width = 2 * 11 + 4
    return RoomRegression(coef=(0.0,) * width, intercept=0.0, residuals=tuple(residuals),
                          residual_estimates=tuple(estimates), min_band_rooms=min_band_rooms)


def test_half_width_uses_the_band_of_the_estimate() -> None:
    low = [0.01] * 30   # rooms estimated nearly bot-free: small errors
    high = [0.2] * 30   # botted rooms: large errors
    m = _model(low + high, [0.05] * 30 + [0.6] * 30, min_band_rooms=30)
    assert m.half_width(0.02, 0.9) == pytest.approx(0.01)
    assert m.half_width(0.5, 0.9) == pytest.approx(0.2)
    pooled = _model(low + high, [0.05] * 30 + [0.6] * 30, min_band_rooms=31)
    assert pooled.half_width(0.02, 0.9) == pytest.approx(0.2)  # band too small: pooled


def test_bad_documents_and_inputs() -> None:
    with pytest.raises(ValueError, match="coefficients"):
        RoomRegression(coef=(1.0,), intercept=0.0)
    with pytest.raises(ValueError, match="residual_estimates"):
        _model([0.1], [], 1)
    with pytest.raises(ValueError, match="refit"):
        RoomRegression.from_dict({"coef": [0.0] * 26, "intercept": 0.0, "bogus": 1})
    rooms = [CalibrationRoom(np.array([0.5]), np.array([0]), 0.0)] * 3
    with pytest.raises(ValueError, match="at least 10"):
        fit_room_regression(rooms)


def test_user_truth_is_any_bot_comment() -> None:
    rng = np.random.default_rng(3)
    scores, labels, rooms, users = [], [], [], []
    for i in range(12):
        # user "b" posts one bot and one genuine comment: a bot commenter
        scores += [0.9, 0.1, 0.2, 0.3]
        labels += [1, 0, 0, 0]
        rooms += [f"r{i}"] * 4
        users += ["b", "b", "g1", "g2"]
    s = np.clip(np.array(scores) + rng.normal(0, 0.01, len(scores)), 0, 1)
    rates = measure_rates(s, labels, users=[f"{r}-{u}" for r, u in zip(rooms, users, strict=True)])
    fitted = fit_room_models(rates, s, labels, rooms, users, n_folds=3)
    assert fitted.user is not None and fitted.user.room_model is not None
    # every room has 1 bot commenter of 3: the user model learns 1/3, the comment 1/4
    codes, _ = user_codes(users[:4], 4)
    assert fitted.user.room_model.estimate(s[:4], codes) == pytest.approx(1 / 3, abs=0.02)
    assert fitted.room_model is not None
    assert fitted.room_model.estimate(s[:4], codes) == pytest.approx(0.25, abs=0.02)


@settings(max_examples=40, deadline=None)
@given(
    probs=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=60),
    n_users=st.integers(1, 10),
)
def test_evidence_rows_are_three_hot(probs: list[float], n_users: int) -> None:
    p = np.array(probs)
    codes, _ = user_codes([i % n_users for i in range(len(p))], len(p))
    rows = evidence_rows(p, codes)
    assert rows.shape == (len(p), 26)
    assert np.all(rows.sum(axis=1) == 3.0)
    assert np.all(rows[:, :11].sum(axis=1) == 1.0)


def test_support_radius_covers_its_own_rooms_and_not_far_ones() -> None:
    rng = np.random.default_rng(5)
    points = rng.dirichlet(np.ones(4), 50)
    radius = support_radius(points, 0.99)
    gaps = np.abs(points[:, None] - points[None]).sum(axis=2)
    np.fill_diagonal(gaps, np.inf)
    assert (gaps.min(axis=1) <= radius).mean() >= 0.98
    assert np.abs(points - np.array([5.0, 0, 0, 0])).sum(axis=1).min() > radius
    with pytest.raises(ValueError, match="two calibration rooms"):
        support_radius(points[:1])


def test_fresh_rooms_of_the_family_are_in_range(campaign_rates: ClassifierRates) -> None:
    rng = np.random.default_rng(7)
    gen = CampaignRooms()
    seen = [estimate_authenticity(room.probs, users=room.users, rates=campaign_rates,
                                  n_boot=50).calibration
            for room in (gen.room(rng, float(rng.uniform(0, 0.95))) for _ in range(20))]
    assert seen.count("in_range") >= 19


def test_room_outside_the_calibration_falls_back_and_says_so(
    campaign_rates: ClassifierRates,
) -> None:
    """Every comment certain and every account posting 40 lines: no calibration room is so."""
    users = np.repeat(np.arange(25), 40)
    probs = np.full(len(users), 0.999)
    est = estimate_authenticity(probs, users=users, rates=campaign_rates, n_boot=50)
    assert est.calibration == "out_of_range"
    assert est.estimator.startswith("pacc (fallback")
    model = campaign_rates.room_model
    assert model is not None
    reg = model.estimate(probs, user_codes(users, len(users))[0])
    lo, hi = est.authenticity_ci
    assert lo <= 1 - est.estimates["pacc"] <= hi
    assert lo <= 1 - reg <= hi  # the interval spans both readings
    doc = json.loads(json.dumps(model.to_dict()))
    assert RoomRegression.from_dict(doc).support == model.support
    assert RoomRegression.from_dict(doc).support_radius == model.support_radius
