"""No stored code reaches a staff page where a name belongs (issue #21): the designer's pages for every
bundled template (the demo's surveys), each question editor, publishing and preview, and the audit and
personal-data logs after sign-ins. Only the visible text is scanned (scripts and attributes carry codes)."""
from __future__ import annotations

import html
import re

import pytest

from questionnaires import list_templates, load_template, vocab
from survey_app.designer.forms import KIND_LABELS
from survey_app.web.labels import AUDIT_ACTION_NAMES, OBJECT_TYPE_NAMES
from tests.designer_support import new_survey, staff

LEAKS = [
    re.compile(r"\b(OVERALL|REPURCHASE|RESOLUTION|CSAT|CES)\b(?!\))"),  # a KPI role as a code, not "고객 만족(CSAT)"
    re.compile(r"\b(%s)\b" % "|".join(KIND_LABELS)),  # noqa: UP031
    re.compile(r"\b(%s)\b" % "|".join(t for t in vocab.QUESTION_TYPES if "_" in t)),  # noqa: UP031
    re.compile(r"sections\[\d+\]|questions\[\d+\]|scoring\.\w+"),
    re.compile(r"(?<![\w.])(%s)(?![\w.])" % "|".join(re.escape(code) for code in AUDIT_ACTION_NAMES)),  # noqa: UP031
]


def visible_text(page: str) -> str:
    """What a person reads: no scripts, styles, tags, or the expert text boxes (they hold the codes to edit)."""
    page = re.sub(r"<(script|style|textarea)\b.*?</\1>", " ", page, flags=re.S)  # a textarea is text to edit
    page = re.sub(r"<option[^>]*value=\"[^\"]*\"", "<option", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def leaks(page: str) -> list[str]:
    text = visible_text(page)
    return [m.group(0) for pattern in LEAKS for m in pattern.finditer(text)]


def test_the_scan_finds_each_kind_of_code():
    """The scan would have caught what people saw."""
    assert leaks("<p>OVERALL</p><p>상담 만족도 (post_call)</p><li>sections[0].questions[2]</li><td>user.login</td>") \
        == ["OVERALL", "post_call", "sections[0]", "questions[2]", "user.login"]
    assert leaks('<script>{"type": "single_choice"}</script><option value="overall">전반적 만족</option>') == []


@pytest.fixture
def designer(make_user, app_ctx, client):
    return staff(make_user, app_ctx, client, role="admin")


def test_designer_pages_of_every_template_show_names_not_codes(client, designer, app_ctx):
    found = {}
    found["/manage/surveys/new"] = leaks(client.get("/manage/surveys/new").get_data(as_text=True))
    for number, name in enumerate(list_templates()):
        sid = new_survey(client, f"SCAN-{number}", template=name)
        base = f"/manage/surveys/{sid}"
        urls = [f"{base}/", f"{base}/publish", f"{base}/scoring", f"{base}/settings", f"{base}/preview"]
        urls += [f"{base}/questions/{q.code}" for q in load_template(name).all_questions()][:12]
        for url in urls:
            answer = client.get(url)
            assert answer.status_code == 200, url
            found[url] = leaks(answer.get_data(as_text=True))
    assert {url: codes for url, codes in found.items() if codes} == {}


def test_audit_and_access_logs_show_names_not_codes(client, designer, app_ctx):
    new_survey(client, "SCAN-AUDIT")
    for url in ("/admin/audit", "/admin/access-log"):
        page = client.get(url).get_data(as_text=True)
        assert leaks(page) == [], url
    page = visible_text(client.get("/admin/audit").get_data(as_text=True))
    assert str(AUDIT_ACTION_NAMES["user.login"]) in page and str(OBJECT_TYPE_NAMES["survey"]) in page
