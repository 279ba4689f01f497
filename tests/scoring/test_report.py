"""Tests of the HTML report and the output writers (no detectors needed)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pytest

from botcomments.records import Comment
from botcomments.scoring.outputs import CommentsWriter, comment_record, write_rooms
from botcomments.scoring.report import ReportInputs, render_report
from botcomments.scoring.stats import CalibrationBins, ScoreHistogram
from botcomments.scoring.types import RoomReport, Verdict


def _room(room_id: str, ratio: float) -> RoomReport:
    return RoomReport(
        room_id=room_id, n_comments=10, n_users=5, authenticity_ratio=ratio,
        authenticity_ci=[ratio - 0.1, ratio + 0.05], genuine_user_ratio=ratio,
        genuine_user_ci=[ratio - 0.1, ratio + 0.1], n_flagged=3,
        timeline=[{"minute": 0, "n": 6, "genuine_share": 0.5},
                  {"minute": 1, "n": 4, "genuine_share": 1.0}],
        top_clusters=[{"cluster": "x#C1", "size": 3, "users": 3,
                       "examples": ["<script>加V123</script>"]}],
        estimator="pacc",
    )


def test_report_is_self_contained_and_ranked() -> None:
    hist = ScoreHistogram()
    hist.add(np.array([0.1, 0.9]))
    cal = CalibrationBins()
    cal.add(np.array([0.1, 0.9]), np.array([0, 1]))
    page = render_report(ReportInputs([_room("good", 0.95), _room("bad", 0.2)], hist, cal,
                                      {"threshold": 0.5}))
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"(src|href)=['\"]?(https?:)?//", page)
    assert "<script>" not in page
    assert page.index("#room-bad") < page.index("#room-good")
    assert page.count("<svg") == 4  # histogram, reliability, one timeline per room
    assert "Brier" in page


def test_charts_are_well_formed_svg_of_the_series() -> None:
    hist = ScoreHistogram()
    hist.add(np.array([0.1, 0.9, 0.95]))
    page = render_report(ReportInputs([_room("r<1>", 0.5)], hist, summary={"threshold": 0.4}))
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(svgs) == 2
    trees = [ElementTree.fromstring(svg) for svg in svgs]
    ns = "{http://www.w3.org/2000/svg}"
    histogram, timeline = trees
    assert len(histogram.findall(f"{ns}rect")) == 1 + len(hist.counts)
    assert any("threshold 0.40" in (t.text or "") for t in histogram.iter(f"{ns}text"))
    line = timeline.find(f"{ns}polyline")
    assert line is not None and len(line.get("points", "").split()) == 2  # two minutes


def test_verdict_validation() -> None:
    with pytest.raises(ValueError, match="probability"):
        Verdict(bot_score=1.5, is_bot=True)
    with pytest.raises(ValueError, match="unknown flags"):
        Verdict(bot_score=0.5, is_bot=True, flags=("weird",))


def test_comment_record_keeps_input_fields_and_adds_contract_fields(tmp_path: Path) -> None:
    c = Comment(text="主播好美", room_id="r1", ts=1.0, user_id="u", extra={"nick": "阿花"})
    v = Verdict(0.8, True, ("templated",), {"templated": {"skeleton": "主播好美<N>"}})
    row = comment_record(c, v)
    assert row["nick"] == "阿花" and row["bot_score"] == 0.8 and row["flags"] == ["templated"]
    with CommentsWriter(tmp_path, parquet=True) as w:
        w.write(c, v)
    line = json.loads((tmp_path / "comments.jsonl").read_text(encoding="utf-8"))
    assert line["is_bot"] is True
    import pyarrow.parquet as pq

    table = pq.read_table(tmp_path / "comments.parquet")
    assert table.column("flags").to_pylist() == [["templated"]]
    rooms = json.loads(write_rooms(tmp_path / "rooms.json", [_room("r1", 0.5)]).read_text())
    assert rooms[0]["authenticity_ci"] == [0.4, 0.55]


@pytest.mark.parametrize("n_rooms", [0, 1, 3])
def test_rooms_json_is_written_entry_by_entry_as_one_dump(tmp_path: Path, n_rooms: int) -> None:
    """Streamed rooms.json equals ``json.dumps`` of all entries (indent 1) byte for byte,
    with engagement blocks, an events-only room, newlines and non-ASCII in strings."""
    from botcomments.quantify.timeline import MinuteRows
    from botcomments.scoring.outputs import room_entries

    rooms = [_room(f"房间{k}", 0.5 + 0.1 * k) for k in range(n_rooms)]
    if rooms:
        rooms[0].top_clusters[0]["examples"].append("两行\n加V 123\u2028")
        rooms[-1].timeline = MinuteRows.of_columns([0, 3], [60.0, 240.0], [2, 1], [0.5, 0.0],
                                                   [0.5, 1.0])
    engagement = {"房间0": {"likes": 3, "ratio": float("nan")}, "events-only": {"likes": 1}}
    for blocks in (None, engagement):
        path = write_rooms(tmp_path / "rooms.json", rooms, blocks)
        expected = json.dumps(room_entries(rooms, blocks), ensure_ascii=False, indent=1)
        assert path.read_text(encoding="utf-8") == expected
        assert json.loads(expected) == room_entries(rooms, blocks)


def test_out_of_range_rooms_are_marked_in_report_and_rooms_json(tmp_path: Path) -> None:
    outside = _room("odd", 0.6)
    outside.calibration = "out_of_range"
    page = render_report(ReportInputs([outside, _room("usual", 0.9)], ScoreHistogram()))
    assert page.count("outside the rooms the ratio estimator was calibrated on") == 1
    assert outside.to_dict()["calibration"] == "out_of_range"
    assert _room("usual", 0.9).to_dict()["calibration"] == "none"
