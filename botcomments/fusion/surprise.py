"""How surprising an account's highest text score is for a genuine viewer with as many lines.

``acct.text_max`` (the highest text score among an account's comments in the slice) grows
with the number of comments: a real regular with 81 lines will have one bot-like line
somewhere, while a bought account posting one ad and three filler lines has its ad as
its maximum. A combiner fitted on rooms whose accounts post a few lines each cannot learn
that from ``(acct.text_max, acct.n_comments)`` pairs it never saw (trees do not
extrapolate in ``n``). This module turns the pair into one quantity that means the same
at every ``n``: the chance that the highest of ``n`` genuine lines scores at least this
high, under the text-score distribution of genuine chat (every genuine comment of the
combiner's rooms, simulated viewers and replayed real chat alike, measured when the combiner
is fitted and stored in ``fusion.json``):

    surprise = -log10(1 - (1 - tail(s_max)) ** n),  tail(s) = P(genuine score >= s)

A one-line account gets ``-log10 tail(s)``; the same score among 81 lines gets about
``log10(81)`` = 1.9 less.

Example:
    >>> tail = GenuineTextTail.fit(np.linspace(0.0, 1.0, 1001))
    >>> tail.surprise(np.array([0.99, 0.99]), np.array([1.0, 10.0])).round(2).tolist()
    [1.99, 1.01]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from botcomments.fusion.features import SURPRISE_INPUTS, TEXT_MAX_SURPRISE, FeatureTable

TAIL_KNOTS = 81
"""Knots of the stored tail (log-spaced tail probabilities from 1 down to 1 / lines)."""


@dataclass(frozen=True)
class GenuineTextTail:
    """The upper tail of the text score over genuine comments, as interpolation knots.

    Args:
        scores: Ascending scores (distinct).
        log_tails: ``log10 P(genuine score >= score)`` at each score (non-increasing).
        lines: Genuine lines the tail was measured on.

    Raises:
        ValueError: If the knots are empty, of different lengths, or out of order.
    """

    scores: tuple[float, ...]
    log_tails: tuple[float, ...]
    lines: int

    def __post_init__(self) -> None:
        s, t = np.asarray(self.scores), np.asarray(self.log_tails)
        if len(s) == 0 or len(s) != len(t):
            raise ValueError(f"{len(s)} tail scores for {len(t)} tail values")
        if np.any(np.diff(s) <= 0) or np.any(np.diff(t) > 0) or t[0] > 0:
            raise ValueError("tail knots must have ascending scores and falling tails <= 1")

    @staticmethod
    def fit(scores: np.ndarray, knots: int = TAIL_KNOTS) -> GenuineTextTail:
        """Measure the tail on the text scores of genuine comments.

        Args:
            scores: Text score per genuine comment.
            knots: Tail probabilities stored (log-spaced from 1 to ``1 / len(scores)``).

        Returns:
            The tail.

        Raises:
            ValueError: If there are no scores or some are not finite.
        """
        values = np.sort(np.asarray(scores, dtype=np.float64))
        if len(values) == 0 or not np.all(np.isfinite(values)):
            raise ValueError("the genuine tail needs finite text scores of genuine comments")
        n = len(values)
        tails = np.logspace(0.0, -np.log10(n), knots)
        at = values[np.clip(np.floor((1.0 - tails) * n + 1e-9).astype(np.int64), 0, n - 1)]
        # at[k] is the lowest score with at least tails[k] of the lines at or above it;
        # keep the first (largest) tail of each distinct score, as the tail is P(S >= s).
        at, first = np.unique(at, return_index=True)
        return GenuineTextTail(tuple(float(x) for x in at),
                               tuple(float(np.log10(tails[i])) for i in first), n)

    def log_tail(self, s: np.ndarray) -> np.ndarray:
        """``log10 P(genuine score >= s)``, interpolated; floored at one line in ``lines``.

        Args:
            s: Scores.

        Returns:
            Log10 tail probabilities (<= 0).
        """
        floor = -np.log10(self.lines)
        return np.interp(s, self.scores, self.log_tails, left=0.0, right=floor)

    def surprise(self, s_max: np.ndarray, n: np.ndarray) -> np.ndarray:
        """``-log10 P(highest of n genuine scores >= s_max)``.

        Args:
            s_max: The account's highest text score per row.
            n: The account's number of comments per row (0 for a guest: counted as 1).

        Returns:
            Surprise per row (>= 0); NaN where ``s_max`` is NaN.
        """
        tail = np.minimum(10.0 ** self.log_tail(np.asarray(s_max, dtype=np.float64)),
                          1.0 - 1e-12)
        lines = np.maximum(np.asarray(n, dtype=np.float64), 1.0)
        p_any = -np.expm1(lines * np.log1p(-tail))
        return np.maximum(-np.log10(np.maximum(p_any, 1e-300)), 0.0)

    def extend(self, table: FeatureTable) -> FeatureTable:
        """Add :data:`TEXT_MAX_SURPRISE` to a table with :data:`SURPRISE_INPUTS`.

        Args:
            table: Assembled features (with the account text aggregates).

        Returns:
            The table with the surprise column appended (unchanged when already there).

        Raises:
            KeyError: If an input column is missing (no text model or no user ids).
        """
        if TEXT_MAX_SURPRISE in table.names:
            return table
        column = self.column(table).astype(table.values.dtype)
        return FeatureTable((*table.names, TEXT_MAX_SURPRISE),
                            np.concatenate([table.values, column[:, None]], axis=1))

    def column(self, table: FeatureTable) -> np.ndarray:
        """:data:`TEXT_MAX_SURPRISE` of each row of a table with :data:`SURPRISE_INPUTS`.

        Args:
            table: Assembled features.

        Returns:
            Surprise per row, float64.

        Raises:
            KeyError: If an input column is missing.
        """
        s_max, n = (table.column(name) for name in SURPRISE_INPUTS)
        return self.surprise(s_max, n)

    def to_json(self) -> dict[str, Any]:
        """The JSON form stored in ``fusion.json``."""
        return {"scores": list(self.scores), "log_tails": list(self.log_tails),
                "lines": self.lines}

    @staticmethod
    def from_json(doc: dict[str, Any]) -> GenuineTextTail:
        """Rebuild from :meth:`to_json` output.

        Args:
            doc: The parsed JSON object.

        Returns:
            The tail.
        """
        return GenuineTextTail(tuple(map(float, doc["scores"])),
                               tuple(map(float, doc["log_tails"])), int(doc["lines"]))
