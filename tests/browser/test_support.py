"""Support for foster carers in a real browser: the public page on a phone, staff keeping
it up to date with and without JavaScript, and axe-core on every page it adds."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import Role
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.times import london_today
from portal.support import services
from portal.support.models import AllowanceLevel, SupportMeeting
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in

SUPPORT = "/leicestershire/foster-carers/support"
STAFF = "/leicestershire/staff/support"


@pytest.fixture
def demo_support(leicestershire):
    """Leicestershire with its demo support and an out-of-hours number."""
    leicestershire.out_of_hours_phone = "0116 255 1606"
    db.session.commit()
    services.add_demo_support(leicestershire, utcnow())
    return leicestershire


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_every_support_page_has_no_axe_violations(
    new_page, demo_support, lancashire, make_user, viewport
):
    services.add_demo_support(lancashire, utcnow())
    page = new_page(viewport=viewport)
    checked = 0
    for path in [SUPPORT, "/lancashire/foster-carers/support"]:
        page.goto(path)
        assert_accessible(page)
        checked += 1

    level = db.session.scalars(select(AllowanceLevel)).first()
    manager = make_user(demo_support, Role.SERVICE_MANAGER)
    sign_in(page, manager.email)
    for path in [
        STAFF,
        f"{STAFF}/meetings/new",
        f"{STAFF}/meetings/new?group=forum",
        f"{STAFF}/information",
        f"{STAFF}/levels/new",
        f"{STAFF}/levels/{level.id}/edit",
    ]:
        page.goto(path)
        assert_accessible(page)
        checked += 1
    for path, button in [
        (f"{STAFF}/meetings/new", "Add meeting"),
        (f"{STAFF}/levels/new", "Save level"),
    ]:
        page.goto(path)
        page.get_by_role("button", name=button).click()
        page.locator(".govuk-error-summary").wait_for()
        assert_accessible(page)
        checked += 1
    page.goto(f"{STAFF}/information")
    page.get_by_label("Out-of-hours phone number (optional)").fill("the office")
    page.get_by_role("button", name="Save").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)
    checked += 1
    print(f"axe-core: {checked} support pages checked at {viewport['width']}px, 0 violations")


def test_the_pages_fit_a_320px_phone_without_javascript(new_page, demo_support, make_user):
    page = new_page(viewport={"width": 320, "height": 640}, javascript=False)
    page.goto(SUPPORT)
    expect(page.locator("h1")).to_have_text("Support for foster carers")
    expect(page.get_by_role("link", name="0116 255 1606")).to_have_attribute(
        "href", "tel:01162551606"
    )
    expect(page.get_by_role("table")).to_have_count(2)
    _assert_no_sideways_scroll(page)
    sign_in(page, make_user(demo_support, Role.SERVICE_MANAGER).email)
    level = db.session.scalars(select(AllowanceLevel)).first()
    for path in [STAFF, f"{STAFF}/meetings/new", f"{STAFF}/levels/{level.id}/edit"]:
        page.goto(path)
        _assert_no_sideways_scroll(page)


def _assert_no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} scrolls sideways: {width}px wide"


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_staff_keep_the_support_page_up_to_date(new_page, leicestershire, make_user, javascript):
    worker = make_user(leicestershire, Role.SUPERVISING_SOCIAL_WORKER)
    page = new_page(viewport=PHONE, javascript=javascript)
    sign_in(page, worker.email)
    page.goto(STAFF)

    # A monthly run of group meetings, after one mistake that is explained beside its field.
    page.get_by_role("button", name="Add a meeting").click()
    day = london_today(utcnow()) + timedelta(days=10)
    page.get_by_label("Locality support groups").check()
    page.get_by_label("Day", exact=True).fill(str(day.day))
    page.get_by_label("Month", exact=True).fill(str(day.month))
    page.get_by_label("Year", exact=True).fill(str(day.year))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("End time").fill("9am")
    page.get_by_label("County Hall, Glenfield").check()
    page.get_by_label("Every month, on the same weekday of the month").check()
    page.get_by_label("How many meetings to add (if it repeats)").fill("3")
    page.get_by_role("button", name="Add meeting").click()
    expect(page.locator("#ends-error")).to_contain_text("The end time must be after the start time")
    expect(page.get_by_label("Start time")).to_have_value("10:00")
    expect(page.get_by_label("Day", exact=True)).to_have_value(str(day.day))
    page.get_by_label("End time").fill("12:00")
    page.get_by_role("button", name="Add meeting").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("3 meetings added.")

    # The texts and the out-of-hours number.
    page.get_by_role("link", name="Change out-of-hours phone number").click()
    page.get_by_label("Out-of-hours phone number (optional)").fill("0116 255 1606")
    page.get_by_label("If an allegation is made (optional)").fill(
        "Tell your supervising social worker straight away."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Support information saved")

    # A row of the fees table.
    page.get_by_role("button", name="Add a level").click()
    page.get_by_label("Fee: paid to the carer for their skills").check()
    page.get_by_label("Level", exact=True).fill("Level 1")
    page.get_by_label("Amount per week").fill("95")
    page.get_by_role("button", name="Save level").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Fees and allowances saved")

    # Carers see it all without signing in.
    carer = new_page(viewport=PHONE, javascript=javascript)
    carer.goto(SUPPORT)
    expect(carer.locator("main")).to_contain_text("Tell your supervising social worker")
    expect(carer.get_by_role("link", name="0116 255 1606")).to_be_visible()
    expect(carer.get_by_role("table")).to_contain_text("£95.00")
    groups = carer.get_by_role("heading", name="Locality support groups").locator(
        "xpath=following-sibling::ul[1]"
    )
    expect(groups.locator("li")).to_have_count(3)

    # One meeting is called off.
    first = db.session.scalars(select(SupportMeeting).order_by(SupportMeeting.starts_at)).first()
    page.goto(STAFF)
    page.locator(f"#remove-meeting-{first.id}").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Meeting removed.")
    carer.reload()
    expect(groups.locator("li")).to_have_count(2)
    assert not page.console_problems and not carer.console_problems
