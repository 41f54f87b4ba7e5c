"""Paperwork: the service's checklist, uploads checked by content and size, downloads only
for the applicant and their service's staff, review with comments, and the move to
assessment once everything is accepted."""

from pathlib import Path

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.applications.models import ApplicationStep, Stage
from portal.core import uploads
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.models import AuditEvent
from portal.paperwork import services
from portal.paperwork.models import DocumentStatus, PaperworkDocument, PaperworkItem
from tests.conftest import ClientRequest, sign_in
from tests.paperwork.helpers import PDF, PNG, as_upload, make_application, upload

CHECKLIST = "/leicestershire/my-application/paperwork"


@pytest.fixture
def people(leicestershire, make_user):
    """The initial visitor and the recruitment team member who decides."""
    return {
        "visitor": make_user(leicestershire, Role.INITIAL_VISITOR, name="Ira Visitor"),
        "decider": make_user(leicestershire, Role.RECRUITMENT, email="robin@example.org"),
    }


@pytest.fixture
def applicant(leicestershire, make_user):
    return make_user(
        leicestershire, Role.PROSPECTIVE_CARER, email="alex@example.org", name="Alex Applicant"
    )


@pytest.fixture
def application(leicestershire, applicant, people):
    return make_application(leicestershire, applicant, **people)


def _signed_in(app, email, service="leicestershire"):
    client = ClientRequest(app.test_client())
    sign_in(client, email, service=service)
    return client


def _checklist(service) -> list[PaperworkItem]:
    items = services.ensure_checklist(service)
    db.session.commit()  # seeded and kept, as the demo loader does
    return items


def _item(service, name) -> PaperworkItem:
    return next(item for item in _checklist(service) if item.name == name)


def _statuses(page) -> dict[str, str]:
    """Each checklist item's name and status, as the task list shows them."""
    return {
        li.select_one(".govuk-task-list__link").get_text(strip=True): li.select_one(
            ".govuk-task-list__status"
        ).get_text(strip=True)
        for li in page.soup.select(".govuk-task-list__item")
    }


def test_each_service_gets_its_own_checklist_seeded_once(leicestershire, lancashire):
    first = services.ensure_checklist(leicestershire)
    assert [item.name for item in first][:3] == [
        "Application form",
        "Proof of identity",
        "Proof of address",
    ]
    assert {"Referees' details", "Health questionnaire", "DBS consent form"} <= {
        item.name for item in first
    }
    assert [i.id for i in services.ensure_checklist(leicestershire)] == [i.id for i in first]
    other = services.ensure_checklist(lancashire)
    assert not {i.id for i in other} & {i.id for i in first}
    first[0].is_active = False  # a service can stop asking for something
    db.session.commit()
    assert "Application form" not in [i.name for i in services.ensure_checklist(leicestershire)]


def test_an_applicant_uploads_a_document_and_downloads_it_under_a_server_chosen_name(
    app, leicestershire, application, applicant
):
    alex = _signed_in(app, applicant.email)
    page = alex.get(CHECKLIST)
    assert page.h1 == "Your paperwork"
    assert set(_statuses(page).values()) == {"Not sent"}
    assert "0 of 7 accepted" in page.soup.find(id="progress").get_text(" ", strip=True)

    identity = _item(leicestershire, "Proof of identity")
    url = f"{CHECKLIST}/{identity.id}"
    upload(alex, url, PDF, "Alex Applicant passport (scan).pdf")
    document = db.session.scalar(select(PaperworkDocument))
    assert document.status == DocumentStatus.UPLOADED and document.file_kind == "pdf"
    assert "Alex" not in document.file_key and "passport" not in document.file_key
    stored = uploads.path_of(document.file_key)
    assert stored.read_bytes() == PDF
    assert Path(app.config["UPLOAD_DIRECTORY"]).resolve() in stored.parents
    assert Path(app.static_folder).resolve() not in stored.parents

    page = alex.get(CHECKLIST)
    assert _statuses(page)["Proof of identity"] == "Sent, waiting"
    progress = page.soup.find(id="progress").get_text(" ", strip=True)
    assert "Proof of address" in progress and "Proof of identity" not in progress

    download = alex.client.get(f"{url}/file")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "filename=proof-of-identity.pdf" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"

    upload(alex, url, PNG, "photo.pdf")  # a waiting file can be replaced; content decides
    db.session.refresh(document)
    assert document.file_kind == "png" and not stored.exists()
    download = alex.client.get(f"{url}/file")
    assert "filename=proof-of-identity.png" in download.headers["Content-Disposition"]
    assert "paperwork.uploaded" in db.session.scalars(select(AuditEvent.action)).all()


