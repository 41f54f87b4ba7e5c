"""A young person on a phone: write anonymously, come back, read the reply and answer;
Exit this page by button and by shortcut; axe-core on every page."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import Role
from portal.childrens_rights import services as rights
from portal.childrens_rights.models import Conversation
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.independent_visitors.models import VisitorRequest
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_young_person_writes_comes_back_reads_the_reply_and_answers(
    app, new_page, browser, live_server, leicestershire, make_user, javascript
):
    page = new_page(viewport=PHONE, javascript=javascript)
    page.goto("/leicestershire/young-people")
    page.get_by_role("button", name="Send a message to a Children's Rights Officer").click()
    listen = page.get_by_role("button", name="Listen to this page")
    if javascript:
        expect(listen).to_be_visible()  # Chromium can speak
    else:
        expect(listen).to_be_hidden()
    page.get_by_role("button", name="Sad").click()  # the feelings picker starts the message
    expect(page.get_by_label("What would you like to tell us?")).to_have_value("I feel sad. ")
    page.get_by_label("What would you like to tell us?").fill("I feel sad. I miss my brother.")
    page.get_by_role("button", name="Send my message").click()
    expect(page.locator("h1")).to_have_text("Your message has been sent")
    reference, words = page.locator(".app-secret__value").all_inner_texts()

    officer = make_user(leicestershire, Role.CHILDRENS_RIGHTS_OFFICER)
    with app.test_request_context():
        conversation = db.session.scalar(select(Conversation))
        assert conversation.messages[0].body == "I feel sad. I miss my brother."
        rights.officer_replies(conversation, officer, "We can help you see him.", utcnow())

    later = new_page(viewport=PHONE, javascript=javascript)  # another day, no cookies
    later.goto("/leicestershire/young-people/messages")
    later.get_by_label("Your reference").fill(reference)
    later.get_by_label("Your secret words").fill(words)
    later.get_by_role("button", name="Read my messages").click()
    expect(later.locator(".app-messages")).to_contain_text("We can help you see him.")
    later.get_by_label("Your reply").fill("Thank you")
    later.get_by_role("button", name="Send", exact=True).click()
    expect(later.locator(".app-messages")).to_contain_text("Thank you")
    assert page.console_problems == [] and later.console_problems == []


def test_exit_this_page_leaves_by_button_and_by_shortcut_and_back_does_not_return(
    new_page, leicestershire
):
    page = new_page(viewport=PHONE)
    exits = []
    page.route(
        "https://www.bbc.co.uk/**",
        lambda route: (exits.append(route.request.url), route.fulfill(body="weather")),
    )
    page.goto("/leicestershire/young-people/talk")
    page.get_by_role("button", name="Exit this page").click()
    expect(page).to_have_url(re.compile(r"^https://www\.bbc\.co\.uk/"))
    page.go_back()
    assert "/young-people/talk" not in page.url

    page.goto("/leicestershire/young-people/messages")
    page.locator("body").click()
    for _ in range(3):
        page.keyboard.press("Shift")
    expect(page).to_have_url(re.compile(r"^https://www\.bbc\.co\.uk/"))
    assert len(exits) >= 2


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_every_childrens_rights_page_has_no_axe_violations(
    app, new_page, leicestershire, make_user, viewport
):
    officer = make_user(leicestershire, Role.CHILDRENS_RIGHTS_OFFICER)
    page = new_page(viewport=viewport)
    checked = 0
    for path in [
        "/leicestershire/young-people",
        "/leicestershire/young-people/talk",
        "/leicestershire/young-people/messages",
    ]:
        page.goto(path)
        assert_accessible(page)
        checked += 1
    page.goto("/leicestershire/young-people/talk")
    page.get_by_role("button", name="Send my message").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)
    page.get_by_label("What would you like to tell us?").fill("I feel scared at home.")
    page.get_by_role("button", name="Send my message").click()
    expect(page.locator("h1")).to_have_text("Your message has been sent")
    assert_accessible(page)
    page.goto("/leicestershire/young-people/messages/thread")
    assert_accessible(page)
    page.goto("/leicestershire/young-people/talk")  # a stale page: the text comes back
    page.get_by_label("What would you like to tell us?").fill("Kept for me.")
    page.evaluate("document.querySelector('input[name=csrf_token]').value = 'stale'")
    page.get_by_role("button", name="Send my message").click()
    expect(page.locator("textarea")).to_have_value("Kept for me.")
    assert_accessible(page)
    checked += 4
    for path, button in [
        ("/leicestershire/young-people/independent-visitor", "Ask for a visitor"),
        ("/leicestershire/independent-visitors/volunteer", "Send my offer"),
    ]:
        page.goto(path)
        assert_accessible(page)
        page.get_by_role("button", name=button).click()
        page.locator(".govuk-error-summary").wait_for()
        assert_accessible(page)
        checked += 2
    page.goto("/leicestershire/young-people/independent-visitor")
    page.get_by_label("How can we reach you?").fill("Through my social worker")
    page.get_by_role("button", name="Ask for a visitor").click()
    expect(page.locator("h1")).to_have_text("We have your request")
    assert_accessible(page)
    checked += 1
    staff = new_page(viewport=viewport)
    sign_in(staff, officer.email)
    conversation = db.session.scalar(select(Conversation))
    request = db.session.scalar(select(VisitorRequest))
    for path in [
        "/leicestershire/staff/childrens-rights",
        f"/leicestershire/staff/childrens-rights/{conversation.id}",
        "/leicestershire/staff/independent-visitors",
        f"/leicestershire/staff/independent-visitors/requests/{request.id}",
    ]:
        staff.goto(path)
        assert_accessible(staff)
        checked += 1
    print(f"axe-core: {checked} Children's Rights pages at {viewport['width']}px, 0 violations")
