"""Korean morphological analysis with Kiwi: sentences, morphemes and content words of each text.

One :class:`kiwipiepy.Kiwi` is loaded per process, lazily on first use (about a second; the model comes
from the ``kiwipiepy-model`` package, installed with the app, and nothing is downloaded at run time;
about 350 MB peak memory without Kiwi's multi-word dictionary, which is left out), with the postal user
dictionary (``data/user_dictionary.tsv``) added to it.

>>> a = analyse(["배달이 늦어요. 배달했는데 반송됐대요"])[0]
>>> a.sentences
('배달이 늦어요.', '배달했는데 반송됐대요')
>>> a.content
('배달', '늦다', '배달', '반송')

Content words are nouns (general, proper, English words and roots) and the stems of verbs and
adjectives written as their dictionary form (늦어요 → 늦다): 배달이, 배달을, 배달했는데 are all
``배달``. Very common words that say nothing about a theme (하다, 되다, 있다, 것 …) are left out.
"""
from __future__ import annotations

import csv
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .normalise import MAX_CHARS, clean

__all__ = ["Analysis", "analyse", "get_kiwi", "load_user_dictionary", "DictionaryEntry", "CONTENT_TAGS",
           "STOPWORDS"]

#: Morpheme tags of content words: general and proper nouns, foreign words (EMS), roots, verbs, adjectives.
CONTENT_TAGS = frozenset({"NNG", "NNP", "SL", "XR", "VV", "VA"})
#: Content words too common to tell one theme from another.
STOPWORDS = frozenset({"하다", "되다", "있다", "이다", "않다", "같다", "보다", "주다", "드리다", "받다", "오다", "가다",
                       "나다", "싶다", "그렇다", "이렇다", "어떻다", "말다", "알다", "것", "수", "등", "때", "좀",
                       "정말", "진짜", "너무", "감사", "안녕", "번", "분", "저희", "이번", "오늘", "어제", "관련",
                       "후", "뒤", "이후", "전", "중", "날", "때문", "정도", "경우", "부분", "다음", "자꾸"})
_PUNCTUATION = frozenset({"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW", "SB", "Z_CODA", "Z_SIOT", "UN"})
_VERB_TAGS = frozenset({"VV", "VA", "VV-R", "VA-R", "VV-I", "VA-I"})

#: Prefixes that turn a noun into its opposite (불친절 is not 친절).
NEGATING_PREFIXES = frozenset({"불", "비", "무", "미", "몰"})
#: Texts given to Kiwi at a time (its peak memory grows with the batch).
CHUNK = 500
#: Longer "words" are keyboard mashing or a pasted code, not a theme.
MAX_WORD = 20
#: Words after which a proper noun is a person's name (김철수 주무관, 이민호 씨, 박 기사님).
TITLES = frozenset({"님", "씨", "주무관", "집배원", "기사", "과장", "대리", "팀장", "국장", "실장", "주임", "계장", "고객",
                    "상담사", "상담원", "직원", "선생", "사원", "부장", "차장", "사무관", "소장", "매니저", "군", "양"})
#: Common Korean surnames: a three-syllable proper noun starting with one is taken for a name even without a title.
SURNAMES = frozenset("김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변"
                     "염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉")
_lock = threading.Lock()
_kiwi = None


@dataclass(frozen=True)
class DictionaryEntry:
    """A user-dictionary word: the word, its Kiwi tag (NNP proper noun, NNG general noun) and a score."""

    word: str
    tag: str = "NNP"
    score: float = 0.0


@dataclass(frozen=True)
class Analysis:
    """One analysed text: the cleaned text, its sentences, its morphemes as ``form/TAG`` and its content words.

    ``truncated`` is true when the text was longer than :data:`~.normalise.MAX_CHARS` characters and only
    its beginning was analysed.
    """

    text: str
    sentences: tuple[str, ...]
    morphemes: tuple[str, ...]
    content: tuple[str, ...]
    truncated: bool = False
    names: tuple[tuple[int, int], ...] = ()

    def redacted(self) -> str:
        """The text with people's names hidden as :func:`mask_name` does (김철수 → 김*수, 김 대리 → * 대리)."""
        out, done = [], 0
        for start, end in self.names:
            out.append(self.text[done:start] + _mask_name(self.text[start:end]))
            done = end
        return "".join(out) + self.text[done:]


def _dictionary_file() -> Path:
    return Path(str(resources.files(__package__) / "data" / "user_dictionary.tsv"))


