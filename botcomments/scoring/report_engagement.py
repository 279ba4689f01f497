"""The report's engagement panel: genuine viewers and likes with intervals, the evidence
with its reasons, and what the feed cannot tell (shown only for rooms whose ``rooms.json``
entry has an ``engagement`` block, i.e. whose input had engagement events).

Example:
    >>> from botcomments.scoring.report_text import words
    >>> block = {"n_viewers": 10, "genuine_viewers": 8.0, "genuine_viewers_ci": [6.0, 9.0],
    ...          "genuine_viewer_share": 0.8, "genuine_viewer_share_ci": [0.6, 0.9],
    ...          "n_likes": 0, "evidence": [], "notes": []}
    >>> "80.0%" in engagement_panel(block, words("en"), "en")
    True
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

from botcomments.scoring.report_text import ENGAGEMENT_REASONS_ZH, NOTES_ZH


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _pct(x: Any) -> str:
    return f"{x:.1%}" if isinstance(x, (int, float)) and math.isfinite(x) else "–"


def _count(x: Any) -> str:
    return f"{x:,.0f}" if isinstance(x, (int, float)) and math.isfinite(x) else "–"


def _figure(block: Mapping[str, Any], what: str, total_key: str, w: dict[str, str]) -> str:
    """'genuine of total (share, interval lo-hi)' for viewers or likes."""
    ci = block.get(f"genuine_{what}_share_ci") or [None, None]
    return w["eng_of"].format(
        genuine=_count(block.get(f"genuine_{what}s")), total=_count(block.get(total_key)),
        share=_pct(block.get(f"genuine_{what}_share")), lo=_pct(ci[0]), hi=_pct(ci[1]))


def _value(x: Any) -> str:
    if isinstance(x, list):
        return "–".join(_value(v) for v in x)
    if isinstance(x, float):
        return f"{x:.3g}"
    return "–" if x is None else _esc(x)


def _evidence_table(items: Sequence[Mapping[str, Any]], w: dict[str, str], lang: str) -> str:
    head = "".join(f"<th>{w[k]}</th>" for k in
                   ("eng_item", "eng_value", "eng_reference", "eng_flagged", "eng_reason"))
    rows = []
    for item in items:
        name = str(item.get("name", ""))
        reason = ENGAGEMENT_REASONS_ZH.get(name) if lang == "zh" else None
        flagged = bool(item.get("flagged"))
        rows.append(
            f"<tr><td>{_esc(w.get('ev_' + name, name))}</td><td>{_value(item.get('value'))}</td>"
            f"<td>{_value(item.get('reference'))}</td>"
            f"<td class='{'bad' if flagged else 'ok'}'>{w['yes'] if flagged else w['no']}</td>"
            f"<td>{_esc(reason or item.get('reason', ''))}</td></tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _notes(notes: Sequence[Mapping[str, str]], lang: str) -> str:
    texts = [(NOTES_ZH.get(n.get("code", "")) if lang == "zh" else None) or n.get("text", "")
             for n in notes]
    return "<ul>" + "".join(f"<li>{_esc(t)}</li>" for t in texts) + "</ul>"


def engagement_panel(block: Mapping[str, Any], w: dict[str, str], lang: str) -> str:
    """The HTML panel for one room's ``engagement`` block.

    Args:
        block: The ``rooms.json`` ``engagement`` block (``BubbleEstimate.to_dict()``).
        w: The report's words (:func:`botcomments.scoring.report_text.words`).
        lang: ``en`` or ``zh`` (selects the evidence explanations and notes).

    Returns:
        An HTML fragment.
    """
    parts = [
        f"<h4>{w['eng_heading']}</h4>",
        f"<p class='muted'>{w['eng_guide']}</p>",
        f"<p><b>{w['eng_viewers']}</b> {_figure(block, 'viewer', 'n_viewers', w)}",
    ]
    if block.get("n_likes"):
        parts.append(f" · <b>{w['eng_likes']}</b> {_figure(block, 'like', 'n_likes', w)}")
    if block.get("peak_shown_viewers") is not None:
        parts.append(f" · {w['eng_peak']}: {_count(block['peak_shown_viewers'])}")
    parts.append("</p>")
    if block.get("in_range") is False:
        parts.append(f"<p class='bad'>{w['eng_out_of_range']}</p>")
    parts += [f"<h4>{w['eng_evidence']}</h4>",
              _evidence_table(block.get("evidence") or [], w, lang),
              f"<h4>{w['eng_notes']}</h4>", _notes(block.get("notes") or [], lang)]
    return "\n".join(parts)


def events_only_section(engagement: Mapping[str, Mapping[str, Any]], shown: set[str],
                        w: dict[str, str], lang: str) -> str:
    """Panels of rooms that have engagement events but no scored comments.

    Args:
        engagement: Room id -> ``engagement`` block.
        shown: Room ids already shown with their comments.
        w: The report's words.
        lang: ``en`` or ``zh``.

    Returns:
        An HTML fragment (empty when every room was shown).
    """
    rest = sorted(r for r in engagement if r not in shown)
    if not rest:
        return ""
    parts = [f"<h2>{w['eng_only_heading']}</h2>"]
    for room in rest:
        parts += [f'<div class="room"><h3>{_esc(w["room_title"].format(room=room))}</h3>',
                  engagement_panel(engagement[room], w, lang), "</div>"]
    return "\n".join(parts)
