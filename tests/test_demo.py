"""`survey-app demo`: a working demo database, made once, never duplicated."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import String, func, select

from survey_app import create_app
from survey_app.database import db
from survey_app.models import (
    Answer,
    Contact,
    Customer,
    Interaction,
    Invitation,
    Order,
    OrgUnit,
    Response,
    ResponseStatus,
    StaffMember,
    Survey,
    User,
    Wave,
)
from tests.test_cli import survey_app


def table_counts(app) -> dict[str, int]:
    with app.app_context():
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
                for model in (OrgUnit, StaffMember, User, Survey, Wave, Response, Answer, Customer, Order, Interaction)}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Run the demo twice in one instance folder; returns (first output, second output, app)."""
    instance = tmp_path_factory.mktemp("demo")
    env = {"SURVEY_INSTANCE_PATH": str(instance), "SURVEY_BASE_URL": "https://survey.example.kr/"}
    first = survey_app("demo", "--no-serve", env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    app = create_app({"INSTANCE_PATH": str(instance), "TESTING": True, "WTF_CSRF_ENABLED": False})
    before = table_counts(app)
    second = survey_app("demo", "--no-serve", env=env, timeout=300)
    assert second.returncode == 0, second.stderr
    yield first.stdout, second.stdout, app, before
    app.extensions["survey_engine"].dispose()


def test_demo_without_serving_prints_links_on_the_configured_base_url(demo):
    """Issue 23: with --no-serve the links printed were on 127.0.0.1:5000 whatever SURVEY_BASE_URL said."""
    first, second, _app, _ = demo
    links = re.findall(r"https?://\S+", first + second)
    assert len(links) >= 4
    assert all(link.startswith("https://survey.example.kr/") for link in links), links
    assert "https://survey.example.kr/manage/login" in first


def test_demo_seeds_two_waves_with_a_few_thousand_responses(demo):
    _first, _second, app, counts = demo
    assert counts["OrgUnit"] >= 30 and counts["StaffMember"] >= 100 and counts["Wave"] == 3
    with app.app_context():
        per_wave = dict(db.session.execute(
            select(Wave.code, func.count(Response.id)).join(Response).where(Response.status == ResponseStatus.COMPLETE)
            .where(Wave.code.like("CS-POSTAL-%")).group_by(Wave.code)).all())
        regions = db.session.scalar(select(func.count(OrgUnit.id)).where(OrgUnit.level == "regional"))
    assert len(per_wave) == 2 and sum(per_wave.values()) >= 2000 and regions == 9
    with app.app_context():
        from survey_app.results.loading import response_counts

        rates = [response_counts(wave.id).rate for wave in db.session.scalars(select(Wave).where(
            Wave.code.like("CS-POSTAL-%")))]
    assert all(20 < rate < 60 for rate in rates)  # SMS and e-mail answers come from invitations, as in a campaign


def test_demo_has_a_month_of_courtesy_evaluations_to_rank(demo):
    first, _second, app, _ = demo
    with app.app_context():
        wave = db.session.scalar(select(Wave).where(Wave.code == "CS-COURTESY-2026-11"))
        evaluations = list(db.session.scalars(select(Response).where(Response.wave_id == wave.id)))
        units = {r.subject_org_unit_id for r in evaluations}
        channels = {r.channel for r in evaluations}
        staff_names = {r.subject_staff_id: db.session.get(StaffMember, r.subject_staff_id).name for r in evaluations}
        named = {r.subject_staff_id: db.session.scalar(select(Answer.value_text).where(
            Answer.response_id == r.id, Answer.question_code == "E3")) for r in evaluations}
    assert len(evaluations) >= 60 and all(r.status == ResponseStatus.COMPLETE for r in evaluations)
    assert len(units) >= 30 and channels == {"counter", "phone"} and named == staff_names
    password = re.search(r"admin / (\S+)", first).group(1)
    client = app.test_client()
    client.post("/manage/login", data={"username": "admin", "password": password})
    page = client.get(f"/manage/courtesy/waves/{wave.id}/results").get_data(as_text=True)
    assert 'id="offices-counter"' in page and 'id="staff-phone"' in page
    assert re.search(r"<td>1(~\d+)?위</td>", page)  # ranks as far as a few evaluations per office allow


def test_running_demo_twice_adds_nothing(demo):
    first, second, app, before = demo
    assert table_counts(app) == before
    assert "shown once" in first and "shown once" not in second and "이미 있습니다" in second


def test_demo_prints_working_links_and_an_admin_password(demo):
    first, second, app, _ = demo
    password = re.search(r"admin / (\S+)", first).group(1)
    personal = re.search(r"/s/(\S+)", first).group(1)
    again = re.search(r"/s/(\S+)", second).group(1)
    open_key = re.search(r"/o/(\w+)", first).group(1)
    assert again != personal  # a fresh link on every run: one answered since the last run cannot be answered again
    client = app.test_client()
    assert client.get("/").status_code == 200 and client.get("/manage/login").status_code == 200
    assert client.get(f"/s/{personal}").status_code == 303 and client.get(f"/s/{again}").status_code == 303
    with app.app_context():
        from survey_app.models import Invitation, hash_token

        fresh = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(again)))
        assert fresh is not None and db.session.scalar(select(func.count(Response.id)).where(
            Response.invitation_id == fresh.id)) == 0  # unused
    assert client.get(f"/o/{open_key}").status_code == 303
    assert _printed_office_link_is_signed(app, first)
    signed_in = client.post("/manage/login", data={"username": "admin", "password": password}, follow_redirects=True)
    assert signed_in.status_code == 200 and "CS-POSTAL" in client.get("/manage/").get_data(as_text=True)


