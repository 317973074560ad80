"""Response storage: pages replace their own answers, completion happens exactly once."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey_app.models import Answer, Invitation, Response, ResponseStatus, new_token
from survey_app.responses.operations import (
    AlreadyCompleted,
    AnswerRow,
    complete,
    complete_at_once,
    response_for_invitation,
    save_page,
    start_with_answers,
    stored_answers,
)


@pytest.fixture
def invitation_id(app_ctx, make_survey):
    ids = make_survey()
    with app_ctx() as session:
        invitation = Invitation(wave_id=ids["wave_id"], token_hash=new_token()[1], hidden={"office_code": "P-SUWON"})
        session.add(invitation)
        session.flush()
        return invitation.id


def _response_id(app_ctx, invitation_id):
    with app_ctx() as session:
        return response_for_invitation(session.get(Invitation, invitation_id)).id


def test_an_invitation_gets_one_response_however_often_it_is_opened(app_ctx, invitation_id):
    first, second = _response_id(app_ctx, invitation_id), _response_id(app_ctx, invitation_id)
    with app_ctx() as session:
        count = session.scalar(select(func.count(Response.id)).where(Response.invitation_id == invitation_id))
        hidden = session.get(Response, first).hidden
    assert first == second and count == 1 and hidden == {"office_code": "P-SUWON"}


def test_saving_a_page_again_replaces_only_that_pages_answers(app_ctx, invitation_id):
    rid = _response_id(app_ctx, invitation_id)
    with app_ctx():
        save_page(rid, 1, ["Q1", "Q2"], [AnswerRow("Q1", value_num=5), AnswerRow("Q2", choice="parcel")])
        save_page(rid, 2, ["Q3"], [AnswerRow("Q3", value_text="친절했습니다")])
        save_page(rid, 1, ["Q1", "Q2"], [AnswerRow("Q1", value_num=7)])  # Q2 now unanswered (or hidden)
    with app_ctx() as session:
        answers = stored_answers(rid)
        assert session.get(Response, rid).last_page == 2
    assert {code: [a.value_num or a.choice or a.value_text for a in rows] for code, rows in answers.items()} == {
        "Q1": [7.0], "Q3": ["친절했습니다"]}


def test_multiple_selections_are_one_row_per_position(app_ctx, invitation_id):
    rid = _response_id(app_ctx, invitation_id)
    with app_ctx():
        save_page(rid, 1, ["Q5"], [AnswerRow("Q5", position=i, choice=c) for i, c in enumerate(["ems", "parcel", "mail"])])
    with app_ctx():
        assert [a.choice for a in stored_answers(rid)["Q5"]] == ["ems", "parcel", "mail"]


def test_completion_happens_once_and_later_writes_are_refused(app_ctx, invitation_id):
    rid = _response_id(app_ctx, invitation_id)
    with app_ctx():
        complete(rid, ["Q9"], [AnswerRow("Q9", value_num=10)])
    with app_ctx():
        with pytest.raises(AlreadyCompleted):
            complete(rid, ["Q9"], [AnswerRow("Q9", value_num=0)])
        with pytest.raises(AlreadyCompleted):
            save_page(rid, 1, ["Q1"], [AnswerRow("Q1", value_num=1)])
    with app_ctx() as session:
        response = session.get(Response, rid)
        assert response.status == ResponseStatus.COMPLETE and response.finished_at is not None
        assert session.scalar(select(Answer.value_num).where(Answer.response_id == rid)) == 10
        assert response.last_page == 0  # the refused page save remembered nothing
    with app_ctx(), pytest.raises(LookupError):
        save_page(rid + 1000, 1, ["Q1"], [AnswerRow("Q1", value_num=1)])


def test_completion_drops_answers_to_questions_logic_now_hides(app_ctx, invitation_id):
    rid = _response_id(app_ctx, invitation_id)
    with app_ctx():
        save_page(rid, 1, ["Q1", "Q1_reason"], [AnswerRow("Q1", value_num=2), AnswerRow("Q1_reason", value_text="늦음")])
        save_page(rid, 1, ["Q1", "Q1_reason"], [AnswerRow("Q1", value_num=7)])
        save_page(rid, 2, ["Q2"], [AnswerRow("Q2", value_text="stale")])
        complete(rid, ["Q3"], [AnswerRow("Q3", value_num=9)], keep_codes=["Q1", "Q3"])
    with app_ctx():
        assert sorted(stored_answers(rid)) == ["Q1", "Q3"]


ROWS_OF_EVERY_KIND = [AnswerRow("Q1", value_num=4.5), AnswerRow("Q2", choice="parcel"),
                      AnswerRow("Q3", value_text="창구가 '친절'했습니다, \"정말\" {좋아요}"),
                      *(AnswerRow("Q5", position=i, choice=c) for i, c in enumerate(["ems", "mail"])),
                      AnswerRow("Q6"),
                      # values the one JSON text must carry exactly: escapes, a non-BMP character, float digits
                      AnswerRow("Q7", value_text="줄\n바꿈\t탭 \\ 역슬래시 \"따옴표\" 📮 \u00e9"),
                      AnswerRow("Q8", value_num=0.1 + 0.2), AnswerRow("Q9", value_num=-1e-7, choice="-7")]


def test_a_response_finished_at_once_is_stored_complete_with_every_answer_as_given(app_ctx, invitation_id):
    """On PostgreSQL the response and its answers are one statement (the answers one JSON array of rows);
    on SQLite two. Every value comes back exactly as given."""
    with app_ctx() as session:
        rid = complete_at_once(session.get(Invitation, invitation_id), ROWS_OF_EVERY_KIND, page=3, hidden={"k": 1})
    with app_ctx() as session:
        response = session.get(Response, rid)
        stored = session.execute(select(Answer.question_code, Answer.position, Answer.value_num, Answer.choice,
                                        Answer.value_text).where(Answer.response_id == rid)).all()
        opened = session.get(Invitation, invitation_id).opened_at
    assert response.status == ResponseStatus.COMPLETE and response.last_page == 3 and response.finished_at
    assert response.hidden == {"office_code": "P-SUWON", "k": 1} and opened is not None
    assert sorted(stored) == sorted((r.question_code, r.position, r.value_num, r.choice, r.value_text)
                                    for r in ROWS_OF_EVERY_KIND)


@pytest.mark.parametrize("store_at_once", [complete_at_once, start_with_answers])
def test_storing_at_once_beside_an_existing_response_changes_nothing(app_ctx, invitation_id, store_at_once):
    rid = _response_id(app_ctx, invitation_id)
    with app_ctx() as session:
        assert store_at_once(session.get(Invitation, invitation_id), ROWS_OF_EVERY_KIND, page=1) is None
    with app_ctx() as session:
        answers = session.scalar(select(func.count(Answer.response_id)).where(Answer.response_id == rid))
        responses = session.scalar(select(func.count(Response.id)).where(Response.invitation_id == invitation_id))
        response = session.get(Response, rid)
    assert (answers, responses, response.status, response.last_page) == (0, 1, ResponseStatus.PARTIAL, 0)


def test_a_first_saved_page_is_stored_with_its_new_partial_response_and_later_pages_replace_as_usual(
        app_ctx, invitation_id):
    with app_ctx() as session:
        rid = start_with_answers(session.get(Invitation, invitation_id), ROWS_OF_EVERY_KIND, page=1)
    with app_ctx():
        save_page(rid, 2, ["Q1"], [AnswerRow("Q1", value_num=7)])
    with app_ctx() as session:
        response = session.get(Response, rid)
        values = {code: [a.value_num or a.choice or a.value_text for a in rows] for code, rows in stored_answers(rid).items()}
    assert (response.status, response.last_page, response.finished_at) == (ResponseStatus.PARTIAL, 2, None)
    assert values["Q1"] == [7.0] and values["Q5"] == ["ems", "mail"] and values["Q2"] == ["parcel"]



@pytest.mark.parametrize(("rule", "wanted"), [
    ({"kind": "score_at_most", "question_code": "Q1", "threshold": 5, "active": True}, True),  # Q1 4.5 ≤ 5 fires
    ({"kind": "score_at_most", "question_code": "Q1", "threshold": 2, "active": False}, False),  # inactive
    ({"kind": "score_at_most", "question_code": "Q1", "threshold": 2, "active": True}, False),  # 4.5 > 2: calm
    ({"kind": "choice_is", "question_code": "Q5", "choice": "mail", "active": True}, True),  # second of two choices
    ({"kind": "choice_is", "question_code": "Q2", "choice": "ems", "active": True}, False),
    ({"kind": "nps_detractor", "question_code": "Q1", "active": True}, True),  # 0 ≤ 4.5 ≤ 6
    ({"kind": "keyword", "question_code": "Q3", "keyword": "불친절", "active": True}, True),  # stems: the job decides
])
def test_a_response_finished_at_once_carries_its_case_trigger_only_when_a_rule_may_fire(
        app_ctx, invitation_id, rule, wanted):
    """The trigger is written by the store itself (on PostgreSQL the same statement, so the same transaction)
    when an active rule may fire on the answers given (score, NPS and choice rules tested as the job tests them;
    a keyword rule always may); otherwise none, and a twin's store adds neither response nor trigger."""
    from survey_app.cases.triggers import trigger_for_new_response
    from survey_app.models import CaseRule, CaseTrigger

    with app_ctx() as session:
        invitation = session.get(Invitation, invitation_id)
        session.add(CaseRule(survey_id=invitation.wave.survey_id, **rule))
        session.flush()
        rid = complete_at_once(invitation, ROWS_OF_EVERY_KIND, page=3, trigger_for=trigger_for_new_response)
        twin = complete_at_once(invitation, ROWS_OF_EVERY_KIND, page=3, trigger_for=trigger_for_new_response)
    with app_ctx() as session:
        triggers = session.scalars(select(CaseTrigger.response_id)).all()
        opened = session.get(Invitation, invitation_id).opened_at
    assert rid is not None and twin is None and opened is not None
    assert triggers == ([rid] if wanted else [])