def load_user_dictionary(path: str | Path | None = None) -> list[DictionaryEntry]:
    """The entries of a user-dictionary file (tab-separated: word, tag, score, note; ``#`` starts a comment)."""
    entries = []
    with open(path or _dictionary_file(), encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
                continue
            tag = (row[1].strip() if len(row) > 1 else "") or "NNP"
            if tag not in ("NNP", "NNG", "SL"):
                raise ValueError(f"user dictionary: tag of {row[0]!r} must be NNP, NNG or SL, got {tag!r}")
            score = float(row[2]) if len(row) > 2 and row[2].strip() else 0.0
            entries.append(DictionaryEntry(row[0].strip(), tag, score))
    return entries


def get_kiwi(extra_dictionary: str | Path | None = None):
    """The process's Kiwi with the postal user dictionary, loaded on first call (thread-safe)."""
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi  # loads the model; only analysis needs it

                # The multi-word expression dictionary adds ~175 MB of peak memory and nothing the topics need.
                kiwi = Kiwi(load_multi_dict=False)
                for entry in load_user_dictionary():
                    kiwi.add_user_word(entry.word, entry.tag, entry.score)
                if extra_dictionary:
                    for entry in load_user_dictionary(extra_dictionary):
                        kiwi.add_user_word(entry.word, entry.tag, entry.score)
                _kiwi = kiwi
    return _kiwi


def _content_word(form: str, tag: str) -> str | None:
    if tag not in CONTENT_TAGS and tag not in _VERB_TAGS:
        return None
    word = form + "다" if tag in _VERB_TAGS else (form.upper() if tag == "SL" else form)
    if word in STOPWORDS or (tag == "SL" and len(word) < 2) or len(word) > MAX_WORD:
        return None
    return word


def _sentences(text: str, tokens: Sequence) -> tuple[str, ...]:
    spans: dict[int, list[int]] = {}
    for t in tokens:
        span = spans.setdefault(t.sent_position, [t.start, t.end])
        span[0], span[1] = min(span[0], t.start), max(span[1], t.end)
    return tuple(s for s in (text[a:b].strip() for a, b in spans.values()) if s)


def _mask_name(name: str) -> str:
    return "*" if len(name) == 1 else name[0] + "*" if len(name) == 2 else name[0] + "*" * (len(name) - 2) + name[-1]


def _is_name(tokens: Sequence, i: int, known: frozenset[str]) -> bool:
    """Whether token ``i`` is a person's name: a Hangul proper noun of 1-4 syllables, not a dictionary word,
    followed by a title (님, 씨, 주무관 …) or of three syllables starting with a common surname."""
    t = tokens[i]
    if t.tag != "NNP" or not 1 <= len(t.form) <= 4 or t.form in known or not all("가" <= c <= "힣" for c in t.form):
        return False
    following = tokens[i + 1].form if i + 1 < len(tokens) else ""
    return following in TITLES or (len(t.form) == 3 and t.form[0] in SURNAMES)


def _analysis(text: str, tokens: Sequence, truncated: bool) -> Analysis:
    known = _dictionary_words()
    names = tuple((t.start, t.end) for i, t in enumerate(tokens) if _is_name(tokens, i, known))
    named = {start for start, _ in names}
    morphemes = tuple(f"{t.form}/{t.tag}" for t in tokens if t.tag not in _PUNCTUATION and t.start not in named)
    return Analysis(text, _sentences(text, tokens), morphemes, _content(tokens, named), truncated, names)


def _content(tokens: Sequence, named: set[int]) -> tuple[str, ...]:
    """Content words; a negating prefix stays with its noun (불친절, 무성의, 미배송), which means the opposite."""
    words, skip = [], False
    for i, t in enumerate(tokens):
        if skip or t.start in named:
            skip = False
            continue
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if t.tag == "XPN" and t.form in NEGATING_PREFIXES and following is not None and following.tag in ("NNG", "XR"):
            words.append(t.form + following.form)
            skip = True
            continue
        word = _content_word(t.form, t.tag)
        if word:
            words.append(word)
    return tuple(words)


_known: frozenset[str] | None = None


def _dictionary_words() -> frozenset[str]:
    global _known
    if _known is None:
        _known = frozenset(e.word for e in load_user_dictionary())
    return _known


def analyse(texts: Iterable[object]) -> list[Analysis]:
    """Analyse each text (any value; None, empty, emoji-only or garbled ones give an empty analysis)."""
    raw = [t if isinstance(t, str) else ("" if t is None else str(t)) for t in texts]
    cleaned = [clean(t) for t in raw]
    truncated = [len(r) > MAX_CHARS and len(c) >= MAX_CHARS for r, c in zip(raw, cleaned, strict=True)]
    results: list[Analysis | None] = [None] * len(cleaned)
    todo = [i for i, c in enumerate(cleaned) if c]
    kiwi = get_kiwi() if todo else None
    for start in range(0, len(todo), CHUNK):  # Kiwi keeps a batch's tokens until it is consumed: bound the batch
        part = todo[start:start + CHUNK]
        for i, tokens in zip(part, kiwi.tokenize([cleaned[i] for i in part]), strict=True):
            results[i] = _analysis(cleaned[i], tokens, truncated[i])
    return [r if r is not None else Analysis(cleaned[i], (), (), (), truncated[i]) for i, r in enumerate(results)]
