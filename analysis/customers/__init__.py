"""Customer analytics on per-customer arrays: RFM, purchase patterns, attitude segments, churn, uplift.

Pure numpy/scipy/scikit-learn like the rest of :mod:`analysis`: no Flask, no database. The application
builds the per-customer table with SQL aggregates (``survey_app.retention.features``) and hands the
columns here.

Modules
-------
rfm       recency/frequency/monetary quintile scores, the named Korean segments, migration matrix.
patterns  category mix, inter-purchase intervals, 설·추석 seasonality, monthly cohort retention.
segments  attitude segments: k-means on dimension scores, k by silhouette, bootstrap stability.
churn     churn model (logistic regression or gradient boosting), time-split backtest, reasons.
uplift    retained share treated vs randomised control (Newcombe interval), holdout assignment.
"""
from . import churn, patterns, rfm, segments, uplift

__all__ = ["churn", "patterns", "rfm", "segments", "uplift"]
