"""Retention: contacts purged or anonymised N days after their waves close; responses lose the link."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from survey_app.models import (
    AccessAction,
    Contact,
    Invitation,
    PersonalDataAccess,
    PersonalDataSubject,
    Response,
    SurveyPrivacy,
    Wave,
    new_token,
    utcnow,
)


def invite(app_ctx, make_survey, *, closed_days_ago: int | None, phone: str, policy: dict | None = None,
           contact_id: int | None = None) -> dict:
    """A wave (closed N days ago, or still open) with one invited contact and a completed response."""
    from survey_app.privacy.contacts import add_contact

    ids = make_survey()
    with app_ctx() as session:
        wave = session.get(Wave, ids["wave_id"])
        if closed_days_ago is not None:
            wave.state, wave.closes_at = "closed", utcnow() - timedelta(days=closed_days_ago)
        if policy:
            session.add(SurveyPrivacy(survey_id=ids["survey_id"], **policy))
        if contact_id is None:
            contact_id = add_contact(name="김고객", phone=phone, attributes={"age_band": "60+"})[0].id
        invitation = Invitation(wave_id=wave.id, contact_id=contact_id, token_hash=new_token()[1])
        session.add(invitation)
        session.flush()
        response = Response(wave_id=wave.id, version_id=ids["version_id"], invitation_id=invitation.id,
                            started_at=utcnow(), status="complete")
        session.add(response)
        session.flush()
        return {**ids, "contact_id": contact_id, "invitation_id": invitation.id, "response_id": response.id}


def run(app_ctx):
    from survey_app.privacy.retention import run_retention

    with app_ctx():
        return run_retention()


def test_contacts_are_purged_after_the_retention_period_and_the_purge_is_logged(app_ctx, make_survey):
    old = invite(app_ctx, make_survey, closed_days_ago=91, phone="010-1111-0001")
    report = run(app_ctx)
    assert report.purged == [old["contact_id"]]
    with app_ctx() as session:
        assert session.get(Contact, old["contact_id"]) is None
        assert session.get(Invitation, old["invitation_id"]).contact_id is None
        assert session.get(Response, old["response_id"]) is not None  # answers stay, without the person
        entry = session.scalars(select(PersonalDataAccess).where(PersonalDataAccess.action == AccessAction.PURGE)).one()
        subjects = session.scalars(select(PersonalDataSubject.subject_id)
                                   .where(PersonalDataSubject.access_id == entry.id)).all()
    assert subjects == [old["contact_id"]] and entry.actor_name == "system"


def test_a_recently_closed_wave_unlinks_answers_but_keeps_the_contact_until_due(app_ctx, make_survey):
    recent = invite(app_ctx, make_survey, closed_days_ago=10, phone="010-1111-0002")
    report = run(app_ctx)
    assert report.purged == [] and report.unlinked_invitations == 1
    with app_ctx() as session:
        contact = session.get(Contact, recent["contact_id"])
        wave = session.get(Wave, recent["wave_id"])
        assert contact.purge_after == wave.closes_at + timedelta(days=90)
        assert session.get(Invitation, recent["invitation_id"]).contact_id is None


def test_identified_surveys_keep_the_link_and_anonymise_when_due(app_ctx, make_survey):
    policy = {"retention_days": 30, "retention_action": "anonymise", "identified": True}
    due = invite(app_ctx, make_survey, closed_days_ago=31, phone="010-1111-0003", policy=policy)
    report = run(app_ctx)
    assert report.anonymised == [due["contact_id"]] and report.unlinked_invitations == 0
    with app_ctx() as session:
        contact = session.get(Contact, due["contact_id"])
        assert contact.anonymised_at is not None and contact.attributes == {"age_band": "60+"}
        assert (contact.name_enc, contact.phone_enc, contact.email_enc, contact.phone_hash) == (None, None, None, None)
        assert session.get(Invitation, due["invitation_id"]).contact_id == due["contact_id"]
    assert run(app_ctx).anonymised == []  # nothing done twice


def test_a_contact_invited_to_a_running_wave_is_kept(app_ctx, make_survey):
    old = invite(app_ctx, make_survey, closed_days_ago=200, phone="010-1111-0004")
    invite(app_ctx, make_survey, closed_days_ago=None, phone="", contact_id=old["contact_id"])
    assert run(app_ctx).purged == []
    with app_ctx() as session:
        assert session.get(Contact, old["contact_id"]) is not None


def test_cli_sets_a_policy_and_runs_the_purge(runner, app_ctx, make_survey):
    ids = invite(app_ctx, make_survey, closed_days_ago=8, phone="010-1111-0005")
    policy = runner.invoke(args=["retention-policy", ids["survey_code"], "--days", "7"])
    assert policy.exit_code == 0, policy.output
    result = runner.invoke(args=["purge-contacts"])
    assert result.exit_code == 0, result.output
    assert "파기 1건" in result.output
    with app_ctx() as session:
        assert session.get(Contact, ids["contact_id"]) is None
    assert runner.invoke(args=["retention-policy", "NO-SUCH", "--days", "7"]).exit_code != 0
