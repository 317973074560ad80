"""Odd input answered without a 500: huge numbers in URLs and query strings, long CSV cells, deep JSON.

Run on PostgreSQL too (SURVEY_TEST_DATABASE_URL): it refuses integers beyond a column's range where
SQLite quietly finds nothing.
"""
from __future__ import annotations

import io
import re

import pytest
from werkzeug.routing.converters import NumberConverter

from survey_app.distribution.contact_files import ContactFileError, read_contact_rows
from survey_app.manage.org_files import read_rows
from survey_app.web.numbers import DB_INTEGER_MAX, whole_number
from tests.distribution_support import contact_csv, people

PASSWORD = "Sokcho2026pass"
HUGE = [2**31, 2**63, 10**30]


@pytest.fixture
def admin(client, make_user, app_ctx):
    """An organisation-wide admin signed in, and an API key holding every permission."""
    from survey_app.accounts.api_keys import create_api_key
    from survey_app.models import Permission

    make_user("odd_admin", PASSWORD, is_admin=True)
    client.post("/manage/login", data={"username": "odd_admin", "password": PASSWORD})
    with app_ctx():
        _key, secret = create_api_key("odd input", [p.value for p in Permission])
    return {"Authorization": f"Bearer {secret}"}


def int_rules(app):
    """(rule, its int arguments) for every URL rule taking a whole number."""
    for rule in app.url_map.iter_rules():
        names = [name for name, converter in rule._converters.items() if isinstance(converter, NumberConverter)]
        if names:
            yield rule, names


def test_the_walk_finds_the_int_rules(app):
    assert len(list(int_rules(app))) >= 50


@pytest.mark.parametrize("huge", HUGE)
def test_huge_numbers_in_any_url_are_not_found_not_a_crash(app, client, admin, huge):
    crashed = []
    for rule, names in int_rules(app):
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(huge) if name in names else "x", path)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            answer = client.open(path, method=method, headers=admin if path.startswith("/api/") else None)
            if answer.status_code >= 500:
                crashed.append(f"{method} {path} → {answer.status_code}")
    assert crashed == []


@pytest.mark.parametrize("huge", HUGE)
def test_huge_numbers_in_query_strings_are_ignored(client, admin, make_survey, huge):
    courtesy = make_survey(kind="staff_courtesy")
    for path in (f"/manage/contacts/?page={huge}", f"/manage/?unit={huge}&owner={huge}",
                 f"/manage/courtesy/waves/{courtesy['wave_id']}/new?q=x&org_unit={huge}"):
        answer = client.get(path)
        assert answer.status_code in (200, 400, 404), path


def test_whole_number_keeps_only_what_a_column_holds():
    assert whole_number("42") == 42 and whole_number(str(DB_INTEGER_MAX)) == DB_INTEGER_MAX
    for text in (str(DB_INTEGER_MAX + 1), "-1", "١٢", "¹", "", None, "1e3", " 7", "9" * 400):
        assert whole_number(text) is None


def test_a_csv_cell_over_128_kb_is_a_row_error():
    data = contact_csv(people(2)) + b'"' + b"x" * 200_000 + b"\n"
    with pytest.raises(ContactFileError, match="4행을 읽을 수 없습니다"):
        list(read_contact_rows(data, "list.csv"))
    with pytest.raises(ValueError, match="line"):
        read_rows(b"code,name\n" + b"a," + b"x" * 200_000 + b'"\n', "units.csv")


def test_uploading_such_a_csv_shows_the_row_error(client, admin):
    data = contact_csv(people(2)) + b'"' + b"x" * 200_000 + b"\n"
    page = client.post("/manage/distribution/contacts/import", data={"file": (io.BytesIO(data), "list.csv")},
                       content_type="multipart/form-data")
    assert page.status_code == 400 and "행을 읽을 수 없습니다" in page.get_data(as_text=True)


@pytest.mark.parametrize("depth", [40, 5_000, 100_000])
def test_deeply_nested_json_is_a_400_with_a_json_error(client, admin, depth):
    body = "[" * depth + "]" * depth
    answer = client.post("/api/v1/post-call", data=body, content_type="application/json", headers=admin)
    assert answer.status_code == 400 and "nested" in answer.get_json()["error"]["message"]


def test_ordinary_json_still_reaches_the_api(client, admin):
    answer = client.post("/api/v1/post-call", json={"wave": "nope", "call_id": "c1", "customer_number": "01012345678",
                                                    "extra": {"a": [1, {"b": [2]}]}}, headers=admin)
    assert answer.status_code not in (400, 500)
