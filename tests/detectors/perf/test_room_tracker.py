"""RoomTracker (room-id reference counts) counts exactly like a plain scan of each tuple."""

from __future__ import annotations

from collections import OrderedDict

from hypothesis import given, settings
from hypothesis import strategies as st

from botcomments.detectors.rooms import RoomTracker


class ScanTracker:
    """Reference: the straightforward LRU of room tuples, scanned on every record."""

    def __init__(self, capacity: int, max_rooms: int) -> None:
        self.capacity, self.max_rooms = capacity, max_rooms
        self.rooms: OrderedDict[int, tuple[str, ...]] = OrderedDict()

    def record(self, room_id: str, keys: list[int]) -> list[float]:
        out: list[float] = []
        for key in keys:
            rooms = self.rooms.get(key)
            if rooms is None:
                self.rooms[key] = (room_id,)
                if len(self.rooms) > self.capacity:
                    self.rooms.popitem(last=False)
                out.append(0.0)
                continue
            self.rooms.move_to_end(key)
            if room_id in rooms:
                out.append(float(len(rooms) - 1))
                continue
            out.append(float(len(rooms)))
            if len(rooms) < self.max_rooms:
                self.rooms[key] = (*rooms, room_id)
        return out


calls = st.lists(
    st.tuples(st.sampled_from(["r1", "r2", "r3", "r4", "r5"]),
              st.lists(st.integers(0, 12), max_size=8)),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(calls=calls, capacity=st.integers(1, 6), max_rooms=st.integers(1, 4))
def test_counts_equal_scanning_reference(
    calls: list[tuple[str, list[int]]], capacity: int, max_rooms: int
) -> None:
    fast, ref = RoomTracker(capacity, max_rooms), ScanTracker(capacity, max_rooms)
    for room, keys in calls:
        assert fast.record(room, keys).tolist() == ref.record(room, keys)
        assert len(fast) == len(ref.rooms)
    # the reference counts stay exact: every stored room id is counted, nothing stale
    held: dict[str, int] = {}
    for rooms in ref.rooms.values():
        for r in rooms:
            held[r] = held.get(r, 0) + 1
    assert fast._stored_in == held
