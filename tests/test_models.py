"""The data model's invariants, enforced by the database itself."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from survey_app.models import (
    Answer,
    ImmutableVersionError,
    Invitation,
    OrgLevel,
    OrgUnit,
    Response,
    ResponseStatus,
    Survey,
    SurveyStateError,
    SurveyVersion,
    hash_token,
    new_token,
    utcnow,
)


def _response(session, ids, invitation_id=None, **kwargs):
    response = Response(wave_id=ids["wave_id"], version_id=ids["version_id"], invitation_id=invitation_id,
                        started_at=utcnow(), **kwargs)
    session.add(response)
    session.flush()
    return response


def test_invitation_keeps_only_the_sha256_of_its_token(app_ctx, make_survey):
    ids = make_survey()
    token, digest = new_token()
    with app_ctx() as session:
        session.add(Invitation(wave_id=ids["wave_id"], token_hash=digest))
    with app_ctx() as session:
        stored = session.scalar(select(Invitation.token_hash))
    assert stored == hash_token(token) and len(stored) == 64 and token not in stored
    assert len(token) >= 43  # 32 random bytes, URL-safe


def test_one_response_per_invitation_is_a_database_constraint(app_ctx, make_survey):
    ids = make_survey()
    with app_ctx() as session:
        invitation = Invitation(wave_id=ids["wave_id"], token_hash=new_token()[1])
        session.add(invitation)
        session.flush()
        _response(session, ids, invitation.id)
        with pytest.raises(IntegrityError):
            with session.begin_nested():
                _response(session, ids, invitation.id)


def test_answers_are_long_form_one_row_per_code_and_position(app_ctx, make_survey):
    ids = make_survey()
    with app_ctx() as session:
        response = _response(session, ids, status=ResponseStatus.COMPLETE)
        session.add_all([
            Answer(response=response, question_code="Q1", value_num=6),
            Answer(response=response, question_code="Q7", position=0, choice="parcel"),
            Answer(response=response, question_code="Q7", position=1, choice="ems"),
            Answer(response=response, question_code="Q9", value_text="창구 직원이 친절했습니다."),
        ])
        session.flush()
        with pytest.raises(IntegrityError):
            with session.begin_nested():
                session.add(Answer(response=response, question_code="Q1", value_num=7))
        codes = session.scalars(select(Answer.question_code).where(Answer.response_id == response.id)).all()
    assert sorted(codes) == ["Q1", "Q7", "Q7", "Q9"]


def test_a_published_version_cannot_be_changed(app_ctx, make_survey):
    ids = make_survey({"code": "X", "sections": [{"code": "P1"}]})
    with app_ctx() as session:
        version = session.get(SurveyVersion, ids["version_id"])
        assert len(version.digest) == 64
        version.definition = {"code": "X", "sections": []}
        with pytest.raises(ImmutableVersionError):
            session.flush()
        session.rollback()


def test_publishing_numbers_versions_and_keeps_old_ones(app_ctx, make_survey):
    ids = make_survey({"code": "A", "sections": []}, wave=False)
    with app_ctx() as session:
        survey = session.get(Survey, ids["survey_id"])
        second = survey.publish({"code": "A", "sections": [{"code": "P1"}]}, changelog="문항 추가")
        session.flush()
        assert [v.number for v in survey.versions] == [1, 2]
        assert survey.latest_version is second and survey.versions[0].definition == {"code": "A", "sections": []}
        survey.close()
        with pytest.raises(SurveyStateError):
            survey.close()


def test_concurrent_draft_edits_are_refused_by_optimistic_locking(app_ctx, make_survey):
    """A save based on a stale copy finds its version gone and fails instead of overwriting."""
    ids = make_survey(publish=False)
    with app_ctx() as session:
        mine = session.get(Survey, ids["survey_id"])  # my editor loads the draft
    with app_ctx() as session:  # someone else saves the same draft in the meantime
        theirs = session.get(Survey, ids["survey_id"])
        theirs.title = "다른 사람의 편집"
    with app_ctx() as session:  # my save, based on the stale copy
        mine = session.merge(mine, load=False)
        mine.title = "나의 편집"
        with pytest.raises(StaleDataError):
            session.flush()
        session.rollback()
    with app_ctx() as session:
        assert session.get(Survey, ids["survey_id"]).title == "다른 사람의 편집"


def test_org_tree_ancestors(app_ctx, make_org):
    make_org("HQ-T", "우정사업본부", OrgLevel.HEADQUARTERS)
    make_org("R-T", "서울지방우정청", OrgLevel.REGIONAL, "HQ-T")
    make_org("P-T", "광화문우체국", OrgLevel.OFFICE, "R-T")
    with app_ctx() as session:
        office = session.scalar(select(OrgUnit).where(OrgUnit.code == "P-T"))
        assert [u.code for u in office.ancestors()] == ["R-T", "HQ-T"]


def test_org_unit_codes_are_unique(app_ctx, make_org):
    make_org("DUP")
    with pytest.raises(IntegrityError):
        make_org("DUP")


def test_timestamps_come_back_timezone_aware(app_ctx, make_survey):
    ids = make_survey()
    with app_ctx() as session:
        _response(session, ids)
    with app_ctx() as session:
        started = session.scalar(select(Response.started_at))
    assert started.tzinfo is not None and started.utcoffset().total_seconds() == 0
