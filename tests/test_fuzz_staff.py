"""Hypothesis posts arbitrary data to every staff form: each POST endpoint in the app's URL map (outside
the respondent pages and the API), signed in as an administrator.

Two kinds of post, half each: a form as a staff page shows it with one or two fields changed to an
awkward value (or left out), which gets past the first checks; and anything at all (random field
names and values, random files, URL parts that exist and ones that do not). Whatever is posted: no
5xx, and a post that is refused (4xx) or answered with its form and error messages changes no stored
data.
"""
from __future__ import annotations

import io
import os
import re
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.designer_support import sign_in, staff
from tests.fuzz_support import AWKWARD, Form, forms_in
from tests.respondent_support import EVERY_TYPE, field_wave

pytestmark = pytest.mark.fuzz
EXAMPLES = int(os.environ.get("SURVEY_TEST_FUZZ_EXAMPLES", "15"))
ADMIN = "fuzzadmin"
#: Signing out would end the fuzzing session itself.
SKIPPED = {"manage.logout"}
#: Endpoints with a reported 5xx, each pinned by a strict xfail test below: fix it, delete both entries.
KNOWN_5XX: set[str] = set()
#: Tables any request may write (access and audit logs, session touches, rate-limit counts, autosaves).
BOOKKEEPING = {"audit_events", "personal_data_access", "staff_sessions", "rate_limit_buckets", "idempotency_records",
               "unsaved_forms", "leases"}
values = st.one_of(st.sampled_from(AWKWARD), st.text(max_size=30), st.integers(-10**6, 10**6).map(str))


def _post_rules() -> list[tuple[str, str]]:
    from survey_app import create_app

    app = create_app({"DATABASE_URL": "sqlite://", "INSTANCE_PATH": tempfile.mkdtemp(), "SECRET_KEY": "list"})
    rules = {(r.endpoint, r.rule) for r in app.url_map.iter_rules() if "POST" in (r.methods or ())}
    return sorted((e, r) for e, r in rules if not e.startswith(("respond.", "api.", "static")) and e not in SKIPPED)


RULES = _post_rules()


@pytest.fixture
def world(client, app_ctx, make_user, make_survey):
    """A signed-in administrator, another user, a published survey with a wave, a draft, and the POST
    forms of the staff pages (crawled once)."""
    admin_id = staff(make_user, app_ctx, client, role="admin", username=ADMIN)
    other_id, _ = make_user(None, "Sokcho2026pass")
    ids = field_wave(app_ctx, make_survey)
    draft = make_survey(EVERY_TYPE.to_dict(), publish=False)["survey_id"]
    forms = _crawl(client, [
        "/manage/", "/admin/users", f"/admin/users/{other_id}", "/admin/api-keys", "/manage/account/totp",
        "/manage/surveys/new", "/manage/distribution/contacts/import", "/manage/contacts/export",
        f"/manage/distribution/waves/{ids['wave_id']}/plan", f"/manage/surveys/{ids['survey_id']}/waves/new",
        *(f"/manage/surveys/{draft}/{part}" for part in
          ("settings", "questions/Q1", "questions/Q4", "sections/S1", "scoring", "source", "library", "copy",
           "publish", "preview", "sections/new"))])
    names = sorted({name for form in forms for name in form.names} - {"csrf_token"}) or ["name"]
    return {"admin": admin_id, "other": other_id, "ids": ids, "draft": draft, "forms": forms, "names": names}


def _crawl(client, pages: list[str]) -> list[Form]:
    found = []
    for page in pages:
        answer = client.get(page)
        if answer.status_code == 200:
            found.extend(forms_in(answer.get_data(as_text=True), f"http://localhost{page}"))
    return found


def _matches(rule: str, path: str) -> bool:
    pattern = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?\w+>", "[^/]+", rule)
    return re.fullmatch(pattern, path.split("?")[0]) is not None


