"""Topic (주제) and sentiment (긍정/중립/부정) classifiers: TF-IDF over Kiwi morphemes and character
n-grams, a linear support-vector machine, probabilities calibrated by Platt scaling (scikit-learn).

>>> topics, sentiment = default_classifiers()
>>> topics.predict(["택배가 일주일째 안 와요"])[0].label
'delivery_delay'

Features: morpheme unigrams and bigrams (``배달/NNG 늦/VA``, so inflected forms share features) and
character 1–3-grams within words (robust to spacing errors and typos), each TF-IDF weighted with
sublinear term frequency. Model: ``LinearSVC`` with balanced class weights inside
``CalibratedClassifierCV(method="sigmoid")``, whose internal cross-validation turns SVM margins into
calibrated probabilities. :meth:`Classifier.evaluate` reports stratified k-fold cross-validated macro-F1
and the confusion matrix; :meth:`Classifier.retrain` refits with staff corrections, which weigh more than
seed sentences (they are confirmed on real texts).

A saved classifier is a joblib file (scikit-learn objects): load only files the app wrote itself. It
records the scikit-learn version it was made with; a different version refuses it (retrain instead).
"""
from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .corpus import SENTIMENTS, data_file, load_corpus, load_topics
from .morph import Analysis, analyse

__all__ = ["Classifier", "Prediction", "Evaluation", "default_classifiers", "FORMAT"]

FORMAT = 1
_defaults: dict[str, tuple[Classifier, Classifier]] = {}
_defaults_lock = threading.Lock()


@dataclass(frozen=True)
class Prediction:
    """A predicted label and its calibrated probability."""

    label: str
    probability: float


@dataclass(frozen=True)
class Evaluation:
    """Macro-F1, F1 per label, and the confusion matrix (rows: true label, columns: predicted, in ``labels`` order)."""

    macro_f1: float
    f1: dict[str, float]
    labels: tuple[str, ...]
    confusion: tuple[tuple[int, ...], ...]
    n: int
    folds: int = 0


def _as_analyses(texts: Sequence[str | Analysis]) -> list[Analysis]:
    plain = [i for i, t in enumerate(texts) if not isinstance(t, Analysis)]
    done = analyse([texts[i] for i in plain]) if plain else []
    out = list(texts)
    for i, a in zip(plain, done, strict=True):
        out[i] = a
    return out


def _columns(analyses: Sequence[Analysis]) -> np.ndarray:
    """Two columns per text: its morphemes and its cleaned characters."""
    rows = np.empty((len(analyses), 2), dtype=object)
    rows[:, 0] = [" ".join(a.morphemes) for a in analyses]
    rows[:, 1] = [a.text for a in analyses]
    return rows


def _pipeline(C: float, calibration_folds: int, seed: int):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    features = ColumnTransformer([
        ("morphemes", TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False, ngram_range=(1, 2),
                                      sublinear_tf=True, min_df=1), 0),
        ("characters", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=1), 1),
    ])
    svm = LinearSVC(C=C, class_weight="balanced", random_state=seed)
    return Pipeline([("features", features),
                     ("model", CalibratedClassifierCV(svm, method="sigmoid", cv=calibration_folds))])


def _evaluation(truth: Sequence[str], predicted: Sequence[str], labels: tuple[str, ...], folds: int) -> Evaluation:
    from sklearn.metrics import confusion_matrix, f1_score

    scores = f1_score(truth, predicted, labels=list(labels), average=None, zero_division=0)
    matrix = confusion_matrix(truth, predicted, labels=list(labels))
    return Evaluation(float(np.mean(scores)), {label: float(s) for label, s in zip(labels, scores, strict=True)},
                      labels, tuple(tuple(int(v) for v in row) for row in matrix), len(truth), folds)


