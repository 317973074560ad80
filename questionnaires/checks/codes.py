"""Rules on codes and names: pattern, reserved words, uniqueness, kind, page structure."""

from __future__ import annotations

from collections.abc import Iterator

from .. import vocab
from ..answers import other_code
from ..model import Question, Questionnaire
from ..reader import Reader, join


def check_code(code: str, path: str, r: Reader) -> bool:
    """Report a code that is malformed or reserved; return whether it is fine."""
    if not code:
        r.add("missing", path, key="code")
        return False
    if not vocab.CODE_PATTERN.match(code):
        r.add("bad_code", path, value=code)
        return False
    if code.lower() in vocab.RESERVED_WORDS:
        r.add("reserved_code", path, value=code)
        return False
    return True


def code_sites(q: Questionnaire, r: Reader) -> Iterator[tuple[str, str]]:
    """Yield (code, path) of every question, hidden field and matrix row."""
    for question in q.all_questions():
        path = r.path_of(question)
        yield question.code, join(path, "code")
        for row in question.rows:
            yield row.code, join(r.path_of(row), "code")


def check_codes(q: Questionnaire, r: Reader) -> None:
    """Question codes are well-formed and unique (ignoring case), 'other' boxes included."""
    first: dict[str, str] = {}
    for code, path in code_sites(q, r):
        if not check_code(code, path, r):
            continue
        _claim(code, path, first, r, "duplicate_code")
    for question in q.all_questions():
        _check_other_code(question, first, r)


def _claim(code: str, path: str, first: dict[str, str], r: Reader, problem: str) -> None:
    key = code.lower()
    if key in first:
        r.add(problem, path, value=code, first=first[key])
    else:
        first[key] = path


def _check_other_code(question: Question, first: dict[str, str], r: Reader) -> None:
    if question.choices is None or not any(c.other for c in question.choices) or not question.code:
        return
    code = other_code(question.code)
    if code.lower() in first:
        r.add("other_code_taken", join(r.path_of(question), "choices"), value=code)


def check_sections(q: Questionnaire, r: Reader) -> None:
    """There is at least one page, pages have unique codes and are not empty."""
    if not q.sections:
        r.add("no_sections", "sections")
    seen: dict[str, str] = {}
    for section in q.sections:
        path = r.path_of(section)
        if check_code(section.code, join(path, "code"), r):
            _claim(section.code, join(path, "code"), seen, r, "duplicate_section")
        if not section.questions:
            r.add("empty_section", join(path, "questions"))
    count = sum(1 for _ in q.all_questions())
    if count > vocab.MAX_QUESTIONS:
        r.add("too_many_questions", "sections", count=count, limit=vocab.MAX_QUESTIONS)


def check_header(q: Questionnaire, r: Reader) -> None:
    """The questionnaire's own code and kind are valid."""
    check_code(q.code, "code", r)
    if q.kind and q.kind not in vocab.KINDS:
        r.add("unknown_kind", "kind", value=q.kind, allowed=", ".join(vocab.KINDS))
    elif not q.kind:
        r.add("missing", "kind", key="kind")


def check_list_names(q: Questionnaire, r: Reader) -> None:
    """Choice-list and scale names are well-formed, unique, and never equal a question code."""
    question_codes = {code.lower() for code, _ in code_sites(q, r) if code}
    seen: dict[str, str] = {}
    named = [(c.name or "", r.path_of(c)) for c in q.choice_lists] + [(s.name or "", r.path_of(s)) for s in q.scales]
    for name, path in named:
        if not check_code(name, path, r):
            continue
        if name.lower() in question_codes:
            r.add("list_name_is_code", path, value=name)
        _claim(name, path, seen, r, "duplicate_list")


def check_scoring_codes(q: Questionnaire, r: Reader) -> None:
    """Dimension, index and checklist codes are well-formed and unique."""
    groups = (
        (q.scoring.dimensions, "duplicate_dimension"),
        (q.scoring.indices, "duplicate_index"),
        (q.scoring.checklists, "duplicate_checklist"),
    )
    for items, problem in groups:
        seen: dict[str, str] = {}
        for item in items:
            path = join(r.path_of(item), "code")
            if check_code(item.code, path, r):
                _claim(item.code, path, seen, r, problem)
