"""Training courses, and their sessions, each sitting on an occasion from the booking engine."""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.bookings.models import Booking, Occasion
from portal.core.db import string_enum, utcnow
from portal.core.extensions import db
from portal.organisation.models import FosteringService, Venue

KIND = "training-session"

# The Training, Support and Development Standards for foster care have seven standards.
TSDS_STANDARDS = tuple(range(1, 8))


class Topic(enum.StrEnum):
    """What a course is about; carers filter the catalogue by it."""

    SAFEGUARDING = "safeguarding"
    ATTACHMENT_AND_TRAUMA = "attachment-and-trauma"
    BEHAVIOUR = "behaviour"
    HEALTH_AND_FIRST_AID = "health-and-first-aid"
    EDUCATION = "education"
    IDENTITY_AND_DIVERSITY = "identity-and-diversity"
    ONLINE_SAFETY = "online-safety"
    RECORDING_AND_PROCEDURES = "recording-and-procedures"
    TRANSITIONS = "transitions"
    WELLBEING = "wellbeing"


class Audience(enum.StrEnum):
    """Who a course is for; ALL means every approved carer, whatever their approval."""

    ALL = "all"
    MAINSTREAM = "mainstream"
    FAMILY_AND_FRIENDS = "family-and-friends"
    SHORT_BREAK = "short-break"
    SUPPORTED_LODGINGS = "supported-lodgings"


class CourseFormat(enum.StrEnum):
    """Whether a course runs as dated sessions or as a module done at the carer's pace."""

    SESSIONS = "sessions"
    SELF_PACED = "self-paced"


class TrainingCourse(db.Model):
    """A course in the service's catalogue."""

    __tablename__ = "training_course"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[Topic] = mapped_column(string_enum(Topic, "training_topic"))
    description: Mapped[str] = mapped_column(Text, default="")
    # Comma-separated Audience values, e.g. "mainstream,short-break", or "all".
    audiences: Mapped[str] = mapped_column(String(200), default=Audience.ALL.value)
    counts_for_tsds: Mapped[bool] = mapped_column(Boolean, default=False)
    # Comma-separated TSDS standard numbers, e.g. "1,4".
    tsds_standards: Mapped[str] = mapped_column(String(40), default="")
    is_mandatory: Mapped[bool] = mapped_column(Boolean, default=False)
    format: Mapped[CourseFormat] = mapped_column(
        string_enum(CourseFormat, "training_course_format"), default=CourseFormat.SESSIONS
    )
    module_link: Mapped[str] = mapped_column(String(500), default="")
    # The length of a self-paced module, counted towards a carer's hours once completed.
    module_hours: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    is_withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    service: Mapped[FosteringService] = relationship()

    @property
    def audience_list(self) -> list[Audience]:
        """Who the course is for."""
        return [Audience(value) for value in self.audiences.split(",") if value]

    @property
    def standard_list(self) -> list[int]:
        """The TSDS standards the course counts toward."""
        return [int(value) for value in self.tsds_standards.split(",") if value]

    @property
    def is_self_paced(self) -> bool:
        """Done online at the carer's own pace, with no dated sessions."""
        return self.format == CourseFormat.SELF_PACED


class TrainingSession(db.Model):
    """One dated run of a course, in person at a venue or online."""

    __tablename__ = "training_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"), index=True)
    occasion_id: Mapped[int] = mapped_column(ForeignKey("occasion.id"), unique=True)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id"))
    is_online: Mapped[bool] = mapped_column(Boolean, default=False)
    # Shown only to carers with a confirmed place.
    online_link: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    service: Mapped[FosteringService] = relationship()
    course: Mapped[TrainingCourse] = relationship(lazy="joined", innerjoin=True)
    occasion: Mapped[Occasion] = relationship(lazy="joined", innerjoin=True)
    venue: Mapped[Venue | None] = relationship(lazy="joined")

    @property
    def title(self) -> str:
        """The course's title, so shared event pieces (emails, lists) can show a session."""
        return self.course.title

    @property
    def hours(self) -> Decimal:
        """How long the session lasts, in hours, for a carer's record."""
        seconds = (self.occasion.ends_at - self.occasion.starts_at).total_seconds()
        return (Decimal(int(seconds)) / 3600).quantize(Decimal("0.01"))


class TrainingCancellation(db.Model):
    """Why a carer cancelled a training booking (the engine's booking has no reason)."""

    __tablename__ = "training_cancellation"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    booking: Mapped[Booking] = relationship()


class ModuleCompletion(db.Model):
    """A carer saying they finished a self-paced online module."""

    __tablename__ = "training_module_completion"
    __table_args__ = (UniqueConstraint("course_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    completed_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[TrainingCourse] = relationship()


# A carer's rating of a course, from 5 (very useful) to 1 (not useful).
RATINGS = (5, 4, 3, 2, 1)


class TrainingFeedback(db.Model):
    """What a carer said about a session they attended; one per booking."""

    __tablename__ = "training_feedback"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id"), index=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id"), unique=True)
    rating: Mapped[int] = mapped_column(Integer)
    most_useful: Mapped[str] = mapped_column(Text)
    do_differently: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    booking: Mapped[Booking] = relationship()
    session: Mapped[TrainingSession] = relationship()
