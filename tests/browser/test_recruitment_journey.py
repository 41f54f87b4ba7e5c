"""The second half of becoming a foster carer, end to end in a real browser: from a written
initial visit through the weekly meeting's decision, paperwork (one document returned and
sent again), assessment, panel and the agency decision, to an approved carer with a TSDS
deadline. Staff work at desktop width; the applicant follows every stage on a 375 px phone.
With and without JavaScript; axe-core on every page in the JavaScript run."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.times import london_today
from portal.panels.models import Panel
from portal.tsds.services import add_months
from tests.applications.helpers import visited
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in
from tests.browser.test_assessments import _record as _record_check
from tests.browser.test_panels import _fill_day
from tests.browser.test_paperwork import _choose_file
from tests.paperwork.helpers import PDF, PNG

TRACKER = "/leicestershire/my-application"
# The service's default checklist, in order, and what the applicant sends for each.
DOCUMENTS = [
    ("Application form", "application-form.pdf", PDF, "application/pdf"),
    ("Proof of identity", "passport.png", PNG, "image/png"),
    ("Proof of address", "council-tax.pdf", PDF, "application/pdf"),
    ("Referees' details", "referees.pdf", PDF, "application/pdf"),
    ("Health questionnaire", "health.pdf", PDF, "application/pdf"),
    ("DBS consent form", "dbs-consent.png", PNG, "image/png"),
    ("Consent to other checks", "consent.pdf", PDF, "application/pdf"),
]
RETURNED = "Proof of address"
COMMENT = "This bill is older than 3 months. Please send a recent one."


def _no_check(_page) -> None:
    """In place of axe-core for a page already checked once in this run."""


def _long_date(day) -> str:
    return f"{day.day} {day:%B} {day.year}"


def _tracker_is_at(phone, key: str, text: str, check) -> None:
    """The applicant's tracker has `key` as the stage happening now, saying `text`."""
    phone.goto(TRACKER)
    now = phone.locator("[aria-current='step']")
    expect(now).to_have_count(1)
    expect(now).to_have_attribute("id", f"step-{key}")
    expect(now.locator(".govuk-tag")).to_have_text("Now")
    expect(now).to_contain_text(text)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check(phone)


# ---- staff and applicant steps ---------------------------------------------------------


def _decide_to_progress(staff, check) -> None:
    staff.goto("/leicestershire/staff")
    staff.get_by_role("link", name="Decisions to progress", exact=True).click()
    check(staff)
    staff.get_by_role("link", name="Alex Applicant").click()
    check(staff)
    staff.get_by_label("Progress to assessment").check()
    staff.get_by_label("Reasons").fill("Strong motivation; a spare room; good support network.")
    staff.get_by_label("Who was at the meeting?").fill(
        "Robin Recruitment (chair), Ira Visitor (initial visitor)"
    )
    staff.get_by_role("button", name="Record the decision").click()
    expect(staff.get_by_text("Nothing is waiting for a decision.")).to_be_visible()


def _send(phone, item: str, filename: str, data: bytes, mimetype: str, check) -> None:
    phone.get_by_role("link", name=item, exact=True).click()
    check(phone)
    _choose_file(phone, filename, data, mimetype)
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator(".govuk-notification-banner")).to_contain_text(f"{item} sent")


def _send_every_document(phone, check) -> None:
    phone.goto(TRACKER)
    phone.get_by_role("link", name="Send your documents").click()
    expect(phone.locator("#progress")).to_contain_text("0 of 7 accepted")
    check(phone)
    for n, (item, filename, data, mimetype) in enumerate(DOCUMENTS, start=1):
        _send(phone, item, filename, data, mimetype, check if n == 1 else _no_check)
        expect(phone.locator(f"#paperwork-{n}-status")).to_contain_text("Sent, waiting")
    check(phone)


def _review(staff, item: str, check, comment: str | None = None) -> None:
    """Accept the waiting document for `item`, or return it with `comment`."""
    staff.goto("/leicestershire/staff/paperwork")
    check(staff)
    staff.get_by_role("link", name=f"Alex Applicant: {item}").click()
    check(staff)
    if comment is None:
        staff.get_by_label("Accept", exact=True).check()
    else:
        staff.get_by_label("Return it to the applicant with a comment").check()
        staff.get_by_label("Comment for the applicant").fill(comment)
    staff.get_by_role("button", name="Save decision").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text("Decision saved")


