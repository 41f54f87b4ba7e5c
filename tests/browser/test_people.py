"""Finding a person and opening their timeline, on a desktop and a phone; axe-core on every
page, the search error included."""

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in
from tests.people.helpers import carer_history, young_person_history


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_staff_find_a_carer_and_open_their_timeline(new_page, leicestershire, make_user, viewport):
    carer = make_user(leicestershire, Role.APPROVED_CARER, name="Casey Carer")
    worker = make_user(leicestershire, Role.SUPERVISING_SOCIAL_WORKER, name="Sky Supervisor")
    carer_history(leicestershire, carer, worker, size=2)
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)

    page = new_page(viewport=viewport)
    sign_in(page, manager.email)
    page.goto("/leicestershire/staff/people/")
    assert_accessible(page)

    page.get_by_role("button", name="Search").click()
    expect(page.locator("#q-error")).to_contain_text("Enter a name, email address or reference")
    assert_accessible(page)

    page.get_by_label("Name, email address or reference").fill("casey")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results h2")).to_have_text("1 found")
    assert_accessible(page)

    page.get_by_role("link", name="Casey Carer").click()
    expect(page.locator("h1")).to_have_text("Casey Carer")
    expect(page.locator("#summary")).to_contain_text("Sky Supervisor")
    expect(page.locator("#timeline")).to_contain_text("Approved as foster carers")
    assert_accessible(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]
    assert page.console_problems == []


def test_a_childrens_rights_officer_opens_a_young_persons_page_on_a_phone(
    new_page, leicestershire, make_user
):
    young = make_user(leicestershire, Role.YOUNG_PERSON, name="Jordan Young")
    young_person_history(leicestershire, young, 2)
    officer = make_user(leicestershire, Role.CHILDRENS_RIGHTS_OFFICER)

    page = new_page(viewport=PHONE)
    sign_in(page, officer.email)
    page.goto("/leicestershire/staff/people/")
    page.get_by_label("Name, email address or reference").fill("jordan")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Jordan Young").click()
    expect(page.locator("h1")).to_have_text("Jordan Young")
    expect(page.locator("#timeline")).to_contain_text("Marked urgent")
    expect(page.get_by_text("written to the audit log")).to_be_visible()
    assert_accessible(page)
