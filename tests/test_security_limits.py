"""Request size limits: 413 pages for large bodies, no upload left behind, workbooks refused before they are read."""
from __future__ import annotations

import io
import os
import re
import time
import zipfile
from pathlib import Path

import pytest

from questionnaires.xlsx.limits import WorkbookTooLarge, check_declared_cells, limited_rows
from questionnaires.xlsx.tables import read_tables
from survey_app.distribution.contact_files import ContactFileError, read_contact_rows
from tests.distribution_support import contact_csv, people

PASSWORD = "Sokcho2026pass"
IMPORT = "/manage/distribution/contacts/import"


def sign_in_admin(client, make_user, name="limit_admin"):
    make_user(name, PASSWORD, is_admin=True)
    client.post("/manage/login", data={"username": name, "password": PASSWORD})


def upload(client, data: bytes, name="list.csv"):
    return client.post(IMPORT, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def uploads_folder(app) -> Path:
    return Path(app.instance_path) / "uploads"


def test_a_large_anonymous_post_is_refused_with_a_korean_page(client):
    answer = client.post("/", data={"text": "가" * 700_000})  # about 2 MB encoded, over MAX_REQUEST_KB
    html = answer.get_data(as_text=True)
    assert answer.status_code == 413 and "너무 큽니다" in html and "Traceback" not in html


def test_a_large_api_body_gets_a_json_413(client):
    answer = client.post("/api/v1/post-call", data=b"{" + b" " * 2_000_000 + b"}", content_type="application/json")
    assert answer.status_code == 413 and answer.get_json()["error"]["status"] == 413


def test_an_upload_over_the_limit_is_refused_and_leaves_no_file(make_app, make_user):
    app = make_app(MAX_UPLOAD_MB=1)
    client = app.test_client()
    sign_in_admin(client, make_user)
    before = set(uploads_folder(app).glob("*")) if uploads_folder(app).exists() else set()
    answer = upload(client, contact_csv(people(1)) + b"#" * 1_200_000)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 413 and "1 MB까지 올릴 수 있습니다" in html and "Traceback" not in html
    after = set(uploads_folder(app).glob("*")) if uploads_folder(app).exists() else set()
    assert after == before


def test_uploads_may_be_larger_than_other_requests_and_are_kept_compactly(app, client, make_user):
    sign_in_admin(client, make_user, "limit_admin2")
    data = contact_csv(people(20_000))  # over 1 MB: more than MAX_REQUEST_KB, within MAX_UPLOAD_MB
    assert len(data) > 1024 * 1024
    page = upload(client, data)
    assert page.status_code == 200
    upload_id = re.search(r'contacts/import/([0-9a-f]{32})"', page.get_data(as_text=True)).group(1)
    stored = uploads_folder(app) / f"{upload_id}.bin"
    assert stored.stat().st_size < len(data) + 200  # encrypted as bytes, not as twice as long hex text
    assert stored.stat().st_mode & 0o777 == 0o600 and uploads_folder(app).stat().st_mode & 0o777 == 0o700


def test_an_unconfirmed_upload_is_deleted_after_the_keeping_time(app, client, make_user):
    sign_in_admin(client, make_user, "limit_admin3")
    folder = uploads_folder(app)
    folder.mkdir(parents=True, exist_ok=True)
    stale, fresh = folder / ("a" * 32 + ".bin"), folder / ("b" * 32 + ".bin")
    stale.write_bytes(b"old"), fresh.write_bytes(b"new")
    long_ago = time.time() - 25 * 3600
    os.utime(stale, (long_ago, long_ago))
    assert upload(client, contact_csv(people(2))).status_code == 200
    assert not stale.exists() and fresh.exists()
    fresh.unlink()


def zip_bomb_xlsx(unpacked: int = 101_000_000) -> bytes:
    """A small .xlsx whose sheet unpacks to ``unpacked`` bytes."""
    from openpyxl import Workbook

    book, buffer = Workbook(), io.BytesIO()
    book.active.append(["이름", "휴대전화"])
    book.save(buffer)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("xl/padding.xml", b" " * unpacked)
    return buffer.getvalue()


def test_a_zip_bomb_contact_list_is_refused_before_it_is_read():
    data = zip_bomb_xlsx()
    assert len(data) < 1_000_000
    started = time.monotonic()
    with pytest.raises(ContactFileError, match="압축을 푼 크기"):
        list(read_contact_rows(data, "list.xlsx"))
    assert time.monotonic() - started < 3


def test_a_zip_bomb_questionnaire_is_a_problem_not_a_long_wait():
    tables, problems = read_tables(zip_bomb_xlsx())
    assert tables == {} and [p.code for p in problems] == ["xlsx_too_large"]


def test_a_sheet_declaring_millions_of_cells_is_refused():
    from openpyxl import Workbook

    book, buffer = Workbook(), io.BytesIO()
    book.active.append(["이름", "휴대전화"])
    book.active.cell(row=1_048_576, column=16_384, value="x")
    book.save(buffer)
    with pytest.raises(ContactFileError, match="칸이 너무 많습니다"):
        list(read_contact_rows(buffer.getvalue(), "list.xlsx"))


def test_cells_are_counted_while_reading():
    rows = [("a",) * 10] * 5
    assert list(limited_rows(rows, limit=50)) == rows
    with pytest.raises(WorkbookTooLarge):
        list(limited_rows(rows, limit=49))


def test_a_declared_dimension_within_the_limit_passes():
    class Sheet:
        max_row, max_column = 1000, 10

    check_declared_cells(Sheet(), limit=10_000)
    with pytest.raises(WorkbookTooLarge):
        check_declared_cells(Sheet(), limit=9_999)
