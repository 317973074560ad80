"""Quick end-to-end checks: dict, YAML and Excel round trips of a small questionnaire."""

from questionnaires import Questionnaire, dump_yaml, load_xlsx, load_yaml, xlsx_bytes


def test_dict_round_trip(questionnaire):
    assert Questionnaire.from_dict(questionnaire.to_dict()) == questionnaire


def test_yaml_round_trip(questionnaire):
    assert load_yaml(dump_yaml(questionnaire)) == questionnaire


def test_excel_round_trip(questionnaire):
    assert load_xlsx(xlsx_bytes(questionnaire)) == questionnaire
