"""Room engagement accumulator and bubble estimate: clean rooms read genuine, bought
entry bursts, machine likes and anonymous like counters read bought, memory is bounded by
accounts and distinct seconds, and the rooms.json block is strict JSON."""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pytest

from botcomments.quantify import bubble
from botcomments.quantify.bubble import BIN_S, fit_entry_bins
from botcomments.quantify.bubble_evidence import add_peer_evidence
from botcomments.quantify.engagement import RoomEngagement
from botcomments.records import EngagementEvent

T0 = 1_714_565_700.0


def audience(room: RoomEngagement, n: int, seed: int = 0, interact: float = 0.3,
             span: float = 7200.0, prefix: str = "g", start: float = 0.0) -> None:
    """Genuine-looking viewers entering over ``span`` from ``start``; a share likes or
    comments later."""
    rng = np.random.default_rng(seed)
    for i, t in enumerate(np.sort(rng.uniform(start, start + span, n)).tolist()):
        uid = f"{prefix}{i}"
        room.add_event(EngagementEvent("enter", room.room_id, ts=T0 + t, user_id=uid))
        if rng.random() < interact:
            room.add_event(EngagementEvent("like", room.room_id, ts=T0 + t + 40, user_id=uid,
                                           count=int(rng.integers(1, 8))))
        if rng.random() < 0.1:
            room.add_comment(uid, T0 + t + 90, is_bot=False)


def idle_burst(room: RoomEngagement, n: int, at: float, width: float = 120.0) -> None:
    """Accounts delivered at once that never act."""
    for i in range(n):
        room.add_event(EngagementEvent("enter", room.room_id, ts=T0 + at + width * i / n,
                                       user_id=f"b{i}"))


def test_room_without_bought_engagement_reads_genuine() -> None:
    room = RoomEngagement("r1")
    audience(room, 600)
    est = room.estimate()
    assert est.n_viewers == 600
    assert est.genuine_viewer_share >= 0.95
    assert est.genuine_like_share >= 0.95
    lo, hi = est.genuine_viewer_share_ci
    assert lo <= 1.0 <= hi + 1e-9


