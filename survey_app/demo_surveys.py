"""Demo surveys: the postal satisfaction survey fielded in two waves with a few thousand responses."""
from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from sqlalchemy import insert, select

from questionnaires import Questionnaire, list_templates, load_template

from .database import db
from .demo_org import office_codes
from .demo_responses import Respondent, response_plan, response_times
from .demo_voc import begin_wave
from .distribution.compose import DEFAULT_EMAIL, DEFAULT_SMS, DEFAULT_SUBJECT
from .distribution.office_links import office_link_args, office_place
from .models import (
    Answer,
    DistributionPlan,
    Invitation,
    MessageKind,
    OrgUnit,
    OutboxMessage,
    OutboxStatus,
    PlanStatus,
    Response,
    ResponseStatus,
    Survey,
    Wave,
    WaveState,
    new_token,
)

KST = timezone(timedelta(hours=9), "KST")
MAIN_TEMPLATE = "postal_satisfaction"
MAIN_SURVEY = "CS-POSTAL"
WAVES = [  # code, name, opens, closes, state, responses, mean shift
    ("CS-POSTAL-2026Q3", "2026년 3분기 우편서비스 만족도 조사", datetime(2026, 7, 1, tzinfo=KST),
     datetime(2026, 9, 30, tzinfo=KST), WaveState.CLOSED, 1600, 0.0),
    ("CS-POSTAL-2026Q4", "2026년 4분기 우편서비스 만족도 조사", datetime(2026, 10, 1, tzinfo=KST),
     datetime(2027, 1, 31, tzinfo=KST), WaveState.OPEN, 1400, 0.15),
]
CHANNELS = ["sms", "email", "qr", "kiosk"]
#: The post office whose counter QR code and kiosk link the demo prints (signed office links).
DEMO_COUNTER = "P-GWANGHWAMUN"
INVITED_CHANNELS = ("sms", "email")
CUSTOMER_TYPES = ["individual", "business"]


def demo_open_key(wave_code: str) -> str:
    """The open-link key of a demo wave."""
    return hashlib.sha256(f"open:{wave_code}".encode()).hexdigest()[:16]


def demo_survey(code: str, questionnaire: Questionnaire) -> Survey:
    """A new survey of the demo with ``questionnaire`` as its draft."""
    definition = questionnaire.to_dict()
    survey = Survey(code=code, title=questionnaire.title.ko, title_en=questionnaire.title.en,
                    kind=questionnaire.kind, draft_definition=definition)
    db.session.add(survey)
    return survey


#: Relative number of postal customers per regional office (population-shaped: the capital region is largest).
REGION_WEIGHTS = {"R-SEOUL": 9.4, "R-GYEONGIN": 13.9, "R-BUSAN": 7.6, "R-CHUNGCHEONG": 5.6, "R-JEONNAM": 3.2,
                  "R-GYEONGBUK": 5.0, "R-JEONBUK": 1.7, "R-GANGWON": 1.5, "R-JEJU": 0.7}


def _respondent(rng: random.Random, offices: list[tuple[str, str]], effects: dict[str, float], shift: float) -> Respondent:
    per_region = {region: sum(1 for _, r in offices if r == region) for _, region in offices}
    weights = [REGION_WEIGHTS.get(region, 1.0) / per_region[region] for _, region in offices]
    office, region = rng.choices(offices, weights=weights)[0]
    hidden = {"office_code": office, "region": region, "channel": rng.choice(CHANNELS),
              "customer_type": rng.choices(CUSTOMER_TYPES, weights=[4, 1])[0]}
    return Respondent.draw(effects[office] + shift + rng.gauss(0, 1), hidden, rng)


def _field_wave(wave: Wave, questionnaire: Questionnaire, count: int, shift: float, rng: random.Random) -> None:
    offices = office_codes()
    effects = {code: rng.gauss(0, 0.25) for code, _ in offices}
    plans, responses = [], []
    for _ in range(count):
        who = _respondent(rng, offices, effects, shift)
        complete = rng.random() < 0.86
        pages, rows = response_plan(questionnaire, who, rng, complete)
        started, finished = response_times(rng, wave.opens_at, 60)
        responses.append({"wave_id": wave.id, "version_id": wave.version_id, "status":
                          ResponseStatus.COMPLETE if complete else ResponseStatus.PARTIAL,
                          "channel": who.hidden["channel"], "started_at": started,
                          "finished_at": finished if complete else None, "last_page": pages, "hidden": who.hidden})
        plans.append(rows)
    _invite(wave, responses, offices, rng)
    ids = db.session.scalars(insert(Response).returning(Response.id, sort_by_parameter_order=True), responses).all()
    answers = [{"response_id": rid, **row._asdict()} for rid, rows in zip(ids, plans, strict=True) for row in rows]
    db.session.execute(insert(Answer), answers)


