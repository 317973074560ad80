"""Editing a draft's pages and questions: add, edit, move (buttons and drag and drop), delete."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from questionnaires import vocab
from questionnaires.korean import resolve_particles

from ..models import Permission
from ..web.access import requires, scopes
from . import bp
from .builder import condition_questions
from .defaults import new_question
from .drafts import (
    HIDDEN,
    DraftError,
    add_question,
    add_section,
    delete_question,
    delete_section,
    find_question,
    find_section,
    move_question,
    move_section,
    next_code,
    next_section_code,
    place_question,
    replace_question,
    sections,
    update_section,
)
from .forms import QuickQuestionForm, SectionForm, StepForm
from .headline import with_headline_index
from .lines import text_of
from .operations import DraftConflict, save_draft
from .problems import draft_problems, field_messages, placed
from .question_form import QuestionForm, fill_choices, form_data, question_from_form, type_choices
from .support import conflict_page, draft_of, get_survey
from .unsaved import keeps_unsaved, restore

CONFLICT_STEP = _l("그 사이 다른 분이 이 설문을 고쳐서 요청하신 작업을 하지 않았습니다. 아래가 지금 저장된 내용이니 확인한 뒤 다시 해 주십시오.")


def _back(survey_id: int, anchor: str | None = None):
    return redirect(url_for("designer.survey", survey_id=survey_id) + (f"#{anchor}" if anchor else ""))


def _step(survey_id: int, edit, what: str, anchor: str | None = None, done: str | None = None):
    """Apply a small edit (move, delete, add) posted with a StepForm; conflicts and bad input go back."""
    found, form = get_survey(survey_id), StepForm()
    if not form.validate():
        abort(400)
    try:
        save_draft(found, form.version, edit(draft_of(found), form), what)
    except DraftConflict:
        flash(str(CONFLICT_STEP))
    except (DraftError, ValueError):
        abort(400)
    else:
        if done:
            flash(done)
    return _back(survey_id, anchor)


def _posted(restored):
    """Form keyword arguments: restored content, or (by default) what this request posted."""
    return {"formdata": restored} if restored is not None else {}


# --- pages ---------------------------------------------------------------------------------------

def _section_data(section: dict) -> dict:
    text = lambda key, lang: (section.get(key) or {}).get(lang, "") if isinstance(section.get(key), dict) else ""  # noqa
    return {"code": section.get("code"), "show_if": section.get("show_if"), "skip_if": section.get("skip_if"),
            **{f"{k}_{lang}": text(k, lang) for k in ("title", "description") for lang in ("ko", "en")}}


def _section_of(form: SectionForm) -> dict:
    out = {"code": form.code.data.strip()}
    for key in ("title", "description"):
        value = text_of(getattr(form, f"{key}_ko").data or "", getattr(form, f"{key}_en").data or "")
        if value:
            out[key] = value
    for key in ("show_if", "skip_if"):
        if (getattr(form, key).data or "").strip():
            out[key] = getattr(form, key).data.strip()
    return out


def _section_page(survey, form, code, status=200, restored=False):
    draft = draft_of(survey)
    problems = placed(draft, draft_problems(draft)).get(f"s:{code}", []) if code else []
    fields, loose = field_messages(problems, section=True)
    return render_template("designer/section.html", survey=survey, form=form, code=code, problem_fields=fields,
                           loose_problems=loose, restored=restored,
                           condition_questions=condition_questions(_questions_before_page(draft, code), draft)), status


@bp.route("/surveys/<int:survey_id>/sections/new", methods=["GET", "POST"])
@requires(Permission.EDIT_SURVEYS, scope=scopes.SURVEY)
@keeps_unsaved
def new_section(survey_id: int):
    """Add a page at the end."""
    found = get_survey(survey_id)
    restored = restore() if request.method == "GET" else None
    form = SectionForm(**_posted(restored), data={"code": next_section_code(draft_of(found)),
                                                "lock_version": found.lock_version})
    if request.method == "POST" and form.validate():
        try:
            save_draft(found, form.version, add_section(draft_of(found), _section_of(form)), "section add")
        except DraftError:
            form.code.errors.append(_("이미 있는 쪽 코드입니다."))
        except DraftConflict as conflict:
            return conflict_page(found, conflict, "designer/section.html", theirs=None, mine=_section_of(form),
                                 form=form, code=None, problem_fields={}, loose_problems=[])
        else:
            return _back(survey_id, f"s-{form.code.data.strip()}")
    return _section_page(found, form, None, 422 if request.method == "POST" else 200, restored is not None)


@bp.route("/surveys/<int:survey_id>/sections/<code>", methods=["GET", "POST"])
@requires(Permission.EDIT_SURVEYS, scope=scopes.SURVEY)
@keeps_unsaved
def section(survey_id: int, code: str):
    """A page's code, title, introduction and show/skip conditions."""
    found = get_survey(survey_id)
    located = find_section(draft_of(found), code)
    if located is None:
        abort(404)
    restored = restore() if request.method == "GET" else None
    form = SectionForm(**_posted(restored), data={**_section_data(located[1]), "lock_version": found.lock_version})
    if request.method == "POST" and form.validate():
        try:
            save_draft(found, form.version, update_section(draft_of(found), code, _section_of(form)), f"section {code}")
        except DraftError:
            form.code.errors.append(_("이미 있는 쪽 코드입니다."))
        except DraftConflict as conflict:
            theirs = find_section(draft_of(get_survey(survey_id)), code)
            mine = _section_of(form)
            return conflict_page(found, conflict, "designer/section.html", mine=mine, form=form, code=code,
                                 theirs={k: v for k, v in theirs[1].items() if k != "questions"} if theirs else None,
                                 problem_fields={}, loose_problems=[])
        else:
            flash(_("쪽을 저장했습니다."))
            return _back(survey_id, f"s-{form.code.data.strip()}")
    return _section_page(found, form, code, 422 if request.method == "POST" else 200, restored is not None)


