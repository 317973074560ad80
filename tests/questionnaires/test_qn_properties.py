"""Property-based tests: random valid questionnaires round-trip; random junk only raises QuestionnaireError.

The strategies below draw *valid* questionnaires (in dict form): every cross-reference
(lists, scales, earlier questions in conditions, dimensions, checklist points, KPI roles)
is kept consistent while they are drawn.
"""

from __future__ import annotations

import io
import json
import math
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionnaires import (
    Questionnaire,
    QuestionnaireError,
    dump_yaml,
    load_file,
    load_xlsx,
    load_yaml,
    validate,
    vocab,
    xlsx_bytes,
)

_KOREAN = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
_ANY = st.characters(
    codec="utf-8",
    exclude_categories=("Cs", "Cc", "Zl", "Zp", "Cn"),
    exclude_characters="\ufeff\ufffe\uffff\x85",
)
_PROSE_CHARS = st.one_of(_KOREAN, _ANY, st.sampled_from(" \n\t'\"#:{}[],-=?!&*|>%@`"))


def _normal(text: str) -> str:
    """Texts as the package stores them; braces doubled, because {Q1} means piping."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return text.replace("{", "{{").replace("}", "}}")


prose = st.text(_PROSE_CHARS, min_size=1, max_size=25).map(_normal).filter(bool)
line = prose.map(lambda t: " ".join(t.split())).filter(bool)


@st.composite
def texts(draw: Any, required: bool = True) -> dict[str, str]:
    """A {ko, en} text; English is optional."""
    out = {"ko": draw(prose)}
    if draw(st.booleans()):
        out["en"] = draw(prose)
    return out


code_text = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,7}", fullmatch=True).filter(
    lambda c: c.lower() not in vocab.RESERVED_WORDS)


class Codes:
    """Hands out codes unique ignoring case, across everything in one questionnaire."""

    def __init__(self, draw: Any):
        self.draw = draw
        self.used: set[str] = set()

    def new(self) -> str:
        code = self.draw(code_text.filter(lambda c: c.lower() not in self.used and f"{c}_other".lower() not in self.used))
        self.used.add(code.lower())
        self.used.add(f"{code}_other".lower())  # keep room for an 'other' text box
        return code


choice_value = st.one_of(st.integers(-1000, 1000), line.filter(lambda t: len(t) <= 20))


@st.composite
def choice_list(draw: Any, numeric: bool = False) -> list[dict[str, Any]]:
    """2-5 choices with distinct values; `numeric` keeps scored values whole numbers."""
    values = draw(st.lists(st.integers(0, 99) if numeric else choice_value, min_size=2, max_size=5,
                           unique_by=lambda v: str(v).lower()))
    items = []
    for value in values:
        item: dict[str, Any] = {"value": value, "label": draw(texts())}
        for flag in ("exclusive", "other"):
            if draw(st.integers(0, 5)) == 0:
                item[flag] = True
        items.append(item)
    if numeric and draw(st.booleans()):
        items.append({"value": "na", "label": {"ko": "모름"}, "na": True})
    return items


@st.composite
def scale(draw: Any, kind: str) -> dict[str, Any]:
    """A scale suited to a question type."""
    if kind == vocab.LIKERT:
        points, start = draw(st.sampled_from(vocab.LIKERT_POINTS)), 1
    elif kind == vocab.NPS:
        points, start = 11, 0
    else:
        points, start = draw(st.integers(2, 11)), draw(st.sampled_from([0, 1]))
    out: dict[str, Any] = {"points": points}
    if start != 1:
        out["start"] = start
    labelled = draw(st.sets(st.integers(start, start + points - 1), max_size=3))
    if labelled:
        out["labels"] = [{"value": v, "label": draw(texts())} for v in sorted(labelled)]
    if draw(st.booleans()):
        na_value = draw(st.one_of(st.integers(start + points, 99), st.just("na")))
        out["na"] = {"value": na_value, "label": draw(texts())}
    return out


class Builder:
    """Draws one questionnaire, keeping every cross-reference valid."""

    def __init__(self, draw: Any):
        self.draw = draw
        self.codes = Codes(draw)
        self.lists: dict[str, list] = {}
        self.scales: dict[str, dict] = {}
        self.earlier: list[tuple[str, list | None]] = []  # answer code, allowed values
        self.dimensions: list[str] = []
        self.kpis: set[str] = set()
        self.points: list[tuple[dict, float]] = []

    def shared_or_inline(self, kind: str, content: Any) -> Any:
        """Either put content in a named list/scale (returning its name) or keep it inline."""
        if not self.draw(st.booleans()):
            return content
        name = self.codes.new()
        (self.scales if kind == "scale" else self.lists)[name] = content
        return name

    def condition(self) -> str | None:
        if not self.earlier or self.draw(st.integers(0, 2)):
            return None
        code, values = self.draw(st.sampled_from(self.earlier))
        if values:
            value = self.draw(st.sampled_from(values))
            if isinstance(value, str):
                return f"{code} == '" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
            return f"{code} != {value}"
        return self.draw(st.sampled_from([f"answered({code})", f"empty({code}) or {code} > 3"]))

    def scoring(self, kind: str) -> dict[str, Any] | None:
        choice = self.draw(st.integers(0, 4))
        if choice == 0:
            dimension = self.draw(st.sampled_from(["d_a", "d_b", "d_c"]))
            self.dimensions.append(dimension)
            out: dict[str, Any] = {"dimension": dimension}
            if self.draw(st.booleans()):
                out["reverse"] = True
            if self.draw(st.booleans()):
                out["weight"] = self.draw(st.floats(0.1, 5, allow_nan=False).map(lambda w: round(w, 3)))
            return out
        if choice == 1:
            points = self.draw(st.integers(1, 30))
            out = {"stage": self.draw(st.sampled_from(vocab.STAGES)), "points": points}
            self.points.append((out, points))
            return out
        if choice == 2 and kind != vocab.MATRIX:
            role = self.draw(st.sampled_from(["nps"] if kind == vocab.NPS else ["csat", "ces", "overall", "repurchase"]))
            if role not in self.kpis:
                self.kpis.add(role)
                return {"kpi": role}
        return None

    def question(self, kind: str) -> dict[str, Any]:
        code = self.codes.new()
        q: dict[str, Any] = {"code": code, "type": kind}
        if kind != vocab.COMPUTED or self.draw(st.booleans()):
            q["text"] = self.draw(texts())
        if kind not in vocab.SILENT_TYPES and self.draw(st.booleans()):
            q["required"] = False
        if kind != vocab.COMPUTED and self.draw(st.integers(0, 3)) == 0:
            q["help"] = self.draw(texts())
        condition = self.condition()
        if condition:
            q["show_if"] = condition
        getattr(self, f"_fill_{kind}", lambda q: None)(q)
        return q

    def _choices(self, q: dict[str, Any], numeric: bool = False) -> list:
        items = self.draw(choice_list(numeric))
        q["choices"] = self.shared_or_inline("choices", items)
        if self.draw(st.integers(0, 3)) == 0:
            q["randomize"] = True
        return items

    def _fill_single_choice(self, q: dict[str, Any]) -> None:
        numeric = self.draw(st.booleans())
        items = self._choices(q, numeric)
        if numeric and (scoring := self.scoring(vocab.SINGLE_CHOICE)):
            q["scoring"] = scoring
        self.earlier.append((q["code"], [c["value"] for c in items]))

    def _fill_multiple_choice(self, q: dict[str, Any]) -> None:
        items = self._choices(q)
        high = self.draw(st.integers(1, len(items)))
        if self.draw(st.booleans()):
            q["max_selected"] = high
            q["min_selected"] = self.draw(st.integers(0, high))
        self.earlier.append((q["code"], None))

    _fill_ranking = _fill_multiple_choice

    def _fill_scale(self, q: dict[str, Any]) -> None:
        content = self.draw(scale(q["type"]))
        if q["type"] != vocab.NPS or self.draw(st.booleans()):
            q["scale"] = self.shared_or_inline("scale", content)
        if scoring := self.scoring(q["type"]):
            q["scoring"] = scoring
        self.earlier.append((q["code"], None))

    _fill_likert = _fill_rating = _fill_nps = _fill_scale

    def _fill_matrix(self, q: dict[str, Any]) -> None:
        if self.draw(st.booleans()):
            q["scale"] = self.shared_or_inline("scale", self.draw(scale(vocab.MATRIX)))
        else:
            q["choices"] = self.shared_or_inline("choices", self.draw(choice_list(True)))
        rows = []
        for _ in range(self.draw(st.integers(1, 3))):
            row: dict[str, Any] = {"code": self.codes.new(), "text": self.draw(texts())}
            if scoring := self.scoring(vocab.MATRIX):
                row["scoring"] = scoring
            rows.append(row)
            self.earlier.append((row["code"], None))
        q["rows"] = rows

    def _fill_number(self, q: dict[str, Any]) -> None:
        bounds = sorted(self.draw(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=2)))
        if self.draw(st.booleans()):
            q["min"], q["max"] = bounds
        if self.draw(st.booleans()):
            q["unit"] = self.draw(texts())
        if self.draw(st.booleans()):
            q["integer"] = True
        self.earlier.append((q["code"], None))

    def _fill_computed(self, q: dict[str, Any]) -> None:
        refs = [code for code, _ in self.earlier]
        q["value"] = f"sum({', '.join(refs[:3])})" if refs else "1 + 2 * 3"
        self.earlier.append((q["code"], None))

    def _fill_plain(self, q: dict[str, Any]) -> None:
        self.earlier.append((q["code"], None))

    _fill_date = _fill_short_text = _fill_long_text = _fill_plain


ANSWER_KINDS = [t for t in vocab.QUESTION_TYPES if t != vocab.HIDDEN]


def _hidden(b: Builder) -> list[dict[str, Any]]:
    fields = []
    for _ in range(b.draw(st.integers(0, 2))):
        item: dict[str, Any] = {"code": b.codes.new(), "type": vocab.HIDDEN,
                                "source": b.draw(st.sampled_from(list(vocab.HIDDEN_SOURCES) + ["x_custom"]))}
        if b.draw(st.booleans()):
            item["text"] = b.draw(texts())
        fields.append(item)
        b.earlier.append((item["code"], None))
    return fields


def _scoring(b: Builder) -> dict[str, Any]:
    out: dict[str, Any] = {}
    dims = list(dict.fromkeys(b.dimensions))
    if dims:
        out["dimensions"] = [{"code": d, "name": b.draw(texts())} for d in dims]
        weights = {d: b.draw(st.floats(0, 10, allow_nan=False).map(lambda w: round(w, 4))) for d in dims}
        index = {"code": "idx", "weights": weights, "total": math.fsum(weights.values()),
                 "method": b.draw(st.sampled_from(vocab.INDEX_METHODS))}
        out["indices"] = [index]
    if b.points:
        out["checklists"] = [{"code": "chk", "name": b.draw(texts()), "total": sum(p for _, p in b.points)}]
    return out


@st.composite
def questionnaire_dicts(draw: Any) -> dict[str, Any]:
    """A random valid questionnaire in dict form."""
    b = Builder(draw)
    data: dict[str, Any] = {"code": draw(code_text), "version": draw(st.integers(1, 50)),
                            "kind": draw(st.sampled_from(vocab.KINDS)), "title": draw(texts())}
    data["hidden"] = _hidden(b)
    sections = []
    for _ in range(draw(st.integers(1, 3))):
        section: dict[str, Any] = {"code": b.codes.new(), "questions": []}
        if draw(st.booleans()):
            section["title"] = draw(texts())
        condition = b.condition()
        if condition:
            section["show_if"] = condition
        kinds = draw(st.lists(st.sampled_from(ANSWER_KINDS), min_size=1, max_size=4))
        section["questions"] = [b.question(kind) for kind in kinds]
        sections.append(section)
    data["sections"] = sections
    data["choice_lists"], data["scales"] = b.lists, b.scales
    data["scoring"] = _scoring(b)
    if draw(st.booleans()):
        data["closing"] = draw(texts())
    return {key: value for key, value in data.items() if value not in ({}, [])}


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10)),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=20,
)


# QN_EXAMPLES raises the number of examples for a longer hunt (e.g. QN_EXAMPLES=2000).
_EXAMPLES = int(os.environ.get("QN_EXAMPLES", "50"))
FAST = settings(max_examples=_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=max(10, _EXAMPLES // 3), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(questionnaire_dicts())
def test_dict_and_json_round_trip(data):
    assert validate(data) == []  # the strategy only draws valid questionnaires
    q = Questionnaire.from_dict(data)
    stored = json.loads(json.dumps(q.to_dict()))
    assert Questionnaire.from_dict(stored) == q
    assert stored == q.to_dict()


@FAST
@given(questionnaire_dicts())
def test_yaml_round_trip(data):
    q = Questionnaire.from_dict(data)
    text = dump_yaml(q)
    assert load_yaml(text) == q
    assert dump_yaml(load_yaml(text)) == text


@SLOW
@given(questionnaire_dicts())
def test_yaml_excel_yaml_is_lossless(data):
    q = Questionnaire.from_dict(data)
    again = load_xlsx(xlsx_bytes(q))
    assert again == q
    assert dump_yaml(again) == dump_yaml(q)


# --- broken input: the loaders only ever raise QuestionnaireError -------------------------------


def _only_questionnaire_errors(load, *args) -> None:
    """Call a loader; a success is fine, any failure must be a well-formed QuestionnaireError."""
    try:
        load(*args)
    except QuestionnaireError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.location and problem.message_ko and problem.message_en


@FAST
@given(json_values)
def test_random_data_only_raises_questionnaire_error(value):
    _only_questionnaire_errors(Questionnaire.from_dict, value)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += _paths(child, prefix + (i,))
    return found


@st.composite
def mutated_dicts(draw: Any) -> dict[str, Any]:
    """A valid questionnaire with one to three parts replaced by junk or removed."""
    data = draw(questionnaire_dicts())
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(data)[1:]))
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
        if not _paths(data)[1:]:
            break
    return data


@FAST
@given(mutated_dicts())
def test_mutated_questionnaires_only_raise_questionnaire_error(data):
    _only_questionnaire_errors(Questionnaire.from_dict, data)


@FAST
@given(st.text(max_size=200))
def test_random_text_as_yaml(text):
    _only_questionnaire_errors(load_yaml, text)


@FAST
@given(questionnaire_dicts(), st.data())
def test_damaged_yaml_files(data, draw):
    text = dump_yaml(Questionnaire.from_dict(data))
    lines = text.splitlines()
    index = draw.draw(st.integers(0, len(lines) - 1))
    junk = draw.draw(st.text(st.sampled_from(" :-[]{}&*!|>'\"#%@`,?\t\nabc가나1"), max_size=8))
    if draw.draw(st.booleans()):
        lines[index] = lines[index][: len(junk)] + junk
    else:
        del lines[index]
    _only_questionnaire_errors(load_yaml, "\n".join(lines))


@FAST
@given(st.binary(max_size=300), st.sampled_from([None, "q.yaml", "q.xlsx", "q.xls", "q.txt", "q"]))
def test_random_bytes_as_a_file(data, filename):
    _only_questionnaire_errors(load_file, data, filename)


@FAST
@given(st.binary(max_size=300))
def test_random_zip_like_bytes_as_excel(tail):
    _only_questionnaire_errors(load_xlsx, b"PK\x03\x04" + tail)


_CELL_JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.sampled_from("=+-@#Q1_ 가yesno,.[]()'\""), max_size=12), st.sampled_from(["=1+1", "page", "row", "likert", "nope"]),
)


@SLOW
@given(questionnaire_dicts(), st.data())
def test_damaged_workbooks(data, draw):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx_bytes(Questionnaire.from_dict(data))))
    for _ in range(draw.draw(st.integers(1, 4))):
        sheet = book[draw.draw(st.sampled_from(book.sheetnames))]
        row = draw.draw(st.integers(1, max(1, sheet.max_row)))
        column = draw.draw(st.integers(1, sheet.max_column + 1))
        sheet.cell(row=row, column=column).value = draw.draw(_CELL_JUNK)
    if draw.draw(st.integers(0, 4)) == 0:
        book[book.sheetnames[0]].title = draw.draw(st.sampled_from(["Settings ", "setting", "설정", "#notes"]))
    buffer = io.BytesIO()
    book.save(buffer)
    _only_questionnaire_errors(load_xlsx, buffer.getvalue())


# --- logic: the view of a questionnaire without conditions is the same as the one worked out ---------


@FAST
@given(questionnaire_dicts(), st.data())
def test_shown_matches_the_question_by_question_view(data, draw):
    """:func:`logic.shown` takes a fixed view when a questionnaire has no condition and no computed value;
    it must equal the view worked out question by question, with or without logic, for any answers."""
    from questionnaires import logic
    from questionnaires.answers import answer_fields
    from questionnaires.logic.flow import _without_logic

    q = Questionnaire.from_dict(data)
    codes = [field.code for field in answer_fields(q)] + ["not_a_code"]
    answers = draw.draw(st.dictionaries(st.sampled_from(codes), st.one_of(st.integers(0, 10), st.just("1"), st.none())))
    fast, slow = logic.shown(q, answers), logic.flow.shown_by_logic(q, answers)
    assert fast == slow
    assert list(fast.answers) == list(slow.answers)  # the same order too
    has_logic = any(item.show_if or item.skip_if for item in [*q.sections, *q.questions()]) or any(
        question.type == vocab.COMPUTED for question in q.questions())
    assert (_without_logic(q) is None) == has_logic
