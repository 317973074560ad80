"""Call notes and case descriptions analysed once by the voc-analysis job; a case's suggested topic on its page,
confirmed or corrected by staff, the correction retraining the topic model (``survey-app voc retrain``)."""
from __future__ import annotations

import html
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.designer_support import staff
from tests.test_voc import voc_wave  # noqa: F401,F811  (the small survey wave with answers)

#: The seed model reads this as late delivery; staff say it is an app/online problem (알뜰폰 개통 is done online).
WRONG = "우체국 알뜰폰 개통이 일주일째 안 되고 있어요"
SIMILAR = "우체국 알뜰폰 개통이 아직도 안 되고 있습니다"


@pytest.fixture
def fresh_models(app):
    """No retrained topic model before or after the test (the instance folder is shared by the session)."""
    from survey_app.voc.analyser import RETRAINED_MODEL

    folder = __import__("pathlib").Path(app.instance_path) / "voc-models"

    def clear():
        for name in (RETRAINED_MODEL, RETRAINED_MODEL + ".key"):
            (folder / name).unlink(missing_ok=True)

    clear()
    yield
    clear()


@pytest.fixture
def desk(make_org, make_user, app_ctx, client):
    """An office and a case handler of its region, signed in."""
    from survey_app.models import OrgLevel

    make_org(code="R-VS", name="VOC강원지방우정청", level=OrgLevel.REGIONAL)
    office = make_org(code="P-VS", name="속초우체국", parent_code="R-VS")
    user = staff(make_user, app_ctx, client, unit_id=office, username="voc_handler")
    return {"office": office, "user": user}


def _job(app_ctx) -> list[str]:
    from flask import current_app

    from survey_app.voc.jobs import run_voc_job

    with app_ctx():
        return run_voc_job(current_app.config["VOC_ANALYSIS_BATCH"])


def _analysis(app_ctx, kind: str, source_id: int):
    from survey_app.models import TextAnalysis

    with app_ctx() as session:
        row = session.scalar(select(TextAnalysis).where(TextAnalysis.source_kind == kind,
                                                        TextAnalysis.source_id == source_id))
        if row is not None:
            session.expunge(row)
        return row


def _note(app_ctx, external_id: str, note: str | None, unit: int | None = None) -> int:
    from survey_app.models import Interaction

    with app_ctx() as session:
        interaction = Interaction(external_id=external_id, occurred_at=datetime(2026, 11, 3, 10, 5, tzinfo=UTC), channel="call",
                                  org_unit_id=unit, note=note)
        session.add(interaction)
        session.flush()
        return interaction.id


def test_a_call_note_is_analysed_once_with_its_content_words_and_forgotten_when_erased(app_ctx, desk, fresh_models):
    from survey_app.models import Interaction, TextSource

    late = _note(app_ctx, "I-VS-1", "고객님 소포가 일주일째 배달되지 않았다고 하심. 배송 조회 후 재안내 예정", desk["office"])
    _note(app_ctx, "I-VS-2", None)  # a contact without a memo: nothing to analyse
    assert any("1 call notes" in line for line in _job(app_ctx))
    row = _analysis(app_ctx, TextSource.CALL_NOTE, late)
    assert row.topic == "delivery_delay" and row.org_unit_id == desk["office"]
    assert {"소포", "배달", "배송"} <= set(row.tokens.split()) and row.arrived_at == datetime(2026, 11, 3, 10, 5, tzinfo=UTC)
    assert not any("call notes" in line for line in _job(app_ctx))  # analysed once
    with app_ctx() as session:
        session.get(Interaction, late).note = None  # the customer's erasure drops the memo
    assert any("forgot 1" in line for line in _job(app_ctx))
    assert _analysis(app_ctx, TextSource.CALL_NOTE, late) is None