@bp.post("/surveys/<int:survey_id>/sections/<code>/move")
@requires(Permission.EDIT_SURVEYS, scope=scopes.SURVEY)
def move_section_view(survey_id: int, code: str):
    """Move a page up or down."""
    return _step(survey_id, lambda d, f: move_section(d, code, -1 if f.direction.data == "up" else 1),
                 f"section {code} move", f"s-{code}")


@bp.post("/surveys/<int:survey_id>/sections/<code>/delete")
@requires(Permission.EDIT_SURVEYS, scope=scopes.SURVEY)
def delete_section_view(survey_id: int, code: str):
    """Delete a page and its questions."""
    return _step(survey_id, lambda d, f: delete_section(d, code), f"section {code} delete",
                 done=resolve_particles(_("쪽 %(code)s을(를) 삭제했습니다.", code=code)))


# --- questions -------------------------------------------------------------------------------------

@bp.post("/surveys/<int:survey_id>/questions/add")
@requires(Permission.EDIT_SURVEYS, scope=scopes.SURVEY)
def add_question_view(survey_id: int):
    """Add a question to a page with its type and wording, then open it in the editor."""
    found = get_survey(survey_id)
    draft = draft_of(found)
    form = QuickQuestionForm()
    section_code = form.section.data or ""
    form.type.choices = type_choices(section_code == HIDDEN)
    if not form.validate() or (section_code != HIDDEN and find_section(draft, section_code) is None):
        abort(400)
    code = next_code(draft, "H" if section_code == HIDDEN else "Q")
    try:
        save_draft(found, form.version, add_question(draft, section_code, new_question(code, form.type.data,
                   (form.text_ko.data or "").strip())), f"question {code} add")
    except DraftConflict:
        flash(str(CONFLICT_STEP))
        return _back(survey_id)
    return redirect(url_for("designer.question", survey_id=survey_id, code=code))


def _question_page(survey, form, code, status=200, restored=False, **extra):
    draft = draft_of(survey)
    problems = placed(draft, draft_problems(draft)).get(f"q:{code}", [])
    fields, loose = field_messages(problems)
    located = find_question(draft, code)
    earlier = [q for _s, q in _questions_before(draft, code)]
    return render_template("designer/question.html", survey=survey, form=form, code=code, problem_fields=fields,
                           loose_problems=loose, restored=restored, hidden=bool(located and located[0] == HIDDEN),
                           earlier=earlier, condition_questions=condition_questions(earlier, draft), vocab=vocab,
                           **extra), status


