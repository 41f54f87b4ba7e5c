"""Family-and-friends rules: a request gets its viability assessment within the service's
working days; a connected person caring for a child already may be approved temporarily
(Regulation 24) for the service's weeks, extended once by no more than the service's
extension weeks (Regulation 25), until the full assessment's decision or the child moves."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts.models import Role, User
from portal.core import audit, keys, outbox
from portal.core.extensions import db
from portal.core.times import london_today
from portal.core.working_days import add_working_days
from portal.kinship.models import (
    Connection,
    Ending,
    KinshipRequest,
    TemporaryApproval,
    Viability,
)
from portal.organisation.models import FosteringService

STAFF_ROLES = (Role.SERVICE_MANAGER, Role.ASSESSING_SOCIAL_WORKER, Role.RECRUITMENT)
# Temporary approval and its extension are the agency decision maker's: the service manager.
APPROVER_ROLES = (Role.SERVICE_MANAGER,)
ENDING_SOON_DAYS = 28


class NotAllowed(Exception):
    """The change is not allowed in the request's present state."""


@dataclass(frozen=True)
class RequestRow:
    request: KinshipRequest
    due_on: date
    is_overdue: bool


@dataclass(frozen=True)
class ApprovalRow:
    approval: TemporaryApproval
    ends_on: date
    days_left: int

    @property
    def is_overdue(self) -> bool:
        return self.days_left < 0

    @property
    def ends_soon(self) -> bool:
        return 0 <= self.days_left <= ENDING_SOON_DAYS


def viability_due_on(request: KinshipRequest, service: FosteringService) -> date:
    """The day the viability assessment is due: working days from the day it came in."""
    return add_working_days(london_today(request.received_at), service.viability_working_days)


def ends_on(approval: TemporaryApproval) -> date:
    """The last day of a temporary approval, with its extension if it has one."""
    weeks = approval.weeks + (approval.extended_weeks or 0)
    return approval.approved_on + timedelta(weeks=weeks)


def can_extend(approval: TemporaryApproval) -> bool:
    """Open and not extended before: Regulation 25 allows one extension."""
    return approval.ended_on is None and approval.extended_weeks is None


# ---- the request ----------------------------------------------------------------------


def make_request(
    service: FosteringService,
    *,
    details: dict,
    locale: str,
    now: datetime,
    made_by: User | None = None,
) -> KinshipRequest:
    """Record a request to be assessed for a child and send its reference by email."""
    born_on = details.pop("child_born_on", None)
    request = KinshipRequest(
        service_id=service.id,
        reference=keys.new_reference("FF"),
        connection=Connection(details.pop("connection")),
        child_born_on=born_on.isoformat() if born_on else None,
        locale=locale,
        received_at=now,
        made_by_staff_id=made_by.id if made_by else None,
        **{
            key: (value.strip() or None) if isinstance(value, str) else value
            for key, value in details.items()
        },
    )
    db.session.add(request)
    db.session.flush()
    outbox.enqueue(
        to=request.email,
        template="kinship_received",
        locale=locale,
        service=service,
        name=request.name,
        reference=request.reference,
        due_on=viability_due_on(request, service),
    )
    audit.record("kinship.requested", request, service=service, actor=made_by)
    db.session.commit()
    return request


def find(service: FosteringService, request_id: int) -> KinshipRequest | None:
    """A request of this service."""
    request = db.session.get(KinshipRequest, request_id)
    return request if request is not None and request.service_id == service.id else None


def opened(request: KinshipRequest, *, by: User) -> None:
    """A member of staff read the request: it holds a child's details."""
    audit.record("kinship.viewed", request, actor=by)
    db.session.commit()


def rows(service: FosteringService, today: date) -> tuple[list[RequestRow], list[RequestRow]]:
    """Requests waiting for their viability assessment (soonest due first), and the
    decided ones (newest first)."""
    requests = db.session.scalars(
        select(KinshipRequest)
        .where(KinshipRequest.service_id == service.id)
        .options(
            selectinload(KinshipRequest.worker), selectinload(KinshipRequest.temporary_approval)
        )
        .order_by(KinshipRequest.received_at)
    ).all()
    waiting, decided = [], []
    for request in requests:
        due = viability_due_on(request, service)
        row = RequestRow(request, due, request.viability is None and due < today)
        (waiting if request.viability is None else decided).append(row)
    waiting.sort(key=lambda row: row.due_on)
    decided.sort(key=lambda row: row.request.viability_on or date.min, reverse=True)
    return waiting, decided


