"""Information events from the public's side and the recruitment team's."""

from datetime import timedelta
from itertools import pairwise

from sqlalchemy import select

from portal.accounts.models import Role
from portal.bookings.models import Booking, BookingStatus
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.jobs import run_jobs
from portal.events.models import InformationEvent
from tests.conftest import links_in, parse, path_of

BOOKER = {
    "name": "Sam Example",
    "email": "sam@example.org",
    "phone": "07700 900123",
    "seats": "1",
    "access_needs": "",
}


def _book(client_request, event, **changes):
    return client_request.post_form(
        f"/leicestershire/events/{event.id}/book", {**BOOKER, **changes}
    )


def test_the_public_list_shows_upcoming_events_with_places_left(client_request, make_event):
    soon = make_event(capacity=3)
    make_event(starts_in=timedelta(days=-1), title="Already happened")
    page = client_request.get("/leicestershire/events")
    titles = [a.get_text(strip=True) for a in page.soup.select(".app-event h2 a")]
    assert titles == ["Find out about Fostering"]
    assert "3 places left" in page.soup.select_one(f"#seats-{soon.id}").get_text()


def test_the_list_filters_by_place_and_month(client_request, make_event):
    make_event()
    online = make_event(online=True, starts_in=timedelta(days=40), title="Online evening")
    page = client_request.get("/leicestershire/events?place=online")
    assert [a.get_text(strip=True) for a in page.soup.select(".app-event h2 a")] == [
        "Online evening"
    ]
    month = online.occasion.starts_at.strftime("%Y-%m")
    page = client_request.get(f"/leicestershire/events?month={month}")
    assert "Online evening" in page.text()
    page = client_request.get("/leicestershire/events?month=2026-99&place=x' OR 1=1")
    assert page.status == 200


def test_the_events_list_runs_the_same_queries_for_5_or_200_events(
    client, make_event, count_queries
):
    counts = []
    for total in (5, 200):
        while db.session.query(InformationEvent).count() < total:
            make_event(starts_in=timedelta(days=1 + db.session.query(InformationEvent).count()))
        with count_queries() as counted:
            assert client.get("/leicestershire/events").status_code == 200
        counts.append(counted["n"])
    assert 0 < counts[0] == counts[1]


def test_booking_sends_a_confirmation_with_a_calendar_file_and_a_private_link(
    client, client_request, make_event, smtp_server
):
    event = make_event(capacity=5)
    page = _book(client_request, event, email="Sam@Example.org")
    manage = page.response.headers["Location"]
    assert manage.startswith("/leicestershire/events/booking/")
    assert "sam" not in manage.lower()
    [message] = smtp_server.deliver()
    assert message["Subject"] == "Your place at a fostering information event"
    assert "Sam" not in message["Subject"]
    [calendar] = [part for part in message.iter_attachments()]
    assert calendar.get_content_type() == "text/calendar"
    ics = calendar.get_content()
    if isinstance(ics, bytes):
        ics = ics.decode()
    assert "BEGIN:VEVENT" in ics
    assert "County Hall" in ics
    assert path_of(links_in(message)[0]) == manage
    page = client_request.get(manage)
    assert "Booked" in page.text()
    assert "Sam Example" in page.text()
    booking = db.session.scalar(select(Booking))
    assert booking.phone == "+447700900123"
    assert booking.email == "sam@example.org"


def test_booking_mistakes_get_specific_messages_and_keep_what_was_typed(client_request, make_event):
    event = make_event()
    page = client_request.post_form(
        f"/leicestershire/events/{event.id}/book",
        {"name": "x" * 5000, "email": "nope", "phone": "123", "seats": "7"},
        expected_status=200,
    )
    assert page.error_for("name") == "Full name must be 200 characters or fewer"
    assert page.error_for("email") == (
        "Enter an email address in the correct format, like name@example.com"
    )
    assert page.error_for("phone").startswith("Enter a telephone number")
    assert page.error_for("seats") == "Not a valid choice."
    assert page.soup.find(id="phone")["value"] == "123"
    assert db.session.scalar(select(Booking)) is None


def test_booking_the_same_event_twice_is_refused_kindly(client_request, make_event):
    event = make_event()
    _book(client_request, event)
    page = client_request.post_form(
        f"/leicestershire/events/{event.id}/book", BOOKER, expected_status=200
    )
    assert page.error_for("email").startswith("You have already booked this event")


def test_cancelling_by_the_link_frees_the_seat_for_the_waiting_list(
    app, client, client_request, make_event, smtp_server
):
    event = make_event(capacity=1)
    first = _book(client_request, event).response.headers["Location"]
    second = _book(client_request, event, email="next@example.org").response.headers["Location"]
    assert "On the waiting list" in client_request.get(second).text()
    smtp_server.deliver()

    client_request.post_form(first + "/cancel", {}, form_page=first)
    assert "Cancelled" in client_request.get(first).text()
    messages = smtp_server.deliver()[2:]
    subjects = {m["To"]: m["Subject"] for m in messages}
    assert subjects["next@example.org"] == "A place has come free at a fostering information event"
    assert subjects["sam@example.org"] == "Your booking is cancelled"

    client_request.post_form(second + "/accept", {}, form_page=second)
    assert "Booked" in client_request.get(second).text()
    db.session.refresh(event.occasion)
    assert event.occasion.seats_taken == 1


