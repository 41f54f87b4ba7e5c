"""Training rules: the catalogue, carers' bookings through the booking engine, the
co-ordinator's courses, sessions and registers, and each carer's record of hours."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from portal.accounts.models import Role, User
from portal.bookings import services as engine
from portal.bookings.models import ACTIVE, Booking, BookingStatus, Occasion, OccasionStatus
from portal.core import audit, outbox
from portal.core.extensions import db
from portal.core.times import london_to_utc, to_london
from portal.events.services import month_bounds
from portal.organisation.models import FosteringService, Venue
from portal.training.models import (
    KIND,
    RATINGS,
    Audience,
    CourseFormat,
    ModuleCompletion,
    Topic,
    TrainingCancellation,
    TrainingCourse,
    TrainingFeedback,
    TrainingSession,
)

REMINDER_BEFORE = timedelta(days=2)
REGISTER_WINDOW = timedelta(days=30)  # how long past sessions stay on the co-ordinator's list
FEEDBACK_WINDOW = timedelta(days=30)  # how long after a session the worker still asks


# ---- the catalogue -----------------------------------------------------------------------


@dataclass
class CatalogueFilters:
    """What the catalogue can be narrowed to; anything unrecognised is ignored."""

    topic: str = ""  # a Topic value
    month: str = ""  # "YYYY-MM" in UK time
    mode: str = ""  # "in-person", "online" or ""
    tsds: bool = False  # only courses that count toward the TSDS

    @classmethod
    def from_args(cls, args) -> "CatalogueFilters":
        """Filters from a query string, dropping anything that is not a real choice."""
        topic = args.get("topic", "")
        month = args.get("month", "")[:7]
        mode = args.get("mode", "")
        return cls(
            topic=topic if topic in set(Topic) else "",
            month=month if month_bounds(month) else "",
            mode=mode if mode in {"in-person", "online"} else "",
            tsds=args.get("tsds") == "yes",
        )


def _sessions_from(service: FosteringService, since: datetime):
    return (
        select(TrainingSession)
        .join(TrainingSession.occasion)
        .join(TrainingSession.course)
        .options(contains_eager(TrainingSession.occasion), contains_eager(TrainingSession.course))
        .where(
            TrainingSession.service_id == service.id,
            Occasion.status == OccasionStatus.SCHEDULED,
            Occasion.starts_at > since,
        )
        .order_by(Occasion.starts_at, TrainingSession.id)
    )


def _upcoming_sessions(service: FosteringService, now: datetime):
    return _sessions_from(service, now).where(TrainingCourse.is_withdrawn.is_(False))


def upcoming_sessions(
    service: FosteringService, now: datetime, filters: CatalogueFilters | None = None, limit=200
) -> list[TrainingSession]:
    """Sessions still to come, soonest first, narrowed by topic, month, mode and TSDS."""
    filters = filters or CatalogueFilters()
    query = _upcoming_sessions(service, now)
    if filters.topic:
        query = query.where(TrainingCourse.topic == Topic(filters.topic))
    if filters.mode == "online":
        query = query.where(TrainingSession.is_online.is_(True))
    elif filters.mode == "in-person":
        query = query.where(TrainingSession.is_online.is_(False))
    if filters.tsds:
        query = query.where(TrainingCourse.counts_for_tsds.is_(True))
    if filters.month:
        start, end = month_bounds(filters.month)
        query = query.where(Occasion.starts_at >= start, Occasion.starts_at < end)
    return list(db.session.scalars(query.limit(limit)).unique())


def self_paced_modules(
    service: FosteringService, filters: CatalogueFilters | None = None
) -> list[TrainingCourse]:
    """Online modules done at the carer's pace; they have no month and are never in person."""
    filters = filters or CatalogueFilters()
    if filters.month or filters.mode == "in-person":
        return []
    query = select(TrainingCourse).where(
        TrainingCourse.service_id == service.id,
        TrainingCourse.format == CourseFormat.SELF_PACED,
        TrainingCourse.is_withdrawn.is_(False),
    )
    if filters.topic:
        query = query.where(TrainingCourse.topic == Topic(filters.topic))
    if filters.tsds:
        query = query.where(TrainingCourse.counts_for_tsds.is_(True))
    return list(db.session.scalars(query.order_by(TrainingCourse.title)))


