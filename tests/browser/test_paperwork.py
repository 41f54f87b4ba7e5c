"""Paperwork on a phone, with and without JavaScript: the applicant uploads a document, staff
return it with a comment, the applicant sends it again and staff accept it; a complete
checklist moves to assessment; axe-core on every page."""

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.core.db import utcnow
from portal.paperwork import services
from tests.browser.conftest import PHONE, assert_accessible, sign_in
from tests.paperwork.helpers import PDF, as_upload, make_application

EXE = b"MZ\x90\x00" + b"\x00" * 500


@pytest.fixture
def people(leicestershire, make_user):
    return {
        "visitor": make_user(leicestershire, Role.INITIAL_VISITOR, name="Ira Visitor"),
        "decider": make_user(leicestershire, Role.RECRUITMENT, name="Robin Recruitment"),
    }


@pytest.fixture
def applicant(leicestershire, make_user):
    return make_user(leicestershire, Role.PROSPECTIVE_CARER, name="Alex Applicant")


@pytest.fixture
def application(leicestershire, applicant, people):
    return make_application(leicestershire, applicant, **people)


def _choose_file(page, name: str, data: bytes, mimetype="application/pdf"):
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": name, "mimeType": mimetype, "buffer": data}]
    )


def _downloaded(page) -> tuple[str, bytes]:
    """Follow the page's download link with the browser's own cookies."""
    link = page.get_by_role("link", name="Download the file that was sent")
    response = page.request.get(link.get_attribute("href"))
    return response.headers["content-disposition"], response.body()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_document_is_uploaded_returned_sent_again_and_accepted(
    new_page, application, applicant, people, javascript
):
    # axe-core is a script: with JavaScript off it cannot run, and the pages are the same.
    accessible = assert_accessible if javascript else (lambda page: None)
    page = new_page(viewport=PHONE, javascript=javascript)
    sign_in(page, applicant.email)
    page.goto("/leicestershire/my-application/paperwork")
    expect(page.locator("#progress")).to_contain_text("0 of 7 accepted")
    accessible(page)
    page.get_by_role("link", name="Proof of identity").click()
    accessible(page)
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#document-error")).to_contain_text("Choose a file to send")
    _choose_file(page, "passport.pdf", EXE)
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#document-error")).to_contain_text("must be a PDF")
    accessible(page)
    _choose_file(page, "passport.pdf", PDF)
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Proof of identity sent")
    expect(page.locator("#paperwork-2-status")).to_contain_text("Sent, waiting")

    staff = new_page(viewport=PHONE, javascript=javascript)
    sign_in(staff, people["decider"].email)
    staff.goto("/leicestershire/staff/paperwork")
    accessible(staff)
    staff.get_by_role("link", name="Alex Applicant: Proof of identity").click()
    accessible(staff)
    assert _downloaded(staff) == ("attachment; filename=proof-of-identity.pdf", PDF)
    staff.get_by_label("Return it to the applicant with a comment").check()
    staff.get_by_role("button", name="Save decision").click()
    expect(staff.locator("#comment-error")).to_contain_text("Write a comment")
    accessible(staff)
    staff.get_by_label("Comment for the applicant").fill("The photo page is cut off.")
    staff.get_by_role("button", name="Save decision").click()
    expect(staff.locator("h1")).to_have_text("Paperwork")
    expect(staff.locator("#checklist")).to_contain_text("The photo page is cut off.")
    accessible(staff)

    page.goto("/leicestershire/my-application/paperwork")
    expect(page.locator("#paperwork-2-status")).to_contain_text("Returned")
    expect(page.get_by_text("The photo page is cut off.")).to_be_visible()
    page.get_by_role("link", name="Proof of identity").click()
    assert _downloaded(page) == ("attachment; filename=proof-of-identity.pdf", PDF)
    _choose_file(page, "passport-again.pdf", PDF + b"% whole page\n")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#paperwork-2-status")).to_contain_text("Sent, waiting")

    staff.goto("/leicestershire/staff/paperwork")
    staff.get_by_role("link", name="Alex Applicant: Proof of identity").click()
    staff.get_by_label("Accept", exact=True).check()
    staff.get_by_role("button", name="Save decision").click()
    expect(staff.locator("#progress")).to_contain_text("1 of 7 accepted")

    page.goto("/leicestershire/my-application/paperwork")
    expect(page.locator("#paperwork-2-status")).to_contain_text("Accepted")
    expect(page.locator("#progress")).to_contain_text("1 of 7 accepted")
    page.get_by_role("link", name="Proof of identity").click()
    expect(page.get_by_text("We have accepted this document")).to_be_visible()
    expect(page.get_by_label("Upload a file")).to_have_count(0)
    accessible(page)
    assert page.console_problems == [] and staff.console_problems == []


def test_a_complete_checklist_moves_to_assessment(
    app, new_page, leicestershire, application, applicant, people
):
    now = utcnow()
    with app.test_request_context("/leicestershire/"):
        for item in services.ensure_checklist(leicestershire):
            document = services.upload(application, item, as_upload(), by=applicant, now=now)
            services.review(document, accept=True, comment="", by=people["decider"], now=now)
    page = new_page(viewport=PHONE)
    sign_in(page, applicant.email)
    page.goto("/leicestershire/my-application/paperwork")
    expect(page.locator("#progress")).to_contain_text("Every document has been accepted")
    assert_accessible(page)

    staff = new_page(viewport=PHONE)
    sign_in(staff, people["decider"].email)
    staff.goto("/leicestershire/staff/paperwork")
    staff.get_by_role("link", name="Alex Applicant").click()
    expect(staff.locator("#progress")).to_contain_text("7 of 7 accepted")
    assert_accessible(staff)
    staff.get_by_role("button", name="Move to assessment").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text(
        "Alex Applicant has moved to assessment"
    )
    expect(staff.get_by_text("No application is at the paperwork stage.")).to_be_visible()
    assert_accessible(staff)
