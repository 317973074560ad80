"""All models, importable from one place (Alembic reads ``Base.metadata`` from here)."""
from .audit import AuditEvent
from .base import Base, utcnow
from .contacts import Contact
from .org import OrgLevel, OrgUnit, StaffMember
from .responses import Answer, Response, ResponseStatus
from .surveys import ImmutableVersionError, Survey, SurveyState, SurveyStateError, SurveyVersion
from .users import User
from .waves import Invitation, Wave, WaveState, hash_token, new_token

__all__ = [
    "Answer", "AuditEvent", "Base", "Contact", "ImmutableVersionError", "Invitation", "OrgLevel",
    "OrgUnit", "Response", "ResponseStatus", "StaffMember", "Survey", "SurveyState",
    "SurveyStateError", "SurveyVersion", "User", "Wave", "WaveState", "hash_token", "new_token",
    "utcnow",
]
