"""Model -> canonical plain dict (the shape of the YAML file and of the stored JSON)."""

from __future__ import annotations

from typing import Any

from . import vocab
from .model import (
    Choice,
    ChoiceList,
    Index,
    MatrixRow,
    Question,
    Questionnaire,
    Scale,
    Scoring,
    ScoringConfig,
    Section,
    Text,
)


def text_to_dict(text: Text | str) -> dict[str, str]:
    """Return {'ko': ..., 'en': ...} leaving out empty languages."""
    if isinstance(text, str):
        return {"ko": text} if text else {}
    return {lang: value for lang, value in (("ko", text.ko), ("en", text.en)) if value}


def _put(out: dict[str, Any], key: str, value: Any, default: Any = None) -> None:
    """Set `key` unless the value equals its default (keeps files short)."""
    if isinstance(value, Text):
        value = text_to_dict(value)
        default = {}
    if value != default:
        out[key] = value


def choice_to_dict(choice: Choice) -> dict[str, Any]:
    """Return one choice as a dict."""
    out: dict[str, Any] = {"value": choice.value, "label": text_to_dict(choice.label)}
    for flag in ("na", "exclusive", "other"):
        _put(out, flag, getattr(choice, flag), False)
    return out


def choices_to_list(choices: ChoiceList) -> list[dict[str, Any]]:
    """Return the choices of a list as dicts."""
    return [choice_to_dict(c) for c in choices]


def scale_to_dict(scale: Scale) -> dict[str, Any]:
    """Return a scale (without its name) as a dict."""
    out: dict[str, Any] = {"points": scale.points}
    _put(out, "start", scale.start, 1)
    if scale.labels:
        out["labels"] = [{"value": item.value, "label": text_to_dict(item.label)} for item in scale.labels]
    if scale.na is not None:
        out["na"] = {"value": scale.na.value, "label": text_to_dict(scale.na.label)}
    return out


def scoring_to_dict(scoring: Scoring) -> dict[str, Any]:
    """Return per-item scoring metadata, leaving out defaults."""
    out: dict[str, Any] = {}
    _put(out, "dimension", scoring.dimension)
    _put(out, "reverse", scoring.reverse, False)
    _put(out, "weight", scoring.weight, 1)
    for key in ("kpi", "checklist", "stage", "points"):
        _put(out, key, getattr(scoring, key))
    return out


def row_to_dict(row: MatrixRow) -> dict[str, Any]:
    """Return one matrix row as a dict."""
    out: dict[str, Any] = {"code": row.code, "text": text_to_dict(row.text)}
    if row.scoring is not None and scoring_to_dict(row.scoring):
        out["scoring"] = scoring_to_dict(row.scoring)
    return out


def question_to_dict(question: Question) -> dict[str, Any]:
    """Return one question as a dict in canonical key order."""
    out: dict[str, Any] = {"code": question.code, "type": question.type}
    _put(out, "text", question.text)
    _put(out, "help", question.help)
    _put(out, "required", question.required, question.type not in vocab.SILENT_TYPES)
    for key in ("show_if", "skip_if", "source", "value"):
        _put(out, key, getattr(question, key))
    _put_choices_and_scale(out, question)
    if question.rows:
        out["rows"] = [row_to_dict(row) for row in question.rows]
    for key in ("min_selected", "max_selected", "min", "max"):
        _put(out, key, getattr(question, key))
    _put(out, "unit", question.unit)
    _put(out, "integer", question.integer, False)
    _put(out, "randomize", question.randomize, False)
    if question.scoring is not None and scoring_to_dict(question.scoring):
        out["scoring"] = scoring_to_dict(question.scoring)
    return out


def _put_choices_and_scale(out: dict[str, Any], question: Question) -> None:
    if question.choices is not None:
        named = question.choices.name
        out["choices"] = named if named else choices_to_list(question.choices)
    if question.scale is not None:
        out["scale"] = question.scale.name or scale_to_dict(question.scale)


def section_to_dict(section: Section) -> dict[str, Any]:
    """Return one section (page) as a dict."""
    out: dict[str, Any] = {"code": section.code}
    _put(out, "title", section.title)
    _put(out, "description", section.description)
    _put(out, "show_if", section.show_if)
    _put(out, "skip_if", section.skip_if)
    out["questions"] = [question_to_dict(q) for q in section.questions]
    return out


def _index_to_dict(index: Index) -> dict[str, Any]:
    out: dict[str, Any] = {"code": index.code}
    _put(out, "name", index.name)
    _put(out, "method", index.method, "mean100")
    _put(out, "total", index.total, 1)
    out["weights"] = dict(index.weights)
    return out


def scoring_config_to_dict(config: ScoringConfig) -> dict[str, Any]:
    """Return the questionnaire-wide scoring declarations."""
    out: dict[str, Any] = {}
    if config.dimensions:
        out["dimensions"] = [{"code": d.code, **_named(d.name)} for d in config.dimensions]
    if config.indices:
        out["indices"] = [_index_to_dict(i) for i in config.indices]
    if config.checklists:
        out["checklists"] = [_checklist_to_dict(c) for c in config.checklists]
    return out


def _named(name: Text) -> dict[str, Any]:
    return {"name": text_to_dict(name)} if name else {}


def _checklist_to_dict(checklist: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"code": checklist.code, **_named(checklist.name)}
    _put(out, "total", checklist.total, 100)
    _put(out, "credit", checklist.credit, "linear")
    return out


def questionnaire_to_dict(q: Questionnaire) -> dict[str, Any]:
    """Return the whole questionnaire as a canonical, JSON-serialisable dict."""
    out: dict[str, Any] = {"format": vocab.FORMAT_VERSION, "code": q.code, "version": q.version, "kind": q.kind}
    _put(out, "title", q.title)
    _put(out, "description", q.description)
    _put(out, "closing", q.closing)
    if q.hidden:
        out["hidden"] = [question_to_dict(h) for h in q.hidden]
    if q.scales:
        out["scales"] = {s.name: scale_to_dict(s) for s in q.scales}
    if q.choice_lists:
        out["choice_lists"] = {c.name: choices_to_list(c) for c in q.choice_lists}
    out["sections"] = [section_to_dict(s) for s in q.sections]
    scoring = scoring_config_to_dict(q.scoring)
    if scoring:
        out["scoring"] = scoring
    return out
