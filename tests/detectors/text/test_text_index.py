"""Shingles, Jaccard, the bounded LSH index and room tracking."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from botcomments.detectors.lru import LRUDict
from botcomments.detectors.minhash import band_keys, char_shingles, jaccard
from botcomments.detectors.near_index import NearIndex
from botcomments.detectors.rooms import RoomTracker


@pytest.mark.parametrize(
    ("text", "ngram", "expected_len"),
    [
        pytest.param("", (1, 3), 1, id="empty-one-shingle"),
        pytest.param("6", (1, 3), 1, id="one-char"),
        pytest.param("66", (3, 3), 1, id="shorter-than-n-whole-string"),
        pytest.param("a", (2, 3), 1, id="one-char-bigram-fallback"),
        pytest.param("abc", (1, 3), 6, id="abc-all-grams"),
        pytest.param("abc", (3, 3), 1, id="exactly-n"),
    ],
)
def test_shingle_counts_and_short_fallback(text: str, ngram: tuple[int, int],
                                           expected_len: int) -> None:
    assert len(char_shingles(text, ngram)) == expected_len


def test_short_texts_do_not_all_match() -> None:
    # The pitfall: texts shorter than n get empty signatures and all "match".
    a, b = char_shingles("扣1", (3, 3)), char_shingles("66", (3, 3))
    assert jaccard(a, b) == 0.0
    assert jaccard(char_shingles("扣1", (3, 3)), char_shingles("扣1", (3, 3))) == 1.0


@pytest.mark.parametrize("bad", [(0, 3), (2, 1), (1, 4)], ids=["zero", "reversed", "four"])
def test_bad_ngram_range(bad: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="ngram_range"):
        char_shingles("abc", bad)


@given(st.text(max_size=30), st.text(max_size=30))
def test_jaccard_properties(a: str, b: str) -> None:
    sa, sb = char_shingles(a), char_shingles(b)
    sim = jaccard(sa, sb)
    assert 0.0 <= sim <= 1.0
    assert sim == jaccard(sb, sa)
    assert jaccard(sa, sa) == 1.0
    assert sa  # never an empty signature


def test_near_index_verifies_and_evicts() -> None:
    idx = NearIndex(threshold=0.6, capacity=2)
    texts = ["主播今天真的好漂亮啊", "这个价格太划算了吧", "背景音乐叫什么名字"]
    for key, text in enumerate(texts):
        sh = char_shingles(text)
        assert idx.find(text, sh) is None
        idx.add(key, text, sh)
    assert len(idx) == 2 and 0 not in idx  # least recently used evicted
    near = "这个价格太划算了吧！"
    assert idx.find(near, char_shingles(near)) == 1
    unrelated = "我妈也在看直播"
    assert idx.find(unrelated, char_shingles(unrelated)) is None
    with pytest.raises(ValueError, match="already indexed"):
        idx.add(1, near, char_shingles(near))


@pytest.mark.parametrize(
    "kwargs",
    [{"threshold": 0.0}, {"capacity": 0}, {"recall_weight": 1.0}],
    ids=["threshold", "capacity", "weight"],
)
def test_near_index_rejects_bad_parameters(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        NearIndex(**kwargs)  # type: ignore[arg-type]


def test_lru_dict_bound() -> None:
    d: LRUDict[str, int] = LRUDict(2)
    d.put("a", 1)
    d.put("b", 2)
    assert d.get_touch("a") == 1
    d.put("c", 3)
    assert list(d) == ["a", "c"]


def test_room_tracker_counts_other_rooms_and_saturates() -> None:
    rt = RoomTracker(capacity=10, max_rooms=2)
    assert rt.record("r1", [7]).tolist() == [0.0]
    assert rt.record("r1", [7]).tolist() == [0.0]  # same room again is not "other"
    assert rt.record("r2", [7]).tolist() == [1.0]
    assert rt.record("r3", [7]).tolist() == [2.0]  # saturated at max_rooms


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(alphabet="主播好美今天价格划算了吧啊呀666", min_size=5, max_size=14),
                min_size=2, max_size=40, unique=True))
def test_candidates_equal_datasketch_query(texts: list[str]) -> None:
    # The compact band tables return the keys datasketch's MinHashLSH returns for the
    # same MinHashes and the same bands (its optimiser's choice).
    idx = NearIndex(threshold=0.6, capacity=1_000)
    lsh = MinHashLSH(threshold=0.6, num_perm=32, weights=(0.2, 0.8))
    sigs = idx.minhashes([char_shingles(t) for t in texts])
    for key, (text, sig) in enumerate(zip(texts[1:], sigs[1:], strict=True)):
        idx.add(key, text, char_shingles(text), sig)
        lsh.insert(key, sig)
    for sig in sigs:
        assert idx.candidates(sig) == set(lsh.query(sig))


def test_evicted_leader_leaves_no_candidates() -> None:
    idx = NearIndex(threshold=0.6, capacity=1)
    a, b = "主播今天真的好漂亮啊", "主播今天真的好漂亮呀"
    idx.add(0, a, char_shingles(a))
    assert idx.candidates(idx.minhash(char_shingles(b))) == {0}
    idx.add(1, "完全不同的一句话呢", char_shingles("完全不同的一句话呢"))
    assert 0 not in idx.candidates(idx.minhash(char_shingles(a)))
    assert all(not any(v == 0 or (isinstance(v, tuple) and 0 in v) for v in t.values())
               for t in idx._tables)


def test_band_keys_agree_exactly_when_bands_agree() -> None:
    rows = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [5, 2, 3, 4]], dtype=np.uint64)
    keys = band_keys(rows, n_bands=2, width=2)
    assert keys.shape == (3, 2)
    assert keys[0, 0] == keys[1, 0] and keys[0, 1] != keys[1, 1]
    assert keys[0, 1] == keys[2, 1] and keys[0, 0] != keys[2, 0]
