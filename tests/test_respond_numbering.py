"""What a respondent reads above each question and page: numbers (never codes), and a page count
that logic cannot shrink (issue 21: "SQ1." on screen, "1 / 7" followed by "2 / 2쪽", number gaps)."""
from __future__ import annotations

import re

import pytest

from questionnaires import load_template
from survey_app.models import Wave
from tests.designer_support import new_survey, staff


@pytest.fixture
def postal_wave(app_ctx, make_survey):
    """The postal template (SQ1 = 2, a non-user, skips pages 2–6) on an open link."""
    ids = make_survey(load_template("postal_satisfaction").to_dict())
    with app_ctx() as session:
        session.get(Wave, ids["wave_id"]).open_link_key = f"num{ids['wave_id']}"
    return ids


def _start(client, wave) -> None:
    assert client.get(f"/o/num{wave['wave_id']}").status_code == 303


def _labels(html: str) -> list[str]:
    """The numbers or codes shown in front of the questions, in page order."""
    return re.findall(r'<span class="(?:qno|qcode)">([^<]+)</span>', html)


def test_respondents_see_numbers_not_codes(client, postal_wave):
    _start(client, postal_wave)
    html = client.get(f"/r/{postal_wave['wave_code']}?p=1").get_data(as_text=True)
    assert _labels(html) == ["1.", "2."]
    assert "SQ1." not in html and "SQ2." not in html and 'class="qcode"' not in html


def test_a_skipped_question_leaves_no_gap_and_the_page_count_holds(client, postal_wave):
    """A non-user (SQ1 = 2) is not shown SQ2 nor pages 2–6: the next question is number 2, and the
    page reads "7 / 7쪽" (the count stated on page 1), never "2 / 2쪽"."""
    _start(client, postal_wave)
    first = client.get(f"/r/{postal_wave['wave_code']}?p=1").get_data(as_text=True)
    assert "1 / 7쪽" in first
    moved = client.post(f"/r/{postal_wave['wave_code']}?p=1", data={"a_SQ1": "2", "move": "next"})
    assert moved.status_code == 303 and moved.headers["Location"].endswith("p=7")
    last = client.get(moved.headers["Location"]).get_data(as_text=True)
    assert "7 / 7쪽" in last and "2 / 2쪽" not in last
    assert _labels(last) == ["2.", "3.", "4."]
    assert "DQ1." not in last


def test_matrix_rows_show_no_codes(client, postal_wave):
    _start(client, postal_wave)
    client.post(f"/r/{postal_wave['wave_code']}?p=1", data={"a_SQ1": "1", "a_SQ2": "1", "move": "next"})
    html = client.get(f"/r/{postal_wave['wave_code']}?p=2").get_data(as_text=True)
    assert "Q1_1." not in html and "Q1." not in html
    assert _labels(html) == ["3."]  # SQ1 and SQ2 came before the one matrix question of page 2


def test_the_staff_preview_still_shows_codes(client, make_user, app_ctx):
    staff(make_user, app_ctx, client)
    survey_id = new_survey(client, template="postal_satisfaction")
    html = client.get(f"/manage/surveys/{survey_id}/preview").get_data(as_text=True)
    assert _labels(html)[:1] == ["SQ1."]
