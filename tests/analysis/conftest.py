"""Fixtures for the analysis tests: the reference data sets in ``data/``.

Sources (see data/README.md): R ``survey`` package's ``api`` and ``fpc`` data,
pingouin's ``cronbach_alpha`` data set.
"""
from __future__ import annotations

import csv
import importlib
import sys
from pathlib import Path

import numpy as np
import pytest

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]


def _use_project_analysis() -> None:
    """Make ``import analysis`` mean the package under test, never this tests/analysis folder.

    With ``tests`` on ``pythonpath`` this directory could shadow the package.
    """
    module = sys.modules.get("analysis")
    if module is not None and getattr(module, "__file__", None) == str(ROOT / "analysis" / "__init__.py"):
        return
    for name in [m for m in sys.modules if m == "analysis" or m.startswith("analysis.")]:
        del sys.modules[name]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    importlib.import_module("analysis")


_use_project_analysis()


def read_table(name: str) -> dict[str, np.ndarray]:
    """Read ``data/<name>.csv`` into columns; numeric columns become float (NA -> NaN)."""
    with open(DATA / f"{name}.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    columns = {}
    for key in rows[0]:
        raw = [row[key] for row in rows]
        try:
            columns[key] = np.array([np.nan if v == "NA" else float(v) for v in raw])
        except ValueError:
            columns[key] = np.array(raw)
    return columns


@pytest.fixture(scope="session")
def apistrat() -> dict[str, np.ndarray]:
    """Stratified sample of 200 California schools (R ``survey``'s ``apistrat``)."""
    return read_table("api_strat")


@pytest.fixture(scope="session")
def apiclus1() -> dict[str, np.ndarray]:
    """One-stage cluster sample of 15 districts, 183 schools (R's ``apiclus1``)."""
    return read_table("api_clus1")


@pytest.fixture(scope="session")
def apiclus2() -> dict[str, np.ndarray]:
    """Two-stage cluster sample, 40 districts then up to 5 schools (R's ``apiclus2``)."""
    return read_table("api_clus2")


@pytest.fixture(scope="session")
def fpc_data() -> dict[str, np.ndarray]:
    """R ``survey``'s tiny ``fpc`` data set (two strata, eight PSUs)."""
    return read_table("fpc")


@pytest.fixture(scope="session")
def cronbach_items() -> np.ndarray:
    """pingouin's ``cronbach_alpha`` data set as a 15 x 10 wide array."""
    table = read_table("cronbach_alpha")
    items = sorted(set(table["Items"].tolist()), key=lambda q: int(q[1:]))
    wide = np.empty((15, len(items)))
    for j, item in enumerate(items):
        rows = table["Items"] == item
        wide[table["Subj"][rows].astype(int), j] = table["Scores"][rows]
    return wide


@pytest.fixture(scope="session")
def apipop() -> dict[str, np.ndarray]:
    """Columns of R's ``apipop`` (6,194 schools) needed for population margins."""
    return read_table("api_pop_subset")

