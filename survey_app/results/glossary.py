"""Plain-Korean explanations of the statistical terms the results page and the workbook use.

:func:`terms_for` picks the terms a result's page shows (a term is explained wherever it appears:
``tests/test_results_targets_pages.py`` reads the page and checks every known term has its entry).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from .model import WaveResult


@dataclass(frozen=True)
class Term:
    """A term as shown, its explanation and the words that show it is used on a page."""

    code: str
    name: object
    explanation: object
    triggers: tuple[str, ...]


TERMS = (
    Term("ci", _l("신뢰구간"), _l("같은 조사를 100번 한다면 그중 95번은 참값을 포함할 범위입니다. 구간이 좁을수록 점수가 정확합니다."),
         ("신뢰구간",)),
    Term("taylor", _l("테일러 선형화"), _l("가중치가 있는 평균의 오차를 계산하는 표준 방법입니다. 응답마다 다른 가중치를 반영해 신뢰구간의 폭을 정합니다."),
         ("테일러 선형화",)),
    Term("wilson", _l("윌슨 구간"), _l("비율(%)의 신뢰구간을 구하는 방법입니다. 응답이 적거나 비율이 0%·100%에 가까워도 구간이 0~100%를 벗어나지 않습니다."),
         ("윌슨 구간",)),
    Term("pvalue", _l("p값"), _l("실제로는 차이가 없는데도 이만큼의 차이가 우연히 나올 확률입니다. 0.05보다 작으면 ‘유의한 차이’로 봅니다."),
         ("p값",)),
    Term("holm", _l("Holm 보정"), _l("여러 집단을 한꺼번에 비교하면 우연히 ‘유의한’ 차이가 나오기 쉽습니다. 비교 횟수만큼 기준을 엄격하게 해 이런 착각을 막는 방법입니다."),
         ("Holm",)),
    Term("paired", _l("대응 t 검정"), _l("같은 응답자가 매긴 두 점수의 차이가 0과 다른지 보는 검정입니다."), ("대응 t 검정",)),
    Term("alpha", _l("Cronbach 알파"), _l("한 차원의 문항들이 같은 것을 재는지 보여 주는 신뢰도(0~1)입니다. 0.7 이상이면 대체로 믿을 만합니다."),
         ("알파",)),
    Term("bootstrap", _l("부트스트랩"), _l("응답자를 무작위로 다시 뽑아 여러 번 계산해 결과가 얼마나 흔들리는지 보는 방법입니다."),
         ("부트스트랩",)),
    Term("relative", _l("상대 중요도"), _l("전반적 만족을 설명하는 데 각 차원이나 문항이 차지하는 몫(%)입니다 (Johnson 상대 가중치)."),
         ("상대 중요도",)),
    Term("r2", _l("설명력 R²"), _l("차원 점수들이 전반적 만족의 차이를 얼마나 설명하는지(0~1)입니다."), ("R²",)),
    Term("reverse", _l("역코딩"), _l("부정문 문항의 점수를 거꾸로 바꿔 다른 문항처럼 높을수록 좋게 맞춘 것입니다."), ("역코딩",)),
    Term("target", _l("판단 보류"), _l("신뢰구간 안에 목표가 있으면 참값이 목표보다 높은지 낮은지 자료로 가릴 수 없어 달성·미달을 말하지 않습니다."),
         ("판단 보류",)),
    Term("weight", _l("가중치"), _l("응답자 구성을 실제 고객 구성에 맞추려고 응답마다 곱하는 값입니다. 적게 응답한 집단의 응답은 크게, 많이 응답한 집단의 응답은 작게 셉니다."),
         ("가중치를 적용", "가중 추정")),
    Term("deff", _l("설계효과"), _l("가중치 때문에 오차(분산)가 몇 배 커졌는지입니다 (Kish 설계효과). 응답 수 ÷ 설계효과 = 유효 표본 수입니다."),
         ("설계효과",)),
    Term("neff", _l("유효 표본 수"), _l("가중치 때문에 줄어든 정보를 반영한 응답 수입니다. 가중치가 고르지 않을수록 실제 응답 수보다 작고, 신뢰구간은 그만큼 넓어집니다."),
         ("유효 표본 수",)),
    Term("rake", _l("레이킹"), _l("연령대·지역 같은 여러 구성 비율을 하나씩 차례로 맞추기를 되풀이해 모든 비율이 함께 맞을 때까지 가중치를 조정하는 방법입니다."),
         ("레이킹",)),
    Term("poststrat", _l("사후 층화"), _l("한 가지 구성 비율(예: 연령대)에 맞춰 같은 범주의 응답에 같은 가중치를 주는 방법입니다."),
         ("사후 층화",)),
)


def terms_for(result: WaveResult, *, targets: bool = False) -> list[Term]:
    """The terms the page of ``result`` uses, in :data:`TERMS` order."""
    used = {"ci", "taylor"}
    methods = {k.score.method for k in result.kpis.values()}
    if "wilson" in methods:
        used.add("wilson")
    if result.dimensions:
        used |= {"pvalue", "holm", "paired", "alpha"} if len(result.dimensions) > 1 else {"alpha"}
    if result.segments:
        used |= {"pvalue", "holm"}
    if any(i.reverse for i in result.items):
        used.add("reverse")
    if result.drivers and result.drivers.rows:
        used |= {"bootstrap", "relative", "r2", "holm", "paired"}
    if targets:
        used.add("target")
    if result.weighting is not None:
        used |= {"weight", "deff", "neff", "rake" if result.weighting.method == "rake" else "poststrat"}
    return [t for t in TERMS if t.code in used]


#: Terms the workbook's method note always uses (its tests: z test and Holm, t tests, bootstrap quadrants).
WORKBOOK_TERMS = {"ci", "taylor", "pvalue", "holm", "paired", "bootstrap"}


def korean_terms(result: WaveResult, *, targets: bool = False) -> tuple[tuple[str, str], ...]:
    """(term, explanation) in Korean for the workbook's 용어 설명: the page's terms and the method note's."""
    codes = {t.code for t in terms_for(result, targets=targets)} | WORKBOOK_TERMS
    with force_locale("ko"):
        return tuple((str(t.name), str(t.explanation)) for t in TERMS if t.code in codes)
