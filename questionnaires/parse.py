"""Raw dict -> model, checking shapes and types (rules come later, in `checks`)."""

from __future__ import annotations

from typing import Any

from . import vocab
from .model import (
    Checklist,
    Choice,
    ChoiceList,
    Dimension,
    Index,
    MatrixRow,
    Question,
    Questionnaire,
    Scale,
    ScaleLabel,
    Scoring,
    ScoringConfig,
    Section,
)
from .problems import suggest
from .reader import Reader, join

TOP_KEYS = ("format", "code", "version", "kind", "title", "description", "closing",
            "hidden", "scales", "choice_lists", "sections", "scoring")
SECTION_KEYS = ("code", "title", "description", "show_if", "skip_if", "questions")
QUESTION_KEYS = ("code", "type", "text", "help", "required", "show_if", "skip_if", "source", "value",
                 "choices", "scale", "rows", "min_selected", "max_selected", "min", "max", "unit",
                 "integer", "randomize", "scoring")
SCORING_KEYS = ("dimension", "reverse", "weight", "kpi", "checklist", "stage", "points")


class Library:
    """Named choice lists and scales, looked up by questions."""

    def __init__(self, lists: tuple[ChoiceList, ...], scales: tuple[Scale, ...]):
        self.lists = {c.name: c for c in lists}
        self.scales = {s.name: s for s in scales}


def parse_questionnaire(raw: Any, r: Reader) -> Questionnaire | None:
    """Build a model from raw data, recording every shape problem in `r`."""
    data = r.mapping(raw, "", TOP_KEYS, required=("code", "kind", "title", "sections"))
    if data is None:
        return None
    _check_format(data.get("format"), r)
    scales = _named_scales(data.get("scales"), r)
    lists = _named_lists(data.get("choice_lists"), r)
    library = Library(lists, scales)
    hidden = [_question(item, join("hidden", i), r, library) for i, item in enumerate(r.sequence(data.get("hidden"), "hidden"))]
    sections = [_section(item, join("sections", i), r, library)
                for i, item in enumerate(r.sequence(data.get("sections"), "sections"))]
    return Questionnaire(
        code=r.string(data.get("code"), "code") or "",
        title=r.text(data.get("title"), "title", required="title" in data),
        kind=r.string(data.get("kind"), "kind") or "",
        version=_version(data.get("version"), r),
        description=r.text(data.get("description"), "description"),
        closing=r.text(data.get("closing"), "closing"),
        hidden=tuple(h for h in hidden if h is not None),
        sections=tuple(s for s in sections if s is not None),
        choice_lists=lists,
        scales=scales,
        scoring=_scoring_config(data.get("scoring"), r),
    )


def _check_format(raw: Any, r: Reader) -> None:
    value = r.integer(raw, "format")
    if value is not None and value != vocab.FORMAT_VERSION:
        r.add("format_version", "format", value=value, current=vocab.FORMAT_VERSION)


def _version(raw: Any, r: Reader) -> int:
    value = r.integer(raw, "version")
    if value is None:
        return 1
    if value < 1:
        r.add("version_positive", "version")
    return value


def _names(raw: Any, path: str, r: Reader) -> list[tuple[str, Any, str]]:
    """Entries of a name -> content mapping, sorted by name (mapping order is not significant)."""
    if raw is None:
        return []
    if not isinstance(raw, dict):
        r.add("not_mapping", path)
        return []
    entries = []
    for key, value in raw.items():
        name = r.string(key, join(path, str(key)))
        if name is not None:
            entries.append((name, value, join(path, name)))
    return sorted(entries, key=lambda entry: entry[0])


def _named_lists(raw: Any, r: Reader) -> tuple[ChoiceList, ...]:
    lists = (r.remember(ChoiceList(name, _choices(value, path, r)), path) for name, value, path in _names(raw, "choice_lists", r))
    return tuple(lists)


def _named_scales(raw: Any, r: Reader) -> tuple[Scale, ...]:
    scales = (_scale(value, path, r, name) for name, value, path in _names(raw, "scales", r))
    return tuple(s for s in scales if s is not None)


def _choices(raw: Any, path: str, r: Reader) -> tuple[Choice, ...]:
    items = (_choice(item, join(path, i), r) for i, item in enumerate(r.sequence(raw, path)))
    return tuple(c for c in items if c is not None)


def _choice(raw: Any, path: str, r: Reader) -> Choice | None:
    data = r.mapping(raw, path, ("value", "label", "na", "exclusive", "other"), required=("value",))
    if data is None:
        return None
    value = r.choice_value(data.get("value"), join(path, "value")) if "value" in data else None
    choice = Choice(
        value=value if value is not None else "",
        label=r.text(data.get("label"), join(path, "label"), required=True),
        na=r.boolean(data.get("na"), join(path, "na"), False),
        exclusive=r.boolean(data.get("exclusive"), join(path, "exclusive"), False),
        other=r.boolean(data.get("other"), join(path, "other"), False),
    )
    return r.remember(choice, path)


