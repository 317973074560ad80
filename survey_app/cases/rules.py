"""Survey case rules: set per survey by CS staff, checked against the questionnaire, evaluated by the job.

Kinds: a score at or below a threshold (a likert, rating or NPS question, or a matrix row); a computed
dimension score or overall index (0–100) at or below a threshold (:mod:`.index_rules`); an NPS
detractor (0–6); a choice answer equal to a code ("해결되었습니까? 아니요", "연락을 원하십니까? 예"); a
keyword in a free-text answer, matched on word stems (:mod:`.stems`).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from questionnaires import Questionnaire, QuestionnaireError, vocab

from ..audit import current_actor, record
from ..database import db
from ..models import Answer, CaseRule, CaseRuleKind, Response, Survey, SurveyVersion
from .categories import CATEGORIES
from .index_rules import index_problem, response_score
from .operations import PRIORITIES, CaseError
from .stems import contains_keyword

KIND_NAMES = {CaseRuleKind.SCORE_AT_MOST: "점수가 기준 이하", CaseRuleKind.NPS_DETRACTOR: "추천 의향 0~6점 (비추천)",
              CaseRuleKind.CHOICE_IS: "특정 보기를 고름", CaseRuleKind.KEYWORD: "서술형 답에 낱말이 있음",
              CaseRuleKind.INDEX_AT_MOST: "차원 점수·종합 지수가 기준 이하 (0~100점)"}
TEXT_TYPES = ("short_text", "long_text")


@dataclass(frozen=True)
class Hit:
    """One rule that fired on one answer."""

    rule: CaseRule
    question_code: str
    value: str
    reason: str


def _scored_question(questionnaire: Questionnaire, code: str):
    """(question, scale) for a scored code: a scale question or a matrix row of one."""
    for question in questionnaire.questions():
        if question.code == code and question.type in vocab.SCALE_TYPES:
            return question, question.effective_scale
        if question.type == vocab.MATRIX and any(row.code == code for row in question.rows):
            return question, question.effective_scale
    return None, None


def rule_problem(questionnaire: Questionnaire, kind: str, question_code: str, *, threshold: float | None = None,
                 choice: str | None = None, keyword: str | None = None) -> str | None:
    """Why this rule cannot work on this questionnaire (Korean), or None when it can."""
    if kind not in CaseRuleKind.ALL:
        return _("알 수 없는 규칙 종류입니다.")
    if kind == CaseRuleKind.INDEX_AT_MOST:
        return index_problem(questionnaire, question_code, threshold)
    question = questionnaire.question(question_code)
    if kind in (CaseRuleKind.SCORE_AT_MOST, CaseRuleKind.NPS_DETRACTOR):
        question, scale = _scored_question(questionnaire, question_code)
        if question is None or scale is None:
            return _("%(code)s 문항은 점수로 답하는 문항이 아닙니다.", code=question_code)
        if kind == CaseRuleKind.NPS_DETRACTOR:
            return None if question.type == vocab.NPS else _("%(code)s 문항은 추천 의향(0~10점) 문항이 아닙니다.", code=question_code)
        low, high = scale.start, scale.start + scale.points - 1
        if threshold is None or not (low <= threshold <= high) or threshold != int(threshold):
            return _("기준 점수는 %(code)s 문항의 척도(%(low)s~%(high)s점) 안의 정수여야 합니다.", code=question_code,
                     low=low, high=high)
        return None
    if question is None:
        return _("%(code)s 문항이 설문에 없습니다.", code=question_code)
    if kind == CaseRuleKind.CHOICE_IS:
        allowed = [str(c.value) for c in question.choices.choices] if question.choices else []
        if not allowed:
            return _("%(code)s 문항은 보기를 고르는 문항이 아닙니다.", code=question_code)
        return None if choice in allowed else _("%(code)s 문항에 '%(choice)s' 보기가 없습니다.", code=question_code,
                                                      choice=choice)
    if question.type not in TEXT_TYPES:
        return _("%(code)s 문항은 서술형 문항이 아닙니다.", code=question_code)
    return None if keyword and keyword.strip() else "찾을 낱말을 적어 주십시오."


def survey_questionnaire(survey: Survey) -> Questionnaire | None:
    """What respondents answer: the latest published version, else the draft; None when neither reads."""
    if survey.latest_version is not None:
        return survey.latest_version.questionnaire
    try:
        return Questionnaire.from_dict(survey.draft_definition)
    except (QuestionnaireError, TypeError, ValueError):
        return None


def add_rule(survey: Survey, *, kind: str, question_code: str, threshold: float | None = None,
             choice: str | None = None, keyword: str | None = None, category: str = "complaint",
             priority: str = "normal") -> CaseRule:
    """Add a rule to a survey after checking it against the survey's current questionnaire."""
    questionnaire = survey_questionnaire(survey)
    if questionnaire is None:
        raise CaseError(_("설문 문항을 읽을 수 없습니다. 설문 만들기에서 먼저 문항을 고쳐 주십시오."))
    problem = rule_problem(questionnaire, kind, question_code, threshold=threshold, choice=choice, keyword=keyword)
    if problem is None and category not in CATEGORIES:
        problem = "알 수 없는 분류입니다."
    if problem is None and priority not in PRIORITIES:
        problem = "알 수 없는 중요도입니다."
    if problem:
        raise CaseError(problem)
    rule = CaseRule(survey_id=survey.id, kind=kind, question_code=question_code, threshold=threshold,
                    choice=choice, keyword=(keyword or "").strip() or None, category=category, priority=priority,
                    created_by_id=current_actor()[0])
    db.session.add(rule)
    db.session.flush()
    record("case.rule_add", "survey", survey.id, details={"rule": rule.id, "kind": kind, "question": question_code})
    return rule


