"""A complaint on a phone, with and without JavaScript: made, answered at Stage 1 by the
complaints manager, taken to Stage 2, with the right dates; axe-core on every page."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import Role
from portal.complaints.models import Complaint
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.times import london_today
from portal.core.working_days import add_working_days
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in

COMPLAINT = "Our supervising social worker cancelled four visits in a row."


def long_date(day) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_complaint_is_made_answered_at_stage_one_and_taken_to_stage_two(
    new_page, leicestershire, make_user, javascript
):
    today = london_today(utcnow())
    page = new_page(viewport=PHONE, javascript=javascript)
    page.goto("/leicestershire/")
    page.get_by_role("link", name="Complaints", exact=True).click()
    page.get_by_role("button", name="Make a complaint").click()
    page.get_by_label("I am a foster carer").check()
    page.get_by_label("What is your complaint about?").fill(COMPLAINT)
    page.get_by_label("Full name").fill("Casey Carer")
    page.get_by_role("button", name="Send my complaint").click()
    expect(page.locator("h1")).to_have_text("Your complaint has been sent")
    reference, words = page.locator(".app-secret__value").all_inner_texts()
    stage_one_due = add_working_days(today, 10)
    expect(page.get_by_text(f"We will reply by {long_date(stage_one_due)}.")).to_be_visible()

    manager = make_user(leicestershire, Role.COMPLAINTS_MANAGER)
    staff = new_page(viewport=DESKTOP, javascript=javascript)
    sign_in(staff, manager.email)
    staff.goto("/leicestershire/staff/complaints")
    row = staff.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("10 working days left")
    row.get_by_role("link", name=reference).click()
    expect(staff.locator("#clock")).to_contain_text(long_date(stage_one_due))
    staff.get_by_label("Response", exact=True).fill("We are sorry. Your worker will visit weekly.")
    staff.get_by_label("Upheld", exact=True).check()
    staff.get_by_role("button", name="Record the response").click()
    expect(staff.locator(".app-stage")).to_contain_text("visit weekly")

    later = new_page(viewport=PHONE, javascript=javascript)  # another day, no cookies
    later.goto("/leicestershire/complaints/follow")
    later.get_by_label("Your complaint reference").fill(reference)
    later.get_by_label("Your secret words").fill(words)
    later.get_by_role("button", name="See my complaint").click()
    expect(later.locator(".app-stage")).to_contain_text("Your worker will visit weekly.")
    window = add_working_days(today, 20)
    expect(later.locator("#where-it-is")).to_contain_text(long_date(window))
    later.get_by_label("Why are you not happy with the response?").fill("Visits are still missed.")
    later.get_by_role("button", name="Ask for the next stage").click()
    stage_two_due = add_working_days(today, 25)
    expect(later.locator("#where-it-is")).to_contain_text(
        f"Your complaint is at Stage 2: investigation. We will reply by {long_date(stage_two_due)}."
    )

    staff.goto("/leicestershire/staff/complaints")
    expect(staff.get_by_role("row").filter(has_text=reference)).to_contain_text(
        "25 working days left"
    )
    assert page.console_problems == [] and later.console_problems == []
    assert staff.console_problems == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_every_complaints_page_has_no_axe_violations(new_page, leicestershire, make_user, viewport):
    page = new_page(viewport=viewport)
    checked = 0
    for path, button in [
        ("/leicestershire/complaints/new", "Send my complaint"),
        ("/leicestershire/young-people/complaint", "Send my complaint"),
        ("/leicestershire/complaints/follow", "See my complaint"),
    ]:
        page.goto(path)
        assert_accessible(page)
        page.get_by_role("button", name=button).click()
        page.locator(".govuk-error-summary").wait_for()
        assert_accessible(page)
        checked += 2
    page.goto("/leicestershire/complaints")
    assert_accessible(page)
    page.goto("/leicestershire/young-people/complaint")
    page.get_by_label("What are you not happy about?").fill("I am not allowed to see my brother.")
    page.get_by_label("Yes, please").check()
    page.get_by_role("button", name="Send my complaint").click()
    expect(page.locator("h1")).to_have_text("Your complaint has been sent")
    assert_accessible(page)
    page.goto("/leicestershire/complaints/yours")
    assert_accessible(page)
    checked += 3

    manager = make_user(leicestershire, Role.COMPLAINTS_MANAGER)
    staff = new_page(viewport=viewport)
    sign_in(staff, manager.email)
    complaint = db.session.scalar(select(Complaint))
    staff.goto("/leicestershire/staff/complaints")
    assert_accessible(staff)
    staff.goto(f"/leicestershire/staff/complaints/{complaint.id}")
    assert_accessible(staff)
    staff.get_by_role("button", name="Record the response").click()
    staff.locator(".govuk-error-summary").wait_for()
    assert_accessible(staff)
    checked += 3
    print(f"axe-core: {checked} complaints pages at {viewport['width']}px, 0 violations")
