"""Many rooms estimated at once (``estimate_rooms``) equal each room estimated alone.

The batch shares numpy calls and bootstrap draws across rooms; every field of every
result (ratios, intervals, estimates, timeline, labels) must be the one
``estimate_authenticity`` gives the room, bit for bit, whatever the estimator, the room
model (account stage or evidence rows, in or out of its calibration range), the ids
(integer codes with guests, strings with None) and the rooms' sizes and seeds.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botcomments.fusion.learned import LearnedFusion
from botcomments.fusion.rules import RuleFusion
from botcomments.quantify import (
    ClassifierRates,
    RoomInput,
    RoomRegression,
    RoomsTable,
    estimate_authenticity,
    estimate_rooms,
)
from botcomments.quantify.room import _widen

ROOT = Path(__file__).resolve().parents[2]


def _rooms(seed: int, n_rooms: int = 90) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n_rooms):
        n = int(rng.choice([1, 1, 2, 3, 5, 9, 17, 60]))
        users = rng.integers(0, max(1, int(rng.integers(1, n + 1))), n).astype(np.int64)
        guests = rng.random(n) < 0.1
        users[guests] = -1 - np.arange(guests.sum())
        p = np.clip(rng.beta(0.6, 0.8, n), 0, 1)
        ts = 1.7e9 + float(rng.integers(0, 10**7)) + rng.exponential(20.0, n).cumsum()
        ts[rng.random(n) < 0.05] = np.nan
        room: dict[str, Any] = {"probs": p, "users": users, "ts": ts,
                                "decisions": p >= 0.6, "room_id": f"r{k}", "seed": k % 3}
        if k % 4 == 1:
            room["ts"] = None
        if k % 4 == 3:
            room["users"] = [None if u < 0 else f"u{u}" for u in users.tolist()]
        out.append(room)
    return out


def _no_stage_model(radius: float) -> RoomRegression:
    rng = np.random.default_rng(9)
    return RoomRegression(
        coef=tuple(rng.normal(0, 0.3, 26).tolist()), intercept=0.07,
        residuals=tuple(rng.random(80).tolist()),
        residual_estimates=tuple(rng.random(80).tolist()),
        support=tuple(tuple(rng.random(26).tolist()) for _ in range(30)),
        support_radius=radius)


def _quantifiers() -> dict[str, tuple[ClassifierRates | None, str]]:
    rules = RuleFusion.default().quantifier
    assert rules is not None
    model = LearnedFusion.load(ROOT / "models" / "default").quantifier
    plain = dataclasses.replace(rules, room_model=None, user=None)
    return {
        "rules-stage": (rules, "auto"),
        "model-support": (model, "auto"),
        "evidence-rows": (dataclasses.replace(rules, room_model=_no_stage_model(9.0),
                                              user=None), "auto"),
        "pacc": (plain, "auto"),
        "acc": (dataclasses.replace(plain, p_tpr=None, p_fpr=None), "auto"),
        "pcc-no-rates": (None, "auto"),
        "cc-with-room-model": (rules, "cc"),
    }


QUANTIFIERS = _quantifiers()


@pytest.mark.parametrize("name", list(QUANTIFIERS))
def test_rooms_estimated_together_equal_each_alone(name: str) -> None:
    _assert_together_as_alone(_rooms(list(QUANTIFIERS).index(name)), name, n_boot=120)


def _assert_together_as_alone(rooms: list[dict[str, Any]], name: str, n_boot: int) -> None:
    """Every field of every room's estimate in one batch is what it gets alone."""
    rates, estimator = QUANTIFIERS[name]
    alone = [estimate_authenticity(r["probs"], users=r["users"], ts=r["ts"], rates=rates,
                                   decisions=r["decisions"], estimator=estimator,
                                   n_boot=n_boot, seed=r["seed"], room_id=r["room_id"])
             for r in rooms]
    together = estimate_rooms([RoomInput(**r) for r in rooms], rates=rates,
                              estimator=estimator, n_boot=n_boot)
    assert [repr(e.to_dict()) for e in together] == [repr(e.to_dict()) for e in alone]


