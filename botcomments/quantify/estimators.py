"""Prevalence estimators: CC, ACC, PCC, PACC (vectorised over bootstrap replicates).

- CC (classify and count): share of items flagged. Biased whenever tpr < 1 or fpr > 0:
  E[CC] = fpr + p (tpr - fpr).
- ACC (adjusted CC): inverts that relation, ``(CC - fpr) / (tpr - fpr)``, clipped to
  [0, 1]. Unbiased (before clipping) when the rates transfer to the room.
- PCC (probabilistic CC): mean bot probability. Unbiased only if the probabilities are
  calibrated *at the room's prevalence*; calibration is fitted at the validation prior,
  so PCC is pulled towards that prior in rooms with 0 % or 95 % bots.
- PACC (probabilistic ACC): ``(PCC - p_fpr) / (p_tpr - p_fpr)`` with the mean
  probabilities on validation bots / genuine items; corrects PCC like ACC corrects CC,
  and has lower variance than ACC because it uses the scores, not thresholded decisions.
- REG (evidence-conditional room regression, :mod:`botcomments.quantify.prevalence`):
  a linear map of the room's evidence mix (score bins, account-score bins, account
  activity) fitted on calibration rooms of varied campaign mixes, i.e. per-stratum
  rates instead of one global pair; intervals widened by split-conformal residuals.

Example:
    >>> round(float(adjust(0.35, 0.8, 0.1)), 3)
    0.357
"""

from __future__ import annotations

import numpy as np

ESTIMATORS: tuple[str, ...] = ("cc", "acc", "pcc", "pacc", "reg")
"""Estimator names accepted by :func:`botcomments.quantify.estimate_authenticity`."""

NEEDS_RATES = frozenset({"acc", "pacc", "reg"})
PROBABILISTIC = frozenset({"pcc", "pacc", "reg"})


def adjust(raw: float | np.ndarray, tpr: float | np.ndarray, fpr: float | np.ndarray,
           out: np.ndarray | None = None) -> np.ndarray:
    """Correct a raw (classify-and-count or mean-probability) share with error rates.

    Args:
        raw: Observed share(s) of flagged items (or mean bot probability).
        tpr: True-positive rate(s) (or mean probability on bots).
        fpr: False-positive rate(s) (or mean probability on genuine items).
        out: Array of the broadcast shape to write the result into (e.g. a view of a
            bootstrap table), or None for a new one.

    Returns:
        ``clip((raw - fpr) / (tpr - fpr), 0, 1)`` (broadcast); NaN where tpr <= fpr.
    """
    raw_a, tpr_a, fpr_a = np.asarray(raw, float), np.asarray(tpr, float), np.asarray(fpr, float)
    gap = tpr_a - fpr_a
    with np.errstate(divide="ignore", invalid="ignore"):
        est = np.divide(np.subtract(raw_a, fpr_a, out=out), gap, out=out)
    if not np.ndim(est):
        return np.clip(np.where(gap > 0, est, np.nan), 0.0, 1.0)
    if not (gap > 0).all():  # rates are per replicate: the gap is the small operand
        np.copyto(est, np.nan, where=np.broadcast_to(~(gap > 0), est.shape))
    return np.clip(est, 0.0, 1.0, out=est)
