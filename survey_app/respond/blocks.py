"""Question blocks of a respondent's page, rendered once per question and reused while they say nothing
of the respondent.

A 30-question page rendered its ``_questions.html`` macro 30 times per view, and built a WTForms form of
30 fields only to feed it. A block's markup is a function of the question, the number shown beside it,
the field values and the errors. When a question has no answer yet, no error, its own text (nothing
piped in) and its choices and rows in the questionnaire's order (not randomised), none of those depend
on the respondent: the block is the same for every first visit, so it is made once per process and
reused. Every other block (an answer given, an error, piping, a per-respondent order) is rendered
through the macro as before.

Keys hold the question object itself and a hit is trusted only while it is that very object
(published questionnaires are immutable and parsed once per version; see ``_FORM_CLASSES`` in
:mod:`.forms` for the same rule).
"""
from __future__ import annotations

from flask import current_app
from markupsafe import Markup

from questionnaires.model import Question

from .forms import PageItem

#: Off: every block is rendered through the macro (tests compare both ways; benchmarks A/B).
ENABLED = True
MACROS = "respond/_questions.html"
MAX_BLOCKS = 4096  # about 1.3 KB each: some 5 MB at most per process

_BLOCKS: dict[tuple, tuple[Question, Markup]] = {}


def _key(item: PageItem, number: int | None) -> tuple | None:
    """The cache key of a block that depends on nothing of the respondent, else None."""
    question = item.question
    if question.randomize or item.text != question.text.get("ko") or item.help != question.help.get("ko"):
        return None
    return id(question), number


def _unanswered(item: PageItem, answers: dict) -> bool:
    return all(answers.get(answer.code) is None for answer in item.fields)


def cached_blocks(items: list[PageItem], numbers: dict[str, int], answers: dict) -> list[Markup | None]:
    """Each item's block when it is cached and may be reused for these ``answers`` (None: render it)."""
    if not ENABLED:
        return [None] * len(items)
    blocks: list[Markup | None] = []
    for item in items:
        key = _key(item, numbers.get(item.question.code))
        hit = _BLOCKS.get(key) if key is not None and _unanswered(item, answers) else None
        blocks.append(hit[1] if hit is not None and hit[0] is item.question else None)
    return blocks


def fill_blocks(items: list[PageItem], numbers: dict[str, int], answers: dict, cached: list[Markup | None],
                form) -> list[Markup]:
    """Every item's block for a page shown without errors: the ``cached`` ones as they are, the others
    rendered through the macro with ``form`` (the page's form holding ``answers``) and kept when they may
    be reused."""
    blocks = list(cached)
    missing = [i for i, block in enumerate(blocks) if block is None]
    if not missing:
        return blocks  # type: ignore[return-value]
    macros = current_app.jinja_env.get_template(MACROS).make_module(
        {"items": items, "form": form, "errors": {}, "numbers": numbers})
    for index in missing:
        item = items[index]
        block = blocks[index] = macros.question(item)
        key = _key(item, numbers.get(item.question.code))
        if key is not None and _unanswered(item, answers):
            if len(_BLOCKS) >= MAX_BLOCKS:
                _BLOCKS.clear()
            _BLOCKS[key] = (item.question, block)
    return blocks  # type: ignore[return-value]


def clear() -> None:
    """Forget every block (tests)."""
    _BLOCKS.clear()