@dataclass
class Classifier:
    """A text classifier over a fixed label set (topic codes, or 긍정/중립/부정).

    ``names`` maps each label to the name staff see. After :meth:`fit` it keeps its training texts, labels
    and weights, so :meth:`retrain` can add corrections to them.
    """

    labels: tuple[str, ...]
    names: dict[str, str] = field(default_factory=dict)
    C: float = 0.5
    seed: int = 0
    correction_weight: float = 3.0
    _pipeline: object = field(default=None, repr=False)
    _training: tuple[list[str], list[str], list[float]] = field(default=([], [], []), repr=False)

    def __post_init__(self) -> None:
        self.labels = tuple(self.labels)
        if len(self.labels) < 2 or len(set(self.labels)) != len(self.labels):
            raise ValueError("labels must be at least two distinct labels")

    def _check_labels(self, labels: Sequence[str]) -> None:
        unknown = sorted(set(labels) - set(self.labels))
        if unknown:
            raise ValueError(f"labels not in this classifier's label set: {', '.join(map(str, unknown))}")
        counts = {label: list(labels).count(label) for label in self.labels}
        thin = [label for label, n in counts.items() if n < 2]
        if thin:
            raise ValueError(f"every label needs at least two training texts; too few for: {', '.join(thin)}")

    def fit(self, texts: Sequence[str | Analysis], labels: Sequence[str],
            sample_weight: Sequence[float] | None = None) -> Classifier:
        """Train on ``texts`` with their ``labels`` (every label of the set at least twice)."""
        if len(texts) != len(labels):
            raise ValueError(f"texts and labels differ in length: {len(texts)} and {len(labels)}")
        self._check_labels(labels)
        analyses = _as_analyses(texts)
        weights = [1.0] * len(labels) if sample_weight is None else [float(w) for w in sample_weight]
        folds = max(2, min(3, min(list(labels).count(label) for label in self.labels)))
        self._pipeline = _pipeline(self.C, folds, self.seed)
        self._pipeline.fit(_columns(analyses), list(labels), model__sample_weight=np.asarray(weights))
        self._training = ([a.text for a in analyses], list(labels), weights)
        return self

    def _require_fit(self):
        if self._pipeline is None:
            raise ValueError("the classifier is not trained yet: call fit() or load() first")
        return self._pipeline

    def predict_proba(self, texts: Sequence[str | Analysis]) -> np.ndarray:
        """Calibrated probabilities, one row per text, columns in :attr:`labels` order."""
        pipeline = self._require_fit()
        if not len(texts):
            return np.zeros((0, len(self.labels)))
        proba = pipeline.predict_proba(_columns(_as_analyses(texts)))
        order = [list(pipeline.classes_).index(label) for label in self.labels]
        return proba[:, order]

    def predict(self, texts: Sequence[str | Analysis]) -> list[Prediction]:
        """The most probable label of each text with its probability."""
        proba = self.predict_proba(texts)
        best = proba.argmax(axis=1) if len(proba) else []
        return [Prediction(self.labels[k], float(proba[i, k])) for i, k in enumerate(best)]

    def evaluate(self, texts: Sequence[str | Analysis], labels: Sequence[str], folds: int = 5) -> Evaluation:
        """Stratified ``folds``-fold cross-validated macro-F1 and confusion matrix of this configuration."""
        from sklearn.model_selection import StratifiedKFold

        self._check_labels(labels)
        analyses, labels = _as_analyses(texts), list(labels)
        predicted = [""] * len(labels)
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.seed)
        for train, test in splitter.split(np.zeros(len(labels)), labels):
            model = Classifier(self.labels, self.names, self.C, self.seed, self.correction_weight)
            model.fit([analyses[i] for i in train], [labels[i] for i in train])
            for i, p in zip(test, model.predict([analyses[i] for i in test]), strict=True):
                predicted[i] = p.label
        return _evaluation(labels, predicted, self.labels, folds)

    def score(self, texts: Sequence[str | Analysis], labels: Sequence[str]) -> Evaluation:
        """Macro-F1, per-label F1 and confusion matrix of this trained classifier on a held-out set."""
        return _evaluation(list(labels), [p.label for p in self.predict(texts)], self.labels, 0)

    def retrain(self, corrections: Sequence[tuple[str, str]], weight: float | None = None) -> Classifier:
        """A new classifier trained on this one's texts plus staff ``corrections`` ((text, label) pairs).

        A corrected text replaces a training text that is the same once cleaned; corrections weigh
        ``weight`` (default :attr:`correction_weight`) against 1 for seed sentences.
        """
        texts, labels, weights = self._training
        if not texts:
            raise ValueError("retrain needs a classifier trained with fit()")
        fixed = {a.text: label for a, (_, label) in zip(analyse([t for t, _ in corrections]), corrections, strict=True)
                 if a.text}
        keep = [i for i, t in enumerate(texts) if t not in fixed]
        w = self.correction_weight if weight is None else float(weight)
        model = Classifier(self.labels, self.names, self.C, self.seed, self.correction_weight)
        return model.fit([texts[i] for i in keep] + list(fixed), [labels[i] for i in keep] + list(fixed.values()),
                         [weights[i] for i in keep] + [w] * len(fixed))

    def save(self, path: str | Path) -> None:
        """Write the trained classifier to ``path`` (joblib; load it with :meth:`load`)."""
        import joblib
        import sklearn

        joblib.dump({"format": FORMAT, "sklearn": sklearn.__version__, "labels": self.labels, "names": self.names,
                     "C": self.C, "seed": self.seed, "correction_weight": self.correction_weight,
                     "pipeline": self._require_fit(), "training": self._training}, path)

    @classmethod
    def load(cls, path: str | Path) -> Classifier:
        """A classifier written by :meth:`save` with the same scikit-learn version (ValueError otherwise)."""
        import joblib
        import sklearn

        stored = joblib.load(path)
        if not isinstance(stored, dict) or stored.get("format") != FORMAT:
            raise ValueError(f"{path} is not a saved classifier of format {FORMAT}")
        if stored["sklearn"] != sklearn.__version__:
            raise ValueError(f"{path} was saved with scikit-learn {stored['sklearn']}, this is {sklearn.__version__}: "
                             "retrain it")
        model = cls(stored["labels"], stored["names"], stored["C"], stored["seed"], stored["correction_weight"])
        model._pipeline, model._training = stored["pipeline"], stored["training"]
        return model


