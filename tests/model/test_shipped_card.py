"""The shipped model's card records its real-chat figures (issue 10), and they hold the targets.

These read the files of ``models/default`` only (no corpus, no scoring): the figures were
measured by ``python -m botcomments_training.build_default`` on real danmaku never trained
on and can be reproduced with ``python benchmarks/real_chat_text.py --model models/default``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from botcomments_training.realchat import LENGTH_BUCKETS

SHIPPED = Path(__file__).resolve().parents[2] / "models" / "default"


@pytest.fixture(scope="module")
def real_chat() -> dict[str, Any]:
    settings = json.loads((SHIPPED / "botcomments.json").read_text("utf-8"))
    assert "real_chat" in settings["metrics"], (
        "rebuild models/default with botcomments_training.build_default"
    )
    return dict(settings["metrics"]["real_chat"])


@pytest.fixture(scope="module")
def card() -> str:
    return (SHIPPED / "README.md").read_text("utf-8")


def test_card_states_the_heldout_danmaku_flag_rate(real_chat: dict[str, Any], card: str) -> None:
    flagged = real_chat["danmaku"]["flagged"]
    assert f"{flagged:.2%} flagged" in card
    assert f"| all | {real_chat['danmaku']['n']} | {flagged:.2%} |" in card
    settings = json.loads((SHIPPED / "botcomments.json").read_text("utf-8"))
    assert real_chat["threshold"] == pytest.approx(settings["threshold"])


def test_figures_come_from_corpora_never_trained_on(real_chat: dict[str, Any], card: str) -> None:
    assert set(real_chat["per_corpus"]) == {"danmaku_video_2019", "danmaku_room_2020"}
    assert set(real_chat["ads"]) == {"qq_group_ads", "game_chat_ads"}
    data_section = card.split("## Data", 1)[1].split("##", 1)[0]
    for eval_only in ("danmaku_video_2019", "danmaku_room_2020", "qq_group_ads"):
        assert eval_only not in data_section.split("Held out:")[0]


def test_shipped_threshold_meets_the_real_chat_targets(real_chat: dict[str, Any]) -> None:
    assert real_chat["danmaku"]["flagged"] <= 0.02
    for name, _, _ in LENGTH_BUCKETS:
        assert real_chat["danmaku"]["buckets"][name]["flagged"] <= 0.03, name
    assert real_chat["ads"]["game_chat_ads"]["roc_auc"] >= 0.90


def test_qq_group_ads_do_not_fall_below_the_shipped_level(real_chat: dict[str, Any]) -> None:
    # issue 10 asks for >= 0.95; the shipped model reaches 0.92 (open): guard against regressions
    assert real_chat["ads"]["qq_group_ads"]["roc_auc"] >= 0.90


def test_card_names_the_real_chat_training_corpus_and_licence(card: str) -> None:
    assert "danmaku_live_2019" in card and "| MIT |" in card
