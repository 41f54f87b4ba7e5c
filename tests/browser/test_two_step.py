"""Two-step sign-in as a new member of staff meets it: on a phone, with and without
JavaScript, with axe-core on each page."""

import re

import pyotp
import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from tests.browser.conftest import PHONE, assert_accessible, sign_in
from tests.conftest import PASSWORD, one_time_code


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_new_staff_set_up_their_app_then_sign_in_with_a_code(
    new_page, leicestershire, make_user, javascript
):
    check = assert_accessible if javascript else (lambda _page: None)  # axe needs scripts
    worker = make_user(leicestershire, Role.SUPERVISING_SOCIAL_WORKER, mfa=False)
    page = new_page(viewport=PHONE, javascript=javascript)

    page.goto("/leicestershire/sign-in")
    page.get_by_label("Email address").fill(worker.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    check(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("code.app-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill("12")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page)
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    expect(page.locator(".app-recovery-codes li")).to_have_count(10)
    check(page)
    page.get_by_role("button", name="I have saved my codes").click()
    expect(page).to_have_url(re.compile("/leicestershire/staff/$"))

    # Signing out and in again: the password, then the code; the workspace opens only then.
    page.get_by_role("button", name="Sign out").first.click()
    page.goto("/leicestershire/sign-in")
    page.get_by_label("Email address").fill(worker.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    check(page)
    page.goto("/leicestershire/staff/")
    expect(page).to_have_url(re.compile("/leicestershire/sign-in"))
    page.goto("/leicestershire/sign-in/code")
    page.get_by_label("Code from your authenticator app").fill(one_time_code(worker.email))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile("/leicestershire/staff/$"))


def test_a_carer_turns_two_step_sign_in_on_from_their_account(new_page, leicestershire, make_user):
    carer = make_user(leicestershire, Role.APPROVED_CARER)
    page = new_page(viewport=PHONE)
    sign_in(page, carer.email)
    page.goto("/leicestershire/account")
    page.get_by_role("link", name="Change two-step sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-step sign-in")
    assert_accessible(page)
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("code.app-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    page.get_by_role("button", name="I have saved my codes").click()
    expect(page.get_by_text("Recovery codes left")).to_be_visible()
    assert_accessible(page)
