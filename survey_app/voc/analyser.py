"""The app's door to :mod:`analysis.text`: models trained once (cached in the instance folder), one call per batch.

The default topic and sentiment models are trained from the shipped seed corpus on first use and saved
in ``<instance>/voc-models``; later processes load them. Staff-confirmed topics (``text_analyses.
confirmed_topic``) retrain the topic model (:func:`retrain_topic_model`: the scheduled job when confirmations
changed, or ``survey-app voc retrain``); the retrained model is saved there too and every process loads it. An instance folder file
``voc-user-dictionary.tsv`` (same format as the shipped one) adds the center's own words to Kiwi.

:func:`suggest_topic` is the call other features use (call notes, VOC cases): a text in, the suggested
topic with its name and probability and the sentiment out.
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, tuple_

from analysis.text import Analysis, Classifier, analyse, default_classifiers, get_kiwi, load_topics
from exports.masking import mask_in_text

from ..database import db
from ..models import Answer, TextAnalysis, TextSource

__all__ = ["TextResult", "Suggestion", "analyse_texts", "suggest_topic", "topic_names", "models",
           "register_source_texts", "QUOTE_CHARS", "retrain_topic_model", "retrain_if_changed"]

#: Characters of a text kept as its (masked) example quote.
QUOTE_CHARS = 300
_lock = threading.Lock()
_retrained: dict[str, tuple[tuple[int, int], Classifier, str]] = {}
#: The topic model retrained with staff confirmations, in ``<instance>/voc-models``.
RETRAINED_MODEL = "voc-topic-confirmed.joblib"
#: kind → function returning {source id: original text} for confirmed texts (training data); cases add theirs.
_SOURCE_TEXTS: dict[str, Callable[[Sequence[int]], dict[int, str]]] = {}


@dataclass(frozen=True)
class TextResult:
    """What is stored of one analysed text."""

    topic: str
    topic_probability: float
    sentiment: str
    sentiment_probability: float
    tokens: str
    quote: str
    model: str


@dataclass(frozen=True)
class Suggestion:
    """A suggested topic (code and name) with its probability, and the text's sentiment."""

    topic: str
    name: str
    probability: float
    sentiment: str


def register_source_texts(kind: str, texts: Callable[[Sequence[tuple[int, str]]], dict[tuple[int, str], str]]) -> None:
    """Tell the retraining where the original texts of ``kind`` are ((source id, source code) → text), e.g. case
    descriptions (whose code is empty)."""
    _SOURCE_TEXTS[kind] = texts


def _answer_texts(keys: Sequence[tuple[int, str]]) -> dict[tuple[int, str], str]:
    wanted = tuple_(Answer.response_id, Answer.question_code).in_(list(keys))
    rows = db.session.execute(select(Answer.response_id, Answer.question_code, Answer.value_text).where(wanted))
    return {(response_id, code): text for response_id, code, text in rows}


register_source_texts(TextSource.ANSWER, _answer_texts)


def _folder() -> Path:
    return Path(current_app.instance_path)


def _base_models() -> tuple[Classifier, Classifier]:
    extra = _folder() / "voc-user-dictionary.tsv"
    get_kiwi(extra if extra.exists() else None)
    return default_classifiers(_folder() / "voc-models")


def _confirmations() -> list[tuple[str, tuple[int, str], str]]:
    query = (select(TextAnalysis.source_kind, TextAnalysis.source_id, TextAnalysis.source_code,
                    TextAnalysis.confirmed_topic)
             .where(TextAnalysis.confirmed_at.is_not(None), TextAnalysis.confirmed_topic.is_not(None))
             .order_by(TextAnalysis.id))
    return [(kind, (source_id, code), topic) for kind, source_id, code, topic in db.session.execute(query)]


def _confirmed_pairs(topic: Classifier) -> list[tuple[str, str]]:
    """(original text, confirmed topic) of every staff-confirmed text whose text and topic are still known."""
    confirmed, pairs = _confirmations(), []
    for kind in dict.fromkeys(k for k, _i, _t in confirmed):
        texts = _SOURCE_TEXTS.get(kind, lambda ids: {})([i for k, i, _t in confirmed if k == kind])
        pairs += [(texts[i], t) for k, i, t in confirmed if k == kind and texts.get(i)]
    return [(text, t) for text, t in pairs if t in topic.labels]