def catalogue_months(service: FosteringService, now: datetime) -> list[str]:
    """The UK months ("YYYY-MM") that upcoming sessions fall in, for the filter."""
    starts = db.session.scalars(
        select(Occasion.starts_at)
        .join(TrainingSession, TrainingSession.occasion_id == Occasion.id)
        .where(
            TrainingSession.service_id == service.id,
            Occasion.status == OccasionStatus.SCHEDULED,
            Occasion.starts_at > now,
        )
    )
    return sorted({to_london(moment).strftime("%Y-%m") for moment in starts})


def find_course(service: FosteringService, course_id: int) -> TrainingCourse | None:
    """The service's course with this id."""
    course = db.session.get(TrainingCourse, course_id)
    if course is None or course.service_id != service.id:
        return None
    return course


def find_session(service: FosteringService, session_id: int) -> TrainingSession | None:
    """The service's session with this id."""
    session = db.session.get(TrainingSession, session_id)
    if session is None or session.service_id != service.id:
        return None
    return session


def sessions_of(course: TrainingCourse, now: datetime) -> list[TrainingSession]:
    """A course's sessions still to come, soonest first."""
    return list(
        db.session.scalars(
            _upcoming_sessions(course.service, now).where(TrainingSession.course_id == course.id)
        ).unique()
    )


def bookings_by_occasion(user: User, sessions: list[TrainingSession]) -> dict[int, Booking]:
    """The carer's active bookings for these sessions, by occasion id (one query)."""
    if not sessions:
        return {}
    rows = db.session.scalars(
        select(Booking).where(
            Booking.user_id == user.id,
            Booking.service_id == user.service_id,
            Booking.status.in_(ACTIVE),
            Booking.occasion_id.in_([s.occasion_id for s in sessions]),
        )
    )
    return {booking.occasion_id: booking for booking in rows}


# ---- the co-ordinator's courses and sessions ---------------------------------------------


@dataclass
class CourseDetails:
    """What the co-ordinator enters for a course."""

    title: str
    topic: Topic
    description: str
    audiences: list[Audience]
    counts_for_tsds: bool
    tsds_standards: list[int]
    is_mandatory: bool
    format: CourseFormat
    module_link: str = ""
    module_hours: Decimal | None = None
    is_withdrawn: bool = False


def _apply(course: TrainingCourse, details: CourseDetails) -> None:
    audiences = details.audiences or [Audience.ALL]
    if Audience.ALL in audiences:
        audiences = [Audience.ALL]  # "all carers" already includes every approval
    course.title = details.title.strip()
    course.topic = details.topic
    course.description = details.description.strip()
    course.audiences = ",".join(a.value for a in audiences)
    course.counts_for_tsds = details.counts_for_tsds
    course.tsds_standards = (
        ",".join(str(n) for n in sorted(details.tsds_standards)) if details.counts_for_tsds else ""
    )
    course.is_mandatory = details.is_mandatory
    course.format = details.format
    is_module = details.format == CourseFormat.SELF_PACED
    course.module_link = details.module_link.strip() if is_module else ""
    course.module_hours = details.module_hours if is_module else None
    course.is_withdrawn = details.is_withdrawn


def create_course(service: FosteringService, details: CourseDetails, *, by) -> TrainingCourse:
    """Add a course to the catalogue."""
    course = TrainingCourse(service_id=service.id, service=service, created_by_id=by.id)
    _apply(course, details)
    db.session.add(course)
    audit.record("training.course_created", course, actor=by)
    db.session.commit()
    return course


def update_course(course: TrainingCourse, details: CourseDetails, *, by) -> None:
    """Change a course's details."""
    _apply(course, details)
    audit.record("training.course_updated", course, actor=by)
    db.session.commit()


def details_of(course: TrainingCourse) -> CourseDetails:
    """A course's details, for editing."""
    return CourseDetails(
        title=course.title,
        topic=course.topic,
        description=course.description,
        audiences=course.audience_list,
        counts_for_tsds=course.counts_for_tsds,
        tsds_standards=course.standard_list,
        is_mandatory=course.is_mandatory,
        format=course.format,
        module_link=course.module_link,
        module_hours=course.module_hours,
        is_withdrawn=course.is_withdrawn,
    )


def staff_courses(service: FosteringService, now: datetime) -> list[tuple[TrainingCourse, list]]:
    """Every course with its sessions from the last few weeks on (registers are marked
    after a session), for the co-ordinator's home page."""
    courses = db.session.scalars(
        select(TrainingCourse)
        .where(TrainingCourse.service_id == service.id)
        .order_by(TrainingCourse.is_withdrawn, TrainingCourse.title)
    ).all()
    by_course: dict[int, list[TrainingSession]] = {course.id: [] for course in courses}
    for session in db.session.scalars(_sessions_from(service, now - REGISTER_WINDOW)).unique():
        by_course[session.course_id].append(session)
    return [(course, by_course[course.id]) for course in courses]


