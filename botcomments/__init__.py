"""botcomments: detect fake engagement in Chinese live-stream chat.

The library only creates loggers; it never adds handlers.
"""

from __future__ import annotations

import logging

from botcomments.records import LABEL_NAMES, Comment

__version__ = "0.1.0"
__all__ = ["LABEL_NAMES", "Comment", "__version__"]

logging.getLogger(__name__).addHandler(logging.NullHandler())
