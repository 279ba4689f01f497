"""The detectors' bounded cross-room memory of rooms (``RoomStarts``)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from botcomments.detectors.accounts import RoomStarts

_updates = st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]),
                              st.one_of(st.just(math.nan), st.floats(0, 100))), max_size=30)


@given(_updates, st.integers(1, 4))
@settings(max_examples=80, deadline=None)
def test_rooms_updated_in_one_call_as_one_by_one(updates: list[tuple[str, float]],
                                                 capacity: int) -> None:
    one_by_one, at_once = RoomStarts(capacity), RoomStarts(capacity)
    want = [one_by_one.update(room_id, start) for room_id, start in updates]
    got = at_once.update_many([r for r, _ in updates], [s for _, s in updates])
    assert [repr(x) for x in got] == [repr(x) for x in want]  # NaN where unknown
    assert repr(list(at_once._starts.items())) == repr(list(one_by_one._starts.items()))


def test_the_earliest_known_start_is_kept_and_the_oldest_room_forgotten() -> None:
    starts = RoomStarts(2)
    assert starts.update_many(["r1", "r1", "r2"], [5.0, 3.0, math.nan])[:2] == [5.0, 3.0]
    assert math.isnan(starts.update("r2", math.nan))
    assert starts.update("r1", 9.0) == 3.0
    starts.update("r3", 1.0)  # r2 was the least recently updated
    assert math.isnan(starts.update("r2", math.nan))
