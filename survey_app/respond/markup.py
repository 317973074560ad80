"""Option lists of choice questions as ready markup, made once per question and display order.

A 30-question page carries some 240 options; rendering each one through a Jinja macro was the
largest part of a page view. An option list's markup depends only on the question's answer code,
its field name, its choices in display order and the input type, so it is built once per process
and each request only marks the chosen options.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import lru_cache

from markupsafe import Markup, escape
from wtforms.fields.choices import SelectChoice

CHECKED = " checked"
OTHER = ' data-other="1"'  # a '기타' option: the script opens its text box


def _option(input_type: str, name: str, element_id: str, value: str, label: str, other: bool,
            number: bool) -> tuple[str, str]:
    """One option's markup split where the ``checked`` mark goes."""
    value, label = escape(value), escape(label)
    head = (f'<label class="option" for="{element_id}"><input type="{input_type}" name="{escape(name)}" '
            f'value="{value}" id="{element_id}"')
    shown = f"<b>{value}</b> {label}" if number else label
    return head, f'{OTHER if other else ""}><span>{shown}</span></label>\n'


@lru_cache(maxsize=8192)
def _parts(input_type: str, code: str, name: str, scale_class: str,
           choices: tuple[tuple[str, str, bool, bool], ...]) -> tuple[str, tuple[tuple[str, str, str], ...]]:
    """The list's opening tag and, per option, (value, markup before the mark, markup after it)."""
    options = []
    for index, (value, label, na, other) in enumerate(choices, start=1):
        element_id = escape(f"f-{code}" if index == 1 else f"f-{code}-{index}")
        number = bool(scale_class) and label != value and not na
        options.append((value, *_option(input_type, name, element_id, value, label, other, number)))
    return f'<div class="options {escape(scale_class)}">\n', tuple(options)


def _key(choices: Sequence[SelectChoice]) -> tuple[tuple[str, str, bool, bool], ...]:
    return tuple((str(c.value), str(c.label), bool((c.render_kw or {}).get("na")),
                  bool((c.render_kw or {}).get("other"))) for c in choices)


def option_list(input_type: str, code: str, field, scale_class: str = "") -> Markup:
    """Radio buttons or checkboxes of ``field`` (a WTForms choice field) with its answer checked."""
    head, options = _parts(input_type, code, field.name, scale_class, _key(field.choices))
    chosen = _chosen(field.data)
    body = "".join(f"{before}{CHECKED if value in chosen else ''}{after}" for value, before, after in options)
    return Markup(f"{head}{body}</div>\n")


def _chosen(data) -> Collection[str]:
    if data is None:
        return ()
    if isinstance(data, (list, tuple)):
        return {str(v) for v in data}
    return (str(data),)
