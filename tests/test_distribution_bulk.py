"""Bulk paths of distribution (COPY on PostgreSQL, executemany on SQLite) store exactly what the one-row paths
store: contacts that decrypt to what the file said and are found by their keyed hashes, one access-log entry
naming every imported contact, and invitations whose tokens rebuild from the secret key."""
from __future__ import annotations

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
