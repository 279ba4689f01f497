"""Vectorised MinHash, shared per-room columns and exact-only short texts."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from botcomments.detectors.base import RoomBatch
from botcomments.detectors.duplicates import NearDuplicateDetector
from botcomments.detectors.minhash import (
    _identity,
    char_shingles,
    minhash_matrix,
    new_permutations,
)
from botcomments.detectors.text_groups import room_columns, user_codes
from botcomments.records import Comment
from botcomments.text.normalize import normalize


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=25), min_size=1, max_size=12),
       st.sampled_from([8, 16, 32]))
def test_minhash_matrix_equals_datasketch(texts: list[str], num_perm: int) -> None:
    sets = [char_shingles(t) for t in texts]
    rows = minhash_matrix(sets, new_permutations(num_perm))
    for s, row in zip(sets, rows, strict=True):
        ref = MinHash(num_perm=num_perm, hashfunc=_identity, scheme="affine64")
        ref.update_batch(list(s))
        assert np.array_equal(ref.hashvalues, row)


def test_minhash_matrix_chunks_many_sets() -> None:
    # More shingles than one numpy pass takes: chunk boundaries must not change values.
    sets = [set(range(i, i + 40)) for i in range(2_000)]
    rows = minhash_matrix(sets, new_permutations(16))
    ref = MinHash(num_perm=16, hashfunc=_identity, scheme="affine64")
    ref.update_batch(list(sets[-1]))
    assert rows.shape == (2_000, 16) and np.array_equal(rows[-1], ref.hashvalues)


def test_minhash_matrix_rejects_empty_set() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        minhash_matrix([{1}, set()], new_permutations(8))


def _batch(rows: list[tuple[str, str | None, float | None]]) -> RoomBatch:
    cs = [Comment(text=t, room_id="r", ts=ts, user_id=u) for t, u, ts in rows]
    return RoomBatch("r", cs, [normalize(c.text) for c in cs])


def test_room_columns_dedup_users_and_cache() -> None:
    batch = _batch([("666", "a", 1.0), ("好看", None, None), ("666", "b", 2.0),
                    ("好看", "a", 3.0)])
    cols = room_columns(batch)
    assert cols.texts == [batch.normalized[0].text, batch.normalized[1].text]
    assert cols.text_index.tolist() == [0, 1, 0, 1]
    assert cols.text_first.tolist() == [0, 1] and cols.text_counts.tolist() == [2, 2]
    assert cols.user_ids == ["a", "b"] and cols.user_index.tolist() == [0, -1, 1, 0]
    assert np.isnan(cols.ts[1]) and cols.ts[3] == 3.0
    assert cols.user_codes.tolist() == user_codes(batch.comments).tolist()
    assert room_columns(batch) is cols  # shared by the detectors for the same batch
    other = _batch([("666", "a", 1.0)])
    assert room_columns(other) is not cols
    assert room_columns(other).texts == [other.normalized[0].text]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        pytest.param("主播好美", "主播好美啊", False, id="short-vs-near-longer"),
        pytest.param("晚安", "晚安啊", False, id="short-vs-short-near"),
        pytest.param("晚安", "晚安", True, id="short-exact"),
        pytest.param("主播今天好美啊", "主播今天好美呀", True, id="long-near-still-lsh"),
    ],
)
def test_short_texts_are_exact_only(a: str, b: str, same: bool) -> None:
    out = NearDuplicateDetector().detect(_batch([(a, "u1", 0.0), (b, "u2", 1.0)]))
    assert out.features["dup_cluster_size"].tolist() == ([2.0, 2.0] if same else [1.0, 1.0])


def test_short_texts_keep_cross_room_identity() -> None:
    det = NearDuplicateDetector()
    det.detect(_batch([("扣1", "u1", 0.0)]))
    out = det.detect(RoomBatch("r2", [Comment("扣1", "r2", ts=0.0, user_id="u9")],
                               [normalize("扣1")]))
    assert out.features["dup_cross_room_count"].tolist() == [1.0]