@dataclass
class SessionDetails:
    """What the co-ordinator enters for one session."""

    day: date
    starts: time
    ends: time
    venue: Venue | None
    is_online: bool
    online_link: str
    capacity: int


def add_session(course: TrainingCourse, details: SessionDetails, *, by) -> TrainingSession:
    """Schedule a session of a course."""
    session = TrainingSession(
        service_id=course.service_id,
        course=course,
        occasion=Occasion(
            service_id=course.service_id,
            kind=KIND,
            starts_at=london_to_utc(details.day, details.starts),
            ends_at=london_to_utc(details.day, details.ends),
            capacity=details.capacity,
            seats_taken=0,
            status=OccasionStatus.SCHEDULED,
        ),
        venue=None if details.is_online else details.venue,
        is_online=details.is_online,
        online_link=details.online_link.strip() if details.is_online else "",
        created_by_id=by.id,
    )
    db.session.add(session)
    db.session.flush()
    audit.record("training.session_added", session, service=course.service, actor=by)
    db.session.commit()
    return session


def update_session(session: TrainingSession, details: SessionDetails, *, by, now: datetime) -> None:
    """Change a session; its places never drop below those already taken, and new places
    go to the waiting list."""
    occasion = session.occasion
    if details.capacity < occasion.seats_taken:
        raise ValueError("capacity below seats taken")
    session.is_online = details.is_online
    session.venue = None if details.is_online else details.venue
    session.online_link = details.online_link.strip() if details.is_online else ""
    occasion.starts_at = london_to_utc(details.day, details.starts)
    occasion.ends_at = london_to_utc(details.day, details.ends)
    grew = details.capacity > occasion.capacity
    occasion.capacity = details.capacity
    audit.record("training.session_updated", session, actor=by)
    db.session.flush()
    if grew:
        engine.offer_freed_seats(occasion, now)
    db.session.commit()


def cancel_session(session: TrainingSession, now: datetime, *, by) -> int:
    """Call off a session and tell every carer booked or waiting, with the course's next
    dates; returns how many were told."""
    affected = engine.cancel_occasion(session.occasion, now)
    next_sessions = [s for s in sessions_of(session.course, now) if s.id != session.id][:3]
    for booking in affected:
        _send(booking, "training_session_cancelled", session, next_sessions=next_sessions)
    audit.record("training.session_cancelled", session, actor=by, bookings=len(affected))
    db.session.commit()
    return len(affected)


def session_details_of(session: TrainingSession) -> SessionDetails:
    """A session's details, for editing."""
    starts, ends = to_london(session.occasion.starts_at), to_london(session.occasion.ends_at)
    return SessionDetails(
        day=starts.date(),
        starts=starts.time().replace(tzinfo=None),
        ends=ends.time().replace(tzinfo=None),
        venue=session.venue,
        is_online=session.is_online,
        online_link=session.online_link,
        capacity=session.occasion.capacity,
    )


def register(session: TrainingSession) -> list[Booking]:
    """Everyone booked, offered or waiting, and anyone whose attendance was marked."""
    return list(
        db.session.scalars(
            select(Booking)
            .where(
                Booking.occasion_id == session.occasion_id,
                Booking.status.in_(ACTIVE) | Booking.attended.is_not(None),
            )
            .order_by(Booking.status, Booking.created_at, Booking.id)
        )
    )


