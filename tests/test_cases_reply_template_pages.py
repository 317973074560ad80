"""The reply templates page (답변 문구 관리): the built-in templates listed, templates added, changed, retired
and restored with Korean reasons for bad input (nothing saved), each change audit logged, an SMS going as
an LMS said so, and the page refused to staff without case rules for the whole organisation."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from survey_app.models import AuditEvent, CaseReplyTemplate, OrgLevel
from tests.designer_support import PASSWORD, staff

URL = "/manage/cases/reply-templates"


@pytest.fixture
def manager(make_user, app_ctx, client):
    """A member of staff who sets case rules for the whole organisation, signed in."""
    return staff(make_user, app_ctx, client, username="template_manager")


def _text(answer) -> str:
    return html.unescape(answer.get_data(as_text=True))


def _templates(app_ctx) -> list[tuple]:
    with app_ctx() as session:
        return [(t.name, t.channel, t.purpose, t.category, t.subject, t.body, t.retired_at is not None)
                for t in session.scalars(select(CaseReplyTemplate).order_by(CaseReplyTemplate.id))]


def _add(client, **fields):
    return client.post(URL, data={"name": "배송 지연 사과", "channel": "sms", "purpose": "case_reply", "category": "",
                                  "subject": "", "body": "[우체국] {이름}님, {사건번호} 건 배송이 늦어 죄송합니다.",
                                  **fields})


def _actions(app_ctx) -> list[str]:
    with app_ctx() as session:
        return list(session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("case.template%"))
                                    .order_by(AuditEvent.id)))


def test_the_built_in_templates_are_listed(client, manager):
    page = _text(client.get(URL))
    rows = re.findall(r'<tr id="template-\d+">\s*<td>([^<]*)</td><td>([^<]*)<', page)
    assert sorted(rows) == sorted((name, channel) for name in ("처리 결과 안내", "중간 안내 (처리 기간 연장)", "연락 시도 안내")
                                  for channel in ("문자(SMS)", "전자우편"))
    assert page.count("LMS · 최대") == 3  # each built-in SMS is longer than 90 bytes with a long name


def test_adding_a_template_saves_it_audits_it_and_the_list_shows_it(client, app_ctx, manager):
    before = _templates(app_ctx)
    answer = _add(client, category="complaint")
    assert answer.status_code == 303
    added = _templates(app_ctx)[len(before):]
    assert added == [("배송 지연 사과", "sms", "case_reply", "complaint", None,
                      "[우체국] {이름}님, {사건번호} 건 배송이 늦어 죄송합니다.", False)]
    assert _actions(app_ctx) == ["case.template_add"]
    page = _text(client.get(URL))
    assert "배송 지연 사과" in page and "답변 문구를 추가했습니다" in page and "장문(LMS)으로" not in page


def test_an_sms_that_goes_as_an_lms_is_saved_with_a_warning(client, app_ctx, manager):
    assert _add(client, body="[우체국] {이름}님, " + "안내 말씀 드립니다. " * 8).status_code == 303
    assert "90바이트를 넘어 장문(LMS)으로 보내집니다" in _text(client.get(URL))


@pytest.mark.parametrize("fields, reason", [
    ({"body": "[우체국] {이름}님, {주소}로 보내 드립니다."}, "알 수 없는 항목이 있습니다: {주소}. 쓸 수 있는 항목은 {이름}, {사건번호}"),
    ({"subject": "안내 {고객번호}", "channel": "email"}, "알 수 없는 항목이 있습니다: {고객번호}"),
    ({"body": "[우체국] {이름}님, {사건번호 건"}, "중괄호"),
    ({"name": ""}, "문구 이름을"),
    ({"channel": "fax"}, "보낼 경로"),
    ({"purpose": "retention"}, "용도를"),
    ({"category": "nope"}, "알 수 없는 분류"),
    ({"channel": "email", "subject": ""}, "제목을 적어"),
    ({"body": ""}, "보낼 내용을"),
    ({"body": "가" * 1100}, "문자가 너무 깁니다"),
    ({"name": "처리 결과 안내"}, "같은 이름의 문자(SMS) 문구가 이미 있습니다"),
])
def test_bad_input_is_refused_in_korean_and_nothing_is_saved(client, app_ctx, manager, fields, reason):
    before = _templates(app_ctx)
    answer = _add(client, **fields)
    shown = _text(answer)
    assert answer.status_code == 422 and reason in shown, shown[shown.find('id="template-error"'):][:300]
    if fields.get("body"):
        assert fields["body"][:20] in shown  # what was typed is kept
    assert _templates(app_ctx) == before and _actions(app_ctx) == []


def test_editing_retiring_and_restoring_are_audited(client, app_ctx, manager):
    _add(client)
    with app_ctx() as session:
        template_id = session.scalar(select(CaseReplyTemplate.id).where(CaseReplyTemplate.name == "배송 지연 사과"))
    assert "문구 고치기" in _text(client.get(f"{URL}/{template_id}"))
    refused = client.post(f"{URL}/{template_id}", data={"name": "배송 지연 사과", "channel": "sms",
                                                         "purpose": "case_reply", "body": "{담당자} 드림"})
    assert refused.status_code == 422 and "{담당자}" in _text(refused)
    changed = client.post(f"{URL}/{template_id}", data={
        "name": "배송 지연 사과 (개정)", "channel": "email", "purpose": "contact_attempt", "category": "grievance",
        "subject": "[우체국] {사건번호} 안내", "body": "{이름}님, {담당부서}에서 {예정일}까지 연락드리겠습니다."})
    assert changed.status_code == 303
    with app_ctx() as session:
        template = session.get(CaseReplyTemplate, template_id)
        assert (template.name, template.channel, template.purpose, template.category, template.subject) == (
            "배송 지연 사과 (개정)", "email", "contact_attempt", "grievance", "[우체국] {사건번호} 안내")
        assert template.updated_by_id == manager
    assert client.post(f"{URL}/{template_id}/retire").status_code == 303
    assert client.post(f"{URL}/{template_id}/retire").status_code == 422  # already retired: said, nothing changes
    with app_ctx() as session:
        assert session.get(CaseReplyTemplate, template_id).retired_at is not None
    page = _text(client.get(URL))
    row = page[page.index(f'id="template-{template_id}"'):]
    assert "쓰지 않음" in row[:row.index("</tr>")] and "다시 쓰기" in row[:row.index("</tr>")]
    assert client.post(f"{URL}/{template_id}/restore").status_code == 303
    assert _actions(app_ctx) == ["case.template_add", "case.template_edit", "case.template_retire",
                                 "case.template_restore"]
    with app_ctx() as session:
        edit = session.scalar(select(AuditEvent).where(AuditEvent.action == "case.template_edit"))
        assert edit.details["before"]["channel"] == "sms" and edit.details["after"]["purpose"] == "contact_attempt"


def test_an_unknown_template_is_not_found(client, manager):
    assert client.get(f"{URL}/987654").status_code == 404
    assert client.post(f"{URL}/987654/retire").status_code == 404


@pytest.mark.parametrize("role, regional", [("analyst", False), ("executive", False), ("designer", True)])
def test_staff_without_organisation_wide_case_rules_are_refused(client, app_ctx, make_user, make_org, role, regional):
    if regional:
        make_org(code="HQ-TPL", name="본부", level=OrgLevel.HEADQUARTERS)
    unit = make_org(code="R-TPL", name="강원지방우정청", level=OrgLevel.REGIONAL, parent_code="HQ-TPL") if regional else None
    staff(make_user, app_ctx, client, role=role, unit_id=unit, username=f"tpl_{role}")
    with app_ctx() as session:
        template_id = session.scalar(select(func.min(CaseReplyTemplate.id)))
    before = _templates(app_ctx)
    assert client.get(URL).status_code == 403
    assert _add(client).status_code == 403
    assert client.post(f"{URL}/{template_id}", data={"name": "바꿈", "channel": "sms", "purpose": "case_reply",
                                                      "body": "바꿈"}).status_code == 403
    assert client.post(f"{URL}/{template_id}/retire").status_code == 403
    assert _templates(app_ctx) == before and _actions(app_ctx) == []
    if regional:  # the queue page does not offer the link either
        assert "답변 문구 관리" not in _text(client.get("/manage/cases/queue"))


def test_changes_need_the_form_token(make_app, app_ctx, make_user):
    strict = make_app(WTF_CSRF_ENABLED=True).test_client()
    staff(make_user, app_ctx, strict, username="tpl_csrf", login=False)
    login = strict.get("/manage/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    assert strict.post("/manage/login", data={"username": "tpl_csrf", "password": PASSWORD,
                                              "csrf_token": token}).status_code == 302
    before = _templates(app_ctx)
    assert _add(strict).status_code == 400
    assert _templates(app_ctx) == before
    page = strict.get(URL).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert _add(strict, csrf_token=token).status_code == 303
    assert len(_templates(app_ctx)) == len(before) + 1
