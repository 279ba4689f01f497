"""A room's per-minute timeline, kept as one array and read as rows.

A room report's timeline has one row per minute with comments: ``{minute, minute_start,
n, bot_share_raw, genuine_share}``. As a list of dicts that is ~300 bytes a minute; an
archive of 5,000 rooms of two and a half hours held ~225 MB of them once all reports
were made. :class:`MinuteRows` keeps the five columns in one float64 array (40 bytes a minute) and
gives the same rows, as plain dicts with Python numbers, when read: it is a read-only
sequence of those dicts, equal to the list it stands for. One block per room, not one
array per column: an archive of 100,000 one-minute rooms pays one small array each.

Example:
    >>> rows = MinuteRows.of_columns([0, 2], [60.0, 180.0], [3, 1], [0.5, 0.0], [0.4, 1.0])
    >>> rows[1]
    {'minute': 2, 'minute_start': 180.0, 'n': 1, 'bot_share_raw': 0.0, 'genuine_share': 1.0}
    >>> len(rows), rows == rows.to_list()
    (2, True)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import Any, overload

import numpy as np

MINUTE_FIELDS = ("minute", "minute_start", "n", "bot_share_raw", "genuine_share")
"""Keys of a timeline row, in order."""

_INTEGER = (True, False, True, False, False)  # read back as int (stored exactly as float64)


class MinuteRows(Sequence[dict[str, Any]]):
    """Per-minute rows of one room, stored as one (minutes, 5) float64 block.

    Minute numbers and counts are whole numbers below 2**53, exact as float64, and read
    back as ``int``; the other fields are float64 as computed.

    Args:
        block: Array (minutes, 5), columns in :data:`MINUTE_FIELDS` order (a view is
            kept, not copied).

    Raises:
        ValueError: If the block is not (minutes, 5).
    """

    __slots__ = ("_block",)

    def __init__(self, block: np.ndarray) -> None:
        if block.ndim != 2 or block.shape[1] != len(MINUTE_FIELDS):
            raise ValueError(f"need a (minutes, {len(MINUTE_FIELDS)}) block "
                             f"({', '.join(MINUTE_FIELDS)}), got shape {block.shape}")
        self._block = block.view()
        self._block.flags.writeable = False  # shared (views, deep copies): never edited

    @classmethod
    def of_columns(cls, *columns: Sequence[float] | np.ndarray) -> MinuteRows:
        """Rows from the five columns.

        Args:
            columns: minute, minute_start, n, bot_share_raw, genuine_share.

        Returns:
            The rows.
        """
        return cls(np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])
                   .reshape(-1, len(MINUTE_FIELDS)))

    @classmethod
    def split(cls, block: np.ndarray, bounds: Sequence[int]) -> list[MinuteRows]:
        """The rows of many rooms from one block, room ``k`` rows ``bounds[k]`` to
        ``bounds[k + 1]`` (each keeps a view; the block is made read-only once, not
        each room's view: 100,000 one-minute rooms pay one object each).

        Args:
            block: Array (minutes, 5), as for the constructor, rooms one after another.
            bounds: Offsets of the rooms' rows (one more than rooms).

        Returns:
            One :class:`MinuteRows` per room.

        Raises:
            ValueError: If the block is not (minutes, 5).
        """
        shared = cls(block)._block  # checked, read-only
        out = []
        for a, b in pairwise(bounds):
            rows = object.__new__(cls)
            rows._block = shared[a:b]
            out.append(rows)
        return out

    def __len__(self) -> int:
        return len(self._block)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> MinuteRows: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | MinuteRows:
        if isinstance(index, slice):
            return MinuteRows(self._block[index])
        return _row(self._block[index].tolist())  # IndexError past the end

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return map(_row, self._block.tolist())

    def to_list(self) -> list[dict[str, Any]]:
        """The rows as a list of plain dicts (for JSON)."""
        return list(self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MinuteRows | list | tuple):
            return self.to_list() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to lists, which do not hash

    def __repr__(self) -> str:
        return repr(self.to_list())

    def __deepcopy__(self, memo: dict[int, Any]) -> MinuteRows:
        return self  # read-only: ``dataclasses.asdict`` may share it

    def __reduce__(self) -> tuple[Any, ...]:
        return MinuteRows, (self._block,)


def _row(values: list[float]) -> dict[str, Any]:
    """One row's dict (whole-number fields as int)."""
    return {name: int(v) if whole else v
            for name, v, whole in zip(MINUTE_FIELDS, values, _INTEGER, strict=True)}
