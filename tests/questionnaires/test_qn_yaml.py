"""YAML, the canonical format: readable output, comments allowed, problems with line numbers."""

from __future__ import annotations

import pytest
import yaml

from questionnaires import QuestionnaireError, dump_yaml, load_yaml

SMALL = """\
# 주석은 어디에나 쓸 수 있습니다.
code: SMALL
kind: voc          # 설문 종류
title: 작은 설문
sections:
  - code: S1
    questions:
      - code: Q1
        type: single_choice
        text: 만족하셨습니까?
        choices:
          - {value: 1, label: 예}
          - {value: 2, label: 아니요}
"""


def errors(text: str) -> list:
    with pytest.raises(QuestionnaireError) as caught:
        load_yaml(text)
    return list(caught.value.problems)


def test_comments_and_plain_korean_texts_are_fine():
    q = load_yaml(SMALL)
    assert q.title.ko == "작은 설문" and q.title.en == ""
    assert q.question("Q1").choices.values() == (1, 2)
    assert q.version == 1


def test_dump_is_readable_korean(questionnaire):
    text = dump_yaml(questionnaire)
    assert text.startswith("# survey_app questionnaire")
    assert "상담에 만족하셨습니까?" in text  # not \\uXXXX escapes
    assert "\n      - code: Q1\n" in text  # lists are indented under their key
    assert "text: {ko: '상담에 만족하셨습니까?', en: 'Were you satisfied?'}" in text
    assert "required: true" not in text  # defaults are left out


def test_dump_is_plain_yaml_with_the_dict_shape(questionnaire):
    assert yaml.safe_load(dump_yaml(questionnaire)) == questionnaire.to_dict()


def test_multi_line_texts_use_block_style(qdict):
    qdict["description"] = {"ko": "첫째 줄\n둘째 줄"}
    text = dump_yaml(load_yaml(yaml.safe_dump(qdict, allow_unicode=True)))
    assert "ko: |-\n    첫째 줄\n    둘째 줄" in text


def test_reads_text_bytes_and_paths(tmp_path, questionnaire):
    text = dump_yaml(questionnaire)
    path = tmp_path / "q.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_yaml(path) == questionnaire
    assert load_yaml(str(path)) == questionnaire
    assert load_yaml(text.encode("utf-8")) == questionnaire
    assert load_yaml("\ufeff".encode("utf-8") + text.encode("utf-8")) == questionnaire


def test_problems_carry_line_numbers():
    broken = SMALL.replace("type: single_choice", "type: single_choise").replace("value: 2", "value: 1")
    found = errors(broken)
    assert [(p.code, p.line) for p in found] == [("unknown_type", 9), ("duplicate_value", 13)]
    assert found[0].location == "sections[0].questions[0].type (line 9)"
    assert "'single_choice'" in found[0].message_ko


def test_syntax_error_has_a_line():
    found = errors(SMALL.replace("  - code: S1", "  - code: [S1"))
    assert found[0].code == "yaml_syntax" and found[0].line is not None


def test_duplicate_keys_are_reported_not_silently_dropped():
    found = errors(SMALL.replace("title: 작은 설문", "title: 작은 설문\ntitle: 다른 제목"))
    assert [(p.code, p.path, p.line) for p in found] == [("yaml_duplicate_key", "title", 5)]


def test_anchors_and_aliases_are_refused():
    found = errors(SMALL + "closing: &a 끝\ndescription: *a\n")
    assert [p.code for p in found] == ["yaml_alias"]
    assert found[0].path == "description"


def test_billion_laughs_is_refused_quickly():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    assert {p.code for p in errors(bomb)} == {"yaml_alias"}


def test_one_questionnaire_per_file():
    assert errors(SMALL + "---\n" + SMALL)[0].code == "yaml_multiple_documents"


def test_empty_and_non_mapping_files():
    assert errors("")[0].code == "empty_file"
    assert errors("# only a comment\n")[0].code == "empty_file"
    assert errors("- a\n- b\n")[0].code == "not_mapping"


def test_python_tags_are_refused():
    found = errors("!!python/object/apply:os.system ['echo hi']\n")
    assert found[0].code == "yaml_syntax"


def test_yes_no_values_must_be_quoted():
    found = errors(SMALL.replace("value: 1,", "value: yes,"))
    assert found[0].code == "bool_value" and found[0].line == 12


def test_dates_where_text_is_expected():
    found = errors(SMALL.replace("title: 작은 설문", "title: 2025-01-31"))
    assert found[0].code == "not_string" and found[0].line == 4


def test_invalid_calendar_date_is_a_syntax_problem():
    assert errors(SMALL + "description: 2025-02-30\n")[0].code == "yaml_syntax"


def test_not_utf8_and_control_characters():
    assert errors("title: 설문".encode("euc-kr"))[0].code == "file_unreadable"  # type: ignore[arg-type]
    assert errors("code: A\x07B\n")[0].code == "control_char"


def test_missing_file():
    with pytest.raises(QuestionnaireError) as caught:
        load_yaml("/no/such/questionnaire.yaml")
    assert caught.value.problems[0].code == "file_unreadable"


def test_too_large(monkeypatch):
    from questionnaires import yaml_io
    monkeypatch.setattr(yaml_io, "MAX_BYTES", 100)
    assert errors(SMALL)[0].code == "file_too_large"


def test_one_line_yaml_text_is_not_mistaken_for_a_path():
    found = {p.code for p in errors("code: survey.yaml")}
    assert "missing" in found and "file_unreadable" not in found  # read as YAML, not as a file name
