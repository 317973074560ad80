"""Names for stored codes (roles, organisation levels, scoring methods, wave and sending states) in
the reader's language.

Templates call ``role_name(code)``, ``level_name(code)``, ``method_name(code)``, ``wave_state_name(code)``,
``plan_state_name(code)`` and ``outbox_state_name(code)``; a code without a name is shown as it is.
"""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

ROLE_NAMES = {"admin": _l("관리자"), "designer": _l("설문 담당"), "analyst": _l("분석 담당"),
              "executive": _l("간부"), "evaluator": _l("평가자")}
LEVEL_NAMES = {"headquarters": _l("본부"), "regional": _l("지방우정청"), "office": _l("우체국"),
               "center": _l("센터"), "team": _l("팀")}
METHOD_NAMES = {"mean100": _l("100점 환산 평균"), "top2box": _l("상위 2개 응답 비율"),
                "taylor": _l("설계 기반 (테일러 선형화)"), "wilson": _l("윌슨 구간"), "wald": _l("왈드 구간")}
WAVE_STATE_NAMES = {"scheduled": _l("예정"), "open": _l("진행 중"), "closed": _l("마감")}
PLAN_STATE_NAMES = {"draft": _l("작성 중"), "scheduled": _l("발송 예정"), "running": _l("발송 중"),
                    "done": _l("발송 완료"), "cancelled": _l("취소됨")}
OUTBOX_STATE_NAMES = {"pending": _l("대기"), "sending": _l("보내는 중"), "sent": _l("보냄"), "failed": _l("실패"),
                      "bounced": _l("반송"), "cancelled": _l("취소(수신 거부)")}


def _namer(names: dict):
    def name(code) -> str:
        return str(names.get(str(code), code))
    return name


def init_app(app: Flask) -> None:
    """Make the namers template globals."""
    app.jinja_env.globals.update(role_name=_namer(ROLE_NAMES), level_name=_namer(LEVEL_NAMES),
                                 method_name=_namer(METHOD_NAMES), wave_state_name=_namer(WAVE_STATE_NAMES),
                                 plan_state_name=_namer(PLAN_STATE_NAMES),
                                 outbox_state_name=_namer(OUTBOX_STATE_NAMES))
