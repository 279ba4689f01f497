"""The self-contained HTML report a moderator reads (no external URLs, plots inline).

Rooms are ranked by authenticity (least genuine first); each has its ratio with interval,
a per-minute timeline on clock time, and its top near-duplicate clusters, templates and
account groups with example lines and member accounts. The page opens with how to read
it (what the interval covers, why flagged counts and ratios differ, what the estimator
is, what to do next), then the run summary, the score histogram and, when the input
carried labels, the Brier score and a reliability plot. English or Chinese
(:mod:`botcomments.scoring.report_text`).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from botcomments.io.timestamps import time_zone
from botcomments.scoring.report_engagement import engagement_panel, events_only_section
from botcomments.scoring.report_text import estimator_meaning, words
from botcomments.scoring.stats import CalibrationBins, ScoreHistogram
from botcomments.scoring.svg import bar_chart, bars_with_share, line_chart
from botcomments.scoring.types import RoomReport

DEFAULT_ALERT_BELOW = 0.7
"""Genuine shares below this are shown in red (``--alert-below``)."""

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
        lang: ``en`` or ``zh``.
        alert_below: Genuine shares below this are shown in red.
        zone: IANA zone of the timeline's clock times (default UTC).
        engagement: Room id -> ``rooms.json`` ``engagement`` block, for rooms whose input
            had engagement events (their panel is shown; none for chat-only input).
    """

    rooms: Sequence[RoomReport]
    histogram: ScoreHistogram
    calibration: CalibrationBins = field(default_factory=CalibrationBins)
    summary: dict[str, Any] = field(default_factory=dict)
    lang: str = "en"
    alert_below: float = DEFAULT_ALERT_BELOW
    zone: str = "UTC"
    engagement: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def _histogram_plot(hist: ScoreHistogram, threshold: float | None, w: dict[str, str]
                    ) -> str:
    edges = hist.edges
    heights = [math.log10(1.0 + c) for c in hist.counts]  # floods dwarf the rest otherwise
    label = f"{w['threshold']} {threshold:.2f}" if threshold is not None else ""
    return bar_chart(list(map(float, edges[:-1])), heights,
                     width_of_bar=float(edges[1] - edges[0]), x_label=w["bot_score"],
                     y_label=w["histogram_y"], marker=threshold, marker_label=label)


def _reliability_plot(cal: CalibrationBins, w: dict[str, str]) -> str:
    rows = cal.curve()
    return line_chart([r["mean_score"] for r in rows], [r["bot_share"] for r in rows],
                      x_label=w["reliability_x"], y_label=w["reliability_y"], diagonal=True)


def _timeline_plot(report: RoomReport, inputs: ReportInputs, w: dict[str, str]) -> str:
    rows = report.timeline
    if not rows:
        return f'<p class="muted">{_esc(w["no_timeline"])}</p>'
    zone = time_zone(inputs.zone)
    starts = [r.get("minute_start") for r in rows]
    if all(isinstance(t, (int, float)) for t in starts):
        xs = [float(t) / 60.0 for t in starts]  # type: ignore[arg-type]

        def clock(minute: float) -> str:
            return datetime.fromtimestamp(minute * 60.0, zone).strftime("%H:%M")
        x_label = w["timeline_x"].format(zone=inputs.zone)
    else:  # rows without a clock start: minutes since the first comment
        xs = [float(r["minute"]) for r in rows]
        clock, x_label = "{:g}".format, w["timeline_minutes"]
    return bars_with_share(xs, [r["n"] for r in rows], [r["genuine_share"] for r in rows],
                           x_label=x_label, y_label=w["timeline_y"],
                           share_label=w["genuine_share"], x_format=clock)


def _esc(value: Any) -> str:
    return html.escape(str(value))


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[str], empty: str = "none"
           ) -> str:
    if not rows:
        return f'<p class="muted">{_esc(empty)}</p>'
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
        return "<br>".join(_esc(v) for v in value[:10])
    return _esc(value)


def _ratio_cell(ratio: float, ci: Sequence[float], alert_below: float) -> str:
    cls = "bad" if ratio < alert_below else "ok"
    return f'<span class="{cls}">{ratio:.1%}</span> [{ci[0]:.1%}, {ci[1]:.1%}]'


def _calibration_note(report: RoomReport, w: dict[str, str]) -> str:
    """A warning when the room lies outside what the room model was calibrated on."""
    if report.calibration != "out_of_range":
        return ""
    return f"<p class='bad'>{_esc(w['out_of_range'])}</p>"


def _columns(rows: Sequence[dict[str, Any]], keys: Sequence[str], w: dict[str, str]
             ) -> str:
    """A table of ``rows`` with its headers in the report's language."""
    named = [{w.get(k, k): row.get(k) for k in keys} for row in rows]
    return _table(named, [w.get(k, k) for k in keys], w["none"])


