"""botcomments: detect fake engagement in Chinese live-stream chat.

Example:
    >>> from botcomments import Scorer, open_comments      # doctest: +SKIP
    >>> scorer = Scorer.from_pretrained("models/default")  # doctest: +SKIP
    >>> result = scorer.score(list(open_comments(["chat.jsonl"])))  # doctest: +SKIP

Heavy entry points (torch, transformers) are imported on first use, so reading and
normalising stay light. The library only creates loggers; it never adds handlers (entry
points such as the CLI configure logging).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from botcomments.records import LABEL_NAMES, Comment

if TYPE_CHECKING:
    from botcomments.io import open_comments
    from botcomments.model import BotCommentClassifier
    from botcomments.scoring.pipeline import Scorer
    from botcomments.text.normalize import normalize

__version__ = "0.1.0"
__all__ = [
    "LABEL_NAMES",
    "BotCommentClassifier",
    "Comment",
    "Scorer",
    "__version__",
    "normalize",
    "open_comments",
]

_LAZY: dict[str, str] = {
    "BotCommentClassifier": "botcomments.model",
    "Scorer": "botcomments.scoring.pipeline",
    "normalize": "botcomments.text.normalize",
    "open_comments": "botcomments.io",
}


def __getattr__(name: str) -> Any:
    """Import the heavy public entry points on first access."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'botcomments' has no attribute {name!r}")
