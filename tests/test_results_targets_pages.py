"""Targets per index and weighting margins as staff set them, and what the results page and workbook show.

Runs on SQLite and PostgreSQL. The judgement (달성/미달/판단 보류) is checked on targets placed just
below, just above and inside each score's own interval; weighted numbers are checked against the
weighting the pure code gives (itself checked against R ``survey`` in tests/test_results_weighting.py).
"""
from __future__ import annotations

import io
import re

import numpy as np
import openpyxl
import pytest
from sqlalchemy import func, select

from tests.test_results_support import seed_hand_wave

PASSWORD = "Targets2026pass"


def _staff(app_ctx, make_user, client, username: str, role: str) -> None:
    from survey_app.accounts.operations import grant_role
    from survey_app.models import User

    user_id, _ = make_user(username, PASSWORD)
    with app_ctx() as session:
        grant_role(session.get(User, user_id), role, None)
    answer = client.post("/manage/login", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 302


def _token(client, url: str) -> str:
    """The form's CSRF token (empty where the tests' app turns CSRF off)."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url).get_data(as_text=True))
    return found.group(1) if found else ""


@pytest.fixture
def seeded(app_ctx, make_survey, make_org, make_user, client):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _staff(app_ctx, make_user, client, "cs_designer", "designer")
    return ids


def _targets(app_ctx, survey_id: int) -> dict:
    from survey_app.models import IndexTarget

    with app_ctx() as session:
        return {(r.kind, r.code, r.wave_id): r.target
                for r in session.scalars(select(IndexTarget).where(IndexTarget.survey_id == survey_id))}


def test_targets_are_set_checked_changed_and_removed(app_ctx, client, seeded):
    from survey_app.models import AuditEvent

    url = f"/manage/results/surveys/{seeded['survey_id']}/targets"
    page = client.get(url).get_data(as_text=True)
    for name in ("품질 지수", "종합 지수", "과정품질", "결과품질", "전반 만족"):
        assert name in page
    token = _token(client, url)
    bad = client.post(url, data={"csrf_token": token, "target-index:csi": "abc", "target-dimension:process": "120",
                                 "target-index:quality": "70"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "종합 지수: 목표는 숫자로 적어 주십시오 — &#39;abc&#39;" in html
    assert "과정품질: 목표는 0에서 100 사이의 점수여야 합니다" in html
    assert 'value="abc"' in html and 'value="120"' in html and 'value="70"' in html  # nothing typed is lost
    assert _targets(app_ctx, seeded["survey_id"]) == {}  # nothing saved
    good = client.post(url, data={"csrf_token": token, "target-index:csi": "60", "target-dimension:process": "55.5"})
    assert good.status_code == 302
    assert _targets(app_ctx, seeded["survey_id"]) == {("index", "csi", None): 60.0, ("dimension", "process", None): 55.5}
    client.post(url, data={"csrf_token": token, "target-index:csi": "65", "target-dimension:process": ""})
    assert _targets(app_ctx, seeded["survey_id"]) == {("index", "csi", None): 65.0}
    wave_url = f"{url}?wave={seeded['wave_id']}"
    client.post(wave_url, data={"csrf_token": token, "target-index:csi": "50"})
    assert _targets(app_ctx, seeded["survey_id"]) == {("index", "csi", None): 65.0,
                                                     ("index", "csi", seeded["wave_id"]): 50.0}
    with app_ctx() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "results.targets.save")).all()
        assert len(events) == 3
        assert events[1].details["changes"][1] == {"measure": "dimension:process", "name": "과정품질", "from": 55.5,
                                                   "to": None}


def test_targets_page_needs_survey_editing_rights(app_ctx, client, make_user, make_survey, make_org):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _staff(app_ctx, make_user, client, "exec_only", "executive")
    assert client.get(f"/manage/results/surveys/{ids['survey_id']}/targets").status_code == 403
    assert client.get(f"/manage/results/surveys/{ids['survey_id']}/weighting").status_code == 403


def _set_targets(app_ctx, survey_id: int, values: dict, wave_id=None) -> None:
    from survey_app.models import Survey
    from survey_app.results.operations import save_targets
    from survey_app.results.targets import Measure

    with app_ctx() as session:
        save_targets(session.get(Survey, survey_id), wave_id,
                     {Measure(kind, code, code): v for (kind, code), v in values.items()}, None)


def _constructed_targets(app_ctx, wave_id: int) -> tuple[dict, object]:
    """Targets just below (met), just above (not met) and inside (undecided) the scores' own intervals."""
    from survey_app.models import Wave
    from survey_app.results.build import wave_result

    with app_ctx() as session:
        result = wave_result(session.get(Wave, wave_id))
    csi = next(i.score for i in result.indices if i.code == "csi")
    process = next(d.score for d in result.dimensions if d.code == "process")
    quality = next(i.score for i in result.indices if i.code == "quality")
    return {("index", "csi"): round(csi.ci_low - 0.5, 1), ("dimension", "process"): round(process.ci_high + 0.5, 1),
            ("index", "quality"): round(quality.value, 1)}, result


def _row_of(html: str, section: str, name: str) -> str:
    part = html.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
    return next(r for r in part.split("<tr>") if f">{name}" in r)


def test_results_page_judges_targets_by_the_interval_without_recomputing(app_ctx, client, seeded):
    from survey_app.models import StoredResult

    targets, _result = _constructed_targets(app_ctx, seeded["wave_id"])
    url = f"/manage/results/waves/{seeded['wave_id']}"
    assert 'id="targets"' not in client.get(url).get_data(as_text=True)  # no target, no section
    with app_ctx() as session:
        computed = session.scalar(select(StoredResult.computed_at).where(StoredResult.kind == "full"))
    _set_targets(app_ctx, seeded["survey_id"], targets)
    html = client.get(url).get_data(as_text=True)
    assert "달성" in _row_of(html, "targets", "종합 지수") and "미달" not in _row_of(html, "targets", "종합 지수")
    assert "미달" in _row_of(html, "targets", "과정품질")
    assert "판단 보류 (구간이 목표를 포함)" in _row_of(html, "targets", "품질 지수")
    with app_ctx() as session:  # the target was compared when shown: the stored result was not recomputed
        assert session.scalar(select(StoredResult.computed_at).where(StoredResult.kind == "full")) == computed


def test_workbook_summary_shows_targets_glossary_and_one_survey_code(app_ctx, client, seeded):
    from survey_app.models import Survey, Wave
    from survey_app.results.report_mail import workbook_filename
    from survey_app.results.workbook import export_wave

    targets, result = _constructed_targets(app_ctx, seeded["wave_id"])
    _set_targets(app_ctx, seeded["survey_id"], targets)
    out = io.BytesIO()
    with app_ctx() as session:
        export_wave(session.get(Wave, seeded["wave_id"]), out)
    rows = [list(r) + [None] * 9 for r in openpyxl.load_workbook(out, read_only=True)["요약"].iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == "목표 달성")
    assert rows[start + 1][:6] == ["지표", "목표", "점수", "95% 신뢰구간 하한", "95% 신뢰구간 상한", "달성 여부"]
    by_name = {r[0]: r for r in rows[start + 2:start + 5]}
    csi = next(i.score for i in result.indices if i.code == "csi")
    assert by_name["종합 지수"][1:5] == pytest.approx([targets["index", "csi"], csi.value, csi.ci_low, csi.ci_high])
    assert by_name["종합 지수"][5] == "달성"
    assert by_name["과정품질"][5] == "미달" and by_name["품질 지수"][5] == "판단 보류 (구간이 목표를 포함)"
    book = openpyxl.load_workbook(out, read_only=True)
    terms = {r[0]: r[1] for r in book["용어 설명"].iter_rows(min_row=4, values_only=True)}
    assert terms["Holm 보정"].startswith("여러 집단을 한꺼번에 비교하면") and "테일러 선형화" in terms
    assert "판단 보류" in terms  # the targets' word is explained where the targets are
    assert "표본 대표성" not in book.sheetnames  # unweighted: no representativeness sheet
    with app_ctx() as session:
        survey, wave = session.get(Survey, seeded["survey_id"]), session.get(Wave, seeded["wave_id"])
        survey.code, wave.code = "CS-POSTAL", "CS-POSTAL-2026Q4"
        session.flush()
        assert workbook_filename(wave) == "CS-POSTAL-2026Q4_결과보고서.xlsx"
        assert workbook_filename(wave, unmasked=True) == "CS-POSTAL-2026Q4_결과보고서_원문.xlsx"
        wave.code = "2026Q4"
        session.flush()
        assert workbook_filename(wave) == "CS-POSTAL_2026Q4_결과보고서.xlsx"


def test_every_statistical_term_on_the_results_page_is_explained(app_ctx, client, seeded):
    from survey_app.results.glossary import TERMS

    targets, _ = _constructed_targets(app_ctx, seeded["wave_id"])
    _set_targets(app_ctx, seeded["survey_id"], targets)
    _enable_weighting(app_ctx, seeded["survey_id"], {"office_code": {"P-A": 40.0, "P-B": 60.0}})
    html = client.get(f"/manage/results/waves/{seeded['wave_id']}").get_data(as_text=True)
    body, glossary = html.split('id="glossary"', 1)
    explained = set(re.findall(r'<dt id="term-([a-z0-9]+)">', glossary))
    used = {t.code for t in TERMS if any(trigger in body for trigger in t.triggers)}
    assert used - explained == set(), f"terms on the page without an explanation: {used - explained}"
    assert {"taylor", "holm", "weight", "neff", "deff", "target"} <= explained
    for term in ("윌슨 구간", "Holm", "테일러 선형화", "유효 표본 수", "설계효과"):  # as the issue names them
        if term in body:
            assert any(term in str(t.name) for t in TERMS if t.code in explained), term


def _enable_weighting(app_ctx, survey_id: int, margins: dict) -> None:
    from survey_app.models import Survey
    from survey_app.results.operations import save_weighting

    with app_ctx() as session:
        save_weighting(session.get(Survey, survey_id), enabled=True, margins=margins, source="시험 통계",
                       updated_by_id=None)


def test_margins_page_refuses_bad_rows_listing_each_and_keeps_the_table(app_ctx, client, seeded):
    from survey_app.models import SurveyWeighting

    url = f"/manage/results/surveys/{seeded['survey_id']}/weighting"
    page = client.get(url).get_data(as_text=True)
    assert "가우체국" in page and "30대 이하" in page  # the categories found in the answers
    table = "변수,범주,비율\n연령대,30대 이하,50\n연령대,50대,20\n우체국,가우체국,abc\n성별,남,30\n"
    bad = client.post(url, data={"csrf_token": _token(client, url), "margins": table, "enabled": "1"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "3행: 응답 자료에 없는 범주입니다 — 연령대 &#39;50대&#39;" in html
    assert "4행: 비율이 숫자가 아닙니다 — &#39;abc&#39;" in html
    assert "5행: 응답 자료에 없는 변수입니다 — &#39;성별&#39;" in html
    assert "연령대: 비율의 합계가 50%입니다" in html and "&#39;40대 이상&#39;" in html
    assert "연령대,50대,20" in html  # the typed table is kept to be fixed
    with app_ctx() as session:
        assert session.scalar(select(func.count()).select_from(SurveyWeighting)) == 0


def test_weighted_results_are_stored_like_fresh_ones_and_say_they_are_weighted(app_ctx, client, seeded):
    from survey_app.models import AuditEvent, StoredResult, SurveyWeighting, Wave
    from survey_app.results import build, stored

    url = f"/manage/results/surveys/{seeded['survey_id']}/weighting"
    csv_file = "변수,범주,비율(%)\n우체국,가우체국,30\n우체국,나우체국,70\n".encode("cp949")
    answer = client.post(url, data={"csrf_token": _token(client, url), "margins": "", "enabled": "1",
                                    "source": "2025년 우편 이용 통계", "file": (io.BytesIO(csv_file), "margins.csv")},
                         content_type="multipart/form-data")
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    with app_ctx() as session:
        setting = session.get(SurveyWeighting, seeded["survey_id"])
        assert setting.enabled and setting.margins == {"office_code": {"P-A": 30.0, "P-B": 70.0}}
        assert session.scalar(select(AuditEvent.details).where(AuditEvent.action == "results.weighting.save"))[
            "variables"] == ["office_code"]
    html = client.get(f"/manage/results/waves/{seeded['wave_id']}").get_data(as_text=True)
    assert "가중치를 적용한 결과입니다 (우체국·조직)" in html and "2025년 우편 이용 통계" in html
    row = _row_of(html, "weighting", "가우체국")
    assert re.findall(r'class="num">([^<]+)<', row)[:4] == ["2", "50.0", "30.0", "20.0"]  # n, sample, population, diff
    with app_ctx() as session:
        wave = session.get(Wave, seeded["wave_id"])
        served = stored.served_result(wave)
        fresh = build.wave_result(wave)
        assert not served.stale and served.result.weighting is not None
        assert served.result.to_dict() | {"generated_at": None} == fresh.to_dict() | {"generated_at": None}
        # the weighted headline is the respondents' scores weighted 30/70 between the offices (P-A 2, P-B 2 responses)
        weights = np.array([0.6, 0.6, 1.4, 1.4])  # 4 × 0.3 / 2, 4 × 0.7 / 2
        assert fresh.weighting.design_effect == pytest.approx(4 * (weights ** 2).sum() / weights.sum() ** 2)
        unweighted = session.scalar(select(StoredResult.watermark).where(StoredResult.kind == "full"))
        out = io.BytesIO()
        from survey_app.results.workbook import export_wave
        export_wave(wave, out)
    book = openpyxl.load_workbook(out, read_only=True)
    shares = {r[1]: r[2:7] for r in book["표본 대표성"].iter_rows(min_row=5, values_only=True)}
    assert shares["가우체국"] == pytest.approx([2, 50.0, 30.0, 20.0, 30.0])
    summary = [r[0] for r in book["요약"].iter_rows(values_only=True) if r and isinstance(r[0], str)]
    assert any(line.startswith("가중치: 가중치 적용 — 모집단 비율(우체국·조직) (출처: 2025년 우편 이용 통계)")
               and "유효 표본 수" in line for line in summary)
    _enable_weighting(app_ctx, seeded["survey_id"], {"office_code": {"P-A": 50.0, "P-B": 50.0}})
    with app_ctx() as session:  # a changed margin makes the stored result stale, never served as fresh
        assert stored.current_mark(session.get(Wave, seeded["wave_id"]))[0] != unweighted


def test_results_refresh_job_recomputes_a_large_wave_when_its_margins_change(app, app_ctx, seeded, monkeypatch):
    from survey_app.models import Wave
    from survey_app.results import build, stored

    monkeypatch.setitem(app.config, "RESULTS_INLINE_MAX_RESPONSES", 0)  # every wave counts as large
    with app_ctx() as session:
        stored.served_result(session.get(Wave, seeded["wave_id"]))  # requested
    with app_ctx():
        stored.refresh_stale()
    _enable_weighting(app_ctx, seeded["survey_id"], {"office_code": {"P-A": 30.0, "P-B": 70.0}})
    with app_ctx() as session:
        before = stored.served_result(session.get(Wave, seeded["wave_id"]))
        assert before.stale and before.result.weighting is None  # the unweighted result, said to be stale
    with app_ctx():
        assert len(stored.refresh_stale()) == 1
    with app_ctx() as session:
        wave = session.get(Wave, seeded["wave_id"])
        after = stored.served_result(wave)
        assert not after.stale and after.result.weighting is not None
        assert after.result.to_dict() | {"generated_at": None} == build.wave_result(wave).to_dict() | {"generated_at": None}
        assert after.result.headline.value != before.result.headline.value


def test_results_page_shows_each_offices_change_since_the_last_wave(app_ctx, client, seeded):
    """Each office's score against its own last-wave score, as the workbook's 세그먼트 sheet tests it."""
    from exports import adapt
    from survey_app.models import Wave
    from survey_app.results.build import wave_result
    from survey_app.results.workbook import _est
    from tests.test_results_build import _second_wave

    second = _second_wave(app_ctx, seeded)
    html = client.get(f"/manage/results/waves/{second}").get_data(as_text=True)
    with app_ctx() as session:
        now, before = wave_result(session.get(Wave, second)), wave_result(session.get(Wave, seeded["wave_id"]))
    rows = {t.segment: {r.label: r.score for r in t.rows} for t in (now.segments + before.segments)
            if t.segment == "office_code"}
    offices_now = next(t for t in now.segments if t.segment == "office_code").rows
    offices_before = {r.label: r.score for r in next(t for t in before.segments if t.segment == "office_code").rows}
    expected = adapt.changes([(_est(r.score), _est(offices_before[r.label])) for r in offices_now])
    assert rows and "우체국별 지난 차수 대비 변화" in html and "테스트 차수" in html.split('id="office-change"', 1)[1]
    for office, change in zip(offices_now, expected, strict=True):
        cells = re.findall(r'class="num">([^<]+)<', _row_of(html, "office-change", office.name))
        assert cells[:3] == [f"{office.score.value:.1f}", f"{offices_before[office.label].value:.1f}",
                             f"{change.difference:.1f}"]
    first = client.get(f"/manage/results/waves/{seeded['wave_id']}").get_data(as_text=True)
    assert 'id="office-change"' not in first  # the first wave has nothing to compare with
