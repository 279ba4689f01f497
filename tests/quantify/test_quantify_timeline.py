"""``MinuteRows``: a room's timeline kept as one array, read as the dicts it stands for."""

from __future__ import annotations

import copy
import json
import pickle

import numpy as np
import pytest

from botcomments.quantify import estimate_authenticity
from botcomments.quantify.timeline import MINUTE_FIELDS, MinuteRows


def _rows() -> MinuteRows:
    return MinuteRows.of_columns([0, 1, 7], [1.7e9, 1.7e9 + 60.5, 1.7e9 + 420.5], [3, 1, 2],
                                 [0.25, 0.0, 0.1], [0.8, 1.0, 0.925])


def test_rows_read_back_as_plain_dicts_with_ints_where_whole() -> None:
    rows = _rows()
    assert len(rows) == 3 and list(rows[0]) == list(MINUTE_FIELDS)
    assert rows[2] == {"minute": 7, "minute_start": 1.7e9 + 420.5, "n": 2,
                       "bot_share_raw": 0.1, "genuine_share": 0.925}
    assert [type(v) for v in rows[1].values()] == [int, float, int, float, float]
    assert rows[-1] == rows[2] and rows[1:] == [rows[1], rows[2]]
    with pytest.raises(IndexError):
        rows[3]


def test_rows_equal_their_list_and_serialise_as_it() -> None:
    rows = _rows()
    as_list = rows.to_list()
    assert rows == as_list and as_list == list(rows) and rows != as_list[:2]
    assert repr(rows) == repr(as_list)
    assert json.dumps(as_list) == json.dumps([dict(r) for r in rows])
    assert pickle.loads(pickle.dumps(rows)) == rows
    assert copy.deepcopy(rows) == rows
    with pytest.raises(ValueError, match="minutes, 5"):
        MinuteRows(np.zeros((2, 4)))
    block = np.zeros((1, 5))
    shared = MinuteRows(block)
    block[0, 2] = 7.0  # the caller's array stays writable; the rows are a view of it
    assert shared[0]["n"] == 7
    with pytest.raises(ValueError, match="read-only"):
        shared._block[0, 2] = 1.0


def test_an_estimate_keeps_its_timeline_compact_and_its_dict_plain() -> None:
    rng = np.random.default_rng(0)
    ts = 1.7e9 + np.sort(rng.uniform(0, 600, 200))
    est = estimate_authenticity(rng.random(200), users=rng.integers(0, 40, 200), ts=ts,
                                n_boot=50)
    assert isinstance(est.timeline, MinuteRows)
    out = est.to_dict()["timeline"]
    assert type(out) is list and all(type(r) is dict for r in out)
    assert out == est.timeline and sum(r["n"] for r in out) == 200
    json.dumps(est.to_dict())  # plain JSON types only


def test_rows_split_from_one_block_equal_each_rooms_own_rows() -> None:
    block = np.column_stack([np.arange(5.0), 60.0 * np.arange(5), [1, 2, 3, 4, 5],
                             np.linspace(0, 1, 5), np.linspace(1, 0, 5)])
    bounds = [0, 2, 2, 5]
    split = MinuteRows.split(block, bounds)
    assert [len(rows) for rows in split] == [2, 0, 3]
    for rows, (a, b) in zip(split, [(0, 2), (2, 2), (2, 5)], strict=True):
        assert rows == MinuteRows(block[a:b])
    with pytest.raises(ValueError, match="read-only"):
        split[0]._block[0, 0] = 9.0
    assert block.flags.writeable  # the caller's array is left as it was
    with pytest.raises(ValueError, match="minutes, 5"):
        MinuteRows.split(np.zeros((3, 4)), [0, 3])
