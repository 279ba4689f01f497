"""Classifier error rates measured on validation data, stored with a model.

Prevalence estimators (ACC, PACC) correct a room's raw bot share with these rates; the
confidence interval resamples them from the validation counts they came from.

Example:
    >>> import numpy as np
    >>> r = measure_rates(np.array([0.9, 0.8, 0.2, 0.1]), np.array([1, 1, 0, 0]))
    >>> r.tpr, r.fpr
    (1.0, 0.0)
    >>> ClassifierRates.from_dict(r.to_dict()) == r
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

import numpy as np

from botcomments.quantify.prevalence import RoomRegression
from botcomments.quantify.users import user_codes


@dataclass(frozen=True)
class ClassifierRates:
    """Error rates of a bot classifier measured on labelled validation data.

    Args:
        tpr: True-positive rate (recall on bots) at ``threshold``.
        fpr: False-positive rate (share of genuine items flagged) at ``threshold``.
        threshold: Score threshold the hard decisions used.
        n_pos: Validation bots.
        n_neg: Validation genuine items.
        p_tpr: Mean bot probability on validation bots (for PACC).
        p_fpr: Mean bot probability on validation genuine items (for PACC).
        p_tpr_sd: Standard deviation of the bot probability on validation bots.
        p_fpr_sd: Standard deviation of the bot probability on genuine items.
        level: "comment" or "user" (what one validation item is).
        user: Rates of the user-level aggregate (see ``measure_rates``), if measured.
        room_model: Evidence-conditional room regression with its conformal residuals
            (see :mod:`botcomments.quantify.prevalence`); when present the "reg"
            estimator is the default. In ``user`` it estimates the commenter share.

    Raises:
        ValueError: If a rate is outside [0, 1], a count is negative, or level unknown.
    """

    tpr: float
    fpr: float
    threshold: float = 0.5
    n_pos: int = 0
    n_neg: int = 0
    p_tpr: float | None = None
    p_fpr: float | None = None
    p_tpr_sd: float = 0.0
    p_fpr_sd: float = 0.0
    level: str = "comment"
    user: ClassifierRates | None = None
    room_model: RoomRegression | None = None

    def __post_init__(self) -> None:
        for name in ("tpr", "fpr", "p_tpr", "p_fpr"):
            value = getattr(self, name)
            if value is not None and not 0.0 <= value <= 1.0:
                raise ValueError(f"ClassifierRates.{name}={value!r} must be in [0, 1]")
        if self.n_pos < 0 or self.n_neg < 0:
            raise ValueError(f"validation counts n_pos={self.n_pos}, n_neg={self.n_neg} < 0")
        if self.level not in ("comment", "user"):
            raise ValueError(f"level={self.level!r} must be 'comment' or 'user'")

    @property
    def has_probabilistic(self) -> bool:
        """True when the mean-probability rates needed by PACC are present."""
        return self.p_tpr is not None and self.p_fpr is not None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (nested ``user`` rates included).

        Returns:
            Plain dict of the fields.
        """
        out = asdict(self)
        out["user"] = self.user.to_dict() if self.user is not None else None
        out["room_model"] = self.room_model.to_dict() if self.room_model is not None else None
        return out

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> ClassifierRates:
        """Rebuild rates saved with :meth:`to_dict`.

        Args:
            doc: The dict (unknown keys are rejected).

        Returns:
            The rates.

        Raises:
            ValueError: If ``doc`` has unknown keys or misses ``tpr``/``fpr``.
        """
        known = {f.name for f in fields(cls)}
        unknown = set(doc) - known
        if unknown:
            raise ValueError(f"unknown ClassifierRates keys {sorted(unknown)}; expected {known}")
        if "tpr" not in doc or "fpr" not in doc:
            raise ValueError("ClassifierRates needs at least 'tpr' and 'fpr'")
        kw = dict(doc)
        if kw.get("user") is not None:
            kw["user"] = cls.from_dict(kw["user"])
        if kw.get("room_model") is not None:
            kw["room_model"] = RoomRegression.from_dict(kw["room_model"])
            kw["user"] = _share_stage(kw["room_model"], doc, kw.get("user"))
        return cls(**kw)


def _share_stage(
    model: RoomRegression, doc: dict[str, Any], user: ClassifierRates | None
) -> ClassifierRates | None:
    """Give the user model the comment model's stage object when both saved the same one.

    The estimator then computes the account stage once per room (see ``room.py``).
    """
    if user is None or user.room_model is None or model.stage is None:
        return user
    if (doc.get("user") or {}).get("room_model", {}).get("stage") != doc["room_model"]["stage"]:
        return user
    return replace(user, room_model=replace(user.room_model, stage=model.stage))


def _rates_from_arrays(
    scores: np.ndarray, labels: np.ndarray, threshold: float, level: str
) -> ClassifierRates:
    pos, neg = labels == 1, labels == 0
    if not pos.any() or not neg.any():
        raise ValueError(
            f"validation data needs both bots and genuine {level}s to measure error rates "
            f"(got {int(pos.sum())} bots, {int(neg.sum())} genuine); use a labelled "
            "validation split containing both classes"
        )
    flagged = scores >= threshold
    return ClassifierRates(
        tpr=float(flagged[pos].mean()),
        fpr=float(flagged[neg].mean()),
        threshold=float(threshold),
        n_pos=int(pos.sum()),
        n_neg=int(neg.sum()),
        p_tpr=float(scores[pos].mean()),
        p_fpr=float(scores[neg].mean()),
        p_tpr_sd=float(scores[pos].std()),
        p_fpr_sd=float(scores[neg].std()),
        level=level,
    )


def measure_rates(
    scores: Sequence[float] | np.ndarray,
    labels: Sequence[int] | np.ndarray,
    threshold: float = 0.5,
    users: Sequence[Any] | np.ndarray | None = None,
) -> ClassifierRates:
    """Measure a classifier's error rates on labelled validation data.

    Args:
        scores: Bot probabilities in [0, 1], one per validation comment.
        labels: 0 genuine / 1 bot, same length.
        threshold: Decision threshold used for the hard rates.
        users: Optional account ids; when given, the user-level aggregate (a user's
            score is the mean of their comments' scores, their label is the majority
            label) is measured too and stored in ``.user``.

    Returns:
        Comment-level rates (with user-level rates nested when ``users`` is given).

    Raises:
        ValueError: If lengths differ, scores are outside [0, 1], labels are not 0/1,
            or a class is missing.
    """
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels)
    if s.shape != y.shape or s.ndim != 1:
        raise ValueError(f"scores {s.shape} and labels {y.shape} must be 1-D and equal length")
    if len(s) and (not np.isfinite(s).all() or s.min() < 0 or s.max() > 1):
        raise ValueError("scores must be finite probabilities in [0, 1]")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("labels must be 0 (genuine) or 1 (bot)")
    rates = _rates_from_arrays(s, y, threshold, "comment")
    if users is None:
        return rates
    codes, n_users = user_codes(users, len(s))
    counts = np.bincount(codes, minlength=n_users)
    u_score = np.bincount(codes, weights=s, minlength=n_users) / counts
    u_label = (np.bincount(codes, weights=y, minlength=n_users) / counts >= 0.5).astype(int)
    user = _rates_from_arrays(u_score, u_label, threshold, "user")
    return replace(rates, user=user)
