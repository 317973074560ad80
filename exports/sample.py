"""A synthetic postal-survey wave scored with :mod:`analysis`, for the benchmark, tests and trying things out.

:func:`sample_wave` draws answers (12 PCSI-style items in four dimensions on
7 points, NPS, CES, region/channel/customer type, weights, contacts and
open-ended comments); :func:`sample_input` scores it with :mod:`analysis`
exactly as the app would and fills a :class:`~exports.inputs.WorkbookInput`.
"""
from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from analysis import compare, contrasts, courtesy, drivers, estimate, kpi, report
from analysis.index import ItemSpec

from . import adapt
from .inputs import (
    CaseHandling,
    CaseUnitRow,
    CodebookEntry,
    Kpi,
    MethodNote,
    RawColumn,
    RawData,
    RepresentRow,
    TargetRow,
    VocEntry,
    VocTopic,
    WorkbookInput,
)

__all__ = ["SampleWave", "sample_wave", "sample_input", "ITEMS", "LABELS", "REGIONS", "CHANNELS", "WAVES", "raw_rows",
           "raw_columns", "respondent_score", "courtesy_evaluations"]

DIMS = {"process": "과정품질", "outcome": "결과품질", "environment": "환경품질", "social": "사회품질"}
ITEM_LABELS = ["직원의 친절", "업무 처리 속도", "안내의 정확성", "대기 시간", "문제 해결", "요금의 적정성",
               "시설의 청결", "주차 편의", "안내 표지", "공익 기여", "개인정보 보호", "신뢰"]
