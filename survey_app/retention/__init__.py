"""Retention (고객이탈 방지): customer features in SQL, churn scoring runs, worklists, actions with holdouts.

Arithmetic is in :mod:`analysis.customers`; this package adapts the database to it and records runs
and actions.
"""
