"""Bounded cross-room memory of accounts, used by the machine-posting detector.

Every account the detector has seen is kept in a least-recently-used table of fixed
capacity, so memory stays bounded whether the input is one 1,000,000-comment room or
10,000 small rooms.

Example:
    >>> reg = AccountRegistry(max_accounts=2)
    >>> st = reg.touch("u1")
    >>> st.enter_room("r1")
    True
    >>> st.n_rooms
    1
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from botcomments.detectors.lru import LRUDict


@dataclass(slots=True)
class AccountState:
    """What is remembered about one account.

    Args:
        max_rooms: How many recent room ids to remember for de-duplication.
        first_seen: Earliest timestamp seen for this account (inf if never timed).
        n_rooms: Distinct rooms seen (a room evicted from ``rooms`` and seen again
            counts twice; bounded memory trades off this exactness).
        rooms: Most recent distinct room ids, oldest first (a tuple: tuples of strings
            are not tracked by the cyclic garbage collector, lists are).
        room: Room whose running statistics below are being accumulated.
        n_room: Comments in ``room`` so far.
        iat_n: Inter-arrival gaps in ``room`` so far.
        iat_sum: Sum of those gaps (seconds).
        iat_sumsq: Sum of squared gaps.
        last_ts: Timestamp of the latest timed comment in ``room`` (NaN if none).
    """

    max_rooms: int = 32
    first_seen: float = math.inf
    n_rooms: int = 0
    rooms: tuple[str, ...] = ()
    room: str | None = None
    n_room: int = 0
    iat_n: int = 0
    iat_sum: float = 0.0
    iat_sumsq: float = 0.0
    last_ts: float = math.nan

    def enter_room(self, room_id: str) -> bool:
        """Switch the running statistics to ``room_id`` if it is not the current room.

        Args:
            room_id: Room of the batch being processed.

        Returns:
            True if the account entered a new room (statistics were reset).
        """
        if self.room == room_id:
            return False
        self.room = room_id
        self.n_room = 0
        self.iat_n = 0
        self.iat_sum = 0.0
        self.iat_sumsq = 0.0
        self.last_ts = math.nan
        if room_id not in self.rooms:
            self.n_rooms += 1
            kept = self.rooms if len(self.rooms) < self.max_rooms else self.rooms[1:]
            self.rooms = (*kept, room_id)
        return True


class AccountRegistry:
    """Least-recently-used table of :class:`AccountState`.

    Args:
        max_accounts: Capacity; the least recently touched account is forgotten first.
        max_rooms_per_account: Room ids remembered per account.

    Raises:
        ValueError: If a capacity is smaller than 1.
    """

    def __init__(self, max_accounts: int = 500_000, max_rooms_per_account: int = 32) -> None:
        if max_accounts < 1 or max_rooms_per_account < 1:
            raise ValueError(
                f"max_accounts={max_accounts} and max_rooms_per_account="
                f"{max_rooms_per_account} must both be >= 1"
            )
        self.max_accounts = max_accounts
        self.max_rooms_per_account = max_rooms_per_account
        self._table: LRUDict[str, AccountState] = LRUDict(max_accounts)

    def __len__(self) -> int:
        return len(self._table)

    def __contains__(self, user_id: object) -> bool:
        return user_id in self._table

    def touch(self, user_id: str) -> AccountState:
        """Return the state of ``user_id``, creating it, and mark it most recently used.

        Args:
            user_id: Account id.

        Returns:
            The (possibly new) state.
        """
        table = self._table
        state = table.get(user_id)  # LRUDict.get_touch, inlined: called per account and room
        if state is None:
            state = AccountState(max_rooms=self.max_rooms_per_account)
            table.put(user_id, state)
        else:
            table.move_to_end(user_id)
        return state

    def clear(self) -> None:
        """Forget every account."""
        self._table.clear()


class RoomStarts:
    """Bounded memory of each room's earliest timestamp (for account-age proxies).

    Args:
        max_rooms: Capacity (least recently updated room forgotten first).

    Raises:
        ValueError: If ``max_rooms`` < 1.
    """

    def __init__(self, max_rooms: int = 100_000) -> None:
        if max_rooms < 1:
            raise ValueError(f"max_rooms={max_rooms} must be >= 1")
        self.max_rooms = max_rooms
        self._starts: LRUDict[str, float] = LRUDict(max_rooms)

    def update(self, room_id: str, start: float) -> float:
        """Record ``start`` for ``room_id`` and return the earliest start seen.

        Args:
            room_id: Room id.
            start: Earliest timestamp of the current batch (NaN if untimed).

        Returns:
            The earliest start known for the room (NaN if none).
        """
        return self.update_many([room_id], [start])[0]

    def update_many(self, room_ids: Sequence[str], starts: Sequence[float]) -> list[float]:
        """:meth:`update` each room in turn (one call for a group's rooms).

        Args:
            room_ids: Room ids.
            starts: Earliest timestamp of each room's current batch (NaN if untimed).

        Returns:
            The earliest start known for each room (NaN if none).
        """
        table = self._starts
        get, put, isnan = table.get, table.put, math.isnan
        out = []
        for room_id, start in zip(room_ids, starts, strict=True):
            prev = get(room_id, math.nan)
            best = start if isnan(prev) else (prev if isnan(start) else min(prev, start))
            put(room_id, best)  # marks the room most recently updated
            out.append(best)
        return out

    def clear(self) -> None:
        """Forget every room."""
        self._starts.clear()
