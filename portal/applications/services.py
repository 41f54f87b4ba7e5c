"""Application rules: the weekly decision to progress, the allowed moves between stages
(each one a row and an audit event), and the applicant's journey as one list of steps."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import url_for
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from portal.accounts.models import Role, User
from portal.accounts.services import find_user
from portal.applications.models import (
    ALLOWED,
    DECISIONS,
    Application,
    ApplicationStep,
    Stage,
)
from portal.bookings.models import Booking, BookingStatus
from portal.core import audit, outbox
from portal.core.extensions import db
from portal.core.times import london_today, to_london
from portal.events.models import KIND as EVENT_KIND
from portal.organisation.models import FosteringService
from portal.recruitment.models import Enquiry
from portal.visits.models import BookingStatus as VisitStatus
from portal.visits.models import VisitBooking, VisitRecord, VisitSlot

DECIDER_ROLES = (Role.RECRUITMENT, Role.SERVICE_MANAGER)


class NotAllowed(Exception):
    """The move is not one the application's stage allows."""


class AlreadyDecided(Exception):
    """The household already has a decision."""


# ---- the decision to progress ----------------------------------------------------------


def week_of(day: date) -> date:
    """The Monday of the week a day falls in."""
    return day - timedelta(days=day.weekday())


def waiting_for_decision(service: FosteringService) -> list[tuple[date, list[VisitRecord]]]:
    """Written visit records with no decision yet, grouped by the week they were written
    (the weekly meeting takes a week at a time), oldest first; one query."""
    records = db.session.scalars(
        select(VisitRecord)
        .join(VisitRecord.booking)
        .join(VisitBooking.slot)
        .outerjoin(Application, Application.visit_booking_id == VisitBooking.id)
        .where(VisitRecord.service_id == service.id, Application.id.is_(None))
        .options(
            contains_eager(VisitRecord.booking)
            .contains_eager(VisitBooking.slot)
            .joinedload(VisitSlot.visitor),
            joinedload(VisitRecord.written_by),
        )
        .order_by(VisitRecord.written_at, VisitRecord.id)
    ).unique()
    weeks: dict[date, list[VisitRecord]] = {}
    for record in records:
        weeks.setdefault(week_of(to_london(record.written_at).date()), []).append(record)
    return list(weeks.items())


def record_to_decide(service: FosteringService, record_id: int) -> VisitRecord | None:
    """A written record of this service that has no decision yet."""
    record = db.session.get(VisitRecord, record_id)
    if record is None or record.service_id != service.id:
        return None
    return record


def application_for_booking(booking: VisitBooking) -> Application | None:
    """The application a visit led to, if it has been decided."""
    return db.session.scalar(select(Application).where(Application.visit_booking_id == booking.id))


def decide(
    service: FosteringService,
    record: VisitRecord,
    *,
    decision: Stage,
    reasons: str,
    present: str,
    by: User,
    now: datetime,
) -> Application:
    """Record the weekly meeting's decision and tell the household."""
    if decision not in DECISIONS:
        raise NotAllowed
    booking = record.booking
    user = (db.session.get(User, booking.user_id) if booking.user_id else None) or find_user(
        service, booking.email
    )
    application = Application(
        service_id=service.id,
        visit_booking_id=booking.id,
        user_id=user.id if user else None,
        name=booking.name,
        email=booking.email,
        stage=decision,
        decided_on=london_today(now),
        reasons=reasons.strip(),
        present=present.strip(),
        decided_by_id=by.id,
        created_at=now,
        updated_at=now,
    )
    application.steps.append(
        ApplicationStep(to_stage=decision, by_id=by.id, at=now, note=reasons.strip())
    )
    db.session.add(application)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyDecided from None
    audit.record("application.decided", application, service=service, actor=by, to=decision.value)
    link = (
        url_for("applications.tracker", service=service.slug, _external=True)
        if user
        else url_for("accounts.register", service=service.slug, _external=True)
    )
    outbox.enqueue(
        to=booking.email,
        template="application_decision",
        locale=(user.locale if user else None) or booking.locale,
        service=service,
        name=booking.name,
        decision=decision.value,
        link=link,
        has_account=user is not None,
    )
    db.session.commit()
    return application


# ---- moving on -------------------------------------------------------------------------


def move(application: Application, to: Stage, *, by: User, now: datetime, note: str = "") -> None:
    """Move to a stage the current one allows; written down and audited."""
    if to not in ALLOWED.get(application.stage, frozenset()):
        raise NotAllowed
    application.steps.append(
        ApplicationStep(from_stage=application.stage, to_stage=to, by_id=by.id, at=now, note=note)
    )
    audit.record(
        "application.moved", application, actor=by, to=to.value, was=application.stage.value
    )
    application.stage = to
    application.updated_at = now
    db.session.commit()


