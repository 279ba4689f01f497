"""Helpers of the default-model build: held-out-style run records, real-data threshold."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pytest

from botcomments_training import build_default as bd
from botcomments_training.data import LabeledData

REPORT = {"recall": 0.25, "roc_auc": 0.6, "f1": 0.5, "pr_auc": 0.5, "fpr": 0.01}


def _metrics() -> dict[str, Any]:
    return {
        "heldout_sim_rooms": REPORT,
        "cold_test_humans": REPORT,
        "heldout_real_spam": REPORT,
    }


@pytest.mark.parametrize(
    ("doc", "expect_command"),
    [
        pytest.param(
            {bd.STYLE_RUN_KEY: {"style": "s", "command": "cmd", "metrics": {}}},
            "cmd",
            id="current-format",
        ),
        pytest.param(
            {bd.style_key(bd.HELD_OUT_STYLE): REPORT, "cold_test_humans": REPORT},
            bd.LEGACY_STYLE_RUN_COMMAND,
            id="legacy-flat-format",
        ),
        pytest.param({"shipped": {}}, None, id="no-style-run"),
    ],
)
def test_load_style_run(tmp_path: Path, doc: dict[str, Any], expect_command: str | None) -> None:
    path = tmp_path / "build_metrics.json"
    path.write_text(json.dumps(doc), "utf-8")
    run = bd.load_style_run(path)
    assert (run or {}).get("command") == expect_command


def test_load_style_run_missing_file(tmp_path: Path) -> None:
    assert bd.load_style_run(tmp_path / "absent.json") is None


def test_summary_marks_style_figure_as_other_run() -> None:
    run = {"style": "x", "command": "CMD", "metrics": {bd.style_key("x"): REPORT}}
    with_run = bd.summary_lines(_metrics(), run)
    assert len(with_run) == 4
    assert "(b)" in with_run[1] and "CMD" in with_run[1] and "not the shipped" in with_run[1]
    assert not any("(b)" in line for line in bd.summary_lines(_metrics(), None))


class _StubClassifier:
    """Scores texts by a lookup table; threshold lives in ``settings`` like the real one."""

    def __init__(self, scores: dict[str, float]) -> None:
        self.scores = scores
        self.settings = SimpleNamespace(threshold=0.5)

    @property
    def threshold(self) -> float:
        return float(self.settings.threshold)

    def bot_scores(self, texts: list[str]) -> np.ndarray:
        return np.array([self.scores[t] for t in texts])


def test_chat_threshold_is_chosen_on_heldout_chat_only() -> None:
    # held-out chat separates at 0.3 (short lines included); simulator rows would not
    chat = {"草": 0.05, "哈哈哈": 0.1, "主播今天状态不错": 0.2, "6": 0.29}
    val_rows = {"h1": 0.05, "s1": 0.3, "g1": 0.92, "b1": 0.97}
    val = LabeledData(
        texts=list(val_rows),
        labels=[0, 1, 0, 1],
        rooms=[],
        extra={"persona": ["cold_dev", "sms_spam", "v", "b"]},
    )
    clf = _StubClassifier({**chat, **val_rows})
    cfg = bd.BuildConfig(chat_max_fpr=0.0, chat_max_bucket_fpr=0.0)
    reports = bd.set_chat_threshold(cast(Any, clf), list(chat), val, cfg)
    assert clf.threshold == pytest.approx(np.nextafter(0.29, 1.0))
    assert reports["heldout_chat_flag_rates"]["flagged"] == 0.0
    assert reports["validation_real"]["recall"] == 1.0
    assert reports["validation"]["n"] == len(val)