def _retrained_files() -> tuple[Path, Path]:
    folder = _folder() / "voc-models"
    return folder / RETRAINED_MODEL, folder / (RETRAINED_MODEL + ".key")


def confirmations_key() -> str:
    """A digest of the staff confirmations (empty when there are none): a retrained model is current when equal."""
    confirmed = _confirmations()
    return hashlib.sha256(repr(confirmed).encode()).hexdigest()[:12] if confirmed else ""


def retrained_key() -> str:
    """The confirmations digest the saved retrained topic model was trained on ("" when there is none)."""
    model, key = _retrained_files()
    return key.read_text(encoding="utf-8").strip() if model.exists() and key.exists() else ""


def retrain_topic_model() -> int:
    """Retrain the topic model on the seed corpus plus staff-confirmed topics and save it for every process
    (``<instance>/voc-models``); without confirmations the seed model is used again. Texts used."""
    topic, _sentiment = _base_models()
    pairs, key = _confirmed_pairs(topic), confirmations_key()
    model_file, key_file = _retrained_files()
    if not pairs:
        model_file.unlink(missing_ok=True)
        key_file.unlink(missing_ok=True)
        return 0
    model_file.parent.mkdir(parents=True, exist_ok=True)
    partial = model_file.with_suffix(".partial")
    topic.retrain(pairs).save(partial)
    os.replace(partial, model_file)  # a process loading it never sees half a file
    key_file.write_text(key, encoding="utf-8")
    return len(pairs)


def retrain_if_changed() -> int | None:
    """Retrain when staff confirmed or corrected topics since the last retraining (the scheduled job); texts used."""
    return retrain_topic_model() if confirmations_key() != retrained_key() else None


def models() -> tuple[Classifier, Classifier, str]:
    """The topic model (the retrained one when staff confirmations were trained in), the sentiment model, a tag."""
    topic, sentiment = _base_models()
    model_file, _key = _retrained_files()
    try:
        found = model_file.stat()
        stamp = (found.st_mtime_ns, found.st_ino)
    except FileNotFoundError:
        return topic, sentiment, "seed"
    with _lock:
        cached = _retrained.get(str(model_file))
        if cached is None or cached[0] != stamp:
            try:
                _retrained[str(model_file)] = (stamp, Classifier.load(model_file), f"confirmed-{retrained_key()}")
            except (ValueError, OSError, EOFError):
                return topic, sentiment, "seed"  # unreadable or from another scikit-learn: the next retrain replaces it
        _stamp, model, tag = _retrained[str(model_file)]
    return model, sentiment, tag


def topic_names() -> dict[str, str]:
    """Topic code → name, from the topic list (read from its file: pages and workbooks never load Kiwi)."""
    return {t.code: t.name for t in load_topics()}


def _quote(analysis: Analysis) -> str:
    quote = mask_in_text(analysis.redacted())
    return quote if len(quote) <= QUOTE_CHARS else quote[:QUOTE_CHARS - 1] + "…"


def _distinct(texts: Sequence[object]) -> tuple[list[object], list[int]]:
    """The distinct texts and, for each text, its place among them (a note template repeated 10,000 times is
    analysed once)."""
    place: dict[str, int] = {}
    distinct: list[object] = []
    slots = []
    for text in texts:
        slot = place.setdefault(text, len(distinct)) if isinstance(text, str) else len(distinct)
        if slot == len(distinct):
            distinct.append(text)
        slots.append(slot)
    return distinct, slots


def analyse_texts(texts: Sequence[object]) -> list[TextResult]:
    """Topic, sentiment, content words and a masked quote of each text (bad input gives an 'other' result);
    identical texts are analysed once."""
    topic, sentiment, tag = models()
    distinct, slots = _distinct(texts)
    found = analyse(distinct)
    topics, feelings = topic.predict(found), sentiment.predict(found)
    results = [TextResult(t.label, t.probability, s.label, s.probability, " ".join(a.content), _quote(a), tag)
               for a, t, s in zip(found, topics, feelings, strict=True)]
    return [results[slot] for slot in slots]


def suggest_topic(text: str) -> Suggestion:
    """The suggested topic of one text (a new call note or case): code, name, probability and sentiment."""
    result = analyse_texts([text])[0]
    return Suggestion(result.topic, topic_names().get(result.topic, result.topic), result.topic_probability,
                      result.sentiment)


def stored_count() -> int:
    """Number of analysed texts stored."""
    return db.session.scalar(select(func.count()).select_from(TextAnalysis)) or 0
