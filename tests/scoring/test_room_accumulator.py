"""A room accumulator fed slice by slice (a live room: one slice per batch)."""

from __future__ import annotations

from typing import Any

import numpy as np

from botcomments.scoring.authenticity import room_report
from botcomments.scoring.rooms import MERGE_SLICES, RoomAccumulator


def _slice(rng: np.random.Generator, n: int) -> tuple[Any, ...]:
    scores = rng.random(n)
    users = [f"u{k}" for k in rng.integers(0, 30, n)]
    flags = [["near_duplicate"] if s > 0.8 else [] for s in scores]
    evidence = [{"dup": {"cluster_id": int(s * 5), "cluster_size": 2}} for s in scores]
    return (scores, scores > 0.8, users, np.sort(rng.random(n)) * 60, flags, evidence,
            [f"line {int(s * 5)}" for s in scores])


def test_many_slices_are_merged_and_report_as_one() -> None:
    rng = np.random.default_rng(3)
    parts = [_slice(rng, int(n)) for n in rng.integers(1, 6, 3 * MERGE_SLICES + 5)]
    by_slice, at_once = RoomAccumulator("r"), RoomAccumulator("r")
    for part in parts:
        by_slice.add(*part)
    columns: list[Any] = [np.concatenate([p[k] for p in parts]) if k in (0, 1, 3)
                          else [x for p in parts for x in p[k]] for k in range(7)]
    at_once.add(*columns)
    assert len(by_slice._slices) < MERGE_SLICES
    assert by_slice.n_comments == at_once.n_comments == sum(len(p[0]) for p in parts)
    for got, want in zip(by_slice.arrays(), at_once.arrays(), strict=True):
        np.testing.assert_array_equal(got, want)
    assert by_slice.flag_counts == at_once.flag_counts
    assert room_report(by_slice, None) == room_report(at_once, None)


def test_state_round_trip_keeps_the_report() -> None:
    acc = RoomAccumulator("r")
    for part in (_slice(np.random.default_rng(k), 7) for k in range(4)):
        acc.add(*part)
    again = RoomAccumulator.from_state(acc.state())
    assert again.n_comments == acc.n_comments
    assert room_report(again, None) == room_report(acc, None)


def test_a_room_without_flagged_comments_has_no_top_tables() -> None:
    acc = RoomAccumulator("quiet")
    acc.add(np.array([0.1]), np.array([False]), ["u1"], np.array([1.0]), [[]], [{}], ["hi"])
    assert acc.top_tables() == {"top_clusters": [], "top_templates": [],
                                "top_account_groups": []}
    assert acc.clusters.top() == [] and acc.n_users == 1


def test_lone_first_comments_code_as_the_rest_do() -> None:
    """A room's first user alone in its slice shares a read-only code array; the room
    reads as if all its comments came at once."""
    rng = np.random.default_rng(11)
    parts = [_slice(rng, 1) for _ in range(3)] + [_slice(rng, int(n))
                                                  for n in rng.integers(1, 4, 20)]
    parts.insert(0, (np.array([0.9]), np.array([True]), [None], np.array([np.nan]),
                     [["near_duplicate"]], [{"dup": {"cluster_id": 1}}], ["guest line"]))
    by_slice, at_once = RoomAccumulator("r"), RoomAccumulator("r")
    for part in parts:
        by_slice.add(*part)
    at_once.add(*[np.concatenate([p[k] for p in parts]) if k in (0, 1, 3)
                  else [x for p in parts for x in p[k]] for k in range(7)])
    for got, want in zip(by_slice.arrays(), at_once.arrays(), strict=True):
        np.testing.assert_array_equal(got, want)
    assert by_slice.state() == at_once.state()
    assert room_report(by_slice, None) == room_report(at_once, None)


def test_a_lone_first_comment_gets_code_zero_and_a_known_user_keeps_hers() -> None:
    def one(acc: RoomAccumulator, user: str | None, t: float) -> None:
        acc.add(np.array([0.1]), np.array([False]), [user], np.array([t]), [[]], [{}], ["a"])

    acc = RoomAccumulator("r")
    one(acc, "u1", 1.0)
    acc.compact()  # user ids now kept as hashes only
    one(acc, "u1", 2.0)
    one(acc, "u2", 3.0)
    assert acc.arrays()[2].tolist() == [0, 0, 1] and acc.n_users == 2
    guest = RoomAccumulator("g")
    one(guest, None, 1.0)
    one(guest, "u1", 2.0)
    assert guest.arrays()[2].tolist() == [-1, 0] and guest.n_users == 1
