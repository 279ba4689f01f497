"""Shared text machinery of the near-duplicate and template detectors.

Character n-gram shingles of a normal form, exact Jaccard, and a bounded MinHash LSH
index of cluster "leaders" (the first text of each cluster) with exact verification of
every candidate. Both detectors use it: the duplicate detector on normal forms, the
template detector on slot-masked skeletons.

Example:
    >>> idx = NearIndex(threshold=0.6, capacity=100)
    >>> sh = char_shingles("主播今天好美啊")
    >>> idx.add(1, "主播今天好美啊", sh, idx.minhash(sh))
    >>> idx.find("主播今天好美呀", char_shingles("主播今天好美呀"))
    1
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from itertools import pairwise
from typing import TypeVar

import numpy as np
from datasketch import MinHash, MinHashLSH

logger = logging.getLogger(__name__)

K = TypeVar("K")
V = TypeVar("V")

_CP_BITS = 21  # Unicode code points fit in 21 bits; three fit in one uint64.


def _identity(value: int) -> int:
    """Hash function for datasketch: shingles are already ints (datasketch pre-mixes them)."""
    return value


def char_shingles(text: str, ngram_range: tuple[int, int] = (1, 3)) -> set[int]:
    """Return the character n-gram shingles of a text as packed ints.

    Each n-gram (n <= 3) is packed from its code points (+1, so no n-gram collides with
    a shorter one), which is deterministic across processes (unlike ``hash``).
    A text shorter than the smallest n yields the whole string as its one shingle, and
    the empty text yields ``{0}``, so no text has an empty signature.

    Args:
        text: A normal form (characters, no tokenisation: CJK has no spaces).
        ngram_range: Smallest and largest n, each in 1..3.

    Returns:
        The set of packed shingles.

    Raises:
        ValueError: If ``ngram_range`` is not within 1..3 or is reversed.

    Example:
        >>> sorted(char_shingles("ab")) == sorted({98, 99, (98 << 21) | 99})
        True
        >>> len(char_shingles("a", (3, 3)))
        1
    """
    lo, hi = ngram_range
    if not 1 <= lo <= hi <= 3:
        raise ValueError(f"ngram_range {ngram_range!r} must satisfy 1 <= min <= max <= 3")
    codes = [ord(ch) + 1 for ch in text]
    if len(codes) < lo:
        return {_pack(codes)}
    out: set[int] = set()
    if lo <= 1:
        out.update(codes)
    if lo <= 2 <= hi:
        out.update([(a << _CP_BITS) | b for a, b in pairwise(codes)])
    if hi >= 3:
        out.update(
            [(a << (2 * _CP_BITS)) | (b << _CP_BITS) | c
             for a, b, c in zip(codes, codes[1:], codes[2:], strict=False)]
        )
    return out


def _pack(codes: list[int]) -> int:
    """Pack a short code list (< 3 items) into one int; empty -> 0."""
    value = 0
    for c in codes:
        value = (value << _CP_BITS) | c
    return value


def jaccard(a: set[int], b: set[int]) -> float:
    """Exact Jaccard similarity of two shingle sets (1.0 for two empty sets).

    Args:
        a: First set.
        b: Second set.

    Returns:
        |a & b| / |a | b|.
    """
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


class NearIndex:
    """Bounded MinHash LSH index of leader texts with exact verification.

    Keys are ints (cluster / template ids). Each key stores its leader text; candidates
    returned by LSH are verified by exact Jaccard of recomputed shingles, so LSH only
    decides *which* pairs are compared. When more than ``capacity`` keys are stored the
    least recently used one is removed (``touch`` marks use).

    Args:
        threshold: Minimum exact Jaccard for a match; also the LSH design threshold.
        capacity: Maximum number of keys kept (memory bound).
        num_perm: MinHash permutations.
        ngram_range: Shingle n-gram range used to re-shingle leaders.
        recall_weight: Weight of false negatives in datasketch's band optimiser (0..1);
            high favours recall, which is cheap because every candidate is verified.
        shingle_cache: Leaders whose shingle sets are cached for verification.

    Raises:
        ValueError: On a threshold outside (0, 1], capacity < 1 or bad weights.
    """

    def __init__(
        self,
        threshold: float = 0.6,
        capacity: int = 30_000,
        num_perm: int = 32,
        ngram_range: tuple[int, int] = (1, 3),
        recall_weight: float = 0.8,
        shingle_cache: int = 2048,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold {threshold!r} must be in (0, 1]; 0.6 is a good start")
        if capacity < 1:
            raise ValueError(f"capacity {capacity!r} must be >= 1")
        if not 0.0 < recall_weight < 1.0:
            raise ValueError(f"recall_weight {recall_weight!r} must be strictly between 0 and 1")
        self.threshold = threshold
        self.capacity = capacity
        self.num_perm = num_perm
        self.ngram_range = ngram_range
        self._lsh = MinHashLSH(
            threshold=threshold,
            num_perm=num_perm,
            weights=(1.0 - recall_weight, recall_weight),
        )
        self._leaders: OrderedDict[int, tuple[str, int]] = OrderedDict()  # text, |shingles|
        # Shingles of recently matched leaders, so hot leaders are not re-shingled.
        self._shingle_cache: LRUDict[int, set[int]] = LRUDict(shingle_cache)
        self._base = MinHash(num_perm=num_perm, hashfunc=_identity, scheme="affine64")

    def __len__(self) -> int:
        return len(self._leaders)

    def __contains__(self, key: int) -> bool:
        return key in self._leaders

    def minhash(self, shingles: Iterable[int]) -> MinHash:
        """MinHash of one shingle set (copies a prepared base, no permutation rebuild).

        Args:
            shingles: Packed shingles from :func:`char_shingles`.

        Returns:
            The MinHash.
        """
        m = self._base.copy()
        m.update_batch(list(shingles))
        return m

    def minhashes(self, shingle_sets: Iterable[Iterable[int]]) -> Iterator[MinHash]:
        """MinHashes of many shingle sets via ``MinHash.generator``.

        Args:
            shingle_sets: One iterable of packed shingles per text.

        Returns:
            A generator of MinHashes, same order.
        """
        return MinHash.generator(
            (list(s) for s in shingle_sets),
            num_perm=self.num_perm,
            hashfunc=_identity,
            scheme="affine64",
        )

    def find(self, text: str, shingles: set[int], minhash: MinHash | None = None) -> int | None:
        """Return the key of the most similar verified leader, or None.

        Args:
            text: The query text (an exact leader match short-cuts nothing; it verifies).
            shingles: Its shingles.
            minhash: Its MinHash, computed here when omitted.

        Returns:
            Key of the leader with the highest exact Jaccard >= threshold (ties: lowest
            key), or None.
        """
        if not self._leaders:
            return None
        m = minhash if minhash is not None else self.minhash(shingles)
        best_key: int | None = None
        best_sim = -1.0
        size = len(shingles)
        for key in self._lsh.query(m):
            entry = self._leaders.get(key)
            # Jaccard <= min(|A|, |B|) / max(|A|, |B|): skip pairs whose sizes differ too much.
            if entry is None or min(size, entry[1]) < self.threshold * max(size, entry[1]):
                continue
            sim = jaccard(shingles, self._leader_shingles(key, entry[0]))
            if sim >= self.threshold and (
                sim > best_sim or (sim == best_sim and best_key is not None and key < best_key)
            ):
                best_key, best_sim = key, sim
        return best_key

    def _leader_shingles(self, key: int, leader: str) -> set[int]:
        """Shingles of a leader, from the bounded cache or recomputed."""
        cached = self._shingle_cache.get_touch(key)
        if cached is None:
            cached = char_shingles(leader, self.ngram_range)
            self._shingle_cache.put(key, cached)
        return cached

    def add(self, key: int, text: str, shingles: set[int], minhash: MinHash | None = None) -> None:
        """Store a new leader, evicting the least recently used one beyond capacity.

        Args:
            key: New unique key.
            text: Leader text.
            shingles: Its shingles (used when ``minhash`` is omitted).
            minhash: Its MinHash.

        Raises:
            ValueError: If the key is already stored.
        """
        if key in self._leaders:
            raise ValueError(f"key {key} is already indexed; keys must be unique")
        self._lsh.insert(key, minhash if minhash is not None else self.minhash(shingles))
        self._leaders[key] = (text, len(shingles))
        while len(self._leaders) > self.capacity:
            old, _ = self._leaders.popitem(last=False)
            self._lsh.remove(old)
            self._shingle_cache.pop(old, None)

    def touch(self, key: int) -> None:
        """Mark a key as recently used (no-op when it was evicted).

        Args:
            key: The key.
        """
        if key in self._leaders:
            self._leaders.move_to_end(key)


class LRUDict(OrderedDict[K, V]):
    """An ordered dict that keeps at most ``capacity`` items, dropping the oldest.

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
        """Return the value for ``key`` (None if absent) and mark it recently used."""
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        """Insert or replace an item, evicting the oldest beyond capacity."""
        if key in self:
            self.move_to_end(key)
        self[key] = value
        if len(self) > self.capacity:
            self.popitem(last=False)


class RoomTracker:
    """Remembers, per key (cluster / template id), the rooms it appeared in (bounded).

    Args:
        capacity: Keys remembered (least recently recorded dropped first).
        max_rooms: Rooms remembered per key; counts saturate there.

    Raises:
        ValueError: If a bound is < 1.

    Example:
        >>> rt = RoomTracker(capacity=10, max_rooms=5)
        >>> rt.record("a", [1, 2]).tolist(), rt.record("b", [1]).tolist()
        ([0.0, 0.0], [1.0])
    """

    def __init__(self, capacity: int, max_rooms: int) -> None:
        if max_rooms < 1:
            raise ValueError(f"max_rooms {max_rooms!r} must be >= 1")
        self.max_rooms = max_rooms
        self._rooms: LRUDict[int, set[str]] = LRUDict(capacity)

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
        counts: list[float] = []
        for key in keys:
            rooms = self._rooms.get_touch(key)
            if rooms is None:
                rooms = set()
                self._rooms.put(key, rooms)
            if room_id not in rooms and len(rooms) < self.max_rooms:
                rooms.add(room_id)
            counts.append(float(len(rooms) - (room_id in rooms)))
        return np.asarray(counts, dtype=np.float64)
