"""The demo's customer base: 20,000 customers shaped like Korea Post's, two years of 우체국쇼핑 orders with
설·추석 peaks and a long tail of one-time buyers, counselling calls, and links to the survey responses the
demo already made.

Behaviour comes from a process, not from dice per table: each customer has a buying rate and a latent
satisfaction; whether they keep buying month after month depends on how recently they bought, on returns,
on complaints left unresolved and on low satisfaction, so the later churn analysis has something real to
find. The generator is seeded, so every demo is the same.
"""
from __future__ import annotations

import itertools
import math
import random
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

import holidays
from sqlalchemy import func, insert, select, text, update

from .customers.identity import lookup_hashes, seal
from .customers.links import honour_survey_withdrawals
from .database import db
from .demo_org import REGIONS
from .models import (
    Answer,
    ConsentPurpose,
    Contact,
    Customer,
    CustomerConsent,
    Interaction,
    Invitation,
    Order,
    OrderStatus,
    OrgUnit,
    Response,
    ResponseStatus,
    Survey,
    Wave,
)
from .privacy.contacts import set_identity as set_contact_identity

KST = timezone(timedelta(hours=9), "KST")
CUSTOMERS = 20_000
#: The demo's "today": orders run for two years up to it.
END = datetime(2026, 12, 1, tzinfo=KST)
START = datetime(2024, 12, 1, tzinfo=KST)
MONTHS = 24

#: Share of Korea's population served by each 지방우정청 (행정안전부 주민등록 인구, 2024, rounded):
#: 서울 18.2, 경기·인천 31.4, 부산·울산·경남 14.9, 대전·세종·충북·충남 10.9, 광주·전남 5.4,
#: 대구·경북 9.4, 전북 3.4, 강원 2.9, 제주 1.3.
REGION_SHARE = {"R-SEOUL": 18.2, "R-GYEONGIN": 31.4, "R-BUSAN": 14.9, "R-CHUNGCHEONG": 10.9, "R-JEONNAM": 5.4,
                "R-GYEONGBUK": 9.4, "R-JEONBUK": 3.4, "R-GANGWON": 2.9, "R-JEJU": 1.3}
#: Age bands of adult postal and 우체국쇼핑 customers (older than the population: the shop's gift sets
#: are bought most by people in their 50s and 60s).
AGE_BANDS = [((19, 29), 9), ((30, 39), 13), ((40, 49), 18), ((50, 59), 23), ((60, 69), 22), ((70, 89), 15)]
#: Korean surnames by frequency (통계청 2015 인구주택총조사, the twelve commonest, the rest as 기타).
SURNAMES = [("김", 21.5), ("이", 14.7), ("박", 8.4), ("최", 4.7), ("정", 4.3), ("강", 2.4), ("조", 2.1), ("윤", 2.1),
            ("장", 2.0), ("임", 1.7), ("한", 1.5), ("오", 1.5), ("서", 1.5), ("신", 1.5), ("권", 1.4), ("황", 1.4),
            ("안", 1.4), ("송", 1.3), ("류", 1.3), ("홍", 1.1)]
GIVEN = ["민준", "서연", "도윤", "지우", "하준", "서윤", "지호", "하은", "준우", "수아", "현우", "지민", "영숙", "정희",
         "상철", "미경", "성호", "은정", "동현", "혜진", "순자", "영수", "경희", "광수", "명숙", "종훈", "옥순", "재현",
         "수빈", "예린", "태호", "미란", "춘자", "병철", "승민", "유진"]
BUSINESS = ["농원", "상회", "수산", "유통", "식품", "商社", "공방", "마트", "물산", "F&B"]
#: 우체국쇼핑 categories, their share of orders and typical price (won).
CATEGORIES = [("농산물", 26, 38_000), ("수산물", 18, 52_000), ("축산물", 12, 79_000), ("가공식품", 14, 27_000),
              ("건강식품", 10, 64_000), ("지역 특산물", 9, 45_000), ("생활용품", 7, 19_000), ("꽃·화훼", 4, 42_000)]
