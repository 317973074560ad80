"""The app's workbook is complete: dimensions on the trend sheet and stage scores on the courtesy ranking.

Numbers are read back with openpyxl and python-calamine. Trend values are checked against each
wave's :func:`~survey_app.results.build.wave_result`; courtesy stage scores against numbers worked
out here by hand from the seeded checklist levels. Runs on SQLite and on PostgreSQL.
"""
from __future__ import annotations

import zipfile
from dataclasses import replace

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from tests.exports.test_export_app import _second_wave
from tests.test_results_support import add_response, seed_hand_wave


def _both(path, sheet) -> tuple[list[list], list[list]]:
    """The sheet's rows as calamine and as openpyxl read them."""
    cal = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    xl = [list(r) for r in openpyxl.load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True)]
    return cal, xl


def _cell(row, col):
    return row[col] if col < len(row) else None


def _row(rows, name, col=0) -> list:
    return next(r for r in rows if len(r) > col and r[col] == name)


def test_trend_sheet_has_a_row_per_dimension_and_charts_the_headline_alone(app_ctx, make_survey, make_org, tmp_path):
    from survey_app.models import Wave
    from survey_app.results.build import wave_result
    from survey_app.results.workbook import export_wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    code = _second_wave(app_ctx, ids)
    out = tmp_path / "trend.xlsx"
    with app_ctx() as session:
        later = session.scalar(select(Wave).where(Wave.code == code))
        before, now = wave_result(session.get(Wave, ids["wave_id"])), wave_result(later)
        export_wave(later, out)
    assert [p.dimensions for p in now.trend] == [{d.code: d.score.value for d in r.dimensions} for r in (before, now)]
    for rows in _both(out, "추이"):
        assert _row(rows, "지표")[1:3] == ["테스트 차수", "2차 조사"]
        assert _row(rows, "종합 지수")[1:3] == pytest.approx([before.headline.value, now.headline.value])
        for dim in now.dimensions:
            earlier = next(d for d in before.dimensions if d.code == dim.code)
            assert _row(rows, dim.name)[1:4] == pytest.approx([earlier.score.value, dim.score.value,
                                                               dim.score.value - earlier.score.value])
    with zipfile.ZipFile(out) as book:
        charts = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/charts/chart")]
    line = next(c for c in charts if "lineChart" in c and "추이" in c)
    # One readable line (the headline, values on its points) instead of a tangle of overlapping dimension
    # lines whose legend printed on another page.
    assert line.count("<ser>") + line.count("<c:ser>") == 1 and "<legend>" not in line and "<c:legend>" not in line


def test_a_dimension_missing_from_a_wave_is_a_gap_in_its_line(app_ctx, make_survey, make_org):
    from survey_app.models import Wave
    from survey_app.results.build import wave_result
    from survey_app.results.workbook import _trend

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    code = _second_wave(app_ctx, ids)
    with app_ctx() as session:
        now = wave_result(session.scalar(select(Wave).where(Wave.code == code)))
    first, second = now.trend
    trend = _trend(replace(now, trend=(replace(first, dimensions={"process": 40.0, "old": 55.0}), second)))
    lines = {s.name: s.values for s in trend.series}
    assert lines["과정품질"] == (40.0, second.dimensions["process"])
    assert lines["결과품질"] == (None, second.dimensions["outcome"])
    assert lines["old"] == (55.0, None)


# --- courtesy ---------------------------------------------------------------------------------------

POINTS = {"C1_1": ("맞이", 15), "C1_2": ("맞이", 10), "C2_1": ("응대", 10), "C2_2": ("응대", 10),
          "C2_3": ("응대", 15), "C2_4": ("응대", 10), "C3_1": ("마무리", 10), "C3_2": ("마무리", 10),
          "C4": ("전체", 10)}
STAGE_POINTS = {"맞이": 25, "응대": 45, "마무리": 20, "전체": 10}
#: (staff, levels of C1_1 .. C4; None = not rated)
EVALUATIONS = [
    ("김맞이", [5, 5, 4, 4, 4, 4, 5, 5, 5]),
    ("김맞이", [4, None, 5, 5, 3, 4, 4, 4, 4]),
    ("김맞이", [5, 4, 5, 5, 5, 5, 3, 3, 5]),
    ("이응대", [2, 3, 2, 1, 3, 2, 3, 2, 2]),
    ("이응대", [3, 3, None, 2, 2, 2, 3, 3, 3]),
]


