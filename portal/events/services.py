"""Information event rules: listing, booking through the booking engine, the register,
and the emails that go with each change."""

import csv
import io
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from portal.bookings import services as engine
from portal.bookings.models import ACTIVE, Booking, BookingStatus, Occasion, OccasionStatus
from portal.core import audit, outbox
from portal.core.extensions import db
from portal.core.times import london_to_utc, to_london
from portal.events.models import KIND, EventFeedback, InformationEvent, Usefulness
from portal.organisation.models import FosteringService, Venue

REMINDER_BEFORE = timedelta(days=2)
FEEDBACK_WINDOW = timedelta(days=30)


class EventFull(Exception):
    """Not enough seats to move to that event."""


def _upcoming(service: FosteringService, now: datetime):
    return (
        select(InformationEvent)
        .join(InformationEvent.occasion)
        .options(contains_eager(InformationEvent.occasion))
        .where(
            InformationEvent.service_id == service.id,
            Occasion.status == OccasionStatus.SCHEDULED,
            Occasion.starts_at > now,
        )
        .order_by(Occasion.starts_at, InformationEvent.id)
    )


@dataclass
class EventFilters:
    """What the public list can be narrowed to."""

    place: str = ""  # a venue id, "online", or "" for anywhere
    month: str = ""  # "YYYY-MM" in UK time, or "" for any month


def month_bounds(month: str) -> tuple[datetime, datetime] | None:
    """The UTC instants a UK calendar month starts and ends, for "YYYY-MM"; None if bad."""
    try:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
    except (ValueError, TypeError):
        return None
    following = date(year + (number == 12), number % 12 + 1, 1)
    return london_to_utc(first, time()), london_to_utc(following, time())


def _filtered(query, filters: EventFilters):
    if filters.place == "online":
        query = query.where(InformationEvent.is_online.is_(True))
    elif filters.place.isdigit():
        query = query.where(InformationEvent.venue_id == int(filters.place))
    bounds = month_bounds(filters.month) if filters.month else None
    if bounds:
        query = query.where(Occasion.starts_at >= bounds[0], Occasion.starts_at < bounds[1])
    return query


def upcoming_events(
    service: FosteringService, now: datetime, filters: EventFilters | None = None, limit=200
) -> list[InformationEvent]:
    """Events still to come, soonest first, narrowed by place and month."""
    query = _filtered(_upcoming(service, now), filters or EventFilters())
    return list(db.session.scalars(query.limit(limit)).unique())


EVENTS_PER_PAGE = 20


