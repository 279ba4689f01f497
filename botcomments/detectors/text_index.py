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
from array import array
from collections import OrderedDict
from collections.abc import Collection, Iterable, Sequence
from itertools import chain, pairwise
from typing import TypeAlias, TypeVar

import numpy as np
from datasketch import MinHash, MinHashLSH
from datasketch.minhash import _fmix

logger = logging.getLogger(__name__)

K = TypeVar("K")
V = TypeVar("V")

_CP_BITS = 21  # Unicode code points fit in 21 bits; three fit in one uint64.
_SCHEME = "affine64"
_MINHASH_CHUNK = 1 << 15  # shingles hashed per numpy pass (bounds the temporary matrix)


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


def jaccard(a: set[int], b: Collection[int]) -> float:
    """Exact Jaccard similarity of two shingle sets (1.0 for two empty sets).

    Args:
        a: First set.
        b: Second set, or any collection of distinct items (e.g. an ``array`` made
            from a set), so stored leaders need not be turned back into sets.

    Returns:
        |a & b| / |a | b|.
    """
    if not a and not b:
        return 1.0
    inter = len(a.intersection(b))
    return inter / (len(a) + len(b) - inter)


def minhash_matrix(sets: Sequence[Collection[int]], permutations: np.ndarray) -> np.ndarray:
    """MinHash values of many integer sets in a few numpy passes (``affine64`` scheme).

    Equal, value for value, to datasketch's ``MinHash(scheme="affine64",
    hashfunc=identity, permutations=permutations)`` after ``update_batch(set)`` (the
    same MurmurHash3 pre-mix, then ``a * h + b`` modulo 2**64, then the minimum), which
    a test checks; sets are processed in chunks so the temporary matrix stays small.

    Args:
        sets: One non-empty collection of non-negative ints below 2**64 per item.
        permutations: (2, num_perm) uint64 array ``[a, b]`` of a datasketch MinHash.

    Returns:
        (len(sets), num_perm) uint64 matrix; row i is the MinHash of set i.

    Raises:
        ValueError: If a set is empty (it has no MinHash).
    """
    a, b = permutations
    k = len(sets)
    out = np.empty((k, len(a)), dtype=np.uint64)
    lengths = np.fromiter(map(len, sets), dtype=np.int64, count=k)
    if k and lengths.min() == 0:
        raise ValueError("every set must be non-empty to have a MinHash; use char_shingles")
    ends = np.cumsum(lengths)
    lo = 0
    while lo < k:
        # Take sets until about _MINHASH_CHUNK items are gathered (at least one set).
        done = int(ends[lo - 1]) if lo else 0
        hi = max(lo + 1, int(np.searchsorted(ends, done + _MINHASH_CHUNK, side="right")))
        chunk_len = lengths[lo:hi]
        flat = np.fromiter(chain.from_iterable(sets[lo:hi]), dtype=np.uint64,
                           count=int(chunk_len.sum()))
        phv = _fmix(flat, 64)[:, None] * a[None, :] + b[None, :]
        starts = np.zeros(len(chunk_len), dtype=np.int64)
        np.cumsum(chunk_len[:-1], out=starts[1:])
        out[lo:hi] = np.minimum.reduceat(phv, starts, axis=0)
        lo = hi
    return out


def new_permutations(num_perm: int) -> np.ndarray:
    """Permutation parameters of a datasketch ``affine64`` MinHash (seed 1).

    Args:
        num_perm: Number of permutations.

    Returns:
        (2, num_perm) uint64 array for :func:`minhash_matrix`.
    """
    return np.asarray(MinHash(num_perm=num_perm, hashfunc=_identity, scheme=_SCHEME).permutations)


_FOLD_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant (golden ratio)


