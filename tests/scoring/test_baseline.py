"""Tests of the community baseline rule."""

from __future__ import annotations

import numpy as np
import pytest

from botcomments.baselines import FUZZY_BASELINE, BaselineConfig, community_baseline
from botcomments.records import Comment


def _room(lines: list[tuple[str, float]], room: str = "r") -> list[Comment]:
    return [Comment(text=t, room_id=room, ts=ts, user_id=str(i))
            for i, (t, ts) in enumerate(lines)]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([("上车", 100 + 0.3 * i) for i in range(5)], [True] * 5),
        ([("上车", 100 + 0.3 * i) for i in range(4)], [False] * 4),
        ([("上车", 100 + 1.0 * i) for i in range(5)], [False] * 5),
        ([("上车", 100 + 0.1 * i) for i in range(5)] + [("上车", 200.0)], [True] * 5 + [False]),
        ([("a", 1.0), ("b", 1.1), ("a", 1.2), ("b", 1.3), ("a", 1.4), ("a", 1.5), ("a", 1.6)],
         [True, False, True, False, True, True, True]),
        ([(" 上车 ", 100 + 0.1 * i) for i in range(5)], [True] * 5),
    ],
    ids=["five-in-2s", "four-only", "too-spread", "late-copy-not-flagged", "interleaved",
         "whitespace-stripped"],
)
def test_exact_rule(lines: list[tuple[str, float]], expected: list[bool]) -> None:
    assert community_baseline(_room(lines)).tolist() == expected


def test_rooms_are_separate_and_order_is_input_order() -> None:
    a = _room([("上车", 100 + 0.1 * i) for i in range(3)], "a")
    b = _room([("上车", 100 + 0.1 * i) for i in range(3)], "b")
    mixed = [a[0], b[0], a[1], b[1], a[2], b[2]]
    assert not community_baseline(mixed).any()
    reversed_room = list(reversed(_room([("上车", 100 + 0.1 * i) for i in range(5)])))
    assert community_baseline(reversed_room).all()


def test_no_timestamp_never_flagged() -> None:
    room = [Comment(text="上车", room_id="r") for _ in range(10)]
    assert not community_baseline(room).any()


def test_fuzzy_variant_catches_light_perturbation() -> None:
    lines = [("主播好美啊" + "!" * i, 100 + 2.0 * i) for i in range(5)]
    assert not community_baseline(_room(lines)).any()
    assert community_baseline(_room(lines), FUZZY_BASELINE).all()


def test_empty_input() -> None:
    assert community_baseline([]).shape == (0,)
    assert community_baseline([]).dtype == np.bool_


@pytest.mark.parametrize(
    "kwargs",
    [{"min_repeats": 0}, {"window_s": 0}, {"similarity": 1.5}],
    ids=["repeats", "window", "similarity"],
)
def test_bad_config(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        BaselineConfig(**kwargs)  # type: ignore[arg-type]