PRODUCTS = {"농산물": ["사과 5kg", "배 7.5kg 선물세트", "햅쌀 10kg", "고구마 5kg", "감귤 3kg"],
            "수산물": ["굴비 선물세트", "완도 전복 1kg", "멸치 선물세트", "간고등어 10손", "김 선물세트"],
            "축산물": ["한우 등심 1kg", "한돈 선물세트", "한우 불고기 세트"],
            "가공식품": ["전통 한과 세트", "참기름·들기름 세트", "김치 5kg", "된장·고추장 세트"],
            "건강식품": ["홍삼정 240g", "꿀 2.4kg", "도라지청", "흑마늘 진액"],
            "지역 특산물": ["영광 굴비", "상주 곶감", "청송 사과", "제주 한라봉", "보성 녹차"],
            "생활용품": ["우체국 택배 상자 세트", "친환경 세제", "수건 세트"],
            "꽃·화훼": ["난 화분", "꽃바구니", "카네이션 꽃다발"]}
#: Call topics, their share, the outcome mix and a note as an agent writes it.
TOPICS = [
    ("delivery_status", 30, "배송 조회", ["{p} 배송이 언제 오는지 문의. 조회 후 도착 예정일 안내."]),
    ("return_exchange", 14, "반품·교환", ["{p} 반품 요청. 수거 일정 안내함.", "{p} 교환 요청, 상품 상태 사진 요청."]),
    ("address_change", 9, "주소 변경", ["배송지 변경 요청. 발송 전이라 변경 처리."]),
    ("fee", 8, "요금 문의", ["소포 요금과 등기 요금 차이 문의. 요금표 안내."]),
    ("loss_damage", 8, "분실·파손 신고", ["{p} 파손되어 도착. 사진 접수 후 손해배상 절차 안내.",
                                         "등기 분실 신고. 배달 경로 추적 요청."]),
    ("complaint_staff", 5, "직원 응대 불만", ["창구 직원 응대가 불친절했다는 불만. 해당 우체국에 전달."]),
    ("shop_order", 16, "우체국쇼핑 주문 문의", ["{p} 주문 방법 문의. 누리집 주문 절차 안내.",
                                              "결제 오류로 주문이 안 된다는 문의. 재시도 안내."]),
    ("other", 10, "기타 문의", ["우체국 영업시간 문의.", "우체국 알뜰폰 가입 문의. 가까운 우체국 안내."]),
]
#: More call notes per topic, as agents write them (고객 말씀 요약 + 조치); a call's note is one of its topic's notes
#: above or here, chosen by the call's serial number (the demo's random sequence stays the same).
MORE_NOTES = {
    "delivery_status": ["{p} 주문 후 닷새째 배송 조회가 '발송 준비'에서 멈춰 있다고 하심. 물류센터 확인 후 재안내 약속.",
                        "고객님 {p} 도착 예정일이 지났는데 안 왔다고 항의. 담당 우체국에 배달 독촉 요청.",
                        "등기 배달 예정 문자 받았는데 종일 기다려도 안 옴. 집배원 연락처 안내.",
                        "명절 선물 {p} 언제 도착하는지 재문의. 물량 많아 하루이틀 지연될 수 있다고 양해 구함."],
    "return_exchange": ["{p} 받아 보니 주문한 것과 다른 상품이 옴. 교환 접수, 회수 기사 방문 일정 안내.",
                        "{p} 단순 변심 반품 문의. 왕복 배송비 고객 부담 안내하니 불만 표시."],
    "address_change": ["이사로 우편물 주소 이전 신고 방법 문의. 인터넷우체국 주거이전 서비스 안내.",
                       "보낸 소포 받는 분 주소가 틀렸다고 변경 요청. 이미 배달 출발해 반송 후 재발송 안내."],
    "fee": ["국제 EMS 요금이 생각보다 비싸다고 문의. 무게별 요금표와 할인 방법 안내.",
            "착불 소포 요금이 처음 안내와 다르다며 항의. 부피 무게 기준 설명, 차액 확인 예정."],
    "loss_damage": ["{p} 상자가 찌그러지고 내용물이 깨져서 도착했다고 함. 파손 사진 받고 손해배상 접수.",
                    "EMS 분실된 것 같다며 조회 요청. 상대국 우정청에 행방 조사 청구 접수.",
                    "{p} 포장 뜯긴 흔적 있고 일부 수량 부족. 사진 요청, 배상 절차 안내."],
    "complaint_staff": ["집배원이 부재중 안내 없이 경비실에 두고 갔다는 불만. 담당 국에 전달, 회신 약속.",
                        "창구 직원이 반말로 응대하고 설명을 제대로 안 해 줬다고 항의. 사과드리고 해당 우체국 통보.",
                        "상담 연결 대기가 20분 넘게 걸렸다고 불만 제기. 사과드림."],
    "shop_order": ["우체국쇼핑 {p} 결제했는데 주문 내역이 안 보인다고 문의. 결제 확인 후 주문 복구 처리.",
                   "우체국쇼핑 앱에서 카드 결제 오류가 반복된다고 함. 다른 결제 수단 안내, 전산팀 전달.",
                   "{p} 신선도가 떨어져 물러서 왔다고 품질 불만. 판매자에게 확인 요청, 환불 안내."],
    "other": ["우체국앱 업데이트 후 로그인이 안 된다고 문의. 앱 삭제 후 재설치 안내, 안 되면 다시 연락 주시기로.",
              "무인우체국 접수기 사용 방법 문의. 화면 순서대로 안내.",
              "집배원분이 무거운 소포를 집 안까지 옮겨 줘서 고맙다는 칭찬 전화. 해당 우체국에 전달.",
              "상담원이 친절하게 해결해 줘서 감사하다는 말씀."],
}
OUTCOMES = [("resolved", 78), ("transferred", 9), ("callback", 8), ("unresolved", 5)]
CHANNELS = [("call", 64), ("counter", 11), ("online", 7), ("board", 5), ("sms", 9), ("kiosk", 4)]
CUSTOMER_TYPES = [("일반", 62), ("우체국쇼핑 회원", 30), ("소포 다량 이용", 8)]


