"""``release_free_memory``: glibc's malloc_trim where there is one, else nothing."""

from __future__ import annotations

import platform

from botcomments.records import Comment
from botcomments.scoring import memory


def test_release_runs_where_glibc_has_malloc_trim() -> None:
    has_trim = memory._malloc_trim() is not None
    assert memory.release_free_memory() is has_trim
    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert has_trim


def _rooms(n: int) -> list[Comment]:
    """``n`` one-comment rooms."""
    return [Comment(f"主播好{i % 7}", f"r{i}", ts=1_714_565_700.0 + i, user_id=f"u{i}")
            for i in range(n)]


def test_scoring_run_hands_frozen_objects_back_however_it_ends() -> None:
    """A run freezes each group's survivors and unfreezes them when it ends: consumed
    whole, or closed after the first verdict."""
    import gc

    from botcomments.scoring.pipeline import Scorer

    scorer = Scorer.rule_only()
    assert gc.get_freeze_count() == 0
    verdicts = iter(scorer.stream(_rooms(300)))
    next(verdicts)
    assert gc.get_freeze_count() > 0  # the first group's survivors are frozen
    verdicts.close()  # e.g. a caller that stops reading
    assert gc.get_freeze_count() == 0
    assert len(scorer.score(_rooms(300)).rooms) == 300
    assert gc.get_freeze_count() == 0


def test_scoring_run_leaves_a_callers_freeze_alone() -> None:
    """Objects the caller froze before the run stay frozen (some are freed by reference
    counting meanwhile, which takes them out of the count); the run freezes nothing."""
    import gc

    from botcomments.scoring.pipeline import Scorer

    scorer = Scorer.rule_only()
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        scorer.score(_rooms(300))
        assert 0 < gc.get_freeze_count() <= before
    finally:
        gc.unfreeze()
