"""Complaint rules: the three statutory stages and their working-day clocks, the
complainant's key, the manager's list, and what is emailed (never the complaint's words).

The clocks (Children Act 1989 representations procedure, as the service runs it):
Stage 1 is answered within 10 working days, extendable once to 20; Stage 2 within 25,
extendable to 65; a Stage 3 panel meets within 30 working days of the request. The next
stage may be asked for within 20 working days of a response. Working days leave out
weekends and England's bank holidays.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask import url_for
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from portal.accounts.models import Role, User
from portal.accounts.services import staff_with_role
from portal.complaints.models import (
    ClosedBecause,
    Complainant,
    Complaint,
    ComplaintStage,
    Outcome,
)
from portal.core import audit, keys, outbox
from portal.core.extensions import db
from portal.core.times import london_today
from portal.core.working_days import add_working_days, working_days_between
from portal.organisation.models import FosteringService

MANAGER_ROLES = (Role.COMPLAINTS_MANAGER, Role.SERVICE_MANAGER)
REFERENCE_PREFIX = "CP"
STAGE_DAYS = {1: 10, 2: 25, 3: 30}
EXTENDED_DAYS = {1: 20, 2: 65}  # a Stage 3 panel date cannot move
NEXT_STAGE_WINDOW = 20
LAST_STAGE = 3


class NotAllowed(Exception):
    """The step does not fit where the complaint has got to."""


def year_before(day: date) -> date:
    """The same date a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def working_days_left(due: date, today: date) -> int:
    """Working days from today until `due`; negative once it has passed."""
    if today <= due:
        return working_days_between(today, due)
    return -working_days_between(due, today)


def next_stage_deadline(stage: ComplaintStage) -> date | None:
    """The last day to ask for the next stage, once this one is answered."""
    if not stage.is_answered or stage.number >= LAST_STAGE:
        return None
    return add_working_days(stage.responded_on, NEXT_STAGE_WINDOW)


def can_extend(stage: ComplaintStage) -> bool:
    """Stages 1 and 2 can be extended once, before they are answered."""
    return (
        stage.number in EXTENDED_DAYS
        and stage.extended_on is None
        and not stage.is_answered
        and not stage.complaint.is_closed
    )


def can_ask_for_next_stage(complaint: Complaint, today: date) -> bool:
    """The complainant may still take it further themselves."""
    deadline = next_stage_deadline(complaint.stage)
    return not complaint.is_closed and deadline is not None and today <= deadline


@dataclass(frozen=True)
class Clock:
    """Where a complaint stands today, for the manager's list and the complainant."""

    stage: int
    waiting_for: str  # "service", "complainant" or "nobody"
    due_on: date | None
    days_left: int | None


def clock(complaint: Complaint, today: date) -> Clock:
    """The date that matters now and the working days left until it."""
    stage = complaint.stage
    if complaint.is_closed:
        return Clock(stage.number, "nobody", None, None)
    if not stage.is_answered:
        return Clock(stage.number, "service", stage.due_on, working_days_left(stage.due_on, today))
    deadline = next_stage_deadline(stage)
    if deadline is None:
        return Clock(stage.number, "nobody", None, None)
    return Clock(stage.number, "complainant", deadline, working_days_left(deadline, today))


# ---- making and finding a complaint ----------------------------------------------------


