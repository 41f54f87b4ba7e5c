"""The privacy notice, downloading your own data, the manager's download and the
'Keeping records' settings."""

import io
import json
import zipfile

from sqlalchemy import select

from portal.accounts.models import Role
from portal.core.extensions import db
from portal.core.models import AuditEvent
from tests.conftest import csrf_from
from tests.privacy import helpers


def test_the_privacy_notice_is_built_from_each_services_facts(
    client_request, leicestershire, lancashire
):
    lancashire.carer_retention_years = 15
    db.session.commit()
    for service in (leicestershire, lancashire):
        page = client_request.get(f"/{service.slug}/privacy")
        assert page.h1 == "Privacy notice"
        text = page.text()
        assert f"{service.council_name} is the data controller" in text
        assert service.fostering_email in text
        assert "ico.org.uk" in str(page.soup) and "0303 123 1113" in text
        assert page.soup.find(id="young-people")
        footer = page.soup.select_one("footer a[href$='/privacy']")
        assert footer["href"] == f"/{service.slug}/privacy"
    periods = client_request.get("/lancashire/privacy").soup.select_one("#keeping-records")
    assert "15 years after approval ends" in periods.get_text(" ")
    assert "3 years after the decision" in periods.get_text(" ")


def test_the_footer_links_every_page_to_its_services_notice(client_request, leicestershire):
    page = client_request.get("/leicestershire/events")
    link = next(a for a in page.soup.select("footer a") if a.get_text() == "Privacy notice")
    assert link["href"] == "/leicestershire/privacy"


def test_a_signed_in_person_downloads_everything_held_about_them(
    client_request, leicestershire, login_as
):
    person = login_as(Role.PROSPECTIVE_CARER, name="Dee Download")
    helpers.enquiry(leicestershire, person, notes="DEE'S NOTES")
    db.session.commit()
    account = client_request.get("/leicestershire/account")
    link = account.soup.find("a", string="Download your data")
    assert link["href"] == "/leicestershire/account/your-data"

    page = client_request.get(link["href"])
    response = client_request.client.post(
        link["href"], data={"csrf_token": csrf_from(page)}, buffered=True
    )
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "dee" not in disposition.lower()
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        (row,) = json.loads(archive.read("data/enquiry.json"))["rows"]
        assert "README.txt" in archive.namelist()
    assert row["notes"] == "DEE'S NOTES"
    (event,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "privacy.exported")
    ).all()
    assert event.actor_id == person.id and event.object_id == str(person.id)


def test_the_download_needs_a_csrf_token_and_a_signed_in_person(client_request, login_as):
    response = client_request.client.get("/leicestershire/account/your-data")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    login_as(Role.YOUNG_PERSON)
    response = client_request.client.post("/leicestershire/account/your-data")
    assert response.status_code == 400
    assert (
        db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "privacy.exported"))
        is None
    )


def test_a_manager_downloads_a_persons_records_from_their_page(
    client_request, leicestershire, make_user, login_as
):
    person = make_user(leicestershire, Role.YOUNG_PERSON, name="Yan Young")
    helpers.conversation(leicestershire, person, how_to_reach="by text")
    db.session.commit()
    manager = login_as(Role.SERVICE_MANAGER)
    page = client_request.get(f"/leicestershire/staff/people/{person.id}")
    form = page.soup.select_one(f"form[action='/leicestershire/staff/people/{person.id}/download']")
    assert form.find("button").get_text(strip=True) == "Download everything we hold"
    assert page.soup.find("a", string="Erase their records")

    response = client_request.client.post(
        form["action"], data={"csrf_token": csrf_from(page)}, buffered=True
    )
    assert response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        (talk,) = json.loads(archive.read("data/rights_conversation.json"))["rows"]
    assert talk["how_to_reach"] == "by text"  # decrypted
    (event,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "privacy.exported")
    ).all()
    assert event.actor_id == manager.id and event.object_id == str(person.id)


def test_other_staff_see_no_download_or_erase_on_a_persons_page(
    client_request, leicestershire, make_user, login_as
):
    person = make_user(leicestershire, Role.PROSPECTIVE_CARER)
    login_as(Role.RECRUITMENT)
    page = client_request.get(f"/leicestershire/staff/people/{person.id}")
    assert page.soup.find(string="Download everything we hold") is None
    assert page.soup.find("a", string="Erase their records") is None
    client_request.get(f"/leicestershire/staff/people/{person.id}/erase", expected_status=403)


def test_keeping_records_settings_are_saved_and_audited(client_request, leicestershire, login_as):
    login_as(Role.SERVICE_MANAGER)
    settings = client_request.get("/leicestershire/staff/settings/")
    assert settings.soup.find("a", href="/leicestershire/staff/settings/keeping-records")
    page = client_request.get("/leicestershire/staff/settings/keeping-records")
    values = {
        field["name"]: field.get("value", "")
        for field in page.soup.select("form input[type=text], form input:not([type])")
        if field.get("name") != "csrf_token"
    }
    assert values["carer_retention_years"] == "10"
    values["complaint_retention_years"] = "7"
    client_request.post_form("/leicestershire/staff/settings/keeping-records", values)
    db.session.refresh(leicestershire)
    assert leicestershire.complaint_retention_years == 7
    (event,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "settings.retention_changed")
    ).all()
    assert event.detail["values"] == {"complaint_retention_years": [6, 7]}


def test_keeping_records_below_the_laws_floor_is_refused_with_a_reason(
    client_request, leicestershire, login_as
):
    login_as(Role.SERVICE_MANAGER)
    page = client_request.get("/leicestershire/staff/settings/keeping-records")
    values = {
        field["name"]: field.get("value", "")
        for field in page.soup.select("form input")
        if field.get("name") not in (None, "csrf_token")
    }
    values["carer_retention_years"] = "9"
    values["applicant_retention_years"] = "two"
    page = client_request.post_form(
        "/leicestershire/staff/settings/keeping-records", values, expected_status=200
    )
    assert page.error_for("carer_retention_years") == (
        "The time foster carers' records are kept must be between 10 and 75 years"
    )
    assert "whole number of years" in page.error_for("applicant_retention_years")
    assert page.soup.find(id="applicant_retention_years")["value"] == "two"
    db.session.refresh(leicestershire)
    assert leicestershire.carer_retention_years == 10
