"""My work in a real browser at desktop and phone widths, with and without JavaScript:
assign an item, filter to mine, mark one done; axe-core on every state of the page."""

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in
from tests.staff.test_my_work import complaint, conversation


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_manager_assigns_an_item_filters_to_mine_and_marks_one_done(
    new_page, leicestershire, make_user, javascript
):
    manager = make_user(leicestershire, Role.SERVICE_MANAGER, name="Morgan Manager")
    make_user(leicestershire, Role.COMPLAINTS_MANAGER, name="Cam Complaints")
    first = complaint(leicestershire, days_ago=20)
    second = complaint(leicestershire)
    conversation(leicestershire, "I want to hurt myself")

    def check(tab):
        if javascript:  # axe-core runs as a script: the same markup is checked with it on
            assert_accessible(tab)

    page = new_page(viewport=DESKTOP, javascript=javascript)
    sign_in(page, manager.email)
    page.goto("/leicestershire/staff/")
    expect(page.locator("h1")).to_have_text("My work")
    counts = page.locator("#work-counts")
    expect(counts.locator("[data-count=complaints]")).to_have_text("2")
    expect(counts.locator("[data-count=urgent-messages]")).to_have_text("1")
    # The counts refresh every minute with JavaScript, beside a button that stops them.
    refresh = page.get_by_role("button", name="Stop updating")
    if javascript:
        expect(refresh).to_be_visible()
        refresh.click()
        expect(page.locator("#work-counts")).to_have_attribute("data-updates-stopped", "")
        page.get_by_role("button", name="Start updating again").click()
    else:
        expect(refresh).to_be_hidden()
    check(page)

    queue = page.locator("#queue-complaints")
    item = queue.locator("li").filter(has_text=first.reference)
    item.locator("summary").click()
    item.get_by_label(f"Assign {first.reference} to").select_option(label="Cam Complaints")
    item.get_by_role("button", name=f"Assign {first.reference}").click()
    expect(page.get_by_text(f"{first.reference} assigned to Cam Complaints.")).to_be_visible()
    expect(queue.locator("li").filter(has_text=first.reference)).to_contain_text(
        "Assigned to: Cam Complaints"
    )
    check(page)

    item = page.locator("#queue-complaints li").filter(has_text=second.reference)
    item.locator("summary").click()
    item.get_by_role("button", name=f"Mark done {second.reference}").click()
    expect(page.get_by_text(f"{second.reference} marked done.")).to_be_visible()
    expect(page.locator("#work-counts [data-count=complaints]")).to_have_text("1")
    expect(page.locator("#queue-complaints [data-count=complaints]")).to_have_text("1")

    page.get_by_role("link", name="Show only items assigned to me").click()
    expect(page.locator("#work-counts [data-count=complaints]")).to_have_text("0")
    check(page)

    phone = new_page(viewport=PHONE, javascript=javascript)
    sign_in(phone, manager.email)
    phone.goto("/leicestershire/staff/")
    expect(phone.locator("#queue-complaints li")).to_have_count(1)
    check(phone)
    assert page.console_problems == [] and phone.console_problems == []
