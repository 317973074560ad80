"""VOC analysis in the app: the job stores analyses once, the page shows themes, the workbook has VOC 주제,
``survey-app voc classify`` reads UTF-8/CP949 and writes UTF-8 with BOM, suggest_topic for other features."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from tests.test_results_support import SMALL, add_response

PASSWORD = "Voc2026pass!"
DELAY = ["택배가 일주일째 안 와요", "배달이 너무 늦어요 벌써 닷새째입니다", "등기가 아직도 도착하지 않았어요",
         "배송 조회가 사흘째 멈춰 있어요", "도착 예정일이 지났는데 배달이 안 됐어요", "소포가 너무 늦게 왔어요"]
RUDE = ["창구 직원이 너무 불친절했어요", "직원이 짜증을 내며 응대했어요", "상담원이 말을 끊고 퉁명스럽게 답했어요",
        "직원분 태도가 고압적이었습니다", "직원이 반말로 응대해서 기분이 상했어요", "창구 직원이 설명도 없이 서류를 던졌어요"]
PRIVATE = "김철수 주무관님이 불친절했어요 연락은 010-1234-5678 로 주세요"


@pytest.fixture
def voc_wave(app_ctx, make_survey, make_org):
    """The small survey's wave: 가우체국 writes about late delivery, 나우체국 about rude staff; one partial."""
    from survey_app.models import OrgLevel, Wave

    ids = make_survey(SMALL.to_dict(), code="VOC-SMALL")
    make_org("R-VOC", "VOC지방우정청", OrgLevel.REGIONAL)
    ids["units"] = {"P-VA": make_org("P-VA", "가우체국", OrgLevel.OFFICE, "R-VOC"),
                    "P-VB": make_org("P-VB", "나우체국", OrgLevel.OFFICE, "R-VOC")}
    with app_ctx() as session:
        wave = session.get(Wave, ids["wave_id"])
        for text in DELAY:
            add_response(session, wave, {"Q1": 2, "Q8": text}, hidden={"office_code": "P-VA"})
        for text in RUDE + [PRIVATE]:
            add_response(session, wave, {"Q1": 2, "Q8": text}, hidden={"office_code": "P-VB"})
        add_response(session, wave, {"Q1": 4}, hidden={"office_code": "P-VA"})  # no text
        add_response(session, wave, {"Q8": "배달이 늦어요"}, status="partial", hidden={"office_code": "P-VA"})
    return ids


def _analyse(app_ctx) -> int:
    from survey_app.voc.jobs import analyse_new_answers

    with app_ctx():
        return analyse_new_answers(batch=100)


def test_the_job_stores_each_complete_text_answer_once(app_ctx, voc_wave):
    from survey_app.models import TextAnalysis

    assert _analyse(app_ctx) == len(DELAY) + len(RUDE) + 1  # not the partial response's, not the numeric ones
    assert _analyse(app_ctx) == 0  # analysed once
    with app_ctx() as session:
        rows = session.scalars(select(TextAnalysis).order_by(TextAnalysis.id)).all()
        assert {r.wave_id for r in rows} == {voc_wave["wave_id"]}
        assert [r.topic for r in rows[:6]].count("delivery_delay") >= 5
        assert [r.topic for r in rows[6:12]].count("staff_attitude") >= 5
        assert all(r.sentiment == "부정" for r in rows[:12])
        assert rows[0].org_unit_id == voc_wave["units"]["P-VA"] and rows[6].org_unit_id == voc_wave["units"]["P-VB"]
        assert "택배" in rows[0].words
        private = rows[-1]
        assert "010-****-5678" in private.quote and "김*수" in private.quote and "김철수" not in private.quote
        assert "김철수" not in private.tokens  # a person's name is never stored as a word


def test_analyses_of_deleted_answers_are_forgotten(app_ctx, voc_wave):
    from survey_app.models import Response, TextAnalysis
    from survey_app.voc.jobs import forget_deleted_answers

    _analyse(app_ctx)
    with app_ctx() as session:
        victim = session.scalars(select(Response).where(Response.wave_id == voc_wave["wave_id"])).first()
        session.delete(victim)
        session.flush()
        assert forget_deleted_answers() == 1
        assert session.scalar(select(func.count()).select_from(TextAnalysis)) == len(DELAY) + len(RUDE)


def _analyst(app_ctx, make_user, client, unit_id=None) -> None:
    from survey_app.accounts.operations import grant_role
    from survey_app.models import User

    user_id, _ = make_user("voc_analyst", PASSWORD)
    with app_ctx() as session:
        grant_role(session.get(User, user_id), "analyst", unit_id)
    answer = client.post("/manage/login", data={"username": "voc_analyst", "password": PASSWORD})
    assert answer.status_code == 302