def test_wrong_empty_or_oversized_files_get_a_message_beside_the_field(
    app, leicestershire, application, applicant
):
    alex = _signed_in(app, applicant.email)
    url = f"{CHECKLIST}/{_item(leicestershire, 'DBS consent form').id}"
    page = upload(alex, url, b"MZ\x90\x00" + b"\x00" * 500, "dbs-form.pdf", 200)
    assert page.error_for("document") == (
        "The selected file must be a PDF, a JPG or PNG photo, or a Word document"
    )
    assert page.error_summary() == [page.error_for("document")]
    page = upload(alex, url, PDF + b"0" * (20 * 1024 * 1024), "big.pdf", 200)
    assert page.error_for("document") == "The selected file must be smaller than 10 MB"
    page = upload(alex, url, b"", "empty.pdf", 200)
    assert page.error_for("document") == "The selected file is empty"
    page = upload(alex, url, b"", "", 200)
    assert page.error_for("document") == "Choose a file to send"
    too_large = upload(alex, url, PDF + b"0" * (30 * 1024 * 1024), "huge.pdf", 413)
    assert "The file is too big" in too_large.h1
    assert db.session.scalar(select(PaperworkDocument)) is None


def test_only_the_applicant_and_their_services_staff_reach_a_document(
    app, leicestershire, lancashire, application, applicant, people, make_user
):
    identity = _item(leicestershire, "Proof of identity")
    url = f"{CHECKLIST}/{identity.id}"
    upload(_signed_in(app, applicant.email), url, PDF, "id.pdf")
    document = db.session.scalar(select(PaperworkDocument))
    staff_file = f"/leicestershire/staff/paperwork/documents/{document.id}/file"

    # Another applicant with an application of their own reaches only their own file.
    sam = make_user(leicestershire, Role.PROSPECTIVE_CARER, email="sam@example.org")
    make_application(leicestershire, sam, **people)
    other = _signed_in(app, sam.email)
    assert _statuses(other.get(CHECKLIST))["Proof of identity"] == "Not sent"
    other.get(f"{url}/file", expected_status=404)
    other.get(staff_file, expected_status=403)

    # An applicant without an application at the paperwork stage sees nothing.
    kim = make_user(leicestershire, Role.PROSPECTIVE_CARER, email="kim@example.org")
    make_application(leicestershire, kim, stage=Stage.NOT_NOW, **people)
    kim_client = _signed_in(app, kim.email)
    for path in (CHECKLIST, url, f"{url}/file"):
        kim_client.get(path, expected_status=404)

    # Another service's checklist item, and another service's staff, are not found.
    far_item = _item(lancashire, "Proof of identity")
    _signed_in(app, applicant.email).get(f"{CHECKLIST}/{far_item.id}", expected_status=404)
    make_user(lancashire, Role.RECRUITMENT, email="far@example.org")
    far = _signed_in(app, "far@example.org", "lancashire")
    far.get(f"/lancashire/staff/paperwork/{application.id}", expected_status=404)
    far.get(f"/lancashire/staff/paperwork/documents/{document.id}", expected_status=404)
    far.get(f"/lancashire/staff/paperwork/documents/{document.id}/file", expected_status=404)
    assert "Alex Applicant" not in far.get("/lancashire/staff/paperwork").text()

    # Staff of the service without a paperwork role are refused; the right roles download.
    make_user(leicestershire, Role.TRAINING_COORDINATOR, email="trainer@example.org")
    _signed_in(app, "trainer@example.org").get(staff_file, expected_status=403)
    make_user(leicestershire, Role.ASSESSING_SOCIAL_WORKER, email="asw@example.org")
    download = _signed_in(app, "asw@example.org").client.get(staff_file)
    assert download.status_code == 200 and download.data == PDF
    assert "filename=proof-of-identity.pdf" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"


