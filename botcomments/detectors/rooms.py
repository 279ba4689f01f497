"""Cross-room memory of clusters: the rooms each cluster / template appeared in.

The near-duplicate and template detectors report, per comment, in how many *other*
rooms its cluster (template) was seen before: a long sentence or an ad template reused
across rooms is a bot-farm signature. :class:`RoomTracker` keeps that memory bounded
(keys in a :class:`~botcomments.detectors.lru.LRUDict`, a few rooms per key) and cheap
to query (reference counts of room ids spare the per-key scans).

Example:
    >>> rt = RoomTracker(capacity=10, max_rooms=5)
    >>> rt.record("a", [1, 2]).tolist(), rt.record("b", [1]).tolist()
    ([0.0, 0.0], [1.0])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from botcomments.detectors.lru import LRUDict


class RoomTracker:
    """Remembers, per key (cluster / template id), the rooms it appeared in (bounded).

    Rooms per key are a short tuple (at most ``max_rooms``, in order of first
    appearance): tuples of strings are not tracked by the cyclic garbage collector,
    sets are. Scanning such a tuple for the current room costs one string comparison
    per stored room (a cache miss each), so the tracker also counts in how many key
    tuples each room id is stored; a room stored in none (the usual case: each room's
    first batch) skips every scan. Counts are the same as scanning.

    Args:
        capacity: Keys remembered (least recently recorded dropped first).
        max_rooms: Rooms remembered per key; counts saturate there.

    Raises:
        ValueError: If a bound is < 1.
    """

    def __init__(self, capacity: int, max_rooms: int) -> None:
        if capacity < 1:
            raise ValueError(f"capacity {capacity!r} must be >= 1")
        if max_rooms < 1:
            raise ValueError(f"max_rooms {max_rooms!r} must be >= 1")
        self.capacity = capacity
        self.max_rooms = max_rooms
        self._rooms: LRUDict[int, tuple[str, ...]] = LRUDict(capacity)
        self._stored_in: dict[str, int] = {}  # room id -> key tuples holding it

    def __len__(self) -> int:
        return len(self._rooms)

    def record(self, room_id: str, keys: Iterable[int]) -> np.ndarray:
        """Record that ``keys`` appeared in ``room_id``.

        Args:
            room_id: The room.
            keys: Distinct keys seen in the room.

        Returns:
            float64 array, per key, of the number of *other* rooms it appeared in so far.
        """
        key_list = list(keys)
        return self.record_segments([room_id], [0] * len(key_list), key_list)

    def record_segments(
        self, room_ids: Sequence[str], key_seg: Sequence[int] | np.ndarray,
        keys: Sequence[int] | np.ndarray,
    ) -> np.ndarray:
        """:meth:`record` for the segments of a batch group, one after the other.

        Args:
            room_ids: Room of each segment.
            key_seg: Segment of each key, non-decreasing.
            keys: Distinct keys of each segment, segment after segment.

        Returns:
            Per key, the number of other rooms it appeared in so far.
        """
        counts: list[int] = []
        table = self._rooms
        get, to_end = table.get, table.move_to_end  # LRUDict.get_touch, inlined (hot loop)
        max_rooms = self.max_rooms
        stored_in = self._stored_in
        current, room_id, maybe_stored = -1, "", False
        this_call: set[int] = set()
        for s, key in zip(np.asarray(key_seg).tolist(), np.asarray(keys).tolist(), strict=True):
            if s != current:  # the next segment: a call of its own
                current, room_id = s, room_ids[s]
                # A tuple holds room_id only if it did before this call (then room_id is
                # in stored_in) or its key was already recorded in this call.
                maybe_stored = room_id in stored_in
                this_call = set()
            rooms = get(key)
            if rooms is None:
                evicted = table.put(key, (room_id,))
                stored_in[room_id] = stored_in.get(room_id, 0) + 1
                this_call.add(key)
                if evicted is not None:  # room counts follow the table at once
                    self._forget(evicted[1])
                counts.append(0)
                continue
            to_end(key)
            n = len(rooms)
            if (maybe_stored or key in this_call) and room_id in rooms:
                counts.append(n - 1)
            else:
                counts.append(n)  # other rooms, whether or not it is stored
                if n < max_rooms:
                    table[key] = (*rooms, room_id)  # stored key: stays most recent
                    stored_in[room_id] = stored_in.get(room_id, 0) + 1
                    this_call.add(key)
        return np.asarray(counts, dtype=np.float64)

    def _forget(self, rooms: tuple[str, ...]) -> None:
        """Drop the room counts of an evicted key's room tuple."""
        stored_in = self._stored_in
        for room in rooms:
            left = stored_in[room] - 1
            if left:
                stored_in[room] = left
            else:
                del stored_in[room]
