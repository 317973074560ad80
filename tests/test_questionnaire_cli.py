"""`survey-app questionnaire validate|convert|import|export` on real files."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from questionnaires import list_templates, load_file, load_template
from survey_app.models import Survey

BROKEN = """\
code: BROKEN
version: 1
kind: customer_satisfaction
title: {ko: 깨진 설문}
sections:
  - code: S1
    questions:
      - {code: Q1, type: likert, text: {ko: 만족하십니까}, scale: nowhere}
      - {code: Q1, type: single_choice, text: {ko: 중복}, choices: missing_list}
      - {code: Q3, type: short_text, text: {ko: 이유}, show_if: "Q1 == == 1"}
"""


@pytest.fixture
def template_yaml(tmp_path):
    from questionnaires import dump_yaml

    path = tmp_path / "postal.yaml"
    path.write_text(dump_yaml(load_template("postal_satisfaction")), encoding="utf-8")
    return path


def test_validate_reports_every_problem_with_its_location(runner, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = runner.invoke(args=["questionnaire", "validate", str(path)])
    assert result.exit_code != 0
    assert "nowhere" in result.output and "missing_list" in result.output and "Q1" in result.output
    assert result.output.count("sections") >= 3 and "Traceback" not in result.output


def test_validate_accepts_a_good_file(runner, template_yaml):
    result = runner.invoke(args=["questionnaire", "validate", str(template_yaml)])
    assert result.exit_code == 0 and "문제가 없습니다" in result.output


def test_convert_round_trips_through_excel_unchanged(runner, template_yaml, tmp_path):
    xlsx, back = tmp_path / "postal.xlsx", tmp_path / "back.yaml"
    assert runner.invoke(args=["questionnaire", "convert", str(template_yaml), "--to", "xlsx", "--out", str(xlsx)]).exit_code == 0
    assert runner.invoke(args=["questionnaire", "convert", str(xlsx), "--to", "yaml", "--out", str(back)]).exit_code == 0
    assert load_file(back).to_dict() == load_file(template_yaml).to_dict()


def test_a_file_that_is_not_a_questionnaire_is_refused(runner, tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_bytes(b"this is not a spreadsheet")
    result = runner.invoke(args=["questionnaire", "validate", str(path)])
    assert result.exit_code != 0 and "Traceback" not in result.output


@pytest.mark.parametrize("name", list_templates())
def test_every_template_imports_as_a_draft_survey(runner, app_ctx, tmp_path, name):
    from questionnaires import dump_yaml

    path = tmp_path / f"{name}.yaml"
    path.write_text(dump_yaml(load_template(name)), encoding="utf-8")
    result = runner.invoke(args=["questionnaire", "import", str(path), "--code", f"IMP-{name}"])
    assert result.exit_code == 0, result.output
    with app_ctx() as session:
        survey = session.scalar(select(Survey).where(Survey.code == f"IMP-{name}"))
    assert survey.state == "draft" and survey.draft_definition == load_template(name).to_dict()


def test_import_of_a_broken_file_creates_nothing(runner, app_ctx, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    with app_ctx() as session:
        before = session.scalar(select(func.count(Survey.id)))
    assert runner.invoke(args=["questionnaire", "import", str(path)]).exit_code != 0
    with app_ctx() as session:
        assert session.scalar(select(func.count(Survey.id))) == before


def test_import_refuses_a_taken_code(runner, template_yaml):
    assert runner.invoke(args=["questionnaire", "import", str(template_yaml), "--code", "DUP"]).exit_code == 0
    again = runner.invoke(args=["questionnaire", "import", str(template_yaml), "--code", "DUP"])
    assert again.exit_code != 0 and "이미 있습니다" in again.output


def test_export_writes_the_draft_as_yaml_and_excel(runner, template_yaml, tmp_path):
    runner.invoke(args=["questionnaire", "import", str(template_yaml), "--code", "EXP"])
    for fmt in ("yaml", "xlsx"):
        out = tmp_path / f"exp.{fmt}"
        result = runner.invoke(args=["questionnaire", "export", "EXP", "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert load_file(out).to_dict() == load_file(template_yaml).to_dict()
    missing = runner.invoke(args=["questionnaire", "export", "NO-SUCH"])
    assert missing.exit_code != 0 and "찾을 수 없습니다" in missing.output
