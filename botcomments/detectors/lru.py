"""The one bounded least-recently-used store of the detectors' cross-room memory.

Every detector keeps state across rooms (known texts, cluster leaders, templates,
accounts, room starts, rooms per cluster), and every such table must stay within a
fixed capacity whether the input is one huge room or many small ones. :class:`LRUDict`
is that table: an ``OrderedDict`` ordered by recency (the first item is the least
recently used) with the touch / bounded-insert operations the detectors use, so the
eviction rule is written once. ``functools.lru_cache`` memoises a function and cannot
report what it evicted; the stores here hold state, and one (the LSH index) must undo
its side tables for each evicted key.

Example:
    >>> d: LRUDict[str, int] = LRUDict(2)
    >>> d.put("a", 1), d.put("b", 2)
    (None, None)
    >>> d.get_touch("a")
    1
    >>> d.put("c", 3)  # "b" is now the least recently used
    ('b', 2)
    >>> list(d)
    ['a', 'c']
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LRUDict(OrderedDict[K, V]):
    """An ordered dict that keeps at most ``capacity`` items, dropping the least recently used.

    Iteration order is recency, least recently used first. :meth:`get_touch`,
    :meth:`touch` and :meth:`put` mark an item used; the plain mapping reads (``get``,
    ``in``, ``[]``) do not. :meth:`put` is the bounded insert: it evicts the least
    recently used item when the table overflows. Plain item assignment is not bounded;
    use it only to replace the value of a key that is already stored (its position is
    kept). Values must not be None: the ``get_touch`` methods return None for "absent".

    Args:
        capacity: Maximum number of items.

    Raises:
        ValueError: If ``capacity`` < 1.
    """

    def __init__(self, capacity: int) -> None:
        super().__init__()
        if capacity < 1:
            raise ValueError(f"capacity {capacity!r} must be >= 1")
        self.capacity = capacity

    def get_touch(self, key: K) -> V | None:
        """Return the value for ``key`` and mark it most recently used.

        Args:
            key: The key.

        Returns:
            Its value, or None if it is not stored (nothing is touched then).
        """
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value

    def get_touch_many(self, keys: Iterable[K]) -> list[V | None]:
        """``get_touch`` each key, in order (one call for a room's distinct texts).

        Args:
            keys: The keys.

        Returns:
            One value per key, None where absent.
        """
        get, to_end = self.get, self.move_to_end
        out: list[V | None] = []
        for key in keys:
            value = get(key)
            if value is not None:
                to_end(key)
            out.append(value)
        return out

    def touch(self, key: K) -> bool:
        """Mark ``key`` most recently used if it is stored.

        Args:
            key: The key (an absent or evicted one is skipped).

        Returns:
            Whether the key was stored.
        """
        if key in self:
            self.move_to_end(key)
            return True
        return False

    def touch_many(self, keys: Iterable[K]) -> None:
        """``touch`` each key, in order.

        Args:
            keys: The keys (absent or evicted ones are skipped).
        """
        to_end = self.move_to_end
        for key in keys:
            if key in self:
                to_end(key)

    def put(self, key: K, value: V) -> tuple[K, V] | None:
        """Insert or replace an item, mark it most recently used, evict beyond capacity.

        Args:
            key: The key.
            value: Its value (not None).

        Returns:
            The evicted ``(key, value)`` (the least recently used item) when the table
            overflowed, else None. Every insert goes through here, so at most one item
            is ever over capacity.
        """
        if key in self:
            self.move_to_end(key)
        self[key] = value
        if len(self) > self.capacity:
            return self.popitem(last=False)
        return None
