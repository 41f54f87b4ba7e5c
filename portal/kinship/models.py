"""A request to be assessed as a family-and-friends carer for a child, its viability
assessment, and any Regulation 24 temporary approval while the full assessment runs."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.crypto import EncryptedText
from portal.core.db import string_enum, utcnow
from portal.core.extensions import db
from portal.organisation.models import FosteringService


class Connection(enum.StrEnum):
    """How the person asking knows the child."""

    GRANDPARENT = "grandparent"
    AUNT_OR_UNCLE = "aunt-or-uncle"
    BROTHER_OR_SISTER = "brother-or-sister"
    OTHER_RELATIVE = "other-relative"
    FAMILY_FRIEND = "family-friend"
    OTHER = "other"


class Viability(enum.StrEnum):
    """What the viability assessment found."""

    VIABLE = "viable"
    NOT_VIABLE = "not-viable"
    WITHDRAWN = "withdrawn"


class Ending(enum.StrEnum):
    """Why a temporary approval ended."""

    APPROVED = "approved"
    CHILD_MOVED = "child-moved"
    OTHER_ORDER = "other-order"


class KinshipRequest(db.Model):
    """Someone who knows a child asks to be assessed to care for them."""

    __tablename__ = "kinship_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    phone: Mapped[str] = mapped_column(String(20))
    postcode: Mapped[str] = mapped_column(String(8))
    connection: Mapped[Connection] = mapped_column(string_enum(Connection, "kinship_connection"))
    # The child's details are a child's record: encrypted at rest, audited when read.
    child_name: Mapped[str] = mapped_column(EncryptedText)
    child_born_on: Mapped[str | None] = mapped_column(EncryptedText)  # ISO date, if known
    childs_social_worker: Mapped[str | None] = mapped_column(EncryptedText)
    lives_with_them_since: Mapped[date | None]
    message: Mapped[str | None] = mapped_column(EncryptedText)
    locale: Mapped[str] = mapped_column(String(10), default="en")
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    made_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    allocated_on: Mapped[date | None]
    viability: Mapped[Viability | None] = mapped_column(string_enum(Viability, "kinship_viability"))
    viability_on: Mapped[date | None]
    viability_reasons: Mapped[str] = mapped_column(Text, default="")
    viability_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    service: Mapped[FosteringService] = relationship()
    worker: Mapped[User | None] = relationship(foreign_keys=[worker_id])
    temporary_approval: Mapped["TemporaryApproval | None"] = relationship(
        back_populates="request", uselist=False
    )

    @property
    def child_birth_date(self) -> date | None:
        """The child's date of birth, if the person knew it."""
        return date.fromisoformat(self.child_born_on) if self.child_born_on else None


class TemporaryApproval(db.Model):
    """Regulation 24: a connected person approved for one child for a limited time, while
    their full assessment goes to panel; it may be extended once (Regulation 25)."""

    __tablename__ = "temporary_approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("kinship_request.id"), unique=True)
    approved_on: Mapped[date]
    weeks: Mapped[int] = mapped_column(Integer)
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    extended_weeks: Mapped[int | None] = mapped_column(Integer)
    extended_on: Mapped[date | None]
    extension_reasons: Mapped[str] = mapped_column(Text, default="")
    extended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    ended_on: Mapped[date | None]
    ending: Mapped[Ending | None] = mapped_column(string_enum(Ending, "temporary_ending"))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    service: Mapped[FosteringService] = relationship()
    request: Mapped[KinshipRequest] = relationship(back_populates="temporary_approval")
