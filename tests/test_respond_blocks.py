"""Cached question blocks (respond/blocks.py): every page is the same HTML with the cache as without it,
whoever asked for the same question before."""
from __future__ import annotations

import re

import pytest

from survey_app.models import Invitation, new_token
from survey_app.respond import blocks
from tests.respondent_support import EVERY_TYPE, PAGE1, PAGE2, field_wave

CSRF = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]*(")')


@pytest.fixture(autouse=True)
def empty_cache(monkeypatch):
    blocks.clear()
    monkeypatch.setattr(blocks, "ENABLED", True)
    yield
    blocks.clear()


@pytest.fixture
def wave(app_ctx, make_survey):
    return field_wave(app_ctx, make_survey)


def second_respondent(app_ctx, wave) -> str:
    """Another invitation to the same wave; its token."""
    token, digest = new_token()
    with app_ctx() as session:
        session.add(Invitation(wave_id=wave["wave_id"], token_hash=digest))
    return token


def visit(app, token):
    """A browser that opened the personal link ``token``."""
    browser = app.test_client()
    assert browser.get(f"/s/{token}").status_code == 303
    return browser


def url(wave, page):
    return f"/r/{wave['wave_code']}?p={page}"


def page_both_ways(browser, address, monkeypatch, status=200) -> str:
    """The page rendered without the cache, then twice with it (filling it, then reading it): all three
    the same HTML (the CSRF token's time stamp aside). Returns the cached page."""
    pages = []
    for enabled in (False, True, True):
        monkeypatch.setattr(blocks, "ENABLED", enabled)
        answer = browser.get(address)
        assert answer.status_code == status
        pages.append(CSRF.sub(r"\1TOKEN\2", answer.get_data(as_text=True)))
    assert pages[1] == pages[0]
    assert pages[2] == pages[0]
    return pages[2]


def test_an_unanswered_page_is_the_same_and_its_blocks_are_kept(app, wave, monkeypatch):
    html = page_both_ways(visit(app, wave["token"]), url(wave, 1), monkeypatch)
    assert "\" checked" not in html and 'id="q-Q1"' in html and 'id="q-Q3A"' in html
    assert blocks._BLOCKS  # Q1, Q2, Q3 and the logic-shown Q3A: no answer, no piping, no random order


def test_a_resumed_page_shows_its_own_answers_not_anothers(app, app_ctx, wave, monkeypatch):
    other = visit(app, second_respondent(app_ctx, wave))
    fresh = page_both_ways(other, url(wave, 1), monkeypatch)  # B first: unanswered blocks cached
    first = visit(app, wave["token"])
    first.post(url(wave, 1), data=PAGE1)
    answered = page_both_ways(first, url(wave, 1), monkeypatch)  # A's answers, never B's empty blocks
    assert 'value="2" id="f-Q1-2" checked' in answered and 'value="6" id="f-Q2-6" checked' in answered
    again = page_both_ways(other, url(wave, 1), monkeypatch)  # and B never gets A's answers
    assert again == fresh and "\" checked" not in again


def test_piped_and_randomised_questions_are_rendered_for_their_respondent(app, app_ctx, wave, monkeypatch):
    other = visit(app, second_respondent(app_ctx, wave))
    other.post(url(wave, 1), data={**PAGE1, "a_Q1": "3"})  # 금융 업무
    first = visit(app, wave["token"])
    first.post(url(wave, 1), data=PAGE1)  # 택배 접수
    mine = page_both_ways(first, url(wave, 2), monkeypatch)
    theirs = page_both_ways(other, url(wave, 2), monkeypatch)
    assert "&#39;택배 접수&#39; 업무" in mine and "&#39;금융 업무&#39; 업무" in theirs
    order = re.compile(r'name="a_Q5" value="(\d)"')
    assert sorted(order.findall(mine)) == sorted(order.findall(theirs)) == ["1", "2", "3"]


def test_numbers_follow_the_questions_logic_showed_earlier(app, app_ctx, wave, monkeypatch):
    """Q3A (shown when Q3 == 1) is numbered on page 1, so page 3's numbers differ by respondent."""
    waited = visit(app, wave["token"])
    waited.post(url(wave, 1), data={**PAGE1, "a_Q3": "1", "a_Q3A": "10분"})
    waited.post(url(wave, 2), data=PAGE2)
    quick = visit(app, second_respondent(app_ctx, wave))
    quick.post(url(wave, 1), data=PAGE1)
    quick.post(url(wave, 2), data=PAGE2)
    after_four = page_both_ways(waited, url(wave, 3), monkeypatch)
    after_three = page_both_ways(quick, url(wave, 3), monkeypatch)
    assert '<span class="qno">8.</span> 중요한 순서' in after_four
    assert '<span class="qno">7.</span> 중요한 순서' in after_three


def test_a_page_with_errors_is_the_same(app, wave, monkeypatch):
    browser = visit(app, wave["token"])
    browser.post(url(wave, 1), data=PAGE1)
    assert browser.post(url(wave, 2), data={"a_Q4_1": "7", "move": "prev"}).status_code == 303
    reminded = page_both_ways(browser, url(wave, 2), monkeypatch)  # saved half answered: errors shown
    assert "아직 답하지 않으신 문항이 있습니다" in reminded and 'value="7" id="f-Q4_1-7" checked' in reminded
    pages = []
    for enabled in (False, True):
        monkeypatch.setattr(blocks, "ENABLED", enabled)
        posted = browser.post(url(wave, 2), data={"a_Q6": "12", "move": "next"})
        assert posted.status_code == 422
        pages.append(CSRF.sub("", posted.get_data(as_text=True)))
    assert pages[0] == pages[1] and 'aria-invalid="true"' in pages[1]


def test_a_block_is_reused_only_for_the_question_object_it_was_made_from(app, wave, monkeypatch):
    browser = visit(app, wave["token"])
    page_both_ways(browser, url(wave, 1), monkeypatch)
    (question, block), = [hit for hit in blocks._BLOCKS.values() if hit[0].code == "Q2"]
    key = next(k for k, hit in blocks._BLOCKS.items() if hit[0] is question)
    blocks._BLOCKS[key] = (object(), block.replace("직원이", "다른 설문의"))  # the same id, another object
    assert "다른 설문의" not in page_both_ways(browser, url(wave, 1), monkeypatch)



def test_the_token_of_a_page_whose_blocks_are_all_cached_is_accepted(make_app, app_ctx, make_survey, monkeypatch):
    """Every block cached: the form is not built, its token still is (the same markup), and posts."""
    app = make_app(WTF_CSRF_ENABLED=True)
    wave = field_wave(app_ctx, make_survey)
    browser = visit(app, wave["token"])
    html = page_both_ways(browser, url(wave, 1), monkeypatch)
    assert '<input id="csrf_token" name="csrf_token" type="hidden" value="TOKEN">' in html
    token = CSRF.search(browser.get(url(wave, 1)).get_data(as_text=True)).group(0).split('value="')[1][:-1]
    posted = browser.post(url(wave, 1), data={**PAGE1, "csrf_token": token})
    assert posted.status_code == 303 and posted.headers["Location"].endswith("p=2")


def test_piped_texts_and_random_orders_are_each_respondents_own(app, app_ctx, make_survey, monkeypatch):
    """A question with a plain text in random order, and one in the questionnaire's order with an
    earlier answer piped into its text: each respondent sees their own."""
    definition = EVERY_TYPE.to_dict()
    definition["sections"][0]["questions"].append(
        {"code": "QR", "type": "single_choice", "text": {"ko": "가장 자주 쓰는 창구를 골라 주십시오."},
         "required": False, "randomize": True,
         "choices": [{"value": v, "label": {"ko": f"{v}번 창구"}} for v in range(1, 9)]})
    definition["sections"][1]["questions"].append(
        {"code": "QP", "type": "single_choice", "text": {"ko": "'{Q1|업무}' 업무는 빨리 끝났습니까?"},
         "required": False, "choices": "yes_no"})
    wave = make_survey(definition)
    browsers = [visit(app, second_respondent(app_ctx, wave)) for _ in range(2)]
    for browser, task in zip(browsers, ("2", "3"), strict=True):
        browser.post(url(wave, 1), data={**PAGE1, "a_Q1": task})
    piped = [page_both_ways(browser, url(wave, 2), monkeypatch) for browser in browsers]
    assert "&#39;택배 접수&#39; 업무는" in piped[0] and "&#39;금융 업무&#39; 업무는" in piped[1]
    order = re.compile(r'name="a_QR" value="(\d)"')
    seen = [order.findall(page_both_ways(visit(app, second_respondent(app_ctx, wave)), url(wave, 1), monkeypatch))
            for _ in range(2)]
    assert sorted(seen[0]) == sorted(seen[1]) == [str(v) for v in range(1, 9)]
    assert seen[0] != seen[1]  # 8! orders: two respondents on the same one would be a 1 in 40,320 chance
