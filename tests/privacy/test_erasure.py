"""Erasure on request: a service manager erases a person where the law allows, and nothing
about them is left; where the law says keep, the page says why and nothing changes."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.applications.models import ApplicationStep, Stage
from portal.bookings.models import Occasion
from portal.childrens_rights.models import ConversationStatus
from portal.core import uploads
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.models import AuditEvent, OutboxMessage
from portal.events.models import EventFeedback, Usefulness
from portal.independent_visitors.models import VisitorRequest, VolunteerOffer
from portal.paperwork.models import DocumentStatus, PaperworkDocument, PaperworkItem
from portal.privacy import services
from portal.privacy.services import REGISTRY, Anonymise, Keep, Subject
from portal.staff.models import WorkItem, WorkKind
from tests.conftest import sign_in
from tests.privacy import helpers


def _past_applicant(service, staff, person, *, ended_days_ago: int, stage=Stage.WITHDRAWN):
    """An application that ended `ended_days_ago` days ago, with a document."""
    applied = helpers.application(service, staff, person, stage=stage)
    step = db.session.scalar(
        select(ApplicationStep).where(ApplicationStep.application_id == applied.id)
    )
    step.at = utcnow() - timedelta(days=ended_days_ago)
    item = PaperworkItem(service_id=service.id, name=f"Identity {helpers.number()}")
    db.session.add(item)
    db.session.flush()
    db.session.add(
        PaperworkDocument(
            application_id=applied.id,
            item_id=item.id,
            file_key=uploads.store(helpers.PDF, uploads.PDF, service_id=service.id),
            file_kind="pdf",
            file_size=len(helpers.PDF),
            status=DocumentStatus.ACCEPTED,
        )
    )
    return applied


def erasable_history(service, staff, person, *, words: str):
    """Everything someone who never became a carer might leave behind, all finished."""
    asked = helpers.enquiry(service, person, notes=words)
    event = helpers.information_event(service)
    place = helpers.booking(service, event.occasion_id, person, attended=True)
    db.session.add(place)
    db.session.flush()
    db.session.add(
        EventFeedback(
            service_id=service.id,
            event_id=event.id,
            booking_id=place.id,
            usefulness=Usefulness.QUITE,
            what_would_help=words,
        )
    )
    _past_applicant(service, staff, person, ended_days_ago=5 * 365)
    talk = helpers.conversation(service, person, how_to_reach=words)
    helpers.complaint(service, person, body=words, closed_on=date.today())
    helpers.complaint(service, None, email=person.email, body=words, closed_on=date.today())
    db.session.add_all(
        [
            VisitorRequest(
                service_id=service.id, reference=f"IV{helpers.number()}", user_id=person.id
            ),
            VolunteerOffer(
                service_id=service.id,
                name=person.name,
                email=person.email,
                phone="07700 900000",
                postcode="LE1 1AA",
                why=words,
            ),
            WorkItem(service_id=service.id, kind=WorkKind.MESSAGE, object_id=talk.id),
            OutboxMessage(
                service_id=service.id,
                message_id=f"<{helpers.number()}@test>",
                to_address=person.email,
                from_address="portal@example.org",
                subject="Hello",
                body_text=words,
                body_html=words,
                template="test",
            ),
        ]
    )
    db.session.commit()
    return asked


@pytest.fixture
def manager(client_request, login_as):
    return login_as(Role.SERVICE_MANAGER)


def _row_values(table, keys) -> list[str]:
    rows = db.session.execute(select(table).where(services._where(table, keys))).mappings()
    return [json.dumps({k: services.plain(v) for k, v in row.items()}) for row in rows]


def test_erasing_someone_leaves_nothing_about_them(
    client_request, leicestershire, make_user, manager
):
    person = make_user(
        leicestershire, Role.PROSPECTIVE_CARER, name="Ella Erase", email="ella@example.org"
    )
    other = make_user(
        leicestershire, Role.PROSPECTIVE_CARER, name="Kit Keep", email="kit@example.org"
    )
    erasable_history(leicestershire, manager, person, words="ELLA WROTE THIS")
    erasable_history(leicestershire, manager, other, words="KIT WROTE THIS")
    future = helpers.information_event(leicestershire, days_from_now=20, seats_taken=2)
    db.session.add(helpers.booking(leicestershire, future.occasion_id, person, seats=2))
    db.session.commit()
    subject = Subject.of(person)
    before = services.rows_about(subject)
    others_before = services.rows_about(Subject.of(other)).total
    files = db.session.scalars(
        select(PaperworkDocument.file_key)
        .join(PaperworkDocument.application)
        .where(PaperworkDocument.application.has(user_id=person.id))
    ).all()
    assert files and all(uploads.path_of(key).is_file() for key in files)

    page = client_request.get(f"/leicestershire/staff/people/{person.id}/erase")
    assert page.h1 == "Erase their records"
    assert page.soup.select_one(".govuk-warning-text")
    page = client_request.post_form(
        f"/leicestershire/staff/people/{person.id}/erase", {}, expected_status=302
    )

    # Nothing the registry knows of is about them any more, but the closed account (by
    # its number) and the audit log...
    after = services.rows_about(subject)
    assert {name for name, keys in after.keys.items() if keys} == {"user_account", "audit_event"}
    # ...and the rows they had are gone, or hold nothing that named them.
    for name, keys in before.keys.items():
        if not keys:
            continue
        table = db.metadata.tables[name]
        values = _row_values(table, keys)
        erase = REGISTRY[name].erase
        if erase == services.DELETE:
            assert values == [], f"{name} still has their rows"
        else:
            for text in values:
                assert "ella" not in text.lower() and "ELLA WROTE" not in text, f"{name}: {text}"
            if isinstance(erase, Anonymise) and name != "user_account":
                assert all(f'"user_id": {person.id},' not in text for text in values)
            if isinstance(erase, Keep):
                assert values  # the audit log keeps its rows, numbers only
    assert not any(uploads.path_of(key).exists() for key in files)
    # The account is closed, its sessions ended, and the freed seats offered on.
    account = db.session.get(User, person.id)
    assert account.is_disabled and account.password_hash is None and account.roles == frozenset()
    assert db.session.get(Occasion, future.occasion_id).seats_taken == 0
    # Nobody else lost anything.
    assert services.rows_about(Subject.of(other)).total == others_before
    (event,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "privacy.erased")
    ).all()
    assert (event.object_id, event.actor_id) == (str(person.id), manager.id)
    assert event.detail["rows"]["enquiry"] == 1
    assert "ella" not in json.dumps(event.detail).lower()
    # Their page is gone from the people pages.
    client_request.get(f"/leicestershire/staff/people/{person.id}", expected_status=404)


def test_an_erased_person_is_signed_out_and_cannot_sign_in(
    app, client_request, leicestershire, make_user, staff
):
    person = make_user(leicestershire, Role.PROSPECTIVE_CARER, email="gone@example.org")
    theirs = app.test_client()
    sign_in(theirs, person.email)
    assert theirs.get("/leicestershire/account").status_code == 200
    with app.test_request_context("/leicestershire/"):
        services.erase_person(leicestershire, person, by=staff, now=utcnow())
    assert theirs.get("/leicestershire/account").status_code == 302
    page = client_request.post_form(
        "/leicestershire/sign-in",
        {"email": "gone@example.org", "password": "correct horse battery"},
        expected_status=200,
    )
    assert page.h1 == "Sign in"


def _approved_carer(service, staff, make_user):
    return make_user(service, Role.APPROVED_CARER), "approved foster carer"


def _open_conversation(service, staff, make_user):
    person = make_user(service, Role.YOUNG_PERSON)
    helpers.conversation(service, person, status=ConversationStatus.OPEN)
    db.session.commit()
    return person, "is still open"


def _open_complaint(service, staff, make_user):
    person = make_user(service, Role.PROSPECTIVE_CARER)
    helpers.complaint(service, person)
    db.session.commit()
    return person, "still open"


def _application_going_on(service, staff, make_user):
    person = make_user(service, Role.PROSPECTIVE_CARER)
    helpers.application(service, staff, person, stage=Stage.ASSESSMENT)
    db.session.commit()
    return person, "still going on"


def _withdrawn_last_year(service, staff, make_user):
    person = make_user(service, Role.PROSPECTIVE_CARER)
    _past_applicant(service, staff, person, ended_days_ago=365)
    db.session.commit()
    return person, "can be erased from"


@pytest.mark.parametrize(
    "history",
    [
        _approved_carer,
        _open_conversation,
        _open_complaint,
        _application_going_on,
        _withdrawn_last_year,
    ],
)
def test_records_the_law_keeps_are_not_erased_and_the_page_says_why(
    client_request, leicestershire, make_user, manager, history
):
    person, why = history(leicestershire, manager, make_user)
    url = f"/leicestershire/staff/people/{person.id}/erase"
    page = client_request.get(url)
    assert page.h1 == "Their records must be kept"
    assert why in page.soup.select_one("#reasons").get_text(" ")
    assert page.soup.select_one("main form button") is None
    before = services.rows_about(Subject.of(person)).total
    page = client_request.post_form(
        url, {}, expected_status=200, form_page="/leicestershire/account"
    )
    assert why in page.text()
    assert services.rows_about(Subject.of(person)).total == before
    assert db.session.get(User, person.id).is_disabled is False


def test_another_services_manager_cannot_find_the_person(
    client_request, leicestershire, lancashire, make_user, login_as
):
    person = make_user(leicestershire, Role.PROSPECTIVE_CARER)
    login_as(Role.SERVICE_MANAGER, service=lancashire)
    client_request.get(f"/lancashire/staff/people/{person.id}/erase", expected_status=404)
    client_request.post_form(
        f"/lancashire/staff/people/{person.id}/erase",
        {},
        expected_status=404,
        form_page="/lancashire/account",
    )
    assert db.session.get(User, person.id).is_disabled is False
