"""An information event sits on an occasion (its time and seats) from the booking engine."""

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.bookings.models import Booking, Occasion
from portal.core.db import string_enum, utcnow
from portal.core.extensions import db
from portal.organisation.models import FosteringService, Venue

KIND = "information-event"


class InformationEvent(db.Model):
    """A 'Find out about Fostering' event, in person at a venue or online."""

    __tablename__ = "information_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    occasion_id: Mapped[int] = mapped_column(ForeignKey("occasion.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    accessibility_notes: Mapped[str] = mapped_column(Text, default="")
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id"))
    is_online: Mapped[bool] = mapped_column(Boolean, default=False)
    online_link: Mapped[str] = mapped_column(String(500), default="")
    series_id: Mapped[str | None] = mapped_column(String(32), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    service: Mapped[FosteringService] = relationship()
    occasion: Mapped[Occasion] = relationship(lazy="joined", innerjoin=True)
    venue: Mapped[Venue | None] = relationship(lazy="joined")

    @property
    def place(self) -> str:
        """Where it happens, for lists."""
        if self.venue is not None:
            return self.venue.name
        return ""


class Usefulness(enum.StrEnum):
    """How useful an attendee found an event."""

    VERY = "very"
    QUITE = "quite"
    NOT = "not"


class EventFeedback(db.Model):
    """What an attendee said after the event."""

    __tablename__ = "event_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("information_event.id"), index=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id"), unique=True)
    usefulness: Mapped[Usefulness] = mapped_column(string_enum(Usefulness, "usefulness"))
    what_would_help: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    booking: Mapped[Booking] = relationship()
