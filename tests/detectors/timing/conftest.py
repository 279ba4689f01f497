"""Fixtures for the machine-posting detector tests: small synthetic rooms."""

from __future__ import annotations

import pytest

from botcomments.detectors.timing import MachinePostingDetector, TimingConfig
from tests.helpers.timing_synth import BatchFactory, make_room_batch


@pytest.fixture
def make_batch() -> BatchFactory:
    """Build a RoomBatch from (text, ts, user_id) rows (sorted like a reader would)."""
    return make_room_batch


@pytest.fixture
def detector() -> MachinePostingDetector:
    """A fresh detector with default parameters."""
    return MachinePostingDetector(TimingConfig())
