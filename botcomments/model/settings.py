"""Project settings saved next to a model: ``botcomments.json``.

Example:
    >>> s = ModelSettings(normalizer_version="0", max_length=64, threshold=0.5)
    >>> ModelSettings.from_dict(s.to_dict()) == s
    True
"""

from __future__ import annotations

import json
import logging
import platform
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

SETTINGS_FILE = "botcomments.json"
"""Name of the settings file inside a model folder."""


def library_versions() -> dict[str, str]:
    """Return the versions of the libraries a model depends on.

    Returns:
        Mapping of library name to version string.
    """
    import tokenizers
    import torch
    import transformers

    import botcomments

    return {
        "botcomments": getattr(botcomments, "__version__", "unknown"),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "tokenizers": tokenizers.__version__,
        "python": platform.python_version(),
    }


@dataclass
class ModelSettings:
    """Settings the library needs to use a model the way it was trained.

    Args:
        normalizer_version: Version of ``botcomments.text.normalize`` the model saw.
        max_length: Token budget per forward pass (special tokens included).
        window_overlap: 0 truncates comments longer than ``max_length``; above 0 scores
            them as ``max_length`` windows overlapping by this many tokens (P(bot) of the
            most bot-like window), so an ad's tail is read, not cut off.
        max_windows: Windows scored at most per comment (bounds the work a single huge
            comment can cause; the text beyond them is not read).
        threshold: Decision threshold on P(bot) chosen on validation data.
        libraries: Library versions at training time.
        training: Training configuration (including the seed).
        metrics: Validation / held-out metrics.

    Raises:
        ValueError: On a ``max_length`` below 2, a window setting out of range or a
            threshold outside [0, 1].
    """

    normalizer_version: str
    max_length: int = 64
    window_overlap: int = 0
    max_windows: int = 8
    threshold: float = 0.5
    libraries: dict[str, str] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.max_length < 2:
            raise ValueError(f"max_length={self.max_length} must be at least 2 tokens")
        if self.window_overlap < 0 or self.window_overlap > max(0, self.max_length - 4):
            raise ValueError(
                f"window_overlap={self.window_overlap} must lie in [0, max_length - 4] "
                "(each window needs new tokens besides its two special tokens)"
            )
        if self.max_windows < 1:
            raise ValueError(f"max_windows={self.max_windows} must be at least 1")
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold={self.threshold} must lie in [0, 1]")

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelSettings:
        """Build settings from a dict, ignoring (and logging) unknown keys.

        Args:
            data: Parsed ``botcomments.json``.

        Returns:
            The settings.

        Raises:
            ValueError: If ``normalizer_version`` is missing.
        """
        if "normalizer_version" not in data:
            raise ValueError(f"{SETTINGS_FILE} lacks 'normalizer_version'; retrain or add it")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            logger.debug("ignoring unknown settings keys %s", unknown)
        return cls(**{k: v for k, v in data.items() if k in known})

    def save(self, folder: Path | str) -> Path:
        """Write ``botcomments.json`` into a model folder.

        Args:
            folder: Model folder (created if missing).

        Returns:
            Path of the written file.
        """
        path = Path(folder) / SETTINGS_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2), "utf-8")
        return path

    @classmethod
    def load(cls, folder: Path | str) -> ModelSettings | None:
        """Read ``botcomments.json`` from a model folder.

        Args:
            folder: Model folder.

        Returns:
            The settings, or None when the folder has no settings file (a plain HF model).
        """
        path = Path(folder) / SETTINGS_FILE
        if not path.is_file():
            return None
        return cls.from_dict(json.loads(path.read_text("utf-8")))
