"""The staff upload page for customer, interaction and order files: the report names every bad row with its
row number and column, nothing is imported until the file is clean, and odd files get plain messages."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from tests.customer_import_support import CUSTOMER_HEADER, ORDER_HEADER, csv_bytes, customer_rows, order_rows

PASSWORD = "Customer2026pass"


@pytest.fixture
def staff(client, make_user, make_org, app_ctx):
    """A designer of region R-CI (office P-CI) signed in; returns the office's id."""
    from survey_app.accounts.operations import grant_role
    from survey_app.models import OrgLevel, User

    make_org("HQ-CI", "본부", OrgLevel.HEADQUARTERS)
    region = make_org("R-CI", "서울청", OrgLevel.REGIONAL, "HQ-CI")
    office = make_org("P-CI", "광화문", OrgLevel.OFFICE, "R-CI")
    make_org("P-OTHER", "부산", OrgLevel.OFFICE, "HQ-CI")
    user_id, _ = make_user("ci_staff", PASSWORD)
    with app_ctx() as session:
        grant_role(session.get(User, user_id), "designer", region)
    client.post("/manage/login", data={"username": "ci_staff", "password": PASSWORD})
    return office


def _upload(client, data: bytes, name: str, kind: str = "customers", **extra):
    return client.post("/manage/customers/import/", data={"kind": kind, "file": (io.BytesIO(data), name), **extra},
                       content_type="multipart/form-data")


def _customers(app_ctx) -> int:
    from survey_app.models import Customer

    with app_ctx() as session:
        return session.scalar(select(func.count()).select_from(Customer))


def test_two_bad_rows_are_named_then_the_fixed_file_imports(client, staff, app_ctx):
    rows = customer_rows(4, office="P-CI")
    rows[1] = rows[1].replace("1970", "천구백")
    rows[3] = rows[3].replace("P-CI", "P-OTHER")
    page = _upload(client, csv_bytes(CUSTOMER_HEADER, rows, "cp949"), "고객.csv")
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "<td>3</td><td>출생연도</td>" in html and "<td>5</td><td>우체국코드</td>" in html
    assert "관리 권한이 없는 우체국입니다: P-OTHER" in html and "아무것도 등록하지 않았습니다" in html
    assert _customers(app_ctx) == 0 and "/manage/customers/import/" in html
    fixed = customer_rows(4, office="P-CI")
    page = _upload(client, csv_bytes(CUSTOMER_HEADER, fixed, "cp949"), "고객.csv")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "모든 행이 올바릅니다" in html and _customers(app_ctx) == 0
    action = "/manage/customers/import/" + html.split('action="/manage/customers/import/')[1].split('"')[0]
    done = client.post(action, follow_redirects=True)
    assert "고객 4건을 등록했습니다: 새로 4건" in done.get_data(as_text=True), done.get_data(as_text=True)[-1500:]
    assert _customers(app_ctx) == 4
    assert client.post(action).status_code == 404  # the kept file is gone after its import


def test_kept_uploads_are_encrypted_and_private(client, staff, app):
    from pathlib import Path

    page = _upload(client, csv_bytes(CUSTOMER_HEADER, customer_rows(2, office="P-CI")), "c.csv")
    upload_id = page.get_data(as_text=True).split('action="/manage/customers/import/')[1].split('"')[0]
    kept = Path(app.instance_path) / "uploads" / "customers" / f"{upload_id}.bin"
    assert kept.stat().st_mode & 0o077 == 0
    assert b"C00001" not in kept.read_bytes() and "고객1".encode() not in kept.read_bytes()
    assert list(kept.parent.glob("*.tmp")) == []  # the plaintext copy the check read is gone


def test_wrong_encoding_missing_column_and_zip_bomb_get_plain_messages(client, staff):
    from tests.test_security_limits import zip_bomb_xlsx

    cases = [(csv_bytes(CUSTOMER_HEADER, customer_rows(2)) + "C9,개인,홍길동\n".encode("cp949"), "a.csv",
              "4행에 UTF-8로 읽을 수 없는 글자"),
             (b"name,phone\nx,010\n", "b.csv", "꼭 있어야 할 열이 없습니다: 고객번호"),
             (zip_bomb_xlsx(), "c.xlsx", "압축을 푼 크기가 너무 큽니다"),
             (b"\x00\xff\xfe garbage", "d.xlsx", "엑셀(XLSX) 파일을 열 수 없습니다")]
    for data, name, message in cases:
        page = _upload(client, data, name)
        html = page.get_data(as_text=True)
        assert page.status_code == 400 and message in html, (name, html[:2000])
        assert "Traceback" not in html


def test_a_file_over_the_upload_limit_is_refused_with_a_message(make_app, make_user, staff, db):
    app = make_app(MAX_UPLOAD_MB=1)
    client = app.test_client()
    client.post("/manage/login", data={"username": "ci_staff", "password": PASSWORD})
    page = client.post("/manage/customers/import/", data={"kind": "orders", "file": (io.BytesIO(b"x" * 2_000_000),
                                                                                     "big.csv")},
                       content_type="multipart/form-data")
    assert page.status_code == 413 and "1 MB까지 올릴 수 있습니다" in page.get_data(as_text=True)


def test_orders_of_unknown_customers_are_reported_or_made_stubs(client, staff, app_ctx):
    from survey_app.models import Order

    _upload(client, csv_bytes(CUSTOMER_HEADER, customer_rows(1, office="P-CI")), "c.csv")
    page = _upload(client, csv_bytes(ORDER_HEADER, order_rows(2, customers=2)), "o.csv", kind="orders")
    assert page.status_code == 422 and "등록되지 않은 고객번호입니다" in page.get_data(as_text=True)
    refused = _upload(client, csv_bytes(ORDER_HEADER, order_rows(2, customers=2)), "o.csv", kind="orders",
                      create_missing="y")
    assert refused.status_code == 400 and "전체 조직 권한" in refused.get_data(as_text=True)
    with app_ctx() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 0
