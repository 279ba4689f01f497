"""Evidence-conditional prevalence: a room-level regression with a conformal band.

Why. One global pair of error rates (ACC/PACC) assumes every room's bots look like the
validation bots. They do not: copy floods are caught almost always, paraphrasing bots
almost never without a text model, so the global correction overshoots in flood rooms
and undershoots in paraphrase rooms, and a bootstrap over users cannot see that error.

What. A room is described by the *distribution of its evidence*: the share of its
comments in each bot-score bin, in each bin of their account's mean score, and in each
account-activity class (1, 2-3, 4-9, 10+ comments). Each of these is a mean over
comments of a one-hot row, so the room estimate ``intercept + mean_i(row_i @ coef)`` is
a linear map of the room's evidence mix (a distribution-matching / regression
quantifier): stratum weights learned on calibration rooms of varied campaign mixes play
the role of per-stratum error rates. Because the estimate is a mean of per-comment
contributions, the cluster bootstrap over users and the per-minute timeline work exactly
as for PCC.

Account stage (optional, the default of ``python -m botcomments_training.tune_rules``).
With a fitted :class:`~botcomments.quantify.accounts.AccountStage` the row of a comment
is instead the one-hot bin of its account-evidence probability ``q`` (account activity,
span, score extremes, minute context; see :mod:`botcomments.quantify.accounts`). The
regression is fitted on *out-of-fold* ``q`` (cross-fitted by group), so its weights
describe how ``q`` behaves on rooms the stage never saw.

Honest intervals. The regression's absolute residuals on rooms it was not fitted on
(K-fold out-of-fold on the calibration rooms) measure the between-room error the
bootstrap misses. They are stored with the out-of-fold estimate they belong to and used
Mondrian-style: at estimation time the band ``estimate +- q`` takes ``q``, the
split-conformal quantile, from the calibration rooms whose estimate fell in the same
band of ``band_edges`` (rooms estimated nearly bot-free err differently from botted
ones; a band with fewer than ``min_band_rooms`` rooms uses all residuals). The band is
joined with the bootstrap interval. Coverage then holds on fresh rooms from the same
family of mixes by construction (split-conformal), not by tuning.

Fitting (ridge coefficients, out-of-fold residuals) is in
``botcomments_training.fitting.quantifier``; this module evaluates a fitted model.

Example:
    >>> import numpy as np
    >>> one_hot_bins(np.array([0.05, 0.95]), (0.0, 0.5, 1.0)).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from botcomments.quantify.accounts import AccountStage

DEFAULT_SCORE_EDGES: tuple[float, ...] = (
    0.0, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0,
)  # fmt: skip
"""Bot-score bin edges (the last bin includes 1.0)."""

DEFAULT_COUNT_EDGES: tuple[int, ...] = (2, 4, 10)
"""Account-activity classes: 1, 2-3, 4-9, 10+ comments in the room."""

DEFAULT_BAND_EDGES: tuple[float, ...] = (0.15,)
"""Conformal bands of the estimated bot share: nearly bot-free rooms vs the rest."""

DEFAULT_STAGE_EDGES: tuple[float, ...] = tuple(round(0.1 * i, 1) for i in range(11))
"""Bins of the account-stage probability ``q`` (the last bin includes 1.0)."""


def _bins(values: np.ndarray, edges: Sequence[float]) -> np.ndarray:
    inner = np.asarray(edges[1:-1], dtype=np.float64)
    return np.searchsorted(inner, values, side="right")


def evidence_rows(
    probs: np.ndarray,
    codes: np.ndarray,
    score_edges: Sequence[float] = DEFAULT_SCORE_EDGES,
    count_edges: Sequence[int] = DEFAULT_COUNT_EDGES,
) -> np.ndarray:
    """One-hot evidence row per comment (score bin | account-score bin | activity class).

    Args:
        probs: Bot score per comment, in [0, 1].
        codes: Dense user code per comment (0..U-1).
        score_edges: Score bin edges.
        count_edges: Lower bounds of the activity classes above 1 comment.

    Returns:
        Float matrix (n, 2 * (len(score_edges) - 1) + len(count_edges) + 1).
    """
    n = len(probs)
    k = len(score_edges) - 1
    width = 2 * k + len(count_edges) + 1
    out = np.zeros((n, width))
    if n == 0:
        return out
    counts = np.bincount(codes)
    user_mean = np.bincount(codes, weights=probs) / np.maximum(counts, 1)
    rows = np.arange(n)
    out[rows, _bins(probs, score_edges)] = 1.0
    out[rows, k + _bins(user_mean[codes], score_edges)] = 1.0
    activity = np.searchsorted(np.asarray(count_edges), counts[codes], side="right")
    out[rows, 2 * k + activity] = 1.0
    return out


def one_hot_bins(values: np.ndarray, edges: Sequence[float]) -> np.ndarray:
    """One-hot bin membership of each value (the last bin includes the top edge).

    Args:
        values: Values within ``[edges[0], edges[-1]]``.
        edges: Bin edges.

    Returns:
        Float matrix (n, len(edges) - 1).
    """
    out = np.zeros((len(values), len(edges) - 1))
    out[np.arange(len(values)), _bins(values, edges)] = 1.0
    return out


def support_radius(points: np.ndarray, confidence: float = 0.99) -> float:
    """Distance within which a new point counts as covered by ``points``.

    The split-conformal quantile of the leave-one-out L1 nearest-neighbour distances:
    a new room drawn like the calibration rooms is farther than this from all of them
    with probability at most ``1 - confidence``.

    Args:
        points: One row per calibration room (at least two).
        confidence: Coverage target.

    Returns:
        The radius (the largest leave-one-out distance when there are too few rooms).

    Raises:
        ValueError: With fewer than two rows.
    """
    if len(points) < 2:
        raise ValueError("a support radius needs at least two calibration rooms")
    dist = np.abs(points[:, None, :] - points[None, :, :]).sum(axis=2)
    np.fill_diagonal(dist, np.inf)
    nearest = dist.min(axis=1)
    radius = conformal_quantile(nearest, confidence)
    return float(nearest.max()) if math.isinf(radius) else radius


def conformal_quantile(residuals: Sequence[float] | np.ndarray, confidence: float) -> float:
    """Split-conformal quantile: the ceil((n+1) c)-th smallest residual.

    Args:
        residuals: Non-negative calibration residuals.
        confidence: Target coverage in (0, 1).

    Returns:
        The quantile (``inf`` when there are too few residuals for that coverage).
    """
    r = np.sort(np.asarray(residuals, dtype=np.float64))
    rank = math.ceil((len(r) + 1) * confidence)
    return float(r[rank - 1]) if 0 < rank <= len(r) else math.inf


@dataclass(frozen=True)
class RoomRegression:
    """Linear room-level quantifier over the evidence mix, with conformal residuals.

    Args:
        coef: Weight of each evidence column (see :func:`evidence_rows`).
        intercept: Added to every comment's contribution.
        score_edges: Score bin edges used for the rows.
        count_edges: Activity class bounds used for the rows.
        residuals: Out-of-fold ``|estimate - truth|`` on calibration rooms.
        residual_estimates: The out-of-fold estimate of each of those rooms.
        band_edges: Estimate values separating the conformal bands.
        min_band_rooms: Fewest residuals a band needs to use its own quantile.
        n_rooms: Calibration rooms it was fitted on.
        level: "comment" or "user" (what the target share counts).
        notes: Fitting provenance (out-of-fold MAE, settings).
        stage: Account stage; when set, a comment's row is the one-hot bin of its
            ``q`` over ``stage_edges`` instead of :func:`evidence_rows`.
        stage_edges: Bins of ``q``.
        support: Mean evidence row of every calibration room (what the model has seen).
        support_radius: A room is in range when some calibration room's mean row lies
            within this L1 distance of its own (the 99 % split-conformal quantile of the
            calibration rooms' leave-one-out nearest-neighbour distances).

    Raises:
        ValueError: If ``coef`` does not match the edges, or level is unknown.
    """

    coef: tuple[float, ...]
    intercept: float
    score_edges: tuple[float, ...] = DEFAULT_SCORE_EDGES
    count_edges: tuple[int, ...] = DEFAULT_COUNT_EDGES
    residuals: tuple[float, ...] = ()
    residual_estimates: tuple[float, ...] = ()
    band_edges: tuple[float, ...] = DEFAULT_BAND_EDGES
    min_band_rooms: int = 30
    n_rooms: int = 0
    level: str = "comment"
    notes: dict[str, Any] = field(default_factory=dict, compare=False)
    stage: AccountStage | None = field(default=None, compare=False)
    stage_edges: tuple[float, ...] = DEFAULT_STAGE_EDGES
    support: tuple[tuple[float, ...], ...] = field(default=(), compare=False)
    support_radius: float = math.inf

    def __post_init__(self) -> None:
        if self.stage is not None:
            width = len(self.stage_edges) - 1
        else:
            width = 2 * (len(self.score_edges) - 1) + len(self.count_edges) + 1
        if len(self.coef) != width:
            raise ValueError(
                f"RoomRegression has {len(self.coef)} coefficients but its edges need "
                f"{width}; refit it with fit_room_regression"
            )
        if self.level not in ("comment", "user"):
            raise ValueError(f"level={self.level!r} must be 'comment' or 'user'")
        if any(len(row) != len(self.coef) for row in self.support):
            raise ValueError("support rows must have one value per coefficient; refit")
        if len(self.residuals) != len(self.residual_estimates):
            raise ValueError(
                f"{len(self.residuals)} residuals but {len(self.residual_estimates)} "
                "residual_estimates; refit with fit_room_regression"
            )

    def rows(
        self,
        probs: np.ndarray,
        codes: np.ndarray,
        ts: np.ndarray | None = None,
        q: np.ndarray | None = None,
        seg: np.ndarray | None = None,
    ) -> np.ndarray:
        """Evidence row per comment (``q`` bins with a stage, else :func:`evidence_rows`).

        Args:
            probs: Bot score per comment.
            codes: Dense user code per comment.
            ts: Unix seconds per comment, or None (used by the stage only).
            q: This model's stage probabilities if already computed (a shared stage).
            seg: Room of each comment for several rooms at once (codes distinct across
                rooms; see :meth:`AccountStage.predict`), or None.

        Returns:
            Float matrix (n, len(coef)).
        """
        if self.stage is not None:
            if q is None:
                q = self.stage.predict(probs, codes, ts, seg)
            return one_hot_bins(q, self.stage_edges)
        return evidence_rows(probs, codes, self.score_edges, self.count_edges)

    def contributions(
        self,
        probs: np.ndarray,
        codes: np.ndarray,
        ts: np.ndarray | None = None,
        q: np.ndarray | None = None,
        seg: np.ndarray | None = None,
    ) -> np.ndarray:
        """Per-comment contribution; the room's bot share is their clipped mean.

        Args:
            probs: Bot score per comment.
            codes: Dense user code per comment.
            ts: Unix seconds per comment, or None.
            q: Precomputed stage probabilities (see :meth:`rows`), or None.
            seg: Room of each comment for several rooms at once (see :meth:`rows`).

        Returns:
            Array (n,) (not clipped; means of it are clipped by the caller).
        """
        return self.rows(probs, codes, ts, q, seg) @ np.asarray(self.coef) + self.intercept

    def calibration(self, rows: np.ndarray) -> str:
        """Whether a room lies within what the model was calibrated on.

        Args:
            rows: The room's evidence rows (:meth:`rows`).

        Returns:
            "in_range", "out_of_range" (no calibration room's evidence mix is as close
            as calibration rooms are to each other), or "unchecked" (a model saved
            without its support, or an empty room).
        """
        return self.calibrations(rows, np.array([0, len(rows)]))[0]

    def calibrations(self, rows: np.ndarray, starts: np.ndarray) -> list[str]:
        """:meth:`calibration` of several rooms whose rows are concatenated.

        Args:
            rows: Evidence rows, room after room.
            starts: Offsets of each room's rows (one more than rooms).

        Returns:
            One label per room.
        """
        sizes = np.diff(starts)
        filled = sizes > 0
        if not self.support or not filled.any():
            return ["unchecked"] * len(sizes)
        means = np.add.reduceat(rows, starts[:-1][filled], axis=0) / sizes[filled, None]
        # rooms with the same evidence mix (all one-comment rooms share ten) share a gap;
        # mixes found by their bytes in a dict (np.unique(axis=0) sorts the rows: slower)
        means = np.ascontiguousarray(means)
        keys = means.view(np.dtype((np.void, means.dtype.itemsize * means.shape[1])))
        room_keys = keys.ravel().tolist()
        first_row: dict[bytes, int] = {}
        for r, key in enumerate(room_keys):
            first_row.setdefault(key, r)
        mix_of = {key: m for m, key in enumerate(first_row)}
        room_mix = np.fromiter(map(mix_of.__getitem__, room_keys), np.int64, len(room_keys))
        mixes = means[np.fromiter(first_row.values(), np.int64, len(first_row))]
        support = np.asarray(self.support)
        gaps = np.concatenate([  # blocks of 1,024 mixes: ~11 MB of differences at a time
            np.abs(support[None] - mixes[at:at + 1024, None]).sum(axis=2).min(axis=1)
            for at in range(0, len(mixes), 1024)])[room_mix.reshape(-1)]
        out = ["unchecked"] * len(sizes)
        for k, gap in zip(np.flatnonzero(filled).tolist(), gaps.tolist(), strict=True):
            out[k] = "in_range" if gap <= self.support_radius else "out_of_range"
        return out

    def estimate(
        self, probs: np.ndarray, codes: np.ndarray, ts: np.ndarray | None = None
    ) -> float:
        """Estimated bot share of one room.

        Args:
            probs: Bot score per comment.
            codes: Dense user code per comment.
            ts: Unix seconds per comment, or None.

        Returns:
            Share in [0, 1] (NaN for an empty room).
        """
        if len(probs) == 0:
            return math.nan
        return float(np.clip(self.contributions(probs, codes, ts).mean(), 0.0, 1.0))

    def half_width(self, estimate: float | np.ndarray, confidence: float) -> np.ndarray:
        """Conformal half-width of the band around ``estimate``.

        Args:
            estimate: Bot-share estimate(s).
            confidence: Coverage target.

        Returns:
            Half-width(s); ``inf`` without enough calibration residuals.
        """
        res = np.asarray(self.residuals, dtype=np.float64)
        res_band = np.searchsorted(self.band_edges, self.residual_estimates, side="right")
        pooled = conformal_quantile(res, confidence)
        quantiles = np.array([
            conformal_quantile(res[res_band == b], confidence)
            if (res_band == b).sum() >= self.min_band_rooms else pooled
            for b in range(len(self.band_edges) + 1)
        ])
        band = np.searchsorted(self.band_edges, np.asarray(estimate, dtype=np.float64),
                               side="right")
        return np.asarray(quantiles[band])

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (no ``stage`` key without a stage: older readers)."""
        out = {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v)
               for f in fields(self) if f.name != "stage"}
        out["support"] = [list(row) for row in self.support]
        if not self.support:  # older readers: no support keys
            del out["support"], out["support_radius"]
        if self.stage is not None:
            out["stage"] = self.stage.to_dict()
        else:
            del out["stage_edges"]
        return out

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> RoomRegression:
        """Rebuild from :meth:`to_dict` output.

        Args:
            doc: The dict.

        Returns:
            The model.

        Raises:
            ValueError: On unknown keys or a missing ``coef``/``intercept``.
        """
        known = {f.name for f in fields(cls)}
        unknown = set(doc) - known
        if unknown or "coef" not in doc or "intercept" not in doc:
            raise ValueError(
                f"bad RoomRegression document (unknown keys {sorted(unknown)}, needs coef "
                "and intercept); refit with `python -m botcomments_training.tune_rules` "
                "(shipped rules) or `botcomments train-fusion --rooms ...` (learned combiner)"
            )
        kw = dict(doc)
        for name in ("coef", "score_edges", "count_edges", "residuals",
                     "residual_estimates", "band_edges", "stage_edges"):
            if name in kw:
                kw[name] = tuple(kw[name])
        if "support" in kw:
            kw["support"] = tuple(tuple(row) for row in kw["support"])
        if kw.get("stage") is not None:
            kw["stage"] = AccountStage.from_dict(kw["stage"])
        return cls(**kw)
