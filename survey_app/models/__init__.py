"""All models, importable from one place (Alembic reads ``Base.metadata`` from here)."""
from .audit import AppendOnlyError, AuditEvent
from .base import Base, utcnow
from .cases import (
    Case,
    CaseAnswer,
    CaseEvent,
    CaseReplyTemplate,
    CaseRouting,
    CaseRule,
    CaseRuleKind,
    CaseSource,
    CaseStatus,
    CaseTrigger,
    Resolution,
)
from .contacts import Contact, RetentionAction
from .customers import (
    ConsentPurpose,
    Customer,
    CustomerConsent,
    CustomerKind,
    ErasedRecord,
    Interaction,
    InteractionChannel,
    Order,
    OrderStatus,
)
from .distribution import AudienceSkip, DistributionPlan, IdempotencyRecord, PlanStatus, PostCall, SkipReason
from .org import OrgLevel, OrgUnit, StaffMember
from .outbox import CUSTOMER_MESSAGE_KINDS, Lease, MessageKind, OutboxMessage, OutboxStatus
from .privacy import AccessAction, PersonalDataAccess, PersonalDataSubject, SurveyPrivacy
from .reports import Cadence, DeliveryStatus, ReportDelivery, ReportSubscription
from .responses import Answer, AnswerVector, Response, ResponseStatus
from .result_settings import IndexTarget, SurveyWeighting
from .retention import ChurnAction, ChurnActionKind, ChurnActionMember, ChurnRun, ChurnScore
from .roles import ROLE_PERMISSIONS, Permission, Role, RoleGrant
from .security import ApiKey, RateLimitBucket
from .stored_results import StoredResult
from .surveys import ImmutableVersionError, Survey, SurveyState, SurveyStateError, SurveyVersion
from .text_analysis import TextAnalysis, TextSource, TextWord
from .unsaved import UnsavedForm
from .users import StaffSession, User
from .waves import Invitation, Wave, WaveState, WaveStateError, hash_token, new_token

__all__ = [
    "CUSTOMER_MESSAGE_KINDS", "IndexTarget", "SurveyWeighting",
    "Answer", "AnswerVector", "AuditEvent", "Base", "Contact", "ImmutableVersionError", "Invitation", "OrgLevel",
    "OrgUnit", "Response", "ResponseStatus", "StaffMember", "Survey", "SurveyState",
    "SurveyStateError", "SurveyVersion", "User", "Wave", "WaveState", "WaveStateError", "hash_token", "new_token",
    "utcnow",
    # accounts, roles and personal-data protection
    "AccessAction", "ApiKey", "AppendOnlyError", "PersonalDataAccess", "PersonalDataSubject", "Permission",
    "RateLimitBucket", "RetentionAction", "Role", "RoleGrant", "ROLE_PERMISSIONS", "StaffSession", "SurveyPrivacy",
    "UnsavedForm",
    # distribution
    "AudienceSkip", "DistributionPlan", "IdempotencyRecord", "Lease", "MessageKind", "OutboxMessage", "OutboxStatus",
    "PlanStatus", "PostCall", "SkipReason",
    # scheduled report delivery
    "Cadence", "DeliveryStatus", "ReportDelivery", "ReportSubscription",
    # customer records
    "ConsentPurpose", "Customer", "CustomerConsent", "CustomerKind", "ErasedRecord", "Interaction", "InteractionChannel", "Order",
    "OrderStatus",
    # results computed once and kept
    "StoredResult",
    # analysed free text (VOC)
    "TextAnalysis", "TextSource", "TextWord",
    # VOC cases
    "Case", "CaseAnswer", "CaseEvent", "CaseReplyTemplate", "CaseRouting", "CaseRule", "CaseRuleKind", "CaseSource", "CaseStatus",
    "CaseTrigger", "Resolution",
    # churn scoring and retention actions
    "ChurnAction", "ChurnActionKind", "ChurnActionMember", "ChurnRun", "ChurnScore",
]
