"""Stored results: served without loading answers, identical to a fresh computation, stale when answers arrive,
recomputed by the ``results-refresh`` job, trend points kept per wave, and the workbook reading the stored result.

The reference for "identical" is :func:`survey_app.results.build.wave_result` computed from the same answers
at the same moment: every number (``to_dict()``) must be equal, not approximately equal.
"""
from __future__ import annotations

import pytest

from survey_app.results import build, loading, stored
from tests.test_results_pages import _login, _staff
from tests.test_results_support import add_response, seed_hand_wave

ANSWERS = {"Q1": 2, "Q2": 3, "Q3": 2, "Q4": 1, "Q5": 2, "Q6": 0}


def _same(a, b) -> None:
    left, right = a.to_dict(), b.to_dict()
    left.pop("generated_at"), right.pop("generated_at")
    assert left == right


def _refuse_loading(monkeypatch) -> list:
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError("answers were loaded")

    monkeypatch.setattr(loading, "load_wave", refuse)
    monkeypatch.setattr(build, "load_wave", refuse)
    return calls


def test_a_stored_result_is_identical_to_a_fresh_one_and_served_without_loading_answers(
        app_ctx, make_survey, make_org, monkeypatch):
    from survey_app.models import Wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx() as session:
        wave = session.get(Wave, ids["wave_id"])
        fresh = build.wave_result(wave)
        first = stored.served_result(wave)
        assert not first.stale
        _same(first.result, fresh)
    _refuse_loading(monkeypatch)
    with app_ctx() as session:
        again = stored.served_result(session.get(Wave, ids["wave_id"]))
    assert not again.stale and again.result.n == fresh.n == 4
    _same(again.result, fresh)
    assert again.result.generated_at == first.result.generated_at  # the stored one, not recomputed


def test_an_office_viewer_has_its_own_stored_result(app_ctx, make_survey, make_org):
    from survey_app.models import StoredResult, Wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    office = {ids["units"]["P-A"]}
    with app_ctx() as session:
        wave = session.get(Wave, ids["wave_id"])
        whole, part = stored.served_result(wave), stored.served_result(wave, units=office)
        _same(part.result, build.wave_result(wave, units=office))
        assert part.result.n < whole.result.n
        rows = session.query(StoredResult).filter_by(wave_id=wave.id, kind="full").all()
    assert sorted(r.units is None for r in rows) == [False, True]


def test_an_office_viewers_stale_result_is_recomputed_once_the_viewer_asks_again(
        app, app_ctx, make_survey, make_org, monkeypatch):
    """Everyone's result is kept fresh by the job; one office's only after that office looks again."""
    from survey_app.models import Wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    office = {ids["units"]["P-A"]}
    with app_ctx() as session:
        wave = session.get(Wave, ids["wave_id"])
        stored.served_result(wave), stored.served_result(wave, units=office)
    monkeypatch.setitem(app.config, "RESULTS_INLINE_MAX_RESPONSES", 0)  # every wave counts as large
    with app_ctx() as session:
        add_response(session, session.get(Wave, ids["wave_id"]), ANSWERS, hidden={"office_code": "P-A"})
    with app_ctx() as session:
        code = session.get(Wave, ids["wave_id"]).code
        assert stored.refresh_stale() == [f"{code}: 5건 다시 계산"]  # everyone's, not the office's
        shown = stored.served_result(session.get(Wave, ids["wave_id"]), units=office)
        assert shown.stale and shown.result.n == 2 and shown.requested_at is not None
        assert stored.refresh_stale() == [f"{code}: 3건 다시 계산"]  # asked for: now recomputed
    with app_ctx() as session:
        wave = session.get(Wave, ids["wave_id"])
        again = stored.served_result(wave, units=office)
        assert not again.stale and again.result.n == 3
        _same(again.result, build.wave_result(wave, units=office))


def test_new_answers_make_a_large_waves_result_stale_until_the_job_recomputes_it(
        app, app_ctx, make_survey, make_org, monkeypatch):
    from survey_app.models import StoredResult, Wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx() as session:
        before = stored.served_result(session.get(Wave, ids["wave_id"])).result
    monkeypatch.setitem(app.config, "RESULTS_INLINE_MAX_RESPONSES", 0)  # every wave counts as large
    with app_ctx() as session:
        add_response(session, session.get(Wave, ids["wave_id"]), ANSWERS, hidden={"office_code": "P-A"})
    with app_ctx() as session:
        shown = stored.served_result(session.get(Wave, ids["wave_id"]))
        assert shown.stale and shown.requested_at is not None
        assert shown.result.n == before.n == 4  # the stored numbers, at once
        code = session.get(Wave, ids["wave_id"]).code
        assert stored.refresh_stale() == [f"{code}: 5건 다시 계산"]
    with app_ctx() as session:
        wave = session.get(Wave, ids["wave_id"])
        after = stored.served_result(wave)
        assert not after.stale and after.result.n == 5
        _same(after.result, build.wave_result(wave))
        assert session.query(StoredResult).filter_by(kind="full").one().requested_at is None
        assert stored.refresh_stale() == []  # nothing changed since: nothing recomputed


