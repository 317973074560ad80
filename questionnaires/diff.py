"""Differences between two versions of a questionnaire, for the designer's change list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .korean import with_particle
from .model import Question, Questionnaire
from .serialize import (
    choices_to_list,
    question_to_dict,
    scale_to_dict,
    scoring_config_to_dict,
    section_to_dict,
    text_to_dict,
)

FIELD_GROUPS = {
    "min": "limits", "max": "limits", "min_selected": "limits", "max_selected": "limits",
    "unit": "limits", "integer": "limits",
}
_LIST_WORDS = {"added": ("추가:", "added:"), "removed": ("삭제:", "removed:"), "changed": ("수정:", "changed:")}
FIELD_NAMES = {
    "text": ("문구", "wording"), "help": ("도움말", "help text"), "type": ("유형", "type"),
    "required": ("필수 여부", "required"), "show_if": ("표시 조건", "show condition"),
    "skip_if": ("건너뛰기 조건", "skip condition"), "value": ("계산식", "calculation"),
    "choices": ("선택지", "choices"), "scale": ("척도", "scale"), "rows": ("행", "rows"),
    "scoring": ("채점", "scoring"), "limits": ("입력 범위", "limits"), "randomize": ("무작위 순서", "randomisation"),
    "source": ("출처", "source"), "section": ("페이지", "page"), "title": ("제목", "title"),
    "description": ("소개 글", "introduction"), "closing": ("맺음말", "closing text"), "kind": ("종류", "kind"),
    "code": ("코드", "code"), "sections": ("페이지 구성", "pages"), "dimensions": ("채점 차원", "dimensions"),
    "indices": ("지수 가중치", "index weights"), "checklists": ("친절도 체크리스트", "courtesy checklists"),
}


@dataclass(frozen=True)
class FieldChange:
    """One changed field, with its old and new value in plain (JSON) form."""

    field: str
    old: Any
    new: Any

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {"field": self.field, "old": self.old, "new": self.new}

    def detail(self, lang: str = "ko") -> str:
        """For choices and rows: which items were added, removed or reworded ('' otherwise)."""
        key = {"choices": "value", "rows": "code"}.get(self.field)
        if key is None or not isinstance(self.old, list) or not isinstance(self.new, list):
            return ""
        before = {str(item.get(key)): item for item in self.old if isinstance(item, dict)}
        after = {str(item.get(key)): item for item in self.new if isinstance(item, dict)}
        parts = [
            (_LIST_WORDS["added"], [k for k in after if k not in before]),
            (_LIST_WORDS["removed"], [k for k in before if k not in after]),
            (_LIST_WORDS["changed"], [k for k in after if k in before and after[k] != before[k]]),
        ]
        words = [f"{names[0 if lang != 'en' else 1]} {', '.join(keys)}" for names, keys in parts if keys]
        return "; ".join(words)


@dataclass(frozen=True)
class QuestionChange:
    """A question present in both versions whose definition changed."""

    code: str
    changes: tuple[FieldChange, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        """Names of the changed fields (text, choices, scoring, ...)."""
        return tuple(change.field for change in self.changes)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {"code": self.code, "changes": [c.to_dict() for c in self.changes]}


@dataclass(frozen=True)
class VersionDiff:
    """Added, removed and changed questions, plus questionnaire-level changes."""

    old_version: int
    new_version: int
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[QuestionChange, ...]
    settings: tuple[FieldChange, ...]

    @property
    def is_empty(self) -> bool:
        """True when the two versions define the same questionnaire."""
        return not (self.added or self.removed or self.changed or self.settings)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {"old_version": self.old_version, "new_version": self.new_version, "added": list(self.added),
                "removed": list(self.removed), "changed": [c.to_dict() for c in self.changed],
                "settings": [c.to_dict() for c in self.settings]}

    def summary(self, lang: str = "ko") -> list[str]:
        """Plain-language lines describing the changes, in Korean ('ko') or English ('en')."""
        ko = lang != "en"
        lines = [(f"문항 {with_particle(code, '이')} 추가되었습니다." if ko else f"Question {code} was added.") for code in self.added]
        lines += [(f"문항 {with_particle(code, '이')} 삭제되었습니다." if ko else f"Question {code} was removed.") for code in self.removed]
        for change in self.changed:
            names = ", ".join(_name(field, ko) for field in change.fields)
            details = "; ".join(d for d in (c.detail(lang) for c in change.changes) if d)
            line = f"문항 {change.code}: {names} 변경" if ko else f"Question {change.code}: {names} changed"
            lines.append(f"{line} ({details})" if details else line)
        for change in self.settings:
            lines.append(f"설문 {_name(change.field, ko)} 변경" if ko else f"Questionnaire {_name(change.field, ko)} changed")
        return lines


def _name(field: str, ko: bool) -> str:
    names = FIELD_NAMES.get(field, (field, field))
    return names[0] if ko else names[1]


def comparable(question: Question, section: str | None) -> dict[str, Any]:
    """A question's fields with shared lists resolved, grouped for comparison."""
    plain = question_to_dict(question)
    plain.pop("code")
    if question.choices is not None:
        plain["choices"] = choices_to_list(question.choices)
    if question.scale is not None:
        plain["scale"] = scale_to_dict(question.scale)
    grouped: dict[str, Any] = {"section": section}
    for key, value in plain.items():
        group = FIELD_GROUPS.get(key)
        if group:
            grouped.setdefault(group, {})[key] = value
        else:
            grouped[key] = value
    return grouped


def _questions(q: Questionnaire) -> dict[str, dict[str, Any]]:
    found = {h.code: comparable(h, None) for h in q.hidden}
    for section in q.sections:
        found.update({question.code: comparable(question, section.code) for question in section.questions})
    return found


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[FieldChange, ...]:
    keys = list(old) + [key for key in new if key not in old]
    return tuple(FieldChange(key, old.get(key), new.get(key)) for key in keys if old.get(key) != new.get(key))


def _settings(q: Questionnaire) -> dict[str, Any]:
    scoring = scoring_config_to_dict(q.scoring)
    sections = [{k: v for k, v in section_to_dict(s).items() if k != "questions"} for s in q.sections]
    return {"code": q.code, "kind": q.kind, "title": text_to_dict(q.title), "description": text_to_dict(q.description),
            "closing": text_to_dict(q.closing), "sections": sections, "dimensions": scoring.get("dimensions"),
            "indices": scoring.get("indices"), "checklists": scoring.get("checklists")}


def diff(old: Questionnaire | dict[str, Any], new: Questionnaire | dict[str, Any]) -> VersionDiff:
    """Compare two versions: added, removed and changed questions (text, choices, scoring, ...)."""
    old_q = old if isinstance(old, Questionnaire) else Questionnaire.from_dict(old)
    new_q = new if isinstance(new, Questionnaire) else Questionnaire.from_dict(new)
    before, after = _questions(old_q), _questions(new_q)
    changed = tuple(QuestionChange(code, changes) for code in after if code in before
                    for changes in [_field_changes(before[code], after[code])] if changes)
    return VersionDiff(
        old_version=old_q.version, new_version=new_q.version,
        added=tuple(code for code in after if code not in before),
        removed=tuple(code for code in before if code not in after),
        changed=changed,
        settings=_field_changes(_settings(old_q), _settings(new_q)),
    )
