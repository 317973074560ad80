"""The data files the center maintains: topic list, labelled seed corpus, held-out set (``data/``).

All are UTF-8 tab-separated text files; ``#`` starts a comment line. See docs/voc-analysis.md.

- ``topics.tsv`` — code, name, description of each topic (주제);
- ``seed_corpus.tsv`` — topic code, sentiment (긍정/중립/부정), sentence: the default models learn from it;
- ``heldout.tsv`` — the same columns: never trained or tuned on, only scored.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = ["Topic", "LabelledText", "SENTIMENTS", "load_topics", "load_corpus", "data_file"]

#: Sentiment labels, in the order reports show them.
SENTIMENTS = ("긍정", "중립", "부정")


@dataclass(frozen=True)
class Topic:
    """A topic: a stable code (stored with every analysis), a name staff see, and what it covers."""

    code: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class LabelledText:
    """A sentence with its topic code and sentiment."""

    text: str
    topic: str
    sentiment: str


def data_file(name: str) -> Path:
    """Path of a shipped data file (``topics.tsv``, ``seed_corpus.tsv``, ``heldout.tsv``, ``user_dictionary.tsv``)."""
    return Path(str(resources.files(__package__) / "data" / name))


def _rows(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
            if row and row[0].strip() and not row[0].lstrip().startswith("#"):
                yield number, [cell.strip() for cell in row]


def load_topics(path: str | Path | None = None) -> tuple[Topic, ...]:
    """The topic list (default: the shipped ``topics.tsv``)."""
    topics, seen = [], set()
    for number, row in _rows(Path(path) if path else data_file("topics.tsv")):
        code = row[0]
        if not code.replace("_", "").isalnum() or not code.isascii() or code in seen:
            raise ValueError(f"topics line {number}: code {code!r} must be unique letters, digits and _")
        seen.add(code)
        topics.append(Topic(code, row[1] if len(row) > 1 and row[1] else code, row[2] if len(row) > 2 else ""))
    return tuple(topics)


def load_corpus(path: str | Path | None = None, topics: tuple[Topic, ...] | None = None) -> list[LabelledText]:
    """A labelled corpus (default: the shipped ``seed_corpus.tsv``), checked against the topic list."""
    codes = {t.code for t in (topics or load_topics())}
    out = []
    for number, row in _rows(Path(path) if path else data_file("seed_corpus.tsv")):
        if len(row) < 3 or not row[2]:
            raise ValueError(f"corpus line {number}: needs topic, sentiment and text separated by tabs")
        if row[0] not in codes:
            raise ValueError(f"corpus line {number}: unknown topic {row[0]!r}")
        if row[1] not in SENTIMENTS:
            raise ValueError(f"corpus line {number}: sentiment must be one of {', '.join(SENTIMENTS)}, got {row[1]!r}")
        out.append(LabelledText(row[2], row[0], row[1]))
    return out
