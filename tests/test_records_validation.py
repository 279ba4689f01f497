"""Comment built from Python: ids and timestamps converted like the readers do, wrong
types refused with the fix."""

from __future__ import annotations

import numpy as np
import pytest

from botcomments.records import Comment


def test_integer_ids_and_ts_are_converted() -> None:
    c = Comment("主播好美", 12345, ts=1_700_000_000, user_id=18446744073709551615, msg_id=7.0)
    assert (c.room_id, c.user_id, c.msg_id) == ("12345", "18446744073709551615", "7")
    assert isinstance(c.ts, float) and c.ts == 1_700_000_000.0


def test_str_subclasses_pass() -> None:
    c = Comment(np.str_("666"), np.str_("r1"), ts=np.float64(1.5), user_id=np.str_("u"))
    assert c.text == "666" and c.room_id == "r1" and c.ts == 1.5


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"text": b"bytes"}, "decode bytes first"),
        ({"user_id": ["u1"]}, "user_id"),
        ({"room_id": 1.5}, "room_id"),
        ({"ts": "2024-05-30 20:00:00"}, "parse_timestamp"),
        ({"ts": True}, "unix seconds"),
    ],
)
def test_wrong_types_say_what_to_pass(kwargs: dict, match: str) -> None:
    args = {"text": "hi", "room_id": "r", **kwargs}
    with pytest.raises(TypeError, match=match):
        Comment(**args)


@pytest.mark.parametrize(
    "raw",
    [1_714_565_703_123, 1_714_565_703_123.0, 1_714_565_703_123_000, 1_714_565_703_123_000_000],
    ids=["ms-int", "ms-float", "us", "ns"],
)
def test_epoch_units_read_by_magnitude_like_the_readers(raw: float) -> None:
    assert Comment("hi", "r", ts=raw).ts == pytest.approx(1_714_565_703.123, abs=1e-3)


def test_epoch_number_too_large_for_any_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="too large"):
        Comment("hi", "r", ts=1e25)
