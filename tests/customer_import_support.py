"""Files and helpers for the customer import tests."""
from __future__ import annotations

import io

CUSTOMER_HEADER = "고객번호,고객구분,이름,휴대전화,전자우편,주소,출생연도,성별,우체국코드,가입일,설문동의,마케팅동의\n"
ORDER_HEADER = "주문번호,고객번호,주문일시,상품분류,상품명,금액,수량,주문상태,배송일\n"
INTERACTION_HEADER = "상담번호,고객번호,상담일시,상담경로,우체국코드,상담원,상담유형,처리결과,상담내용\n"


def customer_rows(n: int, *, start: int = 0, office: str = "", consent: str = "동의") -> list[str]:
    """``n`` customer lines C00001…, each with a distinct phone and e-mail."""
    return [f"C{i:05d},개인,고객{i},010-{7000 + i // 10000:04d}-{i % 10000:04d},c{i}@example.kr,서울특별시 종로구 세종대로 {i},1970,여,{office},"
            f"2020-01-0{1 + i % 9},{consent},미동의" for i in range(start, start + n)]


def order_rows(n: int, *, customers: int = 3) -> list[str]:
    """``n`` order lines O00001… spread over customers C00000…, dates in three formats, amounts with 원."""
    dates = ("2026-03-05 14:30", "2026.03.06", "20260307")
    return [f"O{i:05d},C{i % customers:05d},{dates[i % 3]},식품,사과 {i}kg,\"{(i + 1) * 1000:,}원\",1,배송,2026/03/10"
            for i in range(n)]


def csv_bytes(header: str, rows: list[str], encoding: str = "utf-8") -> bytes:
    """A CSV file in ``encoding`` (``utf-8-sig`` for one with a BOM)."""
    return (header + "".join(r + "\n" for r in rows)).encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    """A workbook whose first sheet holds ``rows`` (the header first)."""
    from openpyxl import Workbook

    book, buffer = Workbook(), io.BytesIO()
    for row in rows:
        book.active.append(row)
    book.save(buffer)
    return buffer.getvalue()


def run_import(app_ctx, kind: str, data: bytes, name: str = "file.csv", **options):
    """Import ``data`` inside an app context; returns the report."""
    from survey_app.customers.importing import import_file

    with app_ctx():
        return import_file(kind, io.BytesIO(data), name, **options)
