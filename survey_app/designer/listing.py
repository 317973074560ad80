"""The staff survey list: state (draft, published, running wave, closed), owner, unit, last change;
search by code or title and filter by state, kind and unit."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from ..database import db
from ..models import OrgUnit, Response, ResponseStatus, Survey, User, Wave
from ..web.choices import select_choices
from ..web.numbers import whole_number
from .forms import KIND_LABELS, DesignerForm
from .support import STATUS_LABELS, survey_status


class ListFilterForm(DesignerForm):
    """Search and filters of the survey list (a GET form)."""

    class Meta:
        csrf = False

    q = StringField(_l("코드·제목 검색"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("상태"), choices=select_choices([("", _l("모두")), *STATUS_LABELS.items()]), validate_choice=False)
    kind = SelectField(_l("종류"), choices=select_choices([("", _l("모두")), *KIND_LABELS.items()]), validate_choice=False)
    unit = SelectField(_l("담당 조직"), choices=[], validate_choice=False)
    owner = SelectField(_l("담당자"), choices=[], validate_choice=False)


@dataclass
class SurveyList:
    """The filtered rows ((survey, completed responses) pairs), each survey's status and the form."""

    form: ListFilterForm
    rows: list = field(default_factory=list)
    status: dict[int, str] = field(default_factory=dict)


def _completed():
    return (select(Wave.survey_id, func.count(Response.id).label("n")).join(Response, Response.wave_id == Wave.id)
            .where(Response.status == ResponseStatus.COMPLETE).group_by(Wave.survey_id).subquery())


def _offer_units_and_owners(form: ListFilterForm, visible_ids) -> None:
    """The unit and owner filters offer only units and owners of surveys the user may see."""
    units = db.session.execute(select(OrgUnit.id, OrgUnit.name).where(
        OrgUnit.id.in_(select(Survey.org_unit_id).where(Survey.id.in_(visible_ids)))).order_by(OrgUnit.name)).all()
    form.unit.choices = select_choices([("", _l("모두"))] + [(str(i), n) for i, n in units])
    owners = db.session.execute(select(User.id, User.display_name).where(
        User.id.in_(select(Survey.owner_id).where(Survey.id.in_(visible_ids)))).order_by(User.display_name)).all()
    form.owner.choices = select_choices([("", _l("모두"))] + [(str(i), n) for i, n in owners])


def survey_list(args, visible_ids) -> SurveyList:
    """Surveys among ``visible_ids`` (a select of ids) matching the filters in ``args``."""
    form = ListFilterForm(args)
    _offer_units_and_owners(form, visible_ids)
    completed = _completed()
    query = (select(Survey, func.coalesce(completed.c.n, 0)).where(Survey.id.in_(visible_ids))
             .outerjoin(completed, completed.c.survey_id == Survey.id).order_by(Survey.updated_at.desc()))
    text = (form.q.data or "").strip()
    if text:
        query = query.where(or_(Survey.code.ilike(f"%{text}%"), Survey.title.ilike(f"%{text}%")))
    if form.kind.data:
        query = query.where(Survey.kind == form.kind.data)
    if (unit_id := whole_number(form.unit.data)) is not None:
        query = query.where(Survey.org_unit_id == unit_id)
    if (owner_id := whole_number(form.owner.data)) is not None:
        query = query.where(Survey.owner_id == owner_id)
    rows = db.session.execute(query).all()
    waves: dict[int, list[Wave]] = {}
    for wave in db.session.scalars(select(Wave).where(Wave.survey_id.in_([s.id for s, _n in rows]))):
        waves.setdefault(wave.survey_id, []).append(wave)
    status = {s.id: survey_status(s, waves.get(s.id, [])) for s, _n in rows}
    if form.status.data:
        rows = [(s, n) for s, n in rows if status[s.id] == form.status.data]
    return SurveyList(form, rows, status)
