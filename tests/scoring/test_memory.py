"""``release_free_memory``: glibc's malloc_trim where there is one, else nothing."""

from __future__ import annotations

import platform

from botcomments.scoring import memory


def test_release_runs_where_glibc_has_malloc_trim() -> None:
    has_trim = memory._malloc_trim() is not None
    assert memory.release_free_memory() is has_trim
    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert has_trim
