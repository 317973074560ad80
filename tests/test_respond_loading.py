"""The survey page reads its wave, invitation and response as one row of plain values: the link state
follows the wave's lifecycle as the model defines it (closed by state or by time, not yet open), a
link's first opening is recorded when the answers arrive first, and the wave's questionnaire is the
published version's."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from survey_app.models import Invitation, Response, ResponseStatus, Wave, WaveState, utcnow
from tests.test_respond_one_page import answers_of, invite, one_page, responses_of

CHANGES = {
    "closed by the scheduler": ({"state": WaveState.CLOSED}, 410, "설문이 마감되었습니다"),
    "past its close time": ({"closes_at": timedelta(minutes=-1)}, 410, "설문이 마감되었습니다"),
    "start moved to later": ({"opens_at": timedelta(days=2), "state": WaveState.SCHEDULED}, 200,
                             "아직 설문 기간이 아닙니다"),
}


def _visiting(client, app_ctx, make_survey) -> tuple[dict, int]:
    ids = make_survey(one_page())
    token, invitation_id = invite(app_ctx, ids["wave_id"])
    assert client.get(f"/s/{token}").status_code == 303
    return ids, invitation_id


def _change_wave(app_ctx, wave_id: int, change: dict) -> None:
    with app_ctx() as session:
        wave = session.get(Wave, wave_id)
        for name, value in change.items():
            setattr(wave, name, utcnow() + value if isinstance(value, timedelta) else value)


@pytest.mark.parametrize("case", list(CHANGES))
def test_a_wave_that_stops_taking_answers_refuses_the_page_and_its_post(client, db, app_ctx, make_survey, case):
    change, status, text = CHANGES[case]
    ids, invitation_id = _visiting(client, app_ctx, make_survey)
    assert client.get(f"/r/{ids['wave_code']}?p=1").status_code == 200
    _change_wave(app_ctx, ids["wave_id"], change)
    page = client.get(f"/r/{ids['wave_code']}?p=1")
    posted = client.post(f"/r/{ids['wave_code']}?p=1", data={"a_Q1": "4", "move": "next"})
    for answer in (page, posted):
        assert answer.status_code == status and text in answer.get_data(as_text=True)
    assert responses_of(app_ctx, invitation_id) == []


def test_a_wave_open_until_later_takes_the_answers(client, db, app_ctx, make_survey):
    ids, invitation_id = _visiting(client, app_ctx, make_survey)
    _change_wave(app_ctx, ids["wave_id"], {"closes_at": timedelta(hours=1)})
    posted = client.post(f"/r/{ids['wave_code']}?p=1", data={"a_Q1": "4", "move": "next"})
    assert posted.status_code == 303 and posted.headers["Location"].endswith("/done")
    assert [status for _id, status, _page, _at in responses_of(app_ctx, invitation_id)] == [ResponseStatus.COMPLETE]


def test_answers_arriving_before_the_opening_was_recorded_record_it(client, db, app_ctx, make_survey):
    ids, invitation_id = _visiting(client, app_ctx, make_survey)
    with app_ctx() as session:
        session.get(Invitation, invitation_id).opened_at = None  # as if the opening's own write was lost
    before = utcnow()
    assert client.post(f"/r/{ids['wave_code']}?p=1", data={"a_Q1": "5", "move": "next"}).status_code == 303
    with app_ctx() as session:
        session.expire_all()
        opened = session.scalar(select(Invitation.opened_at).where(Invitation.id == invitation_id))
        status = session.scalar(select(Response.status).where(Response.invitation_id == invitation_id))
    assert opened is not None and opened >= before - timedelta(seconds=1) and status == ResponseStatus.COMPLETE
    assert answers_of(app_ctx, invitation_id) == {"Q1": "5"}
