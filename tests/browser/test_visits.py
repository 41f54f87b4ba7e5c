"""Initial visits in a real browser on a phone: book, reschedule and record, with and
without JavaScript, and axe-core on every page the feature adds."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.core.db import utcnow
from portal.core.extensions import db
from tests.browser.conftest import PHONE, assert_accessible, sign_in
from tests.visits.helpers import make_enquiry, make_slot


def _slot_radio(page, slot):
    return page.locator(f"input[name='slot'][value='{slot.id}']")


def _fits_the_screen(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_an_applicant_books_and_reschedules_and_the_visitor_records_it_on_a_phone(
    new_page, lancashire, make_user, smtp_server, javascript
):
    north, central = lancashire.localities[0], lancashire.localities[1]
    visitor = make_user(lancashire, Role.INITIAL_VISITOR, name="Vic Visitor")
    applicant = make_user(lancashire, Role.PROSPECTIVE_CARER, name="Ash Applicant")
    start = (utcnow() + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    in_north = make_slot(lancashire, visitor, start, locality=north)
    in_central = make_slot(lancashire, visitor, start + timedelta(days=1), locality=central)
    later = make_slot(lancashire, visitor, start + timedelta(days=2), locality=central)

    page = new_page(viewport=PHONE, javascript=javascript)

    def _check(checked_page):
        # axe-core runs as page script, which a no-JavaScript page never runs; the pages
        # are the same HTML either way, so the JavaScript run checks them.
        if javascript:
            assert_accessible(checked_page)

    sign_in(page, applicant.email, service=lancashire.slug)
    page.goto("/lancashire/initial-visit")
    expect(page.locator("h1")).to_have_text("Book your initial visit")
    _check(page)

    # Narrow the times to one area: htmx swaps the list in place; without it, the button.
    if javascript:
        page.evaluate("window.notReloaded = true")
    page.get_by_label("Area").select_option(label=central.name)
    if not javascript:
        page.get_by_role("button", name="Show times").click()
    expect(_slot_radio(page, in_north)).to_have_count(0)
    expect(_slot_radio(page, in_central)).to_have_count(1)
    if javascript:
        assert page.evaluate("window.notReloaded") is True

    # Forgetting to choose says so, then booking works.
    page.get_by_role("button", name="Book this visit").click()
    expect(page).to_have_title(re.compile("^Error:"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a time for your visit")
    _check(page)
    _slot_radio(page, in_central).check()
    page.get_by_role("button", name="Book this visit").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Initial visit booked")
    _check(page)
    assert _fits_the_screen(page)
    [booked] = smtp_server.deliver()
    assert booked["Subject"] == "Your initial visit is booked"

    page.get_by_role("link", name="Change or cancel your visit").click()
    expect(page.locator("h1")).to_have_text("Your initial visit")
    _check(page)
    page.get_by_role("link", name="Cancel the visit").click()
    _check(page)
    page.get_by_role("link", name="Back").click()
    page.get_by_role("button", name="Change the time").click()
    expect(page.locator("h1")).to_have_text("Change the time of your visit")
    _check(page)
    _slot_radio(page, later).check()
    page.get_by_role("button", name="Change to this time").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Initial visit booked")
    assert smtp_server.deliver()[-1]["Subject"] == "Your initial visit has moved to a new time"
    assert page.console_problems == []

    # Time passes: the visit has happened, and the visitor writes it up.
    later.starts_at = utcnow() - timedelta(hours=2)
    later.ends_at = later.starts_at + timedelta(minutes=90)
    db.session.commit()
    staff_page = new_page(viewport=PHONE, javascript=javascript)
    sign_in(staff_page, visitor.email, service=lancashire.slug)
    staff_page.goto("/lancashire/staff/initial-visits")
    _check(staff_page)
    assert _fits_the_screen(staff_page)
    staff_page.get_by_role("link", name="Write the record for Ash Applicant").click()
    _check(staff_page)
    staff_page.get_by_label("Motivation to foster").fill("Wants to give a child a stable home.")
    staff_page.get_by_role("button", name="Save record").click()
    expect(staff_page.locator(".govuk-error-summary")).to_contain_text(
        "Enter their understanding of fostering"
    )
    _check(staff_page)
    staff_page.get_by_label("Understanding of fostering").fill("Has read widely.")
    staff_page.get_by_label("Skills and attributes").fill("Patient and warm.")
    staff_page.get_by_label("Progress to assessment").check()
    staff_page.get_by_role("button", name="Save record").click()
    expect(staff_page.locator(".govuk-notification-banner")).to_contain_text(
        "Record of the visit with Ash Applicant saved."
    )
    expect(staff_page.get_by_text("No records are due.")).to_be_visible()
    assert staff_page.get_by_role("link", name="Write the record for Ash Applicant").count() == 0
    assert staff_page.console_problems == []


def test_staff_publish_slots_and_enquirers_book_by_private_link_with_no_axe_violations(
    new_page, leicestershire, make_user
):
    manager = make_user(leicestershire, Role.RECRUITMENT)
    make_user(leicestershire, Role.INITIAL_VISITOR, name="Vic Visitor")
    page = new_page(viewport=PHONE)
    sign_in(page, manager.email, service=leicestershire.slug)
    page.goto("/leicestershire/staff/initial-visits")
    assert_accessible(page)
    page.get_by_role("button", name="Add a visit slot").click()
    assert_accessible(page)
    page.get_by_role("button", name="Publish slot").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a date")
    assert_accessible(page)

    day = (utcnow() + timedelta(days=7)).date()
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Start time").fill("2:30pm")
    page.get_by_label("Vic Visitor").check()
    page.get_by_label(leicestershire.localities[0].name).check()
    page.get_by_label("By video call").check()
    page.get_by_role("button", name="Publish slot").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Visit slot published.")
    assert "2:30" in page.locator("table").last.inner_text()
    assert_accessible(page)
    assert _fits_the_screen(page)

    make_enquiry(leicestershire, "private-link-secret", name="Eve Enquirer")
    enquirer = new_page(viewport=PHONE)
    enquirer.goto("/leicestershire/initial-visit/private-link-secret")
    expect(enquirer.locator("h1")).to_have_text("Book your initial visit")
    assert_accessible(enquirer)
    enquirer.locator("input[name='slot']").first.check()
    enquirer.get_by_role("button", name="Book this visit").click()
    expect(enquirer.locator(".govuk-panel")).to_contain_text("Initial visit booked")
    assert page.console_problems == [] and enquirer.console_problems == []
    enquirer.goto("/leicestershire/initial-visit/not-the-secret")
    expect(enquirer.locator("h1")).to_have_text("Page not found")
