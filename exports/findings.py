"""Key findings: three to six plain Korean sentences written from the results.

The sentences say only what the numbers support: a change is called a rise or
a fall only when it is statistically significant; segments are named only when
they are significantly below the organisation after correction; a dimension is
called higher or lower than the others only when its paired contrast is
significant (or, without one, when the intervals do not overlap); an
importance-performance quadrant is named only for items whose place is settled.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from .inputs import ScoreRow, WorkbookInput

__all__ = ["key_findings", "josa", "signed"]

# Final consonant of digits read in Sino-Korean (영 일 이 삼 사 오 육 칠 팔 구): True = 받침.
_DIGIT_FINAL = {"0": "ㅇ", "1": "ㄹ", "2": "", "3": "ㅁ", "4": "", "5": "", "6": "ㄱ", "7": "ㄹ", "8": "ㄹ", "9": ""}
_PAIRS = {"은는": ("은", "는"), "이가": ("이", "가"), "을를": ("을", "를"), "과와": ("과", "와"),
          "으로로": ("으로", "로"), "이라": ("이라", "라")}


def _final(word: str) -> str:
    """The final consonant of the last readable character ('' when none, 'ㄹ', or 'x')."""
    for ch in reversed(word.strip()):
        if "가" <= ch <= "힣":
            code = (ord(ch) - 0xAC00) % 28
            return "" if code == 0 else ("ㄹ" if code == 8 else "x")
        if ch.isdigit():
            return _DIGIT_FINAL[ch]
        if ch.isalpha():
            return "x" if ch.lower() in "lmnr" else ""
    return ""


def josa(word: str, kind: str) -> str:
    """``word`` with the particle that fits its last sound: josa("강원", "은는") → "강원은"."""
    with_final, without = _PAIRS[kind]
    final = _final(word)
    if kind == "으로로":
        return word + (with_final if final not in ("", "ㄹ") else without)
    return word + (with_final if final else without)


def signed(value: float, unit: str = "점") -> str:
    """A difference with its sign: +2.1점, −0.4점."""
    return f"{'+' if value >= 0 else '−'}{abs(value):.1f}{unit}"


def _index_sentence(inp: WorkbookInput, row: ScoreRow) -> str:
    est = row.estimate
    level = round(est.confidence * 100)
    head = (f"{josa(row.label, '은는')} {est.value:.1f}점이며 "
            f"{level}% 신뢰구간은 {est.ci[0]:.1f}~{est.ci[1]:.1f}점입니다.")
    ch = row.change
    if ch is None:
        return head
    prev = f"지난 차수({inp.previous_wave}, {ch.previous:.1f}점)" if inp.previous_wave else f"지난 차수({ch.previous:.1f}점)"
    if ch.significant:
        way = "올랐으며" if ch.difference > 0 else "떨어졌으며"
        return head + f" {prev}보다 {abs(ch.difference):.1f}점 {way}, 통계적으로 유의한 변화입니다."
    return head + f" {prev}와 비교한 변화({signed(ch.difference)})는 통계적으로 유의하지 않습니다."


def _changes(rows: Sequence[ScoreRow]) -> list[str]:
    tested = [r for r in rows if r.level != "index" and r.change is not None]
    if not tested:
        return []
    gains = sorted((r for r in tested if r.change.significant and r.change.difference > 0),
                   key=lambda r: -r.change.difference)
    drops = sorted((r for r in tested if r.change.significant and r.change.difference < 0),
                   key=lambda r: r.change.difference)
    out = []
    for found, verb in ((gains, "오른"), (drops, "떨어진")):
        if found:
            names = ", ".join(f"'{r.label}'({signed(r.change.difference)})" for r in found[:3])
            out.append(f"유의하게 {verb} 차원·문항은 {names}입니다." if len(found) > 1
                       else f"유의하게 {verb} 차원·문항은 {names} 하나입니다.")
    if not out:
        out.append("지난 차수와 비교해 유의하게 달라진 차원·문항은 없습니다.")
    return out


#: How dimensions are compared, as the findings and the 차원별 점수 sheet say it.
CONTRAST_NOTE = "응답자마다 한 차원 점수에서 나머지 차원 평균을 뺀 차이의 대응 t 검정, Holm 보정"


def _names(rows: Sequence[ScoreRow]) -> str:
    return ", ".join(f"'{r.label}'({r.estimate.value:.1f}점)" for r in rows)


def _standing(rows: Sequence[ScoreRow]) -> list[str]:
    """Which dimensions stand out — only those the data separate from the others; else that none do."""
    dims = [r for r in rows if r.level == "dimension" and math.isfinite(r.estimate.value)]
    if len(dims) < 2:
        return []
    low, high = min(dims, key=lambda r: r.estimate.value), max(dims, key=lambda r: r.estimate.value)
    span = f"{low.estimate.value:.1f}~{high.estimate.value:.1f}점"
    if any(r.contrast is None for r in dims):  # no paired test given: only non-overlapping intervals count
        if low.estimate.ci[1] < high.estimate.ci[0]:
            return [f"'{low.label}'({low.estimate.value:.1f}점)은 '{high.label}'({high.estimate.value:.1f}점)보다 "
                    "낮으며, 두 차원의 신뢰구간은 겹치지 않습니다."]
        return [f"차원 점수({span})의 신뢰구간이 서로 겹쳐, 가장 높거나 낮은 차원을 가려 말할 수 없습니다."]
    above = [r for r in dims if r.contrast.significant and r.contrast.difference > 0]
    below = [r for r in dims if r.contrast.significant and r.contrast.difference < 0]
    if not above and not below:
        return [f"차원 점수({span})는 서로 통계적으로 다르지 않아, 가장 높거나 낮은 차원을 가려 말할 수 없습니다 "
                f"({CONTRAST_NOTE})."]
    parts = []
    if below:
        parts.append(f"다른 차원보다 유의하게 낮은 차원은 {_names(below)}")
    if above:
        parts.append(f"유의하게 높은 차원은 {_names(above)}")
    return [", ".join(parts) + f"입니다 ({CONTRAST_NOTE})."]


def _segments(inp: WorkbookInput) -> list[str]:
    tested = [s for s in inp.segments if s.difference is not None]
    if not tested:
        return []
    below = sorted((s for s in tested if s.significant and s.difference < 0), key=lambda s: s.difference)
    if not below:
        return [f"{inp.segment_measure} 기준으로 나머지 응답자보다 유의하게 낮은 집단은 없습니다."]
    names = ", ".join(f"{s.variable} '{s.segment}'({signed(s.difference)})" for s in below[:4])
    more = f" 외 {len(below) - 4}곳" if len(below) > 4 else ""
    return [f"{inp.segment_measure} 기준으로 나머지 응답자보다 유의하게 낮은 집단은 {names}{more}입니다."]


def _ipa(inp: WorkbookInput) -> list[str]:
    if inp.ipa is None or not inp.ipa.items:
        return []
    settled = [q for q in inp.ipa.items if q.settled]
    if not settled:
        return ["중요도와 만족도가 모두 평균과 뚜렷이 다른 항목이 없어, 개선 우선순위 사분면은 정하지 않았습니다."]
    focus = [q for q in settled if q.high_importance and not q.high_performance]
    if not focus:
        return []
    names = ", ".join(f"'{q.name}'" for q in sorted(focus, key=lambda q: -q.importance)[:3])
    return [f"중요도는 높지만 만족도가 낮아 먼저 개선할 항목은 {names}입니다."]


def _items_to_fix(inp: WorkbookInput) -> list[str]:
    if not inp.item_drivers:
        return []
    first = [r for r in sorted(inp.item_drivers, key=lambda r: -r.importance) if r.priority]
    if not first:
        return ["문항 가운데 중요도가 평균보다 뚜렷이 높으면서 점수가 뚜렷이 낮은 것은 없습니다."]
    names = ", ".join(f"'{r.label}'({r.performance:.1f}점, 중요도 {r.importance:.1f}%)" for r in first[:3])
    return [f"먼저 개선할 문항은 {names}입니다: 전반적 만족에 미치는 영향이 평균보다 크고 점수는 다른 문항보다 낮습니다."]


def key_findings(inp: WorkbookInput, limit: int = 6) -> list[str]:
    """Three to six sentences: the headline, significant gains and drops, dimensions that stand out, segments, IPA."""
    if inp.findings is not None:
        return list(inp.findings)
    index = next((r for r in inp.scores if r.level == "index" and math.isfinite(r.estimate.value)), None)
    out = [_index_sentence(inp, index)] if index is not None else []
    out += _changes(inp.scores) + _standing(inp.scores) + _items_to_fix(inp) + _segments(inp) + _ipa(inp)
    if len(out) < 3:
        unit = {"share": "%", "score": "점"}
        out += [f"{josa(k.label, '은는')} {k.value:.1f}{unit.get(k.kind, '')}입니다."
                for k in inp.kpis if k.value is not None and k.kind != "count" and k.label not in " ".join(out)]
    return out[:limit]
