"""Bought commenters whose comments the scorer missed: counted bought in packages at the
scorer's miss rate, not as the package's genuine commenters."""

from __future__ import annotations

import numpy as np
import pytest

from botcomments.quantify.bubble import missed_bot_commenters
from botcomments.quantify.engagement import SCORER_MISS_RATE, RoomEngagement
from botcomments.records import EngagementEvent
from botcomments.scoring.room_events import RoomEvents
from tests.quantify.test_quantify_engagement import T0, audience


def test_each_flagged_commenter_stands_for_rate_over_one_minus_rate_missed() -> None:
    flagged = np.array([0.0, 4.0, 8.0, 40.0])
    strong = np.array([5.0, 5.0, 5.0, 5.0])
    assert missed_bot_commenters(flagged, strong, 0.2).tolist() == [0.0, 1.0, 2.0, 5.0]
    assert missed_bot_commenters(flagged, strong, 0.0).tolist() == [0.0] * 4
    assert np.isfinite(missed_bot_commenters(flagged, strong, 1.0)).all()


def package_with_comments(miss_rate: float) -> RoomEngagement:
    """400 genuine viewers; a package of 600 idle accounts at once, 60 of which comment:
    48 comments called bot, 12 missed (a 20 % miss rate)."""
    room = RoomEngagement("r1", miss_rate=miss_rate)
    audience(room, 400, seed=3, interact=0.2)
    for i in range(600):
        uid = f"b{i}"
        room.add_event(EngagementEvent("enter", "r1", ts=T0 + 3000 + 0.2 * i, user_id=uid))
        if i % 10 == 0:
            room.add_comment(uid, T0 + 3200 + i, is_bot=(i // 10) % 5 != 0)
    return room


def test_missed_bot_commenters_in_a_package_count_bought_at_the_miss_rate() -> None:
    truth = 0.4
    naive = package_with_comments(0.0).estimate().genuine_viewer_share
    corrected = package_with_comments(0.2).estimate().genuine_viewer_share
    assert naive > truth + 0.03  # the 12 missed bots pass for the package's commenters
    assert abs(corrected - truth) < min(abs(naive - truth) / 2, 0.02)


@pytest.mark.parametrize(("rules_only", "mode"), [(False, "fused"), (True, "rules")])
def test_a_scoring_run_takes_its_scorers_miss_rate(rules_only: bool, mode: str) -> None:
    run = RoomEvents(rules_only=rules_only)
    run.add_event(EngagementEvent("enter", "r1", ts=T0, user_id="a"))
    acc = run._accumulators["r1"]
    assert isinstance(acc, RoomEngagement)
    assert acc.miss_rate == SCORER_MISS_RATE[mode]