def test_an_intake_case_gets_its_topic_from_the_job_not_in_the_request(app_ctx, client, desk, fresh_models):
    from survey_app.models import Case, TextSource

    answer = client.post("/manage/cases/new", data={"source": "call", "category": "grievance", "priority": "normal",
                                                    "summary": "등기 분실", "detail": "보낸 등기가 분실되었다고 합니다. 보상 절차 안내 요청",
                                                    "org_unit": str(desk["office"])})
    assert answer.status_code == 303
    with app_ctx() as session:
        case_id = session.scalar(select(Case.id).where(Case.summary == "등기 분실"))
    assert _analysis(app_ctx, TextSource.CASE, case_id) is None
    page = html.unescape(client.get(f"/manage/cases/{case_id}").get_data(as_text=True))
    assert "주제를 분석하고 있습니다" in page
    _job(app_ctx)
    row = _analysis(app_ctx, TextSource.CASE, case_id)
    assert row.topic == "loss_damage" and 0 < row.topic_probability <= 1
    page = html.unescape(client.get(f"/manage/cases/{case_id}").get_data(as_text=True))
    assert f"추천 주제: 분실·파손 ({round(100 * row.topic_probability)}%)" in page
    assert "고충" in page  # the legal category is kept apart from the topic


def test_staff_correct_a_suggestion_and_the_retrained_model_predicts_it(app_ctx, client, desk, runner, fresh_models):
    from survey_app.cases.operations import open_case
    from survey_app.models import AuditEvent, Case, TextSource

    with app_ctx():
        first = open_case(source="api", category="simple_inquiry", summary=WRONG, org_unit_id=desk["office"]).id
    _job(app_ctx)
    assert _analysis(app_ctx, TextSource.CASE, first).topic == "delivery_delay"
    answer = client.post(f"/manage/cases/{first}/topic", data={"topic": "online_system"})
    assert answer.status_code == 303
    page = html.unescape(client.get(f"/manage/cases/{first}").get_data(as_text=True))
    assert "확인된 주제: 인터넷우체국·앱 오류" in page and "추천 주제: 배달 지연" in page
    with app_ctx() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "voc.topic_confirmed")).one()
        assert (event.details["from"], event.details["to"]) == ("delivery_delay", "online_system")
        assert session.get(Case, first).category == "simple_inquiry"
    retrained = runner.invoke(args=["voc", "retrain"])
    assert retrained.exit_code == 0 and "1건" in retrained.output, retrained.output
    with app_ctx():
        later = open_case(source="call", category="simple_inquiry", summary=SIMILAR, org_unit_id=desk["office"]).id
    _job(app_ctx)
    row = _analysis(app_ctx, TextSource.CASE, later)
    assert row.topic == "online_system" and row.model.startswith("confirmed-")


def test_the_job_retrains_when_confirmations_changed(app_ctx, client, desk, fresh_models):
    from survey_app.cases.operations import open_case
    from survey_app.models import TextSource

    with app_ctx():
        first = open_case(source="api", category="simple_inquiry", summary=WRONG, org_unit_id=desk["office"]).id
    _job(app_ctx)
    client.post(f"/manage/cases/{first}/topic", data={"topic": "online_system"})
    with app_ctx():
        later = open_case(source="call", category="simple_inquiry", summary=SIMILAR, org_unit_id=desk["office"]).id
    assert any("retrained the topic model with 1" in line for line in _job(app_ctx))
    assert _analysis(app_ctx, TextSource.CASE, later).topic == "online_system"
    assert not any("retrained" in line for line in _job(app_ctx))  # nothing new to learn


def test_confirming_the_suggestion_and_refusing_an_unknown_topic(app_ctx, client, desk, fresh_models):
    from survey_app.cases.operations import open_case
    from survey_app.models import TextSource

    with app_ctx():
        case_id = open_case(source="call", category="simple_inquiry", summary="직원이 불친절하게 응대했어요",
                            org_unit_id=desk["office"]).id
    unknown = client.post(f"/manage/cases/{case_id}/topic", data={"topic": "staff_attitude"}, follow_redirects=True)
    assert "아직 분석되지 않은 글입니다" in html.unescape(unknown.get_data(as_text=True))
    _job(app_ctx)
    bad = client.post(f"/manage/cases/{case_id}/topic", data={"topic": "<b>없는주제"}, follow_redirects=True)
    assert bad.status_code == 200 and "주제를 저장하지 못했습니다" in html.unescape(bad.get_data(as_text=True))
    assert _analysis(app_ctx, TextSource.CASE, case_id).confirmed_topic is None  # nothing changed
    ok = client.post(f"/manage/cases/{case_id}/topic", data={"topic": "staff_attitude"}, follow_redirects=True)
    text = html.unescape(ok.get_data(as_text=True))
    assert "주제를 저장했습니다" in text and "확인된 주제: 직원 응대" in text
    row = _analysis(app_ctx, TextSource.CASE, case_id)
    assert row.confirmed_topic == "staff_attitude" and row.confirmed_by_id == desk["user"]


