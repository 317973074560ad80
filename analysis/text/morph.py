"""Korean morphological analysis with Kiwi: sentences, morphemes and content words of each text.

One :class:`kiwipiepy.Kiwi` is loaded per process, lazily on first use (about a second and 100 MB
for the model from the ``kiwipiepy-model`` package, installed with the app; nothing is downloaded
at run time), with the postal user dictionary (``data/user_dictionary.tsv``) added to it.

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
                       "정말", "진짜", "너무", "감사", "안녕", "번", "분", "저희", "이번", "오늘", "어제", "관련"})
_PUNCTUATION = frozenset({"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW", "SB", "Z_CODA", "Z_SIOT", "UN"})
_VERB_TAGS = frozenset({"VV", "VA", "VV-R", "VA-R", "VV-I", "VA-I"})

#: Longer "words" are keyboard mashing or a pasted code, not a theme.
MAX_WORD = 20
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

                kiwi = Kiwi()
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


def _analysis(text: str, tokens: Sequence, truncated: bool) -> Analysis:
    morphemes = tuple(f"{t.form}/{t.tag}" for t in tokens if t.tag not in _PUNCTUATION)
    content = tuple(w for w in (_content_word(t.form, t.tag) for t in tokens) if w)
    return Analysis(text, _sentences(text, tokens), morphemes, content, truncated)


def analyse(texts: Iterable[object]) -> list[Analysis]:
    """Analyse each text (any value; None, empty, emoji-only or garbled ones give an empty analysis)."""
    raw = [t if isinstance(t, str) else ("" if t is None else str(t)) for t in texts]
    cleaned = [clean(t) for t in raw]
    truncated = [len(r) > MAX_CHARS and len(c) >= MAX_CHARS for r, c in zip(raw, cleaned, strict=True)]
    results: list[Analysis | None] = [None] * len(cleaned)
    todo = [i for i, c in enumerate(cleaned) if c]
    if todo:
        for i, tokens in zip(todo, get_kiwi().tokenize([cleaned[i] for i in todo]), strict=True):
            results[i] = _analysis(cleaned[i], tokens, truncated[i])
    return [r if r is not None else Analysis(cleaned[i], (), (), (), truncated[i]) for i, r in enumerate(results)]
