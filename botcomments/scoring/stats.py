"""Bounded, streaming accumulators for run-level figures (histogram, calibration).

Example:
    >>> import numpy as np
    >>> h = ScoreHistogram(bins=4)
    >>> h.add(np.array([0.1, 0.9, 0.95]))
    >>> h.counts.tolist()
    [1, 0, 0, 2]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class ScoreHistogram:
    """Counts of bot scores in equal-width bins over [0, 1].

    Args:
        bins: Number of bins.
    """

    bins: int = 50
    counts: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.counts = np.zeros(self.bins, dtype=np.int64)

    def add(self, scores: np.ndarray) -> None:
        """Add scores in [0, 1]."""
        idx = np.clip((np.asarray(scores) * self.bins).astype(int), 0, self.bins - 1)
        self.counts += np.bincount(idx, minlength=self.bins)

    @property
    def edges(self) -> np.ndarray:
        """Bin edges, length ``bins + 1``."""
        return np.linspace(0.0, 1.0, self.bins + 1)


@dataclass
class CalibrationBins:
    """Reliability-diagram bins and the Brier score, accumulated over labeled comments.

    Args:
        bins: Number of equal-width probability bins.
    """

    bins: int = 10
    n: np.ndarray = field(init=False)
    sum_p: np.ndarray = field(init=False)
    sum_y: np.ndarray = field(init=False)
    brier_sum: float = 0.0

    def __post_init__(self) -> None:
        self.n = np.zeros(self.bins, dtype=np.int64)
        self.sum_p = np.zeros(self.bins)
        self.sum_y = np.zeros(self.bins)

    def add(self, scores: np.ndarray, labels: np.ndarray) -> None:
        """Add labeled scores.

        Args:
            scores: Probabilities.
            labels: 0/1 labels, same length.
        """
        p = np.asarray(scores, dtype=float)
        y = np.asarray(labels, dtype=float)
        idx = np.clip((p * self.bins).astype(int), 0, self.bins - 1)
        self.n += np.bincount(idx, minlength=self.bins)
        self.sum_p += np.bincount(idx, weights=p, minlength=self.bins)
        self.sum_y += np.bincount(idx, weights=y, minlength=self.bins)
        self.brier_sum += float(np.sum((p - y) ** 2))

    @property
    def total(self) -> int:
        """Labeled comments seen."""
        return int(self.n.sum())

    @property
    def brier(self) -> float | None:
        """Mean squared error of the probabilities (None without labels)."""
        return self.brier_sum / self.total if self.total else None

    def curve(self) -> list[dict[str, Any]]:
        """Non-empty bins as ``{mean_score, bot_share, n}`` rows."""
        rows = []
        for k in range(self.bins):
            if self.n[k]:
                rows.append({
                    "mean_score": float(self.sum_p[k] / self.n[k]),
                    "bot_share": float(self.sum_y[k] / self.n[k]),
                    "n": int(self.n[k]),
                })
        return rows