def make_complaint(
    service: FosteringService,
    *,
    complainant: Complainant,
    body: str,
    now: datetime,
    locale: str,
    name: str = "",
    email: str = "",
    phone: str = "",
    on_behalf_of: str = "",
    put_right: str = "",
    happened_on: date | None = None,
    wants_advocate: bool = False,
    user_id: int | None = None,
) -> tuple[Complaint, str]:
    """Record a complaint and start Stage 1; returns it and its secret words."""
    today = london_today(now)
    phrase = keys.new_phrase()
    complaint = Complaint(
        service_id=service.id,
        reference=keys.new_reference(REFERENCE_PREFIX),
        phrase_hash=keys.hash_phrase(phrase),
        complainant=complainant,
        name=name.strip() or None,
        email=email.strip() or None,
        phone=phone.strip() or None,
        on_behalf_of=on_behalf_of.strip() or None,
        body=body.strip(),
        put_right=put_right.strip() or None,
        happened_on=happened_on,
        is_late=happened_on is not None and happened_on < year_before(today),
        wants_advocate=wants_advocate,
        user_id=user_id,
        locale=locale,
        received_on=today,
        created_at=now,
    )
    complaint.stages.append(
        ComplaintStage(
            service_id=service.id,
            number=1,
            requested_on=today,
            due_on=add_working_days(today, STAGE_DAYS[1]),
        )
    )
    db.session.add(complaint)
    db.session.flush()
    audit.record("complaint.made", complaint, service=service, late=complaint.is_late)
    _tell_complainant(complaint, "complaint_received", due_on=complaint.stage.due_on)
    _alert_managers(service, complaint, escalated=False)
    db.session.commit()
    return complaint, phrase


def find_complaint(service: FosteringService, reference: str, phrase: str) -> Complaint | None:
    """The service's complaint behind a reference and secret words, or None either way."""
    complaint = db.session.scalar(
        select(Complaint).where(
            Complaint.service_id == service.id,
            Complaint.reference == keys.normalise_reference(reference, REFERENCE_PREFIX),
        )
    )
    if not keys.phrase_matches(complaint.phrase_hash if complaint else None, phrase):
        return None
    return complaint


def complaint_for(service: FosteringService, complaint_id: int | None) -> Complaint | None:
    """A complaint of this service by id."""
    if complaint_id is None:
        return None
    complaint = db.session.get(Complaint, complaint_id)
    if complaint is None or complaint.service_id != service.id:
        return None
    return complaint


def complaints_of(service: FosteringService, user: User) -> list[Complaint]:
    """A signed-in person's own complaints, newest first."""
    return list(
        db.session.scalars(
            select(Complaint)
            .where(Complaint.service_id == service.id, Complaint.user_id == user.id)
            .order_by(Complaint.id.desc())
        )
    )


# ---- the stages ------------------------------------------------------------------------


def ask_for_next_stage(
    complaint: Complaint, *, why: str, now: datetime, by: User | None = None
) -> ComplaintStage:
    """Start Stage 2 or 3. The complainant may do it within the window; a manager may
    record a request made another way, late ones included (their judgement)."""
    today = london_today(now)
    current = complaint.stage
    if complaint.is_closed or not current.is_answered or current.number >= LAST_STAGE:
        raise NotAllowed
    if by is None and not can_ask_for_next_stage(complaint, today):
        raise NotAllowed
    number = current.number + 1
    stage = ComplaintStage(
        service_id=complaint.service_id,
        number=number,
        requested_on=today,
        why_requested=why.strip() or None,
        due_on=add_working_days(today, STAGE_DAYS[number]),
    )
    complaint.stages.append(stage)
    db.session.flush()
    late = next_stage_deadline(current) < today
    audit.record("complaint.next_stage", complaint, actor=by, stage=number, late=late)
    _tell_complainant(complaint, "complaint_next_stage", stage=number, due_on=stage.due_on)
    service = db.session.get(FosteringService, complaint.service_id)
    _alert_managers(service, complaint, escalated=True)
    db.session.commit()
    return stage


def extend(stage: ComplaintStage, *, reason: str, by: User, now: datetime) -> None:
    """Move the stage's due date out, once, with the reason written down."""
    if not can_extend(stage):
        raise NotAllowed
    stage.extended_on = london_today(now)
    stage.extension_reason = reason.strip()
    stage.due_on = add_working_days(stage.requested_on, EXTENDED_DAYS[stage.number])
    audit.record("complaint.extended", stage.complaint, actor=by, stage=stage.number)
    _tell_complainant(
        stage.complaint, "complaint_extended", stage=stage.number, due_on=stage.due_on
    )
    db.session.commit()


def set_panel_date(stage: ComplaintStage, panel_on: date, *, by: User) -> None:
    """Record when the Stage 3 review panel meets."""
    if stage.number != LAST_STAGE or stage.is_answered or stage.complaint.is_closed:
        raise NotAllowed
    stage.panel_on = panel_on
    audit.record("complaint.panel_set", stage.complaint, actor=by, panel_on=panel_on.isoformat())
    db.session.commit()


