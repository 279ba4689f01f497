"""Bounded MinHash LSH index of cluster leaders with exact verification.

The near-duplicate detector (on normal forms) and the template detector (on
slot-masked skeletons) both cluster texts by looking each new text up among the
"leaders" (first text) of the known clusters: LSH proposes candidates, exact Jaccard
of the shingle sets (:mod:`botcomments.detectors.minhash`) decides. datasketch's
``MinHashLSH`` optimiser chooses the bands; the band tables are kept here as plain
dicts of ints instead of datasketch's set-per-bucket storage (a fraction of the memory
and nothing for the garbage collector to scan), and leaders are evicted least recently
used first (:class:`~botcomments.detectors.lru.LRUDict`).

Example:
    >>> from botcomments.detectors.minhash import char_shingles
    >>> idx = NearIndex(threshold=0.6, capacity=100)
    >>> sh = char_shingles("主播今天好美啊")
    >>> idx.add(1, "主播今天好美啊", sh, idx.minhash(sh))
    >>> idx.find("主播今天好美呀", char_shingles("主播今天好美呀"))
    1
"""

from __future__ import annotations

import functools
from array import array
from collections.abc import Collection, Iterable, Sequence

import numpy as np
from datasketch import MinHashLSH

from botcomments.detectors.lru import LRUDict
from botcomments.detectors.minhash import (
    Signature,
    Sketch,
    band_keys,
    char_shingles,
    minhash_matrix,
    new_permutations,
)


@functools.lru_cache(maxsize=64)
def lsh_bands(threshold: float, num_perm: int, recall_weight: float) -> tuple[int, int]:
    """Bands ``(b, r)`` datasketch's optimiser chooses for a threshold (cached).

    The optimiser integrates numerically (~6 ms); detectors are rebuilt on every reset
    (each ``Scorer.score`` call, each live-session rescoring), so it runs once per setting.

    Args:
        threshold: Jaccard similarity threshold.
        num_perm: MinHash permutations.
        recall_weight: Weight of false negatives (false positives get the rest).

    Returns:
        ``(b, r)``: b bands of r rows.
    """
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm,
                     weights=(1.0 - recall_weight, recall_weight))
    return int(lsh.b), int(lsh.r)

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
        self._n_bands, self._width = lsh_bands(threshold, num_perm, recall_weight)
        # key -> (leader text, leader shingles, leader band keys as bytes)
        self._leaders: LRUDict[int, tuple[str, array[int], bytes]] = LRUDict(capacity)
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

    def sketches(self, texts: Sequence[str], ngram_range: tuple[int, int] = (1, 3)
                 ) -> dict[str, tuple[set[int], Signature]]:
        """Shingles and MinHash of each text, all MinHashes in one pass.

        Args:
            texts: Distinct non-empty texts.
            ngram_range: Character n-gram range of the shingles.

        Returns:
            Text -> (shingles, signature); empty without texts (no numpy call).
        """
        if not texts:
            return {}
        shingles = [char_shingles(t, ngram_range) for t in texts]
        return dict(zip(texts, zip(shingles, self.minhashes(shingles), strict=True),
                        strict=True))

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
        evicted = self._leaders.put(
            key, (text, array("Q", shingles), array("Q", bands).tobytes())
        )
        if evicted is not None:
            old, (_, _, packed) = evicted
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
        self._leaders.touch(key)

    def touch_many(self, keys: Iterable[int]) -> None:
        """``touch`` each key, in order.

        Args:
            keys: The keys (evicted ones are skipped).
        """
        self._leaders.touch_many(keys)
