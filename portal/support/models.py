"""What a service offers its approved carers: support groups, the Forum, allowances, guidance."""

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import string_enum, utcnow
from portal.core.extensions import db
from portal.organisation.models import FosteringService, Locality, Venue


class SupportGroup(db.Model):
    """A locality's foster carers' support group, meeting about once a month."""

    __tablename__ = "support_group"
    __table_args__ = (UniqueConstraint("locality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    locality_id: Mapped[int] = mapped_column(ForeignKey("locality.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    service: Mapped[FosteringService] = relationship()
    locality: Mapped[Locality] = relationship(lazy="joined", innerjoin=True)


class SupportMeeting(db.Model):
    """One dated meeting of a support group, or of the Forum when it has no group."""

    __tablename__ = "support_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    # None for a meeting of the service-wide Foster Carers Forum.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("support_group.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id"))
    is_online: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    service: Mapped[FosteringService] = relationship()
    group: Mapped[SupportGroup | None] = relationship(lazy="joined")
    venue: Mapped[Venue | None] = relationship(lazy="joined")

    @property
    def is_forum(self) -> bool:
        """A meeting of the Foster Carers Forum rather than of a locality's group."""
        return self.group_id is None


class SupportInformation(db.Model):
    """The service's own words for carers: its mentor scheme and what happens after an
    allegation. The out-of-hours number stays on the service itself."""

    __tablename__ = "support_information"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), unique=True)
    mentor_scheme: Mapped[str] = mapped_column(Text, default="")
    allegations_guidance: Mapped[str] = mapped_column(Text, default="")
    # Said once under the table, e.g. which year the amounts are for.
    allowances_note: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    service: Mapped[FosteringService] = relationship()


class PaymentKind(enum.StrEnum):
    """A fee rewards the carer's skills; an allowance covers the child's day-to-day costs."""

    FEE = "fee"
    ALLOWANCE = "allowance"


class AllowanceLevel(db.Model):
    """One row of the service's fees and allowances table: a level and its weekly amount.
    Rows are listed by amount, so a level's place in the table follows from what it pays."""

    __tablename__ = "allowance_level"
    __table_args__ = (UniqueConstraint("service_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    kind: Mapped[PaymentKind] = mapped_column(string_enum(PaymentKind, "payment_kind"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    weekly_amount: Mapped[Decimal] = mapped_column(Numeric(8, 2))

    service: Mapped[FosteringService] = relationship()
