"""Which words distinguish a group of texts, and which words are rising: counts, log-odds, emerging terms.

Texts come in as their content words (:attr:`~.morph.Analysis.content`, or tokens stored by the app),
so a report over stored analyses never re-tokenises.

Distinguishing words — weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi &
Quinn 2008, "Fightin' Words", *Political Analysis* 16(4), eq. 16, 19-22). For word *w*, group *i* and the
rest of the texts *j*, with counts *y*, totals *n* and prior pseudo-counts α_w (α_0 = Σ α_w)::

    δ_w = log[(y_iw + α_w) / (n_i + α_0 − y_iw − α_w)] − log[(y_jw + α_w) / (n_j + α_0 − y_jw − α_w)]
    σ²(δ_w) ≈ 1/(y_iw + α_w) + 1/(y_jw + α_w),      z_w = δ_w / σ(δ_w)

The prior is the word's count in all the texts times ``prior_size`` (α_w = prior_size · y_w, so α_0 =
prior_size · n; default 1: the whole collection's counts as the prior), which
shrinks rare words toward the overall rate so that a word seen twice in a small office does not top its
list. A z above 1.96 is a word the group uses notably more.

Emerging words — for each word, the texts that mention it this period (*a*) and in the earlier periods
together (*b*). Given *m = a + b* mentions, under "no change" *a* is Binomial(*m*, *p₀*) with *p₀* the
share of texts that are this period's; the one-sided p-value is P(A ≥ *a*) (the exact conditional test of
two Poisson rates, Przyborowski & Wileński 1940). p-values are adjusted over all words with
Benjamini–Hochberg (``scipy.stats.false_discovery_control``).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
from scipy import sparse, stats

__all__ = ["TermCount", "DistinctTerm", "KeywordReport", "EmergingTerm", "keywords", "log_odds", "emerging",
           "emerging_counts", "WordIds"]


@dataclass(frozen=True)
class TermCount:
    """A word with its number of mentions and the number of texts that mention it."""

    term: str
    count: int
    texts: int


@dataclass(frozen=True)
class DistinctTerm:
    """A word that distinguishes a group: mentions in the group and in the rest, log-odds δ and its z-score."""

    term: str
    count: int
    rest: int
    delta: float
    z: float


@dataclass(frozen=True)
class KeywordReport:
    """Overall word counts (most mentioned first) and, per group, its distinguishing words (highest z first)."""

    terms: tuple[TermCount, ...]
    groups: dict[Hashable, tuple[DistinctTerm, ...]]
    texts: int


@dataclass(frozen=True)
class EmergingTerm:
    """A word mentioned by a larger share of texts this period than before, with its p and BH-adjusted q."""

    term: str
    now: int
    before: int
    rate_now: float
    rate_before: float
    ratio: float
    pvalue: float
    qvalue: float


@dataclass(frozen=True)
class WordIds:
    """Texts held compactly as word ids in their order: text *i*'s words are ``words[ids[indptr[i]:indptr[i+1]]]``.

    A report keeps a wave's texts in this form once (a few bytes per word instead of Python lists) and takes the
    rows a viewer may see with :meth:`take`; :meth:`matrix` gives the same texts × words counts as building them
    from the word lists.
    """

    ids: np.ndarray
    indptr: np.ndarray
    words: tuple[str, ...]

    @classmethod
    def of(cls, docs: Iterable[Iterable[str]]) -> WordIds:
        """The texts' words as ids (the vocabulary in first-seen order)."""
        vocabulary: dict[str, int] = {}
        ids: list[int] = []
        indptr = [0]
        for doc in docs:
            if isinstance(doc, str):
                raise ValueError("docs must be sequences of words (e.g. Analysis.content), not strings")
            ids.extend(vocabulary.setdefault(w, len(vocabulary)) for w in doc)
            indptr.append(len(ids))
        return cls(np.asarray(ids, dtype=np.int32), np.asarray(indptr, dtype=np.int64), tuple(vocabulary))

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def extend(self, docs: Iterable[Iterable[str]]) -> WordIds:
        """These texts followed by ``docs`` (new words get the next ids; the ids already given stay)."""
        more = WordIds.of(docs)
        vocabulary = {w: k for k, w in enumerate(self.words)}
        renumber = np.array([vocabulary.setdefault(w, len(vocabulary)) for w in more.words], dtype=np.int32)
        return WordIds(np.concatenate((self.ids, renumber[more.ids] if len(more.ids) else more.ids)),
                       np.concatenate((self.indptr, more.indptr[1:] + self.indptr[-1])), tuple(vocabulary))

    def take(self, rows: np.ndarray) -> WordIds:
        """The texts at ``rows`` (indices or a boolean mask), in that order, with the same vocabulary."""
        rows = np.flatnonzero(rows) if np.asarray(rows).dtype == bool else np.asarray(rows, dtype=np.int64)
        starts, lengths = self.indptr[rows], np.diff(self.indptr)[rows]
        indptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        positions = np.arange(indptr[-1]) - np.repeat(indptr[:-1], lengths) + np.repeat(starts, lengths)
        return WordIds(self.ids[positions], indptr, self.words)

    def matrix(self) -> tuple[sparse.csr_matrix, list[str]]:
        """Texts × words count matrix and its words in first-seen order (only words these texts use)."""
        used, first = np.unique(self.ids, return_index=True)
        used = used[np.argsort(first, kind="stable")]
        renumber = np.zeros(len(self.words), dtype=np.int64)
        renumber[used] = np.arange(len(used))
        m = sparse.csr_matrix((np.ones(len(self.ids), dtype=np.int64), renumber[self.ids], self.indptr),
                              shape=(len(self), len(used)))
        m.sum_duplicates()
        return m, [self.words[k] for k in used]

    def text_counts(self) -> dict[str, int]:
        """Word → number of texts that mention it."""
        m, words = self.matrix()
        texts = np.diff((m > 0).tocsc().indptr)
        return dict(zip(words, texts.tolist(), strict=True))