def test_a_document_is_returned_with_a_comment_sent_again_and_accepted(
    app, leicestershire, application, applicant, smtp_server
):
    alex = _signed_in(app, applicant.email)
    url = f"{CHECKLIST}/{_item(leicestershire, 'Proof of address').id}"
    upload(alex, url, PDF, "bill.pdf")
    document = db.session.scalar(select(PaperworkDocument))
    smtp_server.deliver()  # the decision email

    robin = _signed_in(app, "robin@example.org")
    listed = robin.get("/leicestershire/staff/paperwork")
    waiting = listed.soup.find(id="waiting").get_text(" ", strip=True)
    assert "Alex Applicant: Proof of address" in waiting
    assert "0/7" in listed.soup.find(id="applications").get_text(" ", strip=True)
    review = f"/leicestershire/staff/paperwork/documents/{document.id}"
    page = robin.post_form(review, {"decision": "return", "comment": "  "}, expected_status=200)
    assert page.error_for("comment") == "Write a comment saying what the applicant should send"
    page = robin.post_form(review, {}, expected_status=200)
    assert page.error_for("decision") == "Choose accept or return"
    db.session.refresh(document)
    assert document.status == DocumentStatus.UPLOADED

    comment = "This bill is from 2024. Send one from the last 3 months."
    robin.post_form(review, {"decision": "return", "comment": comment})
    db.session.refresh(document)
    assert document.status == DocumentStatus.RETURNED and document.comment == comment
    [told] = smtp_server.deliver()[-1:]
    assert told["To"] == applicant.email
    assert "Proof of address" not in told["Subject"] and "2024" not in told["Subject"]
    # Neither the file's name nor the comment is in the email (headers such as the random
    # Message-ID are left out: its digits could contain anything).
    text = told.get_body(preferencelist=("plain",)).get_content()
    html = told.get_body(preferencelist=("html",)).get_content()
    for body in (text, html):
        assert "bill.pdf" not in body and "from 2024" not in body

    page = alex.get(CHECKLIST)
    assert _statuses(page)["Proof of address"] == "Returned"
    assert comment in page.text()
    assert "Proof of address" in page.soup.find(id="progress").get_text(" ", strip=True)
    assert comment in alex.get(url).text()

    old_file = uploads.path_of(document.file_key)
    upload(alex, url, PDF + b"% new\n", "newer-bill.pdf")
    db.session.refresh(document)
    assert document.status == DocumentStatus.UPLOADED and not old_file.exists()
    robin.post_form(review, {"decision": "accept"})
    db.session.refresh(document)
    assert document.status == DocumentStatus.ACCEPTED and document.reviewed_at is not None
    assert len(smtp_server.deliver()) == 3

    page = alex.get(url)
    assert page.soup.find(id="document") is None  # an accepted document is locked
    assert "We have accepted this document" in page.text()
    another = f"{CHECKLIST}/{_item(leicestershire, 'Proof of identity').id}"
    upload(alex, url, PNG, "sneaky.png", 200, form_page=another)  # posted anyway: ignored
    db.session.refresh(document)
    assert document.file_kind == "pdf"
    assert _statuses(alex.get(CHECKLIST))["Proof of address"] == "Accepted"
    reviewed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "paperwork.reviewed")
    ).all()
    assert [event.detail["accepted"] for event in reviewed] == [False, True]
    assert {event.service_id for event in reviewed} == {leicestershire.id}