ITEMS = [ItemSpec(f"Q{j + 1}", list(DIMS)[j // 3]) for j in range(12)]
LABELS = {**DIMS, **{f"Q{j + 1}": label for j, label in enumerate(ITEM_LABELS)}}
REGIONS = ["서울", "경인", "부산", "충청", "전남", "경북", "강원", "제주"]
CHANNELS = ["창구", "전화", "인터넷"]
CUSTOMERS = ["개인", "사업자"]
SCALE = ((1, "전혀 그렇지 않다"), (2, "그렇지 않다"), (3, "약간 그렇지 않다"), (4, "보통"), (5, "약간 그렇다"),
         (6, "그렇다"), (7, "매우 그렇다"), (9, "모름/해당없음"))
COMMENTS = ["직원분이 너무 친절했어요", "대기 시간이 너무 길었어요", "택배 접수가 빨랐습니다",
            "주차장이 좁고 불편해요", "안내가 정확했습니다", "창구 직원의 안내가 불친절합니다",
            "대기 시간이 길어서 불편했습니다", "요금이 비싸요", "우체국 직원분들 항상 감사합니다",
            "연락처 010-1234-5678로 답변 부탁드립니다"]
#: (seed offset, shift) of the three sample waves, oldest first; the last is the reported wave.
WAVES = ((2, -0.25), (1, -0.2), (0, 0.0))
NAMES = ["홍길동", "김영희", "남궁민수", "이순신", "박지성"]


@dataclass(frozen=True, eq=False)
class SampleWave:
    """Answers of one synthetic wave (arrays of length n)."""

    y: np.ndarray
    nps: np.ndarray
    ces: np.ndarray
    weights: np.ndarray
    region: np.ndarray
    channel: np.ndarray
    customer: np.ndarray
    comment: np.ndarray
    seed: int


def sample_wave(n: int, seed: int = 0, shift: float = 0.0) -> SampleWave:
    """Draw a wave of ``n`` responses; ``shift`` moves every answer (to make waves differ)."""
    rng = np.random.default_rng(seed)
    region = rng.choice(len(REGIONS), size=n, p=[.3, .25, .15, .1, .08, .07, .04, .01])
    channel = rng.choice(len(CHANNELS), size=n, p=[.6, .3, .1])
    latent = rng.normal(size=(n, 1)) - 0.35 * (region == 6)[:, None] + shift
    y = np.clip(np.round(5.0 + 1.1 * latent + rng.normal(size=(n, 12)) * 0.9), 1, 7)
    y[rng.random((n, 12)) < 0.04] = np.nan
    nps = np.clip(np.round(7.5 + 1.8 * latent[:, 0] + rng.normal(size=n)), 0, 10)
    ces = np.clip(np.round(5.2 + latent[:, 0] + rng.normal(size=n)), 1, 7)
    comment = np.where(rng.random(n) < 0.3, rng.choice(COMMENTS, size=n), "")
    return SampleWave(y=y, nps=nps, ces=ces, weights=rng.lognormal(0, 0.3, size=n),
                      region=np.array(REGIONS)[region], channel=np.array(CHANNELS)[channel],
                      customer=rng.choice(CUSTOMERS, size=n), comment=comment, seed=seed)


def respondent_score(wave: SampleWave) -> np.ndarray:
    """Each respondent's 100-point mean over the items they answered (the segment measure)."""
    with np.errstate(invalid="ignore"):
        return np.nanmean((wave.y - 1) / 6 * 100, axis=1)


def _segments(wave: SampleWave) -> tuple:
    y = respondent_score(wave)
    rows = ()
    for name, groups in (("지역", wave.region), ("채널", wave.channel), ("고객 유형", wave.customer)):
        est = estimate.by(y, groups, wave.weights)
        rows += adapt.segment_rows(name, est, compare.segment_comparisons(y, groups, wave.weights))
    return rows


def _ipa(wave: SampleWave, item_scores: np.ndarray, item_ci: np.ndarray) -> Any:
    """Items on the importance-performance grid; a quadrant only where both axes separate from the cut."""
    names = [LABELS[s.code] for s in ITEMS]
    filled = np.nan_to_num(wave.y, nan=4.0)
    imp = contrasts.importance_intervals(wave.nps, filled, names, replicates=100, seed=wave.seed)
    perf = contrasts.dimension_contrasts((wave.y - 1) / 6 * 100, names, weights=wave.weights)
    placed = drivers.importance_performance(imp.share, item_scores, names)
    cut = float(np.mean(imp.share))
    return adapt.ipa([replace(q, settled=bool((imp.low[j] > cut or imp.high[j] < cut)
                                              and (perf.above[j] or perf.below[j])),
                              importance_ci=(float(imp.low[j]), float(imp.high[j])),
                              performance_ci=(float(item_ci[j, 0]), float(item_ci[j, 1])))
                      for j, q in enumerate(placed)])


def dimension_scores(wave: SampleWave) -> np.ndarray:
    """Each respondent's 100-point score per dimension (mean of the items answered)."""
    s = (wave.y - 1) / 6 * 100
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.column_stack([np.nanmean(s[:, j:j + 3], axis=1) for j in range(0, 12, 3)])


def courtesy_evaluations(seed: int = 0) -> tuple[Any, np.ndarray, np.ndarray]:
    """Scored courtesy evaluations of the sample (180 visits) with each one's office and staff member."""
    rng = np.random.default_rng(seed + 7)
    levels = np.clip(np.round(4 + rng.normal(size=(180, 10)) * 0.8), 1, 5)
    offices = rng.choice([f"{r}우체국" for r in REGIONS[:6]], size=180)
    staff = np.array([f"{o} 직원{rng.integers(1, 5)}" for o in offices])
    return courtesy.score_evaluations(levels), offices, staff


def _courtesy(seed: int) -> tuple:
    scores, offices, staff = courtesy_evaluations(seed)
    return (adapt.courtesy_table("우체국", scores, offices, threshold=80.0),
            adapt.courtesy_table("직원", scores, staff, threshold=80.0))


def raw_columns() -> tuple[RawColumn, ...]:
    """Columns of the sample raw data (ID, time, segments, contacts, items, NPS, comment, weight)."""
    scale = dict(SCALE)
    return ((RawColumn("response_id", "응답 ID", "id"), RawColumn("submitted_at", "제출 시각", "date"),
             RawColumn("region", "지역", "label"), RawColumn("channel", "이용 채널", "label"),
             RawColumn("name", "이름", "name"), RawColumn("phone", "휴대전화", "phone"))
            + tuple(RawColumn(s.code, LABELS[s.code], "value", scale) for s in ITEMS)
            + (RawColumn("nps", "추천 의향 (0-10)"), RawColumn("comment", "하고 싶은 말", "text"),
               RawColumn("weight", "가중치", "weight")))


def raw_rows(wave: SampleWave) -> Iterator[list[Any]]:
    """The sample raw rows, one list per response, made lazily."""
    start = datetime(2025, 4, 1, 9, 0)
    for i in range(len(wave.weights)):
        items = [None if v != v else int(v) for v in wave.y[i].tolist()]
        yield [f"R{i + 1:06d}", start + timedelta(minutes=7 * i), str(wave.region[i]), str(wave.channel[i]),
               NAMES[i % len(NAMES)], f"010-{1000 + i % 9000:04d}-{5678:04d}", *items, int(wave.nps[i]),
               str(wave.comment[i]) or None, float(wave.weights[i])]


def _codebook() -> tuple[CodebookEntry, ...]:
    head = (CodebookEntry("response_id", "응답 ID", "id"), CodebookEntry("region", "지역", "label"),
            CodebookEntry("channel", "이용 채널", "label"))
    items = tuple(CodebookEntry(s.code, LABELS[s.code], "likert", SCALE, (9,), DIMS[s.dimension]) for s in ITEMS)
    return head + items + (CodebookEntry("weight", "사후 층화 가중치", "weight"),)


def sample_input(n: int = 600, seed: int = 0, *, raw: bool = True) -> WorkbookInput:
    """Score a synthetic wave (and two earlier ones) with :mod:`analysis` into a :class:`WorkbookInput`."""
    waves = [sample_wave(n, seed + k, shift=s) for k, s in WAVES]
    reps = [report.score_wave(w.y, ITEMS, nps_scores=w.nps, csat_scores=w.y[:, 0], weights=w.weights)
            for w in waves]
    now, prev, cur = reps[-1], reps[-2], waves[-1]
    ces_now, ces_prev = (kpi.ces(w.ces, weights=w.weights) for w in (cur, waves[-2]))
    kpis = (adapt.kpi("종합지수", now.scores.index, "score", prev.scores.index),
            adapt.kpi("NPS (순추천지수)", now.nps, "score", prev.nps),
            adapt.kpi("CSAT (만족 비율)", now.csat, "share", prev.csat),
            adapt.kpi("CES (이용 편의, 7점)", ces_now, "mean", ces_prev),
            Kpi("응답률", 100.0 * n / (n * 4), "share", n=n),
            Kpi("응답 수", float(n), "count"))
    voc = tuple(VocEntry("Q13", str(c), {"지역": str(r), "채널": str(ch)}, f"R{i + 1:06d}")
                for i, (c, r, ch) in enumerate(zip(cur.comment, cur.region, cur.channel, strict=True)) if c)
    freq = tuple(adapt.frequency_table(s.code, LABELS[s.code], _counts(cur.y[:, j]), SCALE, block=DIMS[s.dimension])
                 for j, s in enumerate(ITEMS))
    return WorkbookInput(
        survey="우편 서비스 고객만족도 조사", wave="2025년 2분기", previous_wave="2025년 1분기",
        generated_on=date(2025, 7, 1), kpis=kpis,
        scores=adapt.score_rows(now.scores, ITEMS, LABELS, prev.scores,
                                contrasts=contrasts.dimension_contrasts(dimension_scores(cur), list(DIMS),
                                                                        weights=cur.weights)),
        segments=_segments(cur),
        segment_measure="응답자 평균 점수", segment_total=estimate.mean(respondent_score(cur), cur.weights),
        trend=adapt.trend(["2024년 4분기", "2025년 1분기", "2025년 2분기"], [r.scores for r in reps], LABELS,
                          [r.n for r in reps]),
        ipa=_ipa(cur, now.scores.items.value, np.column_stack([now.scores.items.ci_low, now.scores.items.ci_high])), courtesy=_courtesy(seed), frequencies=freq, voc=voc,
        voc_topics=SAMPLE_TOPICS, cases=SAMPLE_CASES,
        codebook=_codebook(), raw=RawData(raw_columns(), raw_rows(cur)) if raw else None,
        method=MethodNote(weights="사후 층화 가중치 (지역 × 연령대)", scale="7점 척도를 100점으로 환산: (평균 − 1) ÷ 6 × 100"), targets=_targets(now.scores.index),
        representativeness=SAMPLE_REPRESENTATIVENESS, glossary=SAMPLE_GLOSSARY)


def _targets(index: Any) -> tuple[TargetRow, ...]:
    """Targets of the three outcomes around the sample's index (below, above and inside its interval)."""
    low, high = float(index.ci[0]), float(index.ci[1])
    return (TargetRow("종합지수 (목표 달성)", round(low - 2), float(index.value), (low, high), "달성"),
            TargetRow("종합지수 (높은 목표)", round(high + 2), float(index.value), (low, high), "미달"),
            TargetRow("종합지수 (점수 근처 목표)", round(float(index.value), 1), float(index.value), (low, high),
                      "판단 보류 (구간이 목표를 포함)"))


#: Sample against population share per category, as the app fills it when weighting is on.
SAMPLE_REPRESENTATIVENESS = (RepresentRow("연령대", "20대", 61, 10.2, 8.0, 8.0),
                             RepresentRow("연령대", "60대", 98, 16.3, 22.0, 22.0),
                             RepresentRow("지역(지방우정청)", "서울지방우정청", 140, 23.3, 19.0, 19.0))
#: Two glossary lines, as the app fills them from its glossary.
SAMPLE_GLOSSARY = (("신뢰구간", "같은 조사를 100번 한다면 그중 95번은 참값을 포함할 범위입니다."),
                   ("유효 표본 수", "가중치 때문에 줄어든 정보를 반영한 응답 수입니다."))


#: A sample VOC 주제 table (as the app fills it from its stored text analyses).
SAMPLE_TOPICS = (VocTopic("배달 지연", 412, 31.2, 88.1, "택배가 일주일째 안 와요"),
                 VocTopic("직원 응대", 251, 19.0, 71.3, "창구 직원이 설명을 잘 안 해 주셨어요"),
                 VocTopic("칭찬", 236, 17.9, 2.1, "집배원님이 늘 친절하게 인사해 주세요"),
                 VocTopic("요금·환불", 148, 11.2, 80.4, "소포 요금이 너무 비싸요"),
                 VocTopic("인터넷우체국·앱 오류", 139, 10.5, 91.0, "앱 로그인이 계속 안 돼요"),
                 VocTopic("기타 문의", 134, 10.2, 6.0, "토요일에도 여나요"))

#: A sample VOC 처리 현황 (the whole first, then units), as the app fills it from its cases.
SAMPLE_CASES = CaseHandling(
    rows=(CaseUnitRow("전체", 164, 38, 6, 126, 0.94, 19.5, 4.2, 0.61),
          CaseUnitRow("서울지방우정청", 52, 11, 2, 41, 0.95, 16.0, 3.8, 0.66),
          CaseUnitRow("부산지방우정청", 31, 9, 3, 22, 0.86, 27.5, 5.1, 0.5),
          CaseUnitRow("우편고객센터", 81, 18, 1, 63, 0.97, 12.0, 3.9, 0.62)),
    root_causes=(("배달 지연", 41), ("직원 응대", 27), ("시스템 오류", 19), ("안내 부족", 15)))


def _counts(column: np.ndarray) -> dict[int, int]:
    values, counts = np.unique(column[~np.isnan(column)], return_counts=True)
    return {int(v): int(c) for v, c in zip(values, counts, strict=True)}
