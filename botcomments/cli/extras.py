"""One message for subcommands that need the optional ``train`` extra."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

TRAIN_EXTRA_EXIT = 2
"""Exit code of a subcommand whose optional dependencies are missing."""


def train_extra_missing(exc: ImportError, purpose: str) -> int:
    """Log how to install the ``train`` extra and return the exit code.

    Args:
        exc: The import error (its message names the missing module).
        purpose: What needed it, e.g. "training" (starts the message).

    Returns:
        :data:`TRAIN_EXTRA_EXIT`.
    """
    logger.error("%s needs the train extra: pip install 'botcomments[train]' (%s)", purpose, exc)
    return TRAIN_EXTRA_EXIT
