"""Bulk paths of distribution (COPY on PostgreSQL, executemany on SQLite) store exactly what the one-row paths
store: contacts that decrypt to what the file said and are found by their keyed hashes, one access-log entry
naming every imported contact, and invitations whose tokens rebuild from the secret key."""
from __future__ import annotations

import time

from sqlalchemy import func, select

from tests.distribution_support import contact_csv, people

AWKWARD = ['"탭\t과 역슬래시 \\ 와 따옴표"" 이름",＋８２ １０-７７７７-０００１,Weird.Case@Example.COM,R-SEOUL,,등기,개인,40대,예',
           '"줄\n바꿈",,only.mail@example.com,"지역\\N",,,,,Y']


def test_bulk_import_round_trips_awkward_text_and_logs_every_contact(app_ctx):
    from survey_app.distribution.contacts_import import import_contacts, validate_file
    from survey_app.models import AccessAction, Contact, PersonalDataAccess, PersonalDataSubject
    from survey_app.privacy.contacts import find_contact, view

    with app_ctx():
        report = validate_file(contact_csv(people(30) + AWKWARD), "bulk.csv")
        assert report.ok, report.problems
        assert import_contacts(report, source="bulk.csv").imported == 32
    with app_ctx() as session:
        contacts = session.scalars(select(Contact).order_by(Contact.id)).all()
        shown = [view(c, masked=False) for c in contacts]
        assert [(s.name, s.phone, s.email) for s in shown[:2]] == [("고객0", "010-1000-0000", "c0@example.com"),
                                                                   ("고객1", "010-1000-0001", "c1@example.com")]
        weird = find_contact(phone="010-7777-0001")
        assert view(weird, masked=False).name == '탭\t과 역슬래시 \\ 와 따옴표" 이름'
        assert view(weird, masked=False).email == "weird.case@example.com" and weird.attributes["service_type"] == "등기"
        multiline = find_contact(email="ONLY.MAIL@example.com")
        assert view(multiline, masked=False).name == "줄\n바꿈" and multiline.attributes == {"region": "지역\\N"}
        assert multiline.phone_enc is None and multiline.phone_hash is None and multiline.consent is True
        assert len({c.name_enc[5:17] for c in contacts}) == 32  # a fresh nonce for every value
        entries = session.scalars(select(PersonalDataAccess).where(PersonalDataAccess.action == AccessAction.IMPORT)).all()
        assert len(entries) == 1 and entries[0].subject_count == 32 and entries[0].details["rows"] == 32
        subjects = session.scalars(select(PersonalDataSubject.subject_id)
                                   .where(PersonalDataSubject.access_id == entries[0].id)).all()
        assert sorted(subjects) == [c.id for c in contacts]


def test_existing_contacts_are_found_in_one_pass_over_a_large_file(app_ctx):
    from survey_app.distribution.contacts_import import import_contacts, validate_file
    from survey_app.models import Contact

    with app_ctx():
        import_contacts(validate_file(contact_csv(people(5, start=100)), "a.csv"), source="a.csv")
    with app_ctx() as session:
        report = validate_file(contact_csv(people(2500)), "b.csv")
        assert [p.row for p in report.problems] == [102, 103, 104, 105, 106]
        assert import_contacts(report, source="b.csv", skip_invalid=True).imported == 2495
        assert session.scalar(select(func.count()).select_from(Contact)) == 2500


def _open(app_ctx, make_survey, n: int, start: int, **plan):
    from survey_app.distribution.fielding import run_tick
    from tests.distribution_support import import_people, plan_wave

    ids = make_survey()
    import_people(app_ctx, people(n, start=start))
    plan_wave(app_ctx, ids["wave_id"], **plan)
    with app_ctx():
        run_tick()
    return ids["wave_id"]


