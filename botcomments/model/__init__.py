"""Inference side of the text model: classifier, model-folder settings, tokenizer helpers.

Example:
    >>> from botcomments.model import BotCommentClassifier
    >>> clf = BotCommentClassifier.from_pretrained("models/default")  # doctest: +SKIP
"""

from __future__ import annotations

from botcomments.model.classifier import BotCommentClassifier
from botcomments.model.settings import SETTINGS_FILE, ModelSettings

DEFAULT_MODEL_DIR = "models/default"
"""Path of the shipped default model, relative to the repository root."""

__all__ = ["DEFAULT_MODEL_DIR", "SETTINGS_FILE", "BotCommentClassifier", "ModelSettings"]
