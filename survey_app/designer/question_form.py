"""The question editor form and its conversion to and from the questionnaire's question dict."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from questionnaires import vocab

from ..web.choices import SelectChoice, select_choices
from .forms import LockedForm, code_validators
from .lines import LineError, choices_text, labels_text, parse_choices, parse_labels, parse_rows, rows_text, text_of

TYPE_LABELS = {
    vocab.SINGLE_CHOICE: _l("단일 선택"), vocab.MULTIPLE_CHOICE: _l("복수 선택"), vocab.LIKERT: _l("리커트 척도"),
    vocab.NPS: _l("추천 의향(NPS)"), vocab.RATING: _l("평점"), vocab.MATRIX: _l("행렬(여러 항목 같은 척도)"),
    vocab.RANKING: _l("순위"), vocab.NUMBER: _l("숫자"), vocab.DATE: _l("날짜"), vocab.SHORT_TEXT: _l("단답"),
    vocab.LONG_TEXT: _l("서술"), vocab.HIDDEN: _l("숨김 값"), vocab.COMPUTED: _l("계산 값"), vocab.NOTE: _l("안내 글"),
}
KPI_LABELS = {"nps": _l("추천 의향(NPS)"), "csat": _l("고객 만족(CSAT)"), "ces": _l("고객 노력(CES)"),
              "overall": _l("전반적 만족"), "repurchase": _l("재이용 의향"), "resolution": _l("문제 해결 여부")}
STAGE_LABELS = {"맞이": _l("맞이"), "응대": _l("응대"), "마무리": _l("마무리"), "전체": _l("전체 인상")}
LIMIT_TYPES = (vocab.NUMBER,)
SELECTION_TYPES = (vocab.MULTIPLE_CHOICE,)


def type_choices(hidden_section: bool = False) -> list[SelectChoice]:
    """Question types for a select; a hidden-field page offers hidden and computed values only."""
    types = (vocab.HIDDEN, vocab.COMPUTED) if hidden_section else [t for t in vocab.QUESTION_TYPES if t != vocab.HIDDEN]
    return select_choices((t, TYPE_LABELS[t]) for t in types)


def _lines_validator(parser):
    def check(form, field):
        try:
            parser(field.data)
        except LineError as exc:
            raise ValidationError(str(exc)) from None
    return check


class QuestionForm(LockedForm):
    """Everything about one question; parts that do not apply to its type are ignored when saved."""

    code = StringField(_l("문항 코드"), validators=code_validators())
    type = SelectField(_l("문항 유형"), choices=type_choices())
    text_ko = TextAreaField(_l("질문 문구 (한국어)"), validators=[Optional(), Length(max=vocab.MAX_TEXT_LENGTH)])
    text_en = TextAreaField(_l("질문 문구 (영어)"), validators=[Optional(), Length(max=vocab.MAX_TEXT_LENGTH)])
    help_ko = StringField(_l("도움말 (한국어)"), validators=[Optional(), Length(max=vocab.MAX_TEXT_LENGTH)])
    help_en = StringField(_l("도움말 (영어)"), validators=[Optional(), Length(max=vocab.MAX_TEXT_LENGTH)])
    required = BooleanField(_l("꼭 답해야 하는 문항"))
    show_if = StringField(_l("표시 조건 (예: Q1 == 1)"), validators=[Optional(), Length(max=vocab.MAX_EXPRESSION_LENGTH)])
    skip_if = StringField(_l("건너뛰기 조건"), validators=[Optional(), Length(max=vocab.MAX_EXPRESSION_LENGTH)])
    choice_list = SelectField(_l("공유 보기 목록"), choices=[], validate_choice=False)
    choices = TextAreaField(_l("보기 (한 줄에 하나: 값 | 한국어 | 영어 | na exclusive other)"),
                            validators=[_lines_validator(parse_choices)])
    scale_name = SelectField(_l("공유 척도"), choices=[], validate_choice=False)
    scale_points = IntegerField(_l("척도 점 수"), validators=[Optional(), NumberRange(2, 11, _l("2에서 11 사이로 적어 주십시오."))])
    scale_start = IntegerField(_l("시작 점수"), validators=[Optional(), NumberRange(0, 1, _l("0 또는 1로 적어 주십시오."))])
    scale_labels = TextAreaField(_l("척도 이름표 (한 줄에 하나: 점수 | 한국어 | 영어)"),
                                 validators=[_lines_validator(parse_labels)])
    scale_na_value = IntegerField(_l("'모름/해당없음' 값"), validators=[Optional()])
    scale_na_ko = StringField(_l("'모름/해당없음' 문구"), validators=[Optional(), Length(max=300)])
    rows = TextAreaField(_l("행 (한 줄에 하나: 코드 | 한국어 | 영어 | points=10 stage=맞이 ...)"),
                         validators=[_lines_validator(parse_rows)])
    min = DecimalField(_l("최솟값"), validators=[Optional()])
    max = DecimalField(_l("최댓값"), validators=[Optional()])
    integer = BooleanField(_l("정수만"))
    unit_ko = StringField(_l("단위"), validators=[Optional(), Length(max=50)])
    min_selected = IntegerField(_l("최소 선택 수"), validators=[Optional(), NumberRange(0, 99)])
    max_selected = IntegerField(_l("최대 선택 수"), validators=[Optional(), NumberRange(1, 99)])
    randomize = BooleanField(_l("보기·행 순서를 응답자마다 섞기"))
    value = StringField(_l("계산식"), validators=[Optional(), Length(max=vocab.MAX_EXPRESSION_LENGTH)])
    source = StringField(_l("값 출처 (링크·배포 항목 이름)"), validators=[Optional(), Length(max=40)])
    s_dimension = SelectField(_l("채점 차원"), choices=[], validate_choice=False)
    s_reverse = BooleanField(_l("역코딩"))
    s_weight = DecimalField(_l("가중치"), validators=[Optional(), NumberRange(0, 1000)])
    s_kpi = SelectField(_l("핵심 지표 역할"), choices=select_choices([("", "-")] + [(k, KPI_LABELS[k]) for k in vocab.KPI_ROLES]),
                        validate_choice=False)
    s_checklist = SelectField(_l("친절도 체크리스트"), choices=[], validate_choice=False)
    s_stage = SelectField(_l("친절도 단계"), choices=select_choices([("", "-"), *STAGE_LABELS.items()]), validate_choice=False)
    s_points = DecimalField(_l("배점"), validators=[Optional(), NumberRange(0, 100)])

    def validate_s_kpi(self, field):
        """A KPI role from the list, or none."""
        if field.data and field.data not in vocab.KPI_ROLES:
            raise ValidationError(_l("목록에서 골라 주십시오."))

    def validate_s_stage(self, field):
        """A courtesy stage from the list, or none."""
        if field.data and field.data not in vocab.STAGES:
            raise ValidationError(_l("목록에서 골라 주십시오."))

    def validate_max(self, field):
        """The largest allowed number is not below the smallest."""
        if field.data is not None and self.min.data is not None and field.data < self.min.data:
            raise ValidationError(_l("최댓값은 최솟값보다 작을 수 없습니다."))

    def validate_type(self, field):
        """Choice questions need choices, either written here or from a shared list."""
        if field.data in vocab.CHOICE_TYPES and not (self.choices.data or "").strip() and not self.choice_list.data:
            raise ValidationError(_l("보기를 적거나 공유 보기 목록을 골라 주십시오."))
        if field.data == vocab.MATRIX and not (self.rows.data or "").strip():
            raise ValidationError(_l("행렬 문항에는 행을 한 줄 이상 적어 주십시오."))


def _number(value):
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def _scale(form: QuestionForm) -> Any:
    if form.scale_name.data:
        return form.scale_name.data
    if form.type.data == vocab.NPS and not form.scale_points.data:
        return None
    scale: dict[str, Any] = {"points": form.scale_points.data or 5}
    if form.scale_start.data is not None and form.scale_start.data != 1:
        scale["start"] = form.scale_start.data
    labels = parse_labels(form.scale_labels.data)
    if labels:
        scale["labels"] = labels
    if form.scale_na_value.data is not None:
        scale["na"] = {"value": form.scale_na_value.data, "label": text_of(form.scale_na_ko.data or "모름/해당없음")}
    return scale


def _scoring(form: QuestionForm) -> dict[str, Any] | None:
    scoring: dict[str, Any] = {}
    for key in ("dimension", "kpi", "checklist", "stage"):
        if getattr(form, f"s_{key}").data and getattr(form, f"s_{key}").data != "None":
            scoring[key] = getattr(form, f"s_{key}").data
    if form.s_reverse.data:
        scoring["reverse"] = True
    if form.s_weight.data is not None and form.s_weight.data != 1:
        scoring["weight"] = _number(form.s_weight.data)
    if form.s_points.data is not None:
        scoring["points"] = _number(form.s_points.data)
    return scoring or None


def _put(out: dict, key: str, value: Any) -> None:
    if value not in (None, "", {}, [], False):
        out[key] = value


def question_from_form(form: QuestionForm) -> dict[str, Any]:
    """The question dict the form describes (only the parts its type uses)."""
    qtype = form.type.data
    out: dict[str, Any] = {"code": form.code.data.strip(), "type": qtype}
    _put(out, "text", text_of(form.text_ko.data or "", form.text_en.data or ""))
    _put(out, "help", text_of(form.help_ko.data or "", form.help_en.data or ""))
    if qtype not in vocab.SILENT_TYPES and not form.required.data:
        out["required"] = False
    for key in ("show_if", "skip_if"):
        _put(out, key, (getattr(form, key).data or "").strip())
    if qtype in vocab.CHOICE_TYPES:
        out["choices"] = form.choice_list.data or parse_choices(form.choices.data)
    if qtype in vocab.SCALE_TYPES or qtype == vocab.MATRIX:
        _put(out, "scale", _scale(form))
    if qtype == vocab.MATRIX:
        out["rows"] = parse_rows(form.rows.data)
    if qtype in SELECTION_TYPES:
        _put(out, "min_selected", form.min_selected.data)
        _put(out, "max_selected", form.max_selected.data)
    if qtype in LIMIT_TYPES:
        _put(out, "min", _number(form.min.data))
        _put(out, "max", _number(form.max.data))
        _put(out, "unit", text_of(form.unit_ko.data or ""))
        _put(out, "integer", form.integer.data)
    if qtype in vocab.CHOICE_TYPES or qtype == vocab.MATRIX:
        _put(out, "randomize", form.randomize.data)
    if qtype == vocab.COMPUTED:
        _put(out, "value", (form.value.data or "").strip())
    if qtype == vocab.HIDDEN:
        _put(out, "source", (form.source.data or "").strip())
    if qtype not in (vocab.NOTE, vocab.MATRIX):
        _put(out, "scoring", _scoring(form))
    return out


def _text(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang, ""))
    return str(value or "") if lang == "ko" else ""


def _scale_data(scale: Any) -> dict[str, Any]:
    if isinstance(scale, str):
        return {"scale_name": scale}
    if not isinstance(scale, dict):
        return {}
    na = scale.get("na") if isinstance(scale.get("na"), dict) else {}
    return {"scale_points": scale.get("points"), "scale_start": scale.get("start"),
            "scale_labels": labels_text(scale.get("labels")), "scale_na_value": na.get("value"),
            "scale_na_ko": _text(na.get("label"), "ko")}


def form_data(question: dict[str, Any]) -> dict[str, Any]:
    """The form's initial data for a stored question dict."""
    qtype = question.get("type", vocab.SINGLE_CHOICE)
    choices = question.get("choices")
    data = {"code": question.get("code"), "type": qtype, "required": question.get("required", qtype not in vocab.SILENT_TYPES),
            "text_ko": _text(question.get("text"), "ko"), "text_en": _text(question.get("text"), "en"),
            "help_ko": _text(question.get("help"), "ko"), "help_en": _text(question.get("help"), "en"),
            "show_if": question.get("show_if"), "skip_if": question.get("skip_if"),
            "choice_list": choices if isinstance(choices, str) else "", "choices": choices_text(choices),
            "rows": rows_text(question.get("rows")), "min": question.get("min"), "max": question.get("max"),
            "integer": question.get("integer", False), "unit_ko": _text(question.get("unit"), "ko"),
            "min_selected": question.get("min_selected"), "max_selected": question.get("max_selected"),
            "randomize": question.get("randomize", False), "value": question.get("value"), "source": question.get("source"),
            **_scale_data(question.get("scale"))}
    scoring = question.get("scoring") if isinstance(question.get("scoring"), dict) else {}
    data.update({f"s_{k}": scoring.get(k) for k in ("dimension", "kpi", "checklist", "stage", "points")})
    data.update({"s_reverse": scoring.get("reverse", False), "s_weight": scoring.get("weight")})
    return data


def fill_choices(form: QuestionForm, draft: dict[str, Any], hidden_section: bool) -> None:
    """Selects that depend on the draft: shared lists and scales, dimensions, checklists, types."""
    form.type.choices = type_choices(hidden_section)
    lists = draft.get("choice_lists") if isinstance(draft.get("choice_lists"), dict) else {}
    scales = draft.get("scales") if isinstance(draft.get("scales"), dict) else {}
    scoring = draft.get("scoring") if isinstance(draft.get("scoring"), dict) else {}
    form.choice_list.choices = select_choices([("", _l("이 문항의 보기를 직접 적습니다"))] + [(n, n) for n in lists])
    form.scale_name.choices = select_choices([("", _l("이 문항의 척도를 직접 정합니다"))] + [(n, n) for n in scales])
    form.s_dimension.choices = select_choices([("", "-")] + _codes(scoring.get("dimensions")))
    form.s_checklist.choices = select_choices([("", "-")] + _codes(scoring.get("checklists")))


def _codes(items: Any) -> list[tuple[str, str]]:
    out = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("code"):
            name = item.get("name")
            out.append((str(item["code"]), _text(name, "ko") or str(item["code"])))  # the name people gave it
    return out
