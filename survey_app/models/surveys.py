"""Surveys and their immutable published versions."""
from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from questionnaires import Questionnaire

from .base import Base, CreatedAtMixin, utcnow
from .org import OrgUnit
from .parsed import PARSED
from .users import User


class SurveyState(enum.StrEnum):
    """Lifecycle of a survey as staff see it."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    ARCHIVED = "archived"


class SurveyStateError(Exception):
    """A lifecycle change that the survey's state does not allow."""


class Survey(CreatedAtMixin, Base):
    """A questionnaire being designed and fielded; its draft is editable, versions are not."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20), default=SurveyState.DRAFT)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"), index=True)
    draft_definition: Mapped[dict] = mapped_column(default=dict)
    lock_version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner: Mapped[User | None] = relationship()
    org_unit: Mapped[OrgUnit | None] = relationship()
    versions: Mapped[list[SurveyVersion]] = relationship(
        back_populates="survey", order_by="SurveyVersion.number", cascade="all, delete-orphan"
    )

    # Optimistic locking: a stale UPDATE finds no row and raises StaleDataError.
    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def latest_version(self) -> SurveyVersion | None:
        """The most recently published version, if any."""
        return self.versions[-1] if self.versions else None

    def publish(self, definition: dict, *, by: User | None = None, changelog: str = "") -> SurveyVersion:
        """Freeze ``definition`` as the next version and mark the survey published."""
        if self.state == SurveyState.ARCHIVED:
            raise SurveyStateError("보관된 설문은 게시할 수 없습니다 (an archived survey cannot be published).")
        version = SurveyVersion(
            number=len(self.versions) + 1, definition=definition, changelog=changelog, published_by=by
        )
        self.versions.append(version)
        self.state = SurveyState.PUBLISHED
        return version

    def close(self) -> None:
        """Stop fielding the survey."""
        if self.state != SurveyState.PUBLISHED:
            raise SurveyStateError("게시된 설문만 마감할 수 있습니다 (only a published survey can be closed).")
        self.state = SurveyState.CLOSED


def definition_digest(definition: dict) -> str:
    """SHA-256 of the canonical JSON form of a questionnaire definition."""
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class SurveyVersion(Base):
    """A published, immutable questionnaire definition; question codes stay stable across versions."""

    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    number: Mapped[int]
    definition: Mapped[dict]
    digest: Mapped[str] = mapped_column(String(64))
    changelog: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    survey: Mapped[Survey] = relationship(back_populates="versions")
    published_by: Mapped[User | None] = relationship()

    @property
    def questionnaire(self) -> Questionnaire:
        """The parsed questionnaire; a stored version's is parsed once per process (its definition read only then)."""
        if self.id is None or self.digest is None or not inspect(self).persistent:
            return Questionnaire.from_dict(self.definition)  # not stored yet: may still change, never cached
        return self.questionnaire_of(self.id, self.digest, lambda: self.definition)

    @staticmethod
    def questionnaire_of(version_id: int, digest: str, read_definition: Callable[[], dict]) -> Questionnaire:
        """A stored version's parsed questionnaire by id and digest, without loading the version:
        ``read_definition()`` runs only when this process has not parsed it yet."""
        return PARSED.get((version_id, digest), lambda: Questionnaire.from_dict(read_definition()))


class ImmutableVersionError(Exception):
    """Something tried to change a published survey version."""


@event.listens_for(SurveyVersion, "before_insert")
def _stamp_digest(_mapper, _connection, version: SurveyVersion) -> None:
    version.digest = definition_digest(version.definition)


@event.listens_for(SurveyVersion, "before_update")
def _refuse_update(_mapper, _connection, version: SurveyVersion) -> None:
    raise ImmutableVersionError(
        f"게시된 설문 버전은 바꿀 수 없습니다 (survey version {version.id} is immutable)."
    )
