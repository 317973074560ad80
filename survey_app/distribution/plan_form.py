"""Between the plan form and the stored plan: KST form times ↔ aware datetimes, comma lists ↔ filters."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from ..models import DistributionPlan
from ..retention.audiences import newest_usable_run, segment_choices
from .forms import PlanForm, RunningPlanForm
from .plans import SAFE_WHILE_RUNNING, PlanError, PlanInput, plan_input

FILTERS = {"filter_region": "region", "filter_office": "office_code", "filter_service": "service_type",
           "filter_customer": "customer_type", "filter_age": "age_band"}


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=_zone()) if moment is not None and moment.tzinfo is None else moment


def _local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(_zone()).replace(tzinfo=None) if moment is not None else None


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _quotas(text: str | None) -> dict[str, int]:
    quotas = {}
    for item in _split(text):
        key, _sep, number = item.partition("=")
        if not number.strip().isdecimal():
            raise PlanError([_("층별 상한은 '값=숫자' 형식입니다: %(item)s", item=item)])
        quotas[key.strip()] = int(number)
    return quotas


def _customer_segment(value: str) -> str:
    """The chosen RFM segment or risk band, refused when unknown or when no churn run may be used yet."""
    if value not in {v for v, _label in segment_choices()}:
        raise PlanError([_("고객 세분을 목록에서 골라 주십시오.")])
    if newest_usable_run() is None:
        raise PlanError([_("쓸 수 있는 이탈 예측 결과가 없어 고객 세분으로 대상을 고를 수 없습니다. "
                           "먼저 이탈 예측을 실행해 주십시오.")])
    return value


def with_segment_choices(form):
    """The form with the customer segment choices filled in (they are translated per request)."""
    form.customer_segment.choices = segment_choices()
    return form


def input_from_form(form: PlanForm) -> PlanInput:
    """The plan the form describes (times read as KST)."""
    filters = {key: _split(getattr(form, name).data) for name, key in FILTERS.items() if _split(getattr(form, name).data)}
    audience = {"filters": filters, "strata": _split(form.strata.data), "per_stratum": form.per_stratum.data,
                "quotas": _quotas(form.quotas.data)}
    if form.customer_segment.data:
        audience["customer_segment"] = _customer_segment(form.customer_segment.data)
    return PlanInput(_aware(form.opens_at.data), _aware(form.closes_at.data), list(form.channels.data), audience,
                     form.reminder_days.data, form.reminder_max.data, form.quiet_start.data.strip(),
                     form.quiet_end.data.strip(), form.no_resurvey_days.data, form.email_subject.data or "",
                     form.email_body.data or "", form.sms_text.data or "", bool(form.continuous.data))


def form_from_plan(plan: DistributionPlan | None) -> PlanForm:
    """The form filled from a stored plan (defaults when there is none)."""
    form = with_segment_choices(PlanForm(formdata=None))
    if plan is None:
        form.channels.data = ["sms", "email"]
        return form
    audience = plan.audience or {}
    form.opens_at.data, form.closes_at.data = _local(plan.wave.opens_at), _local(plan.wave.closes_at)
    form.channels.data, form.continuous.data = list(plan.channels), plan.continuous
    for name, key in FILTERS.items():
        getattr(form, name).data = ", ".join((audience.get("filters") or {}).get(key, []))
    form.customer_segment.data = audience.get("customer_segment") or ""
    form.strata.data = ", ".join(audience.get("strata") or [])
    form.per_stratum.data = audience.get("per_stratum")
    form.quotas.data = ", ".join(f"{k}={v}" for k, v in (audience.get("quotas") or {}).items())
    for name in ("reminder_max", "reminder_days", "no_resurvey_days", "quiet_start", "quiet_end", "email_subject",
                 "email_body", "sms_text"):
        getattr(form, name).data = getattr(plan, name)
    return form


def running_form_from_plan(plan: DistributionPlan) -> RunningPlanForm:
    """The mid-wave form filled from the stored plan."""
    form = RunningPlanForm(formdata=None)
    for name in SAFE_WHILE_RUNNING:
        getattr(form, name).data = getattr(plan, name)
    return form


def input_from_running_form(plan: DistributionPlan, form: RunningPlanForm) -> PlanInput:
    """The stored plan with the mid-wave form's fields in place."""
    data = plan_input(plan)
    for name in SAFE_WHILE_RUNNING:
        value = getattr(form, name).data
        setattr(data, name, value.strip() if name.startswith("quiet_") else (value if value is not None else ""))
    return data
