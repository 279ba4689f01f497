"""Engagement simulator: deterministic by seed, labelled, bought shares as asked."""

from __future__ import annotations

import numpy as np
import pytest

from botcomments.simulate.engagement import (
    DRIFT_SEGMENT_S,
    DRIFT_SIGMA_MAX,
    Commenter,
    EngagementRoom,
    draw_drift,
    simulate_engagement,
)


def test_same_seed_same_events_other_seed_other_events() -> None:
    a = simulate_engagement("r1", seed=5, bought_viewers=0.4, bought_likes=0.3)
    b = simulate_engagement("r1", seed=5, bought_viewers=0.4, bought_likes=0.3)
    c = simulate_engagement("r1", seed=6, bought_viewers=0.4, bought_likes=0.3)
    assert [e.to_dict() for e in a.events] == [e.to_dict() for e in b.events]
    assert a.comments == b.comments
    assert [e.to_dict() for e in a.events] != [e.to_dict() for e in c.events]


@pytest.mark.parametrize("share", [0.0, 0.3, 0.8, 0.95], ids=lambda s: f"bought{s}")
def test_bought_shares_match_the_request_and_the_labels(share: float) -> None:
    room = simulate_engagement("r1", seed=11, bought_viewers=share, bought_likes=share)
    t = room.truth
    assert t.genuine_viewer_share == pytest.approx(1 - share, abs=0.02)
    assert t.genuine_like_share == pytest.approx(1 - share, abs=0.02)
    first_label: dict[str, int | None] = {}
    for e in room.events:
        if e.kind == "enter" and e.user_id is not None:
            first_label.setdefault(e.user_id, e.label)
    assert len(first_label) == t.n_viewers
    assert sum(lab == 0 for lab in first_label.values()) == t.n_genuine_viewers
    likes = [e for e in room.events if e.kind == "like"]
    assert sum(e.count for e in likes if e.label == 0) == t.n_genuine_likes


def test_events_are_time_ordered_and_viewer_counts_unlabelled() -> None:
    room = simulate_engagement("r1", seed=2, bought_viewers=0.5, bought_likes=0.5)
    ts = [e.ts for e in room.events]
    assert ts == sorted(ts)
    kinds = {e.kind for e in room.events}
    assert {"enter", "like", "viewers"} <= kinds
    assert all(e.label is None and e.user_id is None for e in room.events if e.kind == "viewers")
    assert all(e.label in (0, 1) for e in room.events if e.kind != "viewers")


def test_only_the_asked_packages_appear() -> None:
    room = simulate_engagement("r1", seed=3, bought_viewers=0.6, bought_likes=0.6,
                               packages=("enter_idle", "like_counter"))
    assert {p["type"] for p in room.truth.packages} == {"enter_idle", "like_counter"}
    anonymous = [e for e in room.events if e.kind == "like" and e.user_id is None]
    assert anonymous and all(e.label == 1 for e in anonymous)


def test_tied_to_given_commenters() -> None:
    t0 = 1_714_565_700.0
    given = [Commenter(f"u{i}", True, [t0 + 60.0 * i, t0 + 60.0 * i + 5]) for i in range(20)]
    given.append(Commenter("bot1", False, [t0 + 30.0]))
    room = simulate_engagement("r1", seed=1, bought_viewers=0.2, commenters=given,
                               start_ts=t0, duration=3600.0)
    enters = {e.user_id: e.label for e in room.events if e.kind == "enter"}
    assert enters["u3"] == 0 and enters["bot1"] == 1
    assert ("bot1", t0 + 30.0, True) in room.comments
    assert sum(1 for c in room.comments if c[0] == "u0") == 2


def test_invalid_share_or_package_is_refused() -> None:
    with pytest.raises(ValueError, match="within"):
        simulate_engagement("r1", seed=0, bought_viewers=0.99)
    with pytest.raises(ValueError, match="unknown package"):
        simulate_engagement("r1", seed=0, packages=("bots",))


def test_levels_ride_on_enter_events_when_asked_and_bought_accounts_are_lower() -> None:
    room = simulate_engagement("r1", seed=4, bought_viewers=0.5, packages=("enter_idle",),
                               user_levels=True)
    enters = [e for e in room.events if e.kind == "enter"]
    assert all(isinstance(e.extra["user_level"], int) for e in enters)
    assert all("user_level" not in e.extra for e in room.events if e.kind != "enter")
    med = {lab: np.median([e.extra["user_level"] for e in enters if e.label == lab])
           for lab in (0, 1)}
    assert med[1] < med[0]
    bare = simulate_engagement("r1", seed=4, bought_viewers=0.5, packages=("enter_idle",),
                               user_levels=False)
    assert not any("user_level" in e.extra for e in bare.events)
    assert [e.ts for e in bare.events] == [e.ts for e in room.events]  # levels change nothing else


def test_the_aged_share_can_be_fixed_and_changes_only_the_bought_levels() -> None:
    def bought_levels(room: EngagementRoom) -> list[int]:
        return [e.extra["user_level"] for e in room.events if e.kind == "enter" and e.label]

    drawn = simulate_engagement("r1", seed=4, bought_viewers=0.5, packages=("enter_idle",),
                                user_levels=True)
    fresh = simulate_engagement("r1", seed=4, bought_viewers=0.5, packages=("enter_idle",),
                                user_levels=True, bought_aged_share=0.0)
    aged = simulate_engagement("r1", seed=4, bought_viewers=0.5, packages=("enter_idle",),
                               user_levels=True, bought_aged_share=1.0)
    top = int(drawn.truth.params["bought_level_max"])
    assert drawn.truth.params["bought_aged_share"] > 0
    assert max(bought_levels(drawn)) > top  # some aged accounts above the fresh levels
    assert max(bought_levels(fresh)) <= top and fresh.truth.params["bought_aged_share"] == 0
    assert np.median(bought_levels(aged)) > np.median(bought_levels(fresh))
    assert [e.ts for e in fresh.events] == [e.ts for e in drawn.events]
    with pytest.raises(ValueError, match="bought_aged_share"):
        simulate_engagement("r1", seed=4, bought_aged_share=1.5)


def test_the_genuine_acting_share_drifts_by_period_within_the_drawn_spread() -> None:
    sigmas = []
    for seed in range(200):
        sigma, factors = draw_drift(np.random.default_rng(seed), 3 * 3600.0)
        assert 0.0 <= sigma <= DRIFT_SIGMA_MAX
        assert len(factors) == int(3 * 3600.0 // DRIFT_SEGMENT_S) + 1
        assert (factors > 0).all()
        sigmas.append(sigma)
    assert max(sigmas) > 0.8 * DRIFT_SIGMA_MAX and min(sigmas) < 0.2 * DRIFT_SIGMA_MAX
    room = simulate_engagement("r1", seed=3)
    assert 0.0 <= room.truth.params["drift_sigma"] <= DRIFT_SIGMA_MAX
