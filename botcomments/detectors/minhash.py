"""Character shingles, exact Jaccard and vectorised MinHash of shingle sets.

The text-similarity primitives shared by the near-duplicate and template detectors
(through :class:`~botcomments.detectors.near_index.NearIndex`) and the lockstep search
of the timing detector. A normal form becomes a set of packed character n-gram ints
(:func:`char_shingles`); a set's MinHash is computed for many sets in a few numpy
passes (:func:`minhash_matrix`) and its LSH bands are folded into one uint64 each
(:func:`band_keys`).

datasketch defines the MinHash: the ``affine64`` permutations come from its
``MinHash`` (:func:`new_permutations`), its MurmurHash3 pre-mix is reused, and the
values equal its ``MinHash.update_batch`` (a test checks it). The hashing itself is
done here because datasketch hashes one set per call with a dozen numpy calls, and its
``MinHash`` / ``LeanMinHash`` objects validate more than the hashing costs
(:class:`Signature` carries the values instead).

Example:
    >>> sh = char_shingles("主播今天好美啊")
    >>> round(jaccard(sh, char_shingles("主播今天好美呀")), 3)
    0.714
    >>> minhash_matrix([sh], new_permutations(8)).shape
    (1, 8)
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from itertools import chain, pairwise
from typing import TypeAlias

import numpy as np
from datasketch import MinHash
from datasketch.minhash import _fmix

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
    :meth:`~botcomments.detectors.near_index.NearIndex.minhashes`), so look-ups and
    inserts skip re-deriving them.

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
"""Anything :class:`~botcomments.detectors.near_index.NearIndex` accepts as a MinHash."""

