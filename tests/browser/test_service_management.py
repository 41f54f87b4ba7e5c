"""The service manager's performance page and service settings in a real browser, on a
desktop and on a phone, with axe-core on every page; settings also without JavaScript."""

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.demo.services import DEMO_PASSWORD, load_demo_data
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in

MANAGER = "manager@leicestershire.demo"


@pytest.fixture
def demo(app):
    assert load_demo_data(only_if_empty=False)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_manager_reads_the_figures_and_downloads_them(new_page, demo, viewport):
    page = new_page(viewport=viewport)
    sign_in(page, MANAGER, DEMO_PASSWORD)
    page.goto("/leicestershire/staff/performance/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance")
    funnel = page.locator("#funnel-table")
    expect(funnel).to_be_visible()
    # Each chart is an image with a name, beside the table that carries its numbers.
    charts = page.locator("svg[role='img']")
    assert charts.count() >= 10
    for index in range(charts.count()):
        assert charts.nth(index).get_attribute("aria-labelledby") or charts.nth(
            index
        ).get_attribute("aria-label")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(page)

    with page.expect_download() as download:
        page.locator("#download-csv").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    enquiries = sum(
        int(row["value"]) for row in rows if (row["figure"], row["measure"]) == ("enquiries",) * 2
    )
    shown = funnel.locator("tbody tr").first.locator("td").last.inner_text()
    assert enquiries == int(shown.replace(",", ""))


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_manager_changes_a_contact_and_disables_a_colleague(new_page, demo, javascript):
    check = assert_accessible if javascript else (lambda _page: None)  # axe needs scripts
    page = new_page(viewport=PHONE, javascript=javascript)
    sign_in(page, MANAGER, DEMO_PASSWORD)
    page.goto("/leicestershire/staff/")
    page.get_by_role("link", name="Service settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Service settings")
    check(page)

    page.get_by_role("link", name="Change contacts").click()
    check(page)
    phone = page.get_by_label("Out-of-hours phone")
    phone.fill("call us")
    page.get_by_role("button", name="Save contacts").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the out-of-hours phone as a telephone number"
    )
    expect(phone).to_have_value("call us")
    check(page)
    phone.fill("0116 255 1606")
    page.get_by_role("button", name="Save contacts").click()
    expect(page.locator(".govuk-notification-banner, .govuk-body").first).to_be_visible()
    expect(page.get_by_text("0116 255 1606")).to_be_visible()

    page.get_by_role("link", name="Change staff accounts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff accounts")
    check(page)
    page.get_by_role("button", name=re.compile(r"Disable account\s*:\s*Tay Training")).click()
    expect(page.get_by_text("can no longer sign in")).to_be_visible()
    check(page)

    colleague = new_page(viewport=DESKTOP, javascript=javascript)
    sign_in(colleague, "training@leicestershire.demo", DEMO_PASSWORD)
    expect(colleague.locator(".govuk-error-summary, .govuk-error-message").first).to_be_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_settings_page_is_accessible_and_fits(new_page, demo, viewport):
    page = new_page(viewport=viewport)
    sign_in(page, MANAGER, DEMO_PASSWORD)
    start = "/leicestershire/staff/settings/"
    seen, queue, kinds = set(), [start], Counter()
    while queue:
        url = queue.pop(0)
        kind = re.sub(r"\d+", "N", url)  # two of each kind of page: two venues, two outcomes…
        if url in seen or kinds[kind] >= 2:
            continue
        seen.add(url)
        kinds[kind] += 1
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], url
        assert_accessible(page)
        for href in page.locator("main a[href]").evaluate_all("els => els.map(e => e.pathname)"):
            if href.startswith(start) and href not in seen:
                queue.append(href)
    # contacts, targets, venues, localities, the checklist, three TSDS sets, staff, and
    # pages for a venue, a locality, a checklist item and an outcome
    assert len(seen) >= 15
