"""The self-contained HTML report a moderator reads (no external URLs, plots inline).

Rooms are ranked by authenticity (least genuine first); each has its ratio with interval,
a per-minute timeline, and its top near-duplicate clusters, templates and account
groups with example lines. The page also shows the run summary, the score histogram and,
when the input carried labels, the Brier score and a reliability plot.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from botcomments.scoring.stats import CalibrationBins, ScoreHistogram
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


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="plot" src="data:image/png;base64,{data}">'


def _histogram_plot(hist: ScoreHistogram, threshold: float | None) -> str:
    fig, ax = plt.subplots(figsize=(7, 2.6))
    edges = hist.edges
    ax.bar(edges[:-1], hist.counts, width=edges[1] - edges[0], align="edge", color="#5471ab")
    if threshold is not None:
        ax.axvline(threshold, color="#b00020", linestyle="--", label=f"threshold {threshold:.2f}")
        ax.legend()
    ax.set_xlabel("bot score")
    ax.set_ylabel("comments")
    ax.set_yscale("symlog")
    return _png(fig)


def _reliability_plot(cal: CalibrationBins) -> str:
    rows = cal.curve()
    fig, ax = plt.subplots(figsize=(3.6, 3.6))
    ax.plot([0, 1], [0, 1], color="#999", linestyle=":")
    ax.plot([r["mean_score"] for r in rows], [r["bot_share"] for r in rows], "o-")
    ax.set_xlabel("mean predicted bot score")
    ax.set_ylabel("observed bot share")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    return _png(fig)


def _timeline_plot(report: RoomReport) -> str:
    rows = report.timeline
    if not rows:
        return '<p class="muted">no timestamps: no timeline</p>'
    minutes = [r["minute"] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 2.2))
    ax.bar(minutes, [r["n"] for r in rows], color="#c9d3e6", label="comments / min")
    ax.set_ylabel("comments")
    ax.set_xlabel("minute since first comment")
    ax2 = ax.twinx()
    ax2.plot(minutes, [r["genuine_share"] for r in rows], color="#1b5e20", label="genuine share")
    ax2.set_ylim(0, 1.02)
    ax2.set_ylabel("genuine share")
    return _png(fig)


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


def _room_section(report: RoomReport) -> str:
    parts = [
        f'<div class="room"><h3 id="room-{_esc(report.room_id)}">Room {_esc(report.room_id)}</h3>',
        f"<p>genuine comments {_ratio_cell(report.authenticity_ratio, report.authenticity_ci)}"
        f" · genuine commenters "
        f"{_ratio_cell(report.genuine_user_ratio, report.genuine_user_ci)}"
        f" · {report.n_comments} comments, {report.n_users} users, "
        f"{report.n_flagged} flagged · estimator {_esc(report.estimator)}</p>",
        f"<p class='muted'>flags: {_esc(report.flag_counts)}</p>",
        _timeline_plot(report),
        "<h4>Top near-duplicate clusters</h4>",
        _table(report.top_clusters, ("cluster", "size", "users", "flagged", "examples")),
        "<h4>Top templates</h4>",
        _table(report.top_templates, ("template", "skeleton", "size", "flagged", "examples")),
        "<h4>Top account groups</h4>",
        _table(report.top_account_groups, ("group", "flagged", "evidence", "examples")),
        "</div>",
    ]
    return "\n".join(parts)


def render_report(inputs: ReportInputs) -> str:
    """Render the report page.

    Args:
        inputs: What to show.

    Returns:
        A complete HTML document with inline CSS and base64 PNG plots.
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