def _scale(raw: Any, path: str, r: Reader, name: str | None = None) -> Scale | None:
    data = r.mapping(raw, path, ("points", "start", "labels", "na"), required=("points",))
    if data is None:
        return None
    labels = (_scale_label(item, join(join(path, "labels"), i), r)
              for i, item in enumerate(r.sequence(data.get("labels"), join(path, "labels"))))
    na = _choice(data["na"], join(path, "na"), r) if data.get("na") is not None else None
    scale = Scale(
        points=r.integer(data.get("points"), join(path, "points")) or 0,
        start=_start(data.get("start"), join(path, "start"), r),
        labels=tuple(sorted((item for item in labels if item is not None), key=lambda item: item.value)),
        na=na,
        name=name,
    )
    return r.remember(scale, path)


def _start(raw: Any, path: str, r: Reader) -> int:
    value = r.integer(raw, path)
    return 1 if value is None else value


def _scale_label(raw: Any, path: str, r: Reader) -> ScaleLabel | None:
    data = r.mapping(raw, path, ("value", "label"), required=("value", "label"))
    if data is None:
        return None
    value = r.integer(data.get("value"), join(path, "value"))
    if value is None:
        return None
    return r.remember(ScaleLabel(value, r.text(data.get("label"), join(path, "label"), required=True)), path)


def _section(raw: Any, path: str, r: Reader, library: Library) -> Section | None:
    data = r.mapping(raw, path, SECTION_KEYS, required=("code", "questions"))
    if data is None:
        return None
    qpath = join(path, "questions")
    questions = [_question(item, join(qpath, i), r, library) for i, item in enumerate(r.sequence(data.get("questions"), qpath))]
    section = Section(
        code=r.string(data.get("code"), join(path, "code")) or "",
        title=r.text(data.get("title"), join(path, "title")),
        description=r.text(data.get("description"), join(path, "description")),
        show_if=r.string(data.get("show_if"), join(path, "show_if"), multiline=True),
        skip_if=r.string(data.get("skip_if"), join(path, "skip_if"), multiline=True),
        questions=tuple(q for q in questions if q is not None),
    )
    return r.remember(section, path)


def _question_type(raw: Any, path: str, r: Reader) -> str:
    name = r.string(raw, path) or ""
    name = vocab.TYPE_ALIASES.get(name, name)
    if name and name not in vocab.QUESTION_TYPES:
        r.add("unknown_type", path, value=name, suggestion=suggest(name, vocab.QUESTION_TYPES))
    return name


def _question(raw: Any, path: str, r: Reader, library: Library) -> Question | None:
    data = r.mapping(raw, path, QUESTION_KEYS, required=("code", "type"))
    if data is None:
        return None
    qtype = _question_type(data.get("type"), join(path, "type"), r)
    at = lambda key: join(path, key)  # noqa: E731 - keeps the field list below readable
    question = Question(
        code=r.string(data.get("code"), at("code")) or "",
        type=qtype,
        text=r.text(data.get("text"), at("text"), required=qtype not in (vocab.HIDDEN, vocab.COMPUTED)),
        help=r.text(data.get("help"), at("help")),
        required=r.boolean(data.get("required"), at("required"), qtype not in vocab.SILENT_TYPES),
        show_if=r.string(data.get("show_if"), at("show_if"), multiline=True),
        skip_if=r.string(data.get("skip_if"), at("skip_if"), multiline=True),
        choices=_question_choices(data.get("choices"), at("choices"), r, library),
        scale=_question_scale(data.get("scale"), at("scale"), r, library),
        rows=_rows(data.get("rows"), at("rows"), r),
        min_selected=r.integer(data.get("min_selected"), at("min_selected")),
        max_selected=r.integer(data.get("max_selected"), at("max_selected")),
        min=r.number(data.get("min"), at("min")),
        max=r.number(data.get("max"), at("max")),
        unit=r.text(data.get("unit"), at("unit")),
        integer=r.boolean(data.get("integer"), at("integer"), False),
        randomize=r.boolean(data.get("randomize"), at("randomize"), False),
        value=r.string(data.get("value"), at("value"), multiline=True),
        source=r.string(data.get("source"), at("source")),
        scoring=_scoring(data.get("scoring"), at("scoring"), r),
    )
    return r.remember(question, path)


def _question_choices(raw: Any, path: str, r: Reader, library: Library) -> ChoiceList | None:
    if raw is None:
        return None
    if isinstance(raw, list):
        return r.remember(ChoiceList(None, _choices(raw, path, r)), path)
    name = r.string(raw, path)
    if name is None:
        return None
    if name not in library.lists:
        r.add("unknown_list", path, value=name, suggestion=suggest(name, library.lists))
        return ChoiceList(name, ())  # placeholder: the missing list is reported once, here
    return library.lists[name]


