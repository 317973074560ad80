"""The app's workbook of a stored wave: ``survey-app export`` and the adapter from the wave result.

Numbers are checked against :func:`survey_app.results.build.wave_result` (what the results page
shows) and against the stored answers; runs on SQLite and on PostgreSQL.
"""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from tests.test_results_support import add_response, seed_hand_wave


def _rows(path, sheet):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def _find(rows, col, value):
    return next(r for r in rows if len(r) > col and r[col] == value)


def _second_wave(app_ctx, ids) -> str:
    """A later wave of the same survey with three complete responses (one with a formula and a phone)."""
    from survey_app.models import Wave

    with app_ctx() as session:
        first = session.get(Wave, ids["wave_id"])
        first.opens_at = datetime(2025, 1, 1, tzinfo=UTC)
        later = Wave(code="W-LATER", name="2차 조사", survey=first.survey, version=first.version, state="open",
                     opens_at=datetime(2025, 4, 1, tzinfo=UTC))
        session.add(later)
        session.flush()
        for answers, office in (({"Q1": 5, "Q2": 5, "Q3": 1, "Q4": 5, "Q5": 5, "Q6": 10, "Q7": 2,
                                  "Q8": "=HYPERLINK(\"http://x\") 010-1234-5678로 연락 주세요"}, "P-A"),
                                ({"Q1": 4, "Q2": 4, "Q3": 2, "Q4": 4, "Q5": 4, "Q6": 9, "Q7": 1}, "P-B"),
                                ({"Q1": 5, "Q2": 4, "Q3": 1, "Q4": 5, "Q5": 5, "Q6": 8, "Q7": 1}, "P-B")):
            add_response(session, later, answers, hidden={"office_code": office, "channel": "sms"})
        return later.code


def test_export_command_writes_the_workbook_and_csv(runner, app_ctx, make_survey, make_org, tmp_path):
    from survey_app.models import Wave
    from survey_app.results.build import wave_result

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    out, raw_csv, book_csv = tmp_path / "w.xlsx", tmp_path / "raw.csv", tmp_path / "codebook.csv"
    answer = runner.invoke(args=["export", ids["wave_code"], "--out", str(out), "--csv", str(raw_csv),
                                 "--codebook-csv", str(book_csv)])
    assert answer.exit_code == 0, answer.output
    assert "원자료 4행" in answer.output
    with app_ctx() as session:
        result = wave_result(session.get(Wave, ids["wave_id"]))
    summary = _rows(out, "요약")
    headline = _find(summary, 0, "종합 지수")
    assert headline[1] == pytest.approx(result.headline.value) and headline[4] == result.n == 4
    nps = _find(summary, 0, "NPS (순추천지수)")
    assert nps[1] == pytest.approx(result.kpis["nps"].score.value)
    rate = _find(summary, 0, "응답률")  # 4 of 6 invitations; the invitations are no response count
    assert rate[1] == pytest.approx(result.response_rate.rate / 100) == pytest.approx(4 / 6)
    assert rate[4] in (None, "") and "초대 6명 중 완료 4명" in rate[-1]
    # The first finding speaks of the headline the table shows (종합 지수), not the first declared
    # index (품질 지수): an executive reading both must find the same number.
    first = next(v for r in summary for v in r if isinstance(v, str) and v.startswith("1. "))
    assert first.startswith(f"1. 종합 지수는 {result.headline.value:.1f}점"), first
    dims = _rows(out, "차원별 점수")
    process = next(d for d in result.dimensions if d.code == "process")
    assert _find(dims, 1, "process")[3:8] == pytest.approx(
        [process.score.value, process.score.se, process.score.ci_low, process.score.ci_high, process.score.n])
    raw = _rows(out, "원자료")
    header = raw[0]
    # Korean headers, each column once, none empty in every row (no weights, no age answers... only what is there)
    assert len(raw) == 5 and header[:4] == ["응답 번호", "완료 시각", "응답 경로", "우체국·조직"]
    assert len(header) == len(set(header)) and "office_code" not in header and "가중치" not in header
    assert all(any(r[j] not in (None, "") for r in raw[1:]) for j in range(len(header)))
    assert [r[header.index("친절")] for r in raw[1:]] == [5, 3, 4, 2]
    assert [r[header.index("우체국·조직")] for r in raw[1:]] == ["P-A", "P-A", "P-B", "P-B"]
    codes = [r[0] for r in _rows(out, "코드북") if r and r[0]]
    assert {"response_id", "office_code", "Q1", "Q8"} <= set(codes) and "weight" not in codes
    q7 = [r for r in _rows(out, "문항별 응답") if r[0] in ("30대 이하", "40대 이상")]
    assert [(r[0], r[1]) for r in q7] == [("30대 이하", 2), ("40대 이상", 1)]
    scale = [(r[0], r[1]) for r in _rows(out, "문항별 응답") if str(r[0]).startswith(("1 (전혀", "2", "3", "4", "5 (매우", "9 (모름"))]
    assert scale[:6] == [("1 (전혀 아니다)", 0), ("2", 1), ("3", 1), ("4", 1), ("5 (매우 그렇다)", 1),
                         ("9 (모름/해당없음)", 0)]  # Q1: every scale point in order, the partial response not counted
    assert any("좋아요" in str(v) for r in _rows(out, "고객의 소리") for v in r)
    lines = list(csv.reader(io.StringIO(raw_csv.read_text(encoding="utf-8-sig"))))
    # the CSV keeps the codes as its header (for analysis software), over the same columns
    assert len(lines) == 5 and len(lines[0]) == len(header) and lines[0][:4] == ["response_id", "finished_at", "channel",
                                                                                 "office_code"]
    assert "Q8" in book_csv.read_text(encoding="utf-8-sig")