@pytest.mark.parametrize("name", ["rules-stage", "model-support", "pacc", "acc"])
def test_rooms_with_the_same_figures_equal_each_alone(name: str) -> None:
    """Rooms with the same seed, commenters and scores share one row of replicates
    (many small rooms of an archive do); every room still gets what it gets alone,
    also beside rooms that differ only by a sign of zero or a NaN time."""
    base = [r for r in _rooms(11, 40) if len(r["probs"]) <= 3]
    twins = [{**r, "room_id": f"{r['room_id']}-twin{k}"} for k in range(3) for r in base]
    signed = {**base[0], "probs": -0.0 * np.asarray(base[0]["probs"]), "room_id": "neg0"}
    _assert_together_as_alone([*base, *twins, signed], name, n_boot=60)


def test_fallback_rooms_are_in_the_mix() -> None:
    """The shipped model's room model sends small rooms out of range (PACC fallback) and
    keeps larger ones in: both paths run in one batch."""
    rates, _ = QUANTIFIERS["model-support"]
    labels = {e.calibration for e in estimate_rooms(
        [RoomInput(**r) for r in _rooms(2, 120)], rates=rates, n_boot=20)}
    assert {"in_range", "out_of_range"} <= labels


def test_empty_rooms_and_errors_keep_their_place() -> None:
    rooms = [RoomInput(np.array([0.2, 0.9]), users=np.array([0, 1]), room_id="a"),
             RoomInput(np.zeros(0), room_id="empty"),
             RoomInput(np.array([0.7]), room_id="b")]
    out = estimate_rooms(rooms, n_boot=30)
    assert [e.room_id for e in out] == ["a", "empty", "b"]
    assert out[1].estimator == "none (empty room)"
    with pytest.raises(ValueError, match=r"probs\[0\] = 1.5"):
        estimate_rooms([*rooms, RoomInput(np.array([1.5]))], n_boot=30)


@pytest.mark.parametrize("name", ["rules-stage", "model-support", "pacc"])
def test_a_table_of_rooms_equals_each_alone(name: str) -> None:
    """The scorer's bulk input (RoomsTable: integer codes, NaN for untimed, an empty
    room) gives what each room gives alone."""
    rates, _ = QUANTIFIERS[name]
    rooms = [r for r in _rooms(7, 60) if isinstance(r["users"], np.ndarray)
             and r["ts"] is not None]
    rooms.insert(3, {**rooms[0], "probs": np.zeros(0), "users": np.zeros(0, np.int64),
                     "ts": np.zeros(0), "decisions": np.zeros(0, bool), "room_id": "none"})
    table = RoomsTable(
        np.concatenate([r["probs"] for r in rooms]),
        np.concatenate([r["decisions"] for r in rooms]),
        np.concatenate([r["users"] for r in rooms]),
        np.concatenate([r["ts"] for r in rooms]),
        np.cumsum([0, *(len(r["probs"]) for r in rooms)]),
        [r["room_id"] for r in rooms], seed=2)
    alone = [estimate_authenticity(r["probs"], users=r["users"], ts=r["ts"], rates=rates,
                                   decisions=r["decisions"], n_boot=80, seed=2,
                                   room_id=r["room_id"]) for r in rooms]
    together = estimate_rooms(table, rates=rates, n_boot=80)
    assert [repr(e.to_dict()) for e in together] == [repr(e.to_dict()) for e in alone]
    bad = RoomsTable(table.probs * 2, table.decisions, table.users, table.ts, table.starts,
                     table.room_ids)
    with pytest.raises(ValueError, match=r"probs\[\d+\] = "):  # room by room, as alone
        estimate_rooms(bad, rates=rates, n_boot=80)


_share = st.one_of(st.just(float("nan")), st.floats(-0.5, 1.5))


@given(st.lists(st.tuples(_share, _share, _share, st.one_of(st.none(), _share)),
                min_size=1, max_size=20))
@settings(max_examples=100, deadline=None)
def test_intervals_widened_together_as_python_min_max_widens_each(
        rooms: list[tuple[float, float, float, float | None]]) -> None:
    """One numpy pass gives each room what Python's ``min``/``max`` give it, NaN included."""
    def alone(low: float, high: float, point: float, half: float | None) -> tuple[float, float]:
        if half is None or math.isnan(point):
            return low, high
        return (max(0.0, min(low, 1.0 - point - half)),
                min(1.0, max(high, 1.0 - point + half)))

    bounds = np.array([[low, high] for low, high, _, _ in rooms])
    got = _widen(bounds, [p for _, _, p, _ in rooms], [h for _, _, _, h in rooms]).tolist()
    want = [alone(*room) for room in rooms]
    assert repr(got) == repr([list(pair) for pair in want])