def test_demo_answers_follow_the_questionnaires_logic(demo):
    _first, _second, app, _ = demo
    with app.app_context():
        said_no = select(Answer.response_id).where(Answer.question_code == "SQ1", Answer.value_num == 2)
        answered_after_no = db.session.scalar(select(func.count(Answer.response_id)).where(
            Answer.response_id.in_(said_no), Answer.question_code.like("Q%")))
    assert answered_after_no == 0


def test_demo_scale_answers_are_stored_as_the_respondent_pages_store_them(demo):
    """Each scale point's count in the frequency tables (page and workbook): the demo once stored scale
    answers without their choice code, so every 7-point question showed only its 모름 answers, at 100%."""
    from survey_app.results.export_data import frequencies

    _first, _second, app, _ = demo
    with app.app_context():
        wave = db.session.scalar(select(Wave).where(Wave.code == "CS-POSTAL-2026Q4"))
        scored = db.session.scalar(select(func.count(Answer.response_id)).join(Response).where(
            Response.wave_id == wave.id, Response.status == ResponseStatus.COMPLETE, Answer.question_code == "Q2_1"))
        tables = {t.code: t for t in frequencies(wave.id, wave.version.questionnaire)}
    q2_1 = tables["Q2_1"]
    assert q2_1.n == scored > 500 and sum(r.count for r in q2_1.rows) == scored
    assert max(q2_1.rows, key=lambda r: r.count).label.startswith(("5", "6", "7"))  # satisfied, not 모름


