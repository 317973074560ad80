"""A wave's audience: contacts matching the plan's filters, minus those skipped (opt-out, no-resurvey,
no usable address), then an optional random sample per stratum with quotas.

``plan.audience`` looks like ``{"filters": {"region": ["R-SEOUL"]}, "strata": ["region"],
"per_stratum": 200, "fraction": null, "quotas": {"R-SEOUL": 50}}``; every key is optional. A customer limit
(``customer_segment`` or ``retention_action``, :mod:`survey_app.retention.audiences`) keeps only contacts of those
customers, and skips as ``invalid`` the ones whose customer has not consented to the wave's purpose.
"""
from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Text, and_, cast, or_, select

from ..database import db
from ..models import Contact, DistributionPlan, Invitation, OrgUnit, SkipReason
from ..retention.audiences import CustomerScope, customer_scope
from .contact_files import SEGMENT_FIELDS

CHANNEL_ADDRESS = {"sms": "phone_hash", "email": "email_hash"}


@dataclass(frozen=True)
class Candidate:
    """A contact considered for a wave, with the channel it would be reached on."""

    contact_id: int
    channel: str | None
    segment: dict


@dataclass
class Audience:
    """Who gets an invitation and who is skipped (and why)."""

    invite: list[Candidate] = field(default_factory=list)
    skipped: list[tuple[Candidate, str]] = field(default_factory=list)
    not_sampled: int = 0

    def counts(self) -> dict[str, int]:
        """Targeted, invited, each skip reason and not sampled, for previews."""
        out = {"targeted": len(self.invite) + len(self.skipped), "invite": len(self.invite),
               "not_sampled": self.not_sampled}
        for reason in SkipReason:
            out[reason.value] = sum(1 for _c, r in self.skipped if r == reason)
        return out


def _subtree(unit_id: int) -> set[int]:
    parents = dict(db.session.execute(select(OrgUnit.id, OrgUnit.parent_id)).all())
    found, frontier = {unit_id}, {unit_id}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def matches(attributes: dict, filters: dict) -> bool:
    """Whether a contact's segment attributes pass every filter (a filter is a list of allowed values)."""
    for name, allowed in (filters or {}).items():
        if allowed and str(attributes.get(name, "")) not in {str(a) for a in allowed}:
            return False
    return True


def recently_surveyed(wave_id: int, days: int, now: datetime) -> set[int]:
    """Contacts invited to any other wave within the last ``days`` days (sent, or queued to be sent)."""
    if days <= 0:
        return set()
    cutoff = now - timedelta(days=days)
    recent = or_(Invitation.sent_at >= cutoff, and_(Invitation.sent_at.is_(None), Invitation.created_at >= cutoff))
    query = select(Invitation.contact_id).where(Invitation.wave_id != wave_id, Invitation.contact_id.is_not(None),
                                                recent).distinct()
    return set(db.session.scalars(query))


def pick_channel(channels: list[str], has: dict[str, bool]) -> str | None:
    """The first of the plan's channels the contact has an address for."""
    return next((c for c in channels if has.get(c)), None)


def _rows(plan: DistributionPlan):
    """Contacts of the survey's unit subtree; attributes as JSON text (decoded once per distinct value)."""
    query = select(Contact.id, cast(Contact.attributes, Text), Contact.consent, Contact.opted_out_at, Contact.anonymised_at,
                   Contact.phone_hash.is_not(None), Contact.email_hash.is_not(None), Contact.customer_id)
    unit_id = plan.wave.survey.org_unit_id
    if unit_id is not None:
        query = query.where(Contact.org_unit_id.in_(_subtree(unit_id)))
    return db.session.execute(query.order_by(Contact.id))


def classify(plan: DistributionPlan, now: datetime) -> tuple[list[Candidate], list[tuple[Candidate, str]]]:
    """Eligible candidates and skipped ones with their reason, for contacts matching the filters."""
    filters, eligible, skipped = plan.audience.get("filters") or {}, [], []
    recent, decoded = recently_surveyed(plan.wave_id, plan.no_resurvey_days, now), {}
    scope = customer_scope(plan.audience or {})
    for cid, attrs_text, consent, opted_out, anonymised, has_phone, has_email, customer_id in _rows(plan):
        if scope is not None and customer_id not in scope.members:
            continue
        attrs = decoded.get(attrs_text)
        if attrs is None:
            attrs = decoded[attrs_text] = json.loads(attrs_text) if attrs_text else {}
        attrs = attrs or {}
        if not matches(attrs, filters):
            continue
        channel = pick_channel(plan.channels, {"sms": has_phone, "email": has_email})
        candidate = Candidate(cid, channel, {k: attrs[k] for k in SEGMENT_FIELDS if k in attrs})
        if opted_out is not None:
            skipped.append((candidate, SkipReason.OPT_OUT))
        elif anonymised is not None or not consent or channel is None or _refused(scope, customer_id):
            skipped.append((candidate, SkipReason.INVALID))
        elif cid in recent:
            skipped.append((candidate, SkipReason.NO_RESURVEY))
        else:
            eligible.append(candidate)
    return eligible, skipped


def _refused(scope: CustomerScope | None, customer_id: int | None) -> bool:
    """Whether the wave's customer limit says this contact's customer has not consented to its purpose."""
    return scope is not None and customer_id not in scope.consenting


def sample(candidates: list[Candidate], spec: dict, seed: int) -> list[Candidate]:
    """A reproducible random sample: ``per_stratum`` (or ``fraction``) per stratum, capped by ``quotas``."""
    strata, per, fraction = spec.get("strata") or [], spec.get("per_stratum"), spec.get("fraction")
    quotas = spec.get("quotas") or {}
    if not strata and per is None and fraction is None and not quotas:
        return candidates
    groups: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        groups["|".join(str(c.segment.get(s, "")) for s in strata)].append(c)
    rng, chosen = random.Random(seed), []
    for key in sorted(groups):
        members = groups[key]
        size = len(members) if per is None else int(per)
        if fraction is not None:
            size = min(size, round(len(members) * float(fraction)))
        if key in quotas:
            size = min(size, int(quotas[key]))
        chosen.extend(rng.sample(members, min(size, len(members))))
    return sorted(chosen, key=lambda c: c.contact_id)


def select_audience(plan: DistributionPlan, now: datetime) -> Audience:
    """The wave's invitations-to-be and skips, from the stored contacts and the plan."""
    eligible, skipped = classify(plan, now)
    invite = sample(eligible, plan.audience or {}, plan.seed)
    return Audience(invite=invite, skipped=skipped, not_sampled=len(eligible) - len(invite))
