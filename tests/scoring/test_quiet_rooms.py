"""Rooms gone quiet are compacted during a long run; their reports do not change."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import botcomments.scoring.pipeline as pipeline
from botcomments.records import Comment
from botcomments.scoring.authenticity import room_report
from botcomments.scoring.rooms import RoomAccumulator
from botcomments.simulate import SimulationConfig, simulate


def _feed(acc: RoomAccumulator, rng: np.random.Generator, n: int, users: list[str]) -> None:
    picked = [users[k] for k in rng.integers(0, len(users), n)]
    scores = rng.random(n)
    acc.add(scores, scores > 0.7, [None if u == "guest" else u for u in picked],
            np.sort(rng.random(n)) * 600, [["near_duplicate"] if s > 0.7 else [] for s in scores],
            [{"dup": {"cluster_id": int(s * 30), "cluster_size": 3}} for s in scores],
            [f"line {int(s * 30)}" for s in scores])


def test_compacting_keeps_codes_counts_and_the_report() -> None:
    users = [f"user{i}" for i in range(300)] + ["guest"]
    plain, compacted = RoomAccumulator("r"), RoomAccumulator("r")
    for acc in (plain, compacted):
        _feed(acc, np.random.default_rng(1), 500, users)
    compacted.compact()
    assert compacted.n_users == plain.n_users and compacted.n_comments == plain.n_comments
    assert room_report(compacted, None) == room_report(plain, None)
    with pytest.raises(RuntimeError, match="compacted"):
        compacted.state()
    # the room comes back: returning users keep their codes, new users get new ones
    for acc in (plain, compacted):
        _feed(acc, np.random.default_rng(2), 200, [*users, "new1", "new2"])
    for got, want in zip(compacted.arrays(), plain.arrays(), strict=True):
        np.testing.assert_array_equal(got, want)
    assert compacted.n_users == plain.n_users
    assert sum(g.size for g in compacted.clusters.top()) > 0


def test_a_long_run_compacts_quiet_rooms_and_reports_the_same(
        monkeypatch: pytest.MonkeyPatch) -> None:
    comments = simulate(12, seed=4, config=SimulationConfig(room_size=(150, 300))).comments
    late = dataclasses.replace(comments[0], text="又回来了", ts=(comments[0].ts or 0) + 1)
    stream: list[Comment] = [*comments, late]  # room 0 comes back after it was compacted

    real = RoomAccumulator.compact

    def rooms(quiet: int) -> list:
        monkeypatch.setattr(pipeline, "QUIET_ROOM_COMMENTS", quiet)
        # quiet rooms are checked between groups: in groups of 1,024 comments this
        # ~2,700-comment stream is checked a few times before room 0 comes back
        monkeypatch.setattr(pipeline, "RULES_GROUP_COMMENTS", 1024)
        compacted: list[str] = []

        def spy(acc: RoomAccumulator) -> None:
            compacted.append(acc.room_id)
            real(acc)

        monkeypatch.setattr(RoomAccumulator, "compact", spy)
        run = pipeline.Scorer.rule_only(max_buffer=200).stream(stream)
        for _ in run:
            pass
        return [run.rooms, compacted]

    baseline, never = rooms(10**9)
    quiet, compacted = rooms(400)
    assert never == [] and comments[0].room_id in compacted and len(set(compacted)) >= 8
    assert quiet[1:] == baseline[1:]
    fields = ("n_comments", "n_users", "authenticity_ratio", "authenticity_ci", "flag_counts")
    assert [getattr(quiet[0], f) for f in fields] == [getattr(baseline[0], f) for f in fields]
