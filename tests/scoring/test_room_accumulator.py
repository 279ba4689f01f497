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


def test_columns_in_kept_types_add_as_add_does() -> None:
    rng = np.random.default_rng(11)
    parts = [_slice(rng, int(n)) for n in rng.integers(1, 4, 40)]
    parts.insert(0, (np.array([0.9]), np.array([True]), [None], np.array([np.nan]),
                     [["near_duplicate"]], [{"dup": {"cluster_id": 1}}], ["guest line"]))
    by_add, by_columns = RoomAccumulator("r"), RoomAccumulator("r")
    for scores, is_bot, users, ts, flags, evidence, texts in parts:
        by_add.add(scores, is_bot, users, ts, flags, evidence, texts)
        by_columns.add_columns(scores.astype(np.float32), is_bot, users, ts, flags, evidence,
                               texts)
    for got, want in zip(by_columns.arrays(), by_add.arrays(), strict=True):
        np.testing.assert_array_equal(got, want)
    assert by_columns.state() == by_add.state()
    assert room_report(by_columns, None) == room_report(by_add, None)


def test_a_lone_first_comment_gets_code_zero_and_a_known_user_keeps_hers() -> None:
    acc = RoomAccumulator("r")
    acc.add_columns(np.array([0.1], np.float32), np.array([False]), ["u1"], np.array([1.0]),
                    [[]], [{}], ["a"])
    acc.compact()  # user ids now kept as hashes only
    acc.add_columns(np.array([0.2], np.float32), np.array([False]), ["u1"], np.array([2.0]),
                    [[]], [{}], ["b"])
    acc.add_columns(np.array([0.3], np.float32), np.array([False]), ["u2"], np.array([3.0]),
                    [[]], [{}], ["c"])
    assert acc.arrays()[2].tolist() == [0, 0, 1] and acc.n_users == 2
    guest = RoomAccumulator("g")
    guest.add_columns(np.array([0.1], np.float32), np.array([False]), [None],
                      np.array([1.0]), [[]], [{}], ["a"])
    assert guest.arrays()[2].tolist() == [-1] and guest.n_users == 0
