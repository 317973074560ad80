"""Customer, interaction and order import: what goes in reads back, a second run changes nothing, every bad
row is reported with its row and column, and nothing is written while any row is bad."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from tests.customer_import_support import (
    CUSTOMER_HEADER,
    INTERACTION_HEADER,
    ORDER_HEADER,
    csv_bytes,
    customer_rows,
    order_rows,
    run_import,
    xlsx_bytes,
)


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_customers_round_trip_with_sealed_identifiers_and_consent(app_ctx):
    from survey_app.customers.identity import identity
    from survey_app.models import Customer, CustomerConsent

    report = run_import(app_ctx, "customers", csv_bytes(CUSTOMER_HEADER, customer_rows(3)))
    assert report.ok and report.imported and (report.total, report.created, report.updated) == (3, 3, 0)
    with app_ctx() as session:
        customer = session.scalar(select(Customer).where(Customer.external_id == "C00001"))
        shown = identity(customer, masked=False)
        assert (shown.name, shown.phone, shown.email) == ("고객1", "010-7000-0001", "c1@example.kr")
        assert shown.address == "서울특별시 종로구 세종대로 1"
        assert b"010-7000" not in customer.phone_enc and customer.phone_hash
        assert (customer.birth_year, customer.gender, customer.joined_on) == (1970, "F", date(2020, 1, 2))
        assert (customer.consent_survey, customer.consent_marketing, customer.consent_analysis) == (True, False, None)
        events = session.scalars(select(CustomerConsent).where(CustomerConsent.customer_id == customer.id)).all()
        assert sorted((e.purpose, e.granted, e.method) for e in events) == [("marketing", False, "import"),
                                                                          ("survey", True, "import")]


def test_reimporting_the_same_file_changes_nothing(app_ctx):
    from survey_app.models import Customer, CustomerConsent, Order

    data = csv_bytes(CUSTOMER_HEADER, customer_rows(4))
    run_import(app_ctx, "customers", data)
    orders = csv_bytes(ORDER_HEADER, order_rows(6, customers=4))
    run_import(app_ctx, "orders", orders)

    def snapshot():
        with app_ctx() as session:
            customers = session.execute(select(Customer.__table__)).all()
            return (customers, session.execute(select(Order.__table__)).all(), _count(session, CustomerConsent))

    before = snapshot()
    again = run_import(app_ctx, "customers", data)
    again_orders = run_import(app_ctx, "orders", orders)
    assert (again.created, again.updated, again.unchanged, again.consent_events) == (0, 0, 4, 0)
    assert (again_orders.created, again_orders.updated, again_orders.unchanged) == (0, 0, 6)
    assert snapshot() == before


def test_a_changed_row_updates_only_that_customer_and_records_the_withdrawal(app_ctx):
    from survey_app.models import Customer, CustomerConsent

    run_import(app_ctx, "customers", csv_bytes(CUSTOMER_HEADER, customer_rows(3)))
    rows = customer_rows(3)
    rows[2] = rows[2].replace(",동의,미동의", ",미동의,미동의").replace("고객2", "김고객")
    report = run_import(app_ctx, "customers", csv_bytes(CUSTOMER_HEADER, rows))
    assert (report.created, report.updated, report.unchanged, report.consent_events) == (0, 1, 2, 1)
    with app_ctx() as session:
        customer = session.scalar(select(Customer).where(Customer.external_id == "C00002"))
        assert customer.consent_survey is False
        last = session.scalars(select(CustomerConsent).where(CustomerConsent.customer_id == customer.id,
                                                             CustomerConsent.purpose == "survey")
                               .order_by(CustomerConsent.id)).all()
        assert [e.granted for e in last] == [True, False]


def test_orders_round_trip_dates_in_three_formats_and_amounts_with_won(app_ctx):
    from survey_app.models import Order

    run_import(app_ctx, "customers", csv_bytes(CUSTOMER_HEADER, customer_rows(3)))
    report = run_import(app_ctx, "orders", csv_bytes(ORDER_HEADER, order_rows(3)))
    assert report.ok and report.created == 3
    with app_ctx() as session:
        orders = session.scalars(select(Order).order_by(Order.external_id)).all()
        assert [o.amount for o in orders] == [1000, 2000, 3000]
        assert [o.ordered_at for o in orders] == [datetime(2026, 3, 5, 5, 30, tzinfo=UTC),
                                                  datetime(2026, 3, 5, 15, 0, tzinfo=UTC),
                                                  datetime(2026, 3, 6, 15, 0, tzinfo=UTC)]
        assert {o.status for o in orders} == {"delivered"} and orders[0].delivered_on == date(2026, 3, 10)
        assert orders[1].customer.external_id == "C00001"


def test_every_bad_row_is_reported_with_row_and_column_and_nothing_is_written(app_ctx):
    from survey_app.models import Customer, Order

    run_import(app_ctx, "customers", csv_bytes(CUSTOMER_HEADER, customer_rows(2)))
    rows = order_rows(5, customers=2)
    rows[1] = rows[1].replace("2026.03.06", "어제")
    rows[2] = rows[2].replace('"3,000원"', "삼천원")
    rows[3] = rows[3].replace("배송", "배달")
    rows.append(rows[0])  # the same order number twice
    rows.append("O99999,C77777,2026-03-05,식품,배,1000,1,주문,")
    report = run_import(app_ctx, "orders", csv_bytes(ORDER_HEADER, rows))
    assert not report.ok and not report.imported
    found = sorted((p.row, p.column) for p in report.problems)
    assert found == [(3, "주문일시"), (4, "금액"), (5, "주문상태"), (7, "주문번호"), (8, "고객번호")]
    messages = {p.row: p.message for p in report.problems}
    assert "날짜 형식이 아닙니다: 어제" in messages[3] and "2행과 번호가 겹칩니다" in messages[7]
    assert "등록되지 않은 고객번호입니다: C77777" in messages[8]
    assert report.bad_row_count == 5 and report.total == 7
    with app_ctx() as session:
        assert _count(session, Order) == 0 and _count(session, Customer) == 2


def test_unknown_customers_become_stubs_when_asked(app_ctx):
    from survey_app.models import Customer, Order

    report = run_import(app_ctx, "orders", csv_bytes(ORDER_HEADER, order_rows(4, customers=2)), create_missing=True)
    assert report.ok and report.stubs == 2 and report.created == 4
    with app_ctx() as session:
        stubs = session.scalars(select(Customer).order_by(Customer.external_id)).all()
        assert [(c.external_id, c.is_stub) for c in stubs] == [("C00000", True), ("C00001", True)]
        assert _count(session, Order) == 4
    run_import(app_ctx, "customers", csv_bytes(CUSTOMER_HEADER, customer_rows(1)))
    with app_ctx() as session:
        assert session.scalar(select(Customer.is_stub).where(Customer.external_id == "C00000")) is False


def test_dry_run_writes_nothing(app_ctx):
    from survey_app.models import Customer

    report = run_import(app_ctx, "customers", csv_bytes(CUSTOMER_HEADER, customer_rows(3)), dry_run=True)
    assert report.ok and not report.imported
    with app_ctx() as session:
        assert _count(session, Customer) == 0


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949"])
def test_utf8_bom_and_cp949_files_read_the_same(app_ctx, encoding):
    from survey_app.customers.identity import identity
    from survey_app.models import Customer

    report = run_import(app_ctx, "customers", csv_bytes(CUSTOMER_HEADER, customer_rows(2), encoding))
    assert report.ok and report.created == 2
    with app_ctx() as session:
        customer = session.scalar(select(Customer).where(Customer.external_id == "C00001"))
        assert identity(customer, masked=False).name == "고객1" and customer.kind == "person"


def test_a_later_line_in_another_encoding_names_its_row(app_ctx):
    from survey_app.customers.files import TableFileError

    data = csv_bytes(CUSTOMER_HEADER, customer_rows(3)) + "C00009,개인,홍길동,,,,,,,,,\n".encode("cp949")
    with pytest.raises(TableFileError, match="5행에 UTF-8"):
        run_import(app_ctx, "customers", data)


def test_a_missing_required_column_is_named(app_ctx):
    from survey_app.customers.files import TableFileError

    with pytest.raises(TableFileError, match="꼭 있어야 할 열이 없습니다: 주문일시, 금액"):
        run_import(app_ctx, "orders", b"order_id,customer_id\nO1,C1\n")


def test_xlsx_with_excel_dates_and_numbers(app_ctx):
    from survey_app.models import Interaction

    run_import(app_ctx, "customers", csv_bytes(CUSTOMER_HEADER, customer_rows(1)))
    rows = [INTERACTION_HEADER.strip().split(","),
            ["I1", "C00000", datetime(2026, 3, 5, 9, 0), "전화", None, "상담원7", "T01", "완료", "배송 문의"],
            ["I2", None, 46087, "키오스크", None, None, None, None, None]]
    report = run_import(app_ctx, "interactions", xlsx_bytes(rows), "calls.xlsx")
    assert report.ok and report.created == 2, report.problems
    with app_ctx() as session:
        calls = session.scalars(select(Interaction).order_by(Interaction.external_id)).all()
        assert [(c.channel, c.occurred_at) for c in calls] == [("call", datetime(2026, 3, 5, 0, 0, tzinfo=UTC)),
                                                              ("kiosk", datetime(2026, 3, 5, 15, 0, tzinfo=UTC))]
        assert calls[0].customer.external_id == "C00000" and calls[1].customer_id is None
        assert calls[0].note == "배송 문의"


def test_a_customer_imported_after_a_contact_picks_up_its_responses(app_ctx, make_survey):
    from survey_app.models import Contact, Customer, Invitation, Response, utcnow
    from survey_app.privacy.contacts import add_contact

    wave = make_survey()
    with app_ctx() as session:
        contact, _created = add_contact(name="고객1", phone="01070000001", consent=True)
        invitation = Invitation(wave_id=wave["wave_id"], contact_id=contact.id, token_hash="x" * 64)
        session.add(invitation)
        session.flush()
        session.add(Response(wave_id=wave["wave_id"], version_id=wave["version_id"], invitation_id=invitation.id,
                             status="complete", started_at=utcnow()))
        contact_id = contact.id
    report = run_import(app_ctx, "customers", csv_bytes(CUSTOMER_HEADER, customer_rows(3)))
    assert report.linked_contacts == 1
    with app_ctx() as session:
        customer_id = session.scalar(select(Customer.id).where(Customer.external_id == "C00001"))
        assert session.get(Contact, contact_id).customer_id == customer_id
        answered = session.scalars(select(Response.id).join(Invitation, Response.invitation_id == Invitation.id)
                                   .join(Contact, Invitation.contact_id == Contact.id)
                                   .where(Contact.customer_id == customer_id)).all()
        assert len(answered) == 1


def test_a_withdrawal_in_the_file_opts_out_the_linked_contact(app_ctx):
    from survey_app.models import Contact
    from survey_app.privacy.contacts import add_contact

    with app_ctx():
        contact_id = add_contact(phone="010-7000-0001", consent=True)[0].id
    rows = customer_rows(2, consent="미동의")
    run_import(app_ctx, "customers", csv_bytes(CUSTOMER_HEADER, rows))
    with app_ctx() as session:
        assert session.get(Contact, contact_id).opted_out_at is not None


def test_the_import_is_in_the_access_log_and_the_audit_log(app_ctx):
    from survey_app.models import AuditEvent, Customer, PersonalDataAccess, PersonalDataSubject

    run_import(app_ctx, "customers", csv_bytes(CUSTOMER_HEADER, customer_rows(3)))
    with app_ctx() as session:
        entry = session.scalars(select(PersonalDataAccess).where(PersonalDataAccess.action == "import")).one()
        assert entry.subject_type == "customer" and entry.subject_count == 3
        subjects = set(session.scalars(select(PersonalDataSubject.subject_id)
                                       .where(PersonalDataSubject.access_id == entry.id)))
        assert subjects == set(session.scalars(select(Customer.id)))
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.import")).one()
        assert audit.details["created"] == 3 and audit.details["kind"] == "customers"


def test_a_regional_importer_may_import_only_into_their_units(app_ctx, make_org):
    from survey_app.customers.importing import ImportRefused
    from survey_app.models import Customer, OrgLevel

    make_org("HQ-C", "본부", OrgLevel.HEADQUARTERS)
    make_org("R-A", "서울청", OrgLevel.REGIONAL, "HQ-C")
    mine = make_org("P-A", "광화문", OrgLevel.OFFICE, "R-A")
    make_org("P-B", "부산", OrgLevel.OFFICE, "HQ-C")
    rows = customer_rows(1, office="P-A") + customer_rows(1, start=1, office="P-B") + customer_rows(1, start=2)
    rows.append("C00003,개인,x,,,,,,P-ZZ,,,")
    report = run_import(app_ctx, "customers", csv_bytes(CUSTOMER_HEADER, rows), visible={mine})
    assert sorted((p.row, p.column) for p in report.problems) == [(3, "우체국코드"), (4, "우체국코드"), (5, "우체국코드")]
    assert "관리 권한이 없는 우체국입니다: P-B" in report.problems[0].message
    with app_ctx() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 0
    # a customer of another unit may not be taken over by re-importing its number with one's own office
    run_import(app_ctx, "customers", csv_bytes(CUSTOMER_HEADER, customer_rows(1, office="P-B")))
    again = run_import(app_ctx, "customers", csv_bytes(CUSTOMER_HEADER, customer_rows(1, office="P-A")),
                       visible={mine})
    assert [p.message for p in again.problems] == ["관리 권한이 없는 조직의 고객입니다"]
    orders = run_import(app_ctx, "orders", csv_bytes(ORDER_HEADER, order_rows(1, customers=1)), visible={mine})
    assert [(p.row, p.column) for p in orders.problems] == [(2, "고객번호")]
    with pytest.raises(ImportRefused):
        run_import(app_ctx, "orders", csv_bytes(ORDER_HEADER, order_rows(1)), visible={mine}, create_missing=True)


def test_a_zip_bomb_is_refused_before_it_is_read(app_ctx):
    from survey_app.customers.files import TableFileError
    from tests.test_security_limits import zip_bomb_xlsx

    with pytest.raises(TableFileError, match="압축을 푼 크기가 너무 큽니다"):
        run_import(app_ctx, "customers", zip_bomb_xlsx(), "customers.xlsx")


def test_a_broken_workbook_and_an_empty_file_get_plain_messages(app_ctx):
    from survey_app.customers.files import TableFileError

    with pytest.raises(TableFileError, match="엑셀\\(XLSX\\) 파일을 열 수 없습니다"):
        run_import(app_ctx, "customers", b"PK\x03\x04 not really a zip", "customers.xlsx")
    with pytest.raises(TableFileError, match="빈 파일입니다"):
        run_import(app_ctx, "customers", b"")


def test_the_file_is_read_as_a_stream_from_a_path(app_ctx, tmp_path):
    from survey_app.customers.importing import import_file
    from survey_app.models import Customer

    path = tmp_path / "customers.csv"
    path.write_bytes(csv_bytes(CUSTOMER_HEADER, customer_rows(12_000), "cp949"))
    with app_ctx() as session:
        report = import_file("customers", path, path.name)
        assert report.ok and report.created == 12_000
        assert session.scalar(select(func.count()).select_from(Customer)) == 12_000


def test_problems_are_all_counted_but_only_the_first_kept(app_ctx, monkeypatch):
    from survey_app.customers import importing

    monkeypatch.setattr(importing, "MAX_PROBLEMS", 5)
    rows = [f"O{i},C1,어제,,,1000,,," for i in range(20)]
    report = run_import(app_ctx, "orders", csv_bytes(ORDER_HEADER, rows))
    assert report.problem_count == 20 and len(report.problems) == 5 and report.bad_row_count == 20
    assert any("그 밖에 15건" in line for line in report.lines())


def test_cli_imports_a_file_and_prints_the_report(runner, app_ctx, tmp_path):
    from survey_app.models import Customer, Order

    customers, orders = tmp_path / "고객.csv", tmp_path / "orders.csv"
    customers.write_bytes(csv_bytes(CUSTOMER_HEADER, customer_rows(2), "cp949"))
    orders.write_bytes(csv_bytes(ORDER_HEADER, order_rows(3, customers=3)))
    dry = runner.invoke(args=["customers", "import", "customers", str(customers), "--dry-run"])
    assert dry.exit_code == 0 and "검사만 했습니다" in dry.output
    with app_ctx() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 0
    done = runner.invoke(args=["customers", "import", "customers", str(customers)])
    assert done.exit_code == 0 and "새로 등록 2건" in done.output, done.output
    refused = runner.invoke(args=["customers", "import", "orders", str(orders)])
    assert refused.exit_code == 1 and "4행 [고객번호] 등록되지 않은 고객번호입니다: C00002" in refused.output
    assert "아무것도 등록하지 않았습니다" in refused.output
    stubbed = runner.invoke(args=["customers", "import", "orders", str(orders), "--create-missing"])
    assert stubbed.exit_code == 0 and "임시 고객 1명" in stubbed.output, stubbed.output
    with app_ctx() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 3


def test_cli_reports_an_unreadable_file_in_one_line(runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes("고객번호,이름\n".encode() + "C1,홍길동\n".encode("cp949"))
    answer = runner.invoke(args=["customers", "import", "customers", str(path)])
    assert answer.exit_code == 1 and "2행에 UTF-8로 읽을 수 없는 글자" in answer.output
    assert "Traceback" not in answer.output


def test_ids_stored_meanwhile_by_another_import_undo_the_whole_import(app_ctx, monkeypatch):
    from survey_app.customers import staging
    from survey_app.customers.importing import ImportRefused
    from survey_app.models import Customer

    run_import(app_ctx, "customers", csv_bytes(CUSTOMER_HEADER, customer_rows(2)))
    monkeypatch.setattr(staging, "count_existing", lambda table, kind: 0)  # as if checked before the other import
    with pytest.raises(ImportRefused, match="다른 등록이 같은 번호를 방금 저장해"):
        run_import(app_ctx, "customers", csv_bytes(CUSTOMER_HEADER, customer_rows(3)))
    with app_ctx() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 2


def test_an_erased_person_does_not_come_back_when_old_files_are_imported_again(app_ctx):
    """Erasure keeps the customer's, orders' and calls' source ids only as keyed hashes; re-importing the
    same files skips that person's rows (counted, not refused) and brings back nobody else's changes."""
    from survey_app.customers.erasure import erase_customer
    from survey_app.customers.identity import find_customer
    from survey_app.models import Customer, ErasedRecord, Order

    customers = csv_bytes(CUSTOMER_HEADER, customer_rows(3))
    orders = csv_bytes(ORDER_HEADER, order_rows(6, customers=3))
    run_import(app_ctx, "customers", customers)
    run_import(app_ctx, "orders", orders)
    with app_ctx() as session:
        erased = session.scalar(select(Customer).where(Customer.external_id == "C00001"))
        own_orders = _count_where(session, Order, Order.customer_id == erased.id)
        erase_customer(erased, reason="정보주체 삭제 요청")
        stored = set(session.scalars(select(ErasedRecord.key_hash)))
        assert len(stored) == 1 + own_orders and "C00001" not in str(stored)
    again = run_import(app_ctx, "customers", customers)
    again_orders = run_import(app_ctx, "orders", orders)
    assert again.ok and again.skipped_erased == 1 and again.created == 0
    assert again_orders.ok and again_orders.skipped_erased == own_orders > 0 and again_orders.stubs == 0
    assert any("다시 등록하지 않았습니다" in line for line in again.lines())
    with app_ctx() as session:
        assert session.scalar(select(Customer).where(Customer.external_id == "C00001")) is None
        assert find_customer(phone="010-7000-0001") is None
        assert _count(session, Order) == 6  # the erased person's orders stay, anonymous, and are not doubled


def _count_where(session, model, condition) -> int:
    return session.scalar(select(func.count()).select_from(model).where(condition))
