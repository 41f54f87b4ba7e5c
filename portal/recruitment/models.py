"""An enquiry: the first thing a prospective foster carer sends."""

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import string_enum, utcnow
from portal.core.extensions import db
from portal.organisation.models import FosteringService


class Interest(enum.StrEnum):
    """The kind of fostering an enquirer is interested in."""

    MAINSTREAM = "mainstream"
    SHORT_BREAKS = "short-breaks"
    PARENT_AND_CHILD = "parent-and-child"
    TEENAGERS = "teenagers"
    BROTHERS_AND_SISTERS = "brothers-and-sisters"
    NOT_SURE = "not-sure"


class HeardFrom(enum.StrEnum):
    """How an enquirer heard about the service."""

    WEBSITE = "website"
    SOCIAL_MEDIA = "social-media"
    FRIEND_OR_FAMILY = "friend-or-family"
    FOSTER_CARER = "foster-carer"
    EVENT = "event"
    ADVERT = "advert"
    OTHER = "other"


class Enquiry(db.Model):
    """Someone's first contact with the recruitment team."""

    __tablename__ = "enquiry"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    phone: Mapped[str] = mapped_column(String(20))
    postcode: Mapped[str] = mapped_column(String(8))
    adults_at_home: Mapped[int] = mapped_column(Integer)
    children_at_home: Mapped[int] = mapped_column(Integer)
    has_spare_bedroom: Mapped[bool] = mapped_column(Boolean)
    interests: Mapped[str] = mapped_column(String(300))  # comma-separated Interest values
    heard_from: Mapped[HeardFrom] = mapped_column(string_enum(HeardFrom, "heard_from"))
    locale: Mapped[str] = mapped_column(String(10), default="en")
    # Hash of the secret in the enquiry email's links (book a visit without an account).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    made_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    service: Mapped[FosteringService] = relationship()

    @property
    def interest_list(self) -> list[Interest]:
        """The interests as enum members."""
        return [Interest(value) for value in self.interests.split(",") if value]
