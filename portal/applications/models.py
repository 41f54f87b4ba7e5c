"""An application to foster: opened by the decision to progress after an initial visit,
then paperwork, assessment, panel and the agency's decision. Every stage change is a row."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import string_enum, utcnow
from portal.core.extensions import db
from portal.visits.models import VisitBooking


class Stage(enum.StrEnum):
    """Where an application is. The first three are the outcomes of the decision to
    progress; 'not now' and 'withdrawn' end it, as do the two final decisions."""

    PAPERWORK = "paperwork"
    NOT_NOW = "not-now"
    WITHDRAWN = "withdrawn"
    ASSESSMENT = "assessment"
    PANEL = "panel"
    APPROVED = "approved"
    NOT_APPROVED = "not-approved"


DECISIONS = (Stage.PAPERWORK, Stage.NOT_NOW, Stage.WITHDRAWN)
ENDED = frozenset({Stage.NOT_NOW, Stage.WITHDRAWN, Stage.APPROVED, Stage.NOT_APPROVED})
# The only moves allowed; anything else is refused.
ALLOWED = {
    Stage.PAPERWORK: frozenset({Stage.ASSESSMENT, Stage.WITHDRAWN}),
    Stage.ASSESSMENT: frozenset({Stage.PANEL, Stage.WITHDRAWN}),
    Stage.PANEL: frozenset({Stage.APPROVED, Stage.NOT_APPROVED, Stage.WITHDRAWN}),
}


class Application(db.Model):
    """One household's application, from the decision to progress onwards."""

    __tablename__ = "application"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    visit_booking_id: Mapped[int] = mapped_column(ForeignKey("visit_booking.id"), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    stage: Mapped[Stage] = mapped_column(string_enum(Stage, "application_stage"), index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The decision to progress: what was decided, why, and who was at the meeting.
    decided_on: Mapped[date]
    reasons: Mapped[str] = mapped_column(Text)
    present: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    visit_booking: Mapped[VisitBooking] = relationship()
    worker: Mapped[User | None] = relationship(foreign_keys=[worker_id])
    steps: Mapped[list["ApplicationStep"]] = relationship(
        back_populates="application", order_by="ApplicationStep.id", cascade="all"
    )

    @property
    def has_ended(self) -> bool:
        """Nothing more will happen to it."""
        return self.stage in ENDED


class ApplicationStep(db.Model):
    """One change of stage: from where, to where, by whom, when, and why."""

    __tablename__ = "application_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    from_stage: Mapped[Stage | None] = mapped_column(string_enum(Stage, "application_stage"))
    to_stage: Mapped[Stage] = mapped_column(string_enum(Stage, "application_stage"))
    by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    application: Mapped[Application] = relationship(back_populates="steps")