@dataclass
class _Person:
    """One simulated customer: who they are and how they behave."""

    index: int
    office_id: int
    region: str
    kind: str
    birth_year: int | None
    gender: str | None
    rate: float  # orders per month while active
    satisfaction: float  # latent, about N(0, 1)
    joined: date
    active_from: int  # first month (0…23) they could buy
    orders: list[dict] = field(default_factory=list)
    calls: list[dict] = field(default_factory=list)
    returns: int = 0
    unresolved: int = 0
    who: dict = field(default_factory=dict)  # name, phone, e-mail in plain text (only while seeding)


def _pick(rng: random.Random, table: list[tuple]) -> tuple:
    return rng.choices(table, weights=[row[1] for row in table])[0]


def _peaks() -> list[date]:
    """설날 and 추석 of the demo's two years, from the KR holiday calendar."""
    kr = holidays.KR(years=range(START.year, END.year + 1))
    return sorted(d for d, name in kr.items() if name in ("Korean New Year", "Chuseok"))


def _season(day: date, peaks: list[date]) -> float:
    """How much more people order on ``day``: up to ×4 in the three weeks before 설·추석 (gift sets)."""
    boost = max((3.0 * math.exp(-((peak - day).days - 10) ** 2 / 50) for peak in peaks if 0 <= (peak - day).days <= 28),
                default=0.0)
    return 1.0 + boost


def _offices() -> dict[str, list[int]]:
    by_code = {u.code: u.id for u in db.session.scalars(select(OrgUnit))}
    return {region: [by_code[code] for code, _ in offices if code in by_code] for region, _n, _e, offices in REGIONS}


def _person(i: int, rng: random.Random, offices: dict[str, list[int]]) -> _Person:
    region = rng.choices(list(REGION_SHARE), weights=list(REGION_SHARE.values()))[0]
    business = rng.random() < 0.06
    (low, high), _ = _pick(rng, AGE_BANDS)
    span = (END.date() - date(2012, 1, 1)).days
    joined = END.date() - timedelta(days=int(span * rng.random() ** 1.6))  # more customers joined recently
    first = max(0, (joined.year - START.year) * 12 + joined.month - START.month)
    return _Person(index=i, office_id=rng.choice(offices[region]), region=region,
                   kind="business" if business else "person",
                   birth_year=None if business else END.year - rng.randint(low, high),
                   gender=None if business else rng.choice("MF"),
                   rate=rng.gammavariate(0.5, 0.22) * (3 if business else 1), satisfaction=rng.gauss(0, 1),
                   joined=joined, active_from=first)