def _generated_url(rule: str, world: dict):
    def part(converter: str, name: str):
        if converter.startswith("int") and name == "user_id":  # never the signed-in administrator
            return st.sampled_from([world["other"], 0, 2147483647])
        if converter.startswith("int"):
            return st.sampled_from([world["draft"], world["ids"]["survey_id"], world["ids"]["wave_id"],
                                    world["other"], 0, 1, 2147483647])
        return st.one_of(st.sampled_from(["Q1", "Q4_1", "S1", "S3", "x", "..", "%00"]),
                         st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=8))

    parts = re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule)
    chosen = st.fixed_dictionaries({name: part(converter or "string", name) for converter, name in parts})
    return chosen.map(lambda v: re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", lambda m: str(v[m.group(1)]), rule))


def _changed_form(data, form: Form) -> MultiDict:
    """The form as shown, with one or two fields set to an awkward value or left out, files random."""
    pairs = list(form.pairs)
    for name in data.draw(st.lists(st.sampled_from(sorted(form.names)), min_size=1, max_size=2, unique=True)):
        pairs = [(k, v) for k, v in pairs if k != name]
        if data.draw(st.integers(0, 4)):
            pairs.append((name, data.draw(values)))
    body = MultiDict(pairs)
    for name in form.files:
        body.add(name, (io.BytesIO(data.draw(st.binary(max_size=400))), data.draw(st.sampled_from(["a.xlsx", "a.csv", "a.yaml", ""]))))
    return body


def _anything(data, world: dict) -> MultiDict:
    names = st.one_of(st.sampled_from(world["names"]), st.text(min_size=1, max_size=10))
    body = MultiDict(data.draw(st.lists(st.tuples(names, values), max_size=15)))
    if data.draw(st.booleans()):
        body.add("file", (io.BytesIO(data.draw(st.binary(max_size=300))), data.draw(st.sampled_from(["a.xlsx", "a.csv", ""]))))
    return body


def _data_digest(app_ctx) -> dict[str, object]:
    """A fingerprint of every row of every table that holds data (bookkeeping tables left out); on
    PostgreSQL one query computes them all."""
    from sqlalchemy import text

    from survey_app.models.base import Base

    tables = [t for t in Base.metadata.sorted_tables if t.name not in BOOKKEEPING]
    with app_ctx() as session:
        if session.get_bind().dialect.name == "postgresql":
            sql = " UNION ALL ".join(f"SELECT '{t.name}', md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), ''))"
                                     f' FROM "{t.name}" x' for t in tables)
            return dict(session.execute(text(sql)).all())
        return {t.name: hash(tuple(sorted(map(repr, session.execute(select(t)).all())))) for t in tables}


def _shows_errors(answer) -> bool:
    """The form came back with errors (an accepted post redirects, or shows its result without them, or
    answers with a file: the unmasked workbook once a purpose is given)."""
    if answer.status_code != 200 or answer.mimetype != "text/html":
        return False
    html = answer.get_data(as_text=True)
    return any(mark in html for mark in ('role="alert"', 'class="error', "has-error"))


def _describe(exc: BaseException) -> str:
    subs = getattr(exc, "exceptions", None)
    if subs:
        return "; ".join(_describe(sub) for sub in subs)
    return f"{type(exc).__name__}: {str(exc)[:1500]}"


def _fuzz_endpoint(client, app_ctx, world: dict, rule: str) -> None:
    forms = [form for form in world["forms"] if _matches(rule, form.action)
             and f"/users/{world['admin']}/" not in form.action]

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(data=st.data())
    def post_something(data):
        if forms and data.draw(st.booleans()):
            form = data.draw(st.sampled_from(forms))
            url, body = form.action, _changed_form(data, form)
        else:
            url, body = data.draw(_generated_url(rule, world)), _anything(data, world)
        before = _data_digest(app_ctx)
        answer = client.post(url, data=body)
        assert answer.status_code < 500, f"POST {url} {dict(body.lists())!r:.600} → {answer.status_code}"
        if answer.status_code >= 400 or _shows_errors(answer):
            changed = [t for t, h in _data_digest(app_ctx).items() if before[t] != h]
            assert not changed, f"POST {url} {dict(body.lists())!r:.600} → {answer.status_code} but changed {changed}"

    post_something()


def test_arbitrary_posts_to_every_staff_form(client, app_ctx, world):
    failures = []
    for endpoint, rule in RULES:
        if endpoint in KNOWN_5XX:
            continue
        try:
            _fuzz_endpoint(client, app_ctx, world, rule)
        except Exception as exc:  # noqa: BLE001 - every endpoint is tried; all failures are reported together
            failures.append(f"{endpoint}: {_describe(exc)}")
        if client.get("/manage/").status_code != 200:  # a post may have ended the session
            sign_in(client, ADMIN)
    assert not failures, f"{len(failures)} of {len(RULES)} staff endpoints failed:\n\n" + "\n\n".join(failures)


def test_org_import_of_a_file_that_is_not_a_workbook_is_refused_politely(client, app_ctx, make_user):
    staff(make_user, app_ctx, client, role="admin", username=ADMIN)
    answer = client.post("/manage/org/import", data={"file": (io.BytesIO(b"not a workbook"), "units.xlsx")})
    assert answer.status_code < 500


def test_adding_a_user_whose_name_is_in_the_generated_password_is_no_500(client, app_ctx, make_user, monkeypatch):
    staff(make_user, app_ctx, client, role="admin", username=ADMIN)
    monkeypatch.setattr("survey_app.admin.views.generate_password", lambda: "Kx7pQ2mw4567Zt")
    answer = client.post("/admin/users", data={"username": "4567", "display_name": "민원 담당", "email": "", "org_unit": ""})
    assert answer.status_code < 500