def test_an_unclaimed_offer_passes_to_the_next_person(app, client_request, make_event, smtp_server):
    event = make_event(capacity=1)
    first = _book(client_request, event).response.headers["Location"]
    _book(client_request, event, email="b@example.org")
    _book(client_request, event, email="c@example.org")
    client_request.post_form(first + "/cancel", {}, form_page=first)
    smtp_server.deliver()
    run_jobs(utcnow() + timedelta(hours=25))
    statuses = dict(db.session.execute(select(Booking.email, Booking.status)).all())
    assert statuses["b@example.org"] == BookingStatus.LAPSED
    assert statuses["c@example.org"] == BookingStatus.OFFERED
    subjects = {m["To"]: m["Subject"] for m in smtp_server.deliver()}
    assert subjects["b@example.org"] == "The place we held for you has gone"
    assert subjects["c@example.org"] == "A place has come free at a fostering information event"


def test_a_booking_moves_to_another_date(client_request, make_event, smtp_server):
    first = make_event()
    later = make_event(starts_in=timedelta(days=31), title="Later event")
    manage = _book(client_request, first).response.headers["Location"]
    page = client_request.post_form(manage + "/move", {"event": str(later.id)})
    moved = page.response.headers["Location"]
    assert moved != manage
    assert "Later event" in client_request.get(moved).text()
    assert "Cancelled" in client_request.get(manage).text()


def test_tampered_links_and_other_services_events_are_not_found(
    client_request, make_event, lancashire
):
    event = make_event()
    manage = _book(client_request, event).response.headers["Location"]
    client_request.get(manage[:-3] + "abc", expected_status=404)
    client_request.get("/lancashire" + manage.removeprefix("/leicestershire"), expected_status=404)
    client_request.get(f"/lancashire/events/{event.id}", expected_status=404)
    client_request.get(f"/lancashire/events/{event.id}/book", expected_status=404)


def test_a_past_event_cannot_be_booked(client_request, make_event):
    event = make_event(starts_in=timedelta(hours=-1))
    client_request.get(f"/leicestershire/events/{event.id}/book", expected_status=410)


def test_reminders_go_two_days_before_once(client_request, make_event, smtp_server):
    event = make_event(starts_in=timedelta(days=1, hours=12))
    _book(client_request, event)
    smtp_server.deliver()
    run_jobs(utcnow())
    run_jobs(utcnow())
    reminders = [m for m in smtp_server.deliver() if m["Subject"].startswith("Reminder")]
    assert len(reminders) == 1


def test_staff_create_a_repeating_series_and_see_errors_for_bad_details(
    client_request, login_as, leicestershire
):
    login_as(Role.RECRUITMENT)
    county_hall = next(v for v in leicestershire.venues if not v.is_online)
    day = (utcnow() + timedelta(days=7)).date()
    base = {
        "title": "Find out about Fostering",
        "day": [str(day.day), str(day.month), str(day.year)],
        "starts": "18:30",
        "ends": "20:30",
        "place": str(county_hall.id),
        "capacity": "30",
        "every_weeks": "3",
        "times": "4",
    }
    client_request.post_form("/leicestershire/staff/events/new", base)
    events = db.session.scalars(select(InformationEvent)).all()
    assert len(events) == 4
    gaps = {(b.occasion.starts_at - a.occasion.starts_at).days for a, b in pairwise(events)}
    assert gaps <= {21}
    assert events[0].occasion.starts_at.hour in {18, 17}  # 18:30 UK time, stored in UTC

    bad = {
        **base,
        "day": ["1", "1", "2020"],
        "ends": "17:00",
        "capacity": "10000",
        "title": "x" * 5000,
    }
    page = client_request.post_form("/leicestershire/staff/events/new", bad, expected_status=200)
    assert page.error_for("day-date") == "The date of the event must be today or in the future"
    assert page.error_for("ends") == "The end time must be after the start time"
    assert page.error_for("capacity") == "Places must be between 1 and 500"
    assert page.error_for("title") == "Title must be 200 characters or fewer"
    zero = client_request.post_form(
        "/leicestershire/staff/events/new",
        {**base, "capacity": "0", "day": ["31", "2", "2030"]},
        expected_status=200,
    )
    assert zero.error_for("capacity") == "Places must be between 1 and 500"
    assert zero.error_for("day-date") == "The date of the event must be a real date"