def upcoming_events_page(
    service: FosteringService, now: datetime, filters: EventFilters, page: int
) -> tuple[list[InformationEvent], int, int]:
    """One page of the events to come (soonest first), how many pages there are and how
    many events match."""
    total = db.session.scalar(
        _filtered(
            select(func.count(InformationEvent.id))
            .join(InformationEvent.occasion)
            .where(
                InformationEvent.service_id == service.id,
                Occasion.status == OccasionStatus.SCHEDULED,
                Occasion.starts_at > now,
            ),
            filters,
        )
    )
    pages = max(1, -(-total // EVENTS_PER_PAGE))
    page = min(max(page, 1), pages)
    query = _filtered(_upcoming(service, now), filters)
    found = db.session.scalars(
        query.limit(EVENTS_PER_PAGE).offset((page - 1) * EVENTS_PER_PAGE)
    ).unique()
    return list(found), pages, total


def filter_choices(service: FosteringService, now: datetime) -> tuple[list, list]:
    """The places and months that upcoming events are in, for the filter form."""
    rows = db.session.execute(
        select(InformationEvent.venue_id, InformationEvent.is_online, Occasion.starts_at)
        .join(InformationEvent.occasion)
        .where(
            InformationEvent.service_id == service.id,
            Occasion.status == OccasionStatus.SCHEDULED,
            Occasion.starts_at > now,
        )
    ).all()
    venue_ids = {venue_id for venue_id, online, _ in rows if venue_id and not online}
    venues = [venue for venue in service.venues if venue.id in venue_ids]
    places = [(str(venue.id), venue.name) for venue in venues]
    if any(online for _, online, _ in rows):
        places.append(("online", None))  # the template names it in the reader's language
    months = sorted({to_london(starts).strftime("%Y-%m") for _, _, starts in rows})
    return places, months


def find_event(service: FosteringService, event_id: int) -> InformationEvent | None:
    """The service's event with this id."""
    event = db.session.get(InformationEvent, event_id)
    if event is None or event.service_id != service.id:
        return None
    return event


@dataclass
class EventDetails:
    """What staff enter for an event."""

    title: str
    description: str
    accessibility_notes: str
    venue: Venue | None
    is_online: bool
    online_link: str
    day: date
    starts: time
    ends: time
    capacity: int


def create_events(
    service: FosteringService,
    details: EventDetails,
    *,
    every_weeks: int | None,
    times: int | None,
    created_by,
    now: datetime,
) -> list[InformationEvent]:
    """One event, or a series repeating every few weeks."""
    count = times if every_weeks and times else 1
    series = secrets.token_hex(8) if count > 1 else None
    events = []
    for n in range(count):
        day = details.day + timedelta(weeks=(every_weeks or 0) * n)
        occasion = Occasion(
            service_id=service.id,
            kind=KIND,
            starts_at=london_to_utc(day, details.starts),
            ends_at=london_to_utc(day, details.ends),
            capacity=details.capacity,
            seats_taken=0,
            status=OccasionStatus.SCHEDULED,
        )
        event = InformationEvent(
            service_id=service.id,
            occasion=occasion,
            title=details.title.strip(),
            description=details.description.strip(),
            accessibility_notes=details.accessibility_notes.strip(),
            venue=None if details.is_online else details.venue,
            is_online=details.is_online,
            online_link=details.online_link.strip() if details.is_online else "",
            series_id=series,
            created_by_id=created_by.id,
        )
        db.session.add(event)
        events.append(event)
    db.session.flush()
    for event in events:
        audit.record("event.created", event, actor=created_by)
    db.session.commit()
    return events


def update_event(event: InformationEvent, details: EventDetails, *, by, now: datetime) -> None:
    """Change an event; its capacity never drops below the seats already taken."""
    occasion = event.occasion
    if details.capacity < occasion.seats_taken:
        raise ValueError("capacity below seats taken")
    event.title = details.title.strip()
    event.description = details.description.strip()
    event.accessibility_notes = details.accessibility_notes.strip()
    event.is_online = details.is_online
    event.venue = None if details.is_online else details.venue
    event.online_link = details.online_link.strip() if details.is_online else ""
    occasion.starts_at = london_to_utc(details.day, details.starts)
    occasion.ends_at = london_to_utc(details.day, details.ends)
    grew = details.capacity > occasion.capacity
    occasion.capacity = details.capacity
    audit.record("event.updated", event, actor=by)
    db.session.flush()
    if grew:
        engine.offer_freed_seats(occasion, now)
    db.session.commit()


def details_of(event: InformationEvent) -> EventDetails:
    """An event's details, for editing or copying."""
    starts, ends = to_london(event.occasion.starts_at), to_london(event.occasion.ends_at)
    return EventDetails(
        title=event.title,
        description=event.description,
        accessibility_notes=event.accessibility_notes,
        venue=event.venue,
        is_online=event.is_online,
        online_link=event.online_link,
        day=starts.date(),
        starts=starts.time().replace(tzinfo=None),
        ends=ends.time().replace(tzinfo=None),
        capacity=event.occasion.capacity,
    )


def _event_email_context(event: InformationEvent) -> dict:
    return {"event": event, "occasion": event.occasion}


def manage_link(booking: Booking) -> str:
    """The absolute private link where a person manages their booking."""
    return url_for(
        "events.manage_booking",
        service=booking_service_slug(booking),
        token=engine.booking_token(booking),
        _external=True,
    )


def booking_service_slug(booking: Booking) -> str:
    """The slug of the service a booking belongs to."""
    return db.session.get(FosteringService, booking.service_id).slug


def calendar_file(event: InformationEvent, booking: Booking) -> str:
    """An iCalendar (.ics) file for a booking, with the private link in it."""
    with force_locale(outbox.recipient_locale(booking.locale)):  # it goes with the person's email
        location = _("Online") if event.is_online else None
    if location is None and event.venue is not None:
        location = engine.venue_location(event.venue)
    return engine.calendar_file(
        booking,
        product="information events",
        uid=f"booking-{booking.id}@{booking_service_slug(booking)}.fostering-portal",
        title=event.title,
        location=location,
        link=manage_link(booking),
    )


def _send(booking: Booking, template: str, event: InformationEvent, **extra) -> None:
    attachment = None
    if template in {"event_booked", "event_offer_accepted"}:
        attachment = ("event.ics", "text/calendar", calendar_file(event, booking))
    outbox.enqueue(
        to=booking.email,
        template=template,
        locale=booking.locale,
        service=db.session.get(FosteringService, booking.service_id),
        attachment=attachment,
        name=booking.name,
        link=manage_link(booking),
        **_event_email_context(event),
        **extra,
    )


def event_of(booking: Booking) -> InformationEvent:
    """The information event a booking is for."""
    return db.session.scalar(
        select(InformationEvent).where(InformationEvent.occasion_id == booking.occasion_id)
    )


def _notify(booking: Booking, message: str) -> None:
    event = event_of(booking)
    if message == "offered":
        _send(booking, "event_offer", event, expires_at=booking.offer_expires_at)
    elif message == "lapsed":
        _send(booking, "event_offer_lapsed", event)


engine.register_notifier(KIND, _notify)


def book(
    event: InformationEvent,
    *,
    name: str,
    email: str,
    phone: str,
    seats: int,
    access_needs: str,
    locale: str,
    now: datetime,
    user_id: int | None = None,
    made_by_staff_id: int | None = None,
) -> Booking:
    """Book seats (or a waiting-list place) and email the confirmation."""
    booking = engine.book(
        event.occasion,
        name=name,
        email=email,
        phone=phone,
        seats=seats,
        access_needs=access_needs,
        locale=locale,
        now=now,
        user_id=user_id,
        made_by_staff_id=made_by_staff_id,
    )
    if booking.status == BookingStatus.CONFIRMED:
        _send(booking, "event_booked", event)
    else:
        _send(booking, "event_waiting", event)
    db.session.commit()
    return booking


def cancel_booking(booking: Booking, now: datetime) -> None:
    """Cancel at the person's request; a freed seat goes to the waiting list."""
    engine.cancel(booking, now)
    _send(booking, "event_booking_cancelled", event_of(booking))
    db.session.commit()


def accept_offer(booking: Booking, now: datetime) -> bool:
    """Take up a held seat."""
    if not engine.accept_offer(booking, now):
        db.session.rollback()
        return False
    _send(booking, "event_offer_accepted", event_of(booking))
    db.session.commit()
    return True


def move_booking(booking: Booking, to: InformationEvent, now: datetime) -> Booking:
    """Move to another event with enough seats; the old seat is offered on."""
    try:
        moved = engine.move(booking, to.occasion, now)
    except engine.NoSeats:
        db.session.rollback()
        raise EventFull from None
    db.session.flush()
    _send(moved, "event_booked", to)
    db.session.commit()
    return moved


def events_to_move_to(booking: Booking, now: datetime) -> list[InformationEvent]:
    """Other upcoming events of the service with room for this booking."""
    service = db.session.get(FosteringService, booking.service_id)
    return [
        event
        for event in upcoming_events(service, now)
        if event.occasion_id != booking.occasion_id and event.occasion.seats_left >= booking.seats
    ]


def cancel_event(event: InformationEvent, now: datetime, *, by) -> int:
    """Call off an event, tell everyone booked or waiting, and offer the next dates."""
    affected = engine.cancel_occasion(event.occasion, now)
    service = event.service
    next_events = [e for e in upcoming_events(service, now, limit=4) if e.id != event.id][:3]
    for booking in affected:
        outbox.enqueue(
            to=booking.email,
            template="event_cancelled",
            locale=booking.locale,
            service=service,
            name=booking.name,
            next_events=next_events,
            events_link=url_for("events.list_events", service=service.slug, _external=True),
            **_event_email_context(event),
        )
    audit.record("event.cancelled", event, actor=by, bookings=len(affected))
    db.session.commit()
    return len(affected)


def register(event: InformationEvent) -> list[Booking]:
    """Everyone booked, offered or waiting, in the order they booked."""
    return list(
        db.session.scalars(
            select(Booking)
            .where(Booking.occasion_id == event.occasion_id, Booking.status.in_(ACTIVE))
            .order_by(Booking.status, Booking.created_at, Booking.id)
        )
    )


def find_register_booking(event: InformationEvent, booking_id: int) -> Booking | None:
    """A booking on this event's register."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.occasion_id != event.occasion_id:
        return None
    return booking


def mark_attendance(booking: Booking, attended: bool, *, by) -> None:
    """Record whether a booked person came."""
    booking.attended = attended
    audit.record("event.attendance_marked", booking, actor=by, attended=attended)
    db.session.commit()


def register_csv(event: InformationEvent) -> str:
    """The register as CSV, for printing or for the team's own records."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Name", "Email", "Phone", "People", "Status", "Attended", "Access needs"])
    for booking in register(event):
        attended = {True: "yes", False: "no", None: ""}[booking.attended]
        row = [
            booking.name,
            booking.email,
            booking.phone,
            booking.seats,
            booking.status.value,
            attended,
            booking.access_needs,
        ]
        # Cells starting with = + - @ would run as formulas in a spreadsheet.
        writer.writerow(["'" + str(c) if str(c)[:1] in {"=", "+", "-", "@"} else c for c in row])
    return buffer.getvalue()


def email_attendees(event: InformationEvent, message: str, *, by) -> int:
    """Send a message from the team to everyone with a confirmed place."""
    confirmed = [b for b in register(event) if b.status == BookingStatus.CONFIRMED]
    for booking in confirmed:
        _send(booking, "event_message", event, message=message.strip())
    audit.record("event.attendees_emailed", event, actor=by, recipients=len(confirmed))
    db.session.commit()
    return len(confirmed)


def record_feedback(
    booking: Booking, usefulness: Usefulness, what_would_help: str, now: datetime
) -> bool:
    """Save an attendee's feedback once; False if they already gave it."""
    exists = db.session.scalar(select(EventFeedback).where(EventFeedback.booking_id == booking.id))
    if exists is not None:
        return False
    db.session.add(
        EventFeedback(
            service_id=booking.service_id,
            event_id=event_of(booking).id,
            booking_id=booking.id,
            usefulness=usefulness,
            what_would_help=what_would_help.strip(),
            created_at=now,
        )
    )
    db.session.commit()
    return True


def feedback_for(event: InformationEvent) -> tuple[dict, list[str]]:
    """How useful people found the event (counts) and what they said would help."""
    rows = db.session.execute(
        select(EventFeedback.usefulness, func.count(EventFeedback.id))
        .where(EventFeedback.event_id == event.id)
        .group_by(EventFeedback.usefulness)
    ).all()
    counts = {level: 0 for level in Usefulness} | dict(rows)
    comments = list(
        db.session.scalars(
            select(EventFeedback.what_would_help)
            .where(EventFeedback.event_id == event.id, EventFeedback.what_would_help != "")
            .order_by(EventFeedback.id)
        )
    )
    return counts, comments


def send_reminders(now: datetime) -> int:
    """Remind confirmed people 2 days before their event; once each."""
    due = db.session.scalars(
        select(Booking)
        .join(Booking.occasion)
        .where(
            Occasion.kind == KIND,
            Occasion.status == OccasionStatus.SCHEDULED,
            Occasion.starts_at > now,
            Occasion.starts_at <= now + REMINDER_BEFORE,
            Booking.status == BookingStatus.CONFIRMED,
            Booking.reminder_sent_at.is_(None),
        )
    ).all()
    for booking in due:
        _send(booking, "event_reminder", event_of(booking))
        booking.reminder_sent_at = now
    db.session.commit()
    return len(due)


def request_feedback(now: datetime) -> int:
    """Ask people who came for feedback, once the event is over."""
    due = db.session.scalars(
        select(Booking)
        .join(Booking.occasion)
        # Only real events: imported history has bookings on occasions with no event.
        .join(InformationEvent, InformationEvent.occasion_id == Occasion.id)
        .where(
            Occasion.kind == KIND,
            Occasion.ends_at <= now,
            Occasion.ends_at > now - FEEDBACK_WINDOW,
            Booking.attended.is_(True),
            Booking.feedback_requested_at.is_(None),
        )
    ).all()
    for booking in due:
        _send(booking, "event_feedback_request", event_of(booking))
        booking.feedback_requested_at = now
    db.session.commit()
    return len(due)


def lapse_offers(now: datetime) -> int:
    """Let offers nobody took up lapse, offering the seats on (emails included)."""
    count = engine.lapse_expired_offers(now)
    db.session.commit()
    return count


def link_state(booking: Booking, now: datetime) -> str:
    """What a private link may still do: 'manage' before the start, 'feedback' for a while
    after the end, otherwise 'expired'."""
    occasion = booking.occasion
    if occasion.starts_at > now and occasion.status == OccasionStatus.SCHEDULED:
        return "manage"
    if occasion.ends_at <= now < occasion.ends_at + FEEDBACK_WINDOW and booking.attended:
        return "feedback"
    return "expired"


def _register_jobs() -> None:
    from portal.core.jobs import register_job

    register_job("events.lapse_offers", lapse_offers)
    register_job("events.send_reminders", send_reminders)
    register_job("events.request_feedback", request_feedback)


_register_jobs()


def next_events_for(service: FosteringService, now: datetime, count: int = 3) -> list:
    """The next few events that still have room, for enquiry replies."""
    return [e for e in upcoming_events(service, now, limit=20) if e.occasion.seats_left][:count]
