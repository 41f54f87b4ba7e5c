"""Initial visit rules: publishing slots, booking one per person, and the visitor's queue."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, String, and_, exists, insert, literal, null, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from portal.accounts.models import Role, User, UserRole
from portal.core import audit, outbox
from portal.core.db import UTCDateTime
from portal.core.extensions import db
from portal.core.times import london_to_utc, london_today, to_london
from portal.core.working_days import add_working_days
from portal.organisation.models import FosteringService
from portal.recruitment.models import Enquiry
from portal.visits.models import (
    BookingStatus,
    Recommendation,
    VisitBooking,
    VisitMode,
    VisitRecord,
    VisitSlot,
)

CHANGE_CUTOFF = timedelta(hours=24)
RECORD_WORKING_DAYS = 2


class VisitError(Exception):
    """A rule stopped the change; `message` says why, in words for the person."""

    message = _l("Something went wrong. Try again.")


class SlotInThePast(VisitError):
    message = _l("The visit must start in the future")


class VisitorBusy(VisitError):
    message = _l("The initial visitor already has a visit slot at that time")


class NotAVisitor(VisitError):
    message = _l("Choose an initial visitor")


class NotAnArea(VisitError):
    message = _l("Choose an area")


class SlotBooked(VisitError):
    message = _l("That slot has been booked, so it cannot be removed")


class SlotNotFound(VisitError):
    message = _l("That visit slot no longer exists")


class SlotTaken(VisitError):
    message = _l("That slot has just been taken. Choose another time.")


class SlotNotAvailable(VisitError):
    message = _l("That time is no longer available. Choose another time.")


class AlreadyBooked(VisitError):
    message = _l("You already have an initial visit booked")


class NoBooking(VisitError):
    message = _l("You do not have an initial visit booked")


class TooLateToChange(VisitError):
    message = _l("Your visit is less than 24 hours away, so it cannot be changed online")


class NotTakenPlace(VisitError):
    message = _l("The visit has not happened yet")


class AlreadyRecorded(VisitError):
    message = _l("The record of this visit has already been written")


# ---- slots -----------------------------------------------------------------------------


def list_visitors(service: FosteringService) -> list[User]:
    """The service's initial visitors who can sign in, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole)
            .where(
                User.service_id == service.id,
                UserRole.role == Role.INITIAL_VISITOR,
                User.is_disabled.is_(False),
                User.password_hash.is_not(None),
            )
            .order_by(User.name, User.id)
        )
    )


def publish_slot(
    service: FosteringService,
    *,
    by: User,
    visitor_id: int,
    locality_id: int,
    mode: VisitMode,
    day: date,
    start: time,
    minutes: int,
    now: datetime,
) -> VisitSlot:
    """Offer a visit time; it must be in the future and clear of the visitor's other slots."""
    starts_at = london_to_utc(day, start)
    ends_at = starts_at + timedelta(minutes=minutes)
    if starts_at <= now:
        raise SlotInThePast
    if visitor_id not in {visitor.id for visitor in list_visitors(service)}:
        raise NotAVisitor
    if locality_id not in {locality.id for locality in service.localities}:
        raise NotAnArea
    # Lock the visitor (on databases that can) so two colleagues cannot double-book them.
    db.session.execute(select(User.id).where(User.id == visitor_id).with_for_update())
    clash = db.session.scalar(
        select(VisitSlot.id).where(
            VisitSlot.visitor_id == visitor_id,
            VisitSlot.removed_at.is_(None),
            VisitSlot.starts_at < ends_at,
            VisitSlot.ends_at > starts_at,
        )
    )
    if clash is not None:
        db.session.rollback()
        raise VisitorBusy
    slot = VisitSlot(
        service_id=service.id,
        visitor_id=visitor_id,
        locality_id=locality_id,
        mode=mode,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by_id=by.id,
        created_at=now,
    )
    db.session.add(slot)
    audit.record("visit_slot.published", slot, service=service, actor=by)
    db.session.commit()
    return slot


def _booked(slot_id_column):
    """SQL: an active booking holds this slot."""
    return exists().where(
        VisitBooking.slot_id == slot_id_column, VisitBooking.status == BookingStatus.BOOKED
    )


