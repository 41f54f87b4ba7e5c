"""A complaint and its statutory stages, each with its own working-day clock."""

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.crypto import EncryptedText
from portal.core.db import string_enum, utcnow
from portal.core.extensions import db


class Complainant(enum.StrEnum):
    """Who is complaining."""

    YOUNG_PERSON = "young-person"
    FOSTER_CARER = "foster-carer"
    PARENT = "parent"
    APPLICANT = "applicant"
    SOMEONE_ELSE = "someone-else"


class Outcome(enum.StrEnum):
    """What a stage found."""

    UPHELD = "upheld"
    PARTLY_UPHELD = "partly-upheld"
    NOT_UPHELD = "not-upheld"
    RESOLVED = "resolved"  # put right by agreement, without a finding


class ClosedBecause(enum.StrEnum):
    """Why a complaint stopped before, or after, its last stage."""

    FINISHED = "finished"  # the complainant did not take it further
    WITHDRAWN = "withdrawn"


class Complaint(db.Model):
    """One complaint; the reference and secret words are the complainant's key to it."""

    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    phrase_hash: Mapped[str] = mapped_column(String(200))
    complainant: Mapped[Complainant] = mapped_column(string_enum(Complainant, "complainant_kind"))
    # Everything a person tells us is encrypted; only the clocks and flags are not.
    name: Mapped[str | None] = mapped_column(EncryptedText)
    email: Mapped[str | None] = mapped_column(EncryptedText)
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    on_behalf_of: Mapped[str | None] = mapped_column(EncryptedText)
    body: Mapped[str] = mapped_column(EncryptedText)
    put_right: Mapped[str | None] = mapped_column(EncryptedText)
    happened_on: Mapped[date | None]
    is_late: Mapped[bool] = mapped_column(Boolean, default=False)  # over a year old
    wants_advocate: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    locale: Mapped[str] = mapped_column(String(10), default="en")
    received_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_on: Mapped[date | None]
    closed_because: Mapped[ClosedBecause | None] = mapped_column(
        string_enum(ClosedBecause, "complaint_closed_because")
    )

    stages: Mapped[list["ComplaintStage"]] = relationship(
        back_populates="complaint", order_by="ComplaintStage.number", cascade="all"
    )

    @property
    def stage(self) -> "ComplaintStage":
        """The stage it has reached."""
        return self.stages[-1]

    @property
    def is_closed(self) -> bool:
        """Nothing more will happen."""
        return self.closed_on is not None


class ComplaintStage(db.Model):
    """Stage 1 (local resolution), 2 (investigation) or 3 (review panel)."""

    __tablename__ = "complaint_stage"
    __table_args__ = (
        UniqueConstraint("complaint_id", "number", name="uq_complaint_stage_number"),
        CheckConstraint("number BETWEEN 1 AND 3", name="number_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    requested_on: Mapped[date]
    why_requested: Mapped[str | None] = mapped_column(EncryptedText)  # stages 2 and 3
    due_on: Mapped[date] = mapped_column(index=True)
    extended_on: Mapped[date | None]
    extension_reason: Mapped[str | None] = mapped_column(EncryptedText)
    panel_on: Mapped[date | None]  # stage 3: the day the review panel meets
    responded_on: Mapped[date | None]
    response: Mapped[str | None] = mapped_column(EncryptedText)
    outcome: Mapped[Outcome | None] = mapped_column(string_enum(Outcome, "complaint_outcome"))
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    complaint: Mapped[Complaint] = relationship(back_populates="stages")

    @property
    def is_answered(self) -> bool:
        """The complainant has had the stage's response."""
        return self.responded_on is not None
