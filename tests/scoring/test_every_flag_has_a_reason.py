"""Every comment called a bot carries at least one flag with its evidence: on the demo
chat, with the shipped rules (--no-model) and with the shipped model."""

from __future__ import annotations

from itertools import islice
from pathlib import Path

import pytest

from botcomments.detectors.base import FLAGS
from botcomments.io import open_comments
from botcomments.scoring.pipeline import Scorer
from botcomments.scoring.types import Verdict

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo" / "chat.jsonl"


def assert_explained(verdicts: list[Verdict]) -> int:
    bots = [v for v in verdicts if v.is_bot]
    for v in bots:
        assert v.flags, v
        assert set(v.flags) <= set(FLAGS) and set(v.flags) == set(v.evidence)
        assert all(v.evidence[f] for f in v.flags)
    return len(bots)


def test_no_model_demo() -> None:
    verdicts = Scorer.rule_only().score(open_comments([DEMO])).verdicts
    assert assert_explained(verdicts) > 100


def test_shipped_model_demo() -> None:
    pytest.importorskip("torch", reason="the shipped model needs torch")
    scorer = Scorer.from_pretrained(ROOT / "models" / "default")
    verdicts = scorer.score(list(islice(open_comments([DEMO]), 4000))).verdicts
    assert assert_explained(verdicts) > 100
