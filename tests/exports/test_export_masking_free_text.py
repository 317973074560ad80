"""Free-text masking finds +82 and full-width telephone numbers and bank account numbers, and leaves the
rest of the text exactly as the respondent wrote it."""
from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from exports.masking import mask_in_text

FULL_WIDTH = str.maketrans("0123456789-+@.", "０１２３４５６７８９－＋＠．")
#: Text around the numbers: Korean, Latin, full-width letters and punctuation, never a digit or an @.
AROUND = st.text(alphabet=st.sampled_from(list("고객님창구친절하게안내받았습니다 abcXYZ，。！？（）ＡＢ～")), max_size=20)


def digits(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit())


@pytest.mark.parametrize("text, masked", [
    ("+82 10-1234-5678로 연락 주세요", "+82 10-****-5678로 연락 주세요"),
    ("+82-10-1234-5678", "+82-10-****-5678"),
    ("+821012345678 문자", "+8210****5678 문자"),
    ("0082 10 1234 5678", "0082 10 **** 5678"),
    ("+82 (0)10-1234-5678", "+82 (0)10-****-5678"),
    ("연락처 ０１０－１２３４－５６７８로", "연락처 010-****-5678로"),
    ("메일 ｇｉｌｄｏｎｇ＠ｅｐｏｓｔ．ｇｏ．ｋｒ 로", "메일 gi*****@epost.go.kr 로"),
    ("환불 계좌 110-123-456789 신한", "환불 계좌 110-***-****** 신한"),
    ("국민 123456-01-123456로 보내 주세요", "국민 123456-**-******로 보내 주세요"),
    ("계좌 100212345678로 환불", "계좌 100*********로 환불"),
    ("등기번호 100212345678 조회", "등기번호 100212345678 조회"),  # a long number, no account mentioned
    ("2025-01-15 창구 3번 1588-1300", "2025-01-15 창구 3번 1588-1300"),
    ("１５분 기다림", "１５분 기다림"),
    ("계좌 02-1111-5304-6789", "계좌 02-****-****-****"),  # starts like a Seoul number, is longer: an account
    ("028072-6708-41-4514", "028072-****-**-****"),
    ("1621-3481-5493 입금", "1621-****-**** 입금"),  # no service number has three groups
])
def test_identifiers_in_other_writings_are_masked(text, masked):
    assert mask_in_text(text) == masked


@st.composite
def mobile_numbers(draw):
    """A mobile number in one of the ways people type it: (written, digits kept after masking)."""
    middle, last = draw(st.from_regex(r"\A[0-9]{4}\Z")), draw(st.from_regex(r"\A[0-9]{4}\Z"))
    sep = draw(st.sampled_from(["-", " ", ".", "", "－"]))
    prefix = draw(st.sampled_from(["010", "+82 10", "+82-10", "+8210", "+82 010"]))
    written = f"{prefix}{sep}{middle}{sep}{last}"
    if draw(st.booleans()):
        written = written.translate(FULL_WIDTH)
    return written, digits(prefix) + last


@settings(max_examples=300, deadline=None)
@given(before=AROUND, number=mobile_numbers(), after=AROUND)
def test_a_mobile_number_keeps_only_its_first_and_last_group(before, number, after):
    written, kept = number
    masked = mask_in_text(f"{before} {written} {after}")
    assert digits(masked) == kept
    assert masked.startswith(before + " ") and masked.endswith(" " + after)


PHONE_SHAPED = re.compile(r"(01[016789]|02|0[3-6][1-5]|070|050\d?|080)-\d{3,4}-\d{4}")


@st.composite
def account_numbers(draw):
    """A hyphenated account number of 10 to 16 digits: (written, its first group)."""
    groups = draw(st.lists(st.integers(2, 6), min_size=3, max_size=4).filter(lambda g: 10 <= sum(g) <= 16))
    parts = [draw(st.from_regex(rf"\A[0-9]{{{n}}}\Z")) for n in groups]
    return "-".join(parts), parts[0]


@settings(max_examples=200, deadline=None)
@given(before=AROUND, account=account_numbers(), after=AROUND)
def test_an_account_number_keeps_only_its_first_group(before, account, after):
    written, first = account
    assume(not PHONE_SHAPED.fullmatch(written))  # 0502-406-8415 is a telephone number too, masked as one
    masked = mask_in_text(f"{before} {written} {after}")
    if digits(masked) != first:  # a 13-digit account may read as a resident number: still masked, 7 digits kept
        assert len(digits(masked)) <= 7 and "*" in masked
    assert masked.startswith(before + " ") and masked.endswith(" " + after)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Nd", "No", "Cs")).filter(lambda c: "@" not in c
                                                                                          and "＠" not in c)))
def test_text_without_digits_or_addresses_is_unchanged(text):
    assert mask_in_text(text) == text
