"""Requests for an independent visitor, and adults offering to be one."""

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.crypto import EncryptedText
from portal.core.db import string_enum, utcnow
from portal.core.extensions import db


class RequestStatus(enum.StrEnum):
    """Where a request for an independent visitor has got to."""

    RECEIVED = "received"
    MATCHING = "matching"
    MATCHED = "matched"
    VISITS_STARTED = "visits-started"
    DECLINED = "declined"  # the young person said no, which is their right


class VisitorRequest(db.Model):
    """A young person asking for an independent visitor."""

    __tablename__ = "visitor_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str | None] = mapped_column(EncryptedText)
    age: Mapped[int | None] = mapped_column(Integer)
    how_to_reach: Mapped[str | None] = mapped_column(EncryptedText)
    interests: Mapped[str | None] = mapped_column(EncryptedText)
    languages: Mapped[str | None] = mapped_column(EncryptedText)
    preferences: Mapped[str | None] = mapped_column(EncryptedText)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[RequestStatus] = mapped_column(
        string_enum(RequestStatus, "visitor_request_status"), default=RequestStatus.RECEIVED
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class VolunteerOffer(db.Model):
    """An adult offering to become an independent visitor, and their checks."""

    __tablename__ = "visitor_volunteer"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(20))
    postcode: Mapped[str] = mapped_column(String(8))
    why: Mapped[str] = mapped_column(EncryptedText)
    dbs_checked: Mapped[bool] = mapped_column(Boolean, default=False)
    references_taken: Mapped[bool] = mapped_column(Boolean, default=False)
    assessed: Mapped[bool] = mapped_column(Boolean, default=False)
    trained: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    @property
    def is_ready(self) -> bool:
        """Every check done: they can be matched with a young person."""
        return self.dbs_checked and self.references_taken and self.assessed and self.trained