def _churn_hazard(p: _Person, months_since_order: int) -> float:
    """Monthly probability of leaving: higher with time since the last order, returns, unresolved
    complaints and low satisfaction (the factors the churn model should find)."""
    logit = (-4.1 + 0.10 * min(months_since_order, 12) + 0.7 * min(p.returns, 2) + 1.1 * min(p.unresolved, 1)
             - 0.45 * p.satisfaction)
    return 1 / (1 + math.exp(-logit))


def _month_start(m: int) -> datetime:
    year, month = divmod(START.month - 1 + m, 12)
    return START.replace(year=START.year + year, month=month + 1)


def _month_days(peaks: list[date]) -> list[tuple[datetime, list[float]]]:
    """Each month's first moment and the cumulative relative order volume of its days."""
    months = []
    for m in range(MONTHS):
        begin = _month_start(m)
        days = ((_month_start(m + 1) if m + 1 < MONTHS else END) - begin).days
        weights = [_season((begin + timedelta(days=d)).date(), peaks) for d in range(days)]
        months.append((begin, list(itertools.accumulate(weights))))
    return months


def _simulate(p: _Person, rng: random.Random, months: list[tuple[datetime, list[float]]], serial: list[int]) -> None:
    last_order = p.active_from
    for m in range(p.active_from, MONTHS):
        begin, cumulative = months[m]
        for _ in range(_poisson(rng, p.rate * cumulative[-1] / 30)):
            day = rng.choices(range(len(cumulative)), cum_weights=cumulative)[0]
            _order(p, begin + timedelta(days=day, seconds=rng.randint(6 * 3600, 23 * 3600)), rng, serial)
            last_order = m
        if rng.random() < 0.045 + 0.03 * (p.satisfaction < -1):
            _call(p, begin + timedelta(days=rng.randrange(len(cumulative)), seconds=rng.randint(9 * 3600, 18 * 3600)),
                  rng, serial)
        if p.orders and rng.random() < _churn_hazard(p, m - last_order):
            return


def _poisson(rng: random.Random, lam: float) -> int:
    count, threshold, product = 0, math.exp(-min(lam, 30)), rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


def _order(p: _Person, when: datetime, rng: random.Random, serial: list[int]) -> None:
    category, _, price = _pick(rng, CATEGORIES)
    quantity = 1 if rng.random() < 0.8 else rng.randint(2, 5)
    amount = int(round(rng.lognormvariate(math.log(price), 0.35) * quantity, -2))
    roll = rng.random() - 0.03 * (p.satisfaction < -1)
    status = (OrderStatus.CANCELLED if roll < 0.04 else OrderStatus.RETURNED if roll < 0.075
              else OrderStatus.EXCHANGED if roll < 0.09 else OrderStatus.DELIVERED)
    delivered = (when + timedelta(days=rng.randint(1, 4))).date() if status != OrderStatus.CANCELLED else None
    returned = delivered + timedelta(days=rng.randint(2, 10)) if status == OrderStatus.RETURNED else None
    serial[0] += 1
    p.orders.append({"external_id": f"EP{when:%Y%m%d}-{serial[0]:07d}", "ordered_at": when, "category": category,
                     "product": rng.choice(PRODUCTS[category]), "amount": amount, "quantity": quantity,
                     "status": status, "delivered_on": delivered, "returned_on": returned})
    if status == OrderStatus.RETURNED:
        p.returns += 1
        if rng.random() < 0.6:
            _call(p, when + timedelta(days=rng.randint(3, 9)), rng, serial, topic="return_exchange")


def _call(p: _Person, when: datetime, rng: random.Random, serial: list[int], topic: str | None = None) -> None:
    code, _, _label, notes = next(t for t in TOPICS if t[0] == topic) if topic else _pick(rng, TOPICS)
    outcome = _pick(rng, OUTCOMES)[0]
    if outcome == "unresolved" or (code == "complaint_staff" and rng.random() < 0.4):
        p.unresolved += 1
    product = p.orders[-1]["product"] if p.orders else "소포"
    serial[1] += 1
    p.calls.append({"external_id": f"CALL-{when:%Y%m%d}-{serial[1]:06d}", "occurred_at": min(when, END),
                    "channel": _pick(rng, CHANNELS)[0], "topic_code": code, "outcome": outcome,
                    "note": _note(code, rng.choice(notes), serial[1]).format(p=product), "agent": f"상담사{rng.randint(1, 36):02d}"})