def _by_hand(levels: list[int | None]) -> tuple[dict[str, float], float]:
    """Stage percents and the 100-point total: points x (level - 1) / 4 over the rated items."""
    earned, rated = {}, {}
    for (stage, points), level in zip(POINTS.values(), levels, strict=True):
        if level is not None:
            earned[stage] = earned.get(stage, 0) + points * (level - 1) / 4
            rated[stage] = rated.get(stage, 0) + points
    return ({s: earned[s] / rated[s] * 100 for s in rated}, sum(earned.values()) / sum(rated.values()) * 100)


def _expected(names) -> dict[str, tuple[dict[str, float], float]]:
    """Per staff member: mean stage score in points of the stage, and the mean total."""
    out = {}
    for name in names:
        scored = [_by_hand(levels) for who, levels in EVALUATIONS if who == name]
        stages = {s: sum(p[s] for p, _ in scored) / len(scored) * STAGE_POINTS[s] / 100 for s in STAGE_POINTS}
        out[name] = (stages, sum(t for _, t in scored) / len(scored))
    return out


def _seed_courtesy(app_ctx, make_survey, make_org) -> int:
    from questionnaires import load_template
    from survey_app.models import OrgLevel, StaffMember, Wave

    make_org("R-CX", "친절지방청", OrgLevel.REGIONAL)
    offices = {"김맞이": make_org("P-CX1", "가친절우체국", OrgLevel.OFFICE, "R-CX"),
               "이응대": make_org("P-CX2", "나친절우체국", OrgLevel.OFFICE, "R-CX")}
    ids = make_survey(load_template("staff_courtesy").to_dict(), kind="staff_courtesy")
    with app_ctx() as session:
        staff = {}
        for i, (name, office) in enumerate(offices.items()):
            staff[name] = StaffMember(employee_no=f"E-CX-{i}", name=name, org_unit_id=office)
            session.add(staff[name])
        session.flush()
        wave = session.get(Wave, ids["wave_id"])
        for name, levels in EVALUATIONS:
            answers = {"E1": 1, **{code: level for code, level in zip(POINTS, levels, strict=True) if level is not None}}
            add_response(session, wave, answers, subject_staff_id=staff[name].id,
                         subject_org_unit_id=offices[name])
    return ids["wave_id"]


def test_courtesy_sheet_has_stage_scores_totals_ranks_and_flags(app, app_ctx, make_survey, make_org, tmp_path,
                                                                monkeypatch):
    from survey_app.models import Wave
    from survey_app.results.workbook import export_wave

    wave_id = _seed_courtesy(app_ctx, make_survey, make_org)
    monkeypatch.setitem(app.config, "COURTESY_THRESHOLD", 60)
    out = tmp_path / "courtesy.xlsx"
    with app_ctx() as session:
        export_wave(session.get(Wave, wave_id), out)
    expected = _expected(["김맞이", "이응대"])
    for rows in _both(out, "친절도 순위"):
        header = next(r for r in rows if r and r[0] == "순위 (가능 범위)")
        assert header[3:8] == ["맞이 (25점)", "응대 (45점)", "마무리 (20점)", "전체 (10점)", "총점"]
        for name, rank in (("김맞이", "1위"), ("이응대", "—")):  # 이응대 has 2 evaluations: not ranked (minimum 3)
            row = _row(rows, name, 1)
            stages, total = expected[name]
            assert row[2] == sum(1 for who, _ in EVALUATIONS if who == name)
            assert row[3:7] == pytest.approx([stages[s] for s in STAGE_POINTS])
            assert row[7] == pytest.approx(total) and row[0] == rank
        assert "기준 점수 미달" in _row(rows, "이응대", 1)[-1] and "기준 점수 미달" not in (_row(rows, "김맞이", 1)[-1] or "")
        offices = _row(rows, "가친절우체국", 1)
        assert offices[3:8] == pytest.approx([*expected["김맞이"][0].values(), expected["김맞이"][1]])
        assert any(r and str(r[0]).endswith("지방우정청별 순위") for r in rows)


def test_courtesy_page_shows_the_same_stage_percents(app_ctx, make_survey, make_org, client, make_user):
    from survey_app.accounts.operations import grant_role
    from survey_app.models import User

    wave_id = _seed_courtesy(app_ctx, make_survey, make_org)
    user_id, _ = make_user("cx_supervisor", "Courtesy2026pass")
    with app_ctx() as session:
        grant_role(session.get(User, user_id), "executive", None)
    assert client.post("/manage/login", data={"username": "cx_supervisor",
                                              "password": "Courtesy2026pass"}).status_code == 302
    page = client.get(f"/manage/courtesy/waves/{wave_id}/results").get_data(as_text=True)
    stages, _ = _expected(["김맞이"])["김맞이"]
    for stage, points in stages.items():
        assert f"{points / STAGE_POINTS[stage] * 100:.1f}" in page


