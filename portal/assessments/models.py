"""One assessment per application: who assesses, the stage 1 checks, the stage 2 sessions."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.applications.models import Application
from portal.core.db import string_enum, utcnow
from portal.core.extensions import db

# The 16-week and 8-month targets are the service's settings (FosteringService).
REFEREES_NEEDED = 2  # at least two personal referees interviewed


class CheckKind(enum.StrEnum):
    """A stage 1 check. Every kind is needed once, except referees: at least two."""

    DBS = "dbs"
    LOCAL_AUTHORITY = "local-authority"
    MEDICAL = "medical"
    EMPLOYER = "employer"
    REFEREE = "referee"
    HOME_SAFETY = "home-safety"


SINGLE_CHECKS = (
    CheckKind.DBS,
    CheckKind.LOCAL_AUTHORITY,
    CheckKind.MEDICAL,
    CheckKind.EMPLOYER,
    CheckKind.HOME_SAFETY,
)


class Assessment(db.Model):
    """The assessment of one application, by one assessing social worker."""

    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    allocated_on: Mapped[date]
    allocated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    completed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship()
    assessor: Mapped[User] = relationship(foreign_keys=[assessor_id])
    allocated_by: Mapped[User] = relationship(foreign_keys=[allocated_by_id])
    checks: Mapped[list["AssessmentCheck"]] = relationship(
        back_populates="assessment", order_by="AssessmentCheck.id", cascade="all"
    )
    sessions: Mapped[list["AssessmentSession"]] = relationship(
        back_populates="assessment",
        order_by="(AssessmentSession.held_on, AssessmentSession.id)",
        cascade="all",
    )


class AssessmentCheck(db.Model):
    """One stage 1 check; for a referee, the referee's name. Done when done_on is set."""

    __tablename__ = "assessment_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    kind: Mapped[CheckKind] = mapped_column(string_enum(CheckKind, "assessment_check_kind"))
    name: Mapped[str] = mapped_column(String(200), default="")
    done_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")

    assessment: Mapped[Assessment] = relationship(back_populates="checks")


class AssessmentSession(db.Model):
    """One stage 2 session with the household."""

    __tablename__ = "assessment_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    held_on: Mapped[date]
    topic: Mapped[str] = mapped_column(Text)

    assessment: Mapped[Assessment] = relationship(back_populates="sessions")