def _questions_before_page(draft: dict, code: str | None) -> list[dict]:
    """The questions a page's conditions may refer to: hidden values and the pages before it (all, for a new one)."""
    earlier = [q for q in draft.get(HIDDEN) or [] if isinstance(q, dict)]
    for page in sections(draft):
        if code is not None and page.get("code") == code:
            break
        earlier += [q for q in page.get("questions") or [] if isinstance(q, dict)]
    return earlier


def _questions_before(draft: dict, code: str):
    """(section, question) pairs before ``code``: what its conditions may refer to."""
    pairs = [(HIDDEN, q) for q in draft.get(HIDDEN) or [] if isinstance(q, dict)]
    for page in sections(draft):
        for question in page.get("questions") or []:
            if isinstance(question, dict):
                if question.get("code") == code:
                    return pairs
                pairs.append((page.get("code"), question))
    return pairs


@bp.route("/surveys/<int:survey_id>/questions/<code>", methods=["GET", "POST"])
@requires(Permission.EDIT_SURVEYS, scope=scopes.SURVEY)
@keeps_unsaved
def question(survey_id: int, code: str):
    """Edit one question: wording, type, choices, scale, rows, limits, logic and scoring."""
    found = get_survey(survey_id)
    draft = draft_of(found)
    located = find_question(draft, code)
    if located is None:
        abort(404)
    restored = restore() if request.method == "GET" else None
    form = QuestionForm(**_posted(restored), data={**form_data(located[2]), "lock_version": found.lock_version})
    fill_choices(form, draft, located[0] == HIDDEN)
    if request.method == "POST" and form.validate():
        mine = question_from_form(form)
        try:
            save_draft(found, form.version, replace_question(draft, code, mine), f"question {code}")
        except DraftError:
            form.code.errors.append(_("다른 문항이나 행이 이미 쓰고 있는 코드입니다."))
        except DraftConflict as conflict:
            theirs = find_question(draft_of(get_survey(survey_id)), code)
            return conflict_page(found, conflict, "designer/question.html", theirs=theirs[2] if theirs else None,
                                 mine=mine, form=form, code=code, problem_fields={}, loose_problems=[],
                                 restored=False, hidden=located[0] == HIDDEN, earlier=[], vocab=vocab)
        else:
            flash(resolve_particles(_("문항 %(code)s을(를) 저장했습니다.", code=mine["code"])))
            saved = draft_of(found)
            if placed(saved, draft_problems(saved)).get(f"q:{mine['code']}"):
                return redirect(url_for("designer.question", survey_id=survey_id, code=mine["code"]))
            return _back(survey_id, f"q-{mine['code']}")
    return _question_page(found, form, code, 422 if request.method == "POST" else 200, restored is not None)


def _move(draft: dict, code: str, form: StepForm) -> dict:
    if form.direction.data in ("up", "down"):
        return move_question(draft, code, -1 if form.direction.data == "up" else 1)
    if not str(form.position.data or "").isdecimal():
        raise ValueError("position")
    return place_question(draft, code, form.section.data or "", int(form.position.data))


@bp.post("/surveys/<int:survey_id>/questions/<code>/move")
@requires(Permission.EDIT_SURVEYS, scope=scopes.SURVEY)
def move_question_view(survey_id: int, code: str):
    """Move a question up or down (buttons), or to a page and position (drag and drop)."""
    return _step(survey_id, lambda d, f: _move(d, code, f), f"question {code} move", f"q-{code}")


@bp.post("/surveys/<int:survey_id>/questions/<code>/delete")
@requires(Permission.EDIT_SURVEYS, scope=scopes.SURVEY)
def delete_question_view(survey_id: int, code: str):
    """Delete a question."""
    return _step(survey_id, lambda d, f: delete_question(d, code), f"question {code} delete",
                 done=resolve_particles(_("문항 %(code)s을(를) 삭제했습니다.", code=code)))


@bp.post("/surveys/<int:survey_id>/scoring/headline")
@requires(Permission.EDIT_SURVEYS, scope=scopes.SURVEY)
def headline_index_view(survey_id: int):
    """Make the offered headline index from the scale questions (one click, for a survey built by hand)."""
    return _step(survey_id, lambda d, f: with_headline_index(d), "scoring headline index",
                 done=_("대표 지표를 만들었습니다. 채점 설정에서 차원과 가중치를 바꿀 수 있습니다."))
