"""Panel and approval in a real browser: staff add a panel date, book the household, send
the papers, record the panel's recommendation; the agency decision maker approves; the
applicant follows it on a 375 px phone and then opens their TSDS workbook as a carer.
With and without JavaScript; axe-core on every page in the JavaScript run."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.times import london_today
from portal.panels.models import Panel
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in
from tests.panels.test_panels import at_panel


def _fill_day(page, field_id, day):
    page.locator(f"#{field_id}").fill(str(day.day))
    page.locator(f"#{field_id}-month").fill(str(day.month))
    page.locator(f"#{field_id}-year").fill(str(day.year))


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_from_completed_assessment_to_approved_carer(
    app, new_page, leicestershire, make_user, javascript
):
    check = assert_accessible if javascript else (lambda _page: None)  # axe needs scripts
    today = london_today(utcnow())
    people = {
        "visitor": make_user(leicestershire, Role.INITIAL_VISITOR, name="Ira Visitor"),
        "decider": make_user(leicestershire, Role.RECRUITMENT),
    }
    manager = make_user(leicestershire, Role.SERVICE_MANAGER, name="Mo Manager")
    assessor = make_user(leicestershire, Role.ASSESSING_SOCIAL_WORKER, name="Asa Worker")
    person = make_user(
        leicestershire, Role.PROSPECTIVE_CARER, email="alex@example.org", name="Alex Applicant"
    )
    application = at_panel(app, leicestershire, person, people, assessor, manager)

    phone = new_page(viewport=PHONE, javascript=javascript)
    sign_in(phone, person.email)
    phone.goto("/leicestershire/my-application")
    expect(phone.locator("#step-panel")).to_contain_text("We will give you a panel date soon")
    check(phone)

    staff = new_page(viewport=DESKTOP, javascript=javascript)
    sign_in(staff, manager.email)
    staff.goto("/leicestershire/staff")
    staff.get_by_role("link", name="Fostering panel", exact=True).click()
    check(staff)
    _fill_day(staff, "panel-meets_on", today - timedelta(days=3))
    staff.get_by_role("button", name="Add panel date").click()
    expect(staff.locator(".govuk-error-summary")).to_contain_text(
        "The panel date must be in the future"
    )
    check(staff)
    meets_on = today + timedelta(days=21)
    _fill_day(staff, "panel-meets_on", meets_on)
    staff.get_by_label("Where and when (optional)").fill("County Hall, 10am")
    staff.get_by_role("button", name="Add panel date").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text("Panel date added")
    staff.locator(f"#book-{application.id}-panel").select_option(index=1)
    staff.get_by_role("button", name="Book onto this panel").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text("is booked onto")

    phone.goto("/leicestershire/my-application")
    expect(phone.locator("#step-panel")).to_contain_text("Your panel date is")
    check(phone)

    staff.get_by_role("link", name="Alex Applicant").click()
    check(staff)
    _fill_day(staff, "papers-sent_on", today)
    staff.get_by_role("button", name="Record papers sent").click()
    expect(staff.locator("#summary")).to_contain_text("Sent on")

    # Three weeks later the panel has met.
    panel = db.session.query(Panel).one()
    panel.meets_on = today
    db.session.commit()
    staff.reload()
    staff.get_by_label("Approve as foster carers").check()
    staff.get_by_label("Approval as").select_option(label="Mainstream")
    _fill_day(staff, "recommendation-recommended_on", today)
    staff.get_by_role("button", name="Record the recommendation").click()
    expect(staff.locator(".govuk-error-summary")).to_contain_text("Give the panel's reasons")
    check(staff)
    staff.get_by_label("The panel's reasons").fill("Warm, reflective and ready.")
    staff.get_by_role("button", name="Record the recommendation").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text("agency decision maker")

    phone.goto("/leicestershire/my-application")
    expect(phone.locator("#step-approval")).to_contain_text("decides whether to approve you by")

    staff.goto("/leicestershire/staff/agency-decisions")
    check(staff)
    staff.get_by_role("link", name="Alex Applicant").click()
    check(staff)
    staff.get_by_label("Reasons for the decision").fill("I agree with the panel.")
    staff.get_by_role("button", name="Record the decision").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text(
        "Alex Applicant is approved"
    )

    phone.goto("/leicestershire/my-application")
    expect(phone.locator("#step-approval")).to_contain_text("You were approved as foster carers")
    check(phone)
    phone.get_by_role("link", name="Start your Training, Support and Development").click()
    expect(phone.locator("h1")).to_be_visible()
    expect(phone.locator("main")).to_contain_text(str(today.year + 1))  # 12 months from today
    check(phone)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    assert phone.console_problems == [] and staff.console_problems == []
