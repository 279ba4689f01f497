"""Real human comments for simulator rooms: swap ordinary genuine chat for real text.

The simulator's genuine viewers write short live-chat lines that repeat across viewers;
real human text is often longer and unique. Calibration rooms that only ever show the
former teach a room estimator that "unique text with no evidence" means a paraphrasing
bot. :func:`with_real_text` replaces the lines of ordinary chatters (personas in
:data:`REPLACED_PERSONAS`) with real comments, keeping timing, accounts, organic floods
and bots as simulated. Calibration uses training-side corpora (COLD train, SWSR
comments); the held-out check uses COLD test (``benchmarks/real_text_rooms.py``).

It lives in the training layer because it is part of the data the shipped rules' room
models are fitted on (:func:`botcomments_training.scenarios.calibration_comments`, run by
``python -m botcomments_training.tune_rules``); the benchmarks import it from here for
their held-out rooms.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from pathlib import Path

from botcomments.records import Comment

REPLACED_PERSONAS = ("genuine_chat", "genuine_fan")
"""Personas whose lines are swapped for real human comments."""
DEFAULT_CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
"""``../shared/corpora`` beside the repository."""
MAX_CHARS = 40
"""Real comments are cut to chat length."""


def _column(path: Path, column: str) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = (r.get(column) or "" for r in csv.DictReader(fh))
        return [t.strip()[:MAX_CHARS] for t in rows if t.strip()]


def human_lines(corpora: Path, split: str) -> list[str]:
    """Real human comments of one split.

    Args:
        corpora: Shared corpora folder.
        split: "calibration" (COLD train + SWSR comments: text the shipped model trained
            on as negatives, never evaluated on) or "heldout" (COLD test, never used).

    Returns:
        The lines, cut to :data:`MAX_CHARS` characters.

    Raises:
        ValueError: On an unknown split.
        FileNotFoundError: If the corpora are missing.
    """
    if split == "calibration":
        return (_column(corpora / "cold" / "train.csv", "TEXT")
                + _column(corpora / "swsr" / "SexComment.csv", "comment_text"))
    if split == "heldout":
        return _column(corpora / "cold" / "test.csv", "TEXT")
    raise ValueError(f"split {split!r}: use 'calibration' or 'heldout'")


def with_real_text(comments: Sequence[Comment], lines: Sequence[str], seed: int,
                   rooms: set[str] | None = None) -> int:
    """Replace the text of ordinary genuine chat with real lines, in place.

    Args:
        comments: Simulated comments (``extra["persona"]`` set).
        lines: Real human lines (shuffled by ``seed``, reused cyclically when exhausted).
        seed: Shuffle seed.
        rooms: Only these room ids (None = all).

    Returns:
        How many comments were replaced.
    """
    pool = list(lines)
    random.Random(seed).shuffle(pool)
    n = 0
    for c in comments:
        if c.extra.get("persona") in REPLACED_PERSONAS and (rooms is None or c.room_id in rooms):
            c.text = pool[n % len(pool)]
            n += 1
    return n
