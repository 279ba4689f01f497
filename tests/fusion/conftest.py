"""Fixtures for fusion tests: a small synthetic labeled feature table with room groups."""

from __future__ import annotations

import numpy as np
import pytest

from botcomments.fusion.features import FeatureTable


@pytest.fixture(scope="session")
def labeled_table() -> tuple[FeatureTable, np.ndarray, np.ndarray]:
    """3,000 rows over 60 rooms; label depends nonlinearly on two of four features."""
    rng = np.random.default_rng(7)
    n = 3000
    x = rng.normal(size=(n, 4)).astype(np.float32)
    x[:, 2] = rng.poisson(3, size=n)
    x[rng.random((n, 4)) < 0.03] = np.nan
    a = np.nan_to_num(x[:, 0])
    b = np.nan_to_num(x[:, 1])
    y = (a + b**2 + 0.4 * rng.normal(size=n) > 0.9).astype(int)
    groups = np.repeat(np.arange(60), n // 60)
    table = FeatureTable(("dup.a", "dup.b", "timing.c", "text.p_bot"), x)
    return table, y, groups