@pytest.mark.parametrize(("threshold", "wanted"), [(5, True), (2, False)])
def test_a_response_completed_page_by_page_leaves_a_trigger_only_when_a_rule_may_fire(
        app_ctx, invitation_id, threshold, wanted):
    """The later pages' path (:func:`note_completed_response`) tests the response's own stored answers the same
    way — not the wave's: an earlier unhappy neighbour's answer does not make a calm response leave a trigger."""
    from survey_app.cases.triggers import note_completed_response
    from survey_app.models import CaseRule, CaseTrigger, new_token

    with app_ctx() as session:
        invitation = session.get(Invitation, invitation_id)
        neighbour = Invitation(wave_id=invitation.wave_id, token_hash=new_token()[1])
        session.add_all([neighbour, CaseRule(survey_id=invitation.wave.survey_id, kind="score_at_most",
                                             question_code="Q1", threshold=threshold)])
        session.flush()
        unhappy = start_with_answers(neighbour, [AnswerRow("Q1", value_num=1)], page=1)
        note_completed_response(response_id=unhappy)
        rid = start_with_answers(invitation, ROWS_OF_EVERY_KIND, page=1)
        note_completed_response(response_id=rid)
        session.commit()
    with app_ctx() as session:
        triggers = session.scalars(select(CaseTrigger.response_id).order_by(CaseTrigger.id)).all()
    assert triggers == ([unhappy, rid] if wanted else [unhappy])
