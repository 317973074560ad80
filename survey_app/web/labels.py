"""Names for stored codes (roles, organisation levels, scoring methods, wave and sending states) in
the reader's language.

Templates call ``role_name(code)``, ``level_name(code)``, ``method_name(code)``, ``wave_state_name(code)``,
``plan_state_name(code)``, ``outbox_state_name(code)``, ``audit_action_name(code)`` and ``object_type_name(code)``; a code without a name
is shown as it is.
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
SURVEY_STATE_NAMES = {"draft": _l("작성 중"), "published": _l("게시됨"), "closed": _l("마감"), "archived": _l("보관됨")}
WAVE_STATE_NAMES = {"scheduled": _l("예정"), "open": _l("진행 중"), "closed": _l("마감")}
PLAN_STATE_NAMES = {"draft": _l("작성 중"), "scheduled": _l("발송 예정"), "running": _l("발송 중"),
                    "done": _l("발송 완료"), "cancelled": _l("취소됨")}
#: Audit trail actions (``audit.record``); the audit page shows the name (the CSV export keeps the code).
AUDIT_ACTION_NAMES = {
    "user.login": _l("로그인"), "user.login_failed": _l("로그인 실패"), "user.locked": _l("계정 잠김"),
    "user.unlock": _l("계정 잠금 해제"), "user.create": _l("계정 만들기"), "user.activate": _l("계정 사용 재개"),
    "user.deactivate": _l("계정 사용 중지"), "user.password_change": _l("비밀번호 변경"),
    "user.sessions_end": _l("모든 접속 끊기"), "user.totp_enable": _l("2단계 인증 설정"),
    "user.totp_disable": _l("2단계 인증 해제"), "role.grant": _l("역할 부여"), "role.revoke": _l("역할 회수"),
    "api_key.create": _l("API 키 발급"), "api_key.revoke": _l("API 키 폐기"),
    "audit.export": _l("감사 기록 내려받기"), "access_log.export": _l("개인정보 접근 기록 내려받기"),
    "contacts.export": _l("연락처 내려받기"), "contact.opt_out": _l("수신 거부"),
    "survey.create": _l("설문 만들기"), "survey.import": _l("설문 파일 가져오기"), "survey.copy": _l("설문 복사"),
    "survey.draft_edit": _l("설문 초안 수정"), "survey.publish": _l("설문 게시"),
    "survey.retention_policy": _l("응답 보존 기간 설정"), "wave.create": _l("조사 차수 만들기"),
    "courtesy.start": _l("친절도 평가 시작"), "courtesy.submit": _l("친절도 평가 제출"),
    "org.import_units": _l("조직 가져오기"), "org.import_staff": _l("직원 명부 가져오기"),
    "org.move_unit": _l("조직 옮기기"), "org.move_staff": _l("직원 소속 옮기기"),
    "org.unit_active": _l("조직 사용 여부 변경"), "org.staff_active": _l("직원 사용 여부 변경"),
    "results.targets.save": _l("목표 점수 저장"), "results.weighting.save": _l("가중치 설정 저장"),
    "results.export": _l("결과 보고서 내려받기"), "results.report_delivery": _l("정기 보고 메일 발송"),
    "customer.consent": _l("고객 동의 변경"), "customer.rectify": _l("고객 정보 정정"),
    "customer.erase": _l("고객 삭제 요청 처리"), "customers.export_pseudonymised": _l("고객 가명정보 내려받기"),
    "customer.import": _l("고객 자료 등록"),
    "wave.plan.edit_running": _l("발송 중 계획 변경"), "wave.plan.test_send": _l("시험 발송"),
    "voc.topic_confirmed": _l("VOC 주제 확인·수정"),
    "case.open": _l("VOC 사건 접수"), "case.assign": _l("VOC 사건 배정"), "case.status": _l("VOC 사건 상태 변경"),
    "case.close": _l("VOC 사건 종결"), "case.transfer": _l("VOC 사건 이관"), "case.rule_add": _l("사건 규칙 추가"),
    "case.rule_remove": _l("사건 규칙 끄기"), "case.export": _l("VOC 사건 목록 내려받기"),
    "case.routing_add": _l("사건 라우팅 규칙 추가"), "case.routing_edit": _l("사건 라우팅 규칙 변경"),
    "case.routing_delete": _l("사건 라우팅 규칙 삭제"), "case.reply": _l("VOC 사건 고객 답변 발송"),
    "case.template_add": _l("답변 문구 추가"), "case.template_edit": _l("답변 문구 변경"),
    "case.template_retire": _l("답변 문구 사용 중지"), "case.template_restore": _l("답변 문구 다시 사용"),
    "customer_message.queue": _l("고객 메시지 발송 대기열 등록"),
    "churn.run": _l("이탈 예측 계산"), "churn.action_start": _l("고객 유지 조치 시작"),
    "churn.action_called": _l("해피콜 완료 표시"),
}
#: What an audit entry or a personal-data access was about (``object_type`` / ``subject_type``).
OBJECT_TYPE_NAMES = {
    "api_key": _l("API 키"), "case": _l("VOC 사건"), "churn_action": _l("고객 유지 조치"), "churn_run": _l("이탈 예측"),
    "contact": _l("연락처"), "customer": _l("고객"), "org_unit": _l("조직"), "report_subscription": _l("정기 보고"),
    "response": _l("응답"), "staff_member": _l("직원"), "survey": _l("설문"), "text_analysis": _l("글 분석"),
    "user": _l("계정"), "wave": _l("조사 차수"), "interaction_order": _l("상담·주문 이력"), "case_rule": _l("사건 규칙"),
}
OUTBOX_STATE_NAMES = {"pending": _l("대기"), "sending": _l("보내는 중"), "sent": _l("보냄"), "failed": _l("실패"),
                      "bounced": _l("반송"), "cancelled": _l("취소")}


def _namer(names: dict):
    def name(code) -> str:
        return str(names.get(str(code), code))
    return name


def init_app(app: Flask) -> None:
    """Make the namers template globals."""
    app.jinja_env.globals.update(role_name=_namer(ROLE_NAMES), level_name=_namer(LEVEL_NAMES),
                                 method_name=_namer(METHOD_NAMES), wave_state_name=_namer(WAVE_STATE_NAMES),
                                 plan_state_name=_namer(PLAN_STATE_NAMES),
                                 outbox_state_name=_namer(OUTBOX_STATE_NAMES),
                                 audit_action_name=_namer(AUDIT_ACTION_NAMES),
                                 object_type_name=_namer(OBJECT_TYPE_NAMES))