def test_demo_open_answers_are_analysed_with_real_themes(demo):
    """The demo's comments are Korean VOC, analysed on seeding: several themes, masked names, and the second
    wave's new complaint (the app update) found as an emerging word against the first wave."""
    from survey_app.models import TextAnalysis
    from survey_app.voc.report import wave_voc

    first, _second, app, _ = demo
    with app.app_context():
        wave = db.session.scalar(select(Wave).where(Wave.code == "CS-POSTAL-2026Q4"))
        texts = db.session.scalar(select(func.count()).select_from(Answer).join(Response).where(
            Response.wave_id == wave.id, Response.status == ResponseStatus.COMPLETE, Answer.question_code == "Q10"))
        assert db.session.scalar(select(func.count(TextAnalysis.id)).where(
            TextAnalysis.wave_id == wave.id, TextAnalysis.source_code == "Q10")) == texts  # every comment, once
        analysed = db.session.scalar(select(func.count(TextAnalysis.id)).where(TextAnalysis.wave_id == wave.id))
        report = wave_voc(wave)
    assert report.n == analysed >= texts > 200 and len(report.themes) >= 6  # comments and 기타 texts
    assert {"praise", "delivery_delay", "online_system"} <= {t.code for t in report.themes}
    assert "업데이트" in {t.term for t in report.emerging} and report.emerging_basis == "earlier_waves"
    assert len(report.offices) >= 3
    password = re.search(r"admin / (\S+)", first).group(1)
    client = app.test_client()
    client.post("/manage/login", data={"username": "admin", "password": password})
    page = client.get(f"/manage/results/waves/{wave.id}/voc").get_data(as_text=True)
    assert "인터넷우체국·앱 오류" in page and "업데이트" in page


def _printed_office_link_is_signed(app, printed: str) -> bool:
    """The demo's counter QR link names 광화문 office with this app's signature."""
    from urllib.parse import parse_qsl, urlsplit

    from survey_app.demo_surveys import WAVES
    from survey_app.distribution.office_links import signed_place
    from survey_app.models import WaveState

    link = re.search(r"창구 QR \(office counter link\): (\S+)", printed).group(1)
    wave_code = next(code for code, _n, _o, _c, state, _k, _s in WAVES if state == WaveState.OPEN)
    with app.test_request_context():
        return signed_place(wave_code, dict(parse_qsl(urlsplit(link).query)))["office_code"] == "P-GWANGHWAMUN"


