"""Family and friends in a real browser: a grandparent asks on a 375 px phone, with a
mistake first; the service manager allocates, the social worker records the viability
outcome, the manager approves temporarily and extends once. With and without JavaScript;
axe-core on every page in the JavaScript run."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.core.db import utcnow
from portal.core.times import london_today
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in


def _fill_day(page, field_id, day):
    page.locator(f"#{field_id}").fill(str(day.day))
    page.locator(f"#{field_id}-month").fill(str(day.month))
    page.locator(f"#{field_id}-year").fill(str(day.year))


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_grandparent_asks_and_staff_take_it_to_temporary_approval(
    new_page, leicestershire, make_user, javascript
):
    check = assert_accessible if javascript else (lambda _page: None)  # axe needs scripts
    today = london_today(utcnow())
    manager = make_user(leicestershire, Role.SERVICE_MANAGER, name="Mo Manager")
    worker = make_user(leicestershire, Role.ASSESSING_SOCIAL_WORKER, name="Asa Worker")

    phone = new_page(viewport=PHONE, javascript=javascript)
    phone.goto("/leicestershire/thinking-about-fostering")
    phone.locator("a[href='/leicestershire/family-and-friends']").first.click()
    check(phone)
    phone.get_by_label("Full name", exact=True).fill("Jo Grand")
    phone.locator("#email").fill("jo@example.org")
    phone.locator("#phone").fill("0116 305 0505")
    phone.locator("#postcode").fill("LE3 8RA")
    phone.get_by_label("Grandparent").check()
    phone.get_by_label("The child's full name").fill("Sam Small")
    _fill_day(phone, "child_born_on", today + timedelta(days=2))
    phone.get_by_role("button", name="Send my request").click()
    expect(phone.locator(".govuk-error-summary")).to_contain_text(
        "The child's date of birth must be today or in the past"
    )
    expect(phone.get_by_label("The child's full name")).to_have_value("Sam Small")
    check(phone)
    _fill_day(phone, "child_born_on", today.replace(year=today.year - 7))
    phone.get_by_role("button", name="Send my request").click()
    expect(phone.locator("h1")).to_contain_text("We have your request")
    expect(phone.locator(".govuk-panel")).to_contain_text("FF-")
    check(phone)

    staff = new_page(viewport=DESKTOP, javascript=javascript)
    sign_in(staff, manager.email)
    staff.goto("/leicestershire/staff")
    staff.get_by_role("link", name="Family and friends", exact=True).click()
    check(staff)
    staff.get_by_role("link", name="Jo Grand").click()
    expect(staff.locator("#child")).to_contain_text("Sam Small")
    check(staff)
    staff.locator("#allocate-assessor").select_option(label="Asa Worker")
    staff.get_by_role("button", name="Allocate").click()
    expect(staff.locator("#viability")).to_contain_text("Asa Worker")

    social_worker = new_page(viewport=DESKTOP, javascript=javascript)
    sign_in(social_worker, worker.email)
    social_worker.goto("/leicestershire/staff/family-and-friends")
    social_worker.get_by_role("link", name="Jo Grand").click()
    social_worker.get_by_label("Viable: go on to the full assessment").check()
    social_worker.get_by_role("button", name="Record the outcome").click()
    expect(social_worker.locator(".govuk-error-summary")).to_contain_text(
        "Give the reasons for the outcome"
    )
    check(social_worker)
    social_worker.get_by_label("Reasons").fill("A warm home; Sam is settled.")
    social_worker.get_by_role("button", name="Record the outcome").click()
    expect(social_worker.locator("#viability")).to_contain_text("Viable")

    staff.reload()
    _fill_day(staff, "approve-approved_on", today)
    staff.get_by_role("button", name="Approve temporarily").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text("It ends on")
    staff.get_by_label("Extend by how many weeks?").fill("9")
    staff.get_by_label("Reasons for the extension").fill("The panel meets in March.")
    staff.get_by_role("button", name="Extend", exact=True).click()
    expect(staff.locator(".govuk-error-summary")).to_contain_text(
        "Enter a number of weeks from 1 to 8"
    )
    expect(staff.get_by_label("Reasons for the extension")).to_have_value(
        "The panel meets in March."
    )
    check(staff)
    staff.get_by_label("Extend by how many weeks?").fill("8")
    staff.get_by_role("button", name="Extend", exact=True).click()
    ends_on = today + timedelta(weeks=24)
    expect(staff.locator("#approval")).to_contain_text(f"{ends_on.day} ")
    expect(staff.locator("#approval")).to_contain_text("8 weeks")
    check(staff)