def _send_the_returned_document_again(phone, check) -> None:
    phone.goto("/leicestershire/my-application/paperwork")
    n = [d[0] for d in DOCUMENTS].index(RETURNED) + 1
    expect(phone.locator(f"#paperwork-{n}-status")).to_contain_text("Returned")
    expect(phone.locator(".govuk-task-list")).to_contain_text(COMMENT)
    check(phone)
    phone.get_by_role("link", name=RETURNED, exact=True).click()
    expect(phone.locator(".govuk-inset-text")).to_contain_text(COMMENT)
    check(phone)
    _choose_file(phone, "council-tax-this-month.pdf", PDF + b"% recent\n")
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator(f"#paperwork-{n}-status")).to_contain_text("Sent, waiting")


def _move_to_assessment(staff, check) -> None:
    staff.goto("/leicestershire/staff/paperwork")
    staff.get_by_role("link", name="Alex Applicant", exact=True).click()
    expect(staff.locator("#progress")).to_contain_text("7 of 7 accepted")
    check(staff)
    staff.get_by_role("button", name="Move to assessment").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text(
        "Alex Applicant has moved to assessment"
    )


def _allocate(manager, check) -> None:
    manager.goto("/leicestershire/staff")
    manager.get_by_role("link", name="Assessments", exact=True).click()
    check(manager)
    manager.get_by_label("Assessing social worker").select_option(label="Asa Worker")
    manager.get_by_role("button", name="Allocate").click()
    expect(manager.locator("#assessments")).to_contain_text("Asa Worker")
    check(manager)


def _assess(assessor, today, check) -> None:
    """Stage 1 checks and two referees, two stage 2 sessions, then complete."""
    assessor.goto("/leicestershire/staff/assessments")
    assessor.get_by_role("link", name="Alex Applicant").click()
    check(assessor)
    for label in (
        "DBS check",
        "Local authority check",
        "Medical",
        "Employer reference",
        "Home safety check",
    ):
        _record_check(assessor, label, _no_check)
    for name in ("Pat Referee", "Sam Referee"):
        assessor.get_by_label("Referee's full name").fill(name)
        assessor.get_by_role("button", name="Add referee").click()
        _record_check(assessor, f"Personal referee: {name}", _no_check)
    for topic in ("Family history and relationships", "Caring for a child who has lost home"):
        _fill_day(assessor, "session-held_on", today)
        assessor.get_by_label("What the session covered").fill(topic)
        assessor.get_by_role("button", name="Add session").click()
        expect(assessor.locator(".govuk-notification-banner")).to_contain_text("Session added")
        expect(assessor.locator("#sessions")).to_contain_text(topic)
    expect(assessor.locator("#summary")).to_contain_text("7/7")
    check(assessor)
    assessor.get_by_role("button", name="Assessment complete: move to panel").click()
    expect(assessor.locator(".govuk-notification-banner")).to_contain_text("moved to panel")


def _book_onto_a_new_panel(staff, meets_on, check) -> None:
    staff.goto("/leicestershire/staff")
    staff.get_by_role("link", name="Fostering panel", exact=True).click()
    check(staff)
    _fill_day(staff, "panel-meets_on", meets_on)
    staff.get_by_label("Where and when (optional)").fill("County Hall, 10am")
    staff.get_by_role("button", name="Add panel date").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text("Panel date added")
    staff.locator("#to-book select").select_option(index=1)
    staff.get_by_role("button", name="Book onto this panel").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text("is booked onto")
    check(staff)


def _send_papers(staff, today, check) -> None:
    staff.get_by_role("link", name="Alex Applicant").click()
    check(staff)
    _fill_day(staff, "papers-sent_on", today)
    staff.get_by_role("button", name="Record papers sent").click()
    expect(staff.locator("#summary")).to_contain_text("Sent on")


def _record_recommendation(staff, today, check) -> None:
    staff.reload()
    staff.get_by_label("Approve as foster carers").check()
    staff.get_by_label("Approval as").select_option(label="Mainstream")
    _fill_day(staff, "recommendation-recommended_on", today)
    staff.get_by_label("The panel's reasons").fill("Warm, reflective and ready to foster.")
    staff.get_by_role("button", name="Record the recommendation").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text("agency decision maker")
    check(staff)


def _approve(manager, check) -> None:
    manager.goto("/leicestershire/staff")
    manager.get_by_role("link", name="Agency decisions", exact=True).click()
    check(manager)
    manager.get_by_role("link", name="Alex Applicant").click()
    check(manager)
    manager.get_by_label("Reasons for the decision").fill("I agree with the panel.")
    manager.get_by_role("button", name="Record the decision").click()
    expect(manager.locator(".govuk-notification-banner")).to_contain_text(
        "Alex Applicant is approved"
    )


