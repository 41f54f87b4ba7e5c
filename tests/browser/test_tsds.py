"""The TSDS workbook on a phone, with and without JavaScript: evidence written, returned
with a comment, revised and accepted; a finished workbook's certificate downloaded; axe-core
on every page."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import CarerType, Role
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.times import london_today
from portal.tsds import services
from portal.tsds.models import Evidence
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in


@pytest.fixture
def household(leicestershire, make_user):
    worker = make_user(leicestershire, Role.SUPERVISING_SOCIAL_WORKER)
    carer = make_user(leicestershire, Role.APPROVED_CARER, name="Casey Carer")
    return services.create_household(
        leicestershire,
        name="Casey Carer",
        carers=[carer],
        carer_type=CarerType.MAINSTREAM,
        approved_on=london_today(utcnow()) - timedelta(days=100),
        social_worker=worker,
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_evidence_is_returned_with_a_comment_revised_and_accepted(new_page, household, javascript):
    carer = household.members[0].user
    page = new_page(viewport=PHONE, javascript=javascript)
    sign_in(page, carer.email)
    page.goto("/leicestershire/foster-carers")
    page.get_by_role("link", name="Your TSDS workbook").click()
    expect(page.locator("#progress")).to_contain_text("0 of 20 outcomes accepted (0%)")
    page.get_by_role("link", name="1.1 Explain how you put the child's welfare first").click()
    page.get_by_role("button", name="Send for review").click()
    expect(page.locator("#text-error")).to_contain_text("Write your evidence")
    page.get_by_label("Your evidence").fill("We moved bedtime so Sam could call his mum.")
    page.get_by_role("button", name="Send for review").click()
    expect(page.locator(".govuk-notification-banner, .app-flash").first).to_contain_text(
        "Sent for review"
    )

    staff = new_page(viewport=DESKTOP, javascript=javascript)
    sign_in(staff, household.social_worker.email)
    staff.goto("/leicestershire/staff/tsds")
    staff.get_by_role("link", name="Casey Carer: 1.1").click()
    staff.get_by_label("Return it to the carers with a comment").check()
    staff.get_by_label("Comment for the carers").fill("Say how Sam felt afterwards.")
    staff.get_by_role("button", name="Save decision").click()
    expect(staff.locator("#waiting")).to_have_count(0)

    page.goto("/leicestershire/tsds")
    expect(page.get_by_text("Returned to you")).to_be_visible()
    page.get_by_role("link", name="1.1 Explain how you put the child's welfare first").click()
    expect(page.get_by_text("Say how Sam felt afterwards.")).to_be_visible()
    page.get_by_label("Your evidence").fill(
        "We moved bedtime so Sam could call his mum. He said he slept better."
    )
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("Waiting for review").first).to_be_visible()

    staff.goto("/leicestershire/staff/tsds")
    staff.get_by_role("link", name="Casey Carer: 1.1").click()
    staff.get_by_label("Accept", exact=True).check()
    staff.get_by_role("button", name="Save decision").click()
    page.goto("/leicestershire/tsds")
    expect(page.locator("#progress")).to_contain_text("1 of 20 outcomes accepted (5%)")
    assert page.console_problems == [] and staff.console_problems == []


def test_a_signed_off_household_downloads_its_certificate(
    app, new_page, household, leicestershire, make_user
):
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    carer = household.members[0].user
    now = utcnow()
    with app.test_request_context("/leicestershire/"):
        for standard in services.standards_of(household):
            for item in standard.outcomes:
                piece = services.save_evidence(
                    household, item, text="Done", by=carer, send=True, now=now
                )
                services.review(piece, accept=True, comment="", by=household.social_worker, now=now)
    staff = new_page(viewport=DESKTOP)
    sign_in(staff, manager.email)
    staff.goto(f"/leicestershire/staff/tsds/households/{household.id}")
    staff.get_by_role("button", name="Sign off the workbook").click()
    expect(staff.get_by_text("Signed off on")).to_be_visible()

    page = new_page(viewport=PHONE)
    sign_in(page, carer.email)
    page.goto("/leicestershire/tsds")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your certificate (PDF)").click()
    assert download.value.suggested_filename == "tsds-certificate.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_every_tsds_page_has_no_axe_violations(
    new_page, household, leicestershire, make_user, viewport
):
    carer = household.members[0].user
    page = new_page(viewport=viewport)
    sign_in(page, carer.email)
    page.goto("/leicestershire/tsds")
    assert_accessible(page)
    page.get_by_role("link", name="6.2 Explain how you keep children safe online.").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send for review").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)
    page.get_by_label("Your evidence").fill("We use parental controls and talk about apps.")
    page.get_by_role("button", name="Send for review").click()
    page.goto("/leicestershire/tsds/print")
    assert_accessible(page)

    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    staff = new_page(viewport=viewport)
    sign_in(staff, manager.email)
    evidence = db.session.scalar(select(Evidence))
    for path in [
        "/leicestershire/staff/tsds",
        f"/leicestershire/staff/tsds/households/{household.id}",
        f"/leicestershire/staff/tsds/evidence/{evidence.id}",
    ]:
        staff.goto(path)
        assert_accessible(staff)
    staff.get_by_role("button", name="Save decision").click()
    staff.locator(".govuk-error-summary").wait_for()
    assert_accessible(staff)
