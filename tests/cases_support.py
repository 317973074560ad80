"""Shared pieces of the VOC case tests: a survey with every kind of rule target, answers, staff."""
from __future__ import annotations

YES_NO = [{"value": 1, "label": {"ko": "예"}}, {"value": 2, "label": {"ko": "아니요"}}]

DEFINITION = {
    "code": "VOC_RULES", "title": {"ko": "상담 만족도"}, "kind": "customer_satisfaction",
    "scales": {"sat5": {"points": 5}},
    "sections": [{"code": "S1", "questions": [
        {"code": "NPS", "type": "nps", "text": {"ko": "우체국을 주변에 추천하시겠습니까?"}},
        {"code": "SAT", "type": "likert", "scale": "sat5", "text": {"ko": "상담에 만족하셨습니까?"}},
        {"code": "RESOLVED", "type": "single_choice", "choices": YES_NO, "text": {"ko": "해결되었습니까?"}},
        {"code": "CONTACT", "type": "single_choice", "choices": YES_NO, "text": {"ko": "연락을 원하십니까?"}},
        {"code": "COMMENT", "type": "long_text", "required": False, "text": {"ko": "하시고 싶은 말씀"}},
    ]}],
}


def complete_response(wave_id: int, answers: dict, *, contact_id: int | None = None, hidden: dict | None = None) -> int:
    """A completed response with ``answers`` ({code: number | choice str | text}), through an invitation when a
    contact is given; the respondent path's one call leaves its trigger. Call inside an app context."""
    from survey_app.cases.triggers import note_completed_response
    from survey_app.database import db
    from survey_app.distribution.tokens import token_and_hash
    from survey_app.models import Answer, Invitation, Response, ResponseStatus, Wave, utcnow

    wave = db.session.get(Wave, wave_id)
    invitation_id = None
    if contact_id is not None:
        invitation = Invitation(wave_id=wave_id, contact_id=contact_id, channel="sms", status="sent",
                                token_hash=token_and_hash(wave_id, contact_id)[1], hidden=hidden or {})
        db.session.add(invitation)
        db.session.flush()
        invitation_id = invitation.id
    response = Response(wave_id=wave_id, version_id=wave.version_id, invitation_id=invitation_id, started_at=utcnow(),
                        finished_at=utcnow(), status=ResponseStatus.COMPLETE, hidden=hidden or {})
    db.session.add(response)
    db.session.flush()
    for code, value in answers.items():
        if isinstance(value, (int, float)):
            row = Answer(response_id=response.id, question_code=code, value_num=float(value), choice=str(value))
        elif code in ("COMMENT", "Q7"):
            row = Answer(response_id=response.id, question_code=code, value_text=value)
        else:
            row = Answer(response_id=response.id, question_code=code, choice=str(value),
                         value_num=float(value) if str(value).isdigit() else None)
        db.session.add(row)
    db.session.flush()
    note_completed_response(response_id=response.id if invitation_id is None else None, invitation_id=invitation_id)
    return response.id