def test_later_wave_shows_change_and_keeps_respondent_text_inert(runner, app_ctx, make_survey, make_org, tmp_path):
    from survey_app.models import Wave
    from survey_app.results.build import wave_result

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    code = _second_wave(app_ctx, ids)
    out = tmp_path / "later.xlsx"
    answer = runner.invoke(args=["export", code, "--out", str(out), "--labels"])
    assert answer.exit_code == 0, answer.output
    with app_ctx() as session:
        before = wave_result(session.get(Wave, ids["wave_id"]))
        now = wave_result(session.scalar(select(Wave).where(Wave.code == code)))
    headline = _find(_rows(out, "요약"), 0, "종합 지수")
    assert headline[5] == pytest.approx(before.headline.value)
    assert headline[6] == pytest.approx(now.headline.value - before.headline.value)
    trend = _rows(out, "추이")
    assert _find(trend, 0, "지표")[1:3] == ["테스트 차수", "2차 조사"]
    raw = _rows(out, "원자료")
    comment = raw[1][raw[0].index("의견")]
    assert comment == "'=HYPERLINK(\"http://x\") 010-****-5678로 연락 주세요"  # inert and masked
    assert raw[1][raw[0].index("연령")] == "40대 이상"  # --labels
    voc = [v for r in _rows(out, "고객의 소리") for v in r if isinstance(v, str) and "HYPERLINK" in v]
    assert voc == ["'=HYPERLINK(\"http://x\") 010-****-5678로 연락 주세요"]


def test_export_of_an_unknown_wave_says_so(runner, tmp_path):
    answer = runner.invoke(args=["export", "NO-SUCH-WAVE", "--out", str(tmp_path / "x.xlsx")])
    assert answer.exit_code != 0
    assert "NO-SUCH-WAVE" in answer.output and "Traceback" not in answer.output
    assert not (tmp_path / "x.xlsx").exists()


def test_workbook_input_is_limited_to_the_viewers_units(app_ctx, make_survey, make_org):
    from survey_app.models import Wave
    from survey_app.results.workbook import workbook_input

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx() as session:
        inp = workbook_input(session.get(Wave, ids["wave_id"]), units=[ids["units"]["P-A"]])
        rows = list(inp.raw.rows)
    assert [r[0] for r in rows] == ids["response_ids"][:2]
    assert next(k for k in inp.kpis if k.kind == "count").value == 2
    assert sum(r.count for r in next(t for t in inp.frequencies if t.code == "Q7").rows) == 2


PASSWORD = "Export2026pass"


def _signed_in(app_ctx, client, make_user, username, role, unit_id=None):
    from survey_app.accounts.operations import grant_role
    from survey_app.models import User

    user_id, _ = make_user(username, PASSWORD)
    if role is not None:
        with app_ctx() as session:
            grant_role(session.get(User, user_id), role, unit_id)
    answer = client.post("/manage/login", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 302


def _download_route(app) -> None:
    if "result_exports.workbook" not in app.view_functions:
        pytest.skip("the workbook download is not registered yet (web/__init__.py: result_exports_bp)")


def test_staff_download_the_workbook_and_it_is_audited(app, app_ctx, client, make_user, make_survey, make_org,
                                                        tmp_path):
    from survey_app.models import AuditEvent

    _download_route(app)
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _signed_in(app_ctx, client, make_user, "exec_dl", "executive")
    answer = client.get(f"/manage/results/waves/{ids['wave_id']}/workbook.xlsx")
    assert answer.status_code == 200
    assert answer.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in answer.headers["Content-Disposition"] and ".xlsx" in answer.headers["Content-Disposition"]
    path = tmp_path / "download.xlsx"
    path.write_bytes(answer.get_data())
    assert len(_rows(path, "원자료")) == 5
    with app_ctx() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "results.export")).all()
        assert [(e.object_id, e.actor_name, e.details["rows"]) for e in events] == [(str(ids["wave_id"]), "exec_dl", 4)]


def test_a_regional_viewer_downloads_only_their_units(app, app_ctx, client, make_user, make_survey, make_org,
                                                      tmp_path):
    _download_route(app)
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _signed_in(app_ctx, client, make_user, "analyst_pa", "analyst", ids["units"]["P-A"])
    answer = client.get(f"/manage/results/waves/{ids['wave_id']}/workbook.xlsx")
    assert answer.status_code == 200
    path = tmp_path / "part.xlsx"
    path.write_bytes(answer.get_data())
    raw = _rows(path, "원자료")
    assert [r[raw[0].index("우체국·조직")] for r in raw[1:]] == ["P-A", "P-A"]


def test_download_refused_without_the_permission(app, app_ctx, client, make_user, make_survey, make_org):
    _download_route(app)
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _signed_in(app_ctx, client, make_user, "evaluator_dl", "evaluator")
    assert client.get(f"/manage/results/waves/{ids['wave_id']}/workbook.xlsx").status_code == 403