def test_earlier_waves_are_not_rescored_once_their_trend_point_is_stored(app_ctx, make_survey, make_org,
                                                                          monkeypatch):
    from survey_app.models import Wave
    from tests.test_results_build import _second_wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    second = _second_wave(app_ctx, ids)
    with app_ctx() as session:
        fresh = build.wave_result(session.get(Wave, second))  # stores the first wave's trend point
    loaded = []
    real = build.load_for
    monkeypatch.setattr(build, "load_for", lambda wave, *a, **k: loaded.append(wave.id) or real(wave, *a, **k))
    with app_ctx() as session:
        again = build.wave_result(session.get(Wave, second))
    assert loaded == [second]  # only the wave itself; history came from its stored point
    _same(again, fresh)
    with app_ctx() as session:  # an answer arriving late in the first wave: its point is scored again
        add_response(session, session.get(Wave, ids["wave_id"]), ANSWERS)
    with app_ctx() as session:
        later = build.wave_result(session.get(Wave, second))
    assert sorted(loaded[1:]) == sorted([ids["wave_id"], second]) and later.trend[0].n == 5


def test_the_page_serves_the_stored_result_with_its_time_and_the_progress_of_a_new_one(
        app, app_ctx, client, make_user, make_survey, make_org, monkeypatch):
    from survey_app.models import StoredResult, Wave, utcnow

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _staff(app_ctx, make_user, "analyst_stored", "analyst", None)
    _login(client, "analyst_stored")
    url = f"/manage/results/waves/{ids['wave_id']}"
    assert "61.2" in client.get(url).get_data(as_text=True)
    monkeypatch.setitem(app.config, "RESULTS_INLINE_MAX_RESPONSES", 0)
    with app_ctx() as session:
        add_response(session, session.get(Wave, ids["wave_id"]), ANSWERS)
    html = client.get(url).get_data(as_text=True)
    assert "61.2" in html and "그 뒤 들어온 응답을 넣어 새 결과를 계산하고 있습니다" in html
    assert "계산 차례를 기다리고 있습니다" in html
    with app_ctx() as session:
        row = session.query(StoredResult).filter_by(kind="full").one()
        row.started_at, row.compute_seconds = utcnow(), 3600.0
    html = client.get(url).get_data(as_text=True)
    assert '<progress id="refresh-progress" max="100" value="0">' in html and "약 3600초" in html
    with app_ctx():
        stored.refresh_stale()
    html = client.get(url).get_data(as_text=True)
    assert "새 결과를 계산하고 있습니다" not in html and "61.2" not in html  # the fifth response moved it


def test_a_large_wave_never_computed_says_it_is_being_computed(app, app_ctx, client, make_user, make_survey,
                                                               make_org, monkeypatch):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _staff(app_ctx, make_user, "analyst_first", "analyst", None)
    _login(client, "analyst_first")
    monkeypatch.setitem(app.config, "RESULTS_INLINE_MAX_RESPONSES", 0)
    url = f"/manage/results/waves/{ids['wave_id']}"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "결과를 계산하고 있습니다" in html and "61.2" not in html
    workbook = client.get(f"{url}/workbook.xlsx")
    assert workbook.status_code == 200 and "결과를 계산하고 있습니다" in workbook.get_data(as_text=True)
    with app_ctx():
        assert [line.split(": ")[1] for line in stored.refresh_stale()] == ["4건 다시 계산"]
    assert "61.2" in client.get(url).get_data(as_text=True)


