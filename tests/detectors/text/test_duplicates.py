"""Near-duplicate detector: table of clustering cases, flood shapes, cross-room, reset."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest

from botcomments.detectors.base import RoomBatch
from botcomments.detectors.duplicates import DUP_FEATURES, DupConfig, NearDuplicateDetector

MakeRoom = Callable[[str, Sequence[tuple[str, str | None, float | None]]], RoomBatch]

BASE = "主播人美心善东西好今天必须下单支持"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        pytest.param(BASE, BASE, True, id="identical"),
        pytest.param(BASE, BASE[:6] + "\u200b" + BASE[6:], True, id="zero-width"),
        pytest.param(BASE, "主播人美心善東西好今天必須下單支持", True, id="traditional"),
        pytest.param(BASE, "主播人美心善ＡＢ东西好今天必须下单支持".replace("ＡＢ", "！"),
                     True, id="punct-padding"),
        pytest.param(BASE, BASE + "啊", True, id="one-char-appended"),
        pytest.param(BASE, "家人们这个价格真的太划算了赶紧冲啊", False, id="different-sentence"),
        pytest.param("今天天气真好", "今天心情真差", False, id="shared-prefix-only"),
        pytest.param("扣1", "扣2", False, id="short-different"),
        pytest.param("666666", "66", True, id="repetition-collapses"),
        pytest.param("a", "b", False, id="single-chars"),
    ],
)
def test_pair_clustering(make_room: MakeRoom, a: str, b: str, same: bool) -> None:
    out = NearDuplicateDetector().detect(make_room("r", [(a, "u1", 0.0), (b, "u2", 1.0)]))
    sizes = out.features["dup_cluster_size"].tolist()
    assert sizes == ([2.0, 2.0] if same else [1.0, 1.0])
    if same:
        assert out.evidence[0]["cluster_id"] == out.evidence[1]["cluster_id"]
    else:
        assert out.evidence == [{}, {}]


def test_feature_contract(make_room: MakeRoom) -> None:
    det = NearDuplicateDetector()
    out = det.detect(make_room("r", [("你好", "u", 1.0), ("晚安", None, None)]))
    assert out.name == "dup"
    assert tuple(out.features) == DUP_FEATURES == det.feature_names
    for v in out.features.values():
        assert v.shape == (2,) and v.dtype == np.float64 and np.isfinite(v).all()
    empty = det.detect(make_room("r", []))
    assert all(v.shape == (0,) for v in empty.features.values()) and empty.evidence == []


def test_repetition_is_its_own_feature(make_room: MakeRoom) -> None:
    out = NearDuplicateDetector().detect(make_room("r", [("666666", "u1", 0.0), ("66", "u2", 1.0)]))
    assert out.features["dup_is_exact_dup"].tolist() == [1.0, 1.0]
    run = out.features["dup_max_run"]
    assert run[0] > run[1]


def _flood(phrase: str, users: list[str], times: list[float]) -> list[tuple[str, str, float]]:
    return [(phrase, u, t) for u, t in zip(users, times, strict=True)]


def test_human_flood_vs_one_account_vs_bot_burst(make_room: MakeRoom) -> None:
    humans = _flood("扣1", [f"h{i}" for i in range(20)], [i * 3.0 for i in range(20)])
    one_acct = _flood("扣1", ["spam"] * 20, [i * 3.0 for i in range(20)])
    bots = _flood("扣1", [f"b{i}" for i in range(20)], [i * 0.05 for i in range(20)])
    det = NearDuplicateDetector()
    fh = det.detect(make_room("h", humans)).features
    fo = det.detect(make_room("o", one_acct)).features
    fb = det.detect(make_room("b", bots)).features
    # All three are one 20-comment cluster of a short phrase.
    for f in (fh, fo, fb):
        assert f["dup_cluster_size"][0] == 20 and f["dup_is_short"][0] == 1.0
    assert fh["dup_cluster_distinct_users"][0] == 20 and fh["dup_user_repeats"][0] == 1
    assert fo["dup_cluster_distinct_users"][0] == 1 and fo["dup_user_repeats"][0] == 20
    assert fo["dup_cluster_user_ratio"][0] == pytest.approx(0.05)
    # Synchronised bots: everyone else within the 5 s window; humans spread over a minute.
    assert fb["dup_burst_count"].min() == 19
    assert fh["dup_burst_count"].max() <= 4
    assert fh["dup_cluster_time_span"][0] == pytest.approx(57.0)
    assert fb["dup_cluster_time_span"][0] == pytest.approx(0.95)


def test_cross_room_copies_and_reset(make_room: MakeRoom) -> None:
    det = NearDuplicateDetector()
    rows = [(BASE, "b1", 0.0), ("随便聊聊", "h1", 1.0)]
    assert det.detect(make_room("r1", rows)).features["dup_cross_room_count"].tolist() == [0, 0]
    det.detect(make_room("r2", [(BASE + "！", "b2", 0.0)]))
    out = det.detect(make_room("r3", [(BASE, "b3", 0.0), ("完全不同的一句话", "h2", 1.0)]))
    assert out.features["dup_cross_room_count"].tolist() == [2.0, 0.0]
    assert out.evidence[0]["cross_room_count"] == 2
    assert out.evidence[1] == {}
    det.reset()
    out = det.detect(make_room("r4", [(BASE, "b3", 0.0)]))
    assert out.features["dup_cross_room_count"].tolist() == [0.0]


def test_same_room_in_slices_is_not_cross_room(make_room: MakeRoom) -> None:
    det = NearDuplicateDetector()
    det.detect(make_room("r1", [(BASE, "b1", 0.0)]))
    out = det.detect(make_room("r1", [(BASE, "b2", 10.0)]))
    assert out.features["dup_cross_room_count"].tolist() == [0.0]


def test_evidence_fields(make_room: MakeRoom) -> None:
    rows = [(BASE, "b1", 0.0), (BASE + "啊", "b2", 2.0), (BASE, "b1", 4.0)]
    out = NearDuplicateDetector().detect(make_room("r", rows))
    ev = out.evidence[0]
    assert ev["cluster_size"] == 3 and ev["distinct_accounts"] == 2
    assert ev["distinct_texts"] == 2 and ev["time_span_s"] == pytest.approx(4.0)
    assert ev["representative"] == rows[0][0] and ev["cross_room_count"] == 0
    assert out.features["dup_exact_size"].tolist() == [2.0, 1.0, 2.0]
    assert out.features["dup_cluster_share"].tolist() == [1.0, 1.0, 1.0]


def test_state_is_bounded(make_room: MakeRoom) -> None:
    det = NearDuplicateDetector(DupConfig(max_texts=5, max_clusters=3))
    for r in range(4):
        det.detect(make_room(f"r{r}", [(f"第{r}房间的第{i}句不一样的话", "u", float(i))
                                       for i in range(6)]))
    assert len(det._text_cluster) <= 5 and len(det._index) <= 3 and len(det._rooms) <= 3


@pytest.mark.parametrize(
    "kwargs",
    [{"threshold": 1.5}, {"num_perm": 4}, {"burst_window_s": -1.0}, {"max_texts": 0}],
    ids=["threshold", "num_perm", "window", "max_texts"],
)
def test_config_validation(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        DupConfig(**kwargs)  # type: ignore[arg-type]
