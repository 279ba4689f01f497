"""Rooms estimated together (``estimate_rooms``): accounts a room counts bought are a sign
in the run's other rooms, weighed against the room's own interactors."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from botcomments.quantify.engagement import RoomEngagement, estimate_rooms
from botcomments.records import EngagementEvent
from botcomments.scoring.room_events import RoomEvents
from tests.quantify.test_quantify_engagement import T0, audience, idle_burst


def even_idle(room: RoomEngagement, ids: list[str], span: float = 7200.0, seed: int = 1,
              platform: str = "unknown") -> None:
    """Accounts entering evenly over the session that never act (a slow drip)."""
    times = np.sort(np.random.default_rng(seed).uniform(0, span, len(ids))).tolist()
    for uid, t in zip(ids, times, strict=True):
        room.add_event(EngagementEvent("enter", room.room_id, ts=T0 + t, user_id=uid,
                                       platform=platform))


def burst_room(room_id: str = "a") -> RoomEngagement:
    """A room whose 400 bought accounts ``b0..b399`` arrive in one burst."""
    room = RoomEngagement(room_id)
    audience(room, 300, seed=5, prefix="a")
    idle_burst(room, 400, at=3000.0)
    return room


def drip_room(room_id: str = "b") -> RoomEngagement:
    """600 genuine viewers and the same 400 bought accounts as :func:`burst_room`, idle and
    spread over the whole session (invisible to the room alone: no levels)."""
    room = RoomEngagement(room_id)
    audience(room, 600, seed=6, prefix="h")
    even_idle(room, [f"b{i}" for i in range(400)])
    return room


def test_a_drip_of_accounts_bought_in_another_room_reads_bought_together() -> None:
    alone = drip_room().estimate()
    together = estimate_rooms([burst_room(), drip_room()])[1]
    assert alone.genuine_viewer_share > 0.85  # the room alone cannot see the drip
    assert abs(together.genuine_viewer_share - 0.6) < 0.08
    lo, hi = together.genuine_viewer_share_ci
    assert lo <= 0.6 <= hi
    idle = next(e for e in together.evidence if e.name == "idle_entrants")
    assert idle.flagged and "not counted bought in another room of the run" in idle.reason


def test_genuine_regulars_caught_in_another_rooms_burst_are_not_taken_for_bought() -> None:
    a = burst_room()
    regulars = [f"r{i}" for i in range(60)]
    idle_burst_ids(a, regulars, at=3000.0)
    b = RoomEngagement("b")
    audience(b, 600, seed=6, prefix="h")
    audience(b, 60, seed=7, prefix="r")  # the same regulars, acting like b's audience
    assert a.likely_bought()[[u.startswith("r") for u in a.accounts]].mean() > 0.9
    alone, together = b.estimate(), estimate_rooms([a, b])[1]
    assert together.genuine_viewer_share >= 0.95
    assert together.genuine_viewer_share >= alone.genuine_viewer_share - 0.02


def idle_burst_ids(room: RoomEngagement, ids: list[str], at: float, width: float = 120.0
                   ) -> None:
    """The given accounts entering within the burst window, idle."""
    for i, uid in enumerate(ids):
        room.add_event(EngagementEvent("enter", room.room_id,
                                       ts=T0 + at + width * i / len(ids), user_id=uid))


def test_rooms_that_share_no_account_read_as_alone() -> None:
    rooms = [burst_room("a"), RoomEngagement("c")]
    audience(rooms[1], 500, seed=8, prefix="c")
    even_idle(rooms[1], [f"x{i}" for i in range(300)])
    together = estimate_rooms(rooms)
    for room, est in zip(rooms, together, strict=True):
        assert est.to_dict() == room.estimate().to_dict()
    assert estimate_rooms(rooms[:1])[0].to_dict() == rooms[0].estimate().to_dict()
    assert estimate_rooms([]) == []


def steady_audience(room: RoomEngagement, n: int, every: float, prefix: str, platform: str
                    ) -> None:
    """``n`` viewers entering every ``every`` seconds, one in three liking."""
    for i in range(n):
        room.add_event(EngagementEvent("enter", room.room_id, ts=T0 + every * i,
                                       user_id=f"{prefix}{i}", platform=platform))
        if i % 3 == 0:
            room.add_event(EngagementEvent("like", room.room_id, ts=T0 + every * i + 40,
                                           user_id=f"{prefix}{i}", platform=platform))


def platform_rooms(platform_a: str, platform_b: str) -> tuple[RoomEngagement, RoomEngagement]:
    """Room a (burst of ``b0..b399``) and room b (the same ids dripping in) on the given
    platforms."""
    a = RoomEngagement("a")
    for i in range(400):
        a.add_event(EngagementEvent("enter", "a", ts=T0 + 3000 + 0.3 * i, user_id=f"b{i}",
                                    platform=platform_a))
    steady_audience(a, 300, 24.0, "a", platform_a)
    b = RoomEngagement("b")
    steady_audience(b, 600, 12.0, "h", platform_b)
    even_idle(b, [f"b{i}" for i in range(400)], platform=platform_b)
    return a, b


def test_accounts_are_matched_within_a_platform_only() -> None:
    a, b = platform_rooms("bilibili", "douyin")
    assert a.likely_bought().sum() >= 300
    assert estimate_rooms([a, b])[1].to_dict() == b.estimate().to_dict()
    a, b = platform_rooms("douyin", "douyin")
    assert estimate_rooms([a, b])[1].genuine_viewer_share < b.estimate().genuine_viewer_share - 0.2


def test_a_scoring_runs_rooms_are_estimated_together(tmp_path: Path) -> None:
    built = {"a": burst_room("a"), "b": drip_room("b")}
    run = RoomEvents(factory=built.__getitem__)
    for room in ("a", "b"):
        run.add_event(EngagementEvent("viewers", room, ts=T0, count=100))
    blocks = run.finish([], tmp_path / "comments.jsonl")
    expected = estimate_rooms([built["a"], built["b"]])
    assert [blocks["a"], blocks["b"]] == [e.to_dict() for e in expected]
    assert blocks["b"]["genuine_viewer_share"] < 0.7 < built["b"].estimate().genuine_viewer_share
