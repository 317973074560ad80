"""VOC analysis (고객의 소리 분석): free text analysed once on arrival, themes, terms and trends per wave.

- :mod:`.analyser` — the app's door to :mod:`analysis.text`: the default topic and sentiment models (cached
  in the instance folder), :func:`~.analyser.suggest_topic` for call notes and cases;
- :mod:`.operations` — storing analyses (:func:`~.operations.store_analyses`, any source kind) and staff
  confirmations of a topic (training data for the next model);
- :mod:`.jobs` — the scheduler job that analyses new open-ended answers;
- :mod:`.vocabulary` — each content word stored once, each analysis's words as packed ids;
- :mod:`.report` — a wave's themes, example quotes, distinguishing terms per office, emerging terms, sentiment,
  from the analyses read by :mod:`.frames` (one aggregated query, :mod:`.columns`) and who may see which
  response (:mod:`.places`);
- :mod:`.views` — the 고객의 소리 분석 page; :mod:`.cli` — ``survey-app voc classify`` and ``voc analyse``.
"""
from flask import Blueprint

bp = Blueprint("voc", __name__, url_prefix="/manage/results")

from . import views  # noqa: E402,F401