def _matrix(docs: Sequence[Iterable[str]]) -> tuple[sparse.csr_matrix, list[str]]:
    """Texts × words count matrix and the words, in first-seen order."""
    return WordIds.of(docs).matrix()


def log_odds(group: np.ndarray, rest: np.ndarray, prior: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """δ and z of each word for counts in a group, in the rest and prior pseudo-counts (Monroe et al. 2008)."""
    group, rest, prior = (np.asarray(a, dtype=np.float64) for a in (group, rest, prior))
    if not (group.shape == rest.shape == prior.shape) or group.ndim != 1:
        raise ValueError("group, rest and prior must be one-dimensional and of the same length")
    if (prior <= 0).any():
        raise ValueError("prior must be positive for every word")
    a0, ni, nj = prior.sum(), group.sum(), rest.sum()
    delta = (np.log((group + prior) / (ni + a0 - group - prior))
             - np.log((rest + prior) / (nj + a0 - rest - prior)))
    z = delta / np.sqrt(1.0 / (group + prior) + 1.0 / (rest + prior))
    return delta, z


def keywords(docs: Sequence[Iterable[str]] | WordIds, groups: Sequence[Hashable] | None = None, *, top: int = 30,
             prior_size: float = 1.0, min_count: int = 2) -> KeywordReport:
    """Word counts over ``docs`` and, when ``groups`` (one label per text) is given, each group's
    distinguishing words by weighted log-odds with an informative Dirichlet prior (see module docstring).

    Only words mentioned at least ``min_count`` times are ranked; ``top`` per list. ``docs`` may be
    :class:`WordIds` (the same texts held compactly).
    """
    texts = docs if isinstance(docs, WordIds) else WordIds.of(docs)
    if groups is not None and len(groups) != len(texts):
        raise ValueError(f"groups must have one label per text: {len(groups)} labels for {len(texts)} texts")
    if prior_size <= 0:
        raise ValueError("prior_size must be positive")
    m, words = texts.matrix()
    counts = np.asarray(m.sum(axis=0)).ravel()
    texts = np.diff((m > 0).tocsc().indptr)
    order = np.lexsort((np.array(words, dtype=object) if words else np.array([]), -counts))
    terms = tuple(TermCount(words[k], int(counts[k]), int(texts[k])) for k in order[:top] if counts[k] >= min_count)
    out: dict[Hashable, tuple[DistinctTerm, ...]] = {}
    if groups is not None and words:
        prior = prior_size * counts.astype(np.float64)
        order = {label: k for k, label in enumerate(dict.fromkeys(groups))}
        member = sparse.csr_matrix((np.ones(len(groups), dtype=np.int64),
                                    ([order[g] for g in groups], np.arange(len(groups)))), shape=(len(order), len(groups)))
        by_group = (member @ m).tocsr()  # each group's word counts, in one sparse product
        for label, k in order.items():
            inside = by_group[k].toarray().ravel()
            delta, z = log_odds(inside, counts - inside, prior)
            keep = np.flatnonzero((inside >= min_count) & (z > 0))
            ranked = keep[np.argsort(-z[keep], kind="stable")][:top]
            out[label] = tuple(DistinctTerm(words[k], int(inside[k]), int(counts[k] - inside[k]), float(delta[k]),
                                            float(z[k])) for k in ranked)
    return KeywordReport(terms, out, len(texts))


def emerging(docs_by_period: Sequence[Sequence[Iterable[str]] | WordIds], *, alpha: float = 0.05, min_count: int = 3
             ) -> tuple[EmergingTerm, ...]:
    """Words whose share of texts in the last period rose significantly against the earlier periods together
    (exact conditional binomial test per word, Benjamini–Hochberg over words; q < ``alpha``), largest rise first.
    A period may be :class:`WordIds`.
    """
    if len(docs_by_period) < 2:
        raise ValueError("docs_by_period needs at least two periods (earlier ones, then the current one)")
    *earlier, current = docs_by_period
    before: Counter = Counter()
    for period in earlier:
        before.update(_text_counts(period))
    return emerging_counts(_text_counts(current), len(current), before, sum(len(p) for p in earlier), alpha=alpha,
                           min_count=min_count)


def _text_counts(period: Sequence[Iterable[str]] | WordIds) -> dict[str, int]:
    """Word → texts of the period mentioning it (a word counts once per text; counted in C by Counter)."""
    return period.text_counts() if isinstance(period, WordIds) else Counter(chain.from_iterable(map(set, period)))


def emerging_counts(now_c: dict[str, int], n_now: int, before_c: dict[str, int], n_before: int, *,
                    alpha: float = 0.05, min_count: int = 3) -> tuple[EmergingTerm, ...]:
    """:func:`emerging` from counts: texts mentioning each word this period (of ``n_now``) and before (of
    ``n_before``)."""
    if not 0 < alpha < 1:
        raise ValueError("alpha must be between 0 and 1")
    if n_before == 0 or n_now == 0:
        return ()
    words = [w for w, c in now_c.items() if c >= min_count]
    if not words:
        return ()
    a = np.array([now_c[w] for w in words], dtype=np.int64)
    b = np.array([before_c.get(w, 0) for w in words], dtype=np.int64)
    p0 = n_now / (n_now + n_before)
    pvalues = stats.binom.sf(a - 1, a + b, p0)
    qvalues = stats.false_discovery_control(pvalues, method="bh")
    rate_now, rate_before = a / n_now, b / n_before
    found = [EmergingTerm(w, int(a[k]), int(b[k]), float(rate_now[k]), float(rate_before[k]),
                          float(rate_now[k] / rate_before[k]) if b[k] else float("inf"), float(pvalues[k]),
                          float(qvalues[k]))
             for k, w in enumerate(words) if qvalues[k] < alpha and rate_now[k] > rate_before[k]]
    return tuple(sorted(found, key=lambda t: (-(t.rate_now - t.rate_before), t.term)))
