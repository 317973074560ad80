"""Hypothesis posts arbitrary data to every respondent page (personal and open links, CSRF on).

Whatever is posted: no 5xx; a post that is not accepted (anything but the 303 to the next page or the
thank-you page) stores nothing; and what an accepted post stores is valid for the questionnaire
(known codes, allowed choices, numbers in range, texts within their limits).
"""
from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from survey_app.models import Answer, Invitation, Response, new_token
from tests.fuzz_support import AWKWARD
from tests.respondent_support import EVERY_TYPE, PAGE1, PAGE2, PAGE3, field_wave

pytestmark = pytest.mark.fuzz
EXAMPLES = int(os.environ.get("SURVEY_TEST_FUZZ_EXAMPLES", "50"))
PAGES = {1: PAGE1, 2: PAGE2, 3: PAGE3}
NAMES = sorted({name for page in PAGES.values() for name in page} | {"a_Q1_other", "a_Q3A", "csrf_token", "p"})
values = st.one_of(st.sampled_from(AWKWARD), st.text(max_size=40), st.integers(-10**20, 10**20).map(str))
junk_pairs = st.lists(st.tuples(st.one_of(st.sampled_from(NAMES), st.text(max_size=12)), values), max_size=12)
PAGE_NUMBERS = st.one_of(st.sampled_from(["1", "2", "3"]), st.sampled_from(["", "0", "4", "-1", "x", "1.0", "9" * 12]))


def _pairs(fields: dict) -> list[tuple[str, str]]:
    return [(k, v) for k, vs in fields.items() for v in (vs if isinstance(vs, list) else [vs])]


@st.composite
def one_answer_changed(draw):
    """A valid page with one field set to an awkward value (or left out), with its CSRF token."""
    page = draw(st.sampled_from(["1", "2", "3"]))
    fields = {**PAGES[int(page)], "a_Q1_other": "", "a_Q3A": ""}
    name = draw(st.sampled_from(sorted(fields)))
    if draw(st.integers(0, 5)):
        fields[name] = draw(values)
    else:
        del fields[name]
    return page, _pairs(fields), "valid", draw(st.sampled_from(["personal", "open"]))


@st.composite
def anything(draw):
    """Any page number; a page's fields with some left out, some changed, junk added; any CSRF token."""
    page = draw(PAGE_NUMBERS)
    fields = dict(PAGES.get(int(page), {})) if page in ("1", "2", "3") else {}
    for name in draw(st.lists(st.sampled_from(sorted(fields) or ["move"]), max_size=3, unique=True)):
        fields.pop(name, None)
    fields.update(draw(st.dictionaries(st.sampled_from(NAMES), values, max_size=4)))
    csrf = draw(st.sampled_from(["valid", "valid", "missing", "garbage"]))
    return page, _pairs(fields) + draw(junk_pairs), csrf, draw(st.sampled_from(["personal", "open"]))


@pytest.fixture
def fuzz_client(make_app, db):
    """A client of an app with CSRF on, as in production (rate limits off: every example starts afresh)."""
    return make_app(WTF_CSRF_ENABLED=True, RATE_LIMIT_ENABLED=False).test_client()


@pytest.fixture
def ids(app_ctx, make_survey) -> dict:
    """The every-type survey in an open wave with an open link (shared by the examples of a run)."""
    return field_wave(app_ctx, make_survey)


def _counts(app_ctx, wave_id: int) -> tuple[int, int]:
    with app_ctx() as session:
        responses = session.scalar(select(func.count()).select_from(Response).where(Response.wave_id == wave_id))
        answers = session.scalar(select(func.count()).select_from(Answer).join(Response).where(Response.wave_id == wave_id))
    return responses, answers


def _start(client, app_ctx, ids: dict, kind: str, target: str) -> str:
    """A new respondent who has answered the pages before ``target``; returns the page's CSRF token."""
    if kind == "personal":
        token, digest = new_token()
        with app_ctx() as session:
            session.add(Invitation(wave_id=ids["wave_id"], token_hash=digest))
        client.get(f"/s/{token}")
    else:
        client.get(f"/o/{ids['open_key']}?kiosk=1")  # kiosk: every start is a new respondent
    last = int(target) if target in ("2", "3") else 1
    for number in range(1, last):
        html = client.get(f"/r/{ids['wave_code']}?p={number}").get_data(as_text=True)
        answer = client.post(f"/r/{ids['wave_code']}?p={number}", data={**PAGES[number], "csrf_token": _csrf(html)})
        assert answer.status_code == 303
    return _csrf(client.get(f"/r/{ids['wave_code']}?p={last}").get_data(as_text=True))


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def _check_stored(app_ctx, wave_id: int) -> None:
    """Every stored answer is one the questionnaire allows."""
    from questionnaires.answers import field_map

    fields = field_map(EVERY_TYPE)
    with app_ctx() as session:
        rows = session.scalars(select(Answer).join(Response).where(Response.wave_id == wave_id)).all()
    for row in rows:
        field = fields[row.question_code]
        allowed = field.allowed_values()
        if allowed is not None and field.kind in ("choice", "choices", "ranking"):
            assert row.choice in {str(v) for v in allowed}, (row.question_code, row.choice)
        if row.question_code == "Q8":
            assert row.value_num is not None and 0 <= row.value_num <= 60 and row.value_num.is_integer()
        if row.value_text is not None:
            assert "\x00" not in row.value_text and len(row.value_text) <= 5000


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])
@given(post=st.one_of(one_answer_changed(), anything()))
def test_arbitrary_posts_to_respondent_pages(fuzz_client, app_ctx, ids, post):
    _post_and_check(fuzz_client, app_ctx, ids, *post)


@pytest.mark.parametrize("name", ["a_Q1_other", "a_Q3A", "a_Q8", "a_Q9", "a_Q11"])
@pytest.mark.parametrize("value", ["x\x00y", "\x00", "\x07\x1b[31m"])
def test_control_characters_in_typed_answers(fuzz_client, app_ctx, ids, name, value):
    """Browsers never send NUL, but a crafted post may: it is refused or cleaned, never a 500."""
    page = "3" if name in ("a_Q8", "a_Q9", "a_Q11") else "1"
    fields = {**PAGES[int(page)], name: value}
    if name == "a_Q1_other":
        fields["a_Q1"] = "4"
    if name == "a_Q3A":
        fields["a_Q3"] = "1"
    _post_and_check(fuzz_client, app_ctx, ids, page, _pairs(fields), "valid", "personal")


def _post_and_check(fuzz_client, app_ctx, ids: dict, page: str, pairs: list, csrf: str, kind: str) -> None:
    token = _start(fuzz_client, app_ctx, ids, kind, page)
    if csrf == "valid":
        pairs = [*pairs, ("csrf_token", token)]
    elif csrf == "garbage":
        pairs = [*pairs, ("csrf_token", token[::-1])]
    before = _counts(app_ctx, ids["wave_id"])
    answer = fuzz_client.post(f"/r/{ids['wave_code']}?p={page}", data=MultiDict(pairs))
    assert answer.status_code < 500, f"p={page} {pairs!r:.800} → {answer.status_code}"
    if answer.status_code != 303:
        assert _counts(app_ctx, ids["wave_id"]) == before, "a refused post stored something"
    _check_stored(app_ctx, ids["wave_id"])
