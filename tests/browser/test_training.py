"""Training in a real browser: a carer books on a phone between school runs, with and
without JavaScript, joins a waiting list and takes the freed place; axe-core on every
training page."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import Role
from portal.bookings.models import Booking, BookingStatus
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.training import services as training
from portal.training.models import TrainingFeedback
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in
from tests.conftest import links_in, path_of
from tests.training import conftest as training_fixtures

make_course = training_fixtures.make_course
make_session = training_fixtures.make_session
make_household = training_fixtures.make_household


def _carer(make_user, service, email="carer@example.org", name="Sam Carer"):
    return make_user(service, Role.APPROVED_CARER, email=email, name=name)


def _book(app, session, carer):
    """Book a place directly through the service, as another carer would have."""
    with app.test_request_context():
        return training.book_session(session, carer, locale="en", now=utcnow())


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_carer_books_a_course_on_a_phone_and_cancels_with_a_reason(
    new_page, leicestershire, make_user, make_session, smtp_server, javascript
):
    session = make_session(capacity=5, title="Safer caring", tsds=True)
    carer = _carer(make_user, leicestershire)
    page = new_page(viewport=PHONE, javascript=javascript)
    sign_in(page, carer.email)
    page.goto("/leicestershire/training")
    page.get_by_label("Only courses that count for my TSDS").check()
    page.get_by_role("button", name="Show training").click()
    page.get_by_role("button", name=re.compile(r"^Book\s*: Safer caring")).click()
    page.locator("h1", has_text="Your training booking").wait_for()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Booked")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your place is booked")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    [booked] = smtp_server.deliver()
    assert booked["Subject"] == "Your place on a training course"
    assert next(booked.iter_attachments()).get_content_type() == "text/calendar"

    # A mistake first: explained beside the field, and what was typed is kept.
    page.get_by_label("Why are you cancelling?").fill("")
    page.get_by_role("button", name="Cancel my booking").click()
    page.locator("#reason-error").wait_for()
    assert page.locator("#reason-error").inner_text().endswith("Enter why you are cancelling")
    page.get_by_label("Why are you cancelling?").fill("School play that afternoon")
    page.get_by_role("button", name="Cancel my booking").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your booking is cancelled")
    expect(page.locator(".govuk-summary-list")).to_contain_text("School play that afternoon")
    db.session.refresh(session.occasion)
    assert session.occasion.seats_taken == 0
    assert page.console_problems == []


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_carer_is_waitlisted_on_a_full_course_and_takes_the_offered_place(
    app, new_page, leicestershire, make_user, make_session, smtp_server, javascript
):
    session = make_session(capacity=1, title="First aid")
    holder = _book(app, session, _carer(make_user, leicestershire, "first@example.org", "First"))
    carer = _carer(make_user, leicestershire)
    page = new_page(viewport=PHONE, javascript=javascript)
    sign_in(page, carer.email)
    page.goto(f"/leicestershire/training/courses/{session.course_id}")
    expect(page.locator(f"#seats-{session.id}")).to_contain_text("Full")
    page.get_by_role("button", name=re.compile(r"^Join the waiting list\s*: First aid")).click()
    page.locator("h1", has_text="Your training booking").wait_for()
    expect(page.locator(".govuk-summary-list")).to_contain_text("On the waiting list")
    smtp_server.deliver()

    with app.test_request_context():
        training.cancel_booking(db.session.get(Booking, holder.id), "Unwell", utcnow())
    offer = next(
        m for m in smtp_server.deliver() if m["Subject"].startswith("A place has come free")
    )
    assert offer["To"] == carer.email
    page.goto(path_of(links_in(offer)[-1]))
    page.get_by_role("button", name="Accept the place").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Booked")
    mine = db.session.scalar(select(Booking).where(Booking.user_id == carer.id))
    assert mine.status == BookingStatus.CONFIRMED
    page.goto("/leicestershire/training/my-training")
    expect(page.locator(".app-event-list")).to_contain_text("First aid")
    assert page.console_problems == []


def test_the_filters_update_the_list_without_a_reload(
    new_page, leicestershire, make_user, make_session
):
    make_session(title="Safer caring")
    make_session(title="Online first aid", online=True, starts_in=timedelta(days=20))
    page = new_page(viewport=PHONE)
    sign_in(page, _carer(make_user, leicestershire).email)
    page.goto("/leicestershire/training")
    page.evaluate("window.notReloaded = true")
    page.get_by_label("In person or online").select_option("online")
    expect(page.locator("#training-list")).not_to_contain_text("Safer caring")
    expect(page.locator("#training-list")).to_contain_text("Online first aid")
    assert page.evaluate("window.notReloaded") is True
    assert "mode=online" in page.url


def test_marking_attendance_updates_the_row_without_a_reload(
    app, new_page, leicestershire, make_user, make_session
):
    session = make_session()
    _book(app, session, _carer(make_user, leicestershire))
    coordinator = make_user(leicestershire, Role.TRAINING_COORDINATOR)
    page = new_page(viewport=DESKTOP)
    sign_in(page, coordinator.email)
    page.goto(f"/leicestershire/staff/training/sessions/{session.id}/register")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Came").click()
    page.get_by_text("Marked as came").wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert db.session.scalar(select(Booking.attended)) is True


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_carer_gives_feedback_on_a_phone_after_the_register_is_marked(
    app, new_page, leicestershire, make_user, make_session, smtp_server, javascript
):
    session = make_session(title="Therapeutic parenting")
    carer = _carer(make_user, leicestershire)
    booking = _book(app, session, carer)
    session.occasion.starts_at -= timedelta(days=11)
    session.occasion.ends_at -= timedelta(days=11)
    db.session.commit()
    coordinator = make_user(leicestershire, Role.TRAINING_COORDINATOR)
    with app.test_request_context():
        training.mark_attendance(booking, True, by=coordinator, now=utcnow())
    asked = next(m for m in smtp_server.deliver() if m["Subject"].startswith("How useful"))
    assert asked["To"] == carer.email

    page = new_page(viewport=PHONE, javascript=javascript)
    sign_in(page, carer.email)
    page.goto(path_of(links_in(asked)[-1]))
    page.locator("h1", has_text="Tell us what you thought").wait_for()
    # A mistake first: each message is beside its field, and what was typed is kept.
    page.get_by_label("What was most useful?").fill("Thinking about what behaviour says")
    page.get_by_role("button", name="Send feedback").click()
    page.locator("#rating-error").wait_for()
    assert page.locator("#rating-error").inner_text().endswith("Choose how useful the course was")
    assert (
        page.locator("#do_differently-error")
        .inner_text()
        .endswith("Enter what you will do differently after the course")
    )
    expect(page.get_by_label("What was most useful?")).to_have_value(
        "Thinking about what behaviour says"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("Very useful").check()
    page.get_by_label("What will you do differently?").fill("Name feelings before consequences")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Thank you for your feedback"
    )
    expect(page.locator("h1")).to_have_text("My training")
    expect(page.locator("a[href$='/feedback']")).to_have_count(0)
    feedback = db.session.scalar(select(TrainingFeedback))
    assert (feedback.rating, feedback.do_differently) == (5, "Name feelings before consequences")
    assert page.console_problems == []


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_couple_books_both_carers_for_the_last_place_on_a_phone(
    new_page, leicestershire, make_user, make_session, make_household, smtp_server, javascript
):
    session = make_session(capacity=1, title="First aid")
    carer = _carer(make_user, leicestershire)
    partner = _carer(make_user, leicestershire, "alex@example.org", "Alex Carer")
    make_household(carer, partner)
    page = new_page(viewport=PHONE, javascript=javascript)
    sign_in(page, carer.email)
    page.goto(f"/leicestershire/training/courses/{session.course_id}")
    page.get_by_role("button", name=re.compile(r"^Book for both of us\s*: First aid")).click()
    page.locator("h1", has_text="Your training booking").wait_for()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You have it, and Alex Carer is on the waiting list"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    statuses = dict(db.session.execute(select(Booking.email, Booking.status)).all())
    assert statuses == {
        carer.email: BookingStatus.CONFIRMED,
        "alex@example.org": BookingStatus.WAITING,
    }
    assert {m["To"] for m in smtp_server.deliver()} == {carer.email, "alex@example.org"}
    assert page.console_problems == []


SMALL_PHONE = {"width": 320, "height": 640}


def _check(page, viewport) -> None:
    """No axe-core violations, and nothing wider than the screen."""
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], page.url


@pytest.mark.parametrize(
    "viewport", [SMALL_PHONE, PHONE, DESKTOP], ids=["320px", "375px", "1280px"]
)
def test_every_training_page_has_no_axe_violations(
    app, new_page, leicestershire, make_user, make_course, make_session, make_household, viewport
):
    full = make_session(capacity=1, tsds=True, mandatory=True)
    online = make_session(online=True, starts_in=timedelta(days=30), title="Online first aid")
    module = make_course(title="Online safety module", self_paced=True, tsds=True)
    carer = _carer(make_user, leicestershire)
    booked = _book(app, online, carer)
    _book(app, full, _carer(make_user, leicestershire, "first@example.org", "First"))
    waiting = _book(app, full, carer)
    attended = make_session(starts_in=timedelta(days=5), title="Attended course")
    done = _book(app, attended, carer)
    other = _book(app, attended, _carer(make_user, leicestershire, "other@example.org", "Other"))
    attended.occasion.starts_at -= timedelta(days=6)
    attended.occasion.ends_at -= timedelta(days=6)
    done.attended = other.attended = True
    db.session.commit()
    with app.test_request_context():
        training.record_feedback(other, 4, "The role play", "Keep a daily diary", utcnow())
    partner = _carer(make_user, leicestershire, "alex@example.org", "Alex Carer")
    make_household(carer, partner)

    page = new_page(viewport=viewport)
    sign_in(page, carer.email)
    checked = 0
    for path in [
        "/leicestershire/training",
        "/leicestershire/training?mode=online&tsds=yes",
        "/leicestershire/training?topic=education",
        f"/leicestershire/training/courses/{full.course_id}",
        f"/leicestershire/training/courses/{online.course_id}",
        f"/leicestershire/training/courses/{module.id}",
        f"/leicestershire/training/bookings/{booked.id}",
        f"/leicestershire/training/bookings/{waiting.id}",
        f"/leicestershire/training/bookings/{done.id}",
        f"/leicestershire/training/bookings/{done.id}/feedback",
        "/leicestershire/training/my-training",
    ]:
        page.goto(path)
        _check(page, viewport)
        checked += 1
    for path, button in [
        (f"/leicestershire/training/bookings/{booked.id}", "Cancel my booking"),
        (f"/leicestershire/training/bookings/{done.id}/feedback", "Send feedback"),
    ]:
        page.goto(path)
        page.get_by_role("button", name=button).click()
        page.locator(".govuk-error-summary").wait_for()
        _check(page, viewport)
        checked += 1

    coordinator = make_user(leicestershire, Role.TRAINING_COORDINATOR)
    sign_in(page, coordinator.email)
    for path in [
        "/leicestershire/staff/training",
        "/leicestershire/staff/training/courses/new",
        f"/leicestershire/staff/training/courses/{full.course_id}/edit",
        f"/leicestershire/staff/training/courses/{full.course_id}/sessions/new",
        f"/leicestershire/staff/training/sessions/{full.id}/edit",
        f"/leicestershire/staff/training/sessions/{full.id}/cancel",
        f"/leicestershire/staff/training/sessions/{full.id}/register",
        f"/leicestershire/staff/training/sessions/{attended.id}/register",
        f"/leicestershire/staff/training/sessions/{attended.id}/feedback",
        f"/leicestershire/staff/training/sessions/{full.id}/feedback",
        f"/leicestershire/staff/training/courses/{attended.course_id}/feedback",
    ]:
        page.goto(path)
        _check(page, viewport)
        checked += 1
    for path, button in [
        ("/leicestershire/staff/training/courses/new", "Save course"),
        (f"/leicestershire/staff/training/courses/{full.course_id}/sessions/new", "Add session"),
    ]:
        page.goto(path)
        page.get_by_role("button", name=button).click()
        page.locator(".govuk-error-summary").wait_for()
        _check(page, viewport)
        checked += 1
    print(f"axe-core: {checked} training pages checked at {viewport['width']}px, 0 violations")
