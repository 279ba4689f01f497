"""Deterministic account ids: pools reused across rooms without storing them.

An account id is a keyed hash of (seed, namespace, key, index), so "fan 17 of host 3"
or "account 250 of bot service 5" is the same id in every room of a run, while
one-off viewers get fresh ids. All classes share one id format (numeric strings of
similar length), so the id itself says nothing about the label.

Example:
    >>> import numpy as np
    >>> a = account_ids(7, Namespace.FAN, 3, np.arange(3))
    >>> bool((a == account_ids(7, Namespace.FAN, 3, np.arange(3))).all())
    True
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

_ID_LOW = 10**9


class Namespace(IntEnum):
    """Id spaces; the value is mixed into the hash."""

    FAN = 1
    ONE_OFF = 2
    SERVICE = 3
    SQUAD = 4
    FRESH_BOT = 5
    VIEWER = 6


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser on a uint64 array (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return np.asarray(z ^ (z >> np.uint64(31)), dtype=np.uint64)


def account_ids(seed: int, namespace: Namespace, key: int, index: np.ndarray) -> np.ndarray:
    """Map pool indices to stable numeric account ids.

    Args:
        seed: Run seed.
        namespace: Which id space (fan, one-off, bot service, ...).
        key: Pool key inside the namespace (host number, service number, room number).
        index: Account indices within the pool.

    Returns:
        int64 ids of 10 to 17 digits, same length as ``index``.
    """
    with np.errstate(over="ignore"):
        head = _splitmix64(
            np.array([seed & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64)
            ^ (np.uint64(int(namespace)) << np.uint64(56))
        )
        head = _splitmix64(head ^ np.uint64(key & 0xFFFFFFFFFFFFFF))
        mixed = _splitmix64(head ^ np.asarray(index, dtype=np.uint64))
        # Widely varying lengths like real platforms: span drawn per id from the hash.
        digits = np.uint64(10) ** (np.uint64(10) + (mixed >> np.uint64(60)) % np.uint64(7))
        return np.asarray(np.uint64(_ID_LOW) + mixed % digits, dtype=np.int64)
