"""The self-contained HTML report a moderator reads (no external URLs, plots inline).

Rooms are ranked by authenticity (least genuine first); each has its ratio with interval,
a per-minute timeline, and its top near-duplicate clusters, templates and account
groups with example lines. The page also shows the run summary, the score histogram and,
when the input carried labels, the Brier score and a reliability plot.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botcomments.scoring.stats import CalibrationBins, ScoreHistogram
from botcomments.scoring.svg import bar_chart, bars_with_share, line_chart
from botcomments.scoring.types import RoomReport

MAX_ROOMS_DETAILED = 50
"""Rooms that get a timeline plot and evidence tables (the rest are listed only)."""

_CSS = """
body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em;
max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;
font-size:14px;text-align:left}th{background:#f3f3f3}.bad{color:#b00020}.ok{color:#1b5e20}
.room{border-top:2px solid #888;margin-top:2em}.muted{color:#666;font-size:13px}
"""


@dataclass
class ReportInputs:
    """Everything the report shows.

    Args:
        rooms: Room reports.
        histogram: Bot-score histogram over all comments.
        calibration: Reliability bins (only meaningful when ``calibration.total > 0``).
        summary: Run summary (read/accepted/rejected, mode, model, threshold, ...).
    """

    rooms: Sequence[RoomReport]
    histogram: ScoreHistogram
    calibration: CalibrationBins = field(default_factory=CalibrationBins)
    summary: dict[str, Any] = field(default_factory=dict)


def _histogram_plot(hist: ScoreHistogram, threshold: float | None) -> str:
    edges = hist.edges
    heights = [math.log10(1.0 + c) for c in hist.counts]  # floods dwarf the rest otherwise
    label = f"threshold {threshold:.2f}" if threshold is not None else ""
    return bar_chart(list(map(float, edges[:-1])), heights,
                     width_of_bar=float(edges[1] - edges[0]), x_label="bot score",
                     y_label="log10(1 + comments)", marker=threshold, marker_label=label)


def _reliability_plot(cal: CalibrationBins) -> str:
    rows = cal.curve()
    return line_chart([r["mean_score"] for r in rows], [r["bot_share"] for r in rows],
                      x_label="mean predicted bot score", y_label="observed bot share",
                      diagonal=True)


def _timeline_plot(report: RoomReport) -> str:
    rows = report.timeline
    if not rows:
        return '<p class="muted">no timestamps: no timeline</p>'
    return bars_with_share([float(r["minute"]) for r in rows], [r["n"] for r in rows],
                           [r["genuine_share"] for r in rows],
                           x_label="minute since first comment", y_label="comments / min",
                           share_label="genuine share")


def _esc(value: Any) -> str:
    return html.escape(str(value))


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    if not rows:
        return '<p class="muted">none</p>'
    head = "".join(f"<th>{_esc(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_fmt_cell(r.get(c, ''))}</td>" for c in columns) + "</tr>"
        for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _fmt_cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, (list, tuple)):
        return "<br>".join(_esc(v) for v in value[:5])
    return _esc(value)


def _ratio_cell(ratio: float, ci: Sequence[float]) -> str:
    cls = "bad" if ratio < 0.7 else "ok"
    return f'<span class="{cls}">{ratio:.1%}</span> [{ci[0]:.1%}, {ci[1]:.1%}]'


def _calibration_note(report: RoomReport) -> str:
    """A warning when the room lies outside what the room model was calibrated on."""
    if report.calibration != "out_of_range":
        return ""
    return ("<p class='bad'>This room's evidence mix lies outside the rooms the ratio "
            "estimator was calibrated on: the ratio is a fallback estimate and its "
            "interval spans both readings; treat it with care.</p>")


def _room_section(report: RoomReport) -> str:
    parts = [
        f'<div class="room"><h3 id="room-{_esc(report.room_id)}">Room {_esc(report.room_id)}</h3>',
        f"<p>genuine comments {_ratio_cell(report.authenticity_ratio, report.authenticity_ci)}"
        f" · genuine commenters "
        f"{_ratio_cell(report.genuine_user_ratio, report.genuine_user_ci)}"
        f" · {report.n_comments} comments, {report.n_users} users, "
        f"{report.n_flagged} flagged · estimator {_esc(report.estimator)}</p>",
        _calibration_note(report),
        f"<p class='muted'>flags: {_esc(report.flag_counts)}</p>",
        _timeline_plot(report),
        "<h4>Top near-duplicate clusters</h4>",
        _table(report.top_clusters, ("cluster", "size", "users", "flagged", "examples")),
        "<h4>Top templates</h4>",
        _table(report.top_templates, ("template", "skeleton", "size", "flagged", "examples")),
        "<h4>Top account groups</h4>",
        _table(report.top_account_groups,
               ("group", "flagged", "evidence", "members", "examples")),
        "</div>",
    ]
    return "\n".join(parts)


def render_report(inputs: ReportInputs) -> str:
    """Render the report page.

    Args:
        inputs: What to show.

    Returns:
        A complete HTML document with inline CSS and inline SVG charts.
    """
    ranked = sorted(inputs.rooms, key=lambda r: (r.authenticity_ratio, r.room_id))
    summary = inputs.summary
    threshold = summary.get("threshold")
    overview_rows = [
        {
            "room": f'<a href="#room-{_esc(r.room_id)}">{_esc(r.room_id)}</a>',
            "genuine comments": _ratio_cell(r.authenticity_ratio, r.authenticity_ci),
            "genuine users": _ratio_cell(r.genuine_user_ratio, r.genuine_user_ci),
            "comments": r.n_comments,
            "users": r.n_users,
            "flagged": r.n_flagged,
        }
        for r in ranked
    ]
    head = "".join(f"<th>{c}</th>" for c in overview_rows[0]) if overview_rows else ""
    body = "".join(
        "<tr>" + "".join(f"<td>{v}</td>" for v in row.values()) + "</tr>" for row in overview_rows
    )
    parts = [
        "<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'>",
        f"<title>botcomments report</title><style>{_CSS}</style></head><body>",
        "<h1>botcomments report</h1>",
        "<p>" + " · ".join(f"{_esc(k)}: <b>{_esc(v)}</b>" for k, v in summary.items()) + "</p>",
        "<h2>Rooms ranked by authenticity (least genuine first)</h2>",
        f"<table><tr>{head}</tr>{body}</table>" if overview_rows else "<p>no rooms</p>",
        "<h2>Bot-score histogram</h2>",
        _histogram_plot(inputs.histogram, threshold),
    ]
    if inputs.calibration.total:
        parts += [
            "<h2>Calibration on the labeled input</h2>",
            f"<p>Brier score <b>{inputs.calibration.brier:.4f}</b> over "
            f"{inputs.calibration.total} labeled comments.</p>",
            _reliability_plot(inputs.calibration),
        ]
    parts.append("<h2>Rooms</h2>")
    parts += [_room_section(r) for r in ranked[:MAX_ROOMS_DETAILED]]
    if len(ranked) > MAX_ROOMS_DETAILED:
        parts.append(
            f"<p class='muted'>{len(ranked) - MAX_ROOMS_DETAILED} more rooms are in rooms.json"
            "</p>"
        )
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(path: Path | str, inputs: ReportInputs) -> Path:
    """Render and write the report.

    Args:
        path: Output file (``report.html``).
        inputs: What to show.

    Returns:
        The path written.
    """
    p = Path(path)
    p.write_text(render_report(inputs), encoding="utf-8")
    return p
