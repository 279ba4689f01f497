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
