"""Personal data is masked by default in every export, and shown only with a stated purpose."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from python_calamine import CalamineWorkbook

from exports.csv_export import iter_raw_csv
from exports.inputs import PersonalDataRelease, RawColumn, RawData, VocEntry, WorkbookInput
from exports.masking import mask_email, mask_in_text, mask_name, mask_phone
from exports.report import write_workbook


@pytest.mark.parametrize("name, masked", [("홍길동", "홍*동"), ("남궁민수", "남**수"), ("이순", "이*"), ("김", "*"),
                                          (" 홍길동 ", "홍*동"), ("", ""), (None, "")])
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("phone, masked", [("010-1234-5678", "010-****-5678"), ("01012345678", "010****5678"),
                                           ("02-123-4567", "02-***-4567"), ("010 1234 5678", "010 **** 5678"),
                                           ("+82-10-1234-5678", "+82-**-****-5678"), ("1234", "**34"), (None, "")])
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize("email, masked", [("gildong@epost.go.kr", "gi*****@epost.go.kr"), ("ab@x.kr", "a*@x.kr"),
                                           ("a@x.kr", "a*@x.kr"), ("", "")])
def test_mask_email(email, masked):
    assert mask_email(email) == masked


@pytest.mark.parametrize("text, masked", [
    ("연락처 010-1234-5678로 주세요", "연락처 010-****-5678로 주세요"),
    ("01098765432 문자 주세요", "010****5432 문자 주세요"),
    ("주민번호 900101-1234567 입니다", "주민번호 900101-1****** 입니다"),
    ("메일은 gildong@epost.go.kr", "메일은 gi*****@epost.go.kr"),
    ("고객센터 1588-1300은 그대로", "고객센터 1588-1300은 그대로"),
    ("창구 3번에서 10분 기다림", "창구 3번에서 10분 기다림"),
])
def test_mask_in_text(text, masked):
    assert mask_in_text(text) == masked


def _input(personal=None) -> WorkbookInput:
    columns = (RawColumn("id", kind="id"), RawColumn("name", kind="name"), RawColumn("phone", kind="phone"),
               RawColumn("email", kind="email"), RawColumn("comment", kind="text"))
    rows = [["R1", "홍길동", "010-1234-5678", "gildong@epost.go.kr", "010-2222-3333로 연락 바랍니다"],
            ["R2", "남궁민수", "01099998888", None, ""]]
    voc = (VocEntry("Q9", "답변은 010-2222-3333로 부탁드립니다", {"지역": "서울"}),)
    return WorkbookInput(survey="조사", wave="1차", generated_on=date(2025, 1, 1), voc=voc,
                         raw=RawData(columns, rows), personal=personal)


def test_workbook_masks_personal_data_by_default(tmp_path):
    path = tmp_path / "masked.xlsx"
    write_workbook(_input(), path)
    book = CalamineWorkbook.from_path(str(path))
    raw = book.get_sheet_by_name("원자료").to_python()
    assert raw[1] == ["R1", "홍*동", "010-****-5678", "gi*****@epost.go.kr", "010-****-3333로 연락 바랍니다"]
    assert raw[2][:4] == ["R2", "남**수", "010****8888", ""]
    voc = [v for row in book.get_sheet_by_name("고객의 소리").to_python() for v in row]
    assert "답변은 010-****-3333로 부탁드립니다" in voc
    summary = [v for row in book.get_sheet_by_name("요약").to_python() for v in row]
    assert any(str(v).startswith("개인정보: 이름·전화번호·전자우편은 가려서") for v in summary)


def test_release_with_purpose_shows_originals_and_says_why(tmp_path):
    path = tmp_path / "open.xlsx"
    write_workbook(_input(PersonalDataRelease(purpose="민원 회신 연락", requested_by="김담당")), path)
    book = CalamineWorkbook.from_path(str(path))
    assert book.get_sheet_by_name("원자료").to_python()[1][:3] == ["R1", "홍길동", "010-1234-5678"]
    summary = [v for row in book.get_sheet_by_name("요약").to_python() for v in row]
    assert "개인정보: 원본 표시 — 요청자 김담당, 목적: 민원 회신 연락" in summary


@pytest.mark.parametrize("purpose, who", [("", "김담당"), ("   ", "김담당"), ("회신", "")])
def test_release_needs_a_purpose_and_a_person(purpose, who):
    with pytest.raises(ValueError):
        PersonalDataRelease(purpose=purpose, requested_by=who)


def test_csv_masks_by_default():
    text = "".join(iter_raw_csv(_input().raw))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["id", "name", "phone", "email", "comment"]
    assert rows[1][:3] == ["R1", "홍*동", "010-****-5678"]
    opened = "".join(iter_raw_csv(_input().raw, personal=PersonalDataRelease("회신", "김담당")))
    assert "홍길동" in opened and "홍길동" not in text
