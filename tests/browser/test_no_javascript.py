"""The main journeys with JavaScript switched off in the browser: each ends at its
confirmation through plain links and form posts (htmx and GOV.UK's scripts never run)."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import Role
from portal.bookings.models import Booking, BookingStatus
from portal.childrens_rights.models import Conversation
from portal.core.extensions import db
from portal.tsds.models import Evidence, EvidenceStatus
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.paperwork.helpers import PDF
from tests.staff.test_my_work import conversation
from tests.training import conftest as training_fixtures
from tests.tsds.helpers import approved_carer

make_course = training_fixtures.make_course
make_session = training_fixtures.make_session


@pytest.fixture
def page_without_javascript(new_page):
    """A page in a fresh browser context with JavaScript switched off."""
    return lambda viewport=PHONE: new_page(viewport=viewport, javascript=False)


def _scripts_did_not_run(page) -> None:
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))


def test_an_anonymous_visitor_finds_an_event_and_books_it_without_javascript(
    page_without_javascript, leicestershire, make_event
):
    make_event(title="Online evening", online=True, starts_in=timedelta(days=5))
    make_event(title="County Hall afternoon", starts_in=timedelta(days=12))
    page = page_without_javascript()
    page.goto("/leicestershire/events")
    _scripts_did_not_run(page)
    page.get_by_label("Place").select_option(label="County Hall, Glenfield")
    page.get_by_role("button", name="Show events").click()
    expect(page.locator("#event-list")).not_to_contain_text("Online evening")
    page.get_by_role("link", name="County Hall afternoon").click()
    page.get_by_role("button", name="Book a place").click()
    page.get_by_label("Full name").fill("Pat Example")
    page.get_by_label("Email address").fill("pat@example")
    page.get_by_label("Phone number").fill("07700 900456")
    page.get_by_label("2 people").check()
    page.get_by_role("button", name="Book my place").click()
    # Without htmx the whole page comes back, with the summary and what was typed.
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter an email address")
    expect(page.get_by_label("2 people")).to_be_checked()
    page.get_by_label("Email address").fill("pat@example.org")
    page.get_by_role("button", name="Book my place").click()

    expect(page.locator("h1")).to_have_text("Your booking")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your place is booked")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Booked")
    assert db.session.scalar(select(Booking.seats)) == 2


def test_a_young_person_sends_a_message_without_javascript(page_without_javascript, leicestershire):
    page = page_without_javascript()
    page.goto("/leicestershire/young-people")
    _scripts_did_not_run(page)
    page.get_by_role("button", name="Send a message to a Children's Rights Officer").click()
    page.get_by_role("button", name="Sad").click()
    message = page.get_by_label("What would you like to tell us?")
    expect(message).to_have_value("I feel sad. ")
    message.fill("I feel sad. I miss my brother.")
    page.get_by_role("button", name="Send my message").click()

    expect(page.locator("h1")).to_have_text("Your message has been sent")
    reference, words = page.locator(".app-secret__value").all_inner_texts()
    assert re.fullmatch(r"CR-\w+", reference) and words
    body = db.session.scalar(select(Conversation)).messages[0].body
    assert body == "I feel sad. I miss my brother."


def test_an_approved_carer_books_training_and_sends_tsds_evidence_without_javascript(
    page_without_javascript, leicestershire, make_user, make_session
):
    make_session(title="Online first aid", online=True, starts_in=timedelta(days=6))
    session = make_session(title="Safer caring", tsds=True, starts_in=timedelta(days=14))
    carer = approved_carer(leicestershire, make_user)
    page = page_without_javascript()
    sign_in(page, carer.email)
    page.goto("/leicestershire/foster-carers")
    _scripts_did_not_run(page)
    page.get_by_role("link", name="Find and book training").click()
    page.get_by_label("Only courses that count for my TSDS").check()
    page.get_by_role("button", name="Show training").click()
    expect(page.locator("#training-list")).not_to_contain_text("Online first aid")
    page.get_by_role("button", name=re.compile(r"^Book\s*: Safer caring")).click()
    expect(page.locator("h1")).to_have_text("Your training booking")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your place is booked")
    booking = db.session.scalar(select(Booking).where(Booking.user_id == carer.id))
    assert (booking.occasion_id, booking.status) == (session.occasion_id, BookingStatus.CONFIRMED)

    page.goto("/leicestershire/foster-carers")
    page.get_by_role("link", name="Your TSDS workbook").click()
    page.get_by_role("link", name="1.1 Explain how you put the child's welfare first").click()
    page.get_by_label("Your evidence").fill("We moved bedtime so Sam could call his mum.")
    page.get_by_label("Attach a file (optional)").set_input_files(
        files=[{"name": "diary.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Send for review").click()
    expect(page.locator(".govuk-notification-banner, .app-flash").first).to_contain_text(
        "Sent for review"
    )
    evidence = db.session.scalar(select(Evidence))
    assert evidence.status == EvidenceStatus.SUBMITTED and evidence.file_kind == "pdf"


def test_a_childrens_rights_officer_answers_a_message_from_my_work_without_javascript(
    page_without_javascript, leicestershire, make_user
):
    officer = make_user(leicestershire, Role.CHILDRENS_RIGHTS_OFFICER, name="Robin Rights")
    waiting = conversation(leicestershire, "Can I change my school?")
    page = page_without_javascript(DESKTOP)
    sign_in(page, officer.email)
    expect(page.locator("h1")).to_have_text("My work")
    _scripts_did_not_run(page)

    item = page.locator("#queue-messages li").filter(has_text=waiting.reference)
    item.locator("summary").click()
    item.get_by_label(f"Assign {waiting.reference} to").select_option(label="Robin Rights")
    item.get_by_role("button", name=f"Assign {waiting.reference}").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"{waiting.reference} assigned to Robin Rights."
    )
    page.get_by_role("link", name=waiting.reference, exact=True).click()

    expect(page.locator("h1")).to_contain_text(waiting.reference)
    page.get_by_label("Reply", exact=True).fill("Yes, we can talk about it. When is a good time?")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Reply sent")
    expect(page.locator(".app-messages")).to_contain_text("When is a good time?")
    db.session.refresh(waiting)
    assert waiting.assigned_to_id == officer.id
