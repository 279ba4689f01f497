"""Account-evidence stage of the room quantifier: a second look at each comment.

Why. The bot score of a comment says what its own detectors saw. Whether its account
looks like a bot is a separate question the room's arrays can answer: how many comments
the account wrote in the room, over what time span and at what mean gap, the lowest,
mean and highest score of its comments, and how busy and how suspicious the minute it
was posted in was. Paraphrasing, templated and bought-interaction bots score low one
comment at a time (their text varies) but their accounts differ from genuine viewers:
one-off accounts with a single mid-score comment, or accounts posting every few minutes
over the whole stream; organic human floods come from accounts that also chat normally
(low minimum score) over a short span. A small gradient-boosted tree model over these
nine numbers, fitted on labelled calibration comments
(``botcomments_training.fitting.quantifier``), turns them into a per-comment
bot probability ``q``; the room regression then reads the room's histogram of ``q``
instead of raw score bins (see :mod:`botcomments.quantify.prevalence`).

Missing timestamps: the time columns become ``-1`` (the model is fitted with a share
of calibration rooms stripped of timestamps, so it has seen that value); a model fitted
without timestamps (``uses_time=False``) ignores them at estimation time too.

Example:
    >>> import numpy as np
    >>> x = account_features(np.array([0.9, 0.1, 0.2]), np.array([0, 1, 1]),
    ...                      np.array([0.0, 10.0, 70.0]))
    >>> x.shape, float(x[1, 5].round(3))  # user 1 spans 60 s: log1p(60)
    ((3, 9), 4.111)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from botcomments.ml import TreeArrays, TreeStack, boosted_log_odds, sigmoid
from botcomments.quantify.users import minute_slots

ACCOUNT_FEATURES: tuple[str, ...] = (
    "score",
    "log_user_comments",
    "user_mean_score",
    "user_max_score",
    "user_min_score",
    "log1p_user_span_s",
    "minute_mean_score",
    "log_minute_comments",
    "user_mean_gap_s",
)
"""Columns of :func:`account_features` (the last four are -1 without timestamps)."""

_TIME_COLUMNS = slice(5, 9)
MISSING_TIME = -1.0


def _user_extremes(values: np.ndarray, codes: np.ndarray, n_users: int) -> tuple[
    np.ndarray, np.ndarray
]:
    """Per-user minimum and maximum of ``values`` (NaN entries ignored; NaN if none)."""
    lo = np.full(n_users, np.inf)
    hi = np.full(n_users, -np.inf)
    ok = ~np.isnan(values)
    np.minimum.at(lo, codes[ok], values[ok])
    np.maximum.at(hi, codes[ok], values[ok])
    lo[np.isinf(lo)] = np.nan
    hi[np.isinf(hi)] = np.nan
    return lo, hi


def account_features(
    probs: np.ndarray, codes: np.ndarray, ts: np.ndarray | None = None,
    seg: np.ndarray | None = None,
) -> np.ndarray:
    """Per-comment account and context features (columns ``ACCOUNT_FEATURES``).

    Args:
        probs: Bot score per comment, in [0, 1].
        codes: Dense user code per comment (0..U-1, see ``quantify.user_codes``).
        ts: Unix seconds per comment (NaN = untimed), or None.
        seg: Room of each comment (non-decreasing) when several rooms are concatenated:
            codes must then be distinct across rooms and minutes are each room's own
            (every row as for its room alone). None: one room.

    Returns:
        Float matrix (n, 9). Time columns are -1 for untimed comments or ``ts=None``.
    """
    p = np.asarray(probs, dtype=np.float64)
    n = len(p)
    out = np.full((n, len(ACCOUNT_FEATURES)), MISSING_TIME)
    if n == 0:
        return out
    n_users = int(codes.max()) + 1
    counts = np.bincount(codes, minlength=n_users).astype(np.float64)
    p_lo, p_hi = _user_extremes(p, codes, n_users)
    out[:, 0] = p
    out[:, 1] = np.log(counts[codes])
    out[:, 2] = (np.bincount(codes, weights=p, minlength=n_users) / counts)[codes]
    out[:, 3] = p_hi[codes]
    out[:, 4] = p_lo[codes]
    if ts is None:
        return out
    t = np.asarray(ts, dtype=np.float64)
    timed = np.isfinite(t)
    if not timed.any():
        return out
    t_lo, t_hi = _user_extremes(np.where(timed, t, np.nan), codes, n_users)
    span = (t_hi - t_lo)[codes]
    timed_counts = np.bincount(codes[timed], minlength=n_users)[codes]
    _, minute = minute_slots(t[timed], seg=None if seg is None else seg[timed])
    per_minute = np.bincount(minute).astype(np.float64)
    out[timed, 5] = np.log1p(span[timed])
    out[timed, 6] = (np.bincount(minute, weights=p[timed]) / np.maximum(per_minute, 1))[minute]
    out[timed, 7] = np.log(per_minute[minute])
    out[timed, 8] = span[timed] / np.maximum(timed_counts[timed] - 1, 1)
    return out


@dataclass(frozen=True)
class AccountStage:
    """Boosted trees mapping :func:`account_features` to a per-comment bot probability.

    Args:
        trees: Regression trees of the boosted log-odds.
        intercept: Initial log-odds.
        learning_rate: Shrinkage applied to every tree.
        uses_time: Whether the time columns were informative when fitted.
        features: Feature names (must equal ``ACCOUNT_FEATURES``).

    Raises:
        ValueError: If ``features`` differs from this library's ``ACCOUNT_FEATURES``.
    """

    trees: tuple[TreeArrays, ...]
    intercept: float
    learning_rate: float
    uses_time: bool = True
    features: tuple[str, ...] = ACCOUNT_FEATURES

    def __post_init__(self) -> None:
        if tuple(self.features) != ACCOUNT_FEATURES:
            raise ValueError(
                f"account stage was fitted on features {list(self.features)}, this library "
                f"computes {list(ACCOUNT_FEATURES)}; refit the room models "
                "(`python -m botcomments_training.tune_rules` for the shipped rules, "
                "`botcomments train-fusion --rooms ...` for a learned combiner)"
            )

    def predict(
        self, probs: np.ndarray, codes: np.ndarray, ts: np.ndarray | None = None,
        seg: np.ndarray | None = None,
    ) -> np.ndarray:
        """Per-comment account-evidence bot probability.

        Args:
            probs: Bot score per comment.
            codes: Dense user code per comment.
            ts: Unix seconds per comment, or None.
            seg: Room of each comment for several rooms at once (see
                :func:`account_features`), or None.

        Returns:
            Array (n,) in (0, 1).
        """
        x = account_features(probs, codes, ts if self.uses_time else None, seg)
        z = boosted_log_odds(
            self.tree_stack, x.astype(np.float32), self.learning_rate, self.intercept
        )
        return sigmoid(z)

    @functools.cached_property
    def tree_stack(self) -> TreeStack:
        """The trees stacked for fast evaluation (built once)."""
        return TreeStack.of(self.trees)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "trees": [t.to_json() for t in self.trees],
            "intercept": self.intercept,
            "learning_rate": self.learning_rate,
            "uses_time": self.uses_time,
            "features": list(self.features),
        }

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> AccountStage:
        """Rebuild from :meth:`to_dict` output.

        Args:
            doc: The dict.

        Returns:
            The stage.

        Raises:
            ValueError: On missing keys or other features.
        """
        missing = {"trees", "intercept", "learning_rate"} - set(doc)
        if missing:
            raise ValueError(f"account stage document lacks {sorted(missing)}; refit it")
        return cls(
            trees=tuple(TreeArrays.from_json(t) for t in doc["trees"]),
            intercept=float(doc["intercept"]),
            learning_rate=float(doc["learning_rate"]),
            uses_time=bool(doc.get("uses_time", True)),
            features=tuple(doc.get("features", ACCOUNT_FEATURES)),
        )
