"""A campaign burst: hundreds of people open the booking form and send it at once."""

import hashlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import func, select

from portal.bookings.models import Booking, BookingStatus, Occasion
from portal.events.models import InformationEvent
from tests.production.servers import Browser, csrf_token

BOOKED = "Your place is booked."
WAITING = "The event is full, so you are on the waiting list."
CLOSED = "You cannot book this event"
FULL = "Full: join the waiting list"


@dataclass
class Outcome:
    """What one person's browser saw after sending the form."""

    status: int  # of the POST
    state: str  # confirmed, waiting, refused, or broken
    token: str = ""  # the private link's secret, from the redirect
    detail: str = ""


def _token_from(location: str) -> str:
    return location.rstrip("/").rsplit("/", 1)[-1]


def book_at_once(servers: list[str], slug: str, event_id: int, people: int) -> list[Outcome]:
    """Each person gets the form from one process and sends it to the next (so the
    processes share secrets as well as the database); every form is open before the first
    is sent, then 64 threads send them as fast as the servers take them."""
    form = f"/{slug}/events/{event_id}/book"
    browsers = [Browser() for _ in range(people)]

    def open_form(person: int) -> str:
        reply = browsers[person].get(servers[person % len(servers)] + form)
        assert reply.status == 200, f"the form answered {reply.status}"
        return csrf_token(reply.body)

    def send(person: int, token: str) -> Outcome:
        server = servers[(person + 1) % len(servers)]
        reply = browsers[person].post(
            server + form,
            {
                "csrf_token": token,
                "name": f"Person {person}",
                "email": f"person{person}@example.org",
                "phone": "07700 900123",
                "seats": "1",
                "access_needs": "",
            },
        )
        if reply.status == 302:
            page = browsers[person].follow(reply, server)
            token = _token_from(reply.location)
            if page.status == 200 and BOOKED in page.body:
                return Outcome(reply.status, "confirmed", token)
            if page.status == 200 and WAITING in page.body:
                return Outcome(reply.status, "waiting", token)
            return Outcome(reply.status, "broken", token, f"then {page.status}")
        if reply.status == 410 and CLOSED in reply.body:
            return Outcome(reply.status, "refused")
        return Outcome(reply.status, "broken", detail=reply.body[:300])

    with ThreadPoolExecutor(max_workers=64) as pool:
        tokens = list(pool.map(open_form, range(people)))
        return list(pool.map(send, range(people), tokens))


def check_against_database(session, event_id: int, outcomes: list[Outcome], seats: int):
    """Exactly `seats` confirmed, everyone else told they wait or cannot book, no 5xx,
    and what the browsers were told is what the database holds, person by person."""
    states = Counter(outcome.state for outcome in outcomes)
    broken = [o for o in outcomes if o.state == "broken"]
    assert not broken, f"{len(broken)} requests failed, such as {broken[:3]}"
    assert not [o for o in outcomes if o.status >= 500]
    assert states["confirmed"] == seats, states
    assert states["confirmed"] + states["waiting"] + states["refused"] == len(outcomes)

    occasion_id = session.scalar(
        select(InformationEvent.occasion_id).where(InformationEvent.id == event_id)
    )
    occasion = session.get(Occasion, occasion_id)
    assert occasion.seats_taken == seats == occasion.capacity
    by_status = dict(
        session.execute(
            select(Booking.status, func.count())
            .where(Booking.occasion_id == occasion_id)
            .group_by(Booking.status)
        ).all()
    )
    assert by_status == {
        BookingStatus.CONFIRMED: states["confirmed"],
        BookingStatus.WAITING: states["waiting"],
    }
    held = dict(
        session.execute(
            select(Booking.token_hash, Booking.status).where(Booking.occasion_id == occasion_id)
        ).all()
    )
    told = {
        hashlib.sha256(o.token.encode()).hexdigest(): BookingStatus(o.state)
        for o in outcomes
        if o.token
    }
    assert told == held
    return states


def every_process_says_full(servers: list[str], slug: str, event_id: int) -> None:
    """Each process showed the event's page before the burst (an anonymous page, which a
    process may keep); after it, each shows the event full, whichever took the bookings."""
    for server in servers:
        page = Browser().get(f"{server}/{slug}/events/{event_id}")
        assert page.status == 200
        assert FULL in page.body, f"{server} shows the event as not full"