def test_once_everything_is_accepted_staff_move_the_application_to_assessment(
    app, leicestershire, application, applicant, people, make_user
):
    decider = people["decider"]
    now = utcnow()
    items = _checklist(leicestershire)
    with app.test_request_context("/leicestershire/"):
        for item in items:
            document = services.upload(application, item, as_upload(), by=applicant, now=now)
            if item != items[-1]:
                services.review(document, accept=True, comment="", by=decider, now=now)
    url = f"/leicestershire/staff/paperwork/{application.id}"
    robin = _signed_in(app, decider.email)
    page = robin.get(url)
    assert "6 of 7 accepted" in page.text()
    assert page.soup.find("button", string=lambda s: s and "Move to assessment" in s) is None
    last = db.session.scalar(
        select(PaperworkDocument).where(PaperworkDocument.item_id == items[-1].id)
    )
    review = f"/leicestershire/staff/paperwork/documents/{last.id}"
    robin.post_form(f"{url}/assessment", {}, form_page=review)  # refused: one still waiting
    db.session.refresh(application)
    assert application.stage == Stage.PAPERWORK
    robin.post_form(review, {"decision": "accept"})
    make_user(leicestershire, Role.ASSESSING_SOCIAL_WORKER, email="asw@example.org")
    asw = _signed_in(app, "asw@example.org")
    assert "can now move the application to assessment" in asw.get(url).text()
    token = robin.get(url).soup.find("input", attrs={"name": "csrf_token"})["value"]
    refused = asw.client.post(f"{url}/assessment", data={"csrf_token": token})
    assert refused.status_code in (400, 403)

    page = robin.get(url)
    assert "7 of 7 accepted" in page.text()
    robin.post_form(f"{url}/assessment", {}, form_page=url)
    db.session.refresh(application)
    assert application.stage == Stage.ASSESSMENT
    step = db.session.scalars(select(ApplicationStep).order_by(ApplicationStep.id)).all()[-1]
    assert (step.from_stage, step.to_stage, step.by_id) == (
        Stage.PAPERWORK,
        Stage.ASSESSMENT,
        decider.id,
    )
    assert "application.moved" in db.session.scalars(select(AuditEvent.action)).all()
    assert robin.get("/leicestershire/staff/paperwork").soup.find(id="applications") is None
    assert "moved on from the paperwork stage" in robin.get(url).text()
    _signed_in(app, applicant.email).get(CHECKLIST, expected_status=404)


def test_the_staff_list_runs_the_same_queries_however_many_applications(
    app, leicestershire, people, make_user, count_queries
):
    robin = _signed_in(app, "robin@example.org")
    items = _checklist(leicestershire)

    def add(count):
        for _ in range(count):
            person = make_user(leicestershire, Role.PROSPECTIVE_CARER, password_hash="x")
            application = make_application(leicestershire, person, **people)
            with app.test_request_context("/leicestershire/"):
                for item in items[:2]:
                    document = services.upload(
                        application, item, as_upload(), by=person, now=utcnow()
                    )
                services.review(
                    document, accept=True, comment="", by=people["decider"], now=utcnow()
                )

    add(2)
    with count_queries() as few:
        page = robin.get("/leicestershire/staff/paperwork")
    assert len(page.soup.select("#waiting li")) == 2
    assert page.soup.select("#applications tbody tr")[0].get_text(" ", strip=True).endswith("1/7")
    add(10)
    with count_queries() as many:
        page = robin.get("/leicestershire/staff/paperwork")
    assert len(page.soup.select("#waiting li")) == 12
    assert len(page.soup.select("#applications tbody tr")) == 12
    assert many["n"] == few["n"]
    waiting = [a.get_text(strip=True) for a in page.soup.select("#waiting a")]
    assert waiting[0].startswith("Person")  # oldest first
    first = db.session.scalars(
        select(PaperworkDocument)
        .where(PaperworkDocument.status == DocumentStatus.UPLOADED)
        .order_by(PaperworkDocument.uploaded_at, PaperworkDocument.id)
    ).first()
    assert waiting[0] == f"{first.application.name}: {first.item.name}"
