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
from collections.abc import Container, Iterable, Iterator, Sequence
from itertools import pairwise
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


def known_runs(bounds: Sequence[int], keys: Sequence[K], table: Container[K]
               ) -> Iterator[tuple[int, int]]:
    """Segments of ``keys`` to handle in turn, consecutive all-known segments merged.

    A detector handles a group's rooms segment by segment (``keys[bounds[i]:bounds[i+1]]``,
    a room's distinct texts) because new keys change its tables, and its tables must
    end up as if each room came alone. A segment whose keys are all stored only touches
    them (no insert, no eviction), so a run of such segments is the same sequence of
    touches as one call over the run: yielded as one ``(start, stop)``. A segment with
    a key not stored is yielded alone. Lazy: each segment is checked after everything
    yielded before it but a run of known segments has been handled (which leaves the
    membership of every key unchanged), so handle each pair before asking for the next.

    Args:
        bounds: Offsets of the segments in ``keys`` (one more than segments).
        keys: The keys, segment after segment.
        table: What is stored now (``in`` does not touch).

    Yields:
        ``(start, stop)`` offsets in ``keys``, covering them in order (empty segments
        fold into runs; a run may be empty only when there are no keys).

    Example:
        >>> list(known_runs([0, 1, 2, 4, 5], ["a", "b", "x", "a", "b"], {"a", "b"}))
        [(0, 2), (2, 4), (4, 5)]
    """
    if not bounds:
        return
    start = bounds[0]
    contains = table.__contains__
    for a, b in pairwise(bounds):
        if all(map(contains, keys[a:b])):
            continue  # known: joins the current run
        if start < a:
            yield start, a
        yield a, b
        start = b
    if start < bounds[-1]:
        yield start, bounds[-1]
