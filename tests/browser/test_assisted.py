"""Assisted digital in a real browser: the start page at both widths, and an enquiry made
for a caller from start to confirmation, with and without JavaScript; axe on each page."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import Role
from portal.assisted.models import AssistedAction
from portal.core.extensions import db
from portal.recruitment.models import Enquiry
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in

START = "/leicestershire/staff/for-someone/"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_the_start_page_and_history_are_accessible(new_page, leicestershire, make_user, viewport):
    staff = make_user(leicestershire, Role.SERVICE_MANAGER)
    page = new_page(viewport=viewport)
    sign_in(page, staff.email)
    page.goto(START)
    expect(page.locator("h1")).to_have_text("Do something for someone")
    assert_accessible(page)
    page.get_by_role("link", name="Everything staff have made for people").click()
    expect(page.locator("h1")).to_have_text("Made by staff for people")
    assert_accessible(page)
    assert page.console_problems == []


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_an_enquiry_is_made_for_a_caller(new_page, leicestershire, make_user, viewport, javascript):
    def check_accessible():
        if javascript:  # axe-core is JavaScript: it cannot run where JavaScript is off
            assert_accessible(page)

    staff = make_user(leicestershire, Role.TRAINING_COORDINATOR)
    page = new_page(viewport=viewport, javascript=javascript)
    sign_in(page, staff.email)
    page.goto(START)
    page.get_by_role("link", name="Make an enquiry about fostering").click()
    expect(page.locator("h1")).to_have_text("Make an enquiry for someone")
    check_accessible()

    page.get_by_label("Full name").fill("Sam Caller")
    page.get_by_label("Email address").fill("sam.caller@example.org")
    page.get_by_label("Phone number").fill("07700 900982")
    page.get_by_label("Postcode").fill("nowhere")
    page.get_by_label("How many adults live in your home, including you?").fill("2")
    page.get_by_label("How many children live in your home?").fill("0")
    page.get_by_role("group", name="Do you have a spare bedroom?").get_by_label("Yes").check()
    page.get_by_label("Teenagers").check()
    page.get_by_label("An advert").check()
    page.get_by_role("button", name="Send the enquiry for them").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a real postcode, like LE3 8SA"
    )
    expect(page.get_by_label("Full name")).to_have_value("Sam Caller")
    check_accessible()
    page.get_by_label("Postcode").fill("LE3 8SA")
    page.get_by_role("button", name="Send the enquiry for them").click()

    expect(page.locator("h1")).to_have_text("Enquiry about fostering")
    enquiry = db.session.scalar(select(Enquiry))
    expect(page.locator(".govuk-panel")).to_contain_text("Made by staff for Sam Caller")
    expect(page.locator(".app-reference")).to_have_text(enquiry.reference)
    check_accessible()
    action = db.session.scalar(select(AssistedAction))
    assert action.object_id == enquiry.id and action.staff_id == staff.id
    assert page.console_problems == []