def test_demo_has_a_customer_base_with_orders_calls_and_answered_surveys(demo):
    """20,000 customers; orders peak before 설 and 추석 and most buyers buy rarely; calls; survey answers
    resolve to customers through their invitations; regions follow the population (경인 largest, 제주 smallest)."""
    _first, _second, app, counts = demo
    assert counts["Customer"] == 20_000 and counts["Order"] > 20_000 and counts["Interaction"] > 5_000
    with app.app_context():
        month = func.substr(func.cast(Order.ordered_at, String), 1, 7)
        monthly = dict(db.session.execute(select(month, func.count()).group_by(month)).all())
        per_buyer = list(db.session.scalars(select(func.count()).select_from(Order).group_by(Order.customer_id)))
        by_region = dict(db.session.execute(select(Customer.region, func.count()).group_by(Customer.region)).all())
        answered = db.session.scalar(
            select(func.count(func.distinct(Contact.customer_id))).join(Invitation, Invitation.contact_id == Contact.id)
            .join(Response, Response.invitation_id == Invitation.id).where(Response.status == ResponseStatus.COMPLETE))
    typical = sorted(monthly.values())[len(monthly) // 2]
    assert monthly["2025-01"] > 1.5 * typical and monthly["2025-09"] > 1.5 * typical  # 설 2025-01-29, 추석 2025-10-06
    assert sum(n == 1 for n in per_buyer) > len(per_buyer) / 4  # a long tail of one-time buyers
    assert max(by_region, key=by_region.get) == "R-GYEONGIN" and min(by_region, key=by_region.get) == "R-JEJU"
    assert answered > 500
def test_demo_results_have_the_structure_of_a_real_quarter(demo):
    """Dimensions that differ and a driver that matters — found by the same tests the results page uses —
    ages shaped like counter customers, and 기타 answers that say what they were."""
    from survey_app.demo_responses import DIMENSION_LEVEL
    from survey_app.results.build import wave_result
    from survey_app.results.export_data import frequencies

    _first, _second, app, _ = demo
    with app.app_context():
        wave = db.session.scalar(select(Wave).where(Wave.code == "CS-POSTAL-2026Q4"))
        result = wave_result(wave)
        ages = next(t for t in frequencies(wave.id, wave.version.questionnaire) if t.code == "DQ1")
        chose_other = db.session.scalar(select(func.count()).select_from(Answer).where(
            Answer.question_code == "SQ2", Answer.choice == "6"))
        other_texts = list(db.session.scalars(select(Answer.value_text).where(Answer.question_code == "SQ2_other")))
    standing = {d.code: d.standing for d in result.dimensions}
    assert standing["process"] == "above" and standing["environment"] == "below"  # as DIMENSION_LEVEL puts them
    scores = {d.code: d.score.value for d in result.dimensions if d.code in DIMENSION_LEVEL}
    assert max(scores.values()) - min(scores.values()) > 8  # not 72.7-73.7 any more
    top = max(result.drivers.rows, key=lambda r: r.relative_share)
    assert top.dimension == "process" and top.settled
    assert [i.code for i in result.drivers.items if i.priority] == ["Q1_4"]  # the quarter's pain point: waiting
    shares = {r.label: r.percent for r in ages.rows}
    assert shares["만 19세 이하"] < 5 and shares["70세 이상"] > 8 and max(shares, key=shares.get) in ("50대", "60대")
    assert 0 < chose_other < 0.1 * result.n and len(other_texts) == chose_other and all(t.strip() for t in other_texts)


def test_demo_opens_voc_cases_in_several_states_some_overdue(demo):
    from survey_app.cases.operations import seoul_today
    from survey_app.models import Case, CaseAnswer

    app = demo[2]
    with app.app_context():
        cases = list(db.session.scalars(select(Case)))
        today = seoul_today()
        by_source = {c.source for c in cases}
        statuses = {c.status for c in cases}
        overdue = [c for c in cases if c.is_overdue_on(today)]
        attached = db.session.scalar(select(func.count(CaseAnswer.id)))
        recovered = [c for c in cases if c.recovered]
        from_responses = sum(c.source == "response" for c in cases)
    assert len(cases) >= 50 and by_source == {"response", "call"}  # a quarter's worth from detractors and calls
    assert {"received", "assigned", "in_progress", "answered", "closed"} <= statuses
    assert overdue and attached >= from_responses > 0 and recovered  # each response's case carries its answers
    assert all(c.root_cause and c.resolution for c in cases if c.status == "closed")


def test_demo_distribution_pages_agree_with_the_funnel(demo):
    """Issue 21: the funnel said 1,747 sent while the plan said "없음" and the queue "보냄 0" (the demo wrote
    invitations without the plan and outbox rows the app keeps when it sends); the contacts page said
    "연락처가 없습니다". Each wave's plan, queue and funnel now count the same messages."""
    from survey_app.distribution.funnel import wave_funnel

    first, _second, app, _ = demo
    password = re.search(r"admin / (\S+)", first).group(1)
    client = app.test_client()
    client.post("/manage/login", data={"username": "admin", "password": password})
    index = client.get("/manage/distribution/").get_data(as_text=True)
    with app.app_context():
        waves = list(db.session.scalars(select(Wave).where(Wave.code.like("CS-POSTAL-%"))))
        sent = {wave.id: wave_funnel(wave.id).total.counts["sent"] for wave in waves}
    for wave in waves:
        row = re.search(rf"<td>{wave.code}</td>.*?</tr>", index, re.S).group(0)
        assert "없음" not in row and "발송 완료" in row, row
        page = client.get(f"/manage/distribution/waves/{wave.id}/funnel").get_data(as_text=True)
        assert sent[wave.id] > 1000 and f"보냄 {sent[wave.id]:,}" in page, page[:2000]
        assert re.search(rf'<td class="num">{sent[wave.id]:,}</td>', page)  # the funnel's own 발송 column
    contacts = client.get("/manage/contacts/").get_data(as_text=True)
    assert "연락처가 없습니다" not in contacts and contacts.count('href="/manage/contacts/') >= 20


def test_demo_sets_targets_met_missed_and_undecided_and_weights_to_believable_margins(demo):
    """The results page of the open wave shows targets of all three outcomes and a weighted estimate whose
    margins the demo's answers have (regions, age bands, customer types), with a modest design effect."""
    from survey_app.results.build import wave_result
    from survey_app.results.targets import target_checks

    app = demo[2]
    with app.app_context():
        wave = db.session.scalar(select(Wave).where(Wave.code == "CS-POSTAL-2026Q4"))
        result = wave_result(wave)
        statuses = [c.status for c in target_checks(result, wave.survey)]
    assert {"met", "not_met", "undecided"} <= set(statuses) and statuses.count("undecided") == 1
    weighting = result.weighting
    assert weighting is not None and weighting.converged
    assert set(weighting.variables) == {"지역(지방우정청)", "연령대", "고객 구분"}
    assert 1.0 < weighting.design_effect < 1.5 and weighting.effective_n < result.n
    assert all(abs(s.weighted_share - s.population_share) < 0.01 for s in weighting.shares)
    assert max(abs(s.sample_share - s.population_share) for s in weighting.shares) > 2  # something to correct


def test_demo_cases_have_sent_replies_and_an_interim_notice_in_the_outbox(demo):
    from survey_app.models import CaseEvent, OutboxMessage

    with demo[2].app_context():
        replies = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "case_reply")))
        notices = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "interim_notice")))
        sent_lines = db.session.scalar(select(func.count(CaseEvent.id)).where(CaseEvent.kind == "message_sent"))
    assert len(replies) >= 5 and {m.status for m in replies} == {"sent"} and sent_lines == len(replies)
    assert all(m.case_id and m.wave_id is None and "{이름}" in m.body for m in replies)
    assert len(notices) == 1 and notices[0].status == "pending" and "연장" in notices[0].body


