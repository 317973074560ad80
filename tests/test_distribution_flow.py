"""A wave from contact list to funnel: import, plan, open (invitations), send, remind, close, opt-out."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from survey_app.models import (
    Contact,
    Invitation,
    OutboxMessage,
    OutboxStatus,
    Response,
    ResponseStatus,
    Wave,
    hash_token,
    utcnow,
)
from tests.distribution_support import import_people, people, plan_wave


def _send_all(app, channels=("email", "sms")):
    from survey_app.distribution.sender import Sender

    with app.app_context():
        return Sender(app, list(channels), worker="test").run(until_empty=True)


def _tick(app_ctx, now=None):
    from survey_app.distribution.fielding import run_tick

    with app_ctx():
        return run_tick(now)


def test_wave_opens_invites_audience_and_sends_each_once(app, app_ctx, make_survey):
    ids = make_survey()
    import_people(app_ctx, people(12))
    plan_wave(app_ctx, ids["wave_id"], channels=("sms", "email"))
    assert any("opened: 12 invitations" in line for line in _tick(app_ctx))
    assert _tick(app_ctx) == []  # a second tick adds nothing
    stats = _send_all(app)
    assert stats.sent == 12
    outbox = Path(app.instance_path) / "outbox" / "sms"
    with app_ctx() as session:
        messages = session.scalars(select(OutboxMessage).where(OutboxMessage.wave_id == ids["wave_id"])).all()
        assert {m.status for m in messages} == {OutboxStatus.SENT} and len(messages) == 12
        invitation = session.scalar(select(Invitation).where(Invitation.wave_id == ids["wave_id"]).limit(1))
        assert invitation.sent_at is not None and invitation.channel == "sms"
        assert invitation.hidden["region"] == "R-SEOUL" and "_expires_at" in invitation.hidden
        sms = json.loads((outbox / f"outbox-{messages[0].id}.json").read_text())
    token = sms["text"].split("/s/")[1].split()[0]
    with app_ctx() as session:
        assert session.scalar(select(Invitation.id).where(Invitation.token_hash == hash_token(token))) is not None
    assert "수신거부" in sms["text"] and sms["type"] in ("SMS", "LMS")
    assert _send_all(app).sent == 0  # nothing left to send twice


def test_skips_are_counted_by_reason(app, app_ctx, make_survey):
    from survey_app.distribution.funnel import wave_funnel

    earlier, ids = make_survey(), make_survey()
    import_people(app_ctx, people(6, start=100))
    with app_ctx() as session:
        contacts = session.scalars(select(Contact).order_by(Contact.id.desc()).limit(6)).all()
        contacts[0].opted_out_at = utcnow()
        contacts[1].consent = False
        session.add(Invitation(wave_id=earlier["wave_id"], contact_id=contacts[2].id, token_hash="e" * 64,
                               sent_at=utcnow() - timedelta(days=3)))
    plan_wave(app_ctx, ids["wave_id"], no_resurvey_days=30, audience={"filters": {"region": ["R-SEOUL"]}})
    _tick(app_ctx)
    with app_ctx():
        total = wave_funnel(ids["wave_id"], "region").total.counts
    assert total["opt_out"] == 1 and total["invalid"] == 1 and total["no_resurvey"] == 1
    assert total["targeted"] >= 6


def test_reminders_go_to_non_respondents_only_and_close_cancels(app, app_ctx, make_survey):
    ids = make_survey()
    import_people(app_ctx, people(4, start=200))
    plan_wave(app_ctx, ids["wave_id"], reminder_days=2, reminder_max=2,
              audience={"filters": {"age_band": ["40대"]}})
    _tick(app_ctx)
    _send_all(app)
    with app_ctx() as session:
        invitations = session.scalars(select(Invitation).where(Invitation.wave_id == ids["wave_id"])
                                      .order_by(Invitation.id)).all()
        session.add(Response(wave_id=ids["wave_id"], version_id=ids["version_id"], invitation_id=invitations[0].id,
                             status=ResponseStatus.COMPLETE, started_at=utcnow()))
        count = len(invitations)
    later = utcnow() + timedelta(days=2, hours=1)
    assert any("reminders: " in line for line in _tick(app_ctx, later))
    _tick(app_ctx, later)  # again: nothing more
    with app_ctx() as session:
        reminders = session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.wave_id == ids["wave_id"], OutboxMessage.kind == "reminder"))
    assert reminders == count - 1
    _tick(app_ctx, utcnow() + timedelta(days=31))
    with app_ctx() as session:
        assert session.get(Wave, ids["wave_id"]).state == "closed"
        statuses = set(session.scalars(select(OutboxMessage.status).where(OutboxMessage.kind == "reminder",
                                                                           OutboxMessage.wave_id == ids["wave_id"])))
    assert statuses == {OutboxStatus.CANCELLED}


def test_opt_out_link_cancels_pending_messages_across_surveys(app, app_ctx, client, make_survey):
    from survey_app.distribution.tokens import invitation_token

    first, second = make_survey(), make_survey()
    import_people(app_ctx, people(1, start=300))
    for ids in (first, second):
        plan_wave(app_ctx, ids["wave_id"], audience={"filters": {"age_band": ["40대"]}})
    _tick(app_ctx)
    with app_ctx() as session:
        contact_id = session.scalar(select(Contact.id).order_by(Contact.id.desc()).limit(1))
        with app.test_request_context():
            token = invitation_token(first["wave_id"], contact_id)
    page = client.get(f"/u/{token}")
    assert page.status_code == 200 and "수신거부" in page.get_data(as_text=True)
    assert client.post(f"/u/{token}").status_code == 200
    with app_ctx() as session:
        assert session.get(Contact, contact_id).opted_out_at is not None
        pending = session.scalars(select(OutboxMessage.status).join(Invitation).where(
            Invitation.contact_id == contact_id)).all()
    assert pending and set(pending) == {OutboxStatus.CANCELLED}
    assert client.get("/u/not-a-token").status_code == 404


def test_funnel_page_names_the_sending_states_and_lines_up_the_counts(app, app_ctx, client, make_survey, make_user):
    from tests.designer_support import staff

    ids = make_survey()
    import_people(app_ctx, people(12))
    plan_wave(app_ctx, ids["wave_id"], channels=("sms", "email"))
    _tick(app_ctx)
    assert _send_all(app).sent == 12
    staff(make_user, app_ctx, client, role="admin")
    html = client.get(f"/manage/distribution/waves/{ids['wave_id']}/funnel").get_data(as_text=True)
    queue = html.split("발송 대기열:")[1].split("</p>")[0]
    assert "보냄 12" in queue and "대기 0" in queue and "sent" not in queue and "pending" not in queue
    assert '<td class="num">12</td>' in html  # sent to all twelve, right-aligned like every count


def test_distribution_list_counts_invitations_made_without_a_send_plan(app, app_ctx, client, make_survey, make_user):
    """Invitations from the API or a contact file, with no send plan: the list says 없음 for the plan but shows
    how many people the wave invited, so staff do not read the wave as unsent."""
    from survey_app.models import new_token
    from tests.designer_support import staff

    ids = make_survey()
    with app_ctx() as session:
        for _ in range(3):
            session.add(Invitation(wave_id=ids["wave_id"], token_hash=new_token()[1], channel="api"))
        session.commit()
    staff(make_user, app_ctx, client, role="admin")
    html = client.get("/manage/distribution/").get_data(as_text=True)
    row = html.split(f"<td>{ids['wave_code']}</td>")[1].split("</tr>")[0]
    assert "없음" in row and '<td class="num">3</td>' in row
