"""Frequent words and phrases of open-ended Korean answers, without a dictionary download.

Korean attaches particles (조사) and endings (어미) to words, so "직원이",
"직원분들이" and "직원을" must all count as 직원. A full morphological analyser
needs a large model; for a frequency table a careful rule set is enough:

1. split into Hangul / Latin runs (NFKC-normalised; digits and symbols dropped);
2. predicates of the very common "noun + 하다/되다/스럽다" type keep the noun
   (친절했어요, 친절하게 → 친절; 처리되었습니다 → 처리; 만족스러웠다 → 만족);
3. a few everyday adjectives are reduced to their dictionary form
   (좋았어요 → 좋다, 불편 is rule 2);
4. the longest particle at the end is stripped when at least two syllables
   remain (직원분들이 → 직원분, 우체국에서는 → 우체국);
5. other inflected predicates (보내는데, 해주셨습니다) are dropped, as are
   function words and intensifiers (너무, 정말, 그리고 ...) are dropped.

Phrases are pairs of neighbouring kept words ("대기 시간").
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

__all__ = ["tokens", "word_frequencies", "WordCount"]

_RUN = re.compile(r"[가-힣]+|[a-z]{2,}")
# Longest first so 에서는 is tried before 는.
_PARTICLES = sorted("""이 가 은 는 을 를 의 에 에서 에게 께 께서 한테 으로 로 와 과 도 만 까지 부터 보다 처럼 이나 나
    이랑 랑 하고 에서는 에서도 에는 에도 으로는 로는 으로도 로도 과는 와는 들이 들은 들을 들의 들에게 들도 들 께서는
    이라도 라도 마다 밖에 조차 이요 요 이에요 예요 입니다 이었어요 였어요 이고 고""".split(), key=len, reverse=True)
_PARTICLE_SYLLABLES = frozenset("이가은는을를의에도만요로와과께서랑나고")
_HADA = re.compile(r"^(.{2,}?)(하|해|했|합|한|할|함|하여|하셨|하시|하세|하지|하고|하게|하니|하던|하다|스러|스럽|스런|"
                   r"되|돼|됐|된|될|됨|되었|시키|시켜|시켰)")
_LEMMAS = ((re.compile(r"^좋[았아습은고네다던지]"), "좋다"), (re.compile(r"^나쁘|^나빠|^나빴"), "나쁘다"),
           (re.compile(r"^빠르|^빨라|^빨랐|^빠른"), "빠르다"), (re.compile(r"^느리|^느려|^느렸|^느린"), "느리다"),
           (re.compile(r"^없[어었습는고다네]|^없$"), "없다"), (re.compile(r"^많[아았습은고다이]|^많$"), "많다"),
           (re.compile(r"^어렵|^어려"), "어렵다"), (re.compile(r"^쉽[고다게네]|^쉬웠|^쉬워"), "쉽다"),
           (re.compile(r"^길[어었고다게]|^길었"), "길다"), (re.compile(r"^짧"), "짧다"),
           (re.compile(r"^좁[고다아은았]"), "좁다"), (re.compile(r"^넓[고다어은었]"), "넓다"),
           (re.compile(r"^걸리|^걸려|^걸렸"), "걸리다"), (re.compile(r"^비싸|^비쌌"), "비싸다"))
# Predicates left after the rules above: counted as nothing rather than as noise.
_ENDING = re.compile(r"(습니다|니다|어요|아요|에요|여요|었어|았어|였어|는데|셨|어서|아서|니까|지만|주세|드려|드립)$")
_STOP = frozenset("""너무 정말 진짜 매우 아주 좀 조금 더 많이 잘 또 그리고 그러나 하지만 그래서 그런데 그냥 항상 늘 다시 이번
    저 제 저희 우리 나 내 그 이 저것 이것 그것 것 수 등 때 좀더 및 또는 한 두 번 분 거 게 건 걸 데 뭐 왜 어떻게 모든 모두
    있다 있어요 있습니다 있었습니다 있었어요 있는 있고 있어서 하다 했다 합니다 했어요 해요 해서 하는 되다 됩니다 같아요
    같습니다 감사 감사드립니다 수고 the and for you""".split())


def _stem(word: str) -> str:
    """Reduce one Hangul word to what should be counted ('' to drop it)."""
    for pattern, lemma in _LEMMAS:
        if pattern.match(word):
            return lemma
    m = _HADA.match(word)
    if m:
        return m.group(1)
    for particle in _PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= 2:
            word = word[: -len(particle)]
            break
    return "" if _ENDING.search(word) else word


def tokens(text: str) -> list[str]:
    """Content words of a text in order: particles and endings stripped, function words dropped."""
    out = []
    for run in _RUN.findall(unicodedata.normalize("NFKC", text).lower()):
        word = _stem(run) if "가" <= run[0] <= "힣" else run
        if word and word not in _STOP and not (len(word) == 1 and word in _PARTICLE_SYLLABLES):
            out.append(word)
    return out


@dataclass(frozen=True)
class WordCount:
    """A word or two-word phrase, how often it occurs and in how many answers."""

    text: str
    kind: str
    count: int
    answers: int


def word_frequencies(texts: Iterable[str], top: int = 30, phrases: int = 15) -> list[WordCount]:
    """The ``top`` most frequent words and ``phrases`` most frequent word pairs (seen in 2+ answers)."""
    words, word_docs, pairs, pair_docs = Counter(), Counter(), Counter(), Counter()
    for text in texts:
        toks = tokens(text or "")
        words.update(toks)
        word_docs.update(set(toks))
        bigrams = [f"{a} {b}" for a, b in pairwise(toks) if a != b]
        pairs.update(bigrams)
        pair_docs.update(set(bigrams))
    ranked = [WordCount(w, "단어", c, word_docs[w]) for w, c in
              sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    ranked += [WordCount(p, "구", c, pair_docs[p]) for p, c in
               sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])) if pair_docs[p] >= 2][:phrases]
    return ranked
