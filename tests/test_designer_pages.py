"""The survey designer in the web tier: creating, editing with field-level messages, optimistic locking
(the second of two concurrent saves is refused with both versions shown), moving, deleting, settings,
YAML source, shared lists and scales, scoring, files in and out, copies and the language switch."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from questionnaires import load_template, load_xlsx, load_yaml, xlsx_bytes
from tests.designer_support import draft, lock, new_survey, question_post, staff


@pytest.fixture
def designer(make_user, app_ctx, client):
    return staff(make_user, app_ctx, client)


def _question(app_ctx, survey_id, code):
    from survey_app.designer.drafts import find_question

    return find_question(draft(app_ctx, survey_id), code)[2]


def test_create_from_template_blank_and_file(client, designer, app_ctx):
    sid = new_survey(client, "PCSI-2026Q4", template="postal_satisfaction")
    assert draft(app_ctx, sid)["code"] == "POSTAL_CSI" and len(draft(app_ctx, sid)["sections"]) > 3
    page = client.get(f"/manage/surveys/{sid}/").get_data(as_text=True)
    assert "우편서비스 이용고객 만족도 조사" in page and "문제가 없습니다" in page
    # Move and delete buttons show the verb; the code they act on is for screen readers (their name).
    assert '>아래로<span class="sr-only"> SQ1</span></button>' in page
    assert '>삭제<span class="sr-only"> SQ1</span></button>' in page
    blank = new_survey(client, "BLANK-1", title="빈 설문")
    assert draft(app_ctx, blank)["sections"][0]["questions"] == []
    upload = (io.BytesIO(xlsx_bytes(load_template("post_call"))), "post_call.xlsx")
    answer = client.post("/manage/surveys/new", data={"start": "file", "code": "FROM-XLSX", "kind": "post_call",
                                                      "org_unit": "", "file": upload},
                         content_type="multipart/form-data")
    assert answer.status_code == 302
    from survey_app.models import Survey
    with app_ctx() as session:
        made = session.scalar(select(Survey).where(Survey.code == "FROM-XLSX"))
        assert made.draft_definition["kind"] == "post_call" and made.owner_id == designer


def test_create_refuses_bad_and_duplicate_codes_keeping_input(client, designer):
    new_survey(client, "TAKEN")
    answer = client.post("/manage/surveys/new", data={"start": "blank", "code": "TAKEN", "title": "내 제목",
                                                      "kind": "customer_satisfaction", "org_unit": ""})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "이미 쓰고 있는 설문 코드" in page and 'value="내 제목"' in page
    answer = client.post("/manage/surveys/new", data={"start": "blank", "code": "한글 코드", "kind": "voc", "org_unit": ""})
    assert answer.status_code == 422 and "영문자·숫자로 시작" in answer.get_data(as_text=True)
    bad_file = (io.BytesIO(b"code: [unclosed"), "broken.yaml")
    answer = client.post("/manage/surveys/new", data={"start": "file", "code": "BAD-FILE", "kind": "voc",
                                                      "org_unit": "", "file": bad_file}, content_type="multipart/form-data")
    assert answer.status_code == 422 and 'class="error"' in answer.get_data(as_text=True)


def test_add_and_edit_a_question_with_logic_and_choices(client, designer, app_ctx):
    sid = new_survey(client, "EDIT-1")
    answer = client.post(f"/manage/surveys/{sid}/questions/add", data={
        "lock_version": lock(app_ctx, sid), "section": "S1", "type": "single_choice", "text_ko": "방문하신 적이 있습니까?"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/questions/Q1")
    client.post(f"/manage/surveys/{sid}/questions/add", data={
        "lock_version": lock(app_ctx, sid), "section": "S1", "type": "likert", "text_ko": "만족하십니까?"})
    q2 = _question(app_ctx, sid, "Q2")
    data = question_post(q2, lock(app_ctx, sid), show_if="Q1 == 1", scale_points="7",
                         scale_labels="1 | 전혀 아니다 | Not at all\n7 | 매우 그렇다 | Very much", s_kpi="csat")
    answer = client.post(f"/manage/surveys/{sid}/questions/Q2", data=data)
    assert answer.status_code == 302, answer.get_data(as_text=True)[-2000:]
    q2 = _question(app_ctx, sid, "Q2")
    assert q2["show_if"] == "Q1 == 1" and q2["scale"]["points"] == 7 and q2["scoring"] == {"kpi": "csat"}
    assert q2["scale"]["labels"][1] == {"value": 7, "label": {"ko": "매우 그렇다", "en": "Very much"}}
    q1 = _question(app_ctx, sid, "Q1")
    pasted = "1\t예\tYes\n2\t아니요\tNo\n9\t모름\tDon't know\tna"  # pasted from a spreadsheet
    client.post(f"/manage/surveys/{sid}/questions/Q1", data=question_post(q1, lock(app_ctx, sid), choices=pasted))
    assert [c["value"] for c in _question(app_ctx, sid, "Q1")["choices"]] == [1, 2, 9]
    assert _question(app_ctx, sid, "Q1")["choices"][2]["na"] is True


def test_invalid_question_input_is_refused_field_by_field_and_kept(client, designer, app_ctx):
    sid = new_survey(client, "EDIT-2")
    client.post(f"/manage/surveys/{sid}/questions/add", data={"lock_version": lock(app_ctx, sid), "section": "S1",
                                                               "type": "single_choice", "text_ko": "첫 문항"})
    before = lock(app_ctx, sid)
    data = question_post(_question(app_ctx, sid, "Q1"), before, code="1bad", choices="1 | 예\n1 | 또 예",
                         text_ko="고쳐 쓴 문구")
    answer = client.post(f"/manage/surveys/{sid}/questions/Q1", data=data)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "코드는 영문자로 시작" in page and "2번째 줄: 값 1이 두 번 쓰였습니다" in page
    assert "고쳐 쓴 문구" in page and 'aria-invalid="true"' in page and "error-summary" in page
    assert lock(app_ctx, sid) == before and _question(app_ctx, sid, "Q1")["text"] == {"ko": "첫 문항"}


def test_questionnaire_problems_are_shown_inline_after_a_save(client, designer, app_ctx):
    sid = new_survey(client, "EDIT-3")
    client.post(f"/manage/surveys/{sid}/questions/add", data={"lock_version": lock(app_ctx, sid), "section": "S1",
                                                               "type": "likert", "text_ko": "만족도"})
    data = question_post(_question(app_ctx, sid, "Q1"), lock(app_ctx, sid), show_if="Q9 == 1")
    answer = client.post(f"/manage/surveys/{sid}/questions/Q1", data=data)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/questions/Q1")
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Q9" in page and 'id="show_if-error"' in page and "게시하려면" in page
    overview = client.get(f"/manage/surveys/{sid}/").get_data(as_text=True)
    assert "게시하기 전에 고칠 점 1건" in overview


def test_second_concurrent_save_is_refused_with_both_versions(client, designer, app_ctx, make_user, app):
    sid = new_survey(client, "LOCK-1")
    client.post(f"/manage/surveys/{sid}/questions/add", data={"lock_version": lock(app_ctx, sid), "section": "S1",
                                                               "type": "short_text", "text_ko": "원래 문구"})
    loaded = lock(app_ctx, sid)
    question = _question(app_ctx, sid, "Q1")
    other = app.test_client()
    staff(make_user, app_ctx, other, username="colleague")
    first = other.post(f"/manage/surveys/{sid}/questions/Q1", data=question_post(question, loaded, text_ko="동료의 문구"))
    assert first.status_code == 302
    second = client.post(f"/manage/surveys/{sid}/questions/Q1", data=question_post(question, loaded, text_ko="나의 문구"))
    page = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "다른 분이 먼저 고쳤습니다" in page and "colleague" in page
    assert "동료의 문구" in page and "나의 문구" in page  # both versions side by side, mine still in the form
    assert _question(app_ctx, sid, "Q1")["text"] == {"ko": "동료의 문구"}
    current = lock(app_ctx, sid)
    assert f'name="lock_version" type="hidden" value="{current}"' in page
    again = client.post(f"/manage/surveys/{sid}/questions/Q1", data=question_post(question, current, text_ko="나의 문구"))
    assert again.status_code == 302 and _question(app_ctx, sid, "Q1")["text"] == {"ko": "나의 문구"}


def test_stale_write_is_caught_by_the_database_version_check(app, app_ctx, make_survey):
    """Two editors who both pass the up-front check: the database refuses the second UPDATE."""
    from sqlalchemy import update

    from survey_app.designer.operations import DraftConflict, save_draft
    from survey_app.models import Survey

    ids = make_survey({"code": "S", "sections": []}, publish=False)
    with app_ctx() as session:
        survey = session.get(Survey, ids["survey_id"])
        seen = survey.lock_version
        session.execute(update(Survey).where(Survey.id == survey.id).values(lock_version=seen + 1))
        with pytest.raises(DraftConflict):
            save_draft(survey, seen, {"code": "S", "sections": [], "title": {"ko": "늦은 저장"}}, "test")
    with app_ctx() as session:
        assert session.get(Survey, ids["survey_id"]).draft_definition == {"code": "S", "sections": []}


def test_move_and_delete_questions_and_pages(client, designer, app_ctx):
    sid = new_survey(client, "MOVE-1")
    for text in ("하나", "둘", "셋"):
        client.post(f"/manage/surveys/{sid}/questions/add", data={"lock_version": lock(app_ctx, sid), "section": "S1",
                                                                   "type": "short_text", "text_ko": text})
    codes = lambda: [q["code"] for q in draft(app_ctx, sid)["sections"][0]["questions"]]  # noqa: E731
    client.post(f"/manage/surveys/{sid}/questions/Q3/move", data={"lock_version": lock(app_ctx, sid), "direction": "up"})
    assert codes() == ["Q1", "Q3", "Q2"]
    client.post(f"/manage/surveys/{sid}/questions/Q1/move", data={"lock_version": lock(app_ctx, sid), "section": "S1",
                                                                   "position": "2"})
    assert codes() == ["Q3", "Q2", "Q1"]
    stale = client.post(f"/manage/surveys/{sid}/questions/Q2/delete", data={"lock_version": "1"})
    assert stale.status_code == 302 and "Q2" in codes()
    assert "다른 분이 이 설문을 고쳐서" in client.get(stale.headers["Location"]).get_data(as_text=True)
    client.post(f"/manage/surveys/{sid}/questions/Q2/delete", data={"lock_version": lock(app_ctx, sid)})
    assert codes() == ["Q3", "Q1"]
    answer = client.post(f"/manage/surveys/{sid}/sections/new", data={"lock_version": lock(app_ctx, sid), "code": "S2",
                                                                        "title_ko": "둘째 쪽", "show_if": "Q1 == 'x'"})
    assert answer.status_code == 302
    client.post(f"/manage/surveys/{sid}/sections/S2/move", data={"lock_version": lock(app_ctx, sid), "direction": "up"})
    assert [s["code"] for s in draft(app_ctx, sid)["sections"]] == ["S2", "S1"]
    assert draft(app_ctx, sid)["sections"][0]["show_if"] == "Q1 == 'x'"
    dup = client.post(f"/manage/surveys/{sid}/sections/new", data={"lock_version": lock(app_ctx, sid), "code": "S1"})
    assert dup.status_code == 422 and "이미 있는 쪽 코드" in dup.get_data(as_text=True)
    client.post(f"/manage/surveys/{sid}/sections/S2/delete", data={"lock_version": lock(app_ctx, sid)})
    assert [s["code"] for s in draft(app_ctx, sid)["sections"]] == ["S1"]
    assert client.post(f"/manage/surveys/{sid}/questions/Q1/move", data={}).status_code == 400


def test_settings_source_library_and_scoring(client, designer, app_ctx):
    sid = new_survey(client, "WHOLE-1", template="staff_courtesy")
    answer = client.post(f"/manage/surveys/{sid}/settings", data={
        "lock_version": lock(app_ctx, sid), "code": "STAFF_COURTESY", "title_ko": "2027년 1분기 친절도", "title_en": "Courtesy",
        "kind": "staff_courtesy", "org_unit": "", "description_ko": "안내"})
    assert answer.status_code == 302
    assert draft(app_ctx, sid)["title"] == {"ko": "2027년 1분기 친절도", "en": "Courtesy"}
    bad = client.post(f"/manage/surveys/{sid}/settings", data={"lock_version": lock(app_ctx, sid), "code": "",
                                                                "title_ko": "", "kind": "voc", "org_unit": ""})
    assert bad.status_code == 422 and "제목을 입력해 주십시오" in bad.get_data(as_text=True)

    lists = "[visit_channel]\n1 | 창구 | Counter\n2 | 전화 | Phone\n3 | 우편 | Mail"
    scales = "[level5] points=5\n1 | 부진\n5 | 탁월\n\n[level5_na] points=5 na=9\n1 | 부진\n9 | 해당 없음"
    assert client.post(f"/manage/surveys/{sid}/library", data={"lock_version": lock(app_ctx, sid), "lists": lists,
                                                                "scales": scales}).status_code == 302
    stored = draft(app_ctx, sid)
    assert len(stored["choice_lists"]["visit_channel"]) == 3 and stored["scales"]["level5_na"]["na"]["value"] == 9
    bad = client.post(f"/manage/surveys/{sid}/library", data={"lock_version": lock(app_ctx, sid),
                                                               "lists": "1 | 목록 이름 없음", "scales": scales})
    assert bad.status_code == 422 and "[이름]" in bad.get_data(as_text=True)

    scoring = {"lock_version": lock(app_ctx, sid), "dimensions": "", "indices": "",
               "checklists": "counter | 창구 | Counter | 100\nphone | 전화 | Phone | 100"}
    assert client.post(f"/manage/surveys/{sid}/scoring", data=scoring).status_code == 302
    bad = client.post(f"/manage/surveys/{sid}/scoring", data={**scoring, "lock_version": lock(app_ctx, sid),
                                                               "checklists": "counter | 창구 | Counter | 백점"})
    assert bad.status_code == 422 and "숫자로 적어 주십시오" in bad.get_data(as_text=True)
    # a checklist's credit rule is kept; a line without the total is allowed (it used to fail with a 500)
    assert client.post(f"/manage/surveys/{sid}/scoring", data={
        **scoring, "lock_version": lock(app_ctx, sid),
        "checklists": "counter | 창구 | Counter | 100 | proportional\nphone | 전화"}).status_code == 302
    assert draft(app_ctx, sid)["scoring"]["checklists"] == [
        {"code": "counter", "name": {"ko": "창구", "en": "Counter"}, "total": 100, "credit": "proportional"},
        {"code": "phone", "name": {"ko": "전화"}}]
    assert "100 | proportional" in client.get(f"/manage/surveys/{sid}/scoring").get_data(as_text=True)

    source = client.get(f"/manage/surveys/{sid}/source").get_data(as_text=True)
    assert "STAFF_COURTESY" in source
    yaml_text = "code: SRC\nkind: voc\ntitle: {ko: 원본}\nsections:\n  - code: S1\n    questions:\n      - {code: Q1, type: nps, text: {ko: 추천}}\n"
    answer = client.post(f"/manage/surveys/{sid}/source", data={"lock_version": lock(app_ctx, sid), "source": yaml_text})
    assert answer.status_code == 302 and draft(app_ctx, sid)["code"] == "SRC"
    broken = yaml_text.replace("type: nps", "type: npss")
    answer = client.post(f"/manage/surveys/{sid}/source", data={"lock_version": lock(app_ctx, sid), "source": broken})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "7번째 줄" in page and "npss" in page  # saved as a draft, problem by line
    syntax = client.post(f"/manage/surveys/{sid}/source", data={"lock_version": lock(app_ctx, sid), "source": "a: [b"})
    assert syntax.status_code == 422 and "a: [b" in syntax.get_data(as_text=True)


def test_export_and_import_files(client, designer, app_ctx):
    sid = new_survey(client, "FILES-1", template="post_call")
    exported = client.get(f"/manage/surveys/{sid}/export.yaml")
    assert exported.status_code == 200 and load_yaml(exported.data).code == "CONTACT_CENTER_POST_CALL"
    workbook = client.get(f"/manage/surveys/{sid}/export.xlsx")
    assert load_xlsx(workbook.data).to_dict() == load_template("post_call").to_dict()
    upload = (io.BytesIO(template_bytes("voc_followup")), "voc.yaml")
    answer = client.post(f"/manage/surveys/{sid}/import", data={"lock_version": lock(app_ctx, sid), "file": upload},
                         content_type="multipart/form-data")
    assert answer.status_code == 302 and draft(app_ctx, sid)["kind"] == "voc"
    answer = client.post(f"/manage/surveys/{sid}/import", data={"lock_version": lock(app_ctx, sid),
                                                                 "file": (io.BytesIO(b"\xd0\xcf\x11\xe0old"), "old.xls")},
                         content_type="multipart/form-data", follow_redirects=True)
    assert "xls" in answer.get_data(as_text=True).lower() and draft(app_ctx, sid)["kind"] == "voc"


def template_bytes(name: str) -> bytes:
    from questionnaires import template_text

    return template_text(name).encode("utf-8")


def test_copy_for_next_quarter_keeps_question_codes(client, designer, app_ctx):
    sid = new_survey(client, "COPY-SRC", template="postal_satisfaction")
    form = client.get(f"/manage/surveys/{sid}/copy").get_data(as_text=True)
    assert "COPY-SRC-20" in form
    answer = client.post(f"/manage/surveys/{sid}/copy", data={"code": "COPY-2027Q1", "title": "2027년 1분기"})
    new_id = int(answer.headers["Location"].split("/surveys/")[1].split("/")[0])
    codes = lambda d: [q["code"] for s in d["sections"] for q in s["questions"]]  # noqa: E731
    assert codes(draft(app_ctx, new_id)) == codes(draft(app_ctx, sid))
    again = client.post(f"/manage/surveys/{sid}/copy", data={"code": "COPY-2027Q1", "title": "또"})
    assert again.status_code == 422 and "이미 쓰고 있는" in again.get_data(as_text=True)


def test_language_switch_is_per_user(client, designer, app_ctx, app, make_user):
    answer = client.post("/manage/language", data={"locale": "en", "next": "/manage/"})
    assert answer.status_code == 302
    page = client.get("/manage/surveys/new").get_data(as_text=True)
    assert '<html lang="en"' in page and "New survey" in page
    other = app.test_client()
    staff(make_user, app_ctx, other)
    assert "새 설문 만들기" in other.get("/manage/surveys/new").get_data(as_text=True)
    assert client.post("/manage/language", data={"locale": "fr"}).status_code == 302
    from survey_app.models import User
    with app_ctx() as session:
        assert session.get(User, designer).locale == "en"


def test_viewers_see_but_cannot_edit(client, make_user, app_ctx, app):
    staff(make_user, app_ctx, client)
    sid = new_survey(client, "VIEW-1")
    viewer = app.test_client()
    staff(make_user, app_ctx, viewer, role="analyst")
    page = viewer.get(f"/manage/surveys/{sid}/").get_data(as_text=True)
    assert "VIEW-1" in page and "문항 추가" not in page
    assert viewer.get(f"/manage/surveys/{sid}/settings").status_code == 403


def test_designer_posts_need_a_csrf_token(make_app, db, make_user, app_ctx):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    user_id, _ = make_user("csrfdesigner", "Woojung2026pass")
    from survey_app.accounts.operations import grant_role
    from survey_app.models import User
    with app_ctx() as session:
        grant_role(session.get(User, user_id), "designer", None)
    login_page = client.get("/manage/login").get_data(as_text=True)
    import re
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    assert client.post("/manage/login", data={"username": "csrfdesigner", "password": "Woojung2026pass",
                                              "csrf_token": token}).status_code == 302
    answer = client.post("/manage/surveys/new", data={"start": "blank", "code": "NOCSRF", "kind": "voc", "org_unit": ""})
    assert answer.status_code == 422
    from survey_app.models import Survey
    with app_ctx() as session:
        assert session.scalar(select(Survey).where(Survey.code == "NOCSRF")) is None
    assert client.post("/manage/language", data={"locale": "en"}).status_code == 400


def test_survey_list_shows_state_owner_unit_and_filters(client, designer, app_ctx, make_survey):
    running = make_survey({"code": "R", "sections": []}, code="RUN-1", title="진행 중인 조사")
    new_survey(client, "DRAFT-1", title="작성 중인 조사")
    page = client.get("/manage/").get_data(as_text=True)
    assert "진행 중인 조사" in page and "조사 진행 중" in page and "작성 중인 조사" in page and "작성 중" in page
    only_drafts = client.get("/manage/?status=draft").get_data(as_text=True)
    assert "작성 중인 조사" in only_drafts and "진행 중인 조사" not in only_drafts
    found = client.get("/manage/?q=RUN").get_data(as_text=True)
    assert "진행 중인 조사" in found and "작성 중인 조사" not in found
    assert "찾는 조건에 맞는 설문이 없습니다" in client.get("/manage/?q=없는설문").get_data(as_text=True)
    assert running["survey_id"]


@pytest.mark.parametrize("version", ["¹", "٣", "x"])
def test_a_lock_version_that_is_no_whole_number_is_refused_not_a_server_error(client, designer, app_ctx, version):
    """Found by the staff-form fuzz test: "¹" passes str.isdigit() and then broke int() with a 500. Every
    number guard now uses str.isdecimal() (exactly what int() reads); "٣" is Arabic-Indic 3, read as 3."""
    sid = new_survey(client, "LOCK-1", title="잠금 시험")
    before = lock(app_ctx, sid)
    answer = client.post(f"/manage/surveys/{sid}/library", data={"lists": "", "scales": "", "lock_version": version})
    assert 400 <= answer.status_code < 500  # refused: unreadable, or (٣) not the version on record
    assert lock(app_ctx, sid) == before  # nothing saved
