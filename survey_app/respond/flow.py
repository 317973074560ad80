"""One respondent moving through a wave's pages: which page, reading it, saving it, finishing."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_wtf.csrf import validate_csrf
from sqlalchemy.exc import IntegrityError, OperationalError
from wtforms.validators import ValidationError

from questionnaires import Questionnaire, logic, vocab
from questionnaires.answers import hidden_answers
from questionnaires.logic import Shown

from ..cases.triggers import note_completed_response, trigger_for_new_response
from ..database import autocommit_statements, db
from ..models import Response
from ..responses import operations
from ..responses.links import LinkState
from ..responses.operations import AlreadyCompleted
from ..responses.values import answers_from_rows, rows_for
from . import blocks as question_blocks
from .client_logic import page_logic
from .forms import TokenForm, build_page_form, page_items, question_numbers
from .loading import InvitationOnPage, ResponseOnPage, WaveOnPage, load_page_state
from .pages import (
    PageRead,
    answer_fields,
    expected_sections,
    missing_messages,
    outline,
    read_page,
    read_posted,
    section_numbers,
)
from .state import Visit, save_visit

DEVICE_COOKIE = "sv_device"
UNANSWERED = "이 쪽에 아직 답하지 않으신 문항이 있습니다. 표시된 문항에 답해 주십시오."
UNFINISHED = ("아직 답하지 않으신 문항이 있어 설문을 제출하지 못했습니다. 표시된 문항에 답하시고 마지막 쪽에서 "
              "다시 제출해 주십시오. 지금까지 답하신 내용은 그대로 저장되어 있습니다.")
#: The wave code and questionnaire each wave was last served with by this process, so that when the
#: database cannot be reached a respondent's page can still be shown again with what they typed.
_LAST_SERVED: dict[tuple[int, str], tuple[WaveOnRecord, Questionnaire]] = {}


@dataclass(frozen=True)
class WaveOnRecord:
    """What a page needs of a wave when the database is unreachable (its code and settings)."""

    code: str
    settings: dict


@dataclass
class SurveyFlow:
    """A visit's wave, questionnaire, response and answers so far."""

    visit: Visit
    wave: WaveOnPage
    questionnaire: Questionnaire
    response: ResponseOnPage | Response | None
    answers: dict
    link_state: LinkState
    _pages: list[int] | None = None
    unreachable: OperationalError | None = None
    invitation: InvitationOnPage | None = None
    _shown: dict = field(default_factory=dict)

    @classmethod
    def for_visit(cls, visit: Visit) -> SurveyFlow | None:
        """Load everything a page needs; None when the wave no longer exists.

        When the database cannot be reached, a flow on record (the wave's last-served questionnaire,
        no stored answers) that can only show a posted page again; otherwise the error is raised.
        """
        try:
            with autocommit_statements():  # reads only: no BEGIN round trip before a POST's first write
                flow = cls._load(visit)
        except OperationalError as exc:
            return cls._on_record(visit, exc)
        if flow is not None:
            record = WaveOnRecord(flow.wave.code, dict(flow.wave.settings or {}))
            _LAST_SERVED[(id(db.engine), visit.wave)] = (record, flow.questionnaire)
        return flow

    @classmethod
    def _on_record(cls, visit: Visit, exc: OperationalError) -> SurveyFlow:
        db.session.rollback()
        if (id(db.engine), visit.wave) not in _LAST_SERVED:
            raise exc
        wave, questionnaire = _LAST_SERVED[(id(db.engine), visit.wave)]
        return cls(visit, wave, questionnaire, None, {}, LinkState.OK, unreachable=exc)  # type: ignore[arg-type]

    @classmethod
    def _load(cls, visit: Visit) -> SurveyFlow | None:
        loaded = load_page_state(visit)
        if loaded is None:
            return None
        wave, invitation, response = loaded
        questionnaire = wave.questionnaire
        state = LinkState.COMPLETED if response is not None and response.is_complete else wave.state
        answers = hidden_answers(questionnaire, _hidden_of(visit, invitation))
        if response is not None:
            grouped = operations.committed_answers(response.id)
            answers.update(answers_from_rows(answer_fields(questionnaire), grouped))
        return cls(visit, wave, questionnaire, response, answers, state, invitation=invitation)

    # -- which page -------------------------------------------------------------------------
    def shown(self, answers: dict) -> Shown:
        """Logic's view of ``answers`` (worked out once per answers dict in this request)."""
        hit = self._shown.get(id(answers))
        if hit is None or hit[0] is not answers:
            hit = self._shown[id(answers)] = (answers, logic.shown(self.questionnaire, answers))
        return hit[1]

    def pages(self, answers: dict | None = None) -> list[int]:
        """Section numbers logic shows for these answers (the stored answers' list is computed once)."""
        if answers is not None:
            return section_numbers(self.questionnaire, answers, self.shown(answers))
        if self._pages is None:
            self._pages = section_numbers(self.questionnaire, self.answers, self.shown(self.answers))
        return self._pages

    def furthest_page(self) -> int:
        """The first shown page after the last one saved: how far a respondent may go."""
        pages, last = self.pages(), self.response.last_page if self.response else 0
        return next((p for p in pages if p > last), pages[-1] if pages else 1)

    def resume_page(self) -> int:
        """Where a returning respondent continues: the first page still missing an answer it needs
        (one left with 이전 half answered), else the page after the last one saved."""
        return min([self.furthest_page(), *self.unanswered_pages()])

    def unanswered_pages(self, answers: dict | None = None) -> dict[int, list[str]]:
        """Shown pages still missing required answers: page number → answer codes (stored answers
        unless ``answers`` is given)."""
        answers = self.answers if answers is None else answers
        numbers = {s.code: n for n, s in enumerate(self.questionnaire.sections, start=1)}
        return {numbers[code]: missing for code, missing in self.shown(answers).unanswered().items()}

    def counted_pages(self) -> list[int]:
        """The pages the progress indicator counts: those a respondent may see given only what the link
        itself tells (its hidden fields). Later answers never shrink the count, so \"1 / 7쪽\" is never
        followed by \"2 / 2쪽\": pages that logic skips are passed over as done."""
        known = hidden_answers(self.questionnaire, _hidden_of(self.visit, self.invitation))
        return expected_sections(self.questionnaire, known)

    def _asked_before(self, page: int) -> int:
        """How many questions a respondent was shown on the pages before ``page`` (numbering goes on
        from there, so a question that logic hides leaves no gap)."""
        before = {s.code for s in self.questionnaire.sections[:page - 1]}
        seen = self.shown(self.answers)
        in_section = {id(q): s.code for s in seen.sections for q in s.questions}
        return sum(1 for q in seen.questions if in_section.get(id(q)) in before and q.type not in vocab.SILENT_TYPES)

    def requested_page(self) -> int | None:
        """The page in ``?p=``, if it is shown and not beyond the furthest page reached."""
        page = request.args.get("p", type=int)
        if page is None or page not in self.pages() or page > self.furthest_page():
            return None
        return page

    # -- GET ----------------------------------------------------------------------------------
    def handle_get(self):
        """Welcome page before the first answer, otherwise the requested or resume page."""
        if self.unreachable is not None:
            raise self.unreachable  # the stored answers cannot be shown: the general 'try again' page
        page = self.requested_page()
        if page is None and "p" in request.args:
            return redirect(self.page_url(self.resume_page()), 303)
        if page is None and (self.response is None or self.response.last_page == 0):
            return self.render_welcome()
        page = page or self.resume_page()
        return self.render_page(page, **self._reminder(page))

    def _reminder(self, page: int) -> dict:
        """Errors and a notice for a page already saved that still misses required answers."""
        missing = self.unanswered_pages().get(page) if self.response and page <= self.response.last_page else None
        if not missing:
            return {}
        notice = UNFINISHED if request.args.get("unfinished") == "1" else UNANSWERED
        return {"errors": missing_messages(self.questionnaire, missing), "notice": notice}

    def render_welcome(self):
        """The survey's first screen: what it is about, how long it takes, how answers are used."""
        pages = self.pages()
        ahead = outline(self.questionnaire, self.counted_pages())  # the pages the progress indicator will count
        return render_template("respond/welcome.html", flow=self, q=self.questionnaire,
                               first_url=self.page_url(pages[0] if pages else 1), ahead=ahead)

    def render_page(self, page: int, form=None, errors: dict | None = None, notice: str | None = None, status=200):
        """One page of questions (with the answers given so far, or the ones just posted)."""
        section = self.questionnaire.sections[page - 1]
        items = page_items(self.questionnaire, section, self.answers, self._seed())
        numbers = question_numbers(items, self._asked_before(page))
        blocks = None
        if form is None and not errors and question_blocks.ENABLED:  # a page shown as stored: blocks reused
            cached = question_blocks.cached_blocks(items, numbers, self.answers)
            form = build_page_form(items, self._csrf_seconds(), data=self.answers) if None in cached else TokenForm()
            blocks = question_blocks.fill_blocks(items, numbers, self.answers, cached, form)
        form = form or build_page_form(items, self._csrf_seconds(), data=self.answers)
        expected = expected_sections(self.questionnaire, self.answers, self.shown(self.answers))
        counted = self.counted_pages()
        return render_template(
            "respond/page.html", flow=self, q=self.questionnaire, section=section, items=items, form=form,
            errors=errors or {}, notice=notice, page=page, position=sum(1 for n in counted if n <= page),
            total=len(counted), numbers=numbers, blocks=blocks,
            is_last=self._neighbour(page, +1) is None and (not expected or expected[-1] <= page),
            previous=self._neighbour(page, -1), logic=page_logic(self.questionnaire, items, self.answers),
        ), status

    # -- POST ---------------------------------------------------------------------------------
    def handle_post(self):
        """Read the page; on errors show it again with every answer kept; otherwise save and move on."""
        page = request.args.get("p", type=int)
        if self.unreachable is not None:
            return self.database_unavailable()
        if page is None or page not in self.pages() or page > self.furthest_page():
            return redirect(self.page_url(self.resume_page()), 303)
        section = self.questionnaire.sections[page - 1]
        items = page_items(self.questionnaire, section, self.answers, self._seed())
        going_back = request.form.get("move") == "prev"
        read = None if going_back else self._read_posted(items)
        if read is None or read.errors:  # the page's WTForms form reads it, and shows it again with errors
            form = build_page_form(items, self._csrf_seconds(), formdata=request.form)
            if not form.validate() and "csrf_token" in form.errors:
                notice = "오랫동안 머무르셔서 보안을 위해 한 번 더 확인합니다. 답하신 내용은 그대로이니 다시 눌러 주십시오."
                return self.render_page(page, form=form, notice=notice, status=400)
            read = read_page(self.questionnaire, items, form, self.answers, check_required=not going_back)
            if going_back:
                return self._save_and_go(page, read, self._neighbour(page, -1) or page)
            if read.errors:
                return self.render_page(page, form=form, errors=read.errors, status=422)
        merged = {**{k: v for k, v in self.answers.items() if k not in read.codes}, **read.answers}
        following = [p for p in self.pages(merged) if p > page]
        if following:
            return self._save_and_go(page, read, following[0])
        return self._finish(page, read, merged)

    def _read_posted(self, items: list) -> PageRead | None:
        """The page read straight from the posted values when its token is good and its fields allow
        (:func:`.pages.read_posted`); None sends it through the page's WTForms form."""
        try:
            validate_csrf(request.form.get("csrf_token"), time_limit=self._csrf_seconds())
        except ValidationError:
            return None
        return read_posted(self.questionnaire, items, request.form, self.answers)

    def database_unavailable(self):
        """The page again with what was typed, asking to press once more (the database was unreachable)."""
        db.session.rollback()
        page = request.args.get("p", type=int) or self.resume_page()
        if page not in self.pages():
            abort(503)  # no page to show again: the general 'please try again' page
        section = self.questionnaire.sections[page - 1]
        items = page_items(self.questionnaire, section, self.answers, self._seed())
        form = build_page_form(items, self._csrf_seconds(), formdata=request.form)
        notice = "잠시 연결이 원활하지 않아 저장하지 못했습니다. 답하신 내용은 그대로 있으니 잠시 뒤 다시 눌러 주십시오."
        return self.render_page(page, form=form, notice=notice, status=503)

    def _save_and_go(self, page: int, read, target: int, unfinished: bool = False):
        hidden = hidden_answers(self.questionnaire, _hidden_of(self.visit, self.invitation))
        codes = read.codes + list(hidden)
        rows = rows_for(answer_fields(self.questionnaire), {**hidden, **read.answers}, codes)
        url = self.page_url(target, unfinished=1) if unfinished else self.page_url(target)
        if self._store_at_once(operations.start_with_answers, page, rows):
            return redirect(url, 303)
        try:
            operations.save_page(self.ensure_response().id, page, codes, rows)
        except AlreadyCompleted:
            return done_redirect(self.wave.code, already=True)
        return redirect(url, 303)

    def _finish(self, page: int, read, merged: dict):
        gaps = self.unanswered_pages(merged)  # the stored answers are loaded already: no query
        if gaps:  # this page is kept, and the respondent is taken to the first page missing answers
            return self._save_and_go(page, read, min(gaps), unfinished=True)
        effective = self.shown(merged).answers  # shown answers + computed values
        final = {**merged, **effective}
        hidden = hidden_answers(self.questionnaire, _hidden_of(self.visit, self.invitation))
        codes = sorted(set(read.codes) | set(hidden) | (set(final) - set(self.answers)))
        rows = rows_for(answer_fields(self.questionnaire), final, codes)
        try:
            if self._store_at_once(operations.complete_at_once, page,
                                   [row for row in rows if row.question_code in effective],
                                   trigger_for=trigger_for_new_response):
                return done_redirect(self.wave.code)  # its trigger stored too
            operations.complete(self.ensure_response().id, codes, rows, list(effective))
        except AlreadyCompleted:
            return done_redirect(self.wave.code, already=True)
        note_completed_response(response_id=self.response.id)
        return done_redirect(self.wave.code)

    def _store_at_once(self, store, page: int, rows: list, **options) -> bool:
        """A personal link's first saved page stored with its new response in one go (``store``:
        :func:`~..responses.operations.start_with_answers`, or ``complete_at_once`` when it is also the last)."""
        if self.response is not None or self.invitation is None:
            return False
        return store(self.invitation, rows, page=page, hidden=self.visit.hidden, **options) is not None

    # -- helpers ------------------------------------------------------------------------------
    def ensure_response(self) -> ResponseOnPage | Response:
        """The visit's response, created on the first saved page."""
        if self.response is not None:
            return self.response
        if self.visit.invitation_id is not None:
            self.response = operations.response_for_invitation(self.invitation, hidden=self.visit.hidden,
                                                               look_first=False)  # for_visit just looked
        else:
            self.response = self._start_open_response()
            self.visit.response_id = self.response.id
            save_visit(self.visit)
        return self.response

    def _start_open_response(self) -> Response:
        device = _device_key(self.wave) if self.wave.settings.get("one_per_device") else None
        try:
            with db.session.begin_nested():
                return operations.start_open_response(
                    self.wave, resume_key_hash=None, device_key=device, hidden=self.visit.hidden,
                    channel="kiosk" if self.visit.kiosk else "web")
        except IntegrityError:
            raise AlreadyCompletedOnDevice() from None

    def page_url(self, page: int, **args) -> str:
        """The URL of a page of this wave."""
        return url_for("respond.survey", wave_code=self.wave.code, p=page, **args)

    def _neighbour(self, page: int, step: int) -> int | None:
        pages = self.pages()
        if page not in pages:
            return None
        index = pages.index(page) + step
        return pages[index] if 0 <= index < len(pages) else None

    def _seed(self) -> str:
        return f"{self.wave.code}:{self.response.id if self.response else self.visit.seed}"

    def _csrf_seconds(self) -> int:
        return current_app.config["RESPONDENT_CSRF_HOURS"] * 3600