def approvals(service: FosteringService, today: date) -> list[ApprovalRow]:
    """Temporary approvals still running, the one ending first at the top."""
    running = db.session.scalars(
        select(TemporaryApproval)
        .where(TemporaryApproval.service_id == service.id, TemporaryApproval.ended_on.is_(None))
        .options(selectinload(TemporaryApproval.request))
    ).all()
    found = [ApprovalRow(a, ends_on(a), (ends_on(a) - today).days) for a in running]
    return sorted(found, key=lambda row: row.ends_on)


def allocate(request: KinshipRequest, worker: User, *, by: User, today: date) -> None:
    """Give the viability assessment to a social worker (or hand it to another)."""
    if request.viability is not None:
        raise NotAllowed
    request.worker_id = worker.id
    request.allocated_on = today
    audit.record("kinship.allocated", request, actor=by, worker=worker.id)
    db.session.commit()


def record_viability(
    request: KinshipRequest, outcome: Viability, reasons: str, *, by: User, today: date
) -> None:
    """What the viability assessment found; the person is told, in their language."""
    if request.viability is not None:
        raise NotAllowed
    request.viability = outcome
    request.viability_on = today
    request.viability_reasons = reasons.strip()
    request.viability_by_id = by.id
    audit.record("kinship.viability", request, actor=by, outcome=str(outcome))
    if outcome is not Viability.WITHDRAWN:
        outbox.enqueue(
            to=request.email,
            template="kinship_viability",
            locale=request.locale,
            service=request.service,
            name=request.name,
            reference=request.reference,
            viable=outcome is Viability.VIABLE,
        )
    db.session.commit()


# ---- Regulation 24 temporary approval ---------------------------------------------------


def approve_temporarily(
    request: KinshipRequest, approved_on: date, *, by: User, today: date
) -> TemporaryApproval:
    """Approve the connected person for this child for the service's weeks."""
    if request.temporary_approval is not None or request.viability in {
        Viability.NOT_VIABLE,
        Viability.WITHDRAWN,
    }:
        raise NotAllowed
    if approved_on > today:
        raise NotAllowed
    approval = TemporaryApproval(
        service_id=request.service_id,
        request_id=request.id,
        approved_on=approved_on,
        weeks=request.service.temporary_approval_weeks,
        approved_by_id=by.id,
    )
    db.session.add(approval)
    db.session.flush()
    audit.record(
        "kinship.temporary_approval",
        approval,
        service=request.service,
        actor=by,
        ends_on=ends_on(approval).isoformat(),
    )
    db.session.commit()
    return approval


def extend(approval: TemporaryApproval, weeks: int, reasons: str, *, by: User, today: date) -> None:
    """Extend once, by no more than the service's extension weeks."""
    if (
        not can_extend(approval)
        or not 1 <= weeks <= approval.request.service.temporary_extension_weeks
    ):
        raise NotAllowed
    approval.extended_weeks = weeks
    approval.extended_on = today
    approval.extension_reasons = reasons.strip()
    approval.extended_by_id = by.id
    audit.record(
        "kinship.temporary_extended",
        approval,
        actor=by,
        weeks=weeks,
        ends_on=ends_on(approval).isoformat(),
    )
    db.session.commit()


def end(approval: TemporaryApproval, ending: Ending, ended_on: date, *, by: User) -> None:
    """The temporary approval ends: full approval, the child moved, or another order."""
    if approval.ended_on is not None or ended_on < approval.approved_on:
        raise NotAllowed
    approval.ending = ending
    approval.ended_on = ended_on
    approval.ended_by_id = by.id
    audit.record("kinship.temporary_ended", approval, actor=by, ending=str(ending))
    db.session.commit()


def find_approval(service: FosteringService, request_id: int) -> TemporaryApproval | None:
    """The temporary approval of one of this service's requests."""
    request = find(service, request_id)
    return request.temporary_approval if request is not None else None
