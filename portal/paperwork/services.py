"""Paperwork rules: the service's checklist, the applicant's documents against it, staff
review (each decision audited and the applicant emailed), and the move to assessment once
everything is accepted."""

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from portal.accounts.models import Role, User
from portal.applications import services as applications
from portal.applications.models import Application, Stage
from portal.core import audit, outbox, uploads
from portal.core.extensions import db
from portal.organisation.models import FosteringService
from portal.paperwork.models import DocumentStatus, PaperworkDocument, PaperworkItem

REVIEWER_ROLES = (Role.RECRUITMENT, Role.ASSESSING_SOCIAL_WORKER, Role.SERVICE_MANAGER)
MOVER_ROLES = applications.DECIDER_ROLES
COMMENT_MAX = 2000

# What a service asks for until it changes its own list: (name, plain description).
DEFAULT_CHECKLIST = (
    (
        "Application form",
        "The application form we gave you after your initial visit, filled in and signed by "
        "everyone who is applying.",
    ),
    (
        "Proof of identity",
        "A passport or photocard driving licence for each adult who is applying.",
    ),
    (
        "Proof of address",
        "A council tax bill, utility bill or bank statement from the last 3 months, "
        "showing your name and address.",
    ),
    (
        "Referees' details",
        "The names, addresses and phone numbers of 3 people who know you well. At least 2 "
        "must not be related to you. We will contact them.",
    ),
    (
        "Health questionnaire",
        "The health questionnaire, filled in by each adult who is applying. We then ask "
        "your GP for a medical report.",
    ),
    (
        "DBS consent form",
        "Signed by every adult aged 18 or over who lives in your home, so that we can "
        "carry out enhanced DBS checks.",
    ),
    (
        "Consent to other checks",
        "Your signed consent for us to contact other councils you have lived in, your "
        "employer and, if you have children, their school or health visitor.",
    ),
)


class NotAllowed(Exception):
    """The document or application is not in a state that allows this."""


def is_in_paperwork(application: Application) -> bool:
    """The application is at the paperwork stage, so documents can change."""
    return application.stage == Stage.PAPERWORK


# ---- the checklist ---------------------------------------------------------------------


def _items_of(service: FosteringService) -> list[PaperworkItem]:
    return list(
        db.session.scalars(
            select(PaperworkItem)
            .where(PaperworkItem.service_id == service.id)
            .order_by(PaperworkItem.position, PaperworkItem.id)
        )
    )


def ensure_checklist(service: FosteringService) -> list[PaperworkItem]:
    """The service's active checklist, seeded with the defaults the first time (flushed;
    the caller commits)."""
    items = _items_of(service)
    if not items:
        items = [
            PaperworkItem(
                service_id=service.id, name=name, description=text, position=n, is_active=True
            )
            for n, (name, text) in enumerate(DEFAULT_CHECKLIST, start=1)
        ]
        db.session.add_all(items)
        db.session.flush()
    return [item for item in items if item.is_active]


def checklist_items(service: FosteringService) -> list[PaperworkItem]:
    """The active checklist; a service's first look seeds and keeps the defaults."""
    items = _items_of(service)
    if items:
        return [item for item in items if item.is_active]
    try:
        ensure_checklist(service)
        db.session.commit()
    except IntegrityError:  # another request seeded it first
        db.session.rollback()
    return [item for item in _items_of(service) if item.is_active]


@dataclass
class Row:
    """One checklist item and the document sent for it, if any."""

    item: PaperworkItem
    document: PaperworkDocument | None

    @property
    def status(self) -> DocumentStatus | None:
        return self.document.status if self.document else None

    @property
    def can_upload(self) -> bool:
        """Anything but an accepted document can be sent or replaced."""
        return self.status != DocumentStatus.ACCEPTED

    @property
    def is_waiting(self) -> bool:
        """Sent, and waiting for staff to look at it."""
        return self.status == DocumentStatus.UPLOADED

    @property
    def returned_comment(self) -> str:
        """Why staff returned the document; '' unless it is returned."""
        return self.document.comment if self.status == DocumentStatus.RETURNED else ""

    @property
    def is_missing(self) -> bool:
        """Nothing sent yet, or what was sent came back."""
        return self.status in (None, DocumentStatus.RETURNED)


@dataclass
class Checklist:
    """Every item with its document, and how far the application has got."""

    rows: list[Row]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def accepted(self) -> int:
        return sum(1 for row in self.rows if row.status == DocumentStatus.ACCEPTED)

    @property
    def missing(self) -> list[PaperworkItem]:
        return [row.item for row in self.rows if row.is_missing]

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.accepted == self.total


def checklist(service: FosteringService, application: Application) -> Checklist:
    """The application's checklist: two queries."""
    items = checklist_items(service)
    documents = {
        document.item_id: document
        for document in db.session.scalars(
            select(PaperworkDocument).where(PaperworkDocument.application_id == application.id)
        )
    }
    return Checklist([Row(item, documents.get(item.id)) for item in items])


def row_for(service: FosteringService, application: Application, item_id: int) -> Row | None:
    """One active item of the service's checklist with the application's document."""
    return next(
        (row for row in checklist(service, application).rows if row.item.id == item_id), None
    )


# ---- the applicant ---------------------------------------------------------------------


def application_in_paperwork(service: FosteringService, user: User) -> Application | None:
    """The signed-in applicant's application, while it is at the paperwork stage."""
    return next(
        (a for a in applications.applications_of(service, user) if is_in_paperwork(a)),
        None,
    )