def test_the_page_shows_themes_quotes_office_words_and_sentiment(app_ctx, client, make_user, voc_wave):
    _analyse(app_ctx)
    _analyst(app_ctx, make_user, client)
    wave_page = client.get(f"/manage/results/waves/{voc_wave['wave_id']}").get_data(as_text=True)
    assert f"/manage/results/waves/{voc_wave['wave_id']}/voc" in wave_page
    page = client.get(f"/manage/results/waves/{voc_wave['wave_id']}/voc")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "분석한 응답 13건" in html
    assert '<th scope="row">배달 지연</th>' in html and '<th scope="row">직원 응대</th>' in html
    assert "“택배가 일주일째 안 와요”" in html or "“배달이 너무 늦어요 벌써 닷새째입니다”" in html
    assert "010-1234-5678" not in html and "김철수" not in html
    assert '<th scope="row">가우체국</th>' in html and '<th scope="row">나우체국</th>' in html
    offices = html.split('id="offices-h"', 1)[1].split("</section>", 1)[0]
    row_a = offices.split('<th scope="row">가우체국</th>', 1)[1].split("</tr>", 1)[0]
    assert "배달" in row_a or "택배" in row_a or "늦다" in row_a
    assert '<th scope="row">부정</th><td class="num">13</td><td class="num">100.0</td>' in html
    assert "style=" not in html and "<script" not in html


def test_the_page_for_one_office_and_a_limited_viewer(app_ctx, client, make_user, voc_wave):
    _analyse(app_ctx)
    _analyst(app_ctx, make_user, client, voc_wave["units"]["P-VB"])
    html = client.get(f"/manage/results/waves/{voc_wave['wave_id']}/voc").get_data(as_text=True)
    assert "분석한 응답 7건" in html and "조회 범위" in html
    assert '<th scope="row">배달 지연</th>' not in html
    other = client.get(f"/manage/results/waves/{voc_wave['wave_id']}/voc?unit={voc_wave['units']['P-VA']}")
    assert other.status_code == 404  # a unit outside the viewer's grant


def test_the_page_filters_by_unit(app_ctx, client, make_user, voc_wave):
    _analyse(app_ctx)
    _analyst(app_ctx, make_user, client)
    html = client.get(f"/manage/results/waves/{voc_wave['wave_id']}/voc?unit={voc_wave['units']['P-VA']}"
                      ).get_data(as_text=True)
    assert "분석한 응답 6건" in html and "가우체국" in html and '<th scope="row">직원 응대</th>' not in html


def test_the_page_before_analysis_says_texts_are_waiting(app_ctx, client, make_user, voc_wave):
    _analyst(app_ctx, make_user, client)
    html = client.get(f"/manage/results/waves/{voc_wave['wave_id']}/voc").get_data(as_text=True)
    assert "분석된 주관식 응답이 아직 없습니다" in html and "13건" in html


def test_emerging_words_against_the_earlier_wave(app_ctx, voc_wave):
    """A second wave where 파손 (broken parcels) appears in half the answers: it is an emerging word."""
    from survey_app.models import Survey, Wave
    from survey_app.voc.report import wave_voc

    with app_ctx() as session:
        first = session.get(Wave, voc_wave["wave_id"])
        first.opens_at = first.created_at - timedelta(days=90)
        for i in range(30):
            add_response(session, first, {"Q8": DELAY[i % 6]}, hidden={"office_code": "P-VA"})
        survey = session.get(Survey, voc_wave["survey_id"])
        second = Wave(code="W-VOC-2", name="2차", survey=survey, version=first.version, state="open",
                      opens_at=first.created_at)
        session.add(second)
        session.flush()
        for i in range(40):
            text = "상자가 찢어지고 물건이 파손돼서 왔어요" if i % 2 else DELAY[i % 6]
            add_response(session, second, {"Q8": text}, hidden={"office_code": "P-VA"})
        second_id = second.id
    _analyse(app_ctx)
    with app_ctx() as session:
        report = wave_voc(session.get(Wave, second_id))
        terms = {t.term for t in report.emerging}
        assert report.emerging_basis == "earlier_waves"
        assert "파손" in terms and "택배" not in terms
        assert report.themes[0].code in ("delivery_delay", "loss_damage")