def test_a_case_outside_my_units_cannot_have_its_topic_changed(app_ctx, client, desk, make_org, fresh_models):
    from survey_app.cases.operations import open_case
    from survey_app.models import TextSource

    busan = make_org(code="P-VS-BS", name="부산우체국")
    with app_ctx():
        case_id = open_case(source="call", category="simple_inquiry", summary="택배가 안 와요", org_unit_id=busan).id
    _job(app_ctx)
    assert client.post(f"/manage/cases/{case_id}/topic", data={"topic": "praise"}).status_code in (403, 404)
    assert _analysis(app_ctx, TextSource.CASE, case_id).confirmed_topic is None


def _voc_page(client, wave_id: int, **args):
    answer = client.get(f"/manage/results/waves/{wave_id}/voc", query_string=args)
    return answer.status_code, html.unescape(answer.get_data(as_text=True))


def test_the_analysis_page_shows_call_notes_and_case_texts_of_the_waves_period(app_ctx, client, make_user, voc_wave,  # noqa: F811
                                                                               fresh_models):
    """설문 응답 / 상담 메모 / VOC 접수 내용: the page analyses the chosen source's texts that arrived while the wave
    ran, of the viewer's units; a viewer without customer records may not choose call notes."""
    from survey_app.cases.operations import open_case
    from survey_app.models import utcnow
    from tests.test_voc import DELAY, RUDE, _analyst

    units = voc_wave["units"]
    for i, text in enumerate(DELAY):
        _note(app_ctx, f"I-P-{i}", f"고객 말씀: {text}. 조회 후 재안내", units["P-VA"])
    for i, text in enumerate(RUDE[:3]):
        _note(app_ctx, f"I-R-{i}", f"{text}. 해당 우체국에 전달", units["P-VB"])
    with app_ctx() as session:
        from survey_app.models import Interaction
        for note in session.scalars(select(Interaction).where(Interaction.external_id.like("I-%"))):
            note.occurred_at = utcnow()
        session.add(Interaction(external_id="I-OLD", occurred_at=utcnow() - __import__("datetime").timedelta(days=400),
                                channel="call", note="직원이 불친절했어요", org_unit_id=units["P-VB"]))
        open_case(source="call", category="grievance", summary="등기 분실", detail="보낸 등기가 분실됐어요",
                  org_unit_id=units["P-VA"])
    _job(app_ctx)
    _analyst(app_ctx, make_user, client)
    status, page = _voc_page(client, voc_wave["wave_id"], source="call_note")
    assert status == 200 and "상담 메모: 이 차수의 조사 기간에 들어온 글을 분석했습니다" in page
    assert "분석한 응답 9건" in page  # the old note is outside the wave's period
    assert '<th scope="row">배달 지연</th>' in page and '<th scope="row">직원 응대</th>' in page
    assert '<option value="call_note" selected>상담 메모</option>' in page and "VOC 접수 내용" in page
    status, page = _voc_page(client, voc_wave["wave_id"], source="call_note", unit=units["P-VA"])
    assert "분석한 응답 6건" in page and '<th scope="row">직원 응대</th>' not in page
    status, page = _voc_page(client, voc_wave["wave_id"], source="case")
    assert "분석한 응답 1건" in page and '<th scope="row">분실·파손</th>' in page
    status, page = _voc_page(client, voc_wave["wave_id"], source="nonsense")
    assert status == 200 and "상담 메모: 이 차수" not in page  # an unknown source shows the answers


def test_a_viewer_without_customer_records_cannot_choose_call_notes(app_ctx, client, make_user, voc_wave, fresh_models):  # noqa: F811
    from survey_app.accounts.operations import grant_role
    from survey_app.models import User
    from tests.test_voc import PASSWORD

    user_id, _ = make_user("voc_exec", PASSWORD)
    with app_ctx() as session:
        grant_role(session.get(User, user_id), "executive", None)
    client.post("/manage/login", data={"username": "voc_exec", "password": PASSWORD})
    status, page = _voc_page(client, voc_wave["wave_id"])
    assert status == 200 and "상담 메모" not in page and "VOC 접수 내용" in page
    assert _voc_page(client, voc_wave["wave_id"], source="call_note")[0] == 403
