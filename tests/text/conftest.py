"""Fixtures for the normaliser tests."""

from __future__ import annotations

import pytest

from botcomments.text.normalize import Normalizer


@pytest.fixture(scope="session")
def normalizer() -> Normalizer:
    """The current-version normaliser."""
    return Normalizer()
