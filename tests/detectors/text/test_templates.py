"""Template detector: slot masking table, template clustering, online use, cross-room, reset."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from botcomments.detectors.base import RoomBatch
from botcomments.detectors.templates import (
    SLOT_CHARS,
    TPL_FEATURES,
    TemplateDetector,
    TplConfig,
    mask_slots,
    render_skeleton,
)

MakeRoom = Callable[[str, Sequence[tuple[str, str | None, float | None]]], RoomBatch]


@pytest.mark.parametrize(
    ("text", "skeleton", "fills"),
    [
        pytest.param("已拍3单，质量很好", "已拍{QTY}，质量很好", ("3单",), id="qty-digits"),
        pytest.param("已拍两件，质量很好", "已拍{QTY}，质量很好", ("两件",), id="qty-chinese"),
        pytest.param("买了2箱99元", "买了{QTY}{PRICE}", ("2箱", "99元"), id="qty-price"),
        pytest.param("¥9.9包邮", "{PRICE}包邮", ("¥9.9",), id="price-sign"),
        pytest.param("主播好美😍😍3", "主播好美{EMOJI}{NUM}", ("😍😍", "3"), id="emoji-num"),
        pytest.param("好看[玫瑰][玫瑰]", "好看{EMOJI}", ("[玫瑰][玫瑰]",), id="emote-codes"),
        pytest.param("@小明 欢迎", "{AT} 欢迎", ("@小明",), id="at-name"),
        pytest.param("加我<WECHAT>", "加我{CONTACT}", ("<WECHAT>",), id="contact"),
        pytest.param("红色xl码还有吗", "{COLOR}{SIZE}还有吗", ("红色", "xl码"), id="colour-size"),
        pytest.param("主播今天真好看", "主播今天真好看", (), id="no-slots"),
    ],
)
def test_mask_slots(text: str, skeleton: str, fills: tuple[str, ...]) -> None:
    sk, got = mask_slots(text)
    assert render_skeleton(sk) == skeleton
    assert got == fills


@given(st.text(max_size=40))
def test_mask_slots_accounts_for_every_character(text: str) -> None:
    sk, fills = mask_slots(text)
    slot_chars = set(SLOT_CHARS.values())
    assert sum(ch in slot_chars for ch in sk) == len(fills)
    assert len(sk) - len(fills) + sum(len(f) for f in fills) == len(text)


@pytest.mark.parametrize(
    ("texts", "n_templates"),
    [
        pytest.param(["已拍3单，质量很好", "已拍5单，质量很好", "已拍两单，质量很好"], 1,
                     id="qty-fills"),
        pytest.param(["主播好美！😍1", "主播好美！🌹🌹22", "主播好美！❤99"], 1,
                     id="emoji-num-fills"),
        pytest.param(["第2次回购了，红色很正", "第3次回购了，黑色很正啊"], 1, id="near-skeleton"),
        pytest.param(["已拍3单，质量很好", "今天讲的这个锅怎么卖"], 2, id="different"),
        pytest.param(["扣1", "扣2", "扣3"], 1, id="generic-short"),
    ],
)
def test_template_clustering(make_room: MakeRoom, texts: list[str], n_templates: int) -> None:
    rows = [(t, f"u{i}", float(i)) for i, t in enumerate(texts)]
    det = TemplateDetector()
    det.detect(make_room("r", rows))
    ids = {det.observe(t).template_id for t in [b.text for b in make_room("r", rows).normalized]}
    assert len(ids) == n_templates


def test_template_features_and_evidence(make_room: MakeRoom) -> None:
    rows = [(f"已拍{n}单，质量很好", f"b{n % 3}", float(n)) for n in range(1, 10)]
    rows.append(("今天讲的这个锅怎么卖", "h1", 20.0))
    det = TemplateDetector()
    out = det.detect(make_room("r", rows))
    f = out.features
    assert tuple(f) == TPL_FEATURES == det.feature_names and out.name == "tpl"
    assert all(v.shape == (10,) and np.isfinite(v).all() for v in f.values())
    assert f["tpl_template_size"][:9].tolist() == [9.0] * 9
    assert f["tpl_distinct_users"][0] == 3 and f["tpl_distinct_fills"][0] == 9
    assert f["tpl_fill_ratio"][0] == 1.0 and f["tpl_slot_count"][0] == 1
    assert f["tpl_literal_len"][0] == len("已拍,质量很好")
    assert f["tpl_template_size"][9] == 1 and out.evidence[9] == {}
    ev = out.evidence[0]
    # The normaliser may rewrite the comma; the slot and literals must survive.
    assert ev["skeleton"].startswith("已拍{QTY}") and ev["skeleton"].endswith("质量很好")
    assert ev["template_size"] == 9
    assert ev["distinct_accounts"] == 3 and ev["example_fills"] == [["1单"], ["2单"], ["3单"]]


def test_duplicates_vs_template_fills(make_room: MakeRoom) -> None:
    same = [("主播好美！😍", f"u{i}", float(i)) for i in range(5)]
    fills = [(f"主播好美！{'😍' * (i + 1)}{i}", f"u{i}", float(i)) for i in range(5)]
    det = TemplateDetector()
    a = det.detect(make_room("a", same)).features
    b = det.detect(make_room("b", fills)).features
    assert a["tpl_distinct_fills"][0] == 1 and b["tpl_distinct_fills"][0] == 5


def test_online_observe_matches_batch(make_room: MakeRoom) -> None:
    texts = ["已拍3单，质量很好", "欢迎新来的宝宝", "已拍7单，质量很好"]
    online = TemplateDetector()
    ids = [online.observe(t).template_id for t in texts]
    assert ids[0] == ids[2] != ids[1]
    m = online.observe("已拍9单，质量很好")
    assert m.template_id == ids[0] and m.fills == ("9单",) and m.slot_count == 1


def test_cross_room_and_reset(make_room: MakeRoom) -> None:
    det = TemplateDetector()
    det.detect(make_room("r1", [("已拍3单，质量很好", "b1", 0.0)]))
    det.detect(make_room("r2", [("已拍4单，质量很好", "b2", 0.0)]))
    out = det.detect(make_room("r3", [("已拍5单，质量很好", "b3", 0.0)]))
    assert out.features["tpl_cross_room_count"].tolist() == [2.0]
    assert out.evidence[0]["cross_room_count"] == 2
    det.reset()
    out = det.detect(make_room("r4", [("已拍5单，质量很好", "b3", 0.0)]))
    assert out.features["tpl_cross_room_count"].tolist() == [0.0]
    assert out.evidence == [{}]


@pytest.mark.parametrize(
    "kwargs",
    [{"threshold": 0.0}, {"num_perm": 2}, {"max_templates": 0}, {"max_examples": 0}],
    ids=["threshold", "num_perm", "max_templates", "max_examples"],
)
def test_config_validation(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        TplConfig(**kwargs)  # type: ignore[arg-type]
