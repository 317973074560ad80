"""시험 발송: the plan's invitation and reminder e-mails, with a sample link, to the staff member's own address, so
staff can see them in a real mailbox before the wave starts and without waiting days for a reminder."""
from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import gettext as _

from ..audit import record
from ..models import DistributionPlan, User
from .channels import Outgoing, SendError, email_channel
from .checks import is_email
from .compose import close_date_text, email_text
from .messages import MessageValues, unsubscribe_text
from .plans import PlanError

TEST_PREFIX = "[시험 발송] "


def sample_values(plan: DistributionPlan, user: User) -> MessageValues:
    """The staff member's name, and sample links that lead nowhere personal."""
    base = current_app.config["BASE_URL"].rstrip("/")
    return MessageValues(name=user.display_name or user.username, link=f"{base}/s/sample-link-for-test-only",
                         close_date=close_date_text(plan.wave.closes_at),
                         unsubscribe=unsubscribe_text(f"{base}/u/sample-link-for-test-only",
                                                      current_app.config["CONTACT_CENTER_PHONE"]))


def send_test_messages(plan: DistributionPlan, user: User) -> str:
    """Send the invitation and the reminder to ``user``'s own e-mail address; returns the address.
    Raises :class:`PlanError` when the user has no address or the mail server refuses."""
    address = (user.email or "").strip()
    if not is_email(address):
        raise PlanError([_("내 계정에 전자우편 주소가 없습니다. 내 계정 화면에서 주소를 등록한 뒤 다시 해 주십시오.")])
    values, channel = sample_values(plan, user), email_channel(current_app)
    try:
        for reminder in (False, True):
            subject, body = email_text(plan, values, reminder=reminder)
            channel.send(Outgoing(f"test-{plan.wave_id}-{secrets.token_hex(6)}", address, body,
                                  subject=TEST_PREFIX + subject))
    except SendError as exc:
        raise PlanError([_("시험 발송에 실패했습니다: %(reason)s", reason=str(exc))]) from None
    finally:
        channel.close()
    record("wave.plan.test_send", "wave", plan.wave_id, details={"to": "own address", "messages": 2})
    return address
