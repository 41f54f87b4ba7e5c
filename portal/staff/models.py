"""Work items: who a queue item is assigned to, and when it was marked done."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import string_enum, utcnow
from portal.core.extensions import db
from portal.organisation.models import FosteringService


class WorkKind(enum.StrEnum):
    """What a queue item is; `object_id` is the id of that feature's row.

    Both message queues share one kind, so an assignment follows a conversation when it
    becomes urgent."""

    MESSAGE = "message"  # rights_conversation
    COMPLAINT = "complaint"  # complaint_stage: each stage is its own piece of work
    VISIT_RECORD = "visit-record"  # visit_booking whose record is still to be written
    DECISION = "decision"  # visit_record waiting for the decision to progress
    PAPERWORK = "paperwork"  # paperwork_document waiting to be checked
    TSDS_EVIDENCE = "tsds-evidence"  # tsds_evidence sent for review
    ASSESSMENT = "assessment"  # assessment past its target
    AGENCY_DECISION = "agency-decision"  # panel_case waiting for the decision maker
    EVENT_WAITING_LIST = "event-waiting-list"  # information_event
    TRAINING_WAITING_LIST = "training-waiting-list"  # training_session


class WorkItem(db.Model):
    """A colleague made responsible for one queue item, or the item marked done.

    Only items someone has acted on have a row; the queues themselves come from the
    features' own records."""

    __tablename__ = "work_item"
    __table_args__ = (UniqueConstraint("service_id", "kind", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("fostering_service.id"), index=True)
    kind: Mapped[WorkKind] = mapped_column(string_enum(WorkKind, "work_kind"))
    object_id: Mapped[int] = mapped_column(Integer)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    service: Mapped[FosteringService] = relationship()
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])
