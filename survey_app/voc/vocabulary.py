"""The vocabulary of analysed texts: each content word stored once (``text_words``), each analysis's words as ids.

A report over 100,000 analysed texts read their token strings and split them into words in Python, which was
most of a first view. Now the job stores, with each analysis, its words as vocabulary ids packed as
little-endian int32 (``text_analyses.word_ids``), and a report reads them with one ``numpy.frombuffer``
(:mod:`survey_app.voc.frames`). Writes flush and never commit.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..database import db
from ..models import TextAnalysis, TextWord

__all__ = ["digest", "pack_words", "vocabulary", "fill_word_ids", "ID_TYPE"]

#: How ids are packed in ``text_analyses.word_ids``.
ID_TYPE = np.dtype("<i4")
_CHUNK = 500  # words per IN list


def digest(word: str) -> str:
    """The word's unique key in ``text_words`` (SHA-1 of its UTF-8 bytes, hex)."""
    return hashlib.sha1(word.encode("utf-8")).hexdigest()  # noqa: S324 - a key, not a secret


def _ids_of(digests: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    digests = list(digests)
    for start in range(0, len(digests), _CHUNK):
        found.update(db.session.execute(select(TextWord.digest, TextWord.id)
                                        .where(TextWord.digest.in_(digests[start:start + _CHUNK]))).all())
    return found


def _add_words(words: dict[str, str]) -> None:
    """Insert words (digest → word) not stored yet; a word another job stored meanwhile is left as it is."""
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(TextWord)
    rows = [{"digest": key, "word": word} for key, word in sorted(words.items())]
    for start in range(0, len(rows), _CHUNK):
        db.session.execute(insert.on_conflict_do_nothing(index_elements=["digest"]), rows[start:start + _CHUNK])


def pack_words(texts: Sequence[Sequence[str]]) -> list[bytes]:
    """Each text's words (in order) as packed vocabulary ids; words not in the vocabulary are added."""
    words = {digest(w): w for w in {w for text in texts for w in text}}
    ids = _ids_of(words)
    missing = {key: w for key, w in words.items() if key not in ids}
    if missing:
        _add_words(missing)
        ids.update(_ids_of(missing))
    by_word = {w: ids[key] for key, w in words.items()}
    return [np.fromiter((by_word[w] for w in text), dtype=ID_TYPE, count=len(text)).tobytes() for text in texts]


def vocabulary() -> list[str]:
    """Every stored word at the index of its id ("" where no word has that id)."""
    rows = db.session.execute(select(TextWord.id, TextWord.word)).all()
    words = [""] * (max((i for i, _w in rows), default=0) + 1)
    for i, word in rows:
        words[i] = word
    return words


def fill_word_ids(batch: int = 5000) -> int:
    """Store the word ids of up to ``batch`` analyses that have none yet (stored before migration 0021, or by
    code that wrote only the tokens); the number filled."""
    rows = db.session.execute(select(TextAnalysis.id, TextAnalysis.tokens).where(TextAnalysis.word_ids.is_(None))
                              .order_by(TextAnalysis.id).limit(batch)).all()
    if not rows:
        return 0
    packed = pack_words([(tokens or "").split() for _i, tokens in rows])
    db.session.execute(update(TextAnalysis).execution_options(synchronize_session=False),
                       [{"id": i, "word_ids": ids} for (i, _t), ids in zip(rows, packed, strict=True)])
    db.session.flush()
    return len(rows)
