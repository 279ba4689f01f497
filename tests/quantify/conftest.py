"""Fixtures for the authenticity estimator tests: synthetic rooms with known prevalence."""

from __future__ import annotations

import numpy as np
import pytest

from botcomments.quantify import ClassifierRates
from tests.helpers.quantify_synth import SyntheticClassifier


@pytest.fixture(scope="session")
def clf() -> SyntheticClassifier:
    """A noisy classifier: bot scores ~ Beta(4, 2), genuine ~ Beta(2, 4)."""
    return SyntheticClassifier()


@pytest.fixture(scope="session")
def rates(clf: SyntheticClassifier) -> ClassifierRates:
    """Rates measured on a balanced validation set with users (seed not used by rooms)."""
    return clf.validation_rates(np.random.default_rng(12345))
