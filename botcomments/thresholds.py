"""Choosing a decision threshold: the one function every threshold picker uses.

Three rules occur in the project, all on scores where higher means "more bot":

- ``genuine_share``: the lowest threshold flagging at most ``max_genuine_share`` of the
  genuine rows (the text model's threshold on held-out real chat, per length bucket; the
  rule combiner's calibration);
- ``f1``: the best F1 on a 0.05..0.95 grid among thresholds flagging at most
  ``max_genuine_share`` of the genuine rows (the learned combiner);
- ``precision``: the lowest threshold whose precision reaches ``precision``, i.e. the
  most recall at that precision (``botcomments train``'s validation threshold).

Example:
    >>> import numpy as np
    >>> s = np.array([0.1, 0.2, 0.3, 0.9, 0.8, 0.35])
    >>> y = np.array([0, 0, 0, 1, 1, 1])
    >>> choose_threshold(s, y, objective="precision", precision=1.0)
    0.35
    >>> round(choose_threshold(s[y == 0], objective="genuine_share", max_genuine_share=0.0), 3)
    0.3
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

OBJECTIVES: tuple[str, ...] = ("genuine_share", "f1", "precision")
F1_GRID = np.linspace(0.05, 0.95, 91)
"""Thresholds the ``f1`` rule tries."""
NO_THRESHOLD = 0.5
"""Returned by ``precision`` when no threshold reaches the target (or one class only)."""


def choose_threshold(
    scores: Sequence[float] | np.ndarray,
    labels: Sequence[int] | np.ndarray | None = None,
    *,
    objective: str = "genuine_share",
    max_genuine_share: float | None = None,
    precision: float | None = None,
) -> float:
    """Pick a decision threshold on scores by one of :data:`OBJECTIVES`.

    Args:
        scores: One score per row (higher = more bot).
        labels: 0 genuine / 1 bot per row; None means every row is genuine (only for
            ``genuine_share``).
        objective: ``genuine_share``, ``f1`` or ``precision``.
        max_genuine_share: Largest share of genuine rows at or above the threshold
            (required by ``genuine_share``; optional cap for ``f1``).
        precision: Target precision (``precision`` only).

    Returns:
        The threshold.

    Raises:
        ValueError: On an unknown objective, a missing argument, no genuine rows for
            ``genuine_share``, or labels of another length.
    """
    s = np.asarray(scores, dtype=np.float64)
    y = np.zeros(len(s), dtype=int) if labels is None else np.asarray(labels).astype(int)
    if len(y) != len(s):
        raise ValueError(f"{len(s)} scores but {len(y)} labels")
    if objective == "genuine_share":
        if max_genuine_share is None:
            raise ValueError("objective 'genuine_share' needs max_genuine_share")
        return _genuine_share(s[y == 0], max_genuine_share)
    if objective == "f1":
        return _best_f1(s, y, max_genuine_share)
    if objective == "precision":
        if precision is None:
            raise ValueError("objective 'precision' needs precision")
        return _lowest_with_precision(s, y, precision)
    raise ValueError(f"unknown objective {objective!r}; choose one of {OBJECTIVES}")


def _genuine_share(genuine: np.ndarray, share: float) -> float:
    """Lowest threshold with at most ``share`` of ``genuine`` at or above it."""
    if not len(genuine):
        raise ValueError("no genuine rows to choose a threshold on")
    ranked = np.sort(genuine)[::-1]
    k = int(share * len(ranked))
    if k >= len(ranked):
        return float(ranked[-1])
    return float(np.nextafter(ranked[k], np.inf))  # ties at the cut stay below it


def _best_f1(s: np.ndarray, y: np.ndarray, cap: float | None) -> float:
    """Best-F1 grid threshold among those flagging at most ``cap`` of genuine rows."""
    flagged = s[None, :] >= F1_GRID[:, None]
    neg, pos = y == 0, y == 1
    fpr = flagged[:, neg].mean(axis=1) if neg.any() else np.zeros(len(F1_GRID))
    ok = fpr <= cap if cap is not None else np.ones(len(F1_GRID), dtype=bool)
    if not ok.any():
        return float(F1_GRID[-1])
    tp = flagged[:, pos].sum(axis=1)
    denom = flagged.sum(axis=1) + pos.sum()
    f1 = np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)
    f1[~ok] = -1.0
    return float(F1_GRID[int(np.argmax(f1))])


def _lowest_with_precision(s: np.ndarray, y: np.ndarray, target: float) -> float:
    """Lowest distinct score whose precision (rows at or above it) reaches ``target``."""
    if y.sum() == 0 or y.sum() == len(y):
        return NO_THRESHOLD
    order = np.argsort(-s, kind="stable")
    ranked, hits = s[order], y[order]
    last = np.r_[ranked[1:] != ranked[:-1], True]  # end of each run of equal scores
    tp = np.cumsum(hits)[last]
    n = (np.arange(len(s)) + 1)[last]
    thresholds = ranked[last]
    ok = np.flatnonzero(tp / n >= target)
    return float(thresholds[ok[-1]]) if len(ok) else NO_THRESHOLD