def test_the_register_marks_attendance_with_and_without_htmx(
    client, client_request, login_as, make_event
):
    event = make_event()
    _book(client_request, event)
    login_as(Role.RECRUITMENT)
    booking = db.session.scalar(select(Booking))
    register = client_request.get(f"/leicestershire/staff/events/{event.id}/register")
    token = register.soup.find("input", attrs={"name": "csrf_token"})["value"]
    url = f"/leicestershire/staff/events/{event.id}/register/{booking.id}"
    response = client.post(
        url, data={"csrf_token": token, "attended": "yes"}, headers={"HX-Request": "true"}
    )
    row = parse(response)
    assert row.soup.find("html") is None
    assert "Marked as came" in row.text()
    response = client.post(url, data={"csrf_token": token, "attended": "no"})
    assert response.status_code == 302
    db.session.refresh(booking)
    assert booking.attended is False
    csv = client.get(f"/leicestershire/staff/events/{event.id}/register.csv")
    assert csv.mimetype == "text/csv"
    assert "Sam Example" in csv.get_data(as_text=True)


def test_cancelling_an_event_tells_everyone_and_offers_the_next_dates(
    client_request, login_as, make_event, smtp_server
):
    event = make_event(capacity=1)
    make_event(starts_in=timedelta(days=30), title="Next one")
    _book(client_request, event)
    _book(client_request, event, email="waiting@example.org")
    smtp_server.deliver()
    login_as(Role.RECRUITMENT)
    cancel = f"/leicestershire/staff/events/{event.id}/cancel"
    client_request.post_form(cancel, {})
    messages = smtp_server.deliver()[2:]
    assert sorted(m["To"] for m in messages) == ["sam@example.org", "waiting@example.org"]
    body = messages[0].get_body(preferencelist=("plain",)).get_content()
    assert "Next one" in body


def test_staff_pages_are_for_the_recruitment_team_only(client, login_as, make_event):
    event = make_event()
    login_as(Role.APPROVED_CARER)
    assert client.get("/leicestershire/staff/events").status_code == 403
    assert client.get(f"/leicestershire/staff/events/{event.id}/register").status_code == 403


def test_feedback_is_asked_of_people_who_came_and_shown_to_the_team(
    client, client_request, login_as, make_event, smtp_server
):
    event = make_event(starts_in=timedelta(hours=1))
    manage = _book(client_request, event).response.headers["Location"]
    booking = db.session.scalar(select(Booking))
    booking.attended = True
    event.occasion.starts_at = utcnow() - timedelta(hours=3)
    event.occasion.ends_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    smtp_server.deliver()
    run_jobs(utcnow())
    [request] = [m for m in smtp_server.deliver() if m["Subject"].startswith("How was")]
    assert path_of(links_in(request)[0]) == manage
    page = client_request.post_form(
        manage + "/feedback",
        {"usefulness": "very", "what_would_help": "Meeting a carer"},
        expected_status=200,
    )
    assert page.h1 == "Thank you for your feedback"
    login_as(Role.RECRUITMENT)
    register = client_request.get(f"/leicestershire/staff/events/{event.id}/register")
    assert "Meeting a carer" in register.text()


def test_the_team_messages_everyone_with_a_confirmed_place(
    client_request, login_as, make_event, smtp_server
):
    event = make_event(capacity=1)
    _book(client_request, event)
    _book(client_request, event, email="waiting@example.org")
    smtp_server.deliver()
    login_as(Role.RECRUITMENT)
    url = f"/leicestershire/staff/events/{event.id}/message"
    register = f"/leicestershire/staff/events/{event.id}/register"
    empty = client_request.post_form(url, {"message": ""}, form_page=register, expected_status=200)
    assert empty.error_for("message") == "Enter a message"
    client_request.post_form(url, {"message": "Parking is at the back."}, form_page=register)
    [message] = smtp_server.deliver()[2:]
    assert message["To"] == "sam@example.org"
    assert message["Subject"] == "A message about your fostering information event"
    assert "Parking is at the back." in message.get_body(preferencelist=("plain",)).get_content()


def test_the_list_shows_twenty_events_a_page_with_govuk_pagination(client_request, make_event):
    from datetime import timedelta

    for day in range(45):
        make_event(starts_in=timedelta(days=2 + day), title=f"Event on day {day + 2:02d}")
    page = client_request.get("/leicestershire/events")
    titles = [a.get_text(strip=True) for a in page.soup.select(".app-event h2 a")]
    assert titles == [f"Event on day {d:02d}" for d in range(2, 22)]
    nav = page.soup.select_one("nav.govuk-pagination")
    assert nav["aria-label"] == "Pages of events"
    assert [a["href"] for a in nav.select(".govuk-pagination__item a")] == [
        "/leicestershire/events",
        "/leicestershire/events?page=2",
        "/leicestershire/events?page=3",
    ]
    last = client_request.get("/leicestershire/events?page=3")
    assert len(last.soup.select(".app-event")) == 5
    # A page past the end, or not a number, shows a real page rather than an error.
    assert len(client_request.get("/leicestershire/events?page=99").soup.select(".app-event")) == 5
    assert client_request.get("/leicestershire/events?page=x%3Cb").status == 200
