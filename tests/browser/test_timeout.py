"""The timeout warning in a real browser (WCAG 2.2.1): it opens before the idle time runs
out, takes focus and gives it back, 'Stay signed in' and Escape keep the session, and when
the time is up what a young person wrote stays on the page and is kept until they sign in.

The idle time is set to seconds here (it is minutes in the settings) so the warning comes
at once; the waits are for the page to change, never fixed sleeps."""

import re

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from tests.browser.conftest import assert_accessible, sign_in

WAIT = 30_000  # ms: the longest a warning or the end of a session is waited for


@pytest.fixture
def short_sessions(app, monkeypatch):
    """Sessions that end after `idle` seconds, warned `warning` seconds before."""

    def set_times(idle: int, warning: int) -> None:
        monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", idle / 60)
        monkeypatch.setitem(app.config, "SESSION_WARNING_SECONDS", warning)

    return set_times


def _time_left(page) -> int:
    response = page.request.get("/leicestershire/account/session-time-left")
    return response.json()["ends_in"]


def test_the_warning_takes_focus_and_staying_signed_in_keeps_the_session(
    new_page, leicestershire, make_user, short_sessions
):
    short_sessions(idle=40, warning=37)
    carer = make_user(leicestershire, Role.APPROVED_CARER)
    page = new_page()
    sign_in(page, carer.email)
    page.goto("/leicestershire/account")
    change_password = page.get_by_role("link", name=re.compile("Change password"))
    change_password.focus()

    dialog = page.get_by_role("alertdialog", name="You are about to be signed out")
    expect(dialog).to_be_visible(timeout=WAIT)
    expect(dialog).to_contain_text(re.compile(r"we will sign you out at \d"))
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    # The page behind is out of reach while the dialog is open (a modal dialog makes it
    # inert): Tab moves between the dialog's own buttons.
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Sign out")).to_be_focused()
    assert page.evaluate("document.querySelector('main').matches(':modal, :modal *')") is False
    page.keyboard.press("Shift+Tab")
    expect(stay).to_be_focused()
    assert_accessible(page)

    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(change_password).to_be_focused()  # focus goes back where it was
    assert _time_left(page) >= 38  # the server counted it as the person acting

    # Escape answers the warning too: the person is there.
    expect(dialog).to_be_visible(timeout=WAIT)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert _time_left(page) >= 38
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")

    # Sign out from the warning.
    expect(dialog).to_be_visible(timeout=WAIT)
    dialog.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile("/leicestershire/sign-in$"))
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    assert page.console_problems == []


def test_when_time_runs_out_the_page_goes_to_sign_in_and_back(
    new_page, leicestershire, make_user, short_sessions
):
    short_sessions(idle=8, warning=6)
    carer = make_user(leicestershire, Role.APPROVED_CARER)
    page = new_page()
    sign_in(page, carer.email)
    page.goto("/leicestershire/foster-carers/support")
    expect(page).to_have_url(re.compile("/leicestershire/sign-in\\?next="), timeout=WAIT)
    expect(page.get_by_text("You were signed out to keep your account safe")).to_be_visible()

    short_sessions(idle=600, warning=120)
    page.get_by_label("Email address").fill(carer.email)
    page.get_by_label("Password", exact=True).fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile("/leicestershire/foster-carers/support$"))


def test_a_young_persons_message_survives_the_end_of_their_session(
    new_page, leicestershire, make_user, short_sessions
):
    short_sessions(idle=20, warning=18)  # time enough to write before it runs out
    young = make_user(leicestershire, Role.YOUNG_PERSON)
    words = "I want to change school because of the bullying."
    page = new_page()
    sign_in(page, young.email)
    page.goto("/leicestershire/young-people/talk")
    page.get_by_label("What would you like to tell us?").fill(words)

    # Time runs out: the page stays, with the message on it, and says what happens.
    ended = page.get_by_role("alertdialog", name="You have been signed out")
    expect(ended).to_be_visible(timeout=WAIT)
    back = ended.get_by_role("button", name="Go back to the page")
    expect(back).to_be_focused()
    assert_accessible(page)
    back.click()
    expect(ended).to_be_hidden()
    message = page.get_by_label("What would you like to tell us?")
    expect(message).to_have_value(words)

    page.get_by_role("button", name="Send my message").click()
    expect(page).to_have_url(re.compile("/leicestershire/sign-in\\?next="))
    expect(page.get_by_text("What you wrote has not been sent, and it is not lost")).to_be_visible()
    short_sessions(idle=600, warning=120)
    page.get_by_label("Email address").fill(young.email)
    page.get_by_label("Password", exact=True).fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile("/leicestershire/young-people/talk$"))
    expect(page.get_by_label("What would you like to tell us?")).to_have_value(words)
    expect(page.get_by_text("It has not been sent: check it, then send it.")).to_be_visible()
    assert page.console_problems == []
