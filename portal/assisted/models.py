"""What staff made for someone who phoned or called in: one row per assisted action."""

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.crypto import EncryptedText
from portal.core.db import string_enum, utcnow
from portal.core.extensions import db


class AssistedKind(enum.StrEnum):
    """What the staff member made for the caller."""

    ENQUIRY = "enquiry"
    EVENT_BOOKING = "event-booking"
    VISIT_BOOKING = "visit-booking"
    COMPLAINT = "complaint"
    VISITOR_REQUEST = "visitor-request"


class HowContacted(enum.StrEnum):
    """How the person reached the service."""

    PHONE = "phone"
    IN_PERSON = "in-person"
    OTHER = "other"


class AssistedAction(db.Model):
    """A booking, enquiry, complaint or request made by staff for someone, and which
    record it made (the record itself behaves as if the person had made it)."""

    __tablename__ = "assisted_action"
    __table_args__ = (Index("ix_assisted_action_service_made", "service_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    kind: Mapped[AssistedKind] = mapped_column(string_enum(AssistedKind, "assisted_kind"))
    object_type: Mapped[str] = mapped_column(String(80))
    object_id: Mapped[int] = mapped_column(Integer)
    # The reference read back to the caller (not secret on its own), if the record has one.
    reference: Mapped[str | None] = mapped_column(String(20))
    # The caller's name as given. Always encrypted: it is often a young person's.
    for_name: Mapped[str | None] = mapped_column(EncryptedText)
    is_about_young_person: Mapped[bool] = mapped_column(Boolean, default=False)
    how_contacted: Mapped[HowContacted] = mapped_column(
        string_enum(HowContacted, "assisted_how_contacted")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    staff: Mapped[User] = relationship()
