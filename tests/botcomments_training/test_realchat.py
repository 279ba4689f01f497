"""Real live chat in the text-model build: splits, filters, length balance, threshold."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botcomments.text.normalize import Normalizer
from botcomments_training import realchat as rc
from botcomments_training.data import LabeledData


@pytest.mark.parametrize(
    ("text", "bucket"),
    [
        pytest.param("草", "1-2", id="one-char"),
        pytest.param(" 66 ", "1-2", id="stripped"),
        pytest.param("哈哈哈", "3-4", id="three"),
        pytest.param("主播好美啊", "5-8", id="five"),
        pytest.param("主播今天状态真的不错", "9+", id="ten"),
        pytest.param("", "1-2", id="empty-counts-as-one"),
    ],
)
def test_length_bucket(text: str, bucket: str) -> None:
    assert rc.length_bucket(text) == bucket


def test_cap_repeats_keeps_first_copies_in_order() -> None:
    assert rc.cap_repeats(["a", "b", "a", "a", "b", "c"], 2) == ["a", "b", "a", "b", "c"]


@pytest.mark.parametrize(
    ("text", "promotional"),
    [
        pytest.param("草", False, id="chant"),
        pytest.param("主播晚安", False, id="greeting"),
        pytest.param("加V❤ abc123 看主页", True, id="wechat"),
        pytest.param("群362565177，可以点个关注吗", True, id="group-number"),
        pytest.param("扣扣 ⓵⓶⓷⓸⓹⓺⓻⓼⓽", True, id="styled-qq"),
        pytest.param("http://t.cn/abc 复制打开", True, id="url"),
        pytest.param("兼职日结私聊", True, id="job-ad"),
    ],
)
def test_is_promotional(text: str, promotional: bool) -> None:
    assert rc.is_promotional(text, Normalizer()) is promotional


def test_drop_promotional_counts_what_it_drops() -> None:
    kept, dropped = rc.drop_promotional(["草", "加V❤ abc123", "晚安"], Normalizer())
    assert kept == ["草", "晚安"] and dropped == 1


def test_drop_human_like_removes_only_bot_copies_of_human_lines() -> None:
    data = LabeledData(
        texts=["主播好美！！😍", "加V看主页领福利", "主播好美", "今天吃什么"],
        labels=[1, 1, 0, 0],
    )
    kept, dropped = rc.drop_human_like(data, ["主播好美", "今天吃什么"])
    assert dropped == 1
    assert kept.texts == ["加V看主页领福利", "主播好美", "今天吃什么"]
    assert kept.labels == [1, 0, 0]


def _bucket_shares(data: LabeledData) -> dict[str, float]:
    by: dict[str, list[int]] = {}
    for t, y in zip(data.texts, data.labels, strict=True):
        by.setdefault(rc.length_bucket(t), []).append(y)
    return {b: float(np.mean(v)) for b, v in by.items()}


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 14), st.integers(0, 1)), min_size=2, max_size=120
    ),
    st.integers(0, 10_000),
)
def test_balance_lengths_never_leans_bot_and_keeps_genuine(
    rows: list[tuple[int, int]], seed: int
) -> None:
    texts = [f"{'字' * (n - 1)}{i}"[-n:] if n > 1 else str(i % 10) for i, (n, _) in
             enumerate(rows)]
    labels = [y for _, y in rows]
    data = LabeledData(texts, labels)
    out = rc.balance_lengths(data, seed, max_upsample=4.0)
    overall = float(np.mean(labels))
    for bucket, share in _bucket_shares(out).items():
        before = _bucket_shares(data)[bucket]
        # no bucket ends more bot-leaning than the data overall, unless it was all bots
        assert share <= max(overall, before if before in (0.0, 1.0) else 0.0) + 0.05
    kept_genuine = Counter(t for t, y in zip(out.texts, out.labels, strict=True) if y == 0)
    for t, y in zip(texts, labels, strict=True):
        if y == 0:
            assert kept_genuine[t] >= 1


def test_balance_lengths_evens_a_length_signal() -> None:
    short_h = [f"{i % 10}" for i in range(400)]  # 1-char genuine lines
    long_b = ["加我看主页有福利哦" + str(i) for i in range(300)]  # long bots
    long_h = ["今天的直播真的很精彩呀" + str(i) for i in range(300)]
    short_b = ["加V"] * 20  # 2-char bots
    data = LabeledData(short_h + long_b + long_h + short_b,
                       [0] * 400 + [1] * 300 + [0] * 300 + [1] * 20)
    before = _bucket_shares(data)
    after = _bucket_shares(rc.balance_lengths(data, 1))
    overall = np.mean(data.labels)
    assert before["9+"] > overall  # long lines leaned bot
    assert after["9+"] == pytest.approx(overall, abs=0.02)
    assert after["1-2"] > before["1-2"]  # short bots up-sampled towards the overall share


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 12), st.floats(0.0, 1.0)), min_size=1, max_size=80),
    st.floats(0.0, 0.3),
    st.floats(0.0, 0.3),
)
def test_bucket_threshold_respects_both_caps(
    rows: list[tuple[int, float]], max_fpr: float, max_bucket: float
) -> None:
    texts = ["字" * n for n, _ in rows]
    scores = np.array([s for _, s in rows])
    t = rc.threshold_for_bucket_fpr(texts, scores, max_fpr, max_bucket)
    flagged = scores >= t
    assert flagged.mean() <= max_fpr + 1e-12
    buckets = np.array([rc.length_bucket(x) for x in texts])
    for b in set(buckets):
        assert flagged[buckets == b].mean() <= max_bucket + 1e-12


def test_bucket_threshold_is_driven_by_the_worst_bucket() -> None:
    texts = ["6"] * 10 + ["主播今天状态真的不错"] * 10
    scores = np.r_[np.linspace(0.5, 0.95, 10), np.linspace(0.0, 0.2, 10)]
    t = rc.threshold_for_bucket_fpr(texts, scores, max_fpr=0.5, max_bucket_fpr=0.1)
    assert (scores[:10] >= t).sum() == 1  # the short bucket sets the threshold


def test_bucket_threshold_needs_lines() -> None:
    with pytest.raises(ValueError, match="no genuine lines"):
        rc.threshold_for_bucket_fpr([], np.array([]), 0.01, 0.01)


def _write_corpus(root: Path, rows: list[dict[str, str]]) -> None:
    path = root / rc.DANMAKU_LIVE
    path.parent.mkdir(parents=True)
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def test_danmaku_live_split_holds_out_whole_rooms(tmp_path: Path) -> None:
    rows = [{"text": f"r{r}-{i}", "room_id": str(r)} for r in range(10) for i in range(5)]
    rows.append({"text": "  ", "room_id": "0"})
    _write_corpus(tmp_path, rows)
    train, held = rc.danmaku_live_split(tmp_path, holdout=0.2, seed=3)
    assert len(train) + len(held) == 50  # the blank line is skipped
    rooms_train = {t.split("-")[0] for t in train}
    rooms_held = {t.split("-")[0] for t in held}
    assert len(rooms_held) == 2 and not rooms_train & rooms_held
    assert rc.danmaku_live_split(tmp_path, 0.2, 3) == (train, held)


def test_missing_corpus_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="--corpora"):
        rc.danmaku_live_split(tmp_path, 0.2, 0)


def test_bucket_flag_rates_and_table() -> None:
    texts = ["6", "66", "主播好美啊", "主播今天状态真的不错"]
    rates = rc.bucket_flag_rates(texts, np.array([0.9, 0.1, 0.1, 0.1]), 0.5)
    assert rates["flagged"] == 0.25
    assert rates["buckets"]["1-2"] == {"n": 2, "flagged": 0.5}
    report = {
        "threshold": 0.5,
        "danmaku": rates,
        "per_corpus": {"x": rates},
        "ads": {"qq_group_ads": {"n": 3, "roc_auc": 0.97, "recall": 0.5}},
    }
    table = "\n".join(rc.format_real_chat(report))
    assert "| all | 4 | 25.00% | 50.00% |" in table
    assert "| qq_group_ads | 3 | 0.970 | 50.0% |" in table
    summary = rc.real_chat_summary(report)
    assert "25.00% flagged" in summary[0] and "1-2" in summary[0]
