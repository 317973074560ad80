"""A page read straight from the posted values (``pages.read_posted``) says exactly what the page's WTForms
form says (``pages.read_page``): same answers, same errors, same codes, for every bundled questionnaire's
pages whose fields are single-valued, over posted values that are right, wrong, missing and doubled."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from questionnaires import load_yaml
from survey_app.respond.forms import build_page_form, field_name, page_items
from survey_app.respond.pages import read_page, read_posted

TEMPLATES = sorted((Path(__file__).resolve().parent.parent / "questionnaires" / "templates").glob("*.yaml"))
ODD = ["", " ", "abc", "-1", "0", "3.5", "1,000", "99999999", "1e3", "NaN", "ｘ", "가" * 600, "=1+1"]


def _values(answer) -> list[str]:
    allowed = [str(v) for v in (answer.allowed_values() or ())]
    return allowed + ODD


def _posts(items, rng: random.Random, count: int) -> list[MultiDict]:
    posts = []
    for _ in range(count):
        data = MultiDict()
        for item in items:
            for answer in item.fields:
                roll = rng.random()
                if roll < 0.15:
                    continue  # not posted at all
                data.add(field_name(answer.code), rng.choice(_values(answer)))
                if roll > 0.95:
                    data.add(field_name(answer.code), rng.choice(_values(answer)))  # posted twice
        posts.append(data)
    return posts


@pytest.mark.parametrize("path", TEMPLATES, ids=[p.stem for p in TEMPLATES])
def test_posted_values_read_as_the_form_reads_them(app, path):
    questionnaire = load_yaml(path.read_text(encoding="utf-8"))
    rng = random.Random(path.stem)
    compared = 0
    for section in questionnaire.sections:
        items = page_items(questionnaire, section, {}, "seed")
        for posted in _posts(items, rng, 40):
            with app.test_request_context(method="POST", data=posted):
                quick = read_posted(questionnaire, items, posted, {})
                if quick is None:
                    break  # a page with a multi-valued field: always read through its form
                form = build_page_form(items, 3600, formdata=posted)
                slow = read_page(questionnaire, items, form, {})
            assert (quick.answers, quick.errors, quick.codes) == (slow.answers, slow.errors, slow.codes)
            compared += 1
    assert compared > 0 or all(read_posted(questionnaire, page_items(questionnaire, s, {}, "x"), MultiDict(), {})
                               is None for s in questionnaire.sections)
