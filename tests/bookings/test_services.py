"""The booking engine: capacity under concurrency, waiting lists, offers, moves."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.bookings import services as bookings
from portal.bookings.models import Booking, BookingStatus, Occasion
from portal.core.db import utcnow
from portal.core.extensions import db


@pytest.fixture
def make_occasion(leicestershire):
    def make(capacity=10, starts_in=timedelta(days=7), service=None, kind="test"):
        starts = utcnow() + starts_in
        occasion = Occasion(
            service_id=(service or leicestershire).id,
            kind=kind,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            capacity=capacity,
        )
        db.session.add(occasion)
        db.session.commit()
        return occasion

    return make


def _book(occasion, email, seats=1, now=None):
    booking = bookings.book(
        occasion,
        name="Person",
        email=email,
        phone="07700900123",
        seats=seats,
        access_needs="",
        locale="en",
        now=now or utcnow(),
    )
    db.session.commit()
    return booking


def _statuses(occasion):
    rows = db.session.execute(
        select(Booking.email, Booking.status)
        .where(Booking.occasion_id == occasion.id)
        .order_by(Booking.id)
    ).all()
    return {email: status for email, status in rows}


def test_seats_are_confirmed_until_full_then_people_wait(make_occasion):
    occasion = make_occasion(capacity=3)
    _book(occasion, "a@example.org", seats=2)
    _book(occasion, "b@example.org")
    _book(occasion, "c@example.org")
    assert _statuses(occasion) == {
        "a@example.org": BookingStatus.CONFIRMED,
        "b@example.org": BookingStatus.CONFIRMED,
        "c@example.org": BookingStatus.WAITING,
    }
    db.session.refresh(occasion)
    assert occasion.seats_taken == 3
    assert occasion.seats_left == 0


def test_one_person_holds_one_booking_per_occasion(make_occasion):
    occasion = make_occasion()
    first = _book(occasion, "a@example.org")
    with pytest.raises(bookings.AlreadyBooked) as caught:
        _book(occasion, "A@Example.org ")
    assert caught.value.booking.id == first.id


def test_a_freed_seat_is_offered_to_the_first_in_line_who_fits(make_occasion):
    occasion = make_occasion(capacity=2)
    leaving = _book(occasion, "a@example.org")
    _book(occasion, "b@example.org")
    _book(occasion, "pair@example.org", seats=2)
    _book(occasion, "single@example.org")
    now = utcnow()
    offered = bookings.cancel(leaving, now)
    db.session.commit()
    assert [b.email for b in offered] == ["single@example.org"]
    assert offered[0].offer_expires_at == now + timedelta(hours=24)
    assert _statuses(occasion)["pair@example.org"] == BookingStatus.WAITING


def test_an_offer_can_be_accepted_until_it_lapses_then_the_next_person_gets_it(make_occasion):
    occasion = make_occasion(capacity=1)
    leaving = _book(occasion, "a@example.org")
    _book(occasion, "b@example.org")
    _book(occasion, "c@example.org")
    now = utcnow()
    [offer] = bookings.cancel(leaving, now)
    db.session.commit()
    later = now + timedelta(hours=25)
    assert bookings.accept_offer(offer, later) is False
    assert bookings.lapse_expired_offers(later) == 1
    db.session.commit()
    statuses = _statuses(occasion)
    assert statuses["b@example.org"] == BookingStatus.LAPSED
    assert statuses["c@example.org"] == BookingStatus.OFFERED
    c = db.session.scalar(select(Booking).where(Booking.email == "c@example.org"))
    assert bookings.accept_offer(c, later + timedelta(hours=1)) is True
    db.session.commit()
    assert _statuses(occasion)["c@example.org"] == BookingStatus.CONFIRMED
    db.session.refresh(occasion)
    assert occasion.seats_taken == 1


def test_an_offer_never_outlives_the_start(make_occasion):
    occasion = make_occasion(capacity=1, starts_in=timedelta(hours=3))
    leaving = _book(occasion, "a@example.org")
    _book(occasion, "b@example.org")
    [offer] = bookings.cancel(leaving, utcnow())
    assert offer.offer_expires_at == occasion.starts_at


def test_a_booking_moves_to_another_occasion_and_frees_its_seat(make_occasion):
    first = make_occasion(capacity=1)
    second = make_occasion(capacity=5, starts_in=timedelta(days=21))
    booking = _book(first, "a@example.org")
    _book(first, "b@example.org")
    moved = bookings.move(booking, second, utcnow())
    db.session.commit()
    assert moved.occasion_id == second.id
    assert moved.status == BookingStatus.CONFIRMED
    assert moved.token_hash != booking.token_hash
    assert _statuses(first)["b@example.org"] == BookingStatus.OFFERED


def test_private_links_find_only_their_own_services_booking(make_occasion, lancashire):
    occasion = make_occasion()
    booking = _book(occasion, "a@example.org")
    token = bookings.booking_token(booking)
    assert bookings.find_booking_by_token(occasion.service_id, token).id == booking.id
    assert bookings.find_booking_by_token(lancashire.id, token) is None
    assert bookings.find_booking_by_token(occasion.service_id, token[:-1] + "x") is None


def test_nothing_can_be_booked_once_started_or_cancelled(make_occasion):
    started = make_occasion(starts_in=timedelta(minutes=-5))
    with pytest.raises(bookings.BookingClosed):
        _book(started, "a@example.org")
    later = make_occasion()
    _book(later, "a@example.org")
    cancelled = bookings.cancel_occasion(later, utcnow())
    db.session.commit()
    assert [b.email for b in cancelled] == ["a@example.org"]
    with pytest.raises(bookings.BookingClosed):
        _book(later, "b@example.org")


def _race(app, count, target):
    barrier = threading.Barrier(count)
    outcomes = []

    def attempt(n):
        with app.app_context():
            barrier.wait()
            try:
                outcomes.append(target(n))
            except bookings.AlreadyBooked:
                outcomes.append("already")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_200_people_at_once_for_10_seats_gives_exactly_10_confirmed(app, make_occasion):
    occasion = make_occasion(capacity=10)
    occasion_id = occasion.id

    def attempt(n):
        mine = db.session.get(Occasion, occasion_id)
        return _book(mine, f"person{n:03}@example.org").status

    outcomes = _race(app, 200, attempt)
    assert len(outcomes) == 200
    assert outcomes.count(BookingStatus.CONFIRMED) == 10
    assert outcomes.count(BookingStatus.WAITING) == 190
    db.session.expire_all()
    confirmed = db.session.scalar(
        select(func.count(Booking.id)).where(
            Booking.occasion_id == occasion_id, Booking.status == BookingStatus.CONFIRMED
        )
    )
    assert confirmed == 10
    assert db.session.get(Occasion, occasion_id).seats_taken == 10


def test_a_form_submitted_twice_at_once_books_once(app, make_occasion):
    occasion = make_occasion(capacity=10)
    occasion_id = occasion.id

    def attempt(n):
        return _book(db.session.get(Occasion, occasion_id), "twice@example.org").status

    outcomes = _race(app, 20, attempt)
    assert outcomes.count(BookingStatus.CONFIRMED) == 1
    assert outcomes.count("already") == 19
    db.session.expire_all()
    assert db.session.get(Occasion, occasion_id).seats_taken == 1
