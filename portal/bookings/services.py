"""Booking rules: take seats with one conditional UPDATE, queue when full, offer freed
seats in order, and let offers lapse. Callers commit, with their emails, in one go."""

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from icalendar import Calendar, Event
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.bookings.models import (
    ACTIVE,
    HOLDING_SEATS,
    Booking,
    BookingStatus,
    Occasion,
    OccasionStatus,
)
from portal.core.extensions import db
from portal.core.text import normalise_email

OFFER_HOLD = timedelta(hours=24)


class BookingClosed(Exception):
    """The occasion has started, finished or been cancelled."""


class AlreadyBooked(Exception):
    """This person already holds an active booking for the occasion."""

    def __init__(self, booking: Booking | None):
        super().__init__("already booked")
        self.booking = booking


class NoSeats(Exception):
    """The occasion has no seats for this many people."""


# Each kind of occasion (information events, training) says how to tell people about
# offers and lapsed offers; the engine calls it when a seat moves down the queue.
Notifier = Callable[[Booking, str], None]
_notifiers: dict[str, Notifier] = {}


def register_notifier(kind: str, notifier: Notifier) -> None:
    """Let the feature owning `kind` send the emails for queue changes."""
    _notifiers[kind] = notifier


def _notify(booking: Booking, message: str) -> None:
    notifier = _notifiers.get(booking.occasion.kind)
    if notifier is not None:
        notifier(booking, message)


def booking_token(booking: Booking) -> str:
    """The secret in a booking's private link (rebuilt from its salt, never stored)."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"booking-link:{booking.link_salt}".encode(), "sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_booking_by_token(service_id: int, token: str) -> Booking | None:
    """The service's booking behind a private link, if the link is genuine."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(Booking).where(
            Booking.token_hash == _token_hash(token), Booking.service_id == service_id
        )
    )


