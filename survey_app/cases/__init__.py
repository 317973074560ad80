"""VOC cases (고객의 소리 처리): rules that open cases from survey answers, manual intake and the API,
the SLA clock on the Korean business-day calendar, the state machine, routing, follow-up, and the pages.

The customer page includes ``cases/_customer_cases.html`` with ``cases_for_customer(customer_id)``
(:mod:`.pages`)."""
from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/manage/cases")

from . import reply_template_views, routing_views, views  # noqa: E402,F401
