"""The privacy pages in Chromium on a phone: axe-core finds nothing on any of them, the
download arrives as a file, and a manager erases someone through the warning page."""

import zipfile

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.core.extensions import db
from tests.browser import conftest as browser_fixtures
from tests.browser.conftest import assert_accessible, sign_in
from tests.privacy import helpers

pytestmark = pytest.mark.browser
# The browser tests' fixtures (Debian's Chromium, a live server), for this module.
browser_type_launch_args = browser_fixtures.browser_type_launch_args
live_server = browser_fixtures.live_server
new_page = browser_fixtures.new_page


def test_downloading_erasing_and_keeping_records_on_a_phone(
    new_page, leicestershire, make_user, staff
):
    carer = make_user(leicestershire, Role.PROSPECTIVE_CARER, name="Bea Browser")
    helpers.enquiry(leicestershire, carer)
    db.session.commit()

    page = new_page()
    sign_in(page, carer.email)
    page.goto("/leicestershire/account")
    page.get_by_role("link", name="Download your data").click()
    expect(page.locator("h1")).to_have_text("Download your data")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download your data").click()
    with zipfile.ZipFile(download.value.path()) as archive:
        assert "data/enquiry.json" in archive.namelist()

    manager = new_page()
    sign_in(manager, staff.email)
    manager.goto("/leicestershire/staff/settings/keeping-records")
    assert_accessible(manager)
    manager.get_by_label("Foster carers' records").fill("9")
    manager.get_by_role("button", name="Save").click()
    expect(manager.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(manager)

    manager.goto(f"/leicestershire/staff/people/{carer.id}")
    manager.get_by_role("link", name="Erase their records").click()
    expect(manager.locator(".govuk-warning-text")).to_be_visible()
    assert_accessible(manager)
    manager.get_by_role("button", name="Erase their records").click()
    expect(manager.locator("main")).to_contain_text("Their records have been erased")
    assert_accessible(manager)
