"""Panel dates, and one panel case per application: booked, papers sent, recommended,
decided."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import CarerType, User
from portal.applications.models import Application
from portal.core.db import string_enum, utcnow
from portal.core.extensions import db


class Outcome(enum.StrEnum):
    """What the panel recommends, and what the agency decision maker decides."""

    APPROVE = "approve"
    NOT_APPROVE = "not-approve"


class Panel(db.Model):
    """A day the service's fostering panel meets."""

    __tablename__ = "panel"
    __table_args__ = (UniqueConstraint("service_id", "meets_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    meets_on: Mapped[date]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cases: Mapped[list["PanelCase"]] = relationship(back_populates="panel", order_by="PanelCase.id")


class PanelCase(db.Model):
    """One application before the panel, then before the agency decision maker."""

    __tablename__ = "panel_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id"), index=True)
    booked_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    booked_at: Mapped[datetime] = mapped_column(default=utcnow)
    papers_sent_on: Mapped[date | None]
    # The panel's recommendation.
    recommendation: Mapped[Outcome | None] = mapped_column(string_enum(Outcome, "panel_outcome"))
    carer_type: Mapped[CarerType | None] = mapped_column(string_enum(CarerType, "carer_type"))
    recommended_on: Mapped[date | None]
    recommendation_note: Mapped[str] = mapped_column(Text, default="")
    # The agency decision maker's decision.
    decision: Mapped[Outcome | None] = mapped_column(string_enum(Outcome, "panel_outcome"))
    decided_on: Mapped[date | None]
    decision_reasons: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    panel: Mapped[Panel] = relationship(back_populates="cases")
    application: Mapped[Application] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
