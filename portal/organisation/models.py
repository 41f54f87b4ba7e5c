"""A fostering service and the places, areas and teams it is organised in."""

from datetime import datetime

from flask import current_app
from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import utcnow
from portal.core.extensions import db


def _every_shipped_language() -> str:
    return ",".join(current_app.config["LANGUAGES"])


class FosteringService(db.Model):
    """One council's fostering service; every service-owned record points here."""

    __tablename__ = "fostering_service"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    council_name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(100))
    brand_colour: Mapped[str] = mapped_column(String(7), default="#1d70b8")
    website_url: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    # Figures from the Statement of Purpose, as [{"label": ..., "value": ...}, ...].
    key_numbers: Mapped[list] = mapped_column(JSON, default=list)

    fostering_phone: Mapped[str] = mapped_column(String(60), default="")
    fostering_email: Mapped[str] = mapped_column(String(254), default="")
    childrens_rights_phone: Mapped[str] = mapped_column(String(60), default="")
    childrens_rights_email: Mapped[str] = mapped_column(String(254), default="")
    complaints_phone: Mapped[str] = mapped_column(String(60), default="")
    complaints_email: Mapped[str] = mapped_column(String(254), default="")
    corporate_parenting_phone: Mapped[str] = mapped_column(String(60), default="")
    corporate_parenting_email: Mapped[str] = mapped_column(String(254), default="")
    out_of_hours_phone: Mapped[str] = mapped_column(String(60), default="")
    registered_manager_name: Mapped[str] = mapped_column(String(200), default="")
    registered_manager_phone: Mapped[str] = mapped_column(String(60), default="")
    registered_manager_email: Mapped[str] = mapped_column(String(254), default="")
    childrens_commissioner_phone: Mapped[str] = mapped_column(String(60), default="")
    childrens_commissioner_email: Mapped[str] = mapped_column(String(254), default="")
    childrens_commissioner_website: Mapped[str] = mapped_column(String(300), default="")
    ofsted_phone: Mapped[str] = mapped_column(String(60), default="")
    ofsted_email: Mapped[str] = mapped_column(String(254), default="")
    ofsted_address: Mapped[str] = mapped_column(Text, default="")

    # Timescales the service works to (its own settings; defaults from the standards).
    assessment_target_weeks: Mapped[int] = mapped_column(Integer, default=16)
    panel_due_months: Mapped[int] = mapped_column(Integer, default=8)
    panel_papers_working_days: Mapped[int] = mapped_column(Integer, default=5)
    decision_working_days: Mapped[int] = mapped_column(Integer, default=7)
    review_days: Mapped[int] = mapped_column(Integer, default=28)
    viability_working_days: Mapped[int] = mapped_column(Integer, default=15)
    temporary_approval_weeks: Mapped[int] = mapped_column(Integer, default=16)
    temporary_extension_weeks: Mapped[int] = mapped_column(Integer, default=8)

    # How long records are kept once nothing more will happen to them (the service's own
    # settings; `flask retention purge` applies them, portal/privacy/retention.py says which
    # records each covers). The Fostering Services (England) Regulations 2011, regulation 32,
    # set two floors: at least 3 years after an application is refused or withdrawn, and at
    # least 10 years after a carer's approval (or a Regulation 24 temporary approval) ends.
    # Enquiries that went no further: 3 years, as long as a refused application is kept, so
    # someone who comes back within that time finds their history.
    enquiry_retention_years: Mapped[int] = mapped_column(Integer, default=3)
    applicant_retention_years: Mapped[int] = mapped_column(Integer, default=3)
    carer_retention_years: Mapped[int] = mapped_column(Integer, default=10)
    # Complaints and young people's conversations, after they close: 6 years, the time within
    # which most legal claims must be brought (Limitation Act 1980), and what local authority
    # retention schedules commonly give closed complaint files.
    complaint_retention_years: Mapped[int] = mapped_column(Integer, default=6)
    conversation_retention_years: Mapped[int] = mapped_column(Integer, default=6)
    # The copy of an email kept after it is sent: long enough to answer "did you send it?",
    # while the record it was about keeps what matters.
    email_retention_days: Mapped[int] = mapped_column(Integer, default=90)

    # The languages the service's pages offer, as codes joined by commas ("en,pl,ur,gu");
    # English is offered whatever this holds (portal/core/i18n.py reads it). Emails still go
    # in each person's own saved language after the service stops offering it.
    languages: Mapped[str] = mapped_column(String(100), default=_every_shipped_language)

    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Only the venues and localities in use: a retired one stays on the records that name
    # it but is no longer offered for anything new.
    venues: Mapped[list["Venue"]] = relationship(
        back_populates="service",
        primaryjoin="and_(FosteringService.id == Venue.service_id, Venue.is_retired.is_(False))",
        order_by="Venue.name",
        cascade="all, delete-orphan",
    )
    localities: Mapped[list["Locality"]] = relationship(
        back_populates="service",
        primaryjoin=(
            "and_(FosteringService.id == Locality.service_id, Locality.is_retired.is_(False))"
        ),
        order_by="Locality.name",
        cascade="all, delete-orphan",
    )
    teams: Mapped[list["Team"]] = relationship(
        back_populates="service", order_by="Team.name", cascade="all, delete-orphan"
    )

    @property
    def main_phone(self) -> str:
        """The number to show when nothing more specific is known."""
        return self.fostering_phone or self.registered_manager_phone

    @property
    def childrens_rights_contact_phone(self) -> str:
        """Children's Rights, or the fostering team when the service lists none."""
        return self.childrens_rights_phone or self.main_phone

    def __repr__(self) -> str:
        return f"<FosteringService {self.slug}>"


class Venue(db.Model):
    """A place the service meets people: an office, a training room, or online."""

    __tablename__ = "venue"
    __table_args__ = (UniqueConstraint("service_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    parking: Mapped[str] = mapped_column(Text, default="")
    is_online: Mapped[bool] = mapped_column(Boolean, default=False)
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    service: Mapped[FosteringService] = relationship(back_populates="venues")


class Locality(db.Model):
    """An area the service is organised in (a district or a support team's patch)."""

    __tablename__ = "locality"
    __table_args__ = (UniqueConstraint("service_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    service: Mapped[FosteringService] = relationship(back_populates="localities")


class Team(db.Model):
    """A team within the service, such as recruitment or supervising social workers."""

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("service_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    service: Mapped[FosteringService] = relationship(back_populates="teams")
