"""Korean VOC text analysis (pure: Kiwi morphology + scikit-learn; no Flask, no database).

- :func:`analyse` — sentences, morphemes and content words of each text (Kiwi, postal user dictionary);
- :func:`keywords` — word counts and each group's distinguishing words (weighted log-odds, Monroe et al. 2008);
- :func:`emerging` — words rising this period (exact conditional test per word, Benjamini–Hochberg);
- :class:`Classifier`, :func:`default_classifiers` — topic (주제) and sentiment (긍정/중립/부정) models
  trained on the shipped seed corpus; :func:`load_topics`, :func:`load_corpus` read the data files.

Any input is accepted: empty strings, emoji, jamo typed one by one, mixed English and numbers, very
long pastes and control characters are cleaned (:func:`clean`) and never raise.
"""
from .classify import Classifier, Evaluation, Prediction, default_classifiers
from .corpus import SENTIMENTS, LabelledText, Topic, data_file, load_corpus, load_topics
from .keywords import (
    DistinctTerm,
    EmergingTerm,
    KeywordReport,
    TermCount,
    WordIds,
    emerging,
    emerging_counts,
    keywords,
    log_odds,
)
from .morph import Analysis, analyse, get_kiwi, load_user_dictionary
from .normalise import clean, compose_jamo

__all__ = ["Analysis", "analyse", "get_kiwi", "load_user_dictionary", "clean", "compose_jamo", "keywords",
           "log_odds", "emerging", "emerging_counts", "WordIds", "KeywordReport", "TermCount", "DistinctTerm", "EmergingTerm", "Classifier",
           "Prediction", "Evaluation", "default_classifiers", "Topic", "LabelledText", "SENTIMENTS", "load_topics",
           "load_corpus", "data_file"]