def test_demo_call_notes_and_cases_are_analysed_with_suggested_topics(demo):
    """Every call note and case description of the demo is analysed once on seeding; notes read as Korean VOC
    (several topics, loss/damage notes mostly read as 분실·파손), and each case shows its suggested topic."""
    from survey_app.models import Case, TextAnalysis, TextSource

    first, _second, app, _ = demo
    with app.app_context():
        notes = db.session.scalar(select(func.count(Interaction.id)).where(Interaction.note.is_not(None)))
        analysed = dict(db.session.execute(select(TextAnalysis.source_kind, func.count(TextAnalysis.id))
                                           .group_by(TextAnalysis.source_kind)).all())
        cases = db.session.scalar(select(func.count(Case.id)))
        damage = db.session.execute(select(TextAnalysis.topic, func.count()).join(
            Interaction, Interaction.id == TextAnalysis.source_id).where(
            TextAnalysis.source_kind == TextSource.CALL_NOTE, Interaction.topic_code == "loss_damage")
            .group_by(TextAnalysis.topic)).all()
        topics = set(db.session.scalars(select(TextAnalysis.topic).where(TextAnalysis.source_kind == TextSource.CALL_NOTE)))
        case_id = db.session.scalar(select(Case.id).order_by(Case.id))
    assert analysed[TextSource.CALL_NOTE] == notes > 5_000 and analysed[TextSource.CASE] == cases
    assert len(topics) >= 6 and max(damage, key=lambda row: row[1])[0] == "loss_damage"
    password = re.search(r"admin / (\S+)", first).group(1)
    client = app.test_client()
    client.post("/manage/login", data={"username": "admin", "password": password})
    page = client.get(f"/manage/cases/{case_id}").get_data(as_text=True)
    assert "추천 주제: " in page and "%)" in page