class AlreadyCompletedOnDevice(AlreadyCompleted):
    """This device already answered a one-response-per-device wave."""


def _hidden_of(visit: Visit, invitation: InvitationOnPage | None) -> dict:
    if visit.invitation_id is not None:
        return {**(invitation.hidden or {}), **visit.hidden} if invitation else visit.hidden
    return visit.hidden


def _device_key(wave: WaveOnPage) -> str | None:
    cookie = request.cookies.get(DEVICE_COOKIE)
    return hashlib.sha256(f"{cookie}:{wave.code}".encode()).hexdigest() if cookie else None


_DONE_URLS: dict[tuple[int, str, str, bool], str] = {}


def done_redirect(wave_code: str, already: bool = False):
    """303 to the wave's thank-you page (``already``: the survey was submitted before). Its URL is built
    once per app, mount point and wave: a final POST would otherwise build it from the URL map each time."""
    key = (id(current_app.url_map), request.script_root, wave_code, already)
    url = _DONE_URLS.get(key)
    if url is None:
        if len(_DONE_URLS) >= 10_000:  # waves come and go over a process's life: never grow without bound
            _DONE_URLS.clear()
        url = _DONE_URLS[key] = url_for("respond.done", wave_code=wave_code, **({"already": 1} if already else {}))
    return redirect(url, 303)
