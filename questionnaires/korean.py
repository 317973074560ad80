"""Korean particles (조사) chosen from the word they follow: ``Q2를``, ``버전 1로``, ``쪽 P3을``.

A particle after a variable depends on whether the word, read aloud in Korean, ends in a final consonant
(받침): 은/는, 이/가, 을/를, 와/과, and (으)로 where a ㄹ 받침 takes 로 (``서울로``). Digits and Latin
letters are read as Korean speakers read them (1 일, 2 이, 10 십, 100 백; Q 큐, L 엘, M 엠, N 엔).
Used by the app as well as here (the pure packages may import it; it imports nothing).
"""
from __future__ import annotations

import re

#: (with 받침, without 받침) per particle, by any of its spellings.
PAIRS = {"은": ("은", "는"), "는": ("은", "는"), "이": ("이", "가"), "가": ("이", "가"),
         "을": ("을", "를"), "를": ("을", "를"), "과": ("과", "와"), "와": ("과", "와"),
         "으로": ("으로", "로"), "로": ("으로", "로")}
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL = 8  # index of ㄹ among the 28 final consonants (0 = none)
#: Final consonant of each digit read in Sino-Korean: 영 일 이 삼 사 오 육 칠 팔 구 (0 = none, 8 = ㄹ).
_DIGIT_FINAL = {"0": 21, "1": 8, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": 8, "8": 8, "9": 0}
#: A number ending in zeros is read by its last unit: 십 백 천 만 … 억 … 조.
_ZEROS_FINAL = {1: 17, 2: 1, 3: 4, 4: 4, 5: 4, 6: 4, 7: 4, 8: 1, 9: 1, 10: 1, 11: 1}
#: Latin letters as read in Korean: only 엘, 엠, 엔 end in a consonant (R is 아르, Z 제트).
_LETTER_FINAL = {"l": 8, "m": 16, "n": 4}
_MARKERS = re.compile(r"(을\(를\)|를\(을\)|이\(가\)|가\(이\)|은\(는\)|는\(은\)|와\(과\)|과\(와\)|\(으\)로)")
_TRAILING = re.compile(r"(?:&#?\w+;|[\s'\"’”»)\]}>》」』.])+$")  # closing marks and HTML entities


def final_consonant(word: str) -> int | None:
    """The index (0 = none, 8 = ㄹ) of the final consonant of ``word`` as read in Korean, or None if unknown."""
    text = _TRAILING.sub("", str(word))
    if not text:
        return None
    last = text[-1]
    if _HANGUL_FIRST <= ord(last) <= _HANGUL_LAST:
        return (ord(last) - _HANGUL_FIRST) % 28
    if last.isdigit() and last.isascii():
        return _number_final(text)
    if last.isascii() and last.isalpha():
        return _LETTER_FINAL.get(last.lower(), 0)
    return None


def _number_final(text: str) -> int:
    digits = re.search(r"\d+$", text).group(0)  # type: ignore[union-attr]
    stripped = digits.rstrip("0")
    zeros = len(digits) - len(stripped)
    if not stripped:
        return _DIGIT_FINAL["0"]
    if zeros == 0 or "." in text[-len(digits) - 1:-len(digits)]:
        return _DIGIT_FINAL[stripped[-1]]
    return _ZEROS_FINAL.get(zeros, 0)  # 10¹² and beyond: 조, no final consonant


def particle(word: str, which: str) -> str:
    """The spelling of particle ``which`` (any of 은/는, 이/가, 을/를, 와/과, 으로/로) that follows ``word``.

    A word that cannot be read (a symbol) keeps the neutral double form, e.g. ``을(를)``.
    """
    with_final, without_final = PAIRS[which]
    final = final_consonant(word)
    if final is None:
        return "(으)로" if with_final == "으로" else f"{with_final}({without_final})"
    if with_final == "으로":
        return "로" if final in (0, _RIEUL) else "으로"
    return with_final if final else without_final


def with_particle(word: str, which: str) -> str:
    """``word`` followed by the right spelling of particle ``which``: ``with_particle("Q2", "을")`` → ``Q2를``."""
    return f"{word}{particle(word, which)}"


def resolve_particles(text: str) -> str:
    """Replace each double form (``을(를)``, ``이(가)``, ``(으)로``…) by the spelling its preceding word takes."""
    def pick(match: re.Match) -> str:
        marker = match.group(0)
        which = "으로" if marker == "(으)로" else marker[0]
        return particle(text[:match.start()], which)
    return _MARKERS.sub(pick, text)


def quoted(word: object) -> str:
    """``word`` in single quotes (a particle after it still follows the word inside)."""
    return f"'{word}'"
