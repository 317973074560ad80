"""The questionnaire language of survey_app: model, validation, logic, YAML and Excel files.

Pure Python: no Flask, no SQLAlchemy. The file formats are described in
docs/questionnaire-format.md.
"""

from . import logic
from .answers import AnswerField
from .bundled import list_templates, load_template, template_text
from .diff import FieldChange, QuestionChange, VersionDiff, diff
from .files import load_file
from .model import (
    Checklist,
    Choice,
    ChoiceList,
    Dimension,
    Index,
    MatrixRow,
    Question,
    Questionnaire,
    Scale,
    ScaleLabel,
    Scoring,
    ScoringConfig,
    Section,
    Text,
)
from .problems import Problem, QuestionnaireError
from .scoring import ChecklistSpec, DimensionSpec, ScoredItem, checklist_specs, kpi_items, scoring_plan
from .validation import validate
from .xlsx import dump_xlsx, load_xlsx, xlsx_bytes
from .yaml_io import dump_yaml, load_yaml

__all__ = [
    "AnswerField", "Checklist", "ChecklistSpec", "Choice", "ChoiceList", "Dimension", "DimensionSpec",
    "FieldChange", "Index", "MatrixRow", "Problem", "Question", "QuestionChange", "Questionnaire",
    "QuestionnaireError", "Scale", "ScaleLabel", "ScoredItem", "Scoring", "ScoringConfig", "Section",
    "Text", "VersionDiff", "checklist_specs", "diff", "dump_xlsx", "dump_yaml", "kpi_items",
    "list_templates", "load_file", "load_template", "load_xlsx", "load_yaml", "logic",
    "scoring_plan", "template_text", "validate", "xlsx_bytes",
]
