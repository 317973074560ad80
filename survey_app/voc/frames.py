"""A wave's analysed answers held compactly in memory, read once per change (cache per wave).

The VOC report reads 100,000 stored analyses of a wave: parsing their word strings into Python lists and
counting them was most of its time. :func:`wave_texts` reads them once into numpy arrays and
:class:`analysis.text.WordIds` (a few bytes per word) and keeps them, keyed by the wave and a cheap stamp of its
analyses (their number, the highest id, the latest analysis and confirmation), so a new analysis, a purge or a staff
confirmation reads them again. A bounded number of waves is kept per process.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from sqlalchemy import case, func, select

from analysis.text import WordIds

from ..database import db
from ..models import TextAnalysis, TextSource
from .columns import BYTES, FLOAT, INT, LABEL, read_columns
from .vocabulary import ID_TYPE, vocabulary

__all__ = ["WaveTexts", "wave_texts", "read_texts", "stamp", "kept", "KEPT"]

#: Entries a process keeps: waves' texts (the current one and the earlier ones it is compared with) and who
#: may see which response.
KEPT = 8
T = TypeVar("T")
_lock = threading.Lock()
_kept: OrderedDict[tuple, object] = OrderedDict()


@dataclass(frozen=True)
class WaveTexts:
    """A wave's analysed answers in id order: per row its analysis id, response, unit (-1: none), final topic,
    whether staff confirmed it, the predicted topic's probability, sentiment, and the words (:class:`WordIds`).
    Topic and sentiment labels are shared string objects (8 bytes a row)."""

    ids: np.ndarray
    response_ids: np.ndarray
    units: np.ndarray
    topics: np.ndarray
    confirmed: np.ndarray
    probability: np.ndarray
    sentiments: np.ndarray
    words: WordIds
    complete: bool = True  # every text's word ids were stored (else appending new ones reads them all again)

    def __len__(self) -> int:
        return len(self.ids)


def _of_wave(wave_id: int):
    return (TextAnalysis.source_kind == TextSource.ANSWER) & (TextAnalysis.wave_id == wave_id)


def stamp(where) -> tuple:
    """A cheap fingerprint of the analyses matching ``where``: number, highest id, latest analysis and confirmation."""
    query = select(func.count(TextAnalysis.id), func.max(TextAnalysis.id), func.max(TextAnalysis.analysed_at),
                   func.max(TextAnalysis.confirmed_at))
    return tuple(db.session.execute(query.where(where)).one())


_COLUMNS = {"response_ids": (TextAnalysis.source_id, INT), "units": (TextAnalysis.org_unit_id, INT),
            "topics": (func.coalesce(TextAnalysis.confirmed_topic, TextAnalysis.topic), LABEL),
            "confirmed": (case((TextAnalysis.confirmed_topic.is_(None), 0), else_=1), INT),
            "probability": (TextAnalysis.topic_probability, FLOAT), "sentiments": (TextAnalysis.sentiment, LABEL),
            "lengths": (func.length(TextAnalysis.word_ids), INT), "packed": (TextAnalysis.word_ids, BYTES)}


def read_texts(where, after: WaveTexts | None = None) -> WaveTexts:
    """The analysed texts matching ``where``, in id order (any source kind); with ``after``, those texts followed by
    the ones read (whose ids must all be higher). Words are read as stored vocabulary ids (:mod:`.vocabulary`),
    every column in one aggregated row (:func:`.columns.read_columns`)."""
    read = read_columns(_COLUMNS, where, TextAnalysis.id)
    shared: dict[str, str] = {}
    found = dict(ids=read["_order"], response_ids=read["response_ids"], units=read["units"],
                 topics=np.asarray([shared.setdefault(t, t) for t in read["topics"]], dtype=object),
                 confirmed=read["confirmed"].astype(bool), probability=read["probability"],
                 sentiments=np.asarray([shared.setdefault(f, f) for f in read["sentiments"]], dtype=object))
    words, complete = _words(read["_order"], read["lengths"], read["packed"])
    if after is None:
        return WaveTexts(**found, words=words, complete=complete)
    if not after.complete:
        raise ValueError("after must hold stored word ids only (complete)")
    # the vocabulary only grows, so the ids of ``after`` mean the same words in the vocabulary just read
    joined = {name: np.concatenate((getattr(after, name), column)) for name, column in found.items()}
    both = WordIds(np.concatenate((after.words.ids, words.ids)),
                   np.concatenate((after.words.indptr, words.indptr[1:] + after.words.indptr[-1])), words.words)
    return WaveTexts(**joined, words=both, complete=complete)


def _words(ids: np.ndarray, lengths: np.ndarray, packed: bytes) -> tuple[WordIds, bool]:
    """The texts' words from their packed vocabulary ids (``lengths`` in bytes, -1: none stored), and whether every
    text had them stored; a text stored without ids (before the job filled them in) is split from its tokens, its
    new words numbered after the vocabulary."""
    words = vocabulary()
    flat = np.frombuffer(packed, dtype=ID_TYPE).astype(np.int32)
    counts = np.maximum(lengths, 0) // ID_TYPE.itemsize
    missing = np.flatnonzero(lengths < 0)
    if len(missing):
        tokens = _tokens(ids[missing].tolist())
        number = {w: i for i, w in enumerate(words) if w}
        extra: dict[str, int] = {}
        parts = np.split(flat, np.cumsum(counts)[:-1]) if len(counts) else []
        for k in missing.tolist():
            text = tokens.get(int(ids[k]), "").split()
            parts[k] = np.fromiter((number[w] if w in number else extra.setdefault(w, len(words) + len(extra))
                                    for w in text), dtype=np.int32, count=len(text))
            counts[k] = len(text)
        words += list(extra)
        flat = np.concatenate(parts).astype(np.int32) if parts else flat
    indptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    return WordIds(flat, indptr, tuple(words)), not len(missing)


def _tokens(ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        found.update(db.session.execute(select(TextAnalysis.id, TextAnalysis.tokens)
                                        .where(TextAnalysis.id.in_(ids[start:start + 500]))).all())
    return found


def kept(key: tuple, make: Callable[[], T]) -> T:
    """``make()``, kept under ``key`` (with the database's address) until the key changes; older entries of the
    same kind and wave are dropped, and at most :data:`KEPT` entries are held."""
    full = (db.session.connection().engine.url.render_as_string(), *key)
    with _lock:
        if full in _kept:
            _kept.move_to_end(full)
            return _kept[full]
    found = make()
    with _lock:
        for old in [k for k in _kept if k[:3] == full[:3] and k != full]:
            del _kept[old]
        _kept[full] = found
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return found


def _kept_before(key: tuple) -> tuple[tuple, WaveTexts] | None:
    """The entry kept of the same kind and wave with another stamp, if any."""
    full = (db.session.connection().engine.url.render_as_string(), *key)
    with _lock:
        return next(((k[len(full) - 4:], v) for k, v in _kept.items() if k[:3] == full[:3] and k != full), None)


def _texts_of(wave_id: int, now: tuple) -> WaveTexts:
    """Read the wave's texts; when only new analyses arrived since the kept ones (the job's usual run on an open
    wave: nothing deleted, no confirmation since), read just those and append them."""
    where = _of_wave(wave_id)
    before = _kept_before(("texts", wave_id, *now))
    if before is not None:
        (count, highest, _analysed, confirmed), texts = before
        if highest is not None and confirmed == now[3] and texts.complete:
            newer = db.session.scalar(select(func.count(TextAnalysis.id)).where(where, TextAnalysis.id > highest))
            if count + newer == now[0]:
                return read_texts(where & (TextAnalysis.id > highest), after=texts)
    return read_texts(where)


def wave_texts(wave_id: int) -> WaveTexts:
    """The wave's analysed answers, read again only when its analyses changed (only the new ones when only new
    ones arrived)."""
    now = stamp(_of_wave(wave_id))
    return kept(("texts", wave_id, *now), lambda: _texts_of(wave_id, now))