def upload(
    application: Application,
    item: PaperworkItem,
    upload: tuple[bytes, uploads.Kind],
    *,
    by: User,
    now: datetime,
) -> PaperworkDocument:
    """Send a document for an item, replacing one that is waiting or was returned; an
    accepted document stays as it is."""
    if not is_in_paperwork(application):
        raise NotAllowed
    document = db.session.scalar(
        select(PaperworkDocument).where(
            PaperworkDocument.application_id == application.id,
            PaperworkDocument.item_id == item.id,
        )
    )
    if document is not None and document.status == DocumentStatus.ACCEPTED:
        raise NotAllowed
    data, kind = upload
    key = uploads.store(data, kind, service_id=application.service_id)
    replaced = document.file_key if document else None
    if document is None:
        document = PaperworkDocument(application_id=application.id, item_id=item.id)
        db.session.add(document)
    document.file_key = key
    document.file_kind = kind.extension
    document.file_size = len(data)
    document.status = DocumentStatus.UPLOADED
    document.uploaded_at = now
    audit.record(
        "paperwork.uploaded",
        document,
        service=_service(application),
        actor=by,
        item=item.name,
        replaced=replaced is not None,
    )
    try:
        db.session.commit()
    except IntegrityError:  # a second tab sent the first file at the same moment
        db.session.rollback()
        uploads.remove(key)
        raise NotAllowed from None
    uploads.remove(replaced)
    return document


# ---- staff -----------------------------------------------------------------------------


def _service(application: Application) -> FosteringService:
    return db.session.get(FosteringService, application.service_id)


def application_for(service: FosteringService, application_id: int) -> Application | None:
    """An application of this service that has reached the paperwork stage."""
    application = db.session.get(Application, application_id)
    if application is None or application.service_id != service.id:
        return None
    if not any(step.to_stage == Stage.PAPERWORK for step in application.steps):
        return None  # 'not now' straight after the visit: there was never any paperwork
    return application


def document_for(service: FosteringService, document_id: int) -> PaperworkDocument | None:
    """A document sent to this service."""
    document = db.session.get(PaperworkDocument, document_id)
    if document is None or document.application.service_id != service.id:
        return None
    return document


def is_waiting(document: PaperworkDocument) -> bool:
    """The document waits for a decision, and the application can still take one."""
    return document.status == DocumentStatus.UPLOADED and is_in_paperwork(document.application)


def review(
    document: PaperworkDocument, *, accept: bool, comment: str, by: User, now: datetime
) -> None:
    """Accept a waiting document, or return it with a comment the applicant reads; the
    applicant is emailed that something changed."""
    application = document.application
    if not is_waiting(document):
        raise NotAllowed
    comment = comment.strip()
    if not accept and not comment:
        raise NotAllowed
    document.status = DocumentStatus.ACCEPTED if accept else DocumentStatus.RETURNED
    document.comment = "" if accept else comment
    document.reviewed_at = now
    document.reviewed_by_id = by.id
    service = _service(application)
    audit.record(
        "paperwork.reviewed",
        document,
        service=service,
        actor=by,
        item=document.item.name,
        accepted=accept,
    )
    user = db.session.get(User, application.user_id) if application.user_id else None
    outbox.enqueue(
        to=user.email if user else application.email,
        template="paperwork_reviewed",
        locale=(user.locale if user else None) or application.visit_booking.locale,
        service=service,
        name=application.name,
        item=document.item.name,
        accepted=accept,
        link=url_for("paperwork.checklist", service=service.slug, _external=True),
    )
    db.session.commit()


def move_to_assessment(
    service: FosteringService, application: Application, *, by: User, now: datetime
) -> None:
    """Once every item is accepted, the application moves on to assessment."""
    if not is_in_paperwork(application) or not checklist(service, application).is_complete:
        raise NotAllowed
    applications.move(application, Stage.ASSESSMENT, by=by, now=now, note="Paperwork complete.")


@dataclass
class Overview:
    """The staff list: applications at the paperwork stage and what waits for review."""

    total: int
    applications: list[tuple[Application, int]]  # each with its accepted count
    waiting: list[PaperworkDocument]


def overview(service: FosteringService) -> Overview:
    """Applications in paperwork, oldest first, with accepted counts, and documents waiting
    for review, oldest first: three queries however many there are."""
    items = checklist_items(service)
    active = [item.id for item in items]
    accepted = (
        select(func.count(PaperworkDocument.id))
        .where(
            PaperworkDocument.application_id == Application.id,
            PaperworkDocument.status == DocumentStatus.ACCEPTED,
            PaperworkDocument.item_id.in_(active),
        )
        .correlate(Application)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Application, accepted)
        .where(Application.service_id == service.id, Application.stage == Stage.PAPERWORK)
        .order_by(Application.created_at, Application.id)
    ).all()
    waiting = db.session.scalars(
        select(PaperworkDocument)
        .join(PaperworkDocument.application)
        .where(
            Application.service_id == service.id,
            Application.stage == Stage.PAPERWORK,
            PaperworkDocument.status == DocumentStatus.UPLOADED,
            PaperworkDocument.item_id.in_(active),
        )
        .options(contains_eager(PaperworkDocument.application), joinedload(PaperworkDocument.item))
        .order_by(PaperworkDocument.uploaded_at, PaperworkDocument.id)
    )
    return Overview(
        total=len(items),
        applications=[(application, count) for application, count in rows],
        waiting=list(waiting),
    )
