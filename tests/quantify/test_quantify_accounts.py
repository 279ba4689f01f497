"""Tests of the account-evidence stage and the room regression built on it."""

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
from botcomments.quantify.accounts import (
    ACCOUNT_FEATURES,
    MISSING_TIME,
    AccountStage,
    account_features,
)
from botcomments_training.fitting.quantifier import (
    LabelledRoom,
    StageSettings,
    crossfit_account_scores,
    fit_account_stage,
    fit_room_models,
)
from tests.helpers.quantify_synth import CampaignRooms, SyntheticRoom

FAST = StageSettings(trees=20, depth=2, max_rows=5_000, n_folds=3)


def _flat(rooms: list[SyntheticRoom]) -> dict[str, np.ndarray]:
    return {
        "scores": np.concatenate([r.probs for r in rooms]),
        "labels": np.concatenate([r.labels for r in rooms]),
        "rooms": np.concatenate([[f"r{i}"] * len(r.probs) for i, r in enumerate(rooms)]),
        "users": np.concatenate([[f"r{i}-{u}" for u in r.users] for i, r in enumerate(rooms)]),
        "groups": np.concatenate([[f"g{i % 6}"] * len(r.probs) for i, r in enumerate(rooms)]),
        "ts": np.concatenate([r.ts for r in rooms]),
    }


@pytest.fixture(scope="module")
def stage_rates() -> ClassifierRates:
    """Rates + room models with a (small) account stage on 60 calibration rooms."""
    rng = np.random.default_rng(7)
    gen = CampaignRooms()
    flat = _flat([gen.room(rng, float(rng.uniform(0, 0.95))) for _ in range(60)])
    rates = measure_rates(flat["scores"], flat["labels"], users=flat["users"])
    return fit_room_models(
        rates, flat["scores"], flat["labels"], flat["rooms"], flat["users"], flat["groups"],
        ts=flat["ts"], account_stage=FAST,
    )


@pytest.mark.parametrize(
    ("probs", "codes", "ts", "expected"),
    [
        ([0.9], [0], None, [0.9, 0.0, 0.9, 0.9, 0.9, MISSING_TIME, MISSING_TIME,
                            MISSING_TIME, MISSING_TIME]),
        ([0.2, 0.6], [0, 0], [100.0, 160.0],
         [0.2, math.log(2), 0.4, 0.6, 0.2, math.log1p(60), 0.2, 0.0, 60.0]),
        ([0.2, 0.6], [0, 0], [100.0, math.nan],
         [0.2, math.log(2), 0.4, 0.6, 0.2, 0.0, 0.2, 0.0, 0.0]),
        ([0.5], [0], [math.nan], [0.5, 0.0, 0.5, 0.5, 0.5, MISSING_TIME, MISSING_TIME,
                                  MISSING_TIME, MISSING_TIME]),
    ],
    ids=["untimed-room", "one-user-one-minute", "one-comment-untimed", "all-nan-ts"],
)
def test_account_features_first_row(
    probs: list[float], codes: list[int], ts: list[float] | None, expected: list[float]
) -> None:
    x = account_features(np.array(probs), np.array(codes), None if ts is None else np.array(ts))
    assert x.shape == (len(probs), len(ACCOUNT_FEATURES))
    np.testing.assert_allclose(x[0], expected, atol=1e-9)


def test_account_features_empty_room() -> None:
    assert account_features(np.zeros(0), np.zeros(0, dtype=np.int64)).shape == (0, 9)


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 5),
                               st.one_of(st.none(), st.floats(0, 7200))),
                      min_size=1, max_size=60))
def test_account_features_finite_and_stage_probability(
    rows: list[tuple[float, int, float | None]], small_stage: AccountStage
) -> None:
    probs = np.array([r[0] for r in rows])
    codes, _ = user_codes([r[1] for r in rows], len(rows))
    ts = np.array([math.nan if r[2] is None else r[2] for r in rows])
    x = account_features(probs, codes, ts)
    assert np.isfinite(x).all()
    assert (x[:, 4] <= x[:, 2] + 1e-12).all() and (x[:, 2] <= x[:, 3] + 1e-12).all()
    q = small_stage.predict(probs, codes, ts)
    assert q.shape == probs.shape and ((q > 0) & (q < 1)).all()