def _question_scale(raw: Any, path: str, r: Reader, library: Library) -> Scale | None:
    if raw is None:
        return None
    if isinstance(raw, dict):
        return _scale(raw, path, r)
    name = r.string(raw, path)
    if name is None:
        return None
    if name not in library.scales:
        r.add("unknown_scale", path, value=name, suggestion=suggest(name, library.scales))
        return Scale(points=0, name=name)  # placeholder: the missing scale is reported once, here
    return library.scales[name]


def _rows(raw: Any, path: str, r: Reader) -> tuple[MatrixRow, ...]:
    rows = (_row(item, join(path, i), r) for i, item in enumerate(r.sequence(raw, path)))
    return tuple(row for row in rows if row is not None)


def _row(raw: Any, path: str, r: Reader) -> MatrixRow | None:
    data = r.mapping(raw, path, ("code", "text", "scoring"), required=("code",))
    if data is None:
        return None
    row = MatrixRow(
        code=r.string(data.get("code"), join(path, "code")) or "",
        text=r.text(data.get("text"), join(path, "text"), required=True),
        scoring=_scoring(data.get("scoring"), join(path, "scoring"), r),
    )
    return r.remember(row, path)


def _scoring(raw: Any, path: str, r: Reader) -> Scoring | None:
    if raw is None:
        return None
    data = r.mapping(raw, path, SCORING_KEYS)
    if data is None:
        return None
    stage = r.string(data.get("stage"), join(path, "stage"))
    weight = r.number(data.get("weight"), join(path, "weight"))
    scoring = Scoring(
        dimension=r.string(data.get("dimension"), join(path, "dimension")),
        reverse=r.boolean(data.get("reverse"), join(path, "reverse"), False),
        weight=1 if weight is None else weight,
        kpi=r.string(data.get("kpi"), join(path, "kpi")),
        checklist=r.string(data.get("checklist"), join(path, "checklist")),
        stage=vocab.STAGE_ALIASES.get(stage, stage) if stage else None,
        points=r.number(data.get("points"), join(path, "points")),
    )
    if scoring == Scoring():
        return None  # an all-default scoring block means "not scored"
    return r.remember(scoring, path)


def _scoring_config(raw: Any, r: Reader) -> ScoringConfig:
    data = r.mapping(raw, "scoring", ("dimensions", "indices", "checklists")) if raw is not None else {}
    if data is None:
        return ScoringConfig()
    dims = _each(data.get("dimensions"), "scoring.dimensions", r, _dimension)
    dim_order = [d.code for d in dims]
    indices = _each(data.get("indices"), "scoring.indices", r, lambda raw, path, r: _index(raw, path, r, dim_order))
    checklists = _each(data.get("checklists"), "scoring.checklists", r, _checklist)
    return ScoringConfig(dimensions=dims, indices=indices, checklists=checklists)


def _each(raw: Any, path: str, r: Reader, parse_one: Any) -> tuple:
    items = (parse_one(item, join(path, i), r) for i, item in enumerate(r.sequence(raw, path)))
    return tuple(item for item in items if item is not None)


def _dimension(raw: Any, path: str, r: Reader) -> Dimension | None:
    data = r.mapping(raw, path, ("code", "name"), required=("code",))
    if data is None:
        return None
    code = r.string(data.get("code"), join(path, "code")) or ""
    return r.remember(Dimension(code, r.text(data.get("name"), join(path, "name"))), path)


def _index(raw: Any, path: str, r: Reader, dim_order: list[str]) -> Index | None:
    data = r.mapping(raw, path, ("code", "name", "method", "total", "weights"), required=("code", "weights"))
    if data is None:
        return None
    total = r.number(data.get("total"), join(path, "total"))
    index = Index(
        code=r.string(data.get("code"), join(path, "code")) or "",
        name=r.text(data.get("name"), join(path, "name")),
        weights=_weights(data.get("weights"), join(path, "weights"), r, dim_order),
        total=1 if total is None else total,
        method=r.string(data.get("method"), join(path, "method")) or "mean100",
    )
    return r.remember(index, path)


def _weights(raw: Any, path: str, r: Reader, dim_order: list[str]) -> tuple[tuple[str, float], ...]:
    """Index weights in the order the dimensions were declared (mapping order is not significant)."""
    pairs = []
    for name, value, item_path in _names(raw, path, r):
        weight = r.number(value, item_path)
        if weight is not None:
            pairs.append((name, weight))
    rank = {code: i for i, code in enumerate(dim_order)}
    return tuple(sorted(pairs, key=lambda pair: (rank.get(pair[0], len(rank)), pair[0])))


def _checklist(raw: Any, path: str, r: Reader) -> Checklist | None:
    data = r.mapping(raw, path, ("code", "name", "total", "credit"), required=("code",))
    if data is None:
        return None
    total = r.number(data.get("total"), join(path, "total"))
    checklist = Checklist(
        code=r.string(data.get("code"), join(path, "code")) or "",
        name=r.text(data.get("name"), join(path, "name")),
        total=100 if total is None else total,
        credit=r.string(data.get("credit"), join(path, "credit")) or "linear",
    )
    return r.remember(checklist, path)

