"""Message templates: placeholders, validation (unknown placeholders, SMS length) and rendering. Pure.

Placeholders, in Korean or English: ``{이름}``/``{name}``, ``{링크}``/``{link}``, ``{마감일}``/``{close_date}``,
``{수신거부}``/``{unsubscribe}``. Every message carries an unsubscribe line (수신거부): a template without
``{수신거부}`` gets one appended.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from questionnaires.korean import with_particle

from .checks import LMS_BYTES, euc_kr_bytes, sms_type

PLACEHOLDERS = {"이름": "name", "name": "name", "링크": "link", "link": "link", "마감일": "close_date",
                "close_date": "close_date", "수신거부": "unsubscribe", "unsubscribe": "unsubscribe"}
_FIELD = re.compile(r"\{([^{}]*)\}")
#: What the SMS length check assumes for a name (a long Korean name) when the real one is not known yet.
LONGEST_NAME = "남궁가나다라"


class TemplateError(ValueError):
    """A template that cannot be used; the message says why, in Korean and English."""


@dataclass(frozen=True)
class MessageValues:
    """What a template is filled with for one person."""

    name: str
    link: str
    close_date: str
    unsubscribe: str


def unknown_placeholders(template: str) -> list[str]:
    """Placeholders in ``template`` that are not known (e.g. ``{주소}``), in order of appearance."""
    return [f for f in _FIELD.findall(template) if f.strip() not in PLACEHOLDERS]


def check_template(template: str, *, label: str) -> None:
    """Raise :class:`TemplateError` for unknown placeholders or unbalanced braces."""
    unknown = unknown_placeholders(template)
    if unknown:
        names = ", ".join("{" + u + "}" for u in unknown)
        raise TemplateError(f"{label}: 알 수 없는 항목 {with_particle(names, '이')} 있습니다. 쓸 수 있는 항목: {{이름}}, {{링크}}, "
                            f"{{마감일}}, {{수신거부}} (unknown placeholder {names}).")
    if _FIELD.sub("", template).count("{") or _FIELD.sub("", template).count("}"):
        raise TemplateError(f"{label}: 중괄호 {{ }}의 짝이 맞지 않습니다 (unbalanced braces).")


def with_unsubscribe(template: str, separator: str = "\n") -> str:
    """The template, with an unsubscribe placeholder appended when it has none."""
    fields = {PLACEHOLDERS.get(f.strip()) for f in _FIELD.findall(template)}
    return template if "unsubscribe" in fields else template.rstrip() + separator + "{수신거부}"


def render(template: str, values: MessageValues, *, unsubscribe: bool = True) -> str:
    """The template filled with ``values``; a body gets the unsubscribe line if it lacks one (not a subject)."""
    mapping = {"name": values.name, "link": values.link, "close_date": values.close_date,
               "unsubscribe": values.unsubscribe}
    text = with_unsubscribe(template) if unsubscribe else template
    return _FIELD.sub(lambda m: mapping[PLACEHOLDERS[m.group(1).strip()]], text)


def check_sms(template: str, sample: MessageValues) -> str:
    """Check an SMS template fits in an LMS with a long name; returns 'SMS' or 'LMS' for the sample."""
    check_template(template, label="문자(SMS)")
    if not template.strip():
        raise TemplateError("문자(SMS): 내용을 입력해 주십시오 (the SMS text is empty).")
    text = render(template, sample)
    try:
        return sms_type(text)
    except ValueError as exc:
        raise TemplateError(f"문자(SMS): {exc}") from None


def sms_size(text: str) -> tuple[int, int]:
    """(EUC-KR bytes, limit) of a rendered SMS, for the staff screen."""
    return euc_kr_bytes(text), LMS_BYTES


def unsubscribe_text(link: str, phone: str) -> str:
    """The unsubscribe line every message ends with."""
    return f"수신거부: {link} (전화 {phone})"
