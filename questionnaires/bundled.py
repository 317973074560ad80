"""Questionnaire templates shipped with the package (questionnaires/templates/*.yaml)."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

from .model import Questionnaire
from .problems import QuestionnaireError, make_problem
from .yaml_io import load_yaml

TEMPLATE_PACKAGE = "questionnaires"
TEMPLATE_DIR = "templates"


def _files() -> dict[str, Traversable]:
    folder = resources.files(TEMPLATE_PACKAGE).joinpath(TEMPLATE_DIR)
    return {entry.name[: -len(".yaml")]: entry for entry in folder.iterdir() if entry.name.endswith(".yaml")}


def list_templates() -> list[str]:
    """Names of the bundled templates, e.g. 'postal_satisfaction', 'post_call'."""
    return sorted(_files())


def template_text(name: str) -> str:
    """The YAML source of a bundled template (with its comments)."""
    files = _files()
    if name not in files:
        raise QuestionnaireError([make_problem("unknown_template", "", value=name, allowed=", ".join(sorted(files)))])
    return files[name].read_text(encoding="utf-8")


def load_template(name: str) -> Questionnaire:
    """Load a bundled template as a validated Questionnaire."""
    return load_yaml(template_text(name))
