"""Accounts shared by an archive's simulated rooms: regulars and service pools."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botcomments.simulate.engagement import EngagementRoom, simulate_engagement
from botcomments.simulate.pools import PoolParams, draw_pool_params, share_accounts


@pytest.fixture(scope="module")
def rooms() -> list[EngagementRoom]:
    return [simulate_engagement(f"r{i}", i, bv, 0.3, user_levels=False)
            for i, bv in enumerate((0.0, 0.5, 0.8, 0.3, 0.6, 0.0))]


def accounts(room: EngagementRoom) -> dict[str, int]:
    """Account -> label (from the events)."""
    return {e.user_id: int(e.label) for e in room.events
            if e.user_id is not None and e.label is not None}


def shared_ids(rooms: list[EngagementRoom], label: int) -> set[str]:
    counts = Counter(u for r in rooms for u, lab in accounts(r).items() if lab == label)
    return {u for u, c in counts.items() if c > 1}


def test_sharing_keeps_each_rooms_accounts_labels_and_truth(rooms: list[EngagementRoom]
                                                              ) -> None:
    shared, _ = share_accounts(rooms, seed=3)
    for before, after in zip(rooms, shared, strict=True):
        a, b = accounts(before), accounts(after)
        assert len(a) == len(b)  # no two accounts of a room merged
        assert sorted(a.values()) == sorted(b.values())
        assert after.truth.n_viewers == before.truth.n_viewers
        assert after.truth.n_genuine_viewers == before.truth.n_genuine_viewers
        assert [e.ts for e in after.events] == [e.ts for e in before.events]
        assert {u for u, _, _ in after.comments} <= set(b)
        assert "service_reuse" in after.truth.params


def test_the_same_seed_gives_the_same_ids(rooms: list[EngagementRoom]) -> None:
    one, p1 = share_accounts(rooms, seed=4)
    two, p2 = share_accounts(rooms, seed=4)
    assert p1 == p2
    assert [accounts(r) for r in one] == [accounts(r) for r in two]


def test_a_reusing_service_shares_bought_accounts_and_regulars_genuine_ones(
        rooms: list[EngagementRoom]) -> None:
    params = PoolParams(regular_share=0.3, lurker_ratio=1.0, visits_per_regular=3.0,
                        service_reuse=(3.0,))
    shared, _ = share_accounts(rooms, seed=5, params=params)
    bought, genuine = shared_ids(shared, 1), shared_ids(shared, 0)
    assert len(bought) > 100 and len(genuine) > 50
    assert not bought & genuine  # a pool account is bought everywhere
    assert all(u.startswith("service0-") for u in bought)
    assert all(u.startswith("regular-") for u in genuine)


def test_fresh_accounts_and_no_regulars_share_nothing(rooms: list[EngagementRoom]) -> None:
    params = PoolParams(regular_share=0.0, lurker_ratio=1.0, visits_per_regular=3.0,
                        service_reuse=(0.0, 0.0))
    shared, _ = share_accounts(rooms, seed=6, params=params)
    assert not shared_ids(shared, 0) and not shared_ids(shared, 1)


def test_drawn_parameters_stay_in_their_ranges() -> None:
    rng = np.random.default_rng(0)
    for _ in range(200):
        p = draw_pool_params(rng)
        assert 0.0 <= p.regular_share <= 0.3
        assert 0.67 <= p.lurker_ratio <= 1.5
        assert 1 <= len(p.service_reuse) <= 3
        assert all(r == 0.0 or 0.3 <= r <= 10.0 for r in p.service_reuse)


@settings(max_examples=25, deadline=None)
@given(regular_share=st.floats(0.0, 1.0), lurker_ratio=st.floats(0.1, 10.0),
       visits=st.floats(1.0, 20.0),
       reuse=st.lists(st.one_of(st.just(0.0), st.floats(0.05, 50.0)), min_size=1, max_size=4),
       seed=st.integers(0, 2**31))
def test_any_sharing_keeps_rooms_whole_and_pools_apart(
        rooms: list[EngagementRoom], regular_share: float, lurker_ratio: float, visits: float,
        reuse: list[float], seed: int) -> None:
    params = PoolParams(regular_share, lurker_ratio, visits, tuple(reuse))
    shared, used = share_accounts(rooms, seed=seed, params=params)
    assert used == params
    for before, after in zip(rooms, shared, strict=True):
        a, b = accounts(before), accounts(after)
        assert len(a) == len(b) and sorted(a.values()) == sorted(b.values())
    labels: dict[str, set[int]] = {}
    for room in shared:
        for uid, lab in accounts(room).items():
            labels.setdefault(uid, set()).add(lab)
    assert all(len(v) == 1 for v in labels.values())  # an account is genuine or bought