def _room_section(report: RoomReport, inputs: ReportInputs, w: dict[str, str]) -> str:
    cut = inputs.alert_below
    estimator = (f"{_esc(report.estimator)} "
                 f"<span class='muted'>({_esc(estimator_meaning(inputs.lang, report.estimator))})"
                 "</span>")
    parts = [
        f'<div class="room"><h3 id="room-{_esc(report.room_id)}">'
        f'{_esc(w["room_title"].format(room=report.room_id))}</h3>',
        f"<p>{w['genuine_comments']} "
        f"{_ratio_cell(report.authenticity_ratio, report.authenticity_ci, cut)}"
        f" · {w['genuine_users']} "
        f"{_ratio_cell(report.genuine_user_ratio, report.genuine_user_ci, cut)}"
        f" · {report.n_comments} {w['comments']}, {report.n_users} {w['users']}, "
        f"{report.n_flagged} {w['flagged']} · {w['estimator']} {estimator}</p>",
        _calibration_note(report, w),
        f"<p class='muted'>{w['flags']}: {_esc(report.flag_counts)}</p>",
        _timeline_plot(report, inputs, w),
        f"<h4>{w['clusters_heading']}</h4>",
        _columns(report.top_clusters, ("cluster", "size", "users", "flagged", "examples"), w),
        f"<h4>{w['templates_heading']}</h4>",
        _columns(report.top_templates, ("template", "skeleton", "size", "flagged",
                                        "examples"), w),
        f"<h4>{w['groups_heading']}</h4>",
        _columns(report.top_account_groups,
                 ("group", "flagged", "evidence", "members", "examples"), w),
    ]
    block = inputs.engagement.get(report.room_id)
    if block:
        parts.append(engagement_panel(block, w, inputs.lang))
    parts.append("</div>")
    return "\n".join(parts)


def render_report(inputs: ReportInputs) -> str:
    """Render the report page.

    Args:
        inputs: What to show (and in which language).

    Returns:
        A complete HTML document with inline CSS and inline SVG charts.

    Raises:
        ValueError: On an unknown language or zone.
    """
    w = words(inputs.lang)
    ranked = sorted(inputs.rooms, key=lambda r: (r.authenticity_ratio, r.room_id))
    summary = inputs.summary
    threshold = summary.get("threshold")
    cut = inputs.alert_below
    overview_rows = [
        {
            w["room"]: f'<a href="#room-{_esc(r.room_id)}">{_esc(r.room_id)}</a>',
            w["genuine_comments"]: _ratio_cell(r.authenticity_ratio, r.authenticity_ci, cut),
            w["genuine_users"]: _ratio_cell(r.genuine_user_ratio, r.genuine_user_ci, cut),
            w["comments"]: r.n_comments,
            w["users"]: r.n_users,
            w["flagged"]: r.n_flagged,
        }
        for r in ranked
    ]
    head = "".join(f"<th>{c}</th>" for c in overview_rows[0]) if overview_rows else ""
    body = "".join(
        "<tr>" + "".join(f"<td>{v}</td>" for v in row.values()) + "</tr>" for row in overview_rows
    )
    html_lang = "zh-CN" if inputs.lang == "zh" else "en"
    parts = [
        f"<!DOCTYPE html><html lang='{html_lang}'><head><meta charset='utf-8'>",
        f"<title>{w['title']}</title><style>{_CSS}</style></head><body>",
        f"<h1>{w['title']}</h1>",
        "<p>" + " · ".join(f"{_esc(k)}: <b>{_esc(v)}</b>" for k, v in summary.items()) + "</p>",
        f"<h2>{w['guide_heading']}</h2>",
        w["guide"].format(alert=cut),
        f"<h2>{w['rooms_heading']}</h2>",
        f"<table><tr>{head}</tr>{body}</table>" if overview_rows else f"<p>{w['no_rooms']}</p>",
        f"<h2>{w['histogram_heading']}</h2>",
        _histogram_plot(inputs.histogram, threshold, w),
    ]
    if inputs.calibration.total:
        parts += [
            f"<h2>{w['calibration_heading']}</h2>",
            "<p>" + w["brier"].format(brier=inputs.calibration.brier,
                                      n=inputs.calibration.total) + "</p>",
            _reliability_plot(inputs.calibration, w),
        ]
    parts.append(f"<h2>{w['rooms_detail_heading']}</h2>")
    parts += [_room_section(r, inputs, w) for r in ranked[:MAX_ROOMS_DETAILED]]
    if len(ranked) > MAX_ROOMS_DETAILED:
        more = w["more_rooms"].format(n=len(ranked) - MAX_ROOMS_DETAILED)
        parts.append(f"<p class='muted'>{more}</p>")
    parts.append(events_only_section(inputs.engagement, {r.room_id for r in inputs.rooms}, w,
                                     inputs.lang))
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