def test_bulk_invitations_carry_rebuildable_tokens_and_a_second_run_adds_nothing(app_ctx, make_survey):
    from survey_app.distribution.audience import select_audience
    from survey_app.distribution.fielding import create_invitations
    from survey_app.distribution.tokens import token_and_hash
    from survey_app.models import DistributionPlan, Invitation, OutboxMessage, utcnow

    wave_id = _open(app_ctx, make_survey, 40, 3000)
    with app_ctx() as session:
        invitations = session.scalars(select(Invitation).where(Invitation.wave_id == wave_id)).all()
        assert len(invitations) == 40
        assert all(i.token_hash == token_and_hash(wave_id, i.contact_id)[1] for i in invitations)
        assert all(i.hidden["channel"] == "email" and i.hidden["age_band"] == "40대" for i in invitations)
        keys = set(session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.wave_id == wave_id)))
        assert keys == {f"inv:{i.id}:0" for i in invitations}
        plan = session.get(DistributionPlan, wave_id)
        assert create_invitations(plan, select_audience(plan, utcnow()), utcnow()) == 40  # run again: nothing new
        session.flush()
        assert session.scalar(select(func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.wave_id == wave_id)) == 40


def test_batched_sender_throttles_and_reads_opt_outs_made_after_the_claim(app_ctx, make_app, make_survey):
    from survey_app.distribution.optout import opt_out
    from survey_app.distribution.outbox import claim
    from survey_app.distribution.outcomes import Outcomes
    from survey_app.distribution.sender import Sender
    from survey_app.models import Contact, Invitation, OutboxMessage, OutboxStatus
    from tests.distribution_support import MailSink

    wave_id = _open(app_ctx, make_survey, 21, 3100)
    with MailSink() as sink:
        app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, SMTP_SECURITY="none", SEND_RATE_EMAIL=50)
        with app.app_context():
            sender = Sender(app, ["email"], worker="bulk-test")
            assert sender.group_size() == 10  # 50/s × 0.2 s
            ids = claim("bulk-test", ["email"], 100)
            batch = sender._load(ids)
            with app_ctx() as session:  # the person opts out after the sender claimed their message
                message = session.get(OutboxMessage, ids[-1])
                opt_out(session.get(Contact, session.get(Invitation, message.invitation_id).contact_id), via="test")
            started = time.monotonic()
            for start in range(0, len(batch), 10):
                sender._send_group(batch[start:start + 10], Outcomes("bulk-test"))
            elapsed = time.monotonic() - started
            sender.channels["email"].close()
    assert len(sink.messages) == 20 and elapsed >= 19 / 50  # 50 per second at most, spaced evenly
    with app_ctx() as session:
        statuses = dict(session.execute(select(OutboxMessage.id, OutboxMessage.status)
                                        .where(OutboxMessage.wave_id == wave_id)).all())
        assert statuses.pop(ids[-1]) == OutboxStatus.CANCELLED
        assert set(statuses.values()) == {OutboxStatus.SENT}
        sent_invitations = session.scalar(select(func.count()).select_from(Invitation).where(
            Invitation.wave_id == wave_id, Invitation.status == "sent", Invitation.sent_at.is_not(None)))
        assert sent_invitations == 20


def test_a_claim_takes_at_most_its_batch_however_postgresql_plans_it(app_ctx, make_survey):
    """As ``id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)``, a nested-loop semi-join (PostgreSQL's plan for
    a fresh, unanalysed outbox) ran the subquery again for every row and one sender claimed every pending
    message. The plan is forced here so the test means the same on every database."""
    from sqlalchemy import text

    from survey_app.distribution.outbox import claim
    from survey_app.models import OutboxMessage, OutboxStatus

    wave_id = _open(app_ctx, make_survey, 60, 3200)
    with app_ctx() as session:
        postgres = session.get_bind().dialect.name == "postgresql"
        if postgres:
            session.execute(text("SET enable_hashjoin = off; SET enable_mergejoin = off"))
        try:
            first = claim("claim-a", ["email"], 20)
            second = claim("claim-b", ["email"], 20)
        finally:
            if postgres:
                session.execute(text("RESET enable_hashjoin; RESET enable_mergejoin"))
        claimed = session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.wave_id == wave_id, OutboxMessage.status == OutboxStatus.SENDING))
    assert len(first) == len(second) == 20 and not set(first) & set(second) and claimed == 40