def band_keys(rows: np.ndarray, n_bands: int, width: int) -> np.ndarray:
    """Fold each LSH band of each MinHash row into one uint64 key.

    Band ``i`` is the values ``rows[:, i * width:(i + 1) * width]`` (datasketch's
    ``MinHashLSH.hashranges``); two rows agree on a band exactly when their values do,
    up to a 2**-64 chance of a fold collision, which only adds a candidate that exact
    verification then rejects.

    Args:
        rows: (k, num_perm) uint64 MinHash matrix.
        n_bands: Number of bands (``MinHashLSH.b``).
        width: Rows per band (``MinHashLSH.r``).

    Returns:
        (k, n_bands) uint64 band keys.
    """
    k = rows.shape[0]
    blocks = rows[:, : n_bands * width].reshape(k, n_bands, width)
    folded = blocks[:, :, 0].copy()
    for j in range(1, width):
        folded *= _FOLD_MULT
        folded += blocks[:, :, j]
    return folded


class Signature:
    """MinHash values of one set, in the form datasketch's LSH reads.

    ``MinHashLSH.insert`` / ``query`` only read ``len(m)``, ``m.hashvalues`` and
    ``m.scheme``; this slotted holder carries exactly that without the per-object
    validation of ``MinHash`` / ``LeanMinHash`` (which costs more than the hashing).
    ``bands`` optionally holds the band keys of one index (see
    :meth:`NearIndex.minhashes`), so look-ups and inserts skip re-deriving them.

    Args:
        hashvalues: uint64 MinHash values of the ``affine64`` scheme.
        bands: Band keys (:func:`band_keys`) for the index that made them, or None.
    """

    __slots__ = ("bands", "hashvalues")
    scheme = _SCHEME

    def __init__(self, hashvalues: np.ndarray, bands: list[int] | None = None) -> None:
        self.hashvalues = hashvalues
        self.bands = bands

    def __len__(self) -> int:
        return len(self.hashvalues)


Sketch: TypeAlias = "MinHash | Signature"
"""Anything the index accepts as a MinHash."""