def remove_rule(rule: CaseRule) -> None:
    """Switch a rule off (kept, so cases it opened still name it)."""
    rule.active = False
    db.session.flush()
    record("case.rule_remove", "survey", rule.survey_id, details={"rule": rule.id})


def _reason(rule: CaseRule, value: str) -> str:
    if rule.kind == CaseRuleKind.INDEX_AT_MOST:
        return f"{rule.question_code.split(':', 1)[1]} {value}점 (기준 {rule.threshold:g}점 이하)"
    if rule.kind == CaseRuleKind.SCORE_AT_MOST:
        return f"{rule.question_code} {value}점 (기준 {rule.threshold:g}점 이하)"
    if rule.kind == CaseRuleKind.NPS_DETRACTOR:
        return f"추천 의향 {value}점 (0~6점)"
    if rule.kind == CaseRuleKind.CHOICE_IS:
        return f"{rule.question_code} 보기 {value}"
    return f"'{rule.keyword}' 낱말"


def _fires(rule: CaseRule, answer: Answer) -> bool:
    if rule.kind == CaseRuleKind.SCORE_AT_MOST:
        return answer.value_num is not None and answer.value_num <= rule.threshold
    if rule.kind == CaseRuleKind.NPS_DETRACTOR:
        return answer.value_num is not None and 0 <= answer.value_num <= 6
    if rule.kind == CaseRuleKind.CHOICE_IS:
        return answer.choice == rule.choice
    return bool(answer.value_text) and contains_keyword(answer.value_text, rule.keyword or "")


def _answered_questionnaire(answers: dict[str, list[Answer]]) -> Questionnaire | None:
    """The questionnaire the response was answered on (its version), from any of its answers."""
    first = next((rows[0] for rows in answers.values() if rows), None)
    response = db.session.get(Response, first.response_id) if first is not None else None
    version = db.session.get(SurveyVersion, response.version_id) if response is not None else None
    return version.questionnaire if version is not None else None


def _index_hit(rule: CaseRule, answers: dict[str, list[Answer]], questionnaire: Questionnaire | None) -> Hit | None:
    score = response_score(questionnaire, rule.question_code, answers) if questionnaire is not None else None
    if score is None or rule.threshold is None or score > rule.threshold:
        return None
    return Hit(rule, rule.question_code, f"{score:.1f}", _reason(rule, f"{score:.1f}"))


def evaluate(rules: list[CaseRule], answers: dict[str, list[Answer]],
             questionnaire: Questionnaire | None = None) -> list[Hit]:
    """Every rule that fires on a response's answers (grouped by question code); an index rule computes the
    response's score on the questionnaire it was answered on (read from the answers when not given)."""
    hits = []
    for rule in rules:
        if rule.kind == CaseRuleKind.INDEX_AT_MOST:
            questionnaire = questionnaire or _answered_questionnaire(answers)
            hit = _index_hit(rule, answers, questionnaire)
            hits += [hit] if hit is not None else []
            continue
        for answer in answers.get(rule.question_code, []):
            if _fires(rule, answer):
                value = answer.value_text or answer.choice or (f"{answer.value_num:g}" if answer.value_num is not None
                                                                 else "")
                hits.append(Hit(rule, rule.question_code, value, _reason(rule, value)))
                break
    return hits