def respond(
    stage: ComplaintStage, *, response: str, outcome: Outcome, by: User, now: datetime
) -> None:
    """Record the stage's response; the complainant is told it is there, not what it says."""
    if stage.is_answered or stage.complaint.is_closed:
        raise NotAllowed
    stage.responded_on = london_today(now)
    stage.response = response.strip()
    stage.outcome = outcome
    stage.responded_by_id = by.id
    audit.record("complaint.responded", stage.complaint, actor=by, stage=stage.number)
    _tell_complainant(
        stage.complaint,
        "complaint_response",
        stage=stage.number,
        next_stage_by=next_stage_deadline(stage),
    )
    db.session.commit()


def close(complaint: Complaint, *, because: ClosedBecause, by: User, now: datetime) -> None:
    """Nothing more will happen: withdrawn, or finished."""
    if complaint.is_closed:
        raise NotAllowed
    complaint.closed_on = london_today(now)
    complaint.closed_because = because
    audit.record("complaint.closed", complaint, actor=by, because=because.value)
    db.session.commit()


def reopen(complaint: Complaint, *, by: User) -> None:
    """Undo a close made in error."""
    complaint.closed_on = None
    complaint.closed_because = None
    audit.record("complaint.reopened", complaint, actor=by)
    db.session.commit()


def record_view(complaint: Complaint, by: User) -> None:
    """Every time staff open a complaint, it is written down."""
    audit.record("complaint.viewed", complaint, actor=by)
    db.session.commit()


# ---- the manager's list ----------------------------------------------------------------


def complaints_for(service: FosteringService, *, include_closed: bool = False) -> list[Complaint]:
    """Every complaint with its stages in two queries; open ones first, then by due date."""
    stage_due = (
        select(ComplaintStage.due_on)
        .where(
            ComplaintStage.complaint_id == Complaint.id,
            ComplaintStage.responded_on.is_(None),
        )
        .order_by(ComplaintStage.number.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(Complaint)
        .where(Complaint.service_id == service.id)
        .options(selectinload(Complaint.stages))
        .order_by(
            case((Complaint.closed_on.is_(None), 0), else_=1),
            case((stage_due.is_(None), 1), else_=0),
            stage_due,
            Complaint.id.desc(),
        )
    )
    if not include_closed:
        query = query.where(Complaint.closed_on.is_(None))
    return list(db.session.scalars(query))


# ---- email -----------------------------------------------------------------------------


def _follow_link(complaint: Complaint) -> str:
    service = db.session.get(FosteringService, complaint.service_id)
    return url_for("complaints.follow", service=service.slug, _external=True)


def _tell_complainant(complaint: Complaint, template: str, **context) -> None:
    """Email the complainant if they gave an address: the reference and dates, no words of
    the complaint or the response."""
    if not complaint.email:
        return
    service = db.session.get(FosteringService, complaint.service_id)
    outbox.enqueue(
        to=complaint.email,
        template=template,
        locale=complaint.locale,
        service=service,
        reference=complaint.reference,
        link=_follow_link(complaint),
        **context,
    )


def _managers(service: FosteringService) -> list[User]:
    return staff_with_role(service, Role.COMPLAINTS_MANAGER)


def _alert_managers(service: FosteringService, complaint: Complaint, *, escalated: bool) -> None:
    link = url_for(
        "complaints.staff_complaint",
        service=service.slug,
        complaint_id=complaint.id,
        _external=True,
    )
    # Nobody holds the role yet: the service's published complaints address hears instead.
    recipients = [(m.email, m.locale) for m in _managers(service)] or (
        [(service.complaints_email, None)] if service.complaints_email else []
    )
    for address, locale in recipients:
        outbox.enqueue(
            to=address,
            template="complaint_alert",
            locale=locale,
            service=service,
            reference=complaint.reference,
            link=link,
            stage=complaint.stage.number,
            due_on=complaint.stage.due_on,
            escalated=escalated,
            wants_advocate=complaint.wants_advocate,
        )
