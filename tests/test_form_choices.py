"""Staff forms give their select and radio options as ``SelectChoice`` (WTForms 3.3 deprecates tuples, 3.4 drops them)."""
from __future__ import annotations

import pytest
from wtforms import RadioField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice

from tests.designer_support import new_survey, staff

pytestmark = pytest.mark.filterwarnings("error:Passing SelectField choices:DeprecationWarning")


def _choice_fields(form):
    return [f for f in form if isinstance(f, (SelectField, SelectMultipleField, RadioField))]


def test_staff_form_classes_declare_select_choices(app):
    from survey_app.admin.forms import ApiKeyForm, GrantForm, UserCreateForm
    from survey_app.courtesy.forms import SetupForm
    from survey_app.designer.forms import NewSurveyForm, SettingsForm
    from survey_app.designer.listing import ListFilterForm
    from survey_app.designer.question_form import QuestionForm
    from survey_app.distribution.forms import PlanForm
    from survey_app.manage.org_admin import ImportForm, MoveForm

    form_classes = (SetupForm, NewSurveyForm, SettingsForm, ListFilterForm, QuestionForm, ImportForm, MoveForm,
                    PlanForm, UserCreateForm, GrantForm, ApiKeyForm)
    with app.test_request_context("/manage/"):
        for form_class in form_classes:
            for field in _choice_fields(form_class(meta={"csrf": False})):
                assert all(isinstance(c, SelectChoice) for c in field.choices or ()), (form_class, field.name)


def test_staff_pages_with_choices_render_without_tuple_choices(client, make_user, app_ctx):
    staff(make_user, app_ctx, client, role="admin")
    sid = new_survey(client, "CHOICES-1", template="postal_satisfaction")
    for path in ("/manage/?status=draft", "/manage/surveys/new", f"/manage/surveys/{sid}/settings",
                 f"/manage/surveys/{sid}/questions/Q1", "/manage/org/"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert "<select" in answer.get_data(as_text=True) or 'type="radio"' in answer.get_data(as_text=True), path


def test_select_choices_makes_options_once_and_reads_their_values():
    from survey_app.web.choices import choice_values, select_choices

    options = select_choices([("", "전체 조직"), ("7", "대전우체국 (P-DAEJEON)")])
    assert [c.value for c in options] == ["", "7"] and choice_values(options) == {"", "7"}
    assert select_choices(options) == options


def test_survey_list_filters_by_unit_and_by_owner(client, make_user, app_ctx, make_survey, make_org):
    me = staff(make_user, app_ctx, client, role="admin")
    colleague, _ = make_user("colleague1", display_name="박동료")
    daejeon = make_org(code="P-DJ", name="대전우체국")
    make_survey({"code": "A", "sections": []}, code="MINE-1", title="내가 맡은 조사", owner_id=me, org_unit_id=daejeon)
    make_survey({"code": "B", "sections": []}, code="THEIRS-1", title="동료가 맡은 조사", owner_id=colleague)
    everything = client.get("/manage/").get_data(as_text=True)
    assert "박동료" in everything and "내가 맡은 조사" in everything and "동료가 맡은 조사" in everything
    by_owner = client.get(f"/manage/?owner={colleague}").get_data(as_text=True)
    assert "동료가 맡은 조사" in by_owner and "내가 맡은 조사" not in by_owner
    assert f'<option selected value="{colleague}">' in by_owner or f'value="{colleague}" selected' in by_owner
    by_unit = client.get(f"/manage/?unit={daejeon}").get_data(as_text=True)
    assert "내가 맡은 조사" in by_unit and "동료가 맡은 조사" not in by_unit
    assert "찾는 조건에 맞는 설문이 없습니다" in client.get(f"/manage/?owner={colleague}&unit={daejeon}").get_data(as_text=True)