class NearIndex:
    """Bounded MinHash LSH index of leader texts with exact verification.

    Keys are ints (cluster / template ids). Each key stores its leader text and the
    leader's shingles (a compact ``array('Q')``, so verification never re-shingles);
    candidates returned by LSH are verified by exact Jaccard, so LSH only decides
    *which* pairs are compared. datasketch chooses the bands (``MinHashLSH``'s
    optimiser) and defines the MinHash (:func:`minhash_matrix` equals it); the band
    tables are plain dicts from a folded band key (:func:`band_keys`) to the leader
    key(s), a fraction of the memory of datasketch's set-per-bucket storage and
    nothing for the garbage collector to scan. When more than ``capacity`` keys are
    stored the least recently used one is removed (``touch`` marks use).

    Args:
        threshold: Minimum exact Jaccard for a match; also the LSH design threshold.
        capacity: Maximum number of keys kept (memory bound).
        num_perm: MinHash permutations.
        ngram_range: Shingle n-gram range the caller uses (kept for reference).
        recall_weight: Weight of false negatives in datasketch's band optimiser (0..1);
            high favours recall, which is cheap because every candidate is verified.

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
        # datasketch's optimiser chooses the bands (b bands of r rows) for the threshold.
        lsh = MinHashLSH(
            threshold=threshold,
            num_perm=num_perm,
            weights=(1.0 - recall_weight, recall_weight),
        )
        self._n_bands, self._width = lsh.b, lsh.r
        # key -> (leader text, leader shingles, leader band keys as bytes)
        self._leaders: OrderedDict[int, tuple[str, array[int], bytes]] = OrderedDict()
        # one table per band: band key -> leader key, or a tuple of leader keys
        self._tables: list[dict[int, int | tuple[int, ...]]] = [
            {} for _ in range(self._n_bands)
        ]
        self._permutations = new_permutations(num_perm)

    def __len__(self) -> int:
        return len(self._leaders)

    def __contains__(self, key: int) -> bool:
        return key in self._leaders

    def minhash(self, shingles: Iterable[int]) -> Signature:
        """MinHash of one shingle set (see :meth:`minhashes`).

        Args:
            shingles: Packed shingles from :func:`char_shingles`.

        Returns:
            The MinHash.
        """
        return self.minhashes([list(shingles)])[0]

    def minhashes(self, shingle_sets: Sequence[Collection[int]]) -> list[Signature]:
        """MinHashes of many shingle sets, with their band keys, in a few numpy passes.

        Bit-identical to datasketch's ``MinHash(scheme="affine64")`` fed the same ints
        through ``update_batch`` (same permutations, same pre-mix; tested), but one
        vectorised pass over all sets instead of a dozen numpy calls per set. Each
        signature also carries this index's band keys (:func:`band_keys`).

        Args:
            shingle_sets: One non-empty collection of packed shingles per text.

        Returns:
            One signature per set, same order.
        """
        rows = self.hash_matrix(shingle_sets)
        keys = band_keys(rows, self._n_bands, self._width).tolist()
        return [Signature(row, bands) for row, bands in zip(rows, keys, strict=True)]

    def hash_matrix(self, shingle_sets: Sequence[Collection[int]]) -> np.ndarray:
        """MinHash values of many shingle sets as a (k, num_perm) uint64 matrix.

        Args:
            shingle_sets: One non-empty collection of packed shingles per text.

        Returns:
            Row i holds the MinHash values of set i.

        Raises:
            ValueError: If a set is empty (it has no MinHash).
        """
        return minhash_matrix(shingle_sets, self._permutations)

    def _bands_of(self, minhash: Sketch) -> list[int]:
        bands = getattr(minhash, "bands", None)
        if bands is None:
            row = np.asarray(minhash.hashvalues, dtype=np.uint64)[None, :]
            bands = band_keys(row, self._n_bands, self._width)[0].tolist()
        return bands

    def candidates(self, minhash: Sketch) -> set[int]:
        """Keys sharing at least one band with ``minhash`` (unverified LSH candidates).

        The same keys datasketch's ``MinHashLSH.query`` returns for the same bands
        (a test checks it); the band tables are plain dicts of ints, which cost a
        fraction of datasketch's set-per-bucket storage and nothing to Python's
        garbage collector.

        Args:
            minhash: A MinHash or signature of ``num_perm`` values.

        Returns:
            The candidate keys.
        """
        out: set[int] = set()
        for band, table in zip(self._bands_of(minhash), self._tables, strict=True):
            hit = table.get(band)
            if hit is None:
                continue
            if isinstance(hit, int):
                out.add(hit)
            else:
                out.update(hit)
        return out

    def find(self, text: str, shingles: set[int], minhash: Sketch | None = None
             ) -> int | None:
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
        threshold = self.threshold
        leader_of = self._leaders.get
        intersection = shingles.intersection
        for key in self.candidates(m):
            entry = leader_of(key)
            if entry is None:
                continue
            leader = entry[1]
            other = len(leader)
            # Jaccard <= min(|A|, |B|) / max(|A|, |B|): skip pairs whose sizes differ too much.
            if (size < threshold * other) if size < other else (other < threshold * size):
                continue
            inter = len(intersection(leader))  # jaccard(), inlined: this loop is hot
            sim = inter / (size + other - inter) if size or other else 1.0
            if sim >= threshold and (
                sim > best_sim or (sim == best_sim and best_key is not None and key < best_key)
            ):
                best_key, best_sim = key, sim
        return best_key

    def add(self, key: int, text: str, shingles: set[int],
            minhash: Sketch | None = None) -> None:
        """Store a new leader, evicting the least recently used one beyond capacity.

        Args:
            key: New unique key.
            text: Leader text.
            shingles: Its shingles.
            minhash: Its MinHash (computed here when omitted).

        Raises:
            ValueError: If the key is already stored.
        """
        if key in self._leaders:
            raise ValueError(f"key {key} is already indexed; keys must be unique")
        m = minhash if minhash is not None else self.minhash(shingles)
        bands = self._bands_of(m)
        for band, table in zip(bands, self._tables, strict=True):
            hit = table.get(band)
            if hit is None:
                table[band] = key
            elif isinstance(hit, int):
                table[band] = (hit, key)
            else:
                table[band] = (*hit, key)
        self._leaders[key] = (text, array("Q", shingles), array("Q", bands).tobytes())
        while len(self._leaders) > self.capacity:
            old, (_, _, packed) = self._leaders.popitem(last=False)
            self._unlink(old, array("Q", packed))

    def _unlink(self, key: int, bands: Iterable[int]) -> None:
        """Remove ``key`` from the band tables."""
        for band, table in zip(bands, self._tables, strict=True):
            hit = table.get(band)
            if hit == key:
                del table[band]
            elif isinstance(hit, tuple) and key in hit:
                if len(hit) == 2:
                    table[band] = hit[1] if hit[0] == key else hit[0]
                else:
                    i = hit.index(key)  # keys are unique within a bucket
                    table[band] = hit[:i] + hit[i + 1:]

    def touch(self, key: int) -> None:
        """Mark a key as recently used (no-op when it was evicted).

        Args:
            key: The key.
        """
        if key in self._leaders:
            self._leaders.move_to_end(key)

    def touch_many(self, keys: Iterable[int]) -> None:
        """``touch`` each key, in order.

        Args:
            keys: The keys (evicted ones are skipped).
        """
        leaders = self._leaders
        to_end = leaders.move_to_end
        for key in keys:
            if key in leaders:
                to_end(key)


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

    def put(self, key: K, value: V) -> None:
        """Insert or replace an item, evicting the oldest beyond capacity."""
        if key in self:
            self.move_to_end(key)
        self[key] = value
        if len(self) > self.capacity:
            self.popitem(last=False)


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

    Example:
        >>> rt = RoomTracker(capacity=10, max_rooms=5)
        >>> rt.record("a", [1, 2]).tolist(), rt.record("b", [1]).tolist()
        ([0.0, 0.0], [1.0])
    """

    def __init__(self, capacity: int, max_rooms: int) -> None:
        if capacity < 1:
            raise ValueError(f"capacity {capacity!r} must be >= 1")
        if max_rooms < 1:
            raise ValueError(f"max_rooms {max_rooms!r} must be >= 1")
        self.capacity = capacity
        self.max_rooms = max_rooms
        self._rooms: OrderedDict[int, tuple[str, ...]] = OrderedDict()
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
        counts: list[int] = []
        table = self._rooms
        get, to_end = table.get, table.move_to_end
        max_rooms = self.max_rooms
        stored_in = self._stored_in
        # A tuple holds room_id only if it did before this call (then room_id is in
        # stored_in) or its key was already recorded in this call (a repeated key).
        maybe_stored = room_id in stored_in
        this_call: set[int] = set()
        for key in keys:
            rooms = get(key)
            if rooms is None:
                table[key] = (room_id,)
                stored_in[room_id] = stored_in.get(room_id, 0) + 1
                this_call.add(key)
                if len(table) > self.capacity:  # evict now: a later key may be the oldest
                    self._evict()
                counts.append(0)
                continue
            to_end(key)
            n = len(rooms)
            if (maybe_stored or key in this_call) and room_id in rooms:
                counts.append(n - 1)
            else:
                counts.append(n)  # other rooms, whether or not it is stored
                if n < max_rooms:
                    table[key] = (*rooms, room_id)
                    stored_in[room_id] = stored_in.get(room_id, 0) + 1
                    this_call.add(key)
        return np.asarray(counts, dtype=np.float64)

    def _evict(self) -> None:
        """Drop the least recently recorded keys beyond capacity (and their room counts)."""
        table, stored_in = self._rooms, self._stored_in
        while len(table) > self.capacity:
            _, rooms = table.popitem(last=False)
            for room in rooms:
                left = stored_in[room] - 1
                if left:
                    stored_in[room] = left
                else:
                    del stored_in[room]