def _take_seats(occasion: Occasion, seats: int) -> bool:
    result = db.session.execute(
        update(Occasion)
        .where(
            Occasion.id == occasion.id,
            Occasion.status == OccasionStatus.SCHEDULED,
            Occasion.seats_taken + seats <= Occasion.capacity,
        )
        .values(seats_taken=Occasion.seats_taken + seats)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(occasion, ["seats_taken"])
    return result.rowcount == 1


def _release_seats(occasion: Occasion, seats: int) -> None:
    db.session.execute(
        update(Occasion)
        .where(Occasion.id == occasion.id, Occasion.seats_taken >= seats)
        .values(seats_taken=Occasion.seats_taken - seats)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(occasion, ["seats_taken"])


def active_booking_for(occasion: Occasion, email: str) -> Booking | None:
    """This person's active booking for the occasion, if any."""
    return db.session.scalar(
        select(Booking).where(
            Booking.occasion_id == occasion.id,
            Booking.email == normalise_email(email),
            Booking.status.in_(ACTIVE),
        )
    )


def book(
    occasion: Occasion,
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
    """A confirmed booking when seats are free, otherwise a place on the waiting list."""
    if occasion.status != OccasionStatus.SCHEDULED or occasion.starts_at <= now:
        raise BookingClosed
    existing = active_booking_for(occasion, email)
    if existing is not None:
        raise AlreadyBooked(existing)
    taken = _take_seats(occasion, seats)
    salt = secrets.token_hex(16)
    booking = Booking(
        service_id=occasion.service_id,
        occasion=occasion,
        name=name.strip(),
        email=normalise_email(email),
        phone=phone,
        seats=seats,
        access_needs=access_needs.strip(),
        locale=locale,
        user_id=user_id,
        made_by_staff_id=made_by_staff_id,
        status=BookingStatus.CONFIRMED if taken else BookingStatus.WAITING,
        link_salt=salt,
        token_hash="",  # nosec B106  # filled in below, once the id exists
        created_at=now,
    )
    booking.token_hash = _token_hash(booking_token(booking))
    db.session.add(booking)
    try:
        db.session.flush()
    except IntegrityError:
        # The same person's other request got there first (a double-submitted form).
        db.session.rollback()
        raise AlreadyBooked(active_booking_for(occasion, email)) from None
    return booking


def offer_freed_seats(occasion: Occasion, now: datetime) -> list[Booking]:
    """Offer free seats to the waiting list in order; a party that does not fit keeps
    its place while smaller ones behind it are offered what is free."""
    if occasion.status != OccasionStatus.SCHEDULED or occasion.starts_at <= now:
        return []
    waiting = db.session.scalars(
        select(Booking)
        .where(Booking.occasion_id == occasion.id, Booking.status == BookingStatus.WAITING)
        .order_by(Booking.created_at, Booking.id)
    ).all()
    offered = []
    for booking in waiting:
        if _take_seats(occasion, booking.seats):
            booking.status = BookingStatus.OFFERED
            booking.offer_expires_at = min(now + OFFER_HOLD, occasion.starts_at)
            offered.append(booking)
            _notify(booking, "offered")
    return offered


def cancel(booking: Booking, now: datetime) -> list[Booking]:
    """Cancel a booking or waiting-list place; returns the bookings offered its seats."""
    if not booking.is_active:
        return []
    if booking.status in HOLDING_SEATS:
        _release_seats(booking.occasion, booking.seats)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    return offer_freed_seats(booking.occasion, now)


def accept_offer(booking: Booking, now: datetime) -> bool:
    """Turn a held seat into a confirmed booking while the offer stands."""
    if booking.status != BookingStatus.OFFERED or booking.offer_expires_at <= now:
        return False
    booking.status = BookingStatus.CONFIRMED
    booking.offer_expires_at = None
    return True


def lapse_expired_offers(now: datetime) -> int:
    """Release seats held for offers nobody took up, and offer them to the next in line."""
    expired = db.session.scalars(
        select(Booking).where(
            Booking.status == BookingStatus.OFFERED, Booking.offer_expires_at <= now
        )
    ).all()
    occasions = {}
    for booking in expired:
        _release_seats(booking.occasion, booking.seats)
        booking.status = BookingStatus.LAPSED
        occasions[booking.occasion_id] = booking.occasion
        _notify(booking, "lapsed")
    for occasion in occasions.values():
        offer_freed_seats(occasion, now)
    return len(expired)


def move(booking: Booking, to: Occasion, now: datetime) -> Booking:
    """Move a confirmed booking to another occasion of the same kind with free seats."""
    if (
        to.id == booking.occasion_id
        or to.kind != booking.occasion.kind
        or to.service_id != booking.service_id
    ):
        raise NoSeats
    if to.status != OccasionStatus.SCHEDULED or to.starts_at <= now:
        raise BookingClosed
    if active_booking_for(to, booking.email) is not None:
        raise AlreadyBooked(active_booking_for(to, booking.email))
    if not _take_seats(to, booking.seats):
        raise NoSeats
    moved = Booking(
        service_id=booking.service_id,
        occasion=to,
        name=booking.name,
        email=booking.email,
        phone=booking.phone,
        seats=booking.seats,
        access_needs=booking.access_needs,
        locale=booking.locale,
        user_id=booking.user_id,
        status=BookingStatus.CONFIRMED,
        link_salt=secrets.token_hex(16),
        token_hash="",  # nosec B106  # filled in below, once the id exists
        created_at=now,
    )
    moved.token_hash = _token_hash(booking_token(moved))
    db.session.add(moved)
    cancel(booking, now)
    return moved


def cancel_occasion(occasion: Occasion, now: datetime) -> list[Booking]:
    """Call off an occasion; returns the bookings (and waiting places) it cancelled."""
    affected = db.session.scalars(
        select(Booking).where(Booking.occasion_id == occasion.id, Booking.status.in_(ACTIVE))
    ).all()
    for booking in affected:
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
    occasion.status = OccasionStatus.CANCELLED
    occasion.seats_taken = 0
    return list(affected)


def venue_location(venue) -> str:
    """A venue as one line for a calendar entry: name, address and postcode."""
    address = ", ".join(line for line in venue.address.splitlines() if line)
    return f"{venue.name}, {address} {venue.postcode}".strip()


def calendar_file(
    booking: Booking, *, product: str, uid: str, title: str, location: str | None, link: str
) -> str:
    """An iCalendar (.ics) file for a booking's occasion, with the person's own link in it."""
    calendar = Calendar()
    calendar.add("prodid", f"-//Fostering portal//{product}//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = Event()
    entry.add("uid", uid)
    entry.add("dtstamp", booking.created_at)
    entry.add("dtstart", booking.occasion.starts_at)
    entry.add("dtend", booking.occasion.ends_at)
    entry.add("summary", title)
    if location:
        entry.add("location", location)
    entry.add("description", link)
    entry.add("url", link)
    calendar.add_component(entry)
    return calendar.to_ical().decode()