# --- personal data in open answers -------------------------------------------------------------------

PASSWORD = "Unmask2026pass"
PHONE_TEXT = "=HYPERLINK(\"http://x\") 010-1234-5678로 연락 주세요"


def _sign_in(app_ctx, client, make_user, username, role):
    from survey_app.accounts.operations import grant_role
    from survey_app.models import User

    user_id, _ = make_user(username, PASSWORD)
    with app_ctx() as session:
        grant_role(session.get(User, user_id), role, None)
    assert client.post("/manage/login", data={"username": username, "password": PASSWORD}).status_code == 302


def _wave_id(app_ctx, code) -> int:
    from survey_app.models import Wave

    with app_ctx() as session:
        return session.scalar(select(Wave.id).where(Wave.code == code))


def test_an_admin_who_states_a_purpose_gets_open_answers_unmasked_and_it_is_logged(
        app_ctx, client, make_user, make_survey, make_org, tmp_path):
    from survey_app.models import PersonalDataAccess, PersonalDataSubject

    wave_id = _wave_id(app_ctx, _second_wave(app_ctx, seed_hand_wave(app_ctx, make_survey, make_org)))
    _sign_in(app_ctx, client, make_user, "admin_unmask", "admin")
    url = f"/manage/results/waves/{wave_id}/workbook-unmasked"
    assert "목적" in client.get(url).get_data(as_text=True)
    refused = client.post(url, data={"purpose": " "})
    assert refused.status_code == 400 and refused.mimetype == "text/html"
    answer = client.post(url, data={"purpose": "민원 회신 연락"})
    assert answer.status_code == 200 and answer.mimetype.endswith("spreadsheetml.sheet")
    path = tmp_path / "unmasked.xlsx"
    path.write_bytes(answer.get_data())
    for raw, voc in zip(_both(path, "원자료"), _both(path, "고객의 소리"), strict=True):
        comments = [_cell(r, raw[0].index("의견")) for r in raw[1:]]
        assert "'" + PHONE_TEXT in comments  # unmasked, still inert (not a formula)
        assert any(v == "'" + PHONE_TEXT for r in voc for v in r)
    book = CalamineWorkbook.from_path(str(path))
    cells = [str(v) for name in book.sheet_names for r in book.get_sheet_by_name(name).to_python() for v in r]
    assert any("민원 회신 연락" in c and "admin_unmask" in c for c in cells)
    with app_ctx() as session:
        entry = session.scalars(select(PersonalDataAccess).where(PersonalDataAccess.subject_type == "response")).one()
        subjects = session.scalars(select(PersonalDataSubject.subject_id)
                                   .where(PersonalDataSubject.access_id == entry.id)).all()
    assert (entry.purpose, entry.actor_name, entry.details["unmasked"]) == ("민원 회신 연락", "admin_unmask", True)
    assert len(subjects) == entry.subject_count == 3


def test_the_ordinary_workbook_stays_masked_and_others_may_not_unmask(
        app_ctx, client, make_user, make_survey, make_org, tmp_path):
    wave_id = _wave_id(app_ctx, _second_wave(app_ctx, seed_hand_wave(app_ctx, make_survey, make_org)))
    _sign_in(app_ctx, client, make_user, "exec_masked", "executive")
    assert client.post(f"/manage/results/waves/{wave_id}/workbook-unmasked",
                       data={"purpose": "궁금해서"}).status_code == 403
    path = tmp_path / "masked.xlsx"
    path.write_bytes(client.get(f"/manage/results/waves/{wave_id}/workbook.xlsx").get_data())
    raw = _both(path, "원자료")[0]
    assert "'=HYPERLINK(\"http://x\") 010-****-5678로 연락 주세요" in [_cell(r, raw[0].index("의견")) for r in raw[1:]]