def _invite(wave: Wave, responses: list[dict], offices: list[tuple[str, str]], rng: random.Random) -> None:
    """Personal invitations behind the SMS and e-mail responses, and as many again and a half that were
    never answered (a response rate of about 40%), sent as the wave opened; links each response to its own."""
    answered = [r for r in responses if r["channel"] in INVITED_CHANNELS]
    unanswered = [{"channel": rng.choice(INVITED_CHANNELS), "hidden": {"office_code": office, "region": region}}
                  for office, region in (rng.choice(offices) for _ in range(len(answered) * 3 // 2))]
    sent = wave.opens_at or datetime.now(KST)
    rows = [{"wave_id": wave.id, "token_hash": new_token()[1], "channel": r["channel"], "status": "sent",
             "hidden": {k: r["hidden"][k] for k in ("office_code", "region") if k in r["hidden"]}, "sent_at": sent,
             "opened_at": r.get("started_at")} for r in answered + unanswered]
    ids = db.session.scalars(insert(Invitation).returning(Invitation.id, sort_by_parameter_order=True), rows).all()
    for response, invitation_id in zip(answered, ids, strict=False):  # the unanswered invitations come after
        response["invitation_id"] = invitation_id
    _record_sending(wave, [(invitation_id, row["channel"]) for invitation_id, row in zip(ids, rows, strict=True)], sent)


def _record_sending(wave: Wave, sent_invitations: list[tuple[int, str]], sent: datetime) -> None:
    """The distribution behind the invitations, as the app keeps it when it sends them itself: the wave's
    plan (finished: everyone was invited as the wave opened, no reminders) and one sent message in the
    outbox per invitation, so the plan, queue and funnel pages tell the same story."""
    db.session.add(DistributionPlan(wave_id=wave.id, status=PlanStatus.DONE, channels=list(INVITED_CHANNELS),
                                    reminder_max=0, email_subject=DEFAULT_SUBJECT, email_body=DEFAULT_EMAIL,
                                    sms_text=DEFAULT_SMS, invitations_created_at=sent))
    kinds = {"sms": "SMS", "email": "EMAIL"}
    db.session.execute(insert(OutboxMessage), [
        {"dedupe_key": f"inv:{invitation_id}:0", "wave_id": wave.id, "invitation_id": invitation_id,
         "channel": channel, "kind": MessageKind.INVITATION, "status": OutboxStatus.SENT, "attempts": 1,
         "next_attempt_at": sent, "attempt_started_at": sent, "sent_at": sent, "message_type": kinds[channel]}
        for invitation_id, channel in sent_invitations])


def fresh_personal_links() -> dict[str, str]:
    """A new, unused personal link (wave code → token) for each open demo wave, made on every run: a link
    someone has answered cannot be answered again, so the demo never prints a spent one. Only the token's
    hash is stored."""
    links = {}
    for code, _name, _o, _c, state, _n, _s in WAVES:
        wave = db.session.scalar(select(Wave).where(Wave.code == code))
        if state != WaveState.OPEN or wave is None:
            continue
        token, digest = new_token()
        db.session.add(Invitation(wave=wave, token_hash=digest, channel="sms",
                                  hidden={"office_code": DEMO_COUNTER, "region": "R-SEOUL", "channel": "sms"}))
        links[code] = token
    db.session.flush()
    return links


def seed_main_survey() -> bool:
    """The postal satisfaction survey with its two waves, unless it exists; returns whether created."""
    if db.session.scalar(select(Survey.id).where(Survey.code == MAIN_SURVEY)) is not None:
        return False
    questionnaire = load_template(MAIN_TEMPLATE)
    survey = demo_survey(MAIN_SURVEY, questionnaire)
    version = survey.publish(questionnaire.to_dict(), changelog="최초 게시 (first publication)")
    rng = random.Random(20261124)
    for number, (code, name, opens, closes, state, count, shift) in enumerate(WAVES):
        begin_wave(number)  # the demo's comments: a new theme in the second wave (survey_app.demo_voc)
        wave = Wave(code=code, name=name, survey=survey, version=version, state=state, opens_at=opens,
                    closes_at=closes, open_link_key=demo_open_key(code) if state == WaveState.OPEN else None)
        db.session.add(wave)
        db.session.flush()
        _field_wave(wave, questionnaire, count, shift, rng)
    db.session.flush()
    return True


def seed_template_drafts() -> int:
    """Every other bundled template as a draft survey a designer can start from; returns how many were made."""
    made = 0
    for name in list_templates():
        code = f"TPL-{name.upper().replace('_', '-')}"
        if name == MAIN_TEMPLATE or db.session.scalar(select(Survey.id).where(Survey.code == code)) is not None:
            continue
        demo_survey(code, load_template(name))
        made += 1
    db.session.flush()
    return made


def open_wave_links(base_url: str, personal: dict[str, str]) -> list[str]:
    """Lines naming the personal (``personal``: wave code → fresh token) and open links of the demo's open wave."""
    lines = []
    for code, _name, _o, _c, state, _n, _s in WAVES:
        if state == WaveState.OPEN:
            if code in personal:
                lines.append(f"  개인 응답 링크, 새로 만든 한 번용 (fresh personal link): {base_url}/s/{personal[code]}")
            lines.append(f"  공개 응답 링크 (open link): {base_url}/o/{demo_open_key(code)}")
            lines.append(f"  무인우체국 키오스크 (kiosk): {base_url}/o/{demo_open_key(code)}?kiosk=1")
            lines.extend(_office_link_lines(base_url, code))
    return lines


def _office_link_lines(base_url: str, wave_code: str) -> list[str]:
    """The demo counter's signed office links (QR codes at 광화문우체국), made with this app's secret."""
    office = db.session.scalar(select(OrgUnit).where(OrgUnit.code == DEMO_COUNTER))
    if office is None:
        return []
    query = urlencode(office_link_args(wave_code, office_place(office)))
    return [f"  {office.name} 창구 QR (office counter link): {base_url}/o/{demo_open_key(wave_code)}?{query}",
            f"  {office.name} 키오스크 (office kiosk): {base_url}/o/{demo_open_key(wave_code)}?kiosk=1&{query}"]
