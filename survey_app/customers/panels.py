"""What later capabilities add to the customer page: the customer's VOC cases and their churn standing
(risk, RFM segment and reasons from the newest run whose model beat the baselines)."""
from __future__ import annotations

from flask_babel import gettext as _

from ..cases.pages import cases_for_customer
from ..models import Customer, Permission
from ..retention.queries import customer_churn
from ..web.access import can, visible_units
from .page import FACTS_TEMPLATE, Panel, add_panel


@add_panel
def voc_cases(customer: Customer) -> Panel | None:
    """The customer's VOC cases the viewer may see."""
    if not can(Permission.VIEW_CASES):
        return None
    return Panel(_("VOC 사건"), "cases/_customer_cases.html",
                 {"cases": cases_for_customer(customer.id, visible_units(Permission.VIEW_CASES))})


@add_panel
def churn_standing(customer: Customer) -> Panel | None:
    """Segment, churn risk and the reasons behind it; nothing when no usable run scored the customer."""
    churn = customer_churn(customer.id)
    if churn is None:
        return None
    facts = [(_("고객 세분화"), churn.segment), (_("이탈 위험"), f"{churn.risk * 100:.0f}%"),
             (_("위험을 높이는 점"), ", ".join(churn.reasons) or "-")]
    if churn.cutoff:
        facts.append((_("기준일"), churn.cutoff.isoformat()))
    return Panel(_("고객 세분화와 이탈 위험"), FACTS_TEMPLATE, {"facts": facts})
