"""The per-service paperwork checklist, and the documents an application sends against it."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.applications.models import Application
from portal.core.db import string_enum, utcnow
from portal.core.extensions import db


class DocumentStatus(enum.StrEnum):
    """Where one sent document is: waiting for staff, accepted, or returned with a comment."""

    UPLOADED = "uploaded"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class PaperworkItem(db.Model):
    """One thing a service asks every applicant for, such as 'Proof of identity'."""

    __tablename__ = "paperwork_item"
    __table_args__ = (UniqueConstraint("service_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(default=True)


class PaperworkDocument(db.Model):
    """The file an application sent for one checklist item, and what staff made of it."""

    __tablename__ = "paperwork_document"
    __table_args__ = (UniqueConstraint("application_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("paperwork_item.id"), index=True)
    file_key: Mapped[str] = mapped_column(String(200))
    file_kind: Mapped[str] = mapped_column(String(10))
    file_size: Mapped[int] = mapped_column(Integer)
    status: Mapped[DocumentStatus] = mapped_column(
        string_enum(DocumentStatus, "paperwork_document_status"), index=True
    )
    comment: Mapped[str] = mapped_column(Text, default="")
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    application: Mapped[Application] = relationship()
    item: Mapped[PaperworkItem] = relationship()
    reviewed_by: Mapped[User | None] = relationship()
