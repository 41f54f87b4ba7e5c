"""Forms in a real browser: a wrong submit takes focus to the error summary, and a password
and a one-time code go in by pasting, as from a password manager or authenticator app."""

import re

from playwright.sync_api import expect

from portal.accounts.models import Role
from tests.conftest import PASSWORD, one_time_code

FOCUSED_CLASSES = "document.activeElement && document.activeElement.className"


def _paste(page, field, text):
    """Paste `text` into `field` as the browser does: a paste event any script on the page
    could cancel, then, if none did, the text goes in."""
    field.focus()
    allowed = field.evaluate(
        """(element, text) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            const event = new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true,
            });
            return element.dispatchEvent(event);
        }""",
        text,
    )
    assert allowed, "a script on the page refused the paste"
    page.keyboard.insert_text(text)


def test_a_wrong_submit_takes_focus_to_the_error_summary(new_page, leicestershire):
    page = new_page()
    # A plain form post: the page comes back with the summary focused.
    page.goto("/leicestershire/complaints/follow")
    page.get_by_role("button", name="See my complaint").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    # Its links go to the fields.
    summary.get_by_role("link").first.click()
    expect(page.locator("#reference")).to_be_focused()

    # A form sent by htmx: the summary swapped in takes focus the same way.
    page.goto("/leicestershire/enquire")
    page.get_by_role("button", name="Send enquiry").click()
    expect(page.locator("#enquiry-form .govuk-error-summary")).to_be_focused()
    assert page.console_problems == []


def test_a_password_and_a_code_can_be_pasted(new_page, leicestershire, make_user):
    staff = make_user(leicestershire, Role.RECRUITMENT)
    page = new_page()
    page.goto("/leicestershire/sign-in")
    page.get_by_label("Email address").fill(staff.email)
    password = page.get_by_label("Password", exact=True)
    _paste(page, password, PASSWORD)
    expect(password).to_have_value(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    code = page.get_by_label("Code from your authenticator app")
    expect(code).to_be_visible()
    typed = one_time_code(staff.email)
    pasted = f"{typed[:3]} {typed[3:]}"  # as authenticator apps show and copy it
    _paste(page, code, pasted)
    expect(code).to_have_value(pasted)  # nothing cut off
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile("/leicestershire/staff/$"))
    assert page.console_problems == []