def test_a_pushed_genuine_crowd_acting_a_little_less_reads_genuine(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """200 genuine viewers pushed in within two minutes, acting at 80 % of the room's
    share: a burst by count whose composition the genuine drift explains. Counted on its
    maximum-likelihood fraction alone it would read about 8 % of the room bought."""

    def pushed_room() -> RoomEngagement:
        room = RoomEngagement("r1")
        audience(room, 600, seed=11, interact=0.3)
        rng = np.random.default_rng(0)
        for i in range(200):
            t = T0 + 3000.0 + rng.uniform(0, 100)
            room.add_event(EngagementEvent("enter", "r1", ts=t, user_id=f"p{i}"))
            if rng.random() < 0.24:
                room.add_event(EngagementEvent("like", "r1", ts=t + 40, user_id=f"p{i}",
                                               count=3))
            if rng.random() < 0.08:
                room.add_comment(f"p{i}", t + 90, is_bot=False)
        return room

    assert pushed_room().estimate().genuine_viewer_share >= 0.95
    monkeypatch.setattr(bubble, "genuine_looking", lambda strong, *rest: np.zeros_like(
        np.asarray(strong), dtype=bool))
    assert pushed_room().estimate().genuine_viewer_share < 0.95


def test_eighty_percent_idle_entrants_read_bought_and_the_interval_covers() -> None:
    room = RoomEngagement("r1")
    audience(room, 200, interact=0.4)
    idle_burst(room, 800, at=3000.0)
    est = room.estimate()
    assert est.n_viewers == 1000
    assert est.genuine_viewer_share < 0.4
    lo, hi = est.genuine_viewer_share_ci
    assert lo <= 0.2 <= hi
    bursts = next(e for e in est.evidence if e.name == "entry_bursts")
    assert bursts.flagged and bursts.value > 500


def test_the_bootstrap_changes_only_the_standard_deviation() -> None:
    room = RoomEngagement("r1")
    audience(room, 200, interact=0.4)
    idle_burst(room, 300, at=3000.0)
    table = room.account_table()
    full = bubble.fit_viewers(table, np.random.default_rng(0))
    bare = bubble.fit_viewers(table, np.random.default_rng(0), bootstrap=False)
    assert bare.share == full.share < 0.7
    np.testing.assert_array_equal(bare.bought_p, full.bought_p)
    assert np.isnan(bare.sd) and full.sd > 0


def test_machine_rate_likes_and_anonymous_counter_read_bought() -> None:
    room = RoomEngagement("r1")
    audience(room, 300, interact=0.5)
    genuine_likes = room.estimate().n_likes
    room.add_event(EngagementEvent("enter", "r1", ts=T0 + 100, user_id="farm"))
    for s in range(20):  # 40 likes a second from one account
        room.add_event(EngagementEvent("like", "r1", ts=T0 + 200 + s, user_id="farm", count=40))
    for s in range(30):  # an anonymous counter, nobody liking around
        room.add_event(EngagementEvent("like", "r1", ts=T0 + 7500 + s, count=100))
    est = room.estimate()
    assert est.n_likes == genuine_likes + 800 + 3000
    assert est.genuine_likes == pytest.approx(genuine_likes, rel=0.05)
    machine = next(e for e in est.evidence if e.name == "machine_likes")
    assert machine.flagged


def test_interaction_share_floor_caps_an_even_drip() -> None:
    room = RoomEngagement("r1")
    audience(room, 100, interact=0.2, seed=3)
    rng = np.random.default_rng(1)
    for i, t in enumerate(np.sort(rng.uniform(0, 7200, 1900)).tolist()):
        room.add_event(EngagementEvent("enter", "r1", ts=T0 + t, user_id=f"d{i}"))
    est = room.estimate()
    assert est.genuine_viewer_share < 0.5
    assert "floor" in {n["code"] for n in est.notes}


def test_memory_is_bounded_by_seconds_with_events_not_the_time_span() -> None:
    room = RoomEngagement("r1")
    far = 253_402_300_799.0  # 9999-12-31T23:59:59Z, read as seconds
    room.add_event(EngagementEvent("enter", "r1", ts=0.0, user_id="a"))
    room.add_event(EngagementEvent("like", "r1", ts=far, user_id="a", count=3))
    room.add_event(EngagementEvent("viewers", "r1", ts=1.0, count=5))
    room.add_event(EngagementEvent("viewers", "r1", ts=far, count=9))
    tracemalloc.start()
    est = room.estimate()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20 * 2**20
    assert len(room.likes_by_second) == 1 and len(room.viewer_counts) == 2
    assert est.n_viewers == 1 and est.peak_shown_viewers == 9


def test_to_dict_is_strict_json_with_reasons_and_notes() -> None:
    room = RoomEngagement("r1")
    room.add_event(EngagementEvent("viewers", "r1", ts=T0, count=10))
    block = room.estimate().to_dict()
    text = json.dumps(block, allow_nan=False)
    back = json.loads(text)
    assert back["n_viewers"] == 0 and back["genuine_viewer_share"] is None
    assert all(e["reason"] for e in back["evidence"])
    assert {"priors", "slow_drip", "shown_count", "no_enters"} <= {n["code"] for n in
                                                                  back["notes"]}
    assert back["in_range"] is False


def test_events_of_another_room_are_refused() -> None:
    room = RoomEngagement("r1")
    with pytest.raises(ValueError, match="one RoomEngagement per room"):
        room.add_event(EngagementEvent("enter", "r2", ts=T0, user_id="a"))


def test_bot_commenters_are_bought_viewers() -> None:
    room = RoomEngagement("r1")
    audience(room, 300)
    for i in range(100):
        room.add_event(EngagementEvent("enter", "r1", ts=T0 + 10 * i, user_id=f"x{i}"))
        room.add_comment(f"x{i}", T0 + 10 * i + 5, is_bot=True)
    est = room.estimate()
    assert est.genuine_viewer_share == pytest.approx(0.75, abs=0.05)


def test_peer_rooms_flag_far_more_likes_per_viewer() -> None:
    rooms = []
    for r in range(4):
        room = RoomEngagement(f"r{r}")
        audience(room, 100, seed=r, prefix="g")
        if r == 3:
            for s in range(60):
                room.add_event(EngagementEvent("like", "r3", ts=T0 + s, count=500))
        rooms.append(room.estimate())
    add_peer_evidence(rooms)
    flags = [next(e for e in est.evidence if e.name == "likes_per_viewer_peers").flagged
             for est in rooms]
    assert flags == [False, False, False, True]


def leveled_room(drip: int, levels: bool, seed: int = 5) -> RoomEngagement:
    """400 genuine viewers (levels around 10 whether they interact or not, 30 % liking) and
    an even drip of ``drip`` idle fresh accounts (level 0-2) over the whole session."""
    rng = np.random.default_rng(seed)
    room = RoomEngagement("r1")
    entrants = [(t, f"g{i}", True) for i, t in enumerate(rng.uniform(0, 7200, 400).tolist())]
    entrants += [(t, f"d{i}", False) for i, t in enumerate(rng.uniform(0, 7200, drip).tolist())]
    for t, uid, genuine in sorted(entrants):
        level = int(rng.lognormal(np.log(10), 0.6)) if genuine else int(rng.integers(0, 3))
        room.add_event(EngagementEvent("enter", "r1", ts=T0 + t, user_id=uid,
                                       extra={"user_level": level} if levels else {}))
        if genuine and rng.random() < 0.3:
            room.add_event(EngagementEvent("like", "r1", ts=T0 + t + 30, user_id=uid, count=3))
    return room


def test_an_even_drip_of_fresh_idle_accounts_is_seen_only_through_levels() -> None:
    without = leveled_room(400, levels=False).estimate()
    with_levels = leveled_room(400, levels=True).estimate()
    assert without.genuine_viewer_share > 0.8  # looks like lurkers: the slow-drip blind spot
    assert with_levels.genuine_viewer_share == pytest.approx(0.5, abs=0.08)
    lo, hi = with_levels.genuine_viewer_share_ci
    assert lo <= 0.5 <= hi < 0.8  # levels bound the interval that drift leaves open without
    assert with_levels.viewer_regime.startswith("levels/")
    assert without.viewer_regime.startswith("no_levels/")
    idle = next(e for e in with_levels.evidence if e.name == "idle_entrants")
    assert "level" in idle.reason


def test_clean_room_with_levels_reads_genuine() -> None:
    est = leveled_room(0, levels=True).estimate()
    assert est.genuine_viewer_share >= 0.95
    lo, hi = est.genuine_viewer_share_ci
    assert lo <= 1.0 <= hi + 1e-9


@pytest.mark.parametrize("value, kept", [(7, 7), (0, 0), (True, -1), (-3, -1), ("7", -1),
                                         (None, -1)], ids=str)
def test_user_level_is_read_from_extra_as_a_non_negative_int(value: object, kept: int) -> None:
    room = RoomEngagement("r1")
    room.add_event(EngagementEvent("enter", "r1", ts=T0, user_id="a",
                                   extra={"user_level": value}))
    assert room.accounts["a"].level == kept


def test_cumulative_watched_counts_stay_out_of_the_online_curve() -> None:
    """An online count and a "watched so far" counter in one feed: two numbers, two uses."""
    room = RoomEngagement("r")
    for i in range(20):
        room.add_event(EngagementEvent("enter", "r", ts=1e9 + i, user_id=f"u{i}"))
        room.add_event(EngagementEvent("viewers", "r", ts=1e9 + i, count=15,
                                       extra={"counter": "online"}))
        room.add_event(EngagementEvent("viewers", "r", ts=1e9 + i, count=1000 + 40 * i,
                                       extra={"counter": "watched"}))
    series = room.series()
    assert series.viewer_counts.tolist() == [15] * 20 and series.watched_max == 1760
    block = room.estimate().to_dict()
    assert block["peak_shown_viewers"] == 15 and block["peak_watched"] == 1760
    jumps = next(e for e in block["evidence"] if e["name"] == "viewer_jumps")
    shown = next(e for e in block["evidence"] if e["name"] == "shown_vs_accounts")
    assert not jumps["flagged"]  # alternating 15 / 1,000+ would have read as jumps
    assert shown["flagged"] and shown["value"] == pytest.approx(1760 / 20)


def slow_idle(room: RoomEngagement, n: int, start: float, width: float, seed: int = 9,
              like_share: float = 0.0) -> None:
    """Idle accounts entering evenly over a window (a drip), some liking a little."""
    rng = np.random.default_rng(seed)
    for i, t in enumerate(np.sort(rng.uniform(start, start + width, n)).tolist()):
        room.add_event(EngagementEvent("enter", room.room_id, ts=T0 + t, user_id=f"s{i}"))
        if rng.random() < like_share:
            room.add_event(EngagementEvent("like", room.room_id, ts=T0 + t + 20,
                                           user_id=f"s{i}", count=2))


def test_idle_accounts_delivered_over_an_hour_read_bought() -> None:
    """No minute is a burst (about 7 idle entrants a minute next to 5 genuine ones), but the
    hour's entrants act far less than the rest of the room's: a drip."""
    room = RoomEngagement("r1")
    audience(room, 600, seed=11, interact=0.35, span=7200.0)
    slow_idle(room, 400, start=2400.0, width=3600.0)
    est = room.estimate()
    assert est.genuine_viewer_share == pytest.approx(0.6, abs=0.06)
    lo, hi = est.genuine_viewer_share_ci
    # without levels a genuine audience acting less for an hour cannot be told from a
    # drip (the simulator's drift): the regime's interval is wide above, but stops well
    # short of an all-genuine room (a 90 % interval)
    assert lo <= 0.6 <= hi < 0.9 and est.viewer_regime == "no_levels/mid"
    bursts = next(e for e in est.evidence if e.name == "entry_bursts")
    assert bursts.flagged and "period(s)" in bursts.reason


def test_a_burst_of_bots_liking_like_the_audience_reads_bought() -> None:
    """Bots that like at the audience's rate are told from a genuine crowd by the
    commenters a genuine crowd would bring."""
    room = RoomEngagement("r1")
    audience(room, 400, seed=12, interact=0.3)
    slow_idle(room, 300, start=3000.0, width=60.0, like_share=0.3)
    est = room.estimate()
    assert est.genuine_viewer_share == pytest.approx(400 / 700, abs=0.06)


def test_a_sparse_room_has_no_bursts_where_its_few_interactors_are_absent() -> None:
    """130 viewers over 2 h, a tenth acting: minutes with a few entrants and no acting
    neighbour are not bursts (the neighbours' rate is low, not zero)."""
    room = RoomEngagement("r1")
    audience(room, 130, seed=13, interact=0.1)
    est = room.estimate()
    assert est.genuine_viewer_share >= 0.9


def test_a_quieter_hour_of_a_genuine_audience_is_not_a_drip() -> None:
    """The genuine share of acting entrants may drift (BASELINE_DRIFT): an hour in which
    the audience acts at two thirds of its usual rate reads genuine."""
    room = RoomEngagement("r1")
    audience(room, 500, seed=14, interact=0.35, span=3600.0)
    audience(room, 500, seed=15, interact=0.2, span=3600.0, prefix="h", start=3600.0)
    est = room.estimate()
    assert est.genuine_viewer_share >= 0.9


def test_adjacent_burst_minutes_are_fitted_as_one_group() -> None:
    """Five entrants a minute (two acting); minutes 59-61 bring 60, 20 and 20 idle accounts
    more (one package over three minutes: one group), minute 20 brings 20 (a group of
    its own)."""
    when, acting = [], []
    for b in range(120):
        extra = {59: 20, 60: 60, 61: 20, 20: 20}.get(b, 0)
        for i in range(5 + extra):
            when.append(b * BIN_S + i * BIN_S / (5 + extra))
            acting.append(i < 2)
    act = np.array(acting)
    bins = fit_entry_bins(np.array(when), np.zeros(len(when), bool), np.zeros(len(when), bool),
                          act)
    assert np.flatnonzero(bins.burst).tolist() == [20, 59, 60, 61]
    groups = bins.groups
    assert groups[59] == groups[60] == groups[61] >= 0
    assert groups[20] >= 0 and groups[20] != groups[60]


def test_a_quieter_hour_of_a_genuine_audience_with_levels_is_rarely_a_drip() -> None:
    """Acting at half the usual rate for an hour (beyond the drift allowance) reads as a
    drip by composition alone (9 of these 10 rooms), but its idle viewers have the room's
    levels: the level test drops the drip except by chance (p < 0.1 by design)."""
    genuine = 0
    for seed in range(21, 31):
        rng = np.random.default_rng(seed)
        room = RoomEngagement("r1")
        for i, t in enumerate(np.sort(rng.uniform(0, 7200, 1000)).tolist()):
            uid = f"g{i}"
            level = int(rng.lognormal(np.log(10), 0.6))
            room.add_event(EngagementEvent("enter", "r1", ts=T0 + t, user_id=uid,
                                           extra={"user_level": level}))
            if rng.random() < (0.36 if t < 3600 else 0.18):
                room.add_event(EngagementEvent("like", "r1", ts=T0 + t + 30, user_id=uid,
                                               count=3))
                if rng.random() < 0.3:
                    room.add_comment(uid, T0 + t + 60, is_bot=False)
        genuine += room.estimate().genuine_viewer_share >= 0.9
    assert genuine >= 6
