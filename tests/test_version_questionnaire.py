"""A version's questionnaire belongs to the version: parsed once per process, in a bounded cache
that drafts and unsaved versions never enter."""
from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import defer

from survey_app.models import Survey, SurveyVersion
from survey_app.models.parsed import PARSED, ParsedQuestionnaires


def _definition(code: str, title: str = "만족도") -> dict:
    return {"code": code, "kind": "customer_satisfaction", "title": {"ko": title}, "sections": [
        {"code": "A", "title": {"ko": "첫 쪽"}, "questions": [{"code": "Q1", "type": "short_text", "text": {"ko": title}}]}]}


def test_a_stored_version_is_parsed_once_and_its_definition_not_read_again(app, app_ctx, make_survey):
    ids = make_survey(_definition("VQ1"))
    with app_ctx() as session:
        first = session.get(SurveyVersion, ids["version_id"]).questionnaire
    statements = []
    with app_ctx() as session:
        event.listen(session.get_bind(), "before_cursor_execute", lambda *a: statements.append(a[2]))
        version = session.scalar(select(SurveyVersion).where(SurveyVersion.id == ids["version_id"])
                                 .options(defer(SurveyVersion.definition)))
        statements.clear()
        assert version.questionnaire is first
        assert statements == []  # the deferred definition was not loaded


def test_unsaved_versions_are_parsed_each_time_and_never_cached(app_ctx):
    before = len(PARSED)
    with app_ctx() as session:
        survey = Survey(code="VQ-DRAFT", title="초안", kind="customer_satisfaction")
        session.add(survey)
        version = survey.publish(_definition("VQ2", "처음"))
        assert version.id is None
        assert version.questionnaire.title.ko == "처음"
        version.definition = _definition("VQ2", "고침")
        assert version.questionnaire.title.ko == "고침"
        assert len(PARSED) == before
        session.rollback()


def test_the_cache_keeps_at_most_maxsize_and_keys_by_digest_too():
    cache, parses = ParsedQuestionnaires(maxsize=2), []

    def parse(n):
        return lambda: parses.append(n) or n

    assert cache.get((1, "a"), parse(1)) == 1
    assert cache.get((1, "a"), parse(99)) == 1  # a hit: not parsed again
    assert cache.get((1, "b"), parse(2)) == 2  # the same id with other content (an id reused after a rollback)
    cache.get((3, "c"), parse(3))
    assert len(cache) == 2 and parses == [1, 2, 3]
    cache.get((1, "a"), parse(4))  # the oldest went first
    assert parses == [1, 2, 3, 4]
    cache.resize(0)
    assert len(cache) == 0


def test_the_cache_size_is_a_setting(make_app):
    try:
        make_app(QUESTIONNAIRE_CACHE_SIZE=7)
        assert PARSED.maxsize == 7
    finally:
        make_app()
    assert PARSED.maxsize == 256
