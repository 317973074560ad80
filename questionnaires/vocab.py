"""Fixed vocabulary of the questionnaire language: kinds, question types, roles."""

from __future__ import annotations

import re

FORMAT_VERSION = 1

KINDS = ("customer_satisfaction", "staff_courtesy", "shopping_satisfaction", "post_call", "voc")

SINGLE_CHOICE = "single_choice"
MULTIPLE_CHOICE = "multiple_choice"
LIKERT = "likert"
NPS = "nps"
RATING = "rating"
MATRIX = "matrix"
RANKING = "ranking"
NUMBER = "number"
DATE = "date"
SHORT_TEXT = "short_text"
LONG_TEXT = "long_text"
HIDDEN = "hidden"
COMPUTED = "computed"
NOTE = "note"

QUESTION_TYPES = (
    SINGLE_CHOICE, MULTIPLE_CHOICE, LIKERT, NPS, RATING, MATRIX, RANKING,
    NUMBER, DATE, SHORT_TEXT, LONG_TEXT, HIDDEN, COMPUTED, NOTE,
)
CHOICE_TYPES = (SINGLE_CHOICE, MULTIPLE_CHOICE, RANKING)
SCALE_TYPES = (LIKERT, RATING, NPS)
# Types a respondent never sees or answers directly; they are never "required".
SILENT_TYPES = (HIDDEN, COMPUTED, NOTE)

# Korean names CS staff may type in the Excel `type` column.
TYPE_ALIASES = {
    "단일선택": SINGLE_CHOICE, "복수선택": MULTIPLE_CHOICE, "리커트": LIKERT,
    "추천의향": NPS, "평점": RATING, "행렬": MATRIX, "순위": RANKING,
    "숫자": NUMBER, "날짜": DATE, "단답": SHORT_TEXT, "서술": LONG_TEXT,
    "숨김": HIDDEN, "계산": COMPUTED, "안내": NOTE,
}

LIKERT_POINTS = (5, 7, 10)
RATING_POINTS = range(2, 12)
NPS_POINTS = 11

KPI_ROLES = ("nps", "csat", "ces", "overall", "repurchase", "resolution")
INDEX_METHODS = ("mean100", "top2box")
#: Courtesy checklist credit rules (analysis.courtesy.CREDIT_RULES).
CHECKLIST_CREDITS = ("linear", "proportional")

STAGES = ("맞이", "응대", "마무리", "전체")
STAGE_EN = {"맞이": "greeting", "응대": "handling", "마무리": "closing", "전체": "overall"}
STAGE_ALIASES = {en: ko for ko, en in STAGE_EN.items()}

# Values the distribution (link, SMS, call system) can fill into hidden fields.
HIDDEN_SOURCES = (
    "office_code", "office_name", "region", "channel", "customer_type",
    "agent_id", "team", "queue", "call_id", "call_date", "staff_id",
    "evaluator_id", "voc_id", "order_id", "wave", "language",
)
CUSTOM_SOURCE_PREFIX = "x_"

CODE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
RESERVED_WORDS = frozenset({"and", "or", "not", "in", "true", "false", "null", "none"})

MAX_QUESTIONS = 2000
MAX_TEXT_LENGTH = 5000
MAX_EXPRESSION_LENGTH = 1000