@pytest.fixture(scope="module")
def small_stage() -> AccountStage:
    """A stage fitted on 20 synthetic rooms."""
    rng = np.random.default_rng(3)
    gen = CampaignRooms()
    rooms = []
    for _ in range(20):
        r = gen.room(rng, float(rng.uniform(0, 0.9)))
        codes, _ = user_codes(r.users, len(r.users))
        rooms.append(LabelledRoom(r.probs, codes, r.labels, r.ts))
    return fit_account_stage(rooms, FAST)


def test_stage_json_round_trip_predicts_the_same(small_stage: AccountStage) -> None:
    doc = json.loads(json.dumps(small_stage.to_dict()))
    again = AccountStage.from_dict(doc)
    rng = np.random.default_rng(0)
    probs, codes = rng.random(50), rng.integers(0, 10, 50)
    codes, _ = user_codes(codes, 50)
    ts = rng.uniform(0, 600, 50)
    np.testing.assert_array_equal(small_stage.predict(probs, codes, ts),
                                  again.predict(probs, codes, ts))


def test_stage_rejects_other_features_and_single_class(small_stage: AccountStage) -> None:
    doc = small_stage.to_dict() | {"features": ["score"]}
    with pytest.raises(ValueError, match="refit"):
        AccountStage.from_dict(doc)
    with pytest.raises(ValueError, match="lacks"):
        AccountStage.from_dict({"trees": []})
    one = LabelledRoom(np.array([0.1, 0.2]), np.array([0, 1]), np.array([0, 0]))
    with pytest.raises(ValueError, match="both classes"):
        fit_account_stage([one], FAST)
    with pytest.raises(ValueError, match="room groups"):
        crossfit_account_scores([one, one], ["a", "a"], FAST)
    with pytest.raises(ValueError, match="n_folds"):
        StageSettings(n_folds=1)


def test_stage_model_accurate_and_covers_on_fresh_rooms(stage_rates: ClassifierRates) -> None:
    model = stage_rates.room_model
    assert model is not None and model.stage is not None
    assert stage_rates.user is not None and stage_rates.user.room_model is not None
    rng = np.random.default_rng(99)  # rooms never seen by the fit
    gen = CampaignRooms()
    err, hits, n_rooms = [], 0, 40
    for _ in range(n_rooms):
        room = gen.room(rng, float(rng.uniform(0, 0.95)))
        est = estimate_authenticity(room.probs, users=room.users, ts=room.ts,
                                    rates=stage_rates, n_boot=50)
        assert est.estimator == "reg"
        err.append(abs(est.estimates["reg"] - room.true_bot_share))
        lo, hi = est.authenticity_ci
        hits += lo - 1e-9 <= 1 - room.true_bot_share <= hi + 1e-9
    assert np.mean(err) < 0.08, err
    assert hits / n_rooms >= 0.9


def test_stage_rates_round_trip_and_untimed_rooms(stage_rates: ClassifierRates) -> None:
    again = ClassifierRates.from_dict(json.loads(json.dumps(stage_rates.to_dict())))
    room = CampaignRooms().room(np.random.default_rng(5), 0.4)
    a = estimate_authenticity(room.probs, users=room.users, ts=room.ts, rates=stage_rates,
                              n_boot=20)
    b = estimate_authenticity(room.probs, users=room.users, ts=room.ts, rates=again,
                              n_boot=20)
    assert a.authenticity_ratio == b.authenticity_ratio
    untimed = estimate_authenticity(room.probs, users=room.users, rates=again, n_boot=20)
    assert 0.0 <= untimed.authenticity_ratio <= 1.0 and untimed.timeline == []


def test_model_without_stage_keeps_its_json_format() -> None:
    old = RoomRegression(coef=(0.0,) * 26, intercept=0.1)
    doc = old.to_dict()
    assert "stage" not in doc and "stage_edges" not in doc
    assert RoomRegression.from_dict(doc) == old
