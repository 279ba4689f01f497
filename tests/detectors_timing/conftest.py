"""Fixtures for the machine-posting detector tests: small synthetic rooms."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from timing_synth import Row

from botcomments.detectors.base import RoomBatch
from botcomments.detectors.timing import MachinePostingDetector, TimingConfig
from botcomments.records import Comment
from botcomments.text.normalize import normalize

BatchFactory = Callable[..., RoomBatch]


def make_room_batch(rows: Sequence[Row], room_id: str = "r") -> RoomBatch:
    comments = [Comment(text=t, room_id=room_id, ts=ts, user_id=u) for t, ts, u in rows]
    comments.sort(key=lambda c: (c.ts is None, c.ts or 0.0))
    return RoomBatch(room_id, comments, [normalize(c.text) for c in comments])


@pytest.fixture
def make_batch() -> BatchFactory:
    """Build a RoomBatch from (text, ts, user_id) rows (sorted like a reader would)."""
    return make_room_batch


@pytest.fixture
def detector() -> MachinePostingDetector:
    """A fresh detector with default parameters."""
    return MachinePostingDetector(TimingConfig())