def applications_of(service: FosteringService, user: User) -> list[Application]:
    """The signed-in person's applications in this service, newest first."""
    return list(
        db.session.scalars(
            select(Application)
            .where(
                Application.service_id == service.id,
                or_(Application.user_id == user.id, func.lower(Application.email) == user.email),
            )
            .order_by(Application.id.desc())
        )
    )


# ---- the applicant's journey -----------------------------------------------------------


@dataclass
class Step:
    """One stage of the journey as the applicant sees it."""

    key: str
    state: str  # "done", "now", "next" or "stopped"
    on: date | None = None
    detail: dict = field(default_factory=dict)


JOURNEY = (
    "enquiry",
    "event",
    "visit",
    "decision",
    "paperwork",
    "assessment",
    "panel",
    "approval",
)
# The stage an application is at, as the step that is happening now.
NOW_AT = {
    Stage.PAPERWORK: "paperwork",
    Stage.ASSESSMENT: "assessment",
    Stage.PANEL: "panel",
}


def _mine(column_user, column_email, user: User):
    return or_(column_user == user.id, func.lower(column_email) == user.email)


def journey(service: FosteringService, user: User, now: datetime) -> tuple[list[Step], object]:
    """Every stage with what is done, what is happening now and what comes next, plus the
    application (or None). A handful of queries, whatever the history."""
    enquiry = db.session.scalar(
        select(Enquiry)
        .where(Enquiry.service_id == service.id, _mine(Enquiry.user_id, Enquiry.email, user))
        .order_by(Enquiry.created_at)
        .limit(1)
    )
    event_booking = db.session.scalar(
        select(Booking)
        .join(Booking.occasion)
        .where(
            Booking.service_id == service.id,
            _mine(Booking.user_id, Booking.email, user),
            Booking.status == BookingStatus.CONFIRMED,
        )
        .where(Booking.occasion.has(kind=EVENT_KIND))
        .order_by(Booking.created_at.desc())
        .limit(1)
    )
    visit = db.session.scalar(
        select(VisitBooking)
        .where(
            VisitBooking.service_id == service.id,
            VisitBooking.status == VisitStatus.BOOKED,
            _mine(VisitBooking.user_id, VisitBooking.email, user),
        )
        .options(joinedload(VisitBooking.slot), joinedload(VisitBooking.record))
        .order_by(VisitBooking.booked_at.desc())
        .limit(1)
    )
    application = application_for_booking(visit) if visit else None
    if application is None:
        found = applications_of(service, user)
        application = found[0] if found else None

    steps = {key: Step(key, "next") for key in JOURNEY}
    if enquiry:
        steps["enquiry"] = Step("enquiry", "done", london_today(enquiry.created_at))
    if event_booking:
        happened = event_booking.occasion.starts_at <= now
        steps["event"] = Step(
            "event", "done" if happened else "now", london_today(event_booking.occasion.starts_at)
        )
    if visit:
        happened = visit.slot.starts_at <= now
        steps["visit"] = Step(
            "visit", "done" if happened else "now", london_today(visit.slot.starts_at)
        )
        if visit.record is not None and application is None:
            steps["decision"] = Step("decision", "now")
    if application is not None:
        decided = application.steps[0].to_stage  # what the weekly meeting decided
        progressed = decided == Stage.PAPERWORK
        steps["decision"] = Step(
            "decision",
            "done" if progressed else "stopped",
            application.decided_on,
            {"decision": decided},
        )
        order = ["paperwork", "assessment", "panel"]
        reached = NOW_AT.get(application.stage)
        if application.stage == Stage.WITHDRAWN and progressed:
            reached = _last_reached(application)
        if reached:
            for key in order[: order.index(reached)]:
                steps[key] = Step(key, "done")
            stopped = application.stage == Stage.WITHDRAWN
            steps[reached] = Step(reached, "stopped" if stopped else "now")
        if application.stage in (Stage.APPROVED, Stage.NOT_APPROVED):
            for key in order:
                steps[key] = Step(key, "done")
            approved = application.stage == Stage.APPROVED
            steps["approval"] = Step("approval", "done" if approved else "stopped")
    # Before any enquiry, the first thing to do is to enquire.
    if not enquiry and not visit and application is None:
        steps["enquiry"] = Step("enquiry", "now")
    elif not visit and application is None:
        steps["visit"].state = "now"
    return [steps[key] for key in JOURNEY], application


def _last_reached(application: Application) -> str:
    """The stage a withdrawn application had got to."""
    for step in reversed(application.steps):
        if step.from_stage in NOW_AT:
            return NOW_AT[step.from_stage]
    return "paperwork"


def withdraw(application: Application, *, by: User, now: datetime) -> None:
    """The applicant stops: allowed at any stage before the final decision."""
    move(application, Stage.WITHDRAWN, by=by, now=now, note="Withdrawn by the applicant.")
