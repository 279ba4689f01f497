"""The bounded LRU base of the detectors' stores: capacity bound, recency order, eviction."""

from __future__ import annotations

from collections import OrderedDict
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botcomments.detectors.lru import LRUDict, known_runs


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError):
        LRUDict(0)


def test_put_returns_the_evicted_least_recent_item() -> None:
    d: LRUDict[str, int] = LRUDict(2)
    assert d.put("a", 1) is None
    assert d.put("b", 2) is None
    assert d.put("a", 10) is None  # replacing touches "a"; nothing is over capacity
    assert d.put("c", 3) == ("b", 2)
    assert list(d.items()) == [("a", 10), ("c", 3)]


def test_reads_touch_only_through_the_touch_methods() -> None:
    d: LRUDict[str, int] = LRUDict(3)
    for i, k in enumerate("abc"):
        d.put(k, i)
    assert d.get("a") == 0 and "a" in d and d["a"] == 0
    assert list(d) == ["a", "b", "c"]  # plain reads keep the order
    assert d.get_touch("a") == 0
    assert d.get_touch("zz") is None
    assert list(d) == ["b", "c", "a"]
    assert d.touch("b") and not d.touch("zz")
    assert list(d) == ["c", "a", "b"]
    d.touch_many(["c", "zz", "a"])
    assert list(d) == ["b", "c", "a"]
    assert d.get_touch_many(["b", "zz"]) == [1, None]
    assert list(d) == ["c", "a", "b"]
    assert d.put("d", 3) == ("c", 2)


def test_replacing_a_stored_value_keeps_its_place() -> None:
    d: LRUDict[str, int] = LRUDict(2)
    d.put("a", 1)
    d.put("b", 2)
    d["a"] = 5  # plain assignment of a stored key: value changes, position does not
    assert list(d.items()) == [("a", 5), ("b", 2)]


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 5),
       st.lists(st.tuples(st.sampled_from(["put", "get", "touch"]), st.integers(0, 8)),
                max_size=60))
def test_matches_a_reference_lru(capacity: int, ops: list[tuple[str, int]]) -> None:
    d: LRUDict[int, int] = LRUDict(capacity)
    ref: OrderedDict[int, int] = OrderedDict()
    for step, (op, key) in enumerate(ops):
        if op == "put":
            ref.pop(key, None)
            ref[key] = step
            expected = ref.popitem(last=False) if len(ref) > capacity else None
            assert d.put(key, step) == expected
        elif op == "get":
            expected_value = ref.get(key)
            if expected_value is not None:
                ref.move_to_end(key)
            assert d.get_touch(key) == expected_value
        else:
            if key in ref:
                ref.move_to_end(key)
            assert d.touch(key) == (key in ref)
        assert list(d.items()) == list(ref.items())
        assert len(d) <= capacity


def _observe(table: LRUDict[str, int], keys: list[str]) -> list[int]:
    """What a detector does with a segment: touch known keys, then store new ones."""
    found = table.get_touch_many(keys)
    for k, value in enumerate(found):
        if value is None:
            found[k] = len(keys[k])
            table.put(keys[k], len(keys[k]))
    return [v for v in found if v is not None]


@settings(max_examples=200)
@given(st.lists(st.lists(st.sampled_from("abcdefg"), max_size=4, unique=True), max_size=12),
       st.integers(1, 5), st.lists(st.sampled_from("abcdefg"), max_size=5))
def test_known_runs_leave_the_tables_as_segment_by_segment(
        segments: list[list[str]], capacity: int, stored: list[str]) -> None:
    """Merging runs of all-known segments gives the same values and the same final
    recency order as handling every segment alone (with evictions in between)."""
    keys = [k for seg in segments for k in seg]
    bounds = [0]
    for seg in segments:
        bounds.append(bounds[-1] + len(seg))
    alone: LRUDict[str, int] = LRUDict(capacity)
    merged: LRUDict[str, int] = LRUDict(capacity)
    for k in stored:
        alone.put(k, len(k))
        merged.put(k, len(k))
    one_by_one = [v for a, b in pairwise(bounds) for v in _observe(alone, keys[a:b])]
    runs = list(known_runs(bounds, keys, merged))  # eagerly: only for the coverage check
    together: list[int] = []
    for a, b in known_runs(bounds, keys, merged):
        together.extend(_observe(merged, keys[a:b]))
    assert together == one_by_one
    assert list(merged.items()) == list(alone.items())
    covered = [k for a, b in runs for k in range(a, b)]
    assert covered == list(range(len(keys)))


def test_known_runs_merge_only_known_segments() -> None:
    table = {"a", "b"}
    runs = list(known_runs([0, 1, 1, 3, 4, 6], ["a", "b", "a", "x", "b", "a"], table))
    assert runs == [(0, 3), (3, 4), (4, 6)]
    assert list(known_runs([0], [], table)) == []
    assert list(known_runs([], [], table)) == []