def test_the_workbook_has_a_voc_topic_sheet_with_a_chart(app_ctx, voc_wave, tmp_path):
    from survey_app.models import Wave
    from survey_app.results.workbook import export_wave

    _analyse(app_ctx)
    path = tmp_path / "voc.xlsx"
    with app_ctx() as session:
        summary = export_wave(session.get(Wave, voc_wave["wave_id"]), path)
    assert "VOC 주제" in summary.sheets
    sheet = openpyxl.load_workbook(path)["VOC 주제"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] in ("배달 지연", "직원 응대")]
    counts = {r[0]: r[1] for r in rows}
    assert counts["배달 지연"] >= 5 and counts["직원 응대"] >= 5 and sum(counts.values()) <= 13
    assert all(0 < r[2] <= 1 for r in rows)  # shares as fractions shown in percent
    assert len(sheet._charts) == 1
    assert not any("010-1234" in str(v) for r in sheet.iter_rows(values_only=True) for v in r)


def test_suggest_topic_for_other_features(app):
    from survey_app.voc.analyser import suggest_topic

    with app.app_context():
        found = suggest_topic("우체국앱 로그인이 계속 안 돼요")
    assert found.topic == "online_system" and found.name == "인터넷우체국·앱 오류" and 0.3 < found.probability <= 1
    assert found.sentiment == "부정"


def test_a_confirmed_topic_is_audited_and_retrains_the_model(app, app_ctx, voc_wave):
    from survey_app.models import AuditEvent, TextAnalysis, TextSource
    from survey_app.voc.analyser import analyse_texts, retrain_topic_model
    from survey_app.voc.operations import TopicError, confirm_topic

    _analyse(app_ctx)
    text = DELAY[2]
    with app_ctx() as session:
        row = session.scalars(select(TextAnalysis).order_by(TextAnalysis.id)).all()[2]
        assert row.topic != "misdelivery"
        with pytest.raises(TopicError):
            confirm_topic(TextSource.ANSWER, row.source_id, "no_such_topic", None, source_code=row.source_code)
        confirm_topic(TextSource.ANSWER, row.source_id, "misdelivery", None, source_code=row.source_code)
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "voc.topic_confirmed")).one()
        assert event.details["to"] == "misdelivery"
        assert analyse_texts([text])[0].model == "seed"  # until the model is retrained
        assert retrain_topic_model() == 1
        result = analyse_texts([text])[0]
        assert result.topic == "misdelivery" and result.model.startswith("confirmed-")
        session.rollback()
        assert retrain_topic_model() == 0 and analyse_texts([text])[0].model == "seed"  # none left: the seed model


def _write(path, rows, encoding):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp949", "utf-8"])
def test_voc_classify_command(runner, tmp_path, encoding):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    _write(source, [["id", "text"], ["1", "택배가 일주일째 안 와요"], ["2", "=HYPERLINK(\"x\")"], ["3", ""],
                    ["4", "직원분이 친절하게 도와주셔서 감사합니다"]], encoding)
    result = runner.invoke(args=["voc", "classify", str(source), "--out", str(target)])
    assert result.exit_code == 0, result.output
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0]["topic"] == "delivery_delay" and rows[0]["sentiment"] == "부정" and 0 < float(rows[0]["probability"]) <= 1
    assert rows[0]["topic_name"] == "배달 지연"
    assert rows[3]["topic"] == "praise" and rows[3]["sentiment"] == "긍정"
    assert rows[1]["text"].startswith("'=")  # no formula reaches the analyst's spreadsheet


def test_voc_classify_refuses_a_file_without_text_column(runner, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,내용\n1,택배\n", encoding="utf-8")
    result = runner.invoke(args=["voc", "classify", str(source), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code != 0 and "'text' 열이 없습니다" in result.output
    source.write_bytes(b"\xff\xfe\x00\x00garbage\x81")
    result = runner.invoke(args=["voc", "classify", str(source), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code != 0 and "UTF-8 또는 CP949" in result.output


def test_the_scheduler_runs_the_voc_job_and_the_command_does_it_once(app, runner, voc_wave):
    from survey_app.distribution.scheduler import VOC_JOB, build_scheduler

    job = build_scheduler(app, 60).get_job(VOC_JOB)
    assert job is not None and job.trigger.interval.total_seconds() == app.config["VOC_ANALYSIS_SECONDS"] == 60
    first = runner.invoke(args=["voc", "analyse"])
    assert first.exit_code == 0 and "analysed 13 answers" in first.output
    again = runner.invoke(args=["voc", "analyse"])
    assert again.exit_code == 0 and "분석할 새 응답이 없습니다" in again.output
