"""Family and friends: a request to care for a child one knows, its viability assessment
within the service's working days, and a Regulation 24 temporary approval extended once
(Regulation 25)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from portal.accounts.models import Role
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.models import AuditEvent
from portal.core.times import london_today
from portal.kinship import services
from portal.kinship.models import Ending, KinshipRequest, TemporaryApproval, Viability
from tests.conftest import ClientRequest, parse, sign_in

ASK = "/leicestershire/family-and-friends"
STAFF = "/leicestershire/staff/family-and-friends"


def _day(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def _today() -> date:
    return london_today(utcnow())


def _answers(**overrides) -> dict:
    answers = {
        "name": "Jo Grand",
        "email": "jo@example.org",
        "phone": "0116 305 0505",
        "postcode": "LE3 8RA",
        "connection": "grandparent",
        "child_name": "Sam Small",
        "child_born_on": _day(_today() - timedelta(days=8 * 365)),
        "childs_social_worker": "Pat, Loughborough team",
        "lives_with_them_since": _day(_today() - timedelta(days=10)),
        "message": "Sam came to us after a call from the police.",
    }
    return {**answers, **overrides}


def _signed_in(app, email, service="leicestershire"):
    client = ClientRequest(app.test_client())
    sign_in(client, email, service=service)
    return client


def post(client, url, data, *, form_page, expected_status=302):
    """POST `data` with the CSRF token of the form on `form_page` that posts to `url`."""
    page = client.get(form_page)
    form = page.soup.find("form", action=url)
    assert form is not None, f"no form posting to {url} on {form_page}"
    token = form.find("input", attrs={"name": lambda n: n and n.endswith("csrf_token")})
    response = client.client.post(url, data={token["name"]: token["value"], **data})
    assert response.status_code == expected_status, response.get_data(as_text=True)[:2000]
    return parse(response)


@pytest.fixture
def manager(leicestershire, make_user):
    return make_user(leicestershire, Role.SERVICE_MANAGER, email="mo@example.org", name="Mo")


@pytest.fixture
def worker(leicestershire, make_user):
    return make_user(
        leicestershire, Role.ASSESSING_SOCIAL_WORKER, email="asa@example.org", name="Asa Worker"
    )


def _request(service, **overrides) -> KinshipRequest:
    details = _answers(**overrides)
    for key in ("child_born_on", "lives_with_them_since"):
        details[key] = date(*map(int, reversed(details[key]))) if details[key] else None
    return services.make_request(service, details=details, locale="en", now=utcnow())


# ---- the request -----------------------------------------------------------------------


def test_a_request_is_kept_with_the_childs_details_encrypted_and_a_reference_emailed(
    client_request, leicestershire, smtp_server
):
    page = client_request.get("/leicestershire/thinking-about-fostering")
    assert page.soup.find("a", href=ASK) is not None
    page = client_request.post_form(ASK, _answers())
    assert page.response.headers["Location"].endswith(f"{ASK}/sent")
    sent = client_request.get(f"{ASK}/sent")
    made = db.session.scalar(select(KinshipRequest))
    assert made.reference.startswith("FF-")
    assert made.reference in sent.text()
    assert made.child_name == "Sam Small"
    stored = db.session.execute(text("SELECT child_name, message FROM kinship_request")).one()
    assert "Sam" not in stored.child_name and "police" not in stored.message
    told = smtp_server.deliver()[-1]
    assert told["To"] == "jo@example.org"
    body = told.get_body(("plain",)).get_content()
    assert made.reference in body
    assert "Sam" not in told["Subject"] and "Jo" not in told["Subject"]
    due = services.viability_due_on(made, leicestershire)
    assert f"{due.day} " in body and str(due.year) in body


def test_bad_answers_get_messages_beside_the_fields_and_keep_what_was_typed(
    client_request, leicestershire
):
    future = _day(_today() + timedelta(days=3))
    page = client_request.post_form(
        ASK,
        _answers(connection="", child_born_on=future, child_name="", phone="12"),
        expected_status=200,
    )
    assert page.error_for("connection") == "Choose how you know the child"
    assert page.error_for("lives_with_them_since-date") == ""  # optional, left as it was
    assert page.error_for("child_born_on-date") == (
        "The child's date of birth must be today or in the past"
    )
    assert page.error_for("child_name") == "Enter the child's full name"
    assert page.error_for("phone")
    assert page.soup.find(id="name")["value"] == "Jo Grand"
    assert "police" in page.soup.find(id="message").get_text()
    old = _day(_today().replace(year=_today().year - 19))
    page = client_request.post_form(ASK, _answers(child_born_on=old), expected_status=200)
    assert page.error_for("child_born_on-date") == "The child must be under 18"
    page = client_request.post_form(
        ASK, _answers(child_born_on=["31", "2", "2020"]), expected_status=200
    )
    assert page.error_for("child_born_on-date") == "The child's date of birth must be a real date"
    assert db.session.scalar(select(KinshipRequest)) is None
    client_request.post_form(  # the optional parts left empty
        ASK,
        _answers(
            child_born_on=["", "", ""],
            lives_with_them_since=["", "", ""],
            childs_social_worker="",
            message="",
        ),
    )
    made = db.session.scalar(select(KinshipRequest))
    assert made.child_birth_date is None and made.lives_with_them_since is None


def test_the_viability_assessment_is_due_fifteen_working_days_on_across_christmas(
    leicestershire,
):
    # Friday 18 December 2026: Christmas Day, the Boxing Day substitute (Monday 28
    # December) and New Year's Day are not working days, nor the weekends.
    made = KinshipRequest(received_at=datetime(2026, 12, 18, 10, tzinfo=UTC))
    assert services.viability_due_on(made, leicestershire) == date(2027, 1, 13)
    leicestershire.viability_working_days = 5
    assert services.viability_due_on(made, leicestershire) == date(2026, 12, 29)


# ---- staff -----------------------------------------------------------------------------


def test_staff_see_the_request_the_read_is_audited_and_other_services_cannot(
    app, leicestershire, lancashire, manager, worker, make_user
):
    made = _request(leicestershire)
    asa = _signed_in(app, "asa@example.org")
    listing = asa.get(STAFF)
    assert "Jo Grand" in listing.soup.select_one("#waiting").get_text()
    page = asa.get(f"{STAFF}/{made.id}")
    assert "Sam Small" in page.soup.select_one("#child").get_text()
    assert page.soup.find("form", action=f"{STAFF}/{made.id}/allocate") is None  # manager's
    assert asa.client.get(f"{STAFF}/{made.id}").headers["Cache-Control"] == "no-store"
    viewed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "kinship.viewed")
    ).all()
    assert len(viewed) == 2 and {row.actor_id for row in viewed} == {worker.id}
    make_user(lancashire, Role.SERVICE_MANAGER, email="lee@example.org")
    lee = _signed_in(app, "lee@example.org", "lancashire")
    lee.get(f"/lancashire/staff/family-and-friends/{made.id}", expected_status=404)
    assert "Jo Grand" not in lee.get("/lancashire/staff/family-and-friends").text()
    make_user(leicestershire, Role.PROSPECTIVE_CARER, email="pc@example.org")
    carer = _signed_in(app, "pc@example.org")
    carer.get(f"{STAFF}/{made.id}", expected_status=403)


def test_allocation_and_the_outcome_with_its_reasons_and_letter(
    app, leicestershire, manager, worker, smtp_server
):
    made = _request(leicestershire)
    smtp_server.deliver()
    mo = _signed_in(app, "mo@example.org")
    page_url = f"{STAFF}/{made.id}"
    post(mo, f"{page_url}/allocate", {"allocate-assessor": str(worker.id)}, form_page=page_url)
    assert db.session.get(KinshipRequest, made.id).worker_id == worker.id
    asa = _signed_in(app, "asa@example.org")
    page = post(
        asa,
        f"{page_url}/viability",
        {"viability-outcome": "viable", "viability-reasons": ""},
        form_page=page_url,
        expected_status=200,
    )
    assert page.error_for("viability-reasons") == "Give the reasons for the outcome"
    post(
        asa,
        f"{page_url}/viability",
        {"viability-outcome": "viable", "viability-reasons": "A warm home; Sam is settled."},
        form_page=page_url,
    )
    decided = db.session.get(KinshipRequest, made.id)
    assert decided.viability is Viability.VIABLE and decided.viability_on == _today()
    letter = smtp_server.deliver()[-1]
    assert letter["To"] == "jo@example.org"
    body = letter.get_body(("plain",)).get_content()
    assert "positive" in body and "settled" not in body  # the reasons stay in the record
    assert "Jo Grand" in asa.get(STAFF).soup.select_one("#decided").get_text()


def test_temporary_approval_for_sixteen_weeks_extended_once_by_up_to_eight(
    app, leicestershire, manager, worker
):
    made = _request(leicestershire)
    page_url = f"{STAFF}/{made.id}"
    asa = _signed_in(app, "asa@example.org")
    assert asa.get(page_url).soup.find("form", action=f"{page_url}/temporary-approval") is None
    asa.client.post(f"{page_url}/temporary-approval")  # no token, no role
    assert db.session.scalar(select(TemporaryApproval)) is None

    mo = _signed_in(app, "mo@example.org")
    start = _today() - timedelta(days=3)
    page = post(
        mo,
        f"{page_url}/temporary-approval",
        {"approve-approved_on": _day(_today() + timedelta(days=1))},
        form_page=page_url,
        expected_status=200,
    )
    assert page.error_for("approve-approved_on-date")
    post(
        mo,
        f"{page_url}/temporary-approval",
        {"approve-approved_on": _day(start)},
        form_page=page_url,
    )
    approval = db.session.scalar(select(TemporaryApproval))
    assert services.ends_on(approval) == start + timedelta(weeks=16)
    running = mo.get(STAFF).soup.select_one("#approvals").get_text()
    assert "Jo Grand" in running

    page = post(
        mo,
        f"{page_url}/extend",
        {"extend-weeks": "9", "extend-reasons": "The panel meets in March."},
        form_page=page_url,
        expected_status=200,
    )
    assert page.error_for("extend-weeks") == "Enter a number of weeks from 1 to 8"
    assert page.soup.find(id="extend-reasons").get_text() == "The panel meets in March."
    page = post(
        mo,
        f"{page_url}/extend",
        {"extend-weeks": "eight", "extend-reasons": "x"},
        form_page=page_url,
        expected_status=200,
    )
    assert page.error_for("extend-weeks") == "Enter the number of weeks as a number, like 8"
    post(
        mo,
        f"{page_url}/extend",
        {"extend-weeks": "8", "extend-reasons": "The panel meets in March."},
        form_page=page_url,
    )
    db.session.refresh(approval)
    assert services.ends_on(approval) == start + timedelta(weeks=24)
    page = mo.get(page_url)
    assert page.soup.find("form", action=f"{page_url}/extend") is None  # only once
    with pytest.raises(services.NotAllowed):
        services.extend(approval, 1, "again", by=manager, today=_today())

    post(
        mo,
        f"{page_url}/end",
        {"end-ending": "approved", "end-ended_on": _day(_today())},
        form_page=page_url,
    )
    db.session.refresh(approval)
    assert approval.ending is Ending.APPROVED
    assert "No temporary approval is running." in mo.get(STAFF).text()
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"kinship.temporary_approval", "kinship.temporary_extended"} <= actions
    assert "kinship.temporary_ended" in actions


def test_no_temporary_approval_after_a_request_found_not_viable(leicestershire, manager):
    made = _request(leicestershire)
    services.record_viability(made, Viability.NOT_VIABLE, "No room.", by=manager, today=_today())
    with pytest.raises(services.NotAllowed):
        services.approve_temporarily(made, _today(), by=manager, today=_today())


def test_the_staff_list_runs_in_constant_queries(app, leicestershire, manager, count_queries):
    def another(n):
        made = _request(leicestershire, email=f"p{n}@example.org")
        services.allocate(made, manager, by=manager, today=_today())
        services.approve_temporarily(made, _today(), by=manager, today=_today())

    mo = _signed_in(app, "mo@example.org")
    another(0)
    with count_queries() as few:
        mo.get(STAFF)
    for n in range(1, 8):
        another(n)
    with count_queries() as many:
        page = mo.get(STAFF)
    assert len(page.soup.select("#approvals tbody tr")) == 8
    assert many["n"] == few["n"]
