"""Give the C heap's free pages back to the operating system during long runs.

Scoring a large archive frees as much as it allocates (each group's arrays, tensors,
parsed records), but glibc's malloc keeps freed pages of its heaps mapped, so RSS
drifts up with fragmentation. ``malloc_trim(0)`` returns every free page it can; on
1,000,000 simulated comments (rules only) it cut RSS by 14-44 MB mid-run and by 64 MB
at the end. Elsewhere (musl, macOS, Windows) there is no such call and this does
nothing.

Example:
    >>> release_free_memory() in (True, False)
    True
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable


@functools.lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none."""
    name = ctypes.util.find_library("c")
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None
    return trim


def release_free_memory() -> bool:
    """Return the C heap's free pages to the operating system where the platform can.

    Returns:
        True if glibc's ``malloc_trim`` ran (whether or not it released anything).
    """
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
