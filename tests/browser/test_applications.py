"""After the initial visit: the team decides at its weekly meeting and the applicant follows
it on a phone, with and without JavaScript; axe-core on every page added."""

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in
from tests.visits.helpers import visited_applicant


@pytest.fixture
def visited(leicestershire, make_user):
    return visited_applicant(leicestershire, make_user)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_team_decides_and_the_applicant_sees_what_comes_next(
    new_page, leicestershire, make_user, visited, javascript
):
    page = new_page(viewport=PHONE, javascript=javascript)
    sign_in(page, visited.email)
    page.goto("/leicestershire/my-application")
    expect(page.locator("#step-decision")).to_contain_text("Now")
    check = assert_accessible if javascript else (lambda _page: None)  # axe needs scripts
    check(page)

    recruiter = make_user(leicestershire, Role.RECRUITMENT)
    staff = new_page(viewport=DESKTOP, javascript=javascript)
    sign_in(staff, recruiter.email)
    staff.goto("/leicestershire/staff/decisions")
    check(staff)
    staff.get_by_role("link", name="Alex Applicant").click()
    staff.get_by_role("button", name="Record the decision").click()
    expect(staff.locator(".govuk-error-summary")).to_contain_text("Choose the decision")
    check(staff)
    staff.get_by_label("Progress to assessment").check()
    staff.get_by_label("Reasons").fill("Strong motivation; spare room.")
    staff.get_by_label("Who was at the meeting?").fill("Robin Recruitment (chair)")
    staff.get_by_role("button", name="Record the decision").click()
    expect(staff.get_by_text("Nothing is waiting for a decision.")).to_be_visible()

    page.goto("/leicestershire/my-application")
    expect(page.locator("#step-decision")).to_contain_text("Done")
    expect(page.locator("#step-paperwork")).to_contain_text("Now")
    page.get_by_role("link", name="Withdraw my application").click()
    check(page)
    expect(page.get_by_role("button", name="Withdraw my application")).to_be_visible()
    assert page.console_problems == [] and staff.console_problems == []
