"""The report's engagement panel: shown only for rooms with engagement events, in English
and Chinese, with the genuine viewers/likes, every evidence reason and the notes."""

from __future__ import annotations

from html import escape

import numpy as np

from botcomments.quantify.engagement import RoomEngagement
from botcomments.records import EngagementEvent
from botcomments.scoring.report import ReportInputs, render_report
from botcomments.scoring.report_text import ENGAGEMENT_REASONS_ZH, NOTES_ZH, TEXT
from botcomments.scoring.stats import ScoreHistogram
from botcomments.scoring.types import RoomReport

T0 = 1_717_070_400.0


def room(room_id: str = "r1") -> RoomReport:
    return RoomReport(room_id=room_id, n_comments=50, n_users=20, authenticity_ratio=0.8,
                      authenticity_ci=[0.7, 0.9], genuine_user_ratio=0.9,
                      genuine_user_ci=[0.85, 0.95], n_flagged=5, estimator="pacc")


def block(room_id: str = "r1") -> dict:
    acc = RoomEngagement(room_id)
    for i in range(40):
        acc.add_event(EngagementEvent("enter", room_id, ts=T0 + 30 * i, user_id=f"u{i}"))
        acc.add_event(EngagementEvent("like", room_id, ts=T0 + 30 * i + 9, user_id=f"u{i}",
                                      count=3))
    acc.add_event(EngagementEvent("viewers", room_id, ts=T0, count=10))
    acc.add_event(EngagementEvent("viewers", room_id, ts=T0 + 60, count=900))
    return acc.estimate().to_dict()


def page(lang: str = "en", engagement: dict | None = None, rooms: list | None = None) -> str:
    hist = ScoreHistogram()
    hist.add(np.array([0.1, 0.9]))
    return render_report(ReportInputs(rooms if rooms is not None else [room()], hist,
                                      lang=lang, engagement=engagement or {}))


def test_no_panel_without_engagement_events() -> None:
    for lang in ("en", "zh"):
        html = page(lang)
        assert TEXT[lang]["eng_heading"] not in html
        assert TEXT[lang]["eng_only_heading"] not in html


def test_english_panel_has_figures_every_reason_and_notes() -> None:
    b = block()
    html = page("en", {"r1": b})
    assert TEXT["en"]["eng_heading"] in html and TEXT["en"]["eng_viewers"] in html
    assert "40 of 40" in html
    for item in b["evidence"]:
        assert escape(item["reason"]) in html
        assert escape(TEXT["en"]["ev_" + item["name"]]) in html
    for note in b["notes"]:
        assert escape(note["text"]) in html
    assert "900" in html  # the peak shown count


def test_chinese_panel_is_translated() -> None:
    b = block()
    html = page("zh", {"r1": b})
    assert TEXT["zh"]["eng_heading"] in html
    for item in b["evidence"]:
        assert escape(ENGAGEMENT_REASONS_ZH[item["name"]]) in html
        assert escape(item["reason"]) not in html
    for note in b["notes"]:
        assert escape(NOTES_ZH[note["code"]]) in html


def test_rooms_with_events_only_get_their_own_section() -> None:
    html = page("en", {"r1": block("r1"), "r9": block("r9")})
    assert TEXT["en"]["eng_only_heading"] in html
    assert html.count(TEXT["en"]["eng_heading"]) == 2
    only = html.split(TEXT["en"]["eng_only_heading"])[1]
    assert escape(TEXT["en"]["room_title"].format(room="r9")) in only
    assert escape(TEXT["en"]["room_title"].format(room="r1")) not in only
