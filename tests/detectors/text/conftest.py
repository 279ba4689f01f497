"""Fixtures for the text detector tests: small hand-made rooms."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from botcomments.detectors.base import RoomBatch
from botcomments.records import Comment
from botcomments.text.normalize import normalize

Row = tuple[str, str | None, float | None]  # text, user_id, ts


def build_room(room_id: str, rows: Sequence[Row]) -> RoomBatch:
    """A RoomBatch from (text, user, ts) rows, normalised with the project normaliser."""
    comments = [Comment(text=t, room_id=room_id, ts=ts, user_id=u) for t, u, ts in rows]
    return RoomBatch(room_id, comments, [normalize(c.text) for c in comments])


@pytest.fixture
def make_room() -> Callable[[str, Sequence[Row]], RoomBatch]:
    """Factory building a normalised room from (text, user, ts) rows."""
    return build_room
