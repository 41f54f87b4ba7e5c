"""Assessment: the manager allocates an assessing social worker, who ticks the stage 1
checks and completes, at desktop width with and without JavaScript; axe on every page."""

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.applications import services as applications
from portal.applications.models import Stage
from portal.core.db import utcnow
from tests.browser.conftest import DESKTOP, assert_accessible, sign_in
from tests.paperwork.helpers import make_application


@pytest.fixture
def waiting(app, leicestershire, make_user):
    visitor = make_user(leicestershire, Role.INITIAL_VISITOR, name="Ira Visitor")
    decider = make_user(leicestershire, Role.RECRUITMENT)
    person = make_user(leicestershire, Role.PROSPECTIVE_CARER, name="Alex Applicant")
    application = make_application(leicestershire, person, visitor=visitor, decider=decider)
    with app.test_request_context("/leicestershire/"):
        applications.move(application, Stage.ASSESSMENT, by=decider, now=utcnow())
    return application


def _record(page, label, check):
    page.get_by_label(label, exact=True).check()
    page.locator("#check-done_on").fill("2")
    page.locator("#check-done_on-month").fill("11")
    page.locator("#check-done_on-year").fill("2026")
    page.get_by_role("button", name="Record check").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Check recorded")
    check(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_manager_allocates_and_the_assessor_completes_the_checks(
    new_page, leicestershire, make_user, waiting, javascript
):
    check = assert_accessible if javascript else (lambda _page: None)  # axe needs scripts
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    assessor = make_user(leicestershire, Role.ASSESSING_SOCIAL_WORKER, name="Asa Worker")

    staff = new_page(viewport=DESKTOP, javascript=javascript)
    sign_in(staff, manager.email)
    staff.goto("/leicestershire/staff/assessments")
    check(staff)
    staff.get_by_role("button", name="Allocate").click()
    expect(staff.locator(".govuk-error-summary")).to_contain_text(
        "Choose an assessing social worker"
    )
    check(staff)
    staff.get_by_label("Assessing social worker").select_option(label="Asa Worker")
    staff.get_by_role("button", name="Allocate").click()
    expect(staff.locator("#assessments")).to_contain_text("Asa Worker")
    check(staff)

    page = new_page(viewport=DESKTOP, javascript=javascript)
    sign_in(page, assessor.email)
    page.goto("/leicestershire/staff/assessments")
    page.get_by_role("link", name="Alex Applicant").click()
    check(page)
    page.get_by_role("button", name="Record check").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the check that is done")
    check(page)
    for label in (
        "DBS check",
        "Local authority check",
        "Medical",
        "Employer reference",
        "Home safety check",
    ):
        _record(page, label, lambda _page: None)
    for name in ("Pat Referee", "Sam Referee"):
        page.get_by_label("Referee's full name").fill(name)
        page.get_by_role("button", name="Add referee").click()
        _record(page, f"Personal referee: {name}", lambda _page: None)
    check(page)
    page.get_by_role("button", name="Assessment complete: move to panel").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("moved to panel")
    assert page.console_problems == [] and staff.console_problems == []
