"""What a customer, interaction (상담 이력) or order (주문) file holds: its columns with the Korean and English
headings accepted for each, which are required, and how each cell is read. The same field names are the
JSON keys of the API (``/api/v1/customers`` …). Pure: no Flask app or database.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..distribution.checks import is_email
from ..privacy.crypto import normalise_email, normalise_phone
from . import fields

KINDS = ("customers", "interactions", "orders")
KIND_LABELS = {"customers": _l("고객"), "interactions": _l("상담 이력"), "orders": _l("주문")}


@dataclass(frozen=True)
class Field:
    """One column: our name (the API's key), the heading named in messages, the headings accepted, its reader."""

    name: str
    label: str
    aliases: tuple[str, ...]
    parse: Callable[[object], object]
    required: bool = False


@dataclass(frozen=True)
class Schema:
    """The columns of one kind of file."""

    kind: str
    fields: tuple[Field, ...]

    @property
    def required(self) -> tuple[Field, ...]:
        """The fields whose column must be there and whose cell must not be empty."""
        return tuple(f for f in self.fields if f.required)

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        return next(f for f in self.fields if f.name == name)

    def header_fields(self, header: list[object]) -> list[Field | None]:
        """The field of each column heading (None for columns not used; a repeated heading counts once)."""
        lookup = {heading_key(alias): f for f in self.fields for alias in (f.label, f.name, *f.aliases)}
        found: list[Field | None] = []
        for heading in header:
            field = lookup.get(heading_key(heading))
            found.append(field if field is not None and field not in found else None)
        return found


def heading_key(heading: object) -> str:
    """A heading compared without case, spaces, underscores or full-width forms."""
    return unicodedata.normalize("NFKC", str(heading or "")).strip().lower().replace(" ", "").replace("_", "")


def phone(value: object) -> str | None:
    """A phone number (mobile or landline, 9 to 11 digits) written 010-1234-5678."""
    raw = fields.text(value, 30)
    if raw is None:
        return None
    digits = normalise_phone(raw)
    if len(digits) in (9, 10) and digits.startswith("1"):  # a spreadsheet dropped the leading 0
        digits = "0" + digits
    if not (9 <= len(digits) <= 11 and digits.startswith("0")):
        raise ValueError(_("전화번호 형식이 아닙니다: %(value)s (예: 010-1234-5678)", value=raw))
    if digits.startswith("02"):
        return f"02-{digits[2:-4]}-{digits[-4:]}"
    return f"{digits[:3]}-{digits[3:-4]}-{digits[-4:]}"


def email(value: object) -> str | None:
    """An e-mail address, lower-cased."""
    raw = fields.text(value, 254)
    if raw is None:
        return None
    if not is_email(raw):
        raise ValueError(_("전자우편 주소 형식이 아닙니다: %(value)s", value=raw))
    return normalise_email(raw)


def _text(limit: int) -> Callable[[object], str | None]:
    return partial(fields.text, limit=limit)


def _customer_ref(required: bool) -> Field:
    return Field("customer_id", "고객번호", ("고객ID", "고객아이디", "고객 번호", "회원번호", "customer", "customer_id",
                                           "customer_external_id"), fields.code, required)


def _office() -> Field:
    return Field("office_code", "우체국코드", ("우체국 코드", "관서코드", "관서 코드", "부서코드", "팀코드", "office",
                                            "office_code"), _text(32))


def _customers(zone: ZoneInfo) -> Schema:
    consent = [Field(f"consent_{purpose}", label, aliases, fields.consent) for purpose, label, aliases in (
        ("survey", "설문동의", ("설문 동의", "설문조사 동의", "설문조사동의", "설문 조사 동의")),
        ("marketing", "마케팅동의", ("마케팅 동의", "마케팅 수신 동의", "마케팅수신동의", "재구매 안내 동의")),
        ("analysis", "분석동의", ("분석 동의", "분석 활용 동의", "분석활용동의")))]
    return Schema("customers", (
        Field("external_id", "고객번호", ("고객ID", "고객아이디", "고객 번호", "회원번호", "customer_id", "id"),
              fields.code, True),
        Field("kind", "고객구분", ("고객 구분", "개인법인", "개인/법인", "구분"), fields.customer_kind),
        Field("name", "이름", ("성명", "고객명", "상호", "업체명"), _text(100)),
        Field("phone", "전화번호", ("휴대전화", "휴대폰", "휴대전화번호", "연락처", "mobile"), phone),
        Field("email", "전자우편", ("이메일", "e-mail"), email),
        Field("address", "주소", (), _text(300)),
        Field("birth_year", "출생연도", ("출생 연도", "생년", "생년월일"), fields.birth_year),
        Field("gender", "성별", ("sex",), fields.gender),
        Field("region", "지역", ("지방우정청",), _text(64)),
        Field("customer_type", "고객유형", ("고객 유형", "type"), _text(64)),
        _office(),
        Field("joined_on", "가입일", ("가입 일자", "가입일자", "등록일", "joined"), fields.day),
        *consent))


def _interactions(zone: ZoneInfo) -> Schema:
    return Schema("interactions", (
        Field("external_id", "상담번호", ("상담ID", "상담 번호", "접수번호", "interaction_id", "id"), fields.code, True),
        _customer_ref(False),
        Field("occurred_at", "상담일시", ("상담 일시", "일시", "접수일시", "상담일", "time", "date"),
              partial(fields.moment, zone=zone), True),
        Field("channel", "상담경로", ("상담 경로", "채널", "경로", "접수경로"), fields.channel, True),
        _office(),
        Field("agent", "상담원", ("상담사", "담당자", "agent_id"), _text(64)),
        Field("topic_code", "상담유형", ("상담 유형", "유형코드", "상담유형코드", "topic"), _text(64)),
        Field("outcome", "처리결과", ("처리 결과", "결과"), _text(64)),
        Field("note", "상담내용", ("상담 내용", "내용", "메모", "text"), _text(10_000))))


def _orders(zone: ZoneInfo) -> Schema:
    return Schema("orders", (
        Field("external_id", "주문번호", ("주문 번호", "주문ID", "order_id", "id"), fields.code, True),
        _customer_ref(True),
        Field("ordered_at", "주문일시", ("주문 일시", "주문일", "주문일자", "date", "time"),
              partial(fields.moment, zone=zone), True),
        Field("category", "상품분류", ("상품 분류", "분류", "카테고리"), _text(64)),
        Field("product", "상품명", ("상품", "product_name"), _text(200)),
        Field("amount", "금액", ("주문금액", "결제금액", "주문 금액", "결제 금액", "price"), fields.amount, True),
        Field("quantity", "수량", ("qty",), fields.count),
        Field("status", "주문상태", ("주문 상태", "상태"), fields.order_status),
        Field("delivered_on", "배송일", ("배송완료일", "배송 완료일", "delivered"), fields.day),
        Field("returned_on", "반품일", ("반품 일자", "반품일자", "returned"), fields.day)))


@cache
def schema_for(kind: str, zone: str = "Asia/Seoul") -> Schema:
    """The schema of ``kind`` (customers, interactions, orders), times read in ``zone``."""
    makers = {"customers": _customers, "interactions": _interactions, "orders": _orders}
    if kind not in makers:
        raise ValueError(f"kind must be one of {KINDS}: {kind!r}")
    return makers[kind](ZoneInfo(zone))
