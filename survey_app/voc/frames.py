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
from sqlalchemy import func, select

from analysis.text import WordIds

from ..database import db
from ..models import TextAnalysis, TextSource

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

    def __len__(self) -> int:
        return len(self.ids)


def _of_wave(wave_id: int):
    return (TextAnalysis.source_kind == TextSource.ANSWER) & (TextAnalysis.wave_id == wave_id)


def stamp(where) -> tuple:
    """A cheap fingerprint of the analyses matching ``where``: number, highest id, latest analysis and confirmation."""
    query = select(func.count(TextAnalysis.id), func.max(TextAnalysis.id), func.max(TextAnalysis.analysed_at),
                   func.max(TextAnalysis.confirmed_at))
    return tuple(db.session.execute(query.where(where)).one())


def read_texts(where, after: WaveTexts | None = None) -> WaveTexts:
    """The analysed texts matching ``where``, in id order (any source kind); with ``after``, those texts followed by
    the ones read (whose ids must all be higher)."""
    query = (select(TextAnalysis.id, TextAnalysis.source_id, TextAnalysis.org_unit_id, TextAnalysis.topic,
                    TextAnalysis.confirmed_topic, TextAnalysis.topic_probability, TextAnalysis.sentiment,
                    TextAnalysis.tokens)
             .where(where).order_by(TextAnalysis.id).execution_options(yield_per=20_000))
    rows = db.session.connection().execute(query).all()
    columns = list(zip(*rows, strict=True)) if rows else [()] * 8
    ids, responses, units, topics, confirmed, probability, sentiments, tokens = columns
    shared: dict[str, str] = {}
    found = dict(ids=np.asarray(ids, dtype=np.int64), response_ids=np.asarray(responses, dtype=np.int64),
                     units=np.asarray([-1 if u is None else u for u in units], dtype=np.int64),
                     topics=np.asarray([shared.setdefault(c or t, c or t) for c, t in zip(confirmed, topics, strict=True)],
                                       dtype=object),
                     confirmed=np.asarray([c is not None for c in confirmed], dtype=bool),
                     probability=np.asarray(probability, dtype=np.float64),
                     sentiments=np.asarray([shared.setdefault(f, f) for f in sentiments], dtype=object),
                     words=None)
    words = (t.split() for t in tokens)
    if after is None:
        return WaveTexts(**{**found, "words": WordIds.of(words)})
    joined = {name: np.concatenate((getattr(after, name), column)) for name, column in found.items() if name != "words"}
    return WaveTexts(**joined, words=after.words.extend(words))


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
        if highest is not None and confirmed == now[3]:
            newer = db.session.scalar(select(func.count(TextAnalysis.id)).where(where, TextAnalysis.id > highest))
            if count + newer == now[0]:
                return read_texts(where & (TextAnalysis.id > highest), after=texts)
    return read_texts(where)


def wave_texts(wave_id: int) -> WaveTexts:
    """The wave's analysed answers, read again only when its analyses changed (only the new ones when only new
    ones arrived)."""
    now = stamp(_of_wave(wave_id))
    return kept(("texts", wave_id, *now), lambda: _texts_of(wave_id, now))
