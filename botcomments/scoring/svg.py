"""Small inline SVG charts for the HTML report.

Why not matplotlib: the report draws three simple charts (per-minute bars with a share
line, a score histogram, a reliability curve). Through matplotlib each room's timeline
cost ~200 ms plus ~1.5 s of imports per run (9 % of a 200k-comment run's time); the same
series as SVG elements take well under a millisecond, stay crisp at any zoom, and keep the
page self-contained. Anything richer belongs in a notebook over ``rooms.json``.

Example:
    >>> svg = bar_chart([0.0, 0.5], [3, 1], width_of_bar=0.5, x_label="score", y_label="n")
    >>> svg.startswith("<svg") and svg.count("<rect") == 3  # background + two bars
    True
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

WIDTH, HEIGHT = 900, 260
"""Drawing size in px (the browser scales it to the page)."""
_PAD_L, _PAD_R, _PAD_T, _PAD_B = 52, 52, 12, 36
_BAR, _LINE, _MARK, _AXIS = "#c9d3e6", "#1b5e20", "#b00020", "#555"


class _Frame:
    """Maps data coordinates to the plot area of one chart."""

    def __init__(self, x0: float, x1: float, y0: float, y1: float,
                 width: int = WIDTH, height: int = HEIGHT) -> None:
        self.x0, self.x1 = x0, x1 if x1 > x0 else x0 + 1.0
        self.y0, self.y1 = y0, y1 if y1 > y0 else y0 + 1.0
        self.width, self.height = width, height

    def x(self, v: float) -> float:
        span = self.width - _PAD_L - _PAD_R
        return _PAD_L + (v - self.x0) / (self.x1 - self.x0) * span

    def y(self, v: float, y0: float | None = None, y1: float | None = None) -> float:
        lo, hi = (self.y0, self.y1) if y0 is None or y1 is None else (y0, y1)
        span = self.height - _PAD_T - _PAD_B
        return self.height - _PAD_B - (v - lo) / ((hi - lo) or 1.0) * span


def _text(x: float, y: float, label: str, anchor: str = "middle", rotate: bool = False) -> str:
    turn = f' transform="rotate(-90 {x:.1f} {y:.1f})"' if rotate else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="11" text-anchor="{anchor}"'
            f'{turn}>{html.escape(label)}</text>')


def _open(frame: _Frame, x_label: str, y_label: str,
          x_format: Callable[[float], str] | None = None) -> list[str]:
    w, h = frame.width, frame.height
    left, bottom = _PAD_L, h - _PAD_B
    fmt = x_format or "{:g}".format
    ticks = [frame.x0 + (frame.x1 - frame.x0) * k / 4 for k in range(5)] if x_format else \
        [frame.x0, frame.x1]
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
        f'height="{h}" role="img">',
        f'<rect width="{w}" height="{h}" fill="white"/>',
        f'<line x1="{left}" y1="{bottom}" x2="{w - _PAD_R}" y2="{bottom}" stroke="{_AXIS}"/>',
        f'<line x1="{left}" y1="{_PAD_T}" x2="{left}" y2="{bottom}" stroke="{_AXIS}"/>',
        _text((left + w - _PAD_R) / 2, h - 6, x_label),
        _text(14, (_PAD_T + bottom) / 2, y_label, rotate=True),
        _text(left - 4, bottom, f"{frame.y0:g}", "end"),
        _text(left - 4, _PAD_T + 10, f"{frame.y1:g}", "end"),
        *(_text(frame.x(t), bottom + 14, fmt(t)) for t in ticks),
    ]


def _bars(frame: _Frame, xs: Sequence[float], heights: Sequence[float], width: float,
          colour: str) -> list[str]:
    bottom = frame.y(frame.y0)
    out = []
    for x, v in zip(xs, heights, strict=True):
        left, right, top = frame.x(x), frame.x(x + width), frame.y(v)
        out.append(f'<rect x="{left:.1f}" y="{top:.1f}" width="{max(right - left, 0.5):.1f}" '
                   f'height="{max(bottom - top, 0.0):.1f}" fill="{colour}"/>')
    return out


def _polyline(points: Sequence[tuple[float, float]], colour: str) -> str:
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.6"/>'


def bar_chart(xs: Sequence[float], counts: Sequence[float], *, width_of_bar: float,
              x_label: str, y_label: str, marker: float | None = None,
              marker_label: str = "") -> str:
    """Bars starting at ``xs`` (a histogram), with an optional vertical marker line.

    Args:
        xs: Left edge of each bar.
        counts: Bar heights.
        width_of_bar: Bar width in data units.
        x_label: X-axis label.
        y_label: Y-axis label.
        marker: X of a dashed vertical line (e.g. the threshold), or None.
        marker_label: Its label.

    Returns:
        An ``<svg>`` element.
    """
    x1 = (max(xs) + width_of_bar) if xs else 1.0
    frame = _Frame(min(xs) if xs else 0.0, x1, 0.0, float(max(counts, default=0.0)))
    parts = _open(frame, x_label, y_label) + _bars(frame, xs, counts, width_of_bar, "#5471ab")
    if marker is not None:
        mx = frame.x(marker)
        parts += [f'<line x1="{mx:.1f}" y1="{_PAD_T}" x2="{mx:.1f}" '
                  f'y2="{frame.y(frame.y0):.1f}" stroke="{_MARK}" stroke-dasharray="4 3"/>',
                  _text(mx + 4, _PAD_T + 10, marker_label, "start")]
    return "\n".join([*parts, "</svg>"])


def bars_with_share(xs: Sequence[float], counts: Sequence[float], shares: Sequence[float], *,
                    x_label: str, y_label: str, share_label: str,
                    x_format: Callable[[float], str] | None = None) -> str:
    """Per-x bars (counts, left axis) with a line of shares in [0, 1] (right axis).

    Args:
        xs: X positions (e.g. minutes), increasing.
        counts: Bar heights.
        shares: Line values in [0, 1].
        x_label: X-axis label.
        y_label: Left-axis label.
        share_label: Right-axis label.
        x_format: Labels five ticks along the x-axis (e.g. clock times); None labels
            the two ends with the numbers.

    Returns:
        An ``<svg>`` element.
    """
    frame = _Frame(min(xs, default=0.0), max(xs, default=0.0) + 1.0, 0.0,
                   float(max(counts, default=0.0)))
    parts = _open(frame, x_label, y_label, x_format) + _bars(frame, xs, counts, 0.9, _BAR)
    right = frame.width - _PAD_R
    parts += [
        f'<line x1="{right}" y1="{_PAD_T}" x2="{right}" y2="{frame.y(frame.y0):.1f}" '
        f'stroke="{_LINE}"/>',
        _text(right + 4, frame.y(0.0, 0.0, 1.0), "0", "start"),
        _text(right + 4, frame.y(1.0, 0.0, 1.0) + 10, "1", "start"),
        _text(frame.width - 10, (_PAD_T + frame.y(frame.y0)) / 2, share_label, rotate=True),
        _polyline([(frame.x(x + 0.45), frame.y(s, 0.0, 1.0)) for x, s in zip(xs, shares,
                                                                             strict=True)],
                  _LINE),
    ]
    return "\n".join([*parts, "</svg>"])


def line_chart(xs: Sequence[float], ys: Sequence[float], *, x_label: str, y_label: str,
               diagonal: bool = False) -> str:
    """Points joined by a line on [0, 1] x [0, 1] (a reliability curve).

    Args:
        xs: X values in [0, 1].
        ys: Y values in [0, 1].
        x_label: X-axis label.
        y_label: Y-axis label.
        diagonal: Draw the dotted y = x reference.

    Returns:
        An ``<svg>`` element.
    """
    frame = _Frame(0.0, 1.0, 0.0, 1.0, width=300, height=300)
    parts = _open(frame, x_label, y_label)
    if diagonal:
        parts.append(f'<line x1="{frame.x(0):.1f}" y1="{frame.y(0):.1f}" x2="{frame.x(1):.1f}" '
                     f'y2="{frame.y(1):.1f}" stroke="#999" stroke-dasharray="2 3"/>')
    points = [(frame.x(x), frame.y(y)) for x, y in zip(xs, ys, strict=True)]
    parts.append(_polyline(points, "#5471ab"))
    parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#5471ab"/>' for x, y in points]
    return "\n".join([*parts, "</svg>"])
