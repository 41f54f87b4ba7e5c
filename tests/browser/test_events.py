"""Enquiries and information events in a real browser, on a phone, with and without
JavaScript; axe-core on every page they add."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import Role
from portal.bookings.models import Booking
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.events import services as events
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in
from tests.conftest import links_in, path_of


def _book(event, name, email, access_needs=""):
    """Book a place directly through the service, as another person would have."""
    return events.book(
        event,
        name=name,
        email=email,
        phone="+447700900001",
        seats=1,
        access_needs=access_needs,
        locale="en",
        now=utcnow(),
    )


def _fill_enquiry(page):
    page.get_by_label("Full name").fill("Pat Example")
    page.get_by_label("Email address").fill("pat@example.org")
    page.get_by_label("Phone number").fill("07700 900456")
    page.get_by_label("Postcode").fill("le3 8sa")
    page.get_by_label("How many adults live in your home, including you?").fill("2")
    page.get_by_label("How many children live in your home?").fill("0")
    page.get_by_role("group", name="Do you have a spare bedroom?").get_by_label("Yes").check()
    page.get_by_label("Teenagers").check()
    page.get_by_label("A friend or relative").check()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_enquire_book_get_the_calendar_file_and_cancel_by_the_link(
    new_page, leicestershire, make_event, smtp_server, javascript
):
    event = make_event(capacity=10, starts_in=timedelta(days=9))
    page = new_page(viewport=PHONE, javascript=javascript)
    page.goto("/leicestershire/thinking-about-fostering")
    page.get_by_role("button", name="Tell us you are interested").click()

    # One mistake first: it is explained beside the field and the rest is kept.
    _fill_enquiry(page)
    page.get_by_label("Postcode").fill("nowhere")
    page.get_by_role("button", name="Send enquiry").click()
    page.locator("#postcode-error").wait_for()
    assert page.locator("#postcode-error").inner_text().endswith("like LE3 8SA")
    assert page.get_by_label("Full name").input_value() == "Pat Example"
    page.get_by_label("Postcode").fill("le3 8sa")
    page.get_by_role("button", name="Send enquiry").click()
    page.locator("h1", has_text="Thank you for your enquiry").wait_for()

    page.get_by_role("link", name="Book this event").first.click()
    assert page.get_by_label("Full name").input_value() == "Pat Example"
    page.get_by_role("button", name="Book my place").click()
    page.locator("h1", has_text="Your booking").wait_for()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Booked")

    messages = smtp_server.deliver()
    booked = next(m for m in messages if m["Subject"].startswith("Your place"))
    calendar = next(booked.iter_attachments())
    assert calendar.get_content_type() == "text/calendar"
    manage = path_of(links_in(booked)[0])

    page.goto(manage)
    page.get_by_role("button", name="Cancel my booking").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your booking is cancelled")
    db.session.refresh(event.occasion)
    assert event.occasion.seats_taken == 0
    assert page.console_problems == []


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_join_the_waiting_list_and_take_the_place_that_frees(
    app, new_page, leicestershire, make_event, smtp_server, javascript
):
    event = make_event(capacity=1)
    with app.test_request_context():
        holder = _book(event, "First", "first@example.org")
    page = new_page(viewport=PHONE, javascript=javascript)
    page.goto(f"/leicestershire/events/{event.id}")
    page.get_by_role("button", name="Join the waiting list").click()
    page.get_by_label("Full name").fill("Sam Waiting")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Phone number").fill("07700900123")
    page.get_by_role("button", name="Book my place").click()
    page.locator("h1", has_text="Your booking").wait_for()
    expect(page.locator(".govuk-summary-list")).to_contain_text("On the waiting list")

    with app.test_request_context():
        events.cancel_booking(db.session.get(Booking, holder.id), utcnow())
    offer = next(m for m in smtp_server.deliver() if m["Subject"].startswith("A place has come"))
    page.goto(path_of(links_in(offer)[0]))
    page.get_by_role("button", name="Accept the place").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Booked")
    assert page.console_problems == []


def test_marking_attendance_updates_the_row_without_a_reload(
    app, new_page, leicestershire, make_event, make_user
):
    event = make_event()
    with app.test_request_context():
        _book(event, "Attendee", "a@example.org")
    staff = make_user(leicestershire, Role.RECRUITMENT)
    page = new_page(viewport=DESKTOP)
    sign_in(page, staff.email)
    page.goto(f"/leicestershire/staff/events/{event.id}/register")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Came").click()
    page.get_by_text("Marked as came").wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert db.session.scalar(select(Booking.attended)) is True


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_every_events_page_has_no_axe_violations(
    app, new_page, leicestershire, make_event, make_user, viewport
):
    event = make_event(capacity=1, online=False)
    make_event(starts_in=timedelta(days=30), online=True, title="Online evening")
    with app.test_request_context():
        first = _book(event, "First", "first@example.org", access_needs="Step-free access")
        waiting = _book(event, "Second", "second@example.org")
        tokens = {
            "confirmed": events.engine.booking_token(first),
            "waiting": events.engine.booking_token(waiting),
        }
    page = new_page(viewport=viewport)
    checked = 0
    for path in [
        "/leicestershire/events",
        f"/leicestershire/events/{event.id}",
        f"/leicestershire/events/{event.id}/book",
        f"/leicestershire/events/booking/{tokens['confirmed']}",
        f"/leicestershire/events/booking/{tokens['confirmed']}/move",
        f"/leicestershire/events/booking/{tokens['waiting']}",
        "/leicestershire/enquire",
    ]:
        page.goto(path)
        assert_accessible(page)
        checked += 1
    for path, button in [
        (f"/leicestershire/events/{event.id}/book", "Book my place"),
        ("/leicestershire/enquire", "Send enquiry"),
    ]:
        page.goto(path)
        page.get_by_role("button", name=button).click()
        page.locator(".govuk-error-summary").wait_for()
        assert_accessible(page)
        checked += 1

    staff = make_user(leicestershire, Role.RECRUITMENT)
    sign_in(page, staff.email)
    for path in [
        "/leicestershire/staff/",
        "/leicestershire/staff/events",
        "/leicestershire/staff/events/new",
        f"/leicestershire/staff/events/new?copy={event.id}",
        f"/leicestershire/staff/events/{event.id}/edit",
        f"/leicestershire/staff/events/{event.id}/register",
        f"/leicestershire/staff/events/{event.id}/cancel",
        "/leicestershire/staff/enquiries",
    ]:
        page.goto(path)
        assert_accessible(page)
        checked += 1
    page.goto("/leicestershire/staff/events/new")
    page.get_by_role("button", name="Save event").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)
    checked += 1
    print(f"axe-core: {checked} events pages checked at {viewport['width']}px, 0 violations")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_places_left_update_themselves_and_can_be_stopped(
    app, new_page, leicestershire, make_event, javascript
):
    """WCAG 2.2.2 Pause, Stop, Hide: an event's page checks its places left every 30
    seconds, says so, and has a button that stops it. Without JavaScript nothing refreshes
    and there is nothing to stop."""
    event = make_event(capacity=20)
    page = new_page(viewport=PHONE, javascript=javascript)
    if javascript:
        page.clock.install()
    page.goto(f"/leicestershire/events/{event.id}")
    seats = page.locator("#event-seats")
    expect(seats).to_have_text("20 places left")
    stop = page.get_by_role("button", name="Stop updating")
    if not javascript:
        expect(stop).to_be_hidden()
        expect(page.get_by_text("updated every 30 seconds")).to_be_hidden()
        return

    expect(page.get_by_text("The places left are updated every 30 seconds.")).to_be_visible()
    expect(seats).to_have_attribute("aria-live", "polite")  # a change is read out, once
    with app.test_request_context():
        _book(event, "First", "first@example.org")
    page.clock.fast_forward(31_000)
    expect(seats).to_have_text("19 places left")

    stop.click()
    start = page.get_by_role("button", name="Start updating again")
    expect(start).to_be_visible()
    with app.test_request_context():
        _book(event, "Second", "second@example.org")
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.clock.fast_forward(95_000)
    page.wait_for_timeout(200)
    assert asked == []
    expect(seats).to_have_text("19 places left")

    start.click()
    expect(page.get_by_role("button", name="Stop updating")).to_be_visible()
    page.clock.fast_forward(31_000)
    expect(seats).to_have_text("18 places left")
    assert_accessible(page)
