"""Initial visits: slots staff publish, the bookings that hold them, and the visit record."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import string_enum, utcnow
from portal.core.extensions import db
from portal.organisation.models import FosteringService, Locality
from portal.recruitment.models import Enquiry


class VisitMode(enum.StrEnum):
    """Where an initial visit happens."""

    AT_HOME = "at-home"
    VIDEO = "video"


class BookingStatus(enum.StrEnum):
    """Whether a booking still holds its slot."""

    BOOKED = "booked"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"


class Recommendation(enum.StrEnum):
    """What the initial visitor recommends after the visit."""

    PROGRESS_TO_ASSESSMENT = "progress-to-assessment"
    NOT_NOW = "not-now"
    NOT_SUITABLE = "not-suitable"


# Only a booking still in force holds its slot (and counts as the person's one booking).
_HOLDS_SLOT = text("status = 'booked'")


class VisitSlot(db.Model):
    """A time an initial visitor is free for a visit, in one area, at home or by video."""

    __tablename__ = "visit_slot"
    __table_args__ = (Index("ix_visit_slot_visitor_time", "visitor_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    locality_id: Mapped[int] = mapped_column(ForeignKey("locality.id"), index=True)
    mode: Mapped[VisitMode] = mapped_column(string_enum(VisitMode, "visit_mode"))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Removed slots stay, so cancelled bookings keep pointing at what they were for.
    removed_at: Mapped[datetime | None]

    service: Mapped[FosteringService] = relationship()
    visitor: Mapped[User] = relationship(foreign_keys=[visitor_id])
    locality: Mapped[Locality] = relationship()

    @property
    def is_video(self) -> bool:
        """True when the visit is a video call rather than at home."""
        return self.mode == VisitMode.VIDEO

    @property
    def minutes(self) -> int:
        """How long the visit is."""
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class VisitBooking(db.Model):
    """A person's booking of a slot: a signed-in applicant, or an enquirer by private link."""

    __tablename__ = "visit_booking"
    __table_args__ = (
        # Two bookings can never hold the same slot, and one person holds one booking at most.
        Index(
            "uq_visit_booking_slot_booked",
            "slot_id",
            unique=True,
            sqlite_where=_HOLDS_SLOT,
            postgresql_where=_HOLDS_SLOT,
        ),
        Index(
            "uq_visit_booking_user_booked",
            "user_id",
            unique=True,
            sqlite_where=_HOLDS_SLOT,
            postgresql_where=_HOLDS_SLOT,
        ),
        Index(
            "uq_visit_booking_enquiry_booked",
            "enquiry_id",
            unique=True,
            sqlite_where=_HOLDS_SLOT,
            postgresql_where=_HOLDS_SLOT,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("visit_slot.id"), index=True)
    status: Mapped[BookingStatus] = mapped_column(
        string_enum(BookingStatus, "visit_booking_status")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    enquiry_id: Mapped[int | None] = mapped_column(ForeignKey("enquiry.id"), index=True)
    # Who to write to, in their language, whichever way they booked.
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str | None] = mapped_column(String(10))
    booked_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]

    slot: Mapped[VisitSlot] = relationship()
    user: Mapped[User | None] = relationship()
    enquiry: Mapped[Enquiry | None] = relationship()
    record: Mapped["VisitRecord | None"] = relationship(back_populates="booking")


class VisitRecord(db.Model):
    """The initial visitor's written record of a visit."""

    __tablename__ = "visit_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("visit_booking.id"), unique=True)
    written_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    motivation: Mapped[str] = mapped_column(Text)
    understanding: Mapped[str] = mapped_column(Text)
    skills: Mapped[str] = mapped_column(Text)
    recommendation: Mapped[Recommendation] = mapped_column(
        string_enum(Recommendation, "visit_recommendation")
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    written_at: Mapped[datetime] = mapped_column(default=utcnow)

    booking: Mapped[VisitBooking] = relationship(back_populates="record")
    written_by: Mapped[User] = relationship()
