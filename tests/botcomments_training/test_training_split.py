"""Leakage-safe group split: no template or room on both sides."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from botcomments_training.split import group_split, template_key
from tests.helpers.training_synth import make_rows


def test_template_key_masks_digits_and_decoration() -> None:
    assert template_key("已拍3单，质量很好😀") == template_key("已拍 120 单!质量很好")
    assert template_key("主播好美") != template_key("主播好丑")


def _sides(
    rows: list[dict[str, object]], val_fraction: float, seed: int
) -> tuple[list[int], list[int]]:
    return group_split(
        [str(r["text"]) for r in rows],
        [str(r["room_id"]) for r in rows],
        val_fraction,
        seed,
        [int(r["label"]) for r in rows],  # type: ignore[call-overload]
    )


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 1000), fraction=st.floats(0.05, 0.4))
def test_no_template_on_both_sides(seed: int, fraction: float) -> None:
    rows = make_rows(n_rooms=8, per_room=15, seed=seed)
    train, val = _sides(rows, fraction, seed)
    assert sorted(train + val) == list(range(len(rows)))
    assert val and train
    keys_train = {template_key(str(rows[i]["text"])) for i in train}
    keys_val = {template_key(str(rows[i]["text"])) for i in val}
    assert not keys_train & keys_val


def test_rooms_kept_whole_when_they_do_not_chain() -> None:
    rows = []
    for room in range(10):
        for j in range(6):
            text = f"{'春夏秋冬东南西北上下'[room]}房专属弹幕{'甲乙丙丁戊己'[j]}"
            rows.append({"text": text, "label": j % 2, "room_id": f"r{room}"})
    train, val = _sides(rows, 0.2, 1)
    rooms_train = {rows[i]["room_id"] for i in train}
    rooms_val = {rows[i]["room_id"] for i in val}
    assert rooms_val and not rooms_train & rooms_val


def test_both_classes_reach_validation() -> None:
    rows = make_rows(seed=5)
    _, val = _sides(rows, 0.2, 5)
    assert {rows[i]["label"] for i in val} == {0, 1}