# ---- the journey -----------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_household_goes_from_initial_visit_to_approved_carer(
    new_page, leicestershire, make_user, javascript
):
    check = assert_accessible if javascript else _no_check  # axe needs scripts
    today = london_today(utcnow())
    visitor = make_user(leicestershire, Role.INITIAL_VISITOR, name="Ira Visitor")
    recruiter = make_user(leicestershire, Role.RECRUITMENT, name="Robin Recruitment")
    manager = make_user(leicestershire, Role.SERVICE_MANAGER, name="Morgan Manager")
    assessor = make_user(leicestershire, Role.ASSESSING_SOCIAL_WORKER, name="Asa Worker")
    applicant = make_user(leicestershire, Role.PROSPECTIVE_CARER, name="Alex Applicant")
    visited(leicestershire, visitor, applicant)

    phone = new_page(viewport=PHONE, javascript=javascript)
    sign_in(phone, applicant.email)
    _tracker_is_at(phone, "decision", "decides whether to go ahead", check)

    staff = new_page(viewport=DESKTOP, javascript=javascript)
    sign_in(staff, recruiter.email)
    _decide_to_progress(staff, check)
    _tracker_is_at(phone, "paperwork", "Send your documents", check)
    expect(phone.locator("#step-decision")).to_contain_text(
        f"On {_long_date(today)} we decided to go ahead with your application."
    )

    _send_every_document(phone, check)
    _review(staff, RETURNED, check, comment=COMMENT)
    for item, *_file in DOCUMENTS:
        if item != RETURNED:
            _review(staff, item, _no_check)
    _send_the_returned_document_again(phone, check)
    _review(staff, RETURNED, _no_check)
    _tracker_is_at(phone, "paperwork", "Send your documents", check)
    _move_to_assessment(staff, check)
    _tracker_is_at(phone, "assessment", "An assessing social worker meets you", check)

    manager_page = new_page(viewport=DESKTOP, javascript=javascript)
    sign_in(manager_page, manager.email)
    _allocate(manager_page, check)
    _tracker_is_at(phone, "assessment", "An assessing social worker meets you", check)
    expect(phone.locator("main")).to_contain_text("Your worker is Asa Worker.")

    assessor_page = new_page(viewport=DESKTOP, javascript=javascript)
    sign_in(assessor_page, assessor.email)
    _assess(assessor_page, today, check)
    _tracker_is_at(phone, "panel", "We will give you a panel date soon", check)

    meets_on = today + timedelta(days=21)
    _book_onto_a_new_panel(staff, meets_on, check)
    _tracker_is_at(
        phone, "panel", f"Your panel date is {meets_on:%A} {_long_date(meets_on)}", check
    )
    _send_papers(staff, today, check)

    # Three weeks later the panel has met.
    panel = db.session.query(Panel).one()
    panel.meets_on = today
    db.session.commit()
    _record_recommendation(staff, today, check)
    _tracker_is_at(phone, "panel", "The panel made its recommendation on", check)
    expect(phone.locator("#step-approval")).to_contain_text("decides whether to approve you by")

    _approve(manager_page, check)

    # The household signs in again, now as an approved foster carer.
    carer = new_page(viewport=PHONE, javascript=javascript)
    sign_in(carer, applicant.email)
    expect(carer.locator("h1")).to_have_text("Your account")
    carer.goto("/leicestershire/foster-carers")
    expect(carer.get_by_role("link", name="Your TSDS workbook")).to_be_visible()
    carer.goto(TRACKER)
    expect(carer.locator("[aria-current='step']")).to_have_count(0)
    expect(carer.locator("#step-approval .govuk-tag")).to_have_text("Done")
    expect(carer.locator("#step-approval")).to_contain_text(
        f"You were approved as foster carers on {_long_date(today)}."
    )
    check(carer)
    carer.get_by_role("link", name="Start your Training, Support and Development").click()
    expect(carer.locator("h1")).to_have_text("Your TSDS workbook")
    expect(carer.locator("#progress")).to_contain_text(
        f"Finish by {_long_date(add_months(today, 12))}."
    )
    check(carer)
    assert carer.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    pages = (phone, staff, manager_page, assessor_page, carer)
    assert [p.console_problems for p in pages] == [[]] * len(pages)