def find_register_booking(session: TrainingSession, booking_id: int) -> Booking | None:
    """A booking on this session's register."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.occasion_id != session.occasion_id:
        return None
    return booking


def mark_attendance(booking: Booking, attended: bool, *, by, now: datetime) -> None:
    """Record whether a booked carer came; attended sessions count toward their hours, and
    a carer marked as came once the session has started is asked for feedback."""
    booking.attended = attended
    audit.record("training.attendance_marked", booking, actor=by, attended=attended)
    if attended and booking.occasion.starts_at <= now:
        _ask_for_feedback(booking, now)
    db.session.commit()


def register_csv(session: TrainingSession) -> str:
    """The register as CSV (in the co-ordinator's language), for printing or records."""
    given = set(
        db.session.scalars(
            select(TrainingFeedback.booking_id).where(TrainingFeedback.session_id == session.id)
        )
    )
    attended = {True: _("Came"), False: _("Did not come"), None: ""}
    return _csv(
        [_("Name"), _("Email"), _("Status"), _("Attended"), _("Feedback given")],
        [
            [
                booking.name,
                booking.email,
                booking.status.value,
                attended[booking.attended],
                _("Yes") if booking.id in given else _("No"),
            ]
            for booking in register(session)
        ],
    )


# ---- emails --------------------------------------------------------------------------------


def session_of(booking: Booking) -> TrainingSession:
    """The training session a booking is for."""
    return db.session.scalar(
        select(TrainingSession).where(TrainingSession.occasion_id == booking.occasion_id)
    )


def _service_of(booking: Booking) -> FosteringService:
    return db.session.get(FosteringService, booking.service_id)


def booking_link(booking: Booking, endpoint: str = "training.show_booking") -> str:
    """The absolute link to the carer's page for a booking, or to another of the booking's
    pages such as its feedback form (they sign in to see it)."""
    return url_for(
        endpoint, service=_service_of(booking).slug, booking_id=booking.id, _external=True
    )


def calendar_file(session: TrainingSession, booking: Booking) -> str:
    """An iCalendar (.ics) file for a training booking."""
    with force_locale(outbox.recipient_locale(booking.locale)):  # it goes with the person's email
        location = (session.online_link or _("Online")) if session.is_online else None
    if location is None and session.venue is not None:
        location = engine.venue_location(session.venue)
    return engine.calendar_file(
        booking,
        product="training",
        uid=f"training-{booking.id}@{_service_of(booking).slug}.fostering-portal",
        title=session.course.title,
        location=location,
        link=booking_link(booking),
    )


WITH_CALENDAR = {"training_booked", "training_offer_accepted"}


def _send(booking: Booking, template: str, session: TrainingSession, **extra) -> None:
    attachment = None
    if template in WITH_CALENDAR:
        attachment = ("training.ics", "text/calendar", calendar_file(session, booking))
    outbox.enqueue(
        to=booking.email,
        template=template,
        locale=booking.locale,
        service=_service_of(booking),
        attachment=attachment,
        name=booking.name,
        link=booking_link(booking),
        session=session,
        course=session.course,
        occasion=session.occasion,
        **extra,
    )


def _notify(booking: Booking, message: str) -> None:
    session = session_of(booking)
    if message == "offered":
        _send(booking, "training_offer", session, expires_at=booking.offer_expires_at)
    elif message == "lapsed":
        _send(booking, "training_offer_lapsed", session)


engine.register_notifier(KIND, _notify)


# ---- carers' bookings ------------------------------------------------------------------------


def book_session(
    session: TrainingSession, carer: User, *, locale: str, now: datetime, by: User | None = None
) -> Booking:
    """Book the carer a place (or a waiting-list place) and email them; `by` is the other
    carer of the household when they booked for both."""
    if session.course.is_withdrawn:
        raise engine.BookingClosed
    booking = _take_place(session, carer, locale, now)
    _send(booking, "training_booked" if booking.is_confirmed else "training_waiting", session)
    audit.record("training.booked", booking, service=session.service, actor=by or carer)
    db.session.commit()
    return booking


def _take_place(session: TrainingSession, carer: User, locale: str, now: datetime) -> Booking:
    return engine.book(
        session.occasion,
        name=carer.name or carer.email,
        email=carer.email,
        phone="",
        seats=1,
        access_needs="",
        locale=locale,
        now=now,
        user_id=carer.id,
    )


def partner_of(carer: User) -> User | None:
    """The other approved carer in the carer's household, if there is exactly one."""
    # Imported here: the TSDS models import training's, so a top-level import would loop.
    from portal.tsds.services import household_of

    household = household_of(carer)
    if household is None:
        return None
    others = [
        member.user
        for member in household.members
        if member.user_id != carer.id and member.user.has_role(Role.APPROVED_CARER)
    ]
    return others[0] if len(others) == 1 else None


def _book_or_existing(session: TrainingSession, carer: User, **kwargs) -> Booking:
    try:
        return book_session(session, carer, **kwargs)
    except engine.AlreadyBooked as already:
        if already.booking is None:
            raise
        return already.booking


def book_for_both(
    session: TrainingSession, carer: User, partner: User, *, locale: str, now: datetime
) -> tuple[Booking, Booking]:
    """Book the carer and then the other carer of their household, each through the engine
    (so with one place left the second goes on the waiting list) and each emailed in their
    own language; a booking either already had is kept as it is."""
    mine = _book_or_existing(session, carer, locale=locale, now=now)
    # The other carer's own saved language, not the language of the one who booked.
    theirs = _book_or_existing(
        session, partner, locale=outbox.recipient_locale(partner.locale), now=now, by=carer
    )
    return mine, theirs


def find_carer_booking(carer: User, booking_id: int) -> Booking | None:
    """One of this carer's own training bookings, never anyone else's."""
    booking = db.session.get(Booking, booking_id)
    if (
        booking is None
        or booking.user_id != carer.id
        or booking.service_id != carer.service_id
        or booking.occasion.kind != KIND
    ):
        return None
    return booking


def can_change(booking: Booking, now: datetime) -> bool:
    """A booking can be cancelled or an offer accepted until the session starts."""
    occasion = booking.occasion
    return booking.is_active and not occasion.is_cancelled and occasion.starts_at > now


def cancel_booking(booking: Booking, reason: str, now: datetime) -> None:
    """Cancel with the carer's reason; a freed seat is offered to the waiting list."""
    engine.cancel(booking, now)
    db.session.add(
        TrainingCancellation(
            service_id=booking.service_id, booking_id=booking.id, reason=reason.strip()
        )
    )
    _send(booking, "training_booking_cancelled", session_of(booking))
    audit.record("training.booking_cancelled", booking, service=_service_of(booking))
    db.session.commit()


def cancellation_reason(booking: Booking) -> str:
    """Why the carer cancelled, or ''."""
    reason = db.session.scalar(
        select(TrainingCancellation.reason).where(TrainingCancellation.booking_id == booking.id)
    )
    return reason or ""


def accept_offer(booking: Booking, now: datetime) -> bool:
    """Take up a seat held from the waiting list."""
    if not engine.accept_offer(booking, now):
        db.session.rollback()
        return False
    _send(booking, "training_offer_accepted", session_of(booking))
    db.session.commit()
    return True


def _training_bookings(*conditions) -> list[Booking]:
    return list(
        db.session.scalars(
            # Through the session: a booking whose occasion has no session (imported
            # history) has nothing to remind anyone of or ask about.
            select(Booking)
            .join(Booking.occasion)
            .join(TrainingSession, TrainingSession.occasion_id == Occasion.id)
            .where(Occasion.kind == KIND, *conditions)
        )
    )


def send_reminders(now: datetime) -> int:
    """Remind carers with a place 2 days before their session; once each."""
    due = _training_bookings(
        Occasion.status == OccasionStatus.SCHEDULED,
        Occasion.starts_at > now,
        Occasion.starts_at <= now + REMINDER_BEFORE,
        Booking.status == BookingStatus.CONFIRMED,
        Booking.reminder_sent_at.is_(None),
    )
    for booking in due:
        _send(booking, "training_reminder", session_of(booking))
        booking.reminder_sent_at = now
    db.session.commit()
    return len(due)


def _ask_for_feedback(booking: Booking, now: datetime) -> None:
    if booking.feedback_requested_at is not None:
        return  # once per booking, however often the register is changed
    _send(
        booking,
        "training_feedback_request",
        session_of(booking),
        feedback_link=booking_link(booking, "training.give_feedback"),
    )
    booking.feedback_requested_at = now


def request_feedback(now: datetime) -> int:
    """Ask carers marked as came before their session started, once it has ended."""
    due = _training_bookings(
        Occasion.ends_at <= now,
        Occasion.ends_at > now - FEEDBACK_WINDOW,
        Booking.attended.is_(True),
        Booking.feedback_requested_at.is_(None),
    )
    for booking in due:
        _ask_for_feedback(booking, now)
    db.session.commit()
    return len(due)


def _register_jobs() -> None:
    from portal.core.jobs import register_job

    # Offers that lapse are handled for every kind by the events job
    # (engine.lapse_expired_offers); our notifier sends the training emails for them.
    register_job("training.send_reminders", send_reminders)
    register_job("training.request_feedback", request_feedback)


_register_jobs()


# ---- my training ---------------------------------------------------------------------------


@dataclass
class RecordLine:
    """One line of a carer's training record."""

    title: str
    on: date
    hours: Decimal
    counts_for_tsds: bool
    standards: list[int]
    how: str  # "in-person", "online" or "self-paced"
    awaiting_feedback_id: int | None = None  # the booking to give feedback on, if not yet


@dataclass
class TrainingRecord:
    """A carer's upcoming bookings, what they have done, and their hours."""

    upcoming: list[tuple[Booking, TrainingSession]] = field(default_factory=list)
    done: list[RecordLine] = field(default_factory=list)
    hours_this_year: Decimal = Decimal(0)
    hours_total: Decimal = Decimal(0)

    @property
    def awaiting_feedback(self) -> list[RecordLine]:
        """Attended sessions the carer has not yet given feedback on."""
        return [line for line in self.done if line.awaiting_feedback_id]


def training_record(carer: User, now: datetime) -> TrainingRecord:
    """What the carer has booked and done; hours count attended sessions and completed
    modules, 'this year' being the UK calendar year."""
    rows = db.session.execute(
        select(Booking, TrainingSession, TrainingFeedback.id)
        .join(Occasion, Booking.occasion_id == Occasion.id)
        .join(TrainingSession, TrainingSession.occasion_id == Occasion.id)
        .outerjoin(TrainingFeedback, TrainingFeedback.booking_id == Booking.id)
        .where(
            Booking.user_id == carer.id,
            Booking.service_id == carer.service_id,
            Occasion.kind == KIND,
        )
        .order_by(Occasion.starts_at)
    ).all()
    record = TrainingRecord()
    for booking, session, feedback_id in rows:
        if booking.is_active and session.occasion.starts_at > now:
            record.upcoming.append((booking, session))
        elif booking.attended:
            course = session.course
            record.done.append(
                RecordLine(
                    title=course.title,
                    on=to_london(session.occasion.starts_at).date(),
                    hours=session.hours,
                    counts_for_tsds=course.counts_for_tsds,
                    standards=course.standard_list,
                    how="online" if session.is_online else "in-person",
                    awaiting_feedback_id=booking.id if feedback_id is None else None,
                )
            )
    completions = db.session.scalars(
        select(ModuleCompletion).where(
            ModuleCompletion.user_id == carer.id, ModuleCompletion.service_id == carer.service_id
        )
    )
    for completion in completions:
        course = completion.course
        record.done.append(
            RecordLine(
                title=course.title,
                on=completion.completed_on,
                hours=course.module_hours or Decimal(0),
                counts_for_tsds=course.counts_for_tsds,
                standards=course.standard_list,
                how="self-paced",
            )
        )
    record.done.sort(key=lambda line: line.on, reverse=True)
    year = to_london(now).year
    record.hours_total = sum((line.hours for line in record.done), Decimal(0))
    record.hours_this_year = sum(
        (line.hours for line in record.done if line.on.year == year), Decimal(0)
    )
    return record


def has_completed(carer: User, course: TrainingCourse) -> bool:
    """True when the carer has said they finished this module."""
    return (
        db.session.scalar(
            select(ModuleCompletion.id).where(
                ModuleCompletion.user_id == carer.id, ModuleCompletion.course_id == course.id
            )
        )
        is not None
    )


def complete_module(carer: User, course: TrainingCourse, now: datetime) -> bool:
    """Record that the carer finished a self-paced module; False if already recorded."""
    if not course.is_self_paced or has_completed(carer, course):
        return False
    db.session.add(
        ModuleCompletion(
            service_id=carer.service_id,
            course_id=course.id,
            user_id=carer.id,
            completed_on=to_london(now).date(),
        )
    )
    audit.record("training.module_completed", course, actor=carer)
    db.session.commit()
    return True


def _safe_cell(value) -> str:
    # Cells starting with = + - @ (or a tab or return) would run as formulas in a spreadsheet.
    text = str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def _csv(header: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([_safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def record_csv(record: TrainingRecord) -> str:
    """A carer's completed training as CSV (in their language), for their own records."""
    how = {"in-person": _("In person"), "online": _("Online"), "self-paced": _("Online module")}
    return _csv(
        [
            _("Course"),
            _("Date"),
            _("Hours"),
            _("In person or online"),
            _("Counts for TSDS"),
            _("TSDS standards"),
        ],
        [
            [
                line.title,
                line.on.isoformat(),
                line.hours,
                how[line.how],
                _("Yes") if line.counts_for_tsds else _("No"),
                " ".join(str(n) for n in line.standards),
            ]
            for line in record.done
        ],
    )


# ---- feedback --------------------------------------------------------------------------------


def feedback_of(booking: Booking) -> TrainingFeedback | None:
    """What the carer said about this booking's session, if anything yet."""
    return db.session.scalar(
        select(TrainingFeedback).where(TrainingFeedback.booking_id == booking.id)
    )


def can_give_feedback(booking: Booking, now: datetime) -> bool:
    """Only a carer marked as came, once the session has started, and only once."""
    return (
        booking.attended is True
        and booking.occasion.starts_at <= now
        and feedback_of(booking) is None
    )


def record_feedback(
    booking: Booking, rating: int, most_useful: str, do_differently: str, now: datetime
) -> bool:
    """Save a carer's feedback once; False if it was already given."""
    if not can_give_feedback(booking, now):
        return False
    db.session.add(
        TrainingFeedback(
            service_id=booking.service_id,
            session_id=session_of(booking).id,
            booking_id=booking.id,
            rating=rating,
            most_useful=most_useful.strip(),
            do_differently=do_differently.strip(),
            created_at=now,
        )
    )
    audit.record("training.feedback_given", booking, service=_service_of(booking))
    try:
        db.session.commit()
    except IntegrityError:  # the same form sent twice at once
        db.session.rollback()
        return False
    return True


@dataclass
class FeedbackAnswer:
    """One carer's answers (shown without their name)."""

    on: date
    rating: int
    most_useful: str
    do_differently: str


@dataclass
class FeedbackSummary:
    """What carers said about a course or one session of it."""

    counts: dict[int, int]  # rating -> how many gave it, 5 down to 1
    answers: list[FeedbackAnswer]

    @property
    def responses(self) -> int:
        """How many carers gave feedback."""
        return len(self.answers)

    @property
    def average(self) -> Decimal | None:
        """The mean rating to one decimal place, or None with no responses."""
        if not self.answers:
            return None
        total = sum(answer.rating for answer in self.answers)
        return (Decimal(total) / len(self.answers)).quantize(Decimal("0.1"))


def feedback_summary(course: TrainingCourse, session: TrainingSession | None = None):
    """Feedback on every session of a course, or on one session, in one query."""
    query = (
        select(TrainingFeedback, Occasion.starts_at)
        .join(TrainingSession, TrainingFeedback.session_id == TrainingSession.id)
        .join(Occasion, TrainingSession.occasion_id == Occasion.id)
        .where(
            TrainingFeedback.service_id == course.service_id,
            TrainingSession.course_id == course.id,
        )
        .order_by(Occasion.starts_at, TrainingFeedback.id)
    )
    if session is not None:
        query = query.where(TrainingFeedback.session_id == session.id)
    answers = [
        FeedbackAnswer(
            on=to_london(starts_at).date(),
            rating=feedback.rating,
            most_useful=feedback.most_useful,
            do_differently=feedback.do_differently,
        )
        for feedback, starts_at in db.session.execute(query)
    ]
    counts = {rating: 0 for rating in RATINGS}
    for answer in answers:
        counts[answer.rating] += 1
    return FeedbackSummary(counts=counts, answers=answers)


def feedback_csv(summary: FeedbackSummary, rating_labels: dict) -> str:
    """The answers as CSV (in the co-ordinator's language)."""
    return _csv(
        [
            _("Session date"),
            _("Rating (5 is very useful)"),
            _("Rating in words"),
            _("What was most useful"),
            _("What they will do differently"),
        ],
        [
            [
                answer.on.isoformat(),
                answer.rating,
                rating_labels[answer.rating],
                answer.most_useful,
                answer.do_differently,
            ]
            for answer in summary.answers
        ],
    )


# ---- demo data ----------------------------------------------------------------------------

_DEMO_COURSES = [
    # title, topic, standards ("" when it does not count for the TSDS), mandatory, description
    (
        "Safeguarding children and safer caring",
        Topic.SAFEGUARDING,
        "6",
        True,
        "Recognising abuse and neglect, what to do when a child tells you something, and "
        "writing your household's safer caring policy.",
    ),
    (
        "Paediatric first aid",
        Topic.HEALTH_AND_FIRST_AID,
        "3",
        True,
        "A practical day with a qualified trainer: choking, CPR for babies and children, "
        "burns, bleeding, allergic reactions and head injuries.",
    ),
    (
        "Therapeutic parenting: trauma-informed care",
        Topic.ATTACHMENT_AND_TRAUMA,
        "5",
        False,
        "How early trauma shapes children's behaviour, and the PACE approach (playfulness, "
        "acceptance, curiosity and empathy) for everyday family life.",
    ),
    (
        "Managing allegations",
        Topic.RECORDING_AND_PROCEDURES,
        "2,6",
        True,
        "What happens if an allegation is made against you or your household, the support "
        "you are entitled to, and how good daily recording protects everyone.",
    ),
    (
        "Keeping children safe online",
        Topic.ONLINE_SAFETY,
        "6",
        False,
        "Apps, gaming, social media and contact with birth family online: setting "
        "boundaries and spotting grooming and exploitation.",
    ),
    (
        "Supporting children's education",
        Topic.EDUCATION,
        "",
        False,
        "Personal education plans, the virtual school and pupil premium plus, and working "
        "with your child's designated teacher.",
    ),
]

# (course index, days from now, start, end, online)
_DEMO_SESSIONS = [
    (0, 9, time(9, 30), time(15, 0), False),
    (0, 58, time(18, 30), time(21, 0), True),
    (1, 16, time(9, 30), time(16, 0), False),
    (1, 72, time(9, 30), time(16, 0), False),
    (2, 23, time(10, 0), time(13, 0), False),
    (2, 51, time(19, 0), time(21, 0), True),
    (3, 30, time(10, 0), time(12, 30), False),
    (4, 37, time(19, 0), time(20, 30), True),
    (5, 44, time(10, 0), time(12, 0), False),
    (5, 86, time(19, 0), time(20, 30), True),
]


def add_demo_training(service: FosteringService, users: list[User], now: datetime) -> None:
    """Six courses (one a self-paced module) with sessions over the next three months at
    the service's venues and online, and one past session the demo carer came to but has
    not yet given feedback on."""
    by_local = {user.email.split("@")[0]: user for user in users}
    coordinator = by_local["training"]
    venues = [venue for venue in service.venues if not venue.is_online]
    today = to_london(now).date()
    courses = [
        create_course(
            service,
            CourseDetails(
                title=title,
                topic=topic,
                description=description,
                audiences=[Audience.ALL],
                counts_for_tsds=bool(standards),
                tsds_standards=[int(n) for n in standards.split(",") if n],
                is_mandatory=mandatory,
                format=CourseFormat.SESSIONS,
            ),
            by=coordinator,
        )
        for title, topic, standards, mandatory, description in _DEMO_COURSES
    ]
    create_course(
        service,
        CourseDetails(
            title="Recording for foster carers (online module)",
            topic=Topic.RECORDING_AND_PROCEDURES,
            description="Why daily logs matter, what to write and how children may read "
            "their records as adults. About an hour and a half, at your own pace.",
            audiences=[Audience.ALL],
            counts_for_tsds=True,
            tsds_standards=[2, 4],
            is_mandatory=False,
            format=CourseFormat.SELF_PACED,
            module_link="https://learning.example.org/recording-for-foster-carers",
            module_hours=Decimal("1.5"),
        ),
        by=coordinator,
    )
    sessions = []
    for number, (course, days, starts, ends, online) in enumerate(_DEMO_SESSIONS):
        sessions.append(
            add_session(
                courses[course],
                SessionDetails(
                    day=today + timedelta(days=days),
                    starts=starts,
                    ends=ends,
                    venue=None if online or not venues else venues[number % len(venues)],
                    is_online=online or not venues,
                    online_link="https://meet.example.org/training" if online else "",
                    capacity=12 if online else 16,
                ),
                by=coordinator,
            )
        )
    carer = by_local.get("carer")
    if carer is not None:
        _take_place(sessions[0], carer, carer.locale or "en", now)

    # A safeguarding session a fortnight ago: booked while it was still to come, then the
    # register marked. The demo carer came and has feedback to give.
    past = add_session(
        courses[0],
        SessionDetails(
            day=today + timedelta(days=1),
            starts=time(9, 30),
            ends=time(15, 0),
            venue=venues[0] if venues else None,
            is_online=not venues,
            online_link="" if venues else "https://meet.example.org/training",
            capacity=16,
        ),
        by=coordinator,
    )
    came = {"carer": True, "kinship-carer": True, "short-break-carer": False}
    bookings = {
        local: _take_place(past, by_local[local], by_local[local].locale or "en", now)
        for local in came
        if local in by_local
    }
    past.occasion.starts_at -= timedelta(days=15)
    past.occasion.ends_at -= timedelta(days=15)
    for local, booking in bookings.items():
        booking.attended = came[local]
    # The worker's first run emails the demo carer for feedback (training.request_feedback).
    if "kinship-carer" in bookings:
        bookings["kinship-carer"].feedback_requested_at = past.occasion.ends_at
        db.session.add(
            TrainingFeedback(
                service_id=service.id,
                session_id=past.id,
                booking_id=bookings["kinship-carer"].id,
                rating=5,
                most_useful="Hearing from an experienced carer how she wrote her safer caring "
                "policy with the children.",
                do_differently="Write our own safer caring policy this month and talk it "
                "through with my granddaughter.",
                created_at=past.occasion.ends_at + timedelta(days=1),
            )
        )
    db.session.commit()
