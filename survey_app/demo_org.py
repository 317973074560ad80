"""The demo organisation: Korea Post's nine regional headquarters, real-sounding offices and staff."""
from __future__ import annotations

import random

from sqlalchemy import select

from .database import db
from .models import OrgLevel, OrgUnit, StaffMember

HEADQUARTERS = ("HQ", "우정사업본부", "Korea Post Headquarters")

#: 지방우정청 code, name, English name, and its offices (code, name).
REGIONS = [
    ("R-SEOUL", "서울지방우정청", "Seoul Regional Post Office",
     [("P-SEOULCJ", "서울중앙우체국"), ("P-GWANGHWAMUN", "광화문우체국"), ("P-GANGNAM", "강남우체국"), ("P-SONGPA", "송파우체국")]),
    ("R-GYEONGIN", "경인지방우정청", "Gyeongin Regional Post Office",
     [("P-INCHEON", "인천우체국"), ("P-SUWON", "수원우체국"), ("P-UIJEONGBU", "의정부우체국")]),
    ("R-BUSAN", "부산지방우정청", "Busan Regional Post Office",
     [("P-BUSAN", "부산우체국"), ("P-HAEUNDAE", "해운대우체국"), ("P-ULSAN", "울산우체국"), ("P-CHANGWON", "창원우체국")]),
    ("R-CHUNGCHEONG", "충청지방우정청", "Chungcheong Regional Post Office",
     [("P-DAEJEON", "대전우체국"), ("P-CHEONGJU", "청주우체국"), ("P-CHEONAN", "천안우체국")]),
    ("R-JEONNAM", "전남지방우정청", "Jeonnam Regional Post Office",
     [("P-GWANGJU", "광주우체국"), ("P-MOKPO", "목포우체국"), ("P-SUNCHEON", "순천우체국")]),
    ("R-GYEONGBUK", "경북지방우정청", "Gyeongbuk Regional Post Office",
     [("P-DAEGU", "대구우체국"), ("P-POHANG", "포항우체국"), ("P-ANDONG", "안동우체국")]),
    ("R-JEONBUK", "전북지방우정청", "Jeonbuk Regional Post Office",
     [("P-JEONJU", "전주우체국"), ("P-IKSAN", "익산우체국")]),
    ("R-GANGWON", "강원지방우정청", "Gangwon Regional Post Office",
     [("P-CHUNCHEON", "춘천우체국"), ("P-WONJU", "원주우체국"), ("P-GANGNEUNG", "강릉우체국")]),
    ("R-JEJU", "제주지방우정청", "Jeju Regional Post Office",
     [("P-JEJU", "제주우체국"), ("P-SEOGWIPO", "서귀포우체국")]),
]

CONTACT_CENTER = ("C-CALL", "우편고객센터", "Postal Customer Contact Center",
                  [("T-CALL-1", "상담1팀"), ("T-CALL-2", "상담2팀"), ("T-CALL-3", "상담3팀")])

SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ["민준", "서연", "도윤", "지우", "하준", "서윤", "지호", "하은", "준우", "수아", "현우", "지민",
         "영숙", "정희", "상철", "미경", "성호", "은정", "동현", "혜진"]
POSITIONS = ["우정주무관", "우정서기", "우정서기보", "상담사", "선임상담사"]


def _unit(code: str, name: str, level: OrgLevel, parent: OrgUnit | None, **extra) -> OrgUnit:
    unit = OrgUnit(code=code, name=name, level=level, parent=parent, **extra)
    db.session.add(unit)
    return unit


def _staff_for(unit: OrgUnit, count: int, rng: random.Random, serial: list[int]) -> None:
    for _ in range(count):
        serial[0] += 1
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        db.session.add(StaffMember(employee_no=f"E{serial[0]:06d}", name=name, org_unit=unit,
                                   position=rng.choice(POSITIONS)))


def seed_organisation() -> bool:
    """Create the demo organisation unless it exists; returns whether it was created."""
    if db.session.scalar(select(OrgUnit.id).where(OrgUnit.code == HEADQUARTERS[0])) is not None:
        return False
    rng, serial = random.Random(2026), [0]
    hq = _unit(*HEADQUARTERS[:2], OrgLevel.HEADQUARTERS, None, name_en=HEADQUARTERS[2])
    for order, (code, name, name_en, offices) in enumerate(REGIONS):
        region = _unit(code, name, OrgLevel.REGIONAL, hq, name_en=name_en, region_code=code, sort_order=order)
        for office_code, office_name in offices:
            office = _unit(office_code, office_name, OrgLevel.OFFICE, region, region_code=code)
            _staff_for(office, 4, rng, serial)
    center = _unit(*CONTACT_CENTER[:2], OrgLevel.CENTER, hq, name_en=CONTACT_CENTER[2])
    for team_code, team_name in CONTACT_CENTER[3]:
        _staff_for(_unit(team_code, team_name, OrgLevel.TEAM, center), 6, rng, serial)
    db.session.flush()
    return True


def office_codes() -> list[tuple[str, str]]:
    """(office code, region code) of every demo post office."""
    return [(office_code, region) for region, _n, _e, offices in REGIONS for office_code, _ in offices]