def _corpus_digest(paths: Sequence[Path]) -> str:
    import sklearn

    digest = hashlib.sha256(f"{FORMAT}:{sklearn.__version__}".encode())
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]


def _train_defaults(corpus_path: Path | None, topics_path: Path | None) -> tuple[Classifier, Classifier]:
    topics = load_topics(topics_path)
    corpus = load_corpus(corpus_path, topics)
    analyses = analyse([c.text for c in corpus])
    topic = Classifier(tuple(t.code for t in topics), {t.code: t.name for t in topics})
    topic.fit(analyses, [c.topic for c in corpus])
    sentiment = Classifier(SENTIMENTS, {s: s for s in SENTIMENTS})
    sentiment.fit(analyses, [c.sentiment for c in corpus])
    return topic, sentiment


def default_classifiers(cache_dir: str | Path | None = None, *, corpus_path: str | Path | None = None,
                        topics_path: str | Path | None = None) -> tuple[Classifier, Classifier]:
    """The topic and sentiment classifiers trained on the seed corpus, once per process.

    With ``cache_dir`` they are saved there (named by a digest of the corpus, topic list and scikit-learn
    version) and loaded by later processes instead of retrained; a changed corpus trains anew.
    """
    paths = [Path(corpus_path) if corpus_path else data_file("seed_corpus.tsv"),
             Path(topics_path) if topics_path else data_file("topics.tsv"), data_file("user_dictionary.tsv")]
    key = _corpus_digest(paths)
    with _defaults_lock:
        if key in _defaults:
            return _defaults[key]
        files = None
        if cache_dir is not None:
            folder = Path(cache_dir)
            files = (folder / f"voc-topic-{key}.joblib", folder / f"voc-sentiment-{key}.joblib")
            if all(f.exists() for f in files):
                try:
                    _defaults[key] = (Classifier.load(files[0]), Classifier.load(files[1]))
                    return _defaults[key]
                except (ValueError, OSError, EOFError):
                    pass  # unreadable cache: train again and overwrite it
        models = _train_defaults(paths[0], paths[1])
        if files is not None:
            files[0].parent.mkdir(parents=True, exist_ok=True)
            for model, target in zip(models, files, strict=True):
                model.save(target)
        _defaults[key] = models
        return models