def _note(code: str, note: str, serial: int) -> str:
    """The call's note: the one drawn, or (for most calls) one of its topic's further notes, by serial number."""
    more = MORE_NOTES.get(code, [])
    slot = zlib.crc32(str(serial).encode()) % (len(more) + 1)
    return note if slot == len(more) else more[slot]


def _identity(p: _Person, rng: random.Random) -> dict:
    surname = _pick(rng, SURNAMES)[0]
    name = surname + rng.choice(GIVEN) if p.kind == "person" else f"{rng.choice(GIVEN)}{rng.choice(BUSINESS)}"
    phone = f"010-{2000 + p.index // 10:04d}-{rng.randint(1000, 9999)}"
    email = f"user{p.index:05d}@example.kr" if rng.random() < 0.55 else None
    return {"name": name, "phone": phone, "email": email}


def _consents(rng: random.Random) -> list[tuple[str, bool, int]]:
    """(purpose, granted, days before the end) events: most agree to surveys and analysis, fewer to marketing;
    a few withdrew later."""
    events = []
    for purpose, share in ((ConsentPurpose.SURVEY, 0.88), (ConsentPurpose.MARKETING, 0.42),
                           (ConsentPurpose.ANALYSIS, 0.9)):
        if rng.random() < share:
            events.append((purpose, True, rng.randint(400, 2000)))
            if rng.random() < 0.04:
                events.append((purpose, False, rng.randint(5, 390)))
    return events


def seed_customers() -> bool:
    """Create the demo customer base unless one exists; returns whether it was created."""
    if db.session.scalar(select(Customer.id).limit(1)) is not None:
        return False
    rng, months, offices, serial = random.Random(20261206), _month_days(_peaks()), _offices(), [0, 0]
    people = [_person(i, rng, offices) for i in range(CUSTOMERS)]
    for person in people:
        _simulate(person, rng, months, serial)
    ids = _insert_customers(people, rng)
    _insert_activity(people, ids, rng)
    _link_survey_responses(people, ids, rng)
    return True


def _insert_customers(people: list[_Person], rng: random.Random) -> list[int]:
    rows, consent_rows = [], []
    for p in people:
        who = p.who = _identity(p, rng)
        events = _consents(rng)
        state = {purpose: granted for purpose, granted, _ in events}
        phone_hash, email_hash = lookup_hashes(who["phone"], who["email"])
        rows.append({"external_id": f"C{p.index + 1:08d}", "kind": p.kind, "name_enc": seal(who["name"], "name"),
                     "phone_enc": seal(who["phone"], "phone"), "email_enc": seal(who["email"], "email"),
                     "phone_hash": phone_hash, "email_hash": email_hash, "birth_year": p.birth_year,
                     "gender": p.gender, "region": p.region, "org_unit_id": p.office_id,
                     "customer_type": "법인" if p.kind == "business" else _pick(rng, CUSTOMER_TYPES)[0],
                     "consent_survey": state.get(ConsentPurpose.SURVEY),
                     "consent_marketing": state.get(ConsentPurpose.MARKETING),
                     "consent_analysis": state.get(ConsentPurpose.ANALYSIS), "joined_on": p.joined,
                     "is_stub": False, "source": "demo", "created_at": _utc(p.joined),
                     "updated_at": END.astimezone(UTC)})
        consent_rows.append([(purpose, granted, END - timedelta(days=days)) for purpose, granted, days in events])
    ids = _insert_numbered(Customer.__table__, rows)
    db.session.execute(insert(CustomerConsent.__table__), [
        {"customer_id": cid, "purpose": purpose, "granted": granted, "recorded_at": at, "method": "import",
         "note": "가입 시 동의서" if granted else "고객센터 전화로 철회"}
        for cid, events in zip(ids, consent_rows, strict=True) for purpose, granted, at in events])
    return list(ids)


