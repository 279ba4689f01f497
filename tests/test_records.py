"""Tests of the Comment record."""

import math

import pytest

from botcomments.records import Comment


@pytest.mark.parametrize(
    "ts",
    [math.nan, math.inf, -1.0],
    ids=["nan", "inf", "negative"],
)
def test_bad_timestamps_rejected_with_fix(ts: float) -> None:
    with pytest.raises(ValueError, match="--map ts="):
        Comment(text="x", room_id="r", ts=ts)


def test_bad_label_rejected() -> None:
    with pytest.raises(ValueError, match="label"):
        Comment(text="x", room_id="r", label=2)


def test_to_dict_keeps_extra_fields_and_core_fields_win() -> None:
    c = Comment(text="主播好美", room_id="r1", ts=1.5, extra={"nick": "a", "text": "old"})
    d = c.to_dict()
    assert d["nick"] == "a"
    assert d["text"] == "主播好美"
    assert "label" not in d
