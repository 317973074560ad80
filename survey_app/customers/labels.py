"""Korean names (English through translations) of customer codes: channels, order statuses, NPS groups."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..models import InteractionChannel, OrderStatus

CHANNEL_LABELS = {InteractionChannel.CALL: _l("전화"), InteractionChannel.COUNTER: _l("창구 방문"),
                  InteractionChannel.ONLINE: _l("온라인 상담"), InteractionChannel.BOARD: _l("게시판"),
                  InteractionChannel.SMS: _l("문자 상담"), InteractionChannel.KIOSK: _l("무인 창구 도움")}
ORDER_STATUS_LABELS = {OrderStatus.ORDERED: _l("주문"), OrderStatus.DELIVERED: _l("배송"),
                       OrderStatus.RETURNED: _l("반품"), OrderStatus.EXCHANGED: _l("교환"),
                       OrderStatus.CANCELLED: _l("취소")}
NPS_GROUP_LABELS = {"promoter": _l("추천"), "passive": _l("중립"), "detractor": _l("비추천")}
RESPONSE_STATUS_LABELS = {"complete": _l("응답 완료"), "partial": _l("응답 중"), "screened_out": _l("대상 아님")}
METHOD_NAMES = {"import": _l("파일 등록"), "api": _l("연계 시스템"), "staff": _l("직원 입력"),
                "unsubscribe": _l("수신 거부 링크"), "web": _l("누리집"), "erasure": _l("삭제 요청")}
INVITATION_CHANNEL_LABELS = {"sms": _l("문자"), "email": _l("전자우편")}
INVITATION_STATUS_LABELS = {"created": _l("만듦"), "queued": _l("발송 대기"), "sent": _l("보냄"), "opened": _l("열어 봄"),
                            "failed": _l("발송 실패"), "cancelled": _l("취소")}
