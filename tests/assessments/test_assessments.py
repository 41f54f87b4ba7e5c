"""Assessments: allocation by the service manager, stage 1 checks with the two-referee rule,
stage 2 sessions, completion to panel, week counts against the targets, and access."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.applications import services as applications
from portal.applications.models import ApplicationStep, Stage
from portal.assessments import services
from portal.assessments.models import Assessment, CheckKind
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.models import AuditEvent
from tests.conftest import ClientRequest, parse, sign_in
from tests.paperwork.helpers import make_application

LIST = "/leicestershire/staff/assessments"
PREFIXES = {"checks": "check", "referees": "referee", "sessions": "session", "complete": "complete"}
DAY = {"check-done_on": ["2", "11", "2026"]}


@pytest.fixture
def people(leicestershire, make_user):
    return {
        "visitor": make_user(leicestershire, Role.INITIAL_VISITOR, name="Ira Visitor"),
        "decider": make_user(leicestershire, Role.RECRUITMENT, email="robin@example.org"),
    }


@pytest.fixture
def manager(leicestershire, make_user):
    return make_user(leicestershire, Role.SERVICE_MANAGER, email="mo@example.org", name="Mo")


@pytest.fixture
def assessor(leicestershire, make_user):
    return make_user(
        leicestershire, Role.ASSESSING_SOCIAL_WORKER, email="asa@example.org", name="Asa Worker"
    )


def at_assessment(app, service, person, people):
    application = make_application(service, person, **people)
    with app.test_request_context(f"/{service.slug}/"):
        applications.move(application, Stage.ASSESSMENT, by=people["decider"], now=utcnow())
    return application


@pytest.fixture
def application(app, leicestershire, make_user, people):
    person = make_user(leicestershire, Role.PROSPECTIVE_CARER, name="Alex Applicant")
    return at_assessment(app, leicestershire, person, people)


def _signed_in(app, email, service="leicestershire"):
    client = ClientRequest(app.test_client())
    sign_in(client, email, service=service)
    return client


def post(client, url, data, *, form_page, expected_status=302):
    """POST `data` with a CSRF token from `form_page`, named as the prefixed form names it."""
    page = client.get(form_page)
    tail = url.rstrip("/").split("/")
    prefix = f"allocate-{tail[-1]}" if tail[-2] == "allocate" else PREFIXES[tail[-1]]
    found = page.soup.find("input", attrs={"name": re.compile(r"csrf_token$")})
    token = {f"{prefix}-csrf_token": found["value"]} if found else {}
    response = client.client.post(url, data={**token, **data})
    assert response.status_code == expected_status, response.get_data(as_text=True)[:2000]
    return parse(response)


def _allocate(app, application, assessor, manager):
    with app.test_request_context("/leicestershire/"):
        return services.allocate(
            application, assessor, by=manager, now=utcnow(), today=date(2026, 11, 2)
        )


def _page(assessment):
    return f"{LIST}/{assessment.id}"


def test_the_manager_allocates_an_assessor_who_becomes_the_worker(
    app, application, assessor, manager
):
    mo = _signed_in(app, "mo@example.org")
    page = mo.get(LIST)
    assert "Alex Applicant" in page.soup.select_one("#to-allocate").get_text()
    prefix = f"allocate-{application.id}"
    post(
        mo,
        f"{LIST}/allocate/{application.id}",
        {f"{prefix}-assessor": str(assessor.id)},
        form_page=LIST,
    )
    assessment = db.session.scalar(select(Assessment))
    assert assessment.assessor_id == assessor.id
    assert assessment.allocated_by_id == manager.id
    assert application.worker_id == assessor.id
    assert {c.kind for c in assessment.checks} == set(services.SINGLE_CHECKS)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assessment.allocated"))
    page = mo.get(LIST)
    assert page.soup.select_one("#to-allocate") is None
    assert "Asa Worker" in page.soup.select_one("#assessments").get_text()


def test_allocating_without_choosing_says_so_beside_the_field(app, application, manager):
    mo = _signed_in(app, "mo@example.org")
    page = post(
        mo,
        f"{LIST}/allocate/{application.id}",
        {f"allocate-{application.id}-assessor": "999999"},
        form_page=LIST,
        expected_status=200,
    )
    assert "Choose an assessing social worker" in page.soup.select_one(".govuk-error-message").text
    assert page.soup.select_one(".govuk-error-summary")
    assert db.session.scalar(select(Assessment)) is None


def test_the_assessor_records_checks_and_needs_two_referees_to_complete(
    app, application, assessor, manager
):
    assessment = _allocate(app, application, assessor, manager)
    asa = _signed_in(app, "asa@example.org")
    url = _page(assessment)
    for check in list(assessment.checks):
        post(asa, f"{url}/checks", {"check-check": str(check.id), **DAY}, form_page=url)
    post(asa, f"{url}/referees", {"referee-name": "Pat Referee"}, form_page=url)
    referee = next(c for c in assessment.checks if c.kind == CheckKind.REFEREE)
    post(asa, f"{url}/checks", {"check-check": str(referee.id), **DAY}, form_page=url)
    assert services.checks_done(assessment) == 6
    assert not services.stage_one_complete(assessment)
    page = asa.get(url)
    assert "6/7" in page.soup.select_one("#summary").get_text()
    assert page.soup.find("button", string=lambda s: s and "move to panel" in s) is None
    post(asa, f"{url}/complete", {}, form_page=url)  # refused: one referee only
    assert application.stage == Stage.ASSESSMENT

    post(asa, f"{url}/referees", {"referee-name": "Sam Referee"}, form_page=url)
    second = [c for c in assessment.checks if c.kind == CheckKind.REFEREE][1]
    post(asa, f"{url}/checks", {"check-check": str(second.id), **DAY}, form_page=url)
    assert services.stage_one_complete(assessment)
    post(asa, f"{url}/complete", {}, form_page=url)
    assert application.stage == Stage.PANEL
    assert assessment.completed_on is not None
    step = db.session.scalar(select(ApplicationStep).where(ApplicationStep.to_stage == Stage.PANEL))
    assert step.by_id == assessor.id and step.from_stage == Stage.ASSESSMENT


def test_bad_check_dates_and_empty_sessions_get_specific_messages(
    app, application, assessor, manager
):
    assessment = _allocate(app, application, assessor, manager)
    asa = _signed_in(app, "asa@example.org")
    url = _page(assessment)
    check = assessment.checks[0]
    page = post(
        asa,
        f"{url}/checks",
        {
            "check-check": str(check.id),
            "check-done_on": ["31", "2", "2026"],
        },
        form_page=url,
        expected_status=200,
    )
    assert "must be a real date" in page.soup.select_one(".govuk-error-message").text
    page = post(asa, f"{url}/checks", {}, form_page=url, expected_status=200)
    messages = " ".join(m.text for m in page.soup.select(".govuk-error-message"))
    assert "Choose the check that is done" in messages
    assert "Enter the date the check was done" in messages
    page = post(asa, f"{url}/sessions", {}, form_page=url, expected_status=200)
    messages = " ".join(m.text for m in page.soup.select(".govuk-error-message"))
    assert "Enter the date of the session" in messages
    assert "Enter what the session covered" in messages
    page = post(asa, f"{url}/referees", {"referee-name": " "}, form_page=url, expected_status=200)
    assert "Enter the referee's full name" in page.soup.select_one(".govuk-error-message").text
    post(
        asa,
        f"{url}/sessions",
        {
            "session-held_on": ["9", "11", "2026"],
            "session-topic": "Family history",
        },
        form_page=url,
    )
    assert [s.topic for s in assessment.sessions] == ["Family history"]


def test_week_count_target_and_panel_due_date(app, leicestershire, application, assessor, manager):
    application.decided_on = date(2026, 3, 31)
    assessment = _allocate(app, application, assessor, manager)
    assert assessment.allocated_on == date(2026, 11, 2)
    assert services.weeks_since(assessment, date(2026, 11, 23)) == 3
    assert services.target_on(assessment, leicestershire) == date(2027, 2, 22)
    assert services.panel_due_on(application, leicestershire) == date(2026, 11, 30)  # no 31 Nov
    row = services.rows(leicestershire, date(2027, 2, 23))[0]
    assert row.is_overdue and row.weeks == 16
    assert not services.rows(leicestershire, date(2027, 2, 22))[0].is_overdue


def test_the_targets_are_the_services_settings(app, leicestershire, application, assessor, manager):
    leicestershire.assessment_target_weeks = 20
    leicestershire.panel_due_months = 6
    application.decided_on = date(2026, 8, 31)
    assessment = _allocate(app, application, assessor, manager)
    assert services.target_on(assessment, leicestershire) == date(2027, 3, 22)
    assert services.panel_due_on(application, leicestershire) == date(2027, 2, 28)


def test_the_list_sorts_overdue_first_and_runs_constant_queries(
    app, leicestershire, make_user, people, assessor, manager, count_queries
):
    mo = _signed_in(app, "mo@example.org")

    def add(count, allocated_on):
        for _ in range(count):
            person = make_user(leicestershire, Role.PROSPECTIVE_CARER, password_hash="x")
            application = at_assessment(app, leicestershire, person, people)
            assessment = _allocate(app, application, assessor, manager)
            assessment.allocated_on = allocated_on
            db.session.commit()

    add(1, date(2026, 11, 1))
    add(1, date(2026, 1, 5))  # long overdue
    with count_queries() as few:
        page = mo.get(LIST)
    rows = page.soup.select("#assessments tbody tr")
    assert len(rows) == 2
    assert "Overdue" in rows[0].get_text()
    add(8, date(2026, 10, 1))
    with count_queries() as many:
        page = mo.get(LIST)
    assert len(page.soup.select("#assessments tbody tr")) == 10
    assert many["n"] == few["n"]
    page = mo.get(f"{LIST}?sort=name")
    names = [a.get_text(strip=True) for a in page.soup.select("#assessments tbody th a")]
    assert names == sorted(names, key=str.lower)
    mo.get(f"{LIST}?sort=nonsense")


def test_access_other_service_other_roles_and_other_assessors(
    app, people, application, assessor, manager, make_user, leicestershire, lancashire
):
    assessment = _allocate(app, application, assessor, manager)
    url = _page(assessment)
    make_user(leicestershire, Role.RECRUITMENT, email="rec@example.org")
    _signed_in(app, "rec@example.org").get(LIST, expected_status=403)
    someone = make_user(leicestershire, Role.ASSESSING_SOCIAL_WORKER, email="other@example.org")
    person = make_user(leicestershire, Role.PROSPECTIVE_CARER, password_hash="x")
    theirs = _allocate(app, at_assessment(app, leicestershire, person, people), someone, manager)
    other = _signed_in(app, "other@example.org")
    other.get(url)  # may read
    page = other.get(url)
    assert page.soup.select_one("form[action$='/checks']") is None
    post(
        other,
        f"{url}/referees",
        {"referee-name": "X"},
        form_page=_page(theirs),
        expected_status=403,
    )
    make_user(lancashire, Role.SERVICE_MANAGER, email="lan@example.org")
    lan = _signed_in(app, "lan@example.org", "lancashire")
    lan.get(f"/lancashire/staff/assessments/{assessment.id}", expected_status=404)
    assert "Alex Applicant" not in lan.get("/lancashire/staff/assessments").soup.get_text()
    # an assessor cannot allocate
    person = make_user(leicestershire, Role.PROSPECTIVE_CARER, password_hash="x")
    waiting = at_assessment(app, leicestershire, person, people)
    asa = _signed_in(app, "asa@example.org")
    post(asa, f"{LIST}/allocate/{waiting.id}", {}, form_page=url, expected_status=403)


def test_the_applicant_sees_their_assessor_as_their_worker(
    app, leicestershire, people, make_user, assessor, manager
):
    person = make_user(leicestershire, Role.PROSPECTIVE_CARER, email="alex@example.org")
    application = at_assessment(app, leicestershire, person, people)
    _allocate(app, application, assessor, manager)
    page = _signed_in(app, "alex@example.org").get("/leicestershire/my-application")
    assert "Your worker is Asa Worker." in page.soup.get_text()


def test_staff_pages_render_in_polish(app, application, assessor, manager):
    assessment = _allocate(app, application, assessor, manager)
    mo = _signed_in(app, "mo@example.org")
    mo.client.get("/language/pl?next=/leicestershire/")
    assert "Oceny" in mo.get(LIST).soup.select_one("h1").text
    assert "Kontrole etapu 1" in mo.get(_page(assessment)).soup.get_text()


def test_a_withdrawn_application_is_neither_overdue_nor_editable(
    app, leicestershire, application, assessor, manager
):
    assessment = _allocate(app, application, assessor, manager)
    with app.test_request_context("/leicestershire/"):
        applications.move(application, Stage.WITHDRAWN, by=manager, now=utcnow())
    assert not services.rows(leicestershire, date(2027, 6, 1))[0].is_overdue
    with pytest.raises(services.NotAllowed):
        services.add_referee(assessment, "Pat", by=assessor)
    page = _signed_in(app, "asa@example.org").get(_page(assessment))
    assert page.soup.select_one("form[action$='/referees']") is None
