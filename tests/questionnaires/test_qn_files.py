"""load_file: either format, by extension or by content, and clear errors for anything else."""

from __future__ import annotations

import io

import pytest

from questionnaires import QuestionnaireError, dump_yaml, load_file, xlsx_bytes


def error_code(*args) -> str:
    with pytest.raises(QuestionnaireError) as caught:
        load_file(*args)
    return caught.value.problems[0].code


def test_by_extension(tmp_path, questionnaire):
    (tmp_path / "q.yaml").write_text(dump_yaml(questionnaire), encoding="utf-8")
    (tmp_path / "q.yml").write_text(dump_yaml(questionnaire), encoding="utf-8")
    (tmp_path / "q.xlsx").write_bytes(xlsx_bytes(questionnaire))
    for name in ("q.yaml", "q.yml", "q.xlsx"):
        assert load_file(tmp_path / name) == questionnaire
        assert load_file(str(tmp_path / name)) == questionnaire


def test_by_content_when_the_name_says_nothing(tmp_path, questionnaire):
    (tmp_path / "upload").write_bytes(xlsx_bytes(questionnaire))
    (tmp_path / "upload.txt").write_text(dump_yaml(questionnaire), encoding="utf-8")
    assert load_file(tmp_path / "upload") == questionnaire
    assert load_file(tmp_path / "upload.txt") == questionnaire


def test_json_is_read_as_yaml(tmp_path, questionnaire):
    import json
    (tmp_path / "q.json").write_text(json.dumps(questionnaire.to_dict(), ensure_ascii=False), encoding="utf-8")
    assert load_file(tmp_path / "q.json") == questionnaire


def test_bytes_and_file_objects(questionnaire):
    assert load_file(xlsx_bytes(questionnaire)) == questionnaire
    assert load_file(io.BytesIO(dump_yaml(questionnaire).encode("utf-8")), "upload.yaml") == questionnaire


def test_files_that_are_neither():
    assert error_code(b"\x89PNG\r\n\x1a\n binary", "photo.png") == "file_type"
    assert error_code(b"just some words", "notes.txt") == "file_type"
    assert error_code(b"\xd0\xcf\x11\xe0old excel", "old.xls") == "xls_old"
    assert error_code(b"name,age\n", "people.csv") == "file_type"
    assert error_code("/no/such/file.yaml") == "file_unreadable"


def test_wrong_extension_is_still_reported_clearly(questionnaire):
    assert error_code(b"not really a workbook", "q.xlsx") == "xlsx_unreadable"
    assert error_code(b"\xff\xfe\x00bad", "q.yaml") == "file_unreadable"
