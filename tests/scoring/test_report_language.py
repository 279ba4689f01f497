"""report.html explains its numbers, in English or Chinese, with clock-time timelines and a
configurable alert cut; checked in a headless browser where one is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import escape
from pathlib import Path

import numpy as np
import pytest

from botcomments.cli import main
from botcomments.scoring.report import ReportInputs, render_report
from botcomments.scoring.report_text import ESTIMATORS, TEXT, words
from botcomments.scoring.stats import ScoreHistogram
from botcomments.scoring.types import RoomReport

T0 = 1_717_070_400.0  # 2024-05-30 12:00:00 UTC = 20:00 in Asia/Shanghai


def room(ratio: float = 0.65) -> RoomReport:
    return RoomReport(
        room_id="r1", n_comments=120, n_users=40, authenticity_ratio=ratio,
        authenticity_ci=[ratio - 0.1, ratio + 0.05], genuine_user_ratio=0.9,
        genuine_user_ci=[0.85, 0.95], n_flagged=30,
        timeline=[{"minute": m, "minute_start": T0 + 60 * m, "n": 30, "genuine_share": 0.6}
                  for m in range(4)],
        top_account_groups=[{"group": "r1#L0", "flagged": 6, "evidence": "lockstep, 3 accounts",
                             "members": ["u1", "u2", "u3"], "examples": ["加V"]}],
        estimator="reg",
    )


def page(**kwargs: object) -> str:
    hist = ScoreHistogram()
    hist.add(np.array([0.1, 0.9]))
    return render_report(ReportInputs([room()], hist, summary={"threshold": 0.5},
                                      **kwargs))  # type: ignore[arg-type]


def test_both_languages_have_every_word() -> None:
    assert TEXT["en"].keys() == TEXT["zh"].keys()
    assert ESTIMATORS["en"].keys() == ESTIMATORS["zh"].keys()
    with pytest.raises(ValueError, match="choose one of"):
        words("fr")


def test_english_page_explains_interval_flags_estimator_and_next_steps() -> None:
    html = page()
    assert "How to read this report" in html and "95 % interval" in html
    assert "not</i> one minus the flagged share" in html
    assert escape(ESTIMATORS["en"]["reg"]) in html
    assert "--accounts" in html and "u1<br>u2<br>u3" in html


def test_chinese_page_has_no_english_labels_left() -> None:
    html = page(lang="zh")
    assert "<html lang='zh-CN'>" in html and "如何阅读本报告" in html
    for key in ("rooms_heading", "genuine_comments", "clusters_heading", "groups_heading"):
        assert words("zh")[key] in html
    for english in ("How to read", "Top near-duplicate", "genuine comments", "Rooms ranked"):
        assert english not in html


def test_alert_cut_colours_the_ratio() -> None:
    assert '<span class="bad">65.0%</span>' in page()
    assert '<span class="ok">65.0%</span>' in page(alert_below=0.5)
    assert "50%" in page(alert_below=0.5)  # the guide states the cut in use


def test_timeline_axis_shows_clock_time_in_the_zone() -> None:
    utc = page()
    shanghai = page(zone="Asia/Shanghai")
    assert ">12:00<" in utc and "clock time (UTC)" in utc
    assert ">20:00<" in shanghai and "clock time (Asia/Shanghai)" in shanghai


def test_score_writes_the_chinese_report(tmp_path: Path, sim_file: Path) -> None:
    out = tmp_path / "out"
    assert main(["score", str(sim_file), "--out", str(out), "--no-model", "--lang", "zh",
                 "--alert-below", "0.8"]) == 0
    html = (out / "report.html").read_text("utf-8")
    assert "如何阅读本报告" in html and "80%" in html


BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@pytest.mark.skipif(not any(shutil.which(b) for b in BROWSERS),
                    reason="no headless Chromium/Chrome installed on this machine")
def test_a_headless_browser_renders_the_explanations(tmp_path: Path) -> None:
    browser = next(shutil.which(b) for b in BROWSERS if shutil.which(b))
    for lang, phrase in (("en", "How to read this report"), ("zh", "如何阅读本报告")):
        path = tmp_path / f"report-{lang}.html"
        path.write_text(page(lang=lang), "utf-8")
        dom = subprocess.run([str(browser), "--headless", "--disable-gpu", "--no-sandbox",
                              "--dump-dom", path.as_uri()], capture_output=True, text=True,
                             timeout=120, check=True).stdout
        assert phrase in dom and re.search(r"<svg", dom)
