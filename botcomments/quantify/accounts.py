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
nine numbers, fitted on labelled calibration comments, turns them into a per-comment
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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from botcomments.fusion.learned import GbdtSettings, TreeArrays, fit_model

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
    probs: np.ndarray, codes: np.ndarray, ts: np.ndarray | None = None
) -> np.ndarray:
    """Per-comment account and context features (columns ``ACCOUNT_FEATURES``).

    Args:
        probs: Bot score per comment, in [0, 1].
        codes: Dense user code per comment (0..U-1, see ``quantify.user_codes``).
        ts: Unix seconds per comment (NaN = untimed), or None.

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
    minute = ((t[timed] - t[timed].min()) // 60.0).astype(np.int64)
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
                "(`python benchmarks/evaluate_detectors.py --tune`)"
            )

    def predict(
        self, probs: np.ndarray, codes: np.ndarray, ts: np.ndarray | None = None
    ) -> np.ndarray:
        """Per-comment account-evidence bot probability.

        Args:
            probs: Bot score per comment.
            codes: Dense user code per comment.
            ts: Unix seconds per comment, or None.

        Returns:
            Array (n,) in (0, 1).
        """
        x = account_features(probs, codes, ts if self.uses_time else None)
        x32 = x.astype(np.float32)
        z = np.full(len(x), self.intercept)
        for tree in self.trees:
            z += self.learning_rate * tree.predict(x32)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))

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


@dataclass(frozen=True)
class StageSettings:
    """How the account stage is fitted.

    Args:
        trees: Boosting rounds.
        depth: Tree depth.
        learning_rate: Shrinkage.
        max_rows: Calibration comments sampled per fit (bounds the fitting time).
        untimed_share: Share of rooms whose timestamps are dropped while fitting, so
            the model knows untimed comments.
        n_folds: Folds of the cross-fit that gives out-of-fold ``q`` to the room
            regression.

    Raises:
        ValueError: On out-of-range values.
    """

    trees: int = 100
    depth: int = 3
    learning_rate: float = 0.1
    max_rows: int = 50_000
    untimed_share: float = 0.1
    n_folds: int = 3

    def __post_init__(self) -> None:
        if self.max_rows < 100 or self.n_folds < 2:
            raise ValueError(f"{self}: max_rows must be >= 100 and n_folds >= 2")
        if not 0.0 <= self.untimed_share < 1.0:
            raise ValueError(f"{self}: untimed_share must be in [0, 1)")


@dataclass
class LabelledRoom:
    """Arrays of one labelled calibration room for the account stage.

    Args:
        probs: Bot score per comment.
        codes: Dense user code per comment.
        labels: 0/1 per comment.
        ts: Unix seconds per comment, or None.
    """

    probs: np.ndarray
    codes: np.ndarray
    labels: np.ndarray
    ts: np.ndarray | None = None


def fit_account_stage(
    rooms: Sequence[LabelledRoom], settings: StageSettings | None = None, seed: int = 0
) -> AccountStage:
    """Fit the account stage on labelled calibration rooms.

    Args:
        rooms: Rooms with comment labels (both classes must occur).
        settings: Fitting settings (default ``StageSettings()``).
        seed: Seed for row sampling, untimed rooms and the boosting.

    Returns:
        The fitted stage.

    Raises:
        ValueError: If the labels hold a single class.
    """
    cfg = settings or StageSettings()
    rng = np.random.default_rng(seed)
    uses_time = any(r.ts is not None and np.isfinite(r.ts).any() for r in rooms)
    blocks, labels = [], []
    for room in rooms:
        untimed = not uses_time or rng.random() < cfg.untimed_share
        blocks.append(account_features(room.probs, room.codes, None if untimed else room.ts))
        labels.append(np.asarray(room.labels, dtype=int))
    x, y = np.concatenate(blocks), np.concatenate(labels)
    if len(np.unique(y)) < 2:
        raise ValueError(
            "the account stage needs calibration comments of both classes (bots and "
            "genuine); add rooms with bots and genuine viewers"
        )
    if len(x) > cfg.max_rows:
        keep = rng.choice(len(x), cfg.max_rows, replace=False)
        x, y = x[keep], y[keep]
    fitted = fit_model(
        "gbdt", x, y, seed,
        GbdtSettings(n_estimators=cfg.trees, max_depth=cfg.depth,
                     learning_rate=cfg.learning_rate, subsample=0.8),
    )
    return AccountStage(
        trees=tuple(fitted["trees"]),
        intercept=float(fitted["intercept"]),
        learning_rate=float(fitted["learning_rate"]),
        uses_time=uses_time,
    )


def crossfit_account_scores(
    rooms: Sequence[LabelledRoom],
    groups: Sequence[str],
    settings: StageSettings | None = None,
    seed: int = 0,
) -> list[np.ndarray]:
    """Out-of-fold account-stage probabilities of every calibration room.

    Rooms of one group (scenario and seed) share a fold, so each room's ``q`` comes from
    a stage that never saw its group: the room regression fitted on them learns how
    ``q`` behaves on unseen rooms, not on its own training comments.

    Args:
        rooms: Labelled rooms.
        groups: Fold group per room.
        settings: Fitting settings.
        seed: Fold and fitting seed.

    Returns:
        One array of ``q`` per room, in order.

    Raises:
        ValueError: With fewer groups than folds, or as :func:`fit_account_stage`.
    """
    cfg = settings or StageSettings()
    units = np.unique(np.asarray(groups, dtype=object).astype(str))
    if len(units) < cfg.n_folds:
        raise ValueError(
            f"cross-fitting the account stage needs at least {cfg.n_folds} room groups, "
            f"got {len(units)}; pass groups (e.g. scenario-seed) or more rooms"
        )
    order = np.random.default_rng(seed).permutation(units)
    fold_of = {u: i % cfg.n_folds for i, u in enumerate(order.tolist())}
    fold = np.array([fold_of[str(g)] for g in groups])
    out: list[np.ndarray] = [np.empty(0)] * len(rooms)
    for k in range(cfg.n_folds):
        train = [r for r, f in zip(rooms, fold, strict=True) if f != k]
        stage = fit_account_stage(train, cfg, seed + k)
        for i in np.flatnonzero(fold == k).tolist():
            out[i] = stage.predict(rooms[i].probs, rooms[i].codes, rooms[i].ts)
    return out
