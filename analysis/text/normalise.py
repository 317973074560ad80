"""Cleaning of raw customer text before morphological analysis (pure Python, no Kiwi).

What customers type is not always text: control characters pasted from other programs, Hangul
typed one jamo at a time (ㅂㅐㄷㅏㄹ, a keyboard's compatibility jamo, which Kiwi reads as symbols),
a 20,000-character paste, emoji. :func:`clean` turns any of it into a string Kiwi can analyse:

>>> clean("배송이\\x00 늦어요\\u200b")
'배송이 늦어요'
>>> clean("ㅂㅐㄷㅏㄹ이 ㄴㅡㅈㅇㅓㅇㅛ ㅠㅠ")
'배달이 늦어요 ㅠㅠ'

The jamo composition is the two-set (두벌식) keyboard's own rule: a consonant followed by a vowel
starts a syllable, a following consonant closes it unless a vowel comes after it. It is applied
only to runs of at least three jamo that contain a vowel, so ㅋㅋㅋ and ㅠㅠ stay as they are.
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["clean", "compose_jamo", "MAX_CHARS"]

#: Characters of one text that are analysed; the rest of a longer paste is left out (and counted).
MAX_CHARS = 5_000

_CHO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JUNG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_JONG = " ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"
_VOWEL_PAIRS = {("ㅗ", "ㅏ"): "ㅘ", ("ㅗ", "ㅐ"): "ㅙ", ("ㅗ", "ㅣ"): "ㅚ", ("ㅜ", "ㅓ"): "ㅝ", ("ㅜ", "ㅔ"): "ㅞ",
                ("ㅜ", "ㅣ"): "ㅟ", ("ㅡ", "ㅣ"): "ㅢ"}
_CODA_PAIRS = {("ㄱ", "ㅅ"): "ㄳ", ("ㄴ", "ㅈ"): "ㄵ", ("ㄴ", "ㅎ"): "ㄶ", ("ㄹ", "ㄱ"): "ㄺ", ("ㄹ", "ㅁ"): "ㄻ",
               ("ㄹ", "ㅂ"): "ㄼ", ("ㄹ", "ㅅ"): "ㄽ", ("ㄹ", "ㅌ"): "ㄾ", ("ㄹ", "ㅍ"): "ㄿ", ("ㄹ", "ㅎ"): "ㅀ",
               ("ㅂ", "ㅅ"): "ㅄ"}
_JAMO_RUN = re.compile(f"[{_CHO}{_JUNG}ㄳㄵㄶㄺㄻㄼㄽㄾㄿㅀㅄ]{{3,}}")
# Control and format characters (zero-width spaces, direction marks, BOM) and lone surrogates become spaces.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")
_SPACES = re.compile(r"[ \t\r\n\u00a0\u3000]+")


def _syllable(cho: str, jung: str, jong: str = "") -> str:
    return chr(0xAC00 + (_CHO.index(cho) * 21 + _JUNG.index(jung)) * 28 + _JONG.index(jong or " "))


def _compose_run(run: str) -> str:
    """Compose one run of compatibility jamo as a two-set keyboard would."""
    out, i, n = [], 0, len(run)
    while i < n:
        c = run[i]
        if c in _CHO and i + 1 < n and run[i + 1] in _JUNG:
            jung, i = run[i + 1], i + 2
            if i < n and (jung, run[i]) in _VOWEL_PAIRS:
                jung, i = _VOWEL_PAIRS[(jung, run[i])], i + 1
            jong = ""
            if i < n and run[i] in _JONG.strip() and not (i + 1 < n and run[i + 1] in _JUNG):
                jong, i = run[i], i + 1
                if i < n and (jong, run[i]) in _CODA_PAIRS and not (i + 1 < n and run[i + 1] in _JUNG):
                    jong, i = _CODA_PAIRS[(jong, run[i])], i + 1
            out.append(_syllable(c, jung, jong))
        else:
            out.append(c)
            i += 1
    return "".join(out)


def compose_jamo(text: str) -> str:
    """Hangul typed one jamo at a time (ㅂㅐㄷㅏㄹ) composed into syllables (배달); ㅋㅋㅋ, ㅠㅠ unchanged."""
    return _JAMO_RUN.sub(lambda m: _compose_run(m.group(0)) if any(ch in _JUNG for ch in m.group(0))
                         else m.group(0), text)


def clean(text: object, max_chars: int = MAX_CHARS) -> str:
    """A text safe to analyse: any value as a string, NFC, no control characters, jamo composed,
    runs of spaces as one, at most ``max_chars`` characters (None and non-strings become text or '')."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    text = _UNPRINTABLE.sub(" ", text[: max_chars * 2])
    text = unicodedata.normalize("NFC", text)
    text = compose_jamo(text)
    return _SPACES.sub(" ", text).strip()[:max_chars]