def test_voc_answers_carry_their_segments_by_name_and_the_cover_note_names_the_scale(
        app_ctx, make_survey, make_org, tmp_path):
    from survey_app.models import Wave
    from survey_app.results.workbook import export_wave

    code = _second_wave(app_ctx, seed_hand_wave(app_ctx, make_survey, make_org))
    out = tmp_path / "voc.xlsx"
    with app_ctx() as session:
        export_wave(session.scalar(select(Wave).where(Wave.code == code)), out)
    for voc in _both(out, "고객의 소리"):
        header = next(r for r in voc if "우체국·조직" in r)
        answer = next(r for r in voc if any(isinstance(v, str) and "HYPERLINK" in v for v in r))
        assert answer[header.index("우체국·조직")] == "가우체국" and answer[header.index("연령대")] == "40대 이상"
    cells = [str(v) for rows in _both(out, "요약") for r in rows for v in r if v is not None]
    assert any("5점 척도를 100점으로 환산: (응답 − 1) ÷ 4 × 100" in c for c in cells)
    assert not any("7점 척도" in c for c in cells)


def test_the_unmasked_workbook_holds_only_the_units_the_user_may_unmask(
        app_ctx, client, make_user, make_survey, make_org, tmp_path):
    """Finding: unmask rights for one office opened a nationwide wave; the results-view scope is not enough."""
    from survey_app.accounts.operations import grant_role
    from survey_app.models import PersonalDataAccess, PersonalDataSubject, Response, User

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    user_id, _ = make_user("unmask_one_office", PASSWORD)
    with app_ctx() as session:
        grant_role(session.get(User, user_id), "analyst", None)  # sees every office's results
        grant_role(session.get(User, user_id), "admin", ids["units"]["P-A"])  # may unmask one office only
        offices = {r.id: r.hidden.get("office_code") for r in session.scalars(
            select(Response).where(Response.wave_id == ids["wave_id"], Response.status == "complete"))}
    assert client.post("/manage/login", data={"username": "unmask_one_office", "password": PASSWORD}).status_code == 302
    url = f"/manage/results/waves/{ids['wave_id']}/workbook-unmasked"
    assert "권한이 있는 조직의 응답만" in client.get(url).get_data(as_text=True)
    answer = client.post(url, data={"purpose": "민원 회신 연락"})
    assert answer.status_code == 200 and answer.mimetype.endswith("spreadsheetml.sheet")
    with app_ctx() as session:
        entry = session.scalars(select(PersonalDataAccess).where(PersonalDataAccess.subject_type == "response")).one()
        released = set(session.scalars(select(PersonalDataSubject.subject_id)
                                       .where(PersonalDataSubject.access_id == entry.id)))
    assert released and {offices[int(r)] for r in released} == {"P-A"}
    path = tmp_path / "one_office.xlsx"
    path.write_bytes(answer.get_data())
    raw = _both(path, "원자료")[0]
    assert len(raw) - 1 == len(released)


def test_each_office_shows_its_change_since_the_last_wave(app_ctx, make_survey, make_org, tmp_path):
    """Reference: compare.wave_change on the two waves' office scores (what the results pages show),
    Holm-adjusted over the offices with compare.adjust_pvalues; an office with fewer than SMALL_N answers in
    either wave is never called significant."""
    from analysis import compare
    from analysis.results import SMALL_N
    from survey_app.models import Wave
    from survey_app.results.build import wave_result
    from survey_app.results.workbook import export_wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    code = _second_wave(app_ctx, ids)
    out = tmp_path / "offices.xlsx"
    with app_ctx() as session:
        later = session.scalar(select(Wave).where(Wave.code == code))
        before, now = wave_result(session.get(Wave, ids["wave_id"])), wave_result(later)
        export_wave(later, out)
    office = lambda result: {r.name: r.score for r in next(t for t in result.segments if t.segment == "office_code").rows}  # noqa: E731
    was, is_ = office(before), office(now)
    tests = {name: compare.wave_change(is_[name].as_estimate(), was[name].as_estimate()) for name in is_}
    adjusted = dict(zip(tests, compare.adjust_pvalues([t.pvalue for t in tests.values()]).adjusted, strict=True))
    for rows in _both(out, "세그먼트"):
        header = _row(rows, "구분")
        prev, change = header.index("지난 차수"), header.index("지난 차수 대비 변화")
        for name in ("가우체국", "나우체국"):
            row = _row(rows, name, 1)
            assert row[prev] == pytest.approx(was[name].value)
            assert row[change] == pytest.approx(is_[name].value - was[name].value)
            verdict = row[header.index("변화 유의성")]
            judged = min(is_[name].n, was[name].n) >= SMALL_N  # fewer answers: shown, never called significant
            assert verdict.startswith(("▲", "▼") if judged and adjusted[name] < 0.05 else "유의한 변화 없음")
