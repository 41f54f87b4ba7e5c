"""The audit log in a real browser at 1280 px and 375 px: filter it, see the results, page
through them, fix a bad date; axe-core on each page."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.core.extensions import db
from portal.core.models import AuditEvent
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in


def seed(service, carer):
    start = datetime(2025, 3, 3, 9, tzinfo=UTC)
    db.session.add_all(
        [
            AuditEvent(
                service_id=service.id,
                actor_id=carer.id,
                action="training.booked",
                object_type="Booking",
                object_id=str(n),
                detail={"attended": True},
                created_at=start + timedelta(hours=n),
            )
            for n in range(60)
        ]
        + [
            AuditEvent(
                service_id=service.id,
                action="complaint.made",
                object_type="Complaint",
                object_id="9",
                detail={},
                ip_address="127.0.0.1",
                created_at=start,
            )
        ]
    )
    db.session.commit()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_a_manager_filters_the_log_and_pages_through_it(
    new_page, leicestershire, make_user, viewport
):
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    carer = make_user(leicestershire, Role.APPROVED_CARER, name="Casey Carer")
    seed(leicestershire, carer)
    page = new_page(viewport=viewport)
    sign_in(page, manager.email)

    page.goto("/leicestershire/staff/audit/")
    expect(page.locator("h1")).to_have_text("Audit log")
    assert_accessible(page)

    page.get_by_label("Person's email address").fill(carer.email)
    page.get_by_label("What happened").select_option(label="Training booked")
    page.locator("#date_to").fill("1")  # a day with no month: not a real date
    page.get_by_role("button", name="Search the audit log").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Date to must be a real date")
    expect(page.get_by_label("Person's email address")).to_have_value(carer.email)
    assert_accessible(page)

    page.locator("#date_to").fill("")
    page.get_by_role("button", name="Search the audit log").click()
    results = page.locator("#results")
    expect(results.locator("h2")).to_have_text("60 events")
    expect(results).to_contain_text("Showing 1 to 50 of 60, newest first.")
    expect(page.locator("#events tbody tr")).to_have_count(50)
    expect(page.locator("#events tbody tr").first).to_contain_text("Casey Carer")
    expect(page.locator("#events")).not_to_contain_text("Complaint made")
    if viewport is PHONE:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    assert_accessible(page)

    page.get_by_role("navigation", name="Pages of events").get_by_role(
        "link", name="Next page"
    ).click()
    expect(results).to_contain_text("Showing 51 to 60 of 60, newest first.")
    expect(page.locator("#events tbody tr")).to_have_count(10)
    expect(page.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download these events (CSV)").click()
    lines = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 61
    assert page.console_problems == []
