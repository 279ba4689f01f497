"""Room authenticity as prevalence estimation (CC/ACC/PCC/PACC/REG, bootstrap + conformal CI).

REG can read an account-evidence stage (``quantify.accounts``) instead of score bins.
Everything here evaluates; fitting lives in ``botcomments_training.fitting.quantifier``.

Example:
    >>> import numpy as np
    >>> from botcomments.quantify import measure_rates, estimate_authenticity
    >>> rates = measure_rates(np.array([0.9, 0.7, 0.3, 0.2]), np.array([1, 1, 0, 0]))
    >>> estimate_authenticity(np.array([0.8, 0.2, 0.25]), rates=rates).estimator
    'pacc'
"""

from botcomments.quantify.accounts import AccountStage, account_features
from botcomments.quantify.estimators import ESTIMATORS, adjust
from botcomments.quantify.prevalence import RoomRegression
from botcomments.quantify.rates import ClassifierRates, measure_rates
from botcomments.quantify.room import (
    RoomAuthenticity,
    RoomInput,
    RoomsTable,
    estimate_authenticity,
    estimate_rooms,
    summarize_rooms,
)
from botcomments.quantify.users import user_codes

__all__ = [
    "ESTIMATORS",
    "AccountStage",
    "ClassifierRates",
    "RoomAuthenticity",
    "RoomInput",
    "RoomRegression",
    "RoomsTable",
    "account_features",
    "adjust",
    "estimate_authenticity",
    "estimate_rooms",
    "measure_rates",
    "summarize_rooms",
    "user_codes",
]
