"""Server-rendered SVG charts with text alternatives: dimension scores with CI whiskers, a trend line.

Each chart is an ``<svg role="img">`` labelled by its ``<title>`` and ``<desc>`` (which lists every
number it shows, in the viewer's language); pages put the same numbers in a table beside it. Colours and fonts come from
classes styled in ``static/results.css`` (no inline styles: the Content-Security-Policy forbids them).
Every text is escaped.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

WIDTH, LEFT, RIGHT, TOP, BOTTOM = 640, 150, 24, 16, 40


@dataclass(frozen=True)
class Bar:
    """One bar: label, value and interval (NaN when unknown)."""

    label: str
    value: float
    low: float
    high: float


def _number(value: float, digits: int = 1) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def _describe(bars: Sequence[Bar], unit: str | None) -> str:
    """The chart's text alternative: each label with its value and 95% interval."""
    if not bars:
        return _("자료가 없습니다.")
    unit = _("점") if unit is None else unit
    return "; ".join(_("%(label)s %(value)s%(unit)s (95%% 신뢰구간 %(low)s ~ %(high)s)", label=b.label,
                       value=_number(b.value), unit=unit, low=_number(b.low), high=_number(b.high)) for b in bars)


def _svg(chart_id: str, title: str, desc: str, height: int, body: list[str]) -> Markup:
    """The chart's frame with its accessible name and description."""
    head = (f'<svg class="chart" id="{escape(chart_id)}" role="img" viewBox="0 0 {WIDTH} {height}" '
            f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
            f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>')
    return Markup(head + "".join(body) + "</svg>")


def _x_axis(x, height: int, y0: int) -> list[str]:
    """Grid lines and labels at 0, 20, ..., 100."""
    out = []
    for tick in range(0, 101, 20):
        px = x(tick)
        out.append(f'<line class="grid" x1="{px:.1f}" y1="{TOP}" x2="{px:.1f}" y2="{y0}"/>'
                   f'<text class="tick" x="{px:.1f}" y="{y0 + 18}" text-anchor="middle">{tick}</text>')
    return out


def score_bars(chart_id: str, title: str, bars: Sequence[Bar], unit: str | None = None) -> Markup:
    """Horizontal bars on 0-100 with confidence-interval whiskers, one row per bar."""
    row = 34
    height = TOP + row * max(len(bars), 1) + BOTTOM
    plot = WIDTH - LEFT - RIGHT

    def x(v: float) -> float:
        return LEFT + plot * min(max(v, 0.0), 100.0) / 100.0

    body = _x_axis(x, height, TOP + row * len(bars))
    for i, bar in enumerate(bars):
        y = TOP + row * i
        body.append(f'<text class="label" x="{LEFT - 8}" y="{y + row / 2 + 5:.1f}" text-anchor="end">'
                    f'{escape(bar.label)}</text>')
        if math.isfinite(bar.value):
            body.append(f'<rect class="bar" x="{LEFT}" y="{y + 7}" width="{x(bar.value) - LEFT:.1f}" height="{row - 14}"/>')
        if math.isfinite(bar.low) and math.isfinite(bar.high):
            mid = y + row / 2
            body.append(f'<path class="whisker" d="M{x(bar.low):.1f} {mid:.1f}H{x(bar.high):.1f}'
                        f'M{x(bar.low):.1f} {mid - 6:.1f}V{mid + 6:.1f}M{x(bar.high):.1f} {mid - 6:.1f}V{mid + 6:.1f}"/>')
    return _svg(chart_id, title, _describe(bars, unit), height, body)


def trend_line(chart_id: str, title: str, points: Sequence[Bar], unit: str | None = None) -> Markup:
    """A line through each wave's score with interval whiskers; the y axis fits the intervals."""
    height, plot_w = 260, WIDTH - 70 - RIGHT
    known = [p for p in points if math.isfinite(p.value)]
    lows = [p.low for p in known if math.isfinite(p.low)] + [p.value for p in known]
    highs = [p.high for p in known if math.isfinite(p.high)] + [p.value for p in known]
    lo = math.floor((min(lows) if lows else 0) / 5) * 5
    hi = max(math.ceil((max(highs) if highs else 100) / 5) * 5, lo + 5)
    y0, plot_h = height - BOTTOM, height - BOTTOM - TOP

    def y(v: float) -> float:
        return y0 - plot_h * (v - lo) / (hi - lo)

    def x(i: int) -> float:
        return 70 + (plot_w * (i + 0.5) / max(len(points), 1))

    body = []
    for tick in _ticks(lo, hi):
        body.append(f'<line class="grid" x1="70" y1="{y(tick):.1f}" x2="{WIDTH - RIGHT}" y2="{y(tick):.1f}"/>'
                    f'<text class="tick" x="62" y="{y(tick) + 5:.1f}" text-anchor="end">{_number(tick, 0)}</text>')
    path = " ".join(f"{'M' if not k else 'L'}{x(i):.1f} {y(p.value):.1f}"
                    for k, (i, p) in enumerate((i, p) for i, p in enumerate(points) if math.isfinite(p.value)))
    if path:
        body.append(f'<path class="line" d="{path}"/>')
    for i, p in enumerate(points):
        body.append(f'<text class="tick" x="{x(i):.1f}" y="{y0 + 20}" text-anchor="middle">{escape(p.label)}</text>')
        if math.isfinite(p.value):
            if math.isfinite(p.low) and math.isfinite(p.high):
                body.append(f'<path class="whisker" d="M{x(i):.1f} {y(p.low):.1f}V{y(p.high):.1f}"/>')
            body.append(f'<circle class="point" cx="{x(i):.1f}" cy="{y(p.value):.1f}" r="5"/>')
    return _svg(chart_id, title, _describe(points, unit), height, body)


def _ticks(lo: float, hi: float) -> list[float]:
    """About five round tick values between ``lo`` and ``hi``."""
    step = max(5, int(math.ceil((hi - lo) / 5 / 5.0)) * 5)
    return [float(v) for v in range(int(lo), int(hi) + 1, step)]