def remove_slot(service: FosteringService, slot_id: int, *, by: User, now: datetime) -> None:
    """Take an unbooked slot away; a booked one stays."""
    result = db.session.execute(
        update(VisitSlot)
        .where(
            VisitSlot.id == slot_id,
            VisitSlot.service_id == service.id,
            VisitSlot.removed_at.is_(None),
            ~_booked(VisitSlot.id),
        )
        .values(removed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        slot = db.session.get(VisitSlot, slot_id)
        if slot is None or slot.service_id != service.id or slot.removed_at is not None:
            raise SlotNotFound
        raise SlotBooked
    slot = db.session.get(VisitSlot, slot_id)
    audit.record("visit_slot.removed", slot, service=service, actor=by)
    db.session.commit()


@dataclass(frozen=True)
class SlotRow:
    """A slot on the staff list, and the booking holding it (if any)."""

    slot: VisitSlot
    booking: VisitBooking | None

    @property
    def is_booked(self) -> bool:
        return self.booking is not None


def list_slots(service: FosteringService, *, now: datetime) -> list[SlotRow]:
    """Slots still to come, soonest first, with who has booked them."""
    rows = db.session.execute(
        select(VisitSlot, VisitBooking)
        .outerjoin(
            VisitBooking,
            and_(
                VisitBooking.slot_id == VisitSlot.id,
                VisitBooking.status == BookingStatus.BOOKED,
            ),
        )
        .where(
            VisitSlot.service_id == service.id,
            VisitSlot.removed_at.is_(None),
            VisitSlot.starts_at > now,
        )
        .options(joinedload(VisitSlot.visitor), joinedload(VisitSlot.locality))
        .order_by(VisitSlot.starts_at, VisitSlot.id)
        .limit(200)
    ).all()
    return [SlotRow(slot, booking) for slot, booking in rows]


def available_slots(
    service: FosteringService, *, now: datetime, locality_id: int | None = None
) -> list[VisitSlot]:
    """Future slots nobody holds, soonest first, in one area or all of them."""
    query = (
        select(VisitSlot)
        .where(
            VisitSlot.service_id == service.id,
            VisitSlot.removed_at.is_(None),
            VisitSlot.starts_at > now,
            ~_booked(VisitSlot.id),
        )
        .options(joinedload(VisitSlot.locality), joinedload(VisitSlot.visitor))
        .order_by(VisitSlot.starts_at, VisitSlot.id)
        .limit(100)
    )
    if locality_id is not None:
        query = query.where(VisitSlot.locality_id == locality_id)
    return list(db.session.scalars(query))


# ---- bookings --------------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    """Who is booking: a signed-in applicant, or an enquirer who followed a private link."""

    name: str
    email: str
    locale: str | None
    user_id: int | None = None
    enquiry_id: int | None = None


def applicant_for_user(user: User, locale: str | None = None) -> Applicant:
    """A signed-in prospective foster carer as an applicant, in their saved language or,
    with none saved, `locale` (the one they are using)."""
    return Applicant(
        name=user.name, email=user.email, locale=user.locale or locale, user_id=user.id
    )


def applicant_for_enquiry(enquiry: Enquiry) -> Applicant:
    """An enquirer as an applicant (the same person as their account, if it is linked)."""
    return Applicant(
        name=enquiry.name,
        email=enquiry.email,
        locale=enquiry.locale,
        user_id=enquiry.user_id,
        enquiry_id=enquiry.id,
    )


def _belongs_to(applicant: Applicant):
    if applicant.enquiry_id is not None and applicant.user_id is not None:
        return (VisitBooking.enquiry_id == applicant.enquiry_id) | (
            VisitBooking.user_id == applicant.user_id
        )
    if applicant.enquiry_id is not None:
        return VisitBooking.enquiry_id == applicant.enquiry_id
    return VisitBooking.user_id == applicant.user_id


def find_booking(service: FosteringService, applicant: Applicant) -> VisitBooking | None:
    """The applicant's booking that still holds a slot, if any."""
    return db.session.scalar(
        select(VisitBooking)
        .where(
            VisitBooking.service_id == service.id,
            VisitBooking.status == BookingStatus.BOOKED,
            _belongs_to(applicant),
        )
        .options(
            joinedload(VisitBooking.slot).joinedload(VisitSlot.locality),
            joinedload(VisitBooking.slot).joinedload(VisitSlot.visitor),
        )
        .limit(1)
    )


def can_change(booking: VisitBooking, now: datetime) -> bool:
    """True until 24 hours before the visit; after that, people phone the service."""
    return now <= booking.slot.starts_at - CHANGE_CUTOFF


def has_taken_place(booking: VisitBooking, now: datetime) -> bool:
    """True once the visit's start time has passed."""
    return booking.slot.starts_at <= now


def _hold_slot(
    service: FosteringService, applicant: Applicant, slot_id: int, now: datetime
) -> VisitBooking:
    """Insert a booking only if the slot is open and free, in one statement.

    The NOT EXISTS guard turns the common race into "no row inserted"; the unique index
    on booked slots catches the rest (two transactions that both saw the slot free).
    """
    table = VisitBooking.__table__
    guarded = select(
        literal(service.id, Integer),
        VisitSlot.id,
        literal(BookingStatus.BOOKED.value, String),
        literal(applicant.user_id, Integer) if applicant.user_id else null(),
        literal(applicant.enquiry_id, Integer) if applicant.enquiry_id else null(),
        literal(applicant.name, String),
        literal(applicant.email, String),
        literal(applicant.locale, String) if applicant.locale else null(),
        literal(now, UTCDateTime()),
    ).where(
        VisitSlot.id == slot_id,
        VisitSlot.service_id == service.id,
        VisitSlot.removed_at.is_(None),
        VisitSlot.starts_at > now,
        ~_booked(VisitSlot.id),
    )
    columns = [
        "service_id",
        "slot_id",
        "status",
        "user_id",
        "enquiry_id",
        "name",
        "email",
        "locale",
        "booked_at",
    ]
    try:
        booking_id = db.session.execute(
            insert(table).from_select(columns, guarded).returning(table.c.id)
        ).scalar_one_or_none()
    except IntegrityError:
        db.session.rollback()
        if find_booking(service, applicant) is not None:
            raise AlreadyBooked from None
        raise SlotTaken from None
    if booking_id is None:
        db.session.rollback()
        slot = db.session.get(VisitSlot, slot_id)
        if (
            slot is None
            or slot.service_id != service.id
            or slot.removed_at is not None
            or slot.starts_at <= now
        ):
            raise SlotNotAvailable
        raise SlotTaken
    return db.session.get(VisitBooking, booking_id)


def _send_booked(
    service, booking: VisitBooking, *, manage_link: str | None, is_change: bool
) -> None:
    outbox.enqueue(
        to=booking.email,
        template="visit_booked",
        locale=booking.locale,
        service=service,
        name=booking.name,
        slot=booking.slot,
        manage_link=manage_link,
        is_change=is_change,
    )


def book_visit(
    service: FosteringService,
    applicant: Applicant,
    slot_id: int,
    *,
    now: datetime,
    manage_link: str | None,
) -> VisitBooking:
    """Book a free slot for someone with no visit booked, and email them the details.

    With no `manage_link` (staff booking for someone whose private link only they hold),
    the email points them to the link in their enquiry email instead."""
    if find_booking(service, applicant) is not None:
        raise AlreadyBooked
    _lock_slot(slot_id)
    booking = _hold_slot(service, applicant, slot_id, now)
    _send_booked(service, booking, manage_link=manage_link, is_change=False)
    audit.record("visit.booked", booking, service=service, slot_id=slot_id)
    db.session.commit()
    return booking


def _lock_slot(slot_id: int) -> None:
    # On PostgreSQL, bookers and removers of one slot queue here; SQLite has one writer.
    db.session.execute(select(VisitSlot.id).where(VisitSlot.id == slot_id).with_for_update())


def _end_booking(booking: VisitBooking, status: BookingStatus, now: datetime) -> None:
    """Release the booking's slot, unless another request already did."""
    result = db.session.execute(
        update(VisitBooking)
        .where(VisitBooking.id == booking.id, VisitBooking.status == BookingStatus.BOOKED)
        .values(status=status, ended_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise NoBooking


def reschedule_visit(
    service: FosteringService,
    applicant: Applicant,
    slot_id: int,
    *,
    now: datetime,
    manage_link: str,
) -> VisitBooking:
    """Move the applicant's visit to another free slot; the old one is kept if that fails."""
    current = find_booking(service, applicant)
    if current is None:
        raise NoBooking
    if not can_change(current, now):
        raise TooLateToChange
    if current.slot_id == slot_id:
        raise SlotNotAvailable
    _lock_slot(slot_id)
    _end_booking(current, BookingStatus.RESCHEDULED, now)
    booking = _hold_slot(service, applicant, slot_id, now)
    _send_booked(service, booking, manage_link=manage_link, is_change=True)
    audit.record(
        "visit.rescheduled", booking, service=service, from_booking_id=current.id, slot_id=slot_id
    )
    db.session.commit()
    return booking


def cancel_visit(
    service: FosteringService, applicant: Applicant, *, now: datetime, book_link: str
) -> VisitBooking:
    """Cancel the applicant's visit, up to 24 hours before it, and email them."""
    booking = find_booking(service, applicant)
    if booking is None:
        raise NoBooking
    if not can_change(booking, now):
        raise TooLateToChange
    _end_booking(booking, BookingStatus.CANCELLED, now)
    outbox.enqueue(
        to=booking.email,
        template="visit_cancelled",
        locale=booking.locale,
        service=service,
        name=booking.name,
        slot=booking.slot,
        book_link=book_link,
    )
    audit.record("visit.cancelled", booking, service=service)
    db.session.commit()
    return booking


# ---- the visitor's queue ---------------------------------------------------------------


def record_due_on(starts_at: datetime) -> date:
    """The record is due within 2 working days of the visit's UK date."""
    return add_working_days(to_london(starts_at).date(), RECORD_WORKING_DAYS)


@dataclass(frozen=True)
class DueRecord:
    """A visit that has happened and whose record is still to be written."""

    booking: VisitBooking
    due_on: date
    is_overdue: bool


@dataclass(frozen=True)
class Queue:
    """What an initial visitor (or everyone's, for managers) has coming up and owes."""

    upcoming: list[VisitBooking]
    due: list[DueRecord]


def visitor_queue(
    service: FosteringService, *, now: datetime, visitor_id: int | None = None
) -> Queue:
    """Upcoming visits, and records due (overdue first); one visitor's or everyone's."""
    query = (
        select(VisitBooking)
        .join(VisitBooking.slot)
        .outerjoin(VisitRecord, VisitRecord.booking_id == VisitBooking.id)
        .where(
            VisitBooking.service_id == service.id,
            VisitBooking.status == BookingStatus.BOOKED,
            VisitRecord.id.is_(None),
        )
        .options(
            contains_eager(VisitBooking.slot).joinedload(VisitSlot.visitor),
            contains_eager(VisitBooking.slot).joinedload(VisitSlot.locality),
        )
        .order_by(VisitSlot.starts_at, VisitBooking.id)
    )
    if visitor_id is not None:
        query = query.where(VisitSlot.visitor_id == visitor_id)
    bookings = db.session.scalars(query).unique().all()
    today = london_today(now)
    upcoming = [b for b in bookings if not has_taken_place(b, now)]
    due = [
        DueRecord(b, due_on, is_overdue=today > due_on)
        for b in bookings
        if has_taken_place(b, now)
        for due_on in [record_due_on(b.slot.starts_at)]
    ]
    due.sort(key=lambda row: (not row.is_overdue, row.due_on, row.booking.slot.starts_at))
    return Queue(upcoming=upcoming, due=due)


def find_visit_to_record(
    service: FosteringService, booking_id: int, visitor: User
) -> VisitBooking | None:
    """The visitor's own booked visit in this service, or None."""
    return db.session.scalar(
        select(VisitBooking)
        .join(VisitBooking.slot)
        .where(
            VisitBooking.id == booking_id,
            VisitBooking.service_id == service.id,
            VisitBooking.status == BookingStatus.BOOKED,
            VisitSlot.visitor_id == visitor.id,
        )
        .options(contains_eager(VisitBooking.slot).joinedload(VisitSlot.locality))
    )


def write_record(
    service: FosteringService,
    booking: VisitBooking,
    *,
    by: User,
    motivation: str,
    understanding: str,
    skills: str,
    recommendation: Recommendation,
    notes: str,
    now: datetime,
) -> VisitRecord:
    """Save the visitor's record of a visit that has happened; it leaves the due list."""
    if booking.service_id != service.id or booking.slot.visitor_id != by.id:
        raise PermissionError(booking.id)
    if not has_taken_place(booking, now):
        raise NotTakenPlace
    if booking.record is not None:
        raise AlreadyRecorded
    record = VisitRecord(
        service_id=service.id,
        booking_id=booking.id,
        written_by_id=by.id,
        motivation=motivation.strip(),
        understanding=understanding.strip(),
        skills=skills.strip(),
        recommendation=recommendation,
        notes=(notes or "").strip(),
        written_at=now,
    )
    db.session.add(record)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyRecorded from None
    audit.record(
        "visit.recorded",
        record,
        service=service,
        actor=by,
        booking_id=booking.id,
        recommendation=str(recommendation),
        due_on=record_due_on(booking.slot.starts_at).isoformat(),
        is_late=london_today(now) > record_due_on(booking.slot.starts_at),
    )
    db.session.commit()
    return record
