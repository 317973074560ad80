"""Statistical scoring engine for survey_app: pure numpy/scipy, no Flask, no database.

Modules
-------
scales       100-point conversion, reverse coding, top-box, missing codes.
design       sampling designs and Taylor-linearisation variances (R ``survey``).
estimate     weighted means, proportions, totals and domain estimates with SEs.
weighting    post-stratification and raking, with calibration-aware SEs.
kpi          NPS, CSAT (Wilson interval), CES.
index        PCSI-style and KCSI-style indices from scoring metadata.
compare      Welch t, ANOVA, Welch ANOVA, Kruskal-Wallis, chi-square, Holm/BH, wave change.
reliability  Cronbach's alpha with Feldt interval, item statistics.
drivers      derived importance and importance-performance quadrants.
courtesy     courtesy (친절도) checklist scoring, aggregation and ranking.
report       one-pass scoring of a whole wave (many items, vectorised).
text         Korean VOC text: Kiwi morphology, log-odds keywords, emerging words, topic and sentiment
             classifiers (kiwipiepy, scikit-learn; imported on its own as ``analysis.text``).

Missing answers are ``NaN`` everywhere; "모름/해당없음" codes are turned into
``NaN`` by :func:`analysis.scales.as_missing`. Every result is a frozen
dataclass; bad input raises ``ValueError`` naming the argument.
"""
from . import compare, courtesy, design, drivers, estimate, index, kpi, reliability, report, scales, weighting
from .results import Estimate, TestResult

__all__ = ["Estimate", "TestResult", "compare", "courtesy", "design", "drivers", "estimate", "index",
           "kpi", "reliability", "report", "scales", "weighting"]