def test_the_workbook_shows_the_stored_numbers(app, app_ctx, client, make_user, make_survey, make_org,
                                                monkeypatch, tmp_path):
    from openpyxl import load_workbook

    from survey_app.models import Wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _staff(app_ctx, make_user, "analyst_book", "analyst", None)
    _login(client, "analyst_book")
    url = f"/manage/results/waves/{ids['wave_id']}"
    client.get(url)  # computes and stores the result (61.25)
    monkeypatch.setitem(app.config, "RESULTS_INLINE_MAX_RESPONSES", 0)
    with app_ctx() as session:
        add_response(session, session.get(Wave, ids["wave_id"]), ANSWERS)

    def refuse(*_a, **_k):
        raise AssertionError("the workbook recomputed the result")

    monkeypatch.setattr(stored, "wave_result", refuse)
    answer = client.get(f"{url}/workbook.xlsx")
    assert answer.status_code == 200
    path = tmp_path / "book.xlsx"
    path.write_bytes(answer.data)
    numbers = [c for row in load_workbook(path, data_only=True).worksheets[0].iter_rows(values_only=True)
               for c in row if isinstance(c, float)]
    assert any(v == pytest.approx(61.25) for v in numbers)


def test_a_failed_recompute_is_not_retried_until_asked_again(app, app_ctx, make_survey, make_org, monkeypatch):
    from survey_app.models import StoredResult, Wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    monkeypatch.setitem(app.config, "RESULTS_INLINE_MAX_RESPONSES", 0)
    with app_ctx() as session:
        assert stored.served_result(session.get(Wave, ids["wave_id"])).result is None

    def refuse(*_a, **_k):
        raise ValueError("weights must be non-negative")

    monkeypatch.setattr(stored, "wave_result", refuse)
    with app_ctx():
        assert [line.split(": ", 1)[1] for line in stored.refresh_stale()] == [
            "계산할 수 없습니다 (weights must be non-negative)"]
        assert stored.refresh_stale() == []
    with app_ctx() as session:
        assert session.query(StoredResult).one().error == "weights must be non-negative"
        stored.served_result(session.get(Wave, ids["wave_id"]))  # a viewer asks again
    with app_ctx():
        assert len(stored.refresh_stale()) == 1


def test_the_scheduler_runs_the_refresh_job_every_configured_interval(app):
    from survey_app.distribution.scheduler import RESULTS_JOB, build_scheduler

    job = build_scheduler(app, 60).get_job(RESULTS_JOB)
    assert job is not None and job.trigger.interval.total_seconds() == app.config["RESULTS_REFRESH_SECONDS"]


def test_the_refresh_command_recomputes_what_changed(app, app_ctx, runner, make_survey, make_org, monkeypatch):
    from survey_app.models import Wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx() as session:
        stored.served_result(session.get(Wave, ids["wave_id"]))
        add_response(session, session.get(Wave, ids["wave_id"]), ANSWERS)
    out = runner.invoke(args=["results-refresh"])
    assert out.exit_code == 0 and "5건 다시 계산" in out.output and "다시 계산한 결과 1개" in out.output
    assert "다시 계산한 결과 0개" in runner.invoke(args=["results-refresh"]).output


def test_a_closed_wave_is_not_counted_again_and_its_result_is_computed_once_after_closing(
        app_ctx, make_survey, make_org, monkeypatch):
    from survey_app.models import Wave
    from survey_app.results import store

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx() as session:
        stored.served_result(session.get(Wave, ids["wave_id"]))  # while open
        session.get(Wave, ids["wave_id"]).state = "closed"
    with app_ctx() as session:
        assert store.watermarks([session.get(Wave, ids["wave_id"])]) == {ids["wave_id"]: "closed"}
        assert [line.split(": ")[1] for line in stored.refresh_stale()] == ["4건 다시 계산"]  # once, after closing
        assert stored.refresh_stale() == []
    _refuse_loading(monkeypatch)
    with app_ctx() as session:
        served = stored.served_result(session.get(Wave, ids["wave_id"]))
    assert not served.stale and served.result.n == 4


def test_scheduler_log_leaves_out_runs_skipped_while_the_job_is_busy(app, caplog):
    """A run skipped because the previous one is still going is by design (one instance, coalesced): it is not
    logged as a warning, while the scheduler's other warnings still are."""
    import logging

    from survey_app.distribution.scheduler import build_scheduler

    build_scheduler(app, 60)
    logger = logging.getLogger("apscheduler.scheduler")
    with caplog.at_level(logging.WARNING, logger="apscheduler.scheduler"):
        logger.warning('Execution of job "%s" skipped: maximum number of running instances reached (%d)', "case_job", 1)
        logger.warning('Run time of job "%s" was missed by %s', "tick_job", "0:00:05")
    messages = [r.getMessage() for r in caplog.records if r.name == "apscheduler.scheduler"]
    assert messages == ['Run time of job "tick_job" was missed by 0:00:05']
