"""The calibration chart as inline SVG (no script, no CDN): predicted vs observed churn by risk decile."""
from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 320, 240, 36


def calibration_svg(rows: list[list[float]], title: str, x_label: str, y_label: str) -> Markup:
    """Points (mean predicted, observed rate) per decile against the diagonal of perfect calibration."""
    span_x, span_y = WIDTH - 2 * PAD, HEIGHT - 2 * PAD

    def at(p: float, o: float) -> tuple[float, float]:
        return PAD + p * span_x, HEIGHT - PAD - o * span_y

    points = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#1f5aa6"><title>{p:.0%} → {o:.0%}</title></circle>'
                     for p, o, _n in rows for x, y in [at(p, o)])
    line = " ".join(f"{x:.1f},{y:.1f}" for p, o, _n in rows for x, y in [at(p, o)])
    ticks = "".join(f'<text x="{at(t, 0)[0]:.1f}" y="{HEIGHT - PAD + 16}" text-anchor="middle" font-size="11">{t:.0%}</text>'
                    f'<text x="{PAD - 6}" y="{at(0, t)[1] + 4:.1f}" text-anchor="end" font-size="11">{t:.0%}</text>'
                    for t in (0, 0.5, 1))
    x0, y0 = at(0, 0)
    x1, y1 = at(1, 1)
    return Markup(
        f'<svg role="img" aria-labelledby="cal-title" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">'
        f'<title id="cal-title">{escape(title)}</title>'
        f'<rect x="{PAD}" y="{PAD}" width="{span_x}" height="{span_y}" fill="none" stroke="#767676"/>'
        f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="#767676" stroke-dasharray="4 3"/>'
        f'<polyline points="{line}" fill="none" stroke="#1f5aa6"/>{points}{ticks}'
        f'<text x="{WIDTH / 2}" y="{HEIGHT - 4}" text-anchor="middle" font-size="12">{escape(x_label)}</text>'
        f'<text x="12" y="{HEIGHT / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 12 {HEIGHT / 2})">'
        f'{escape(y_label)}</text></svg>')
