"""Tests of room grouping and input-order restoration."""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botcomments.records import Comment
from botcomments.scoring.grouping import InputOrder, room_slices


def _stream(spec: list[tuple[str, float | None]]) -> list[Comment]:
    return [Comment(text=f"t{i}", room_id=r, ts=ts) for i, (r, ts) in enumerate(spec)]


@given(
    st.lists(st.tuples(st.sampled_from("abcde"),
                       st.one_of(st.none(), st.floats(0, 1e4))), max_size=200),
    st.integers(1, 40),
    st.integers(1, 40),
)
@settings(max_examples=60, deadline=None)
def test_every_comment_once_and_slices_time_ordered(
    spec: list[tuple[str, float | None]], max_buffer: int, max_slice: int
) -> None:
    comments = _stream(spec)
    seen: list[int] = []
    for piece in room_slices(comments, max_buffer=max_buffer, max_slice=max_slice):
        assert len(piece) <= max(max_slice, 1)
        assert {c.room_id for c in piece.comments} == {piece.room_id}
        keys = [(c.ts is None, c.ts or 0.0) for c in piece.comments]
        assert keys == sorted(keys)
        assert all(comments[i] is c for i, c in zip(piece.indices, piece.comments, strict=True))
        seen.extend(piece.indices)
    assert sorted(seen) == list(range(len(comments)))


def test_room_contiguous_archive_gives_whole_rooms() -> None:
    spec = [(f"r{k}", float(i)) for k in range(30) for i in range(50)]
    pieces = list(room_slices(_stream(spec), max_buffer=400, max_slice=10_000))
    assert [p.room_id for p in pieces] == [f"r{k}" for k in range(30)]
    assert all(len(p) == 50 for p in pieces)


def test_huge_room_goes_in_slices() -> None:
    pieces = list(room_slices(_stream([("big", float(i)) for i in range(1000)]),
                              max_buffer=10_000, max_slice=300))
    assert [len(p) for p in pieces] == [300, 300, 300, 100]


def test_interleaved_rooms_stay_bounded() -> None:
    rng = random.Random(0)
    spec = [(rng.choice("abc"), float(i)) for i in range(5000)]
    order: InputOrder[int] = InputOrder()
    worst = 0
    emitted: list[int] = []
    for piece in room_slices(_stream(spec), max_buffer=200, max_slice=10_000):
        for i in piece.indices:
            order.put(i, i)
        emitted.extend(order.ready())
        worst = max(worst, len(order))
    assert emitted == list(range(5000))
    assert worst <= 400


def test_input_order_refuses_a_position_stored_twice() -> None:
    order: InputOrder[str] = InputOrder()
    order.put(1, "b")
    with pytest.raises(ValueError, match="position 1"):
        order.put(1, "b again")
    order.put(0, "a")
    assert list(order.ready()) == ["a", "b"] and len(order) == 0
    with pytest.raises(ValueError, match="position 0"):  # already handed on
        order.put(0, "a again")


@pytest.mark.parametrize("bad", [{"max_buffer": 0}, {"max_slice": 0}], ids=["buffer", "slice"])
def test_bad_limits(bad: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        list(room_slices([], **bad))


def test_verdicts_do_not_depend_on_the_file_order_of_same_second_comments() -> None:
    """Whole-second chat: shuffling the comments of each second changes no verdict."""
    from botcomments.scoring.pipeline import Scorer
    from botcomments.simulate import SimulationConfig, simulate

    # whole seconds of a busy room: times squeezed 20-fold, then cut to the second
    comments = [dataclasses.replace(c, ts=float(int((c.ts or 0) / 20))) for c in
                simulate(3, seed=11, config=SimulationConfig(room_size=(300, 500))).comments]
    shuffled = list(comments)
    random.Random(0).shuffle(shuffled)
    shuffled.sort(key=lambda c: (c.room_id, c.ts))  # per room by second, ties shuffled
    assert [c.text for c in shuffled] != [c.text for c in sorted(
        comments, key=lambda c: (c.room_id, c.ts))]

    def verdicts(stream: list[Comment]) -> list[tuple[str, float, str, str, float, tuple]]:
        result = Scorer.rule_only().score(stream)
        return sorted((c.room_id, c.ts or 0.0, c.user_id or "", c.text, v.bot_score, v.flags)
                      for c, v in zip(stream, result.verdicts, strict=True))

    assert verdicts(shuffled) == verdicts(sorted(comments, key=lambda c: (c.room_id, c.ts)))


def test_put_many_stores_like_put_and_refuses_a_position_twice() -> None:
    one_by_one: InputOrder[str] = InputOrder()
    at_once: InputOrder[str] = InputOrder()
    for index, item in [(2, "c"), (0, "a"), (1, "b")]:
        one_by_one.put(index, item)
    at_once.put_many([2, 0, 1], ["c", "a", "b"])
    assert list(at_once.ready()) == list(one_by_one.ready()) == ["a", "b", "c"]
    with pytest.raises(ValueError, match="position 0 was already stored"):
        at_once.put_many([3, 0], ["d", "again"])  # 0 already handed on
    late: InputOrder[str] = InputOrder()
    late.put(5, "f")
    with pytest.raises(ValueError, match="position 5 was already stored"):
        late.put_many([4, 5], ["e", "again"])  # 5 still waiting
    with pytest.raises(ValueError, match="position 5 was already stored"):
        late.put(5, "again")
    with pytest.raises(ValueError, match="came twice"):
        InputOrder().put_many([7, 7], ["g", "g"])  # twice in one call