def _insert_numbered(table, rows: list[dict]) -> list[int]:
    """Insert rows with ids numbered on from the table's largest (executemany without RETURNING, which is
    many times faster on SQLite), moving PostgreSQL's sequence past them; returns the ids in row order."""
    first = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
    ids = list(range(first, first + len(rows)))
    for start in range(0, len(rows), 10_000):
        db.session.execute(insert(table), [{"id": i, **row} for i, row in
                                           zip(ids[start:start + 10_000], rows[start:start + 10_000], strict=True)])
    if db.session.get_bind().dialect.name == "postgresql" and ids:
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), {ids[-1]})"))
    return ids


def _utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=KST)


def _insert_activity(people: list[_Person], ids: list[int], rng: random.Random) -> None:
    teams = list(db.session.scalars(select(OrgUnit.id).where(OrgUnit.code.like("T-CALL-%"))))
    orders = [{"customer_id": cid, **o} for p, cid in zip(people, ids, strict=True) for o in p.orders]
    calls = [{"customer_id": cid, **c, "org_unit_id": rng.choice(teams) if c["channel"] == "call" else p.office_id}
             for p, cid in zip(people, ids, strict=True) for c in p.calls]
    for start in range(0, len(orders), 10_000):
        db.session.execute(insert(Order.__table__), orders[start:start + 10_000])
    for start in range(0, len(calls), 10_000):
        db.session.execute(insert(Interaction.__table__), calls[start:start + 10_000])


def _link_survey_responses(people: list[_Person], ids: list[int], rng: random.Random) -> None:
    """Give every personal invitation of the satisfaction survey a contact that is one of the customers,
    pairing happier answers with happier customers of the same office, so the customer page shows the
    survey beside the orders and the churn model can use the scores."""
    invitations = db.session.execute(
        select(Invitation.id, Invitation.hidden, Invitation.channel, func.avg(Answer.value_num))
        .join(Wave, Wave.id == Invitation.wave_id).join(Survey, Survey.id == Wave.survey_id)
        .outerjoin(Response, (Response.invitation_id == Invitation.id) & (Response.status == ResponseStatus.COMPLETE))
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(Invitation.contact_id.is_(None), Survey.kind != "courtesy")
        .group_by(Invitation.id, Invitation.hidden, Invitation.channel)).all()
    code_of = {u.id: u.code for u in db.session.scalars(select(OrgUnit))}
    pool: dict[str, list[tuple[float, int, _Person]]] = {}
    for p, cid in zip(people, ids, strict=True):
        if p.kind == "person":
            pool.setdefault(code_of[p.office_id], []).append((p.satisfaction, cid, p))
    by_office: dict[str, list] = {}
    for row in invitations:
        by_office.setdefault((row.hidden or {}).get("office_code"), []).append(row)
    links = []
    for office, rows in by_office.items():
        candidates = pool.get(office, [])
        chosen = rng.sample(candidates, min(len(rows), len(candidates)))
        answered = sorted((r for r in rows if r[3] is not None), key=lambda r: r[3])[:len(chosen)]
        happiest_last = sorted(chosen[:len(answered)], key=lambda c: c[0])
        links.extend((row.id, cid, person) for row, (_, cid, person) in zip(answered, happiest_last, strict=True))
        unanswered = [r for r in rows if r[3] is None]
        links.extend((row.id, cid, person) for row, (_, cid, person) in zip(unanswered, chosen[len(answered):],
                                                                            strict=False))
    now = END.astimezone(UTC)
    contacts = []
    for _, cid, person in links:
        sealed = set_contact_identity(Contact(), **person.who)
        contacts.append({"name_enc": sealed.name_enc, "phone_enc": sealed.phone_enc, "email_enc": sealed.email_enc,
                         "phone_hash": sealed.phone_hash, "email_hash": sealed.email_hash, "consent": True,
                         "attributes": {"region": person.region}, "org_unit_id": person.office_id, "source": "demo",
                         "customer_id": cid, "purge_action": "purge", "created_at": now})
    contact_ids = _insert_numbered(Contact.__table__, contacts)
    db.session.execute(update(Invitation), [{"id": invitation_id, "contact_id": contact_id}
                                            for (invitation_id, _, _), contact_id in zip(links, contact_ids, strict=True)])
    honour_survey_withdrawals(contact_ids)
