"""Occasions with seats, and the bookings that take them."""

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import string_enum, utcnow
from portal.core.extensions import db


class OccasionStatus(enum.StrEnum):
    """Whether an occasion is going ahead."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Occasion(db.Model):
    """Something with a start, an end and a number of seats: an event or a training session.

    `seats_taken` is kept in the same transaction as the bookings it counts, so that one
    conditional UPDATE can take seats safely on SQLite and PostgreSQL alike; the CHECK
    constraint makes overbooking impossible even for code that forgets the rule.
    """

    __tablename__ = "occasion"
    __table_args__ = (
        CheckConstraint("capacity BETWEEN 1 AND 1000", name="capacity_range"),
        CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats_within"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    capacity: Mapped[int] = mapped_column(Integer)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[OccasionStatus] = mapped_column(
        string_enum(OccasionStatus, "occasion_status"), default=OccasionStatus.SCHEDULED
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def seats_left(self) -> int:
        """Seats nobody holds."""
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_cancelled(self) -> bool:
        """True when the occasion will not go ahead."""
        return self.status == OccasionStatus.CANCELLED


class BookingStatus(enum.StrEnum):
    """Where a booking stands."""

    CONFIRMED = "confirmed"
    WAITING = "waiting"
    OFFERED = "offered"  # a freed seat is held for this person until offer_expires_at
    CANCELLED = "cancelled"
    LAPSED = "lapsed"  # an offer nobody took up in time


ACTIVE = (BookingStatus.CONFIRMED, BookingStatus.WAITING, BookingStatus.OFFERED)
HOLDING_SEATS = (BookingStatus.CONFIRMED, BookingStatus.OFFERED)


class Booking(db.Model):
    """One person's place (or place in the queue) for an occasion."""

    __tablename__ = "booking"
    __table_args__ = (
        CheckConstraint("seats BETWEEN 1 AND 10", name="seats_range"),
        # One active booking per person per occasion, whatever the timing of requests.
        Index(
            "uq_booking_active_person",
            "occasion_id",
            "email",
            unique=True,
            sqlite_where=text("status IN ('confirmed', 'waiting', 'offered')"),
            postgresql_where=text("status IN ('confirmed', 'waiting', 'offered')"),
        ),
        Index("ix_booking_queue", "occasion_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    occasion_id: Mapped[int] = mapped_column(ForeignKey("occasion.id"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(20), default="")
    seats: Mapped[int] = mapped_column(Integer, default=1)
    access_needs: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str] = mapped_column(String(10), default="en")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    made_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[BookingStatus] = mapped_column(string_enum(BookingStatus, "booking_status"))
    # The private link is an HMAC of this salt, so it can be rebuilt for every email;
    # only its hash is stored for looking it up.
    link_salt: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    offer_expires_at: Mapped[datetime | None]
    attended: Mapped[bool | None] = mapped_column(Boolean)
    reminder_sent_at: Mapped[datetime | None]
    feedback_requested_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]

    occasion: Mapped[Occasion] = relationship()

    @property
    def is_active(self) -> bool:
        """Confirmed, waiting or holding an offer."""
        return self.status in ACTIVE

    @property
    def is_confirmed(self) -> bool:
        """The person has a place."""
        return self.status == BookingStatus.CONFIRMED

    @property
    def is_waiting(self) -> bool:
        """The person is on the waiting list."""
        return self.status == BookingStatus.WAITING

    @property
    def is_offered(self) -> bool:
        """A freed place is held for the person to accept."""
        return self.status == BookingStatus.OFFERED
