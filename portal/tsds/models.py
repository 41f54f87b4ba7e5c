"""Standard sets (data a service can edit), households and their evidence."""

import enum
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import CarerType, User
from portal.core.db import string_enum, utcnow
from portal.core.extensions import db
from portal.training.models import TrainingSession


class SetKey(enum.StrEnum):
    """The three sets of standards."""

    MAINSTREAM = "mainstream"
    FAMILY_AND_FRIENDS = "family-and-friends"
    SHORT_BREAK = "short-break"


class StandardSet(db.Model):
    """One service's copy of a set of standards, with its outcomes."""

    __tablename__ = "tsds_set"
    __table_args__ = (UniqueConstraint("service_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    key: Mapped[SetKey] = mapped_column(string_enum(SetKey, "tsds_set_key"))
    name: Mapped[str] = mapped_column(String(200))

    standards: Mapped[list["Standard"]] = relationship(
        back_populates="standard_set", order_by="Standard.number", cascade="all"
    )


class Standard(db.Model):
    """A standard, such as '6. Keep children and young people safe from harm'."""

    __tablename__ = "tsds_standard"
    __table_args__ = (UniqueConstraint("set_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("tsds_set.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))

    standard_set: Mapped[StandardSet] = relationship(back_populates="standards")
    outcomes: Mapped[list["StandardOutcome"]] = relationship(
        back_populates="standard", order_by="StandardOutcome.number", cascade="all"
    )


class StandardOutcome(db.Model):
    """Something a carer shows they know or can do; evidence is written against it."""

    __tablename__ = "tsds_outcome"
    __table_args__ = (UniqueConstraint("standard_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("tsds_standard.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    standard: Mapped[Standard] = relationship(back_populates="outcomes")

    @property
    def label(self) -> str:
        """'6.2' style numbering."""
        return f"{self.standard.number}.{self.number}"


class Household(db.Model):
    """One fostering household: one or two approved carers sharing one workbook."""

    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    carer_type: Mapped[CarerType] = mapped_column(string_enum(CarerType, "carer_type"))
    approved_on: Mapped[date]
    set_id: Mapped[int] = mapped_column(ForeignKey("tsds_set.id"))
    social_worker_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    last_reminder_on: Mapped[date | None]
    signed_off_on: Mapped[date | None]
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    standard_set: Mapped[StandardSet] = relationship()
    social_worker: Mapped[User | None] = relationship(foreign_keys=[social_worker_id])
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])
    members: Mapped[list["HouseholdMember"]] = relationship(
        back_populates="household", cascade="all, delete-orphan"
    )


class HouseholdMember(db.Model):
    """A carer belongs to one household."""

    __tablename__ = "household_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True)

    household: Mapped[Household] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class EvidenceStatus(enum.StrEnum):
    """Where a piece of evidence has got to."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"


# Training sessions a household went to that back up a piece of evidence.
evidence_training = Table(
    "tsds_evidence_training",
    db.metadata,
    Column("evidence_id", ForeignKey("tsds_evidence.id", ondelete="CASCADE"), primary_key=True),
    Column("session_id", ForeignKey("training_session.id"), primary_key=True),
)


class Evidence(db.Model):
    """The household's evidence for one outcome; revised in place until accepted."""

    __tablename__ = "tsds_evidence"
    __table_args__ = (UniqueConstraint("household_id", "outcome_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("tsds_outcome.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[EvidenceStatus] = mapped_column(
        string_enum(EvidenceStatus, "tsds_evidence_status"), default=EvidenceStatus.DRAFT
    )
    comment: Mapped[str] = mapped_column(Text, default="")  # the reviewer's, when returned
    # An optional file (see portal/core/uploads.py): stored under a random key.
    file_key: Mapped[str | None] = mapped_column(String(100))
    file_kind: Mapped[str | None] = mapped_column(String(10))
    file_size: Mapped[int | None] = mapped_column(Integer)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    household: Mapped[Household] = relationship()
    outcome: Mapped[StandardOutcome] = relationship()
    written_by: Mapped[User | None] = relationship(foreign_keys=[written_by_id])
    sessions: Mapped[list[TrainingSession]] = relationship(
        secondary=evidence_training, order_by=TrainingSession.id
    )
