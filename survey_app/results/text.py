"""A wave result as readable plain-text tables (``survey-app report WAVE`` without ``--json``)."""
from __future__ import annotations

import math

from .model import Figure, WaveResult


def number(value: float | None, digits: int = 1) -> str:
    """A number with ``digits`` decimals, "–" when unknown."""
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:,.{digits}f}"


def p_value(value: float | None) -> str:
    """A p-value with three decimals, "< 0.001" below that (not "0.000", which reads as impossible)."""
    if value is not None and math.isfinite(value) and value < 0.0005:
        return "< 0.001"
    return number(value, 3)


def interval(fig: Figure | None, digits: int = 1) -> str:
    """``value (low ~ high)`` of a figure (a dash between negative bounds would read as a minus)."""
    if fig is None:
        return "–"
    return f"{number(fig.value, digits)} ({number(fig.ci_low, digits)} ~ {number(fig.ci_high, digits)})"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Columns padded to their widest cell (East Asian characters count double)."""
    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x1100 else 1 for ch in text)

    widths = [max(width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for r in [header, *rows]:
        lines.append("  ".join(str(c) + " " * (w - width(str(c))) for c, w in zip(r, widths, strict=True)).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def _overview(result: WaveResult) -> list[str]:
    w, rr = result.wave, result.response_rate
    lines = [f"{w.survey_title} — {w.name} ({w.code})", ""]
    if result.restricted_to is not None:
        lines.append(f"조회 범위 (scope): {', '.join(result.restricted_to) or '없음'}")
    lines += [f"초대 {rr.invitations:,} · 시작 {rr.started:,} · 완료 {rr.complete:,} · 중단 {rr.partial:,} · "
              f"응답률 {number(rr.rate)}%",
              f"분석 응답 (scored responses): {result.n:,}",
              f"대표 지표 ({result.headline_code or '-'}): {interval(result.headline)}", ""]
    return lines


def _scores(result: WaveResult) -> list[str]:
    lines = []
    if result.indices:
        lines += ["지수 (indices)"] + table(["code", "이름", "방식", "점수 (95% CI)"], [
            [i.code, i.name, i.method, interval(i.score)] for i in result.indices]) + [""]
    if result.kpis:
        lines += ["핵심 지표 (KPIs)"] + table(["role", "item", "값 (95% CI)", "n"], [
            [k.role, k.code, interval(k.score), f"{k.score.n:,}"] for k in result.kpis.values()]) + [""]
    if result.dimensions:
        lines += ["차원 (dimensions)"] + table(["code", "이름", "점수 (95% CI)", "alpha"], [
            [d.code, d.name, interval(d.score), number(d.reliability.alpha, 3) if d.reliability else "–"]
            for d in result.dimensions]) + [""]
    if result.items:
        lines += ["문항 (items)"] + table(["code", "차원", "평균", "100점 (95% CI)", "n"], [
            [i.code, i.dimension, number(i.mean.value, 2), interval(i.score), f"{i.mean.n:,}"]
            for i in result.items]) + [""]
    return lines


def _segments(result: WaveResult) -> list[str]:
    lines = []
    for seg in result.segments:
        rows = [[r.name, f"{r.n:,}", interval(r.score), number(r.difference, 1),
                 p_value(r.adjusted_pvalue), {"higher": "▲", "lower": "▼"}.get(r.direction, "")]
                for r in seg.rows]
        lines += [f"{seg.title} ({seg.segment})"] + table(["구분", "n", "점수 (95% CI)", "차이", "p(Holm)", ""], rows)
        lines.append("")
    return lines


def _trend(result: WaveResult) -> list[str]:
    if not result.trend:
        return []
    rows = [[p.wave_code, f"{p.n:,}", interval(p.score),
             number(p.change.difference) if p.change else "–",
             p_value(p.change.pvalue) if p.change else "–"] for p in result.trend]
    return ["차수별 추이 (trend)"] + table(["차수", "n", "점수 (95% CI)", "변화", "p"], rows) + [""]


def _courtesy(result: WaveResult) -> list[str]:
    lines = []
    for c in result.courtesy:
        lines += [f"친절도 {c.name}: {interval(c.score)} (평가 {c.n:,}건)"]
        for level, ranks in c.rankings.items():
            rows = [[str(r.rank) if r.rank else "-", r.name, f"{r.n}", number(r.mean)] for r in ranks]
            if rows:
                lines += [f"  순위 ({level})"] + table(["순위", "이름", "평가", "평균"], rows)
        lines.append("")
    return lines


def _drivers(result: WaveResult) -> list[str]:
    d = result.drivers
    if d is None or not d.rows:
        return []
    rows = [[r.name, number(r.correlation, 3), number(r.relative_share), number(r.performance), r.quadrant]
            for r in d.rows]
    return [f"영향 요인 (drivers of {d.outcome}, R² {number(d.r_squared, 3)})"] + table(
        ["차원", "상관", "상대 중요도 %", "성과", "사분면"], rows) + [""]


def format_report(result: WaveResult) -> str:
    """The whole result as text tables."""
    lines = (_overview(result) + _scores(result) + _segments(result) + _trend(result) + _courtesy(result)
             + _drivers(result))
    if result.warnings:
        lines += ["주의 (warnings)"] + [f"- {w}" for w in result.warnings]
    return "\n".join(lines).rstrip() + "\n"
