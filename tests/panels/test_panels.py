"""The fostering panel and the agency decision: panel dates, booking with papers due a
number of working days before, the recommendation, the decision within the service's
working days, approval into an approved carer's account, and the right to a review."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import CarerType, Role
from portal.applications import services as applications
from portal.applications.models import Stage
from portal.assessments import services as assessments
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.models import AuditEvent
from portal.core.times import london_today
from portal.panels import services
from portal.panels.models import Outcome, Panel, PanelCase
from portal.tsds import services as tsds
from tests.assessments.test_assessments import at_assessment
from tests.conftest import ClientRequest, parse, sign_in

PANELS = "/leicestershire/staff/panels"
DECISIONS = "/leicestershire/staff/agency-decisions"


def _day(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def _today() -> date:
    return london_today(utcnow())


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


def at_panel(app, service, person, people, assessor, manager):
    """An application whose assessment is complete: at the panel stage."""
    application = at_assessment(app, service, person, people)
    with app.test_request_context(f"/{service.slug}/"):
        assessment = assessments.allocate(
            application, assessor, by=manager, now=utcnow(), today=_today()
        )
        assessment.completed_on = _today()
        applications.move(application, Stage.PANEL, by=assessor, now=utcnow())
    return application


@pytest.fixture
def applicant(leicestershire, make_user):
    return make_user(
        leicestershire, Role.PROSPECTIVE_CARER, email="alex@example.org", name="Alex Applicant"
    )


@pytest.fixture
def application(app, leicestershire, applicant, people, assessor, manager):
    return at_panel(app, leicestershire, applicant, people, assessor, manager)


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


def _panel(service, by, meets_on) -> Panel:
    panel = Panel(service_id=service.id, meets_on=meets_on, created_by_id=by.id)
    db.session.add(panel)
    db.session.commit()
    return panel


# ---- dates -----------------------------------------------------------------------------


def test_papers_are_due_five_working_days_before_across_christmas(leicestershire, manager):
    # Tuesday 5 January 2027: back past New Year's Day, the Boxing Day substitute
    # (Monday 28 December), the weekend and Christmas Day, to Christmas Eve.
    panel = Panel(service_id=leicestershire.id, meets_on=date(2027, 1, 5))
    assert services.papers_due_on(panel, leicestershire) == date(2026, 12, 24)
    leicestershire.panel_papers_working_days = 10
    assert services.papers_due_on(panel, leicestershire) == date(2026, 12, 17)


def test_the_decision_is_due_seven_working_days_after_the_recommendation_across_easter(
    leicestershire,
):
    # Wednesday 24 March 2027; Good Friday 26 March and Easter Monday 29 March are out.
    case = PanelCase(recommended_on=date(2027, 3, 24))
    assert services.decision_due_on(case, leicestershire) == date(2027, 4, 6)
    case.decided_on = date(2026, 12, 10)
    assert services.review_by(case, leicestershire) == date(2027, 1, 7)  # 28 calendar days
    assert services.decision_due_on(PanelCase(), leicestershire) is None


# ---- panel dates and booking -----------------------------------------------------------


def test_a_panel_date_must_be_a_real_future_date_and_not_a_second_one(app, manager):
    mo = _signed_in(app, "mo@example.org")
    page = post(
        mo,
        PANELS,
        {"panel-meets_on": _day(_today() - timedelta(days=1)), "panel-notes": "County Hall"},
        form_page=PANELS,
        expected_status=200,
    )
    assert page.error_for("panel-meets_on-date") == "The panel date must be in the future"
    assert page.soup.find(id="panel-notes").get_text() == "County Hall"  # kept
    page = post(
        mo, PANELS, {"panel-meets_on": ["31", "2", "2027"]}, form_page=PANELS, expected_status=200
    )
    assert page.error_for("panel-meets_on-date") == "The panel date must be a real date"
    page = post(mo, PANELS, {"panel-meets_on": ["", "", ""]}, form_page=PANELS, expected_status=200)
    assert page.error_for("panel-meets_on-date") == "Enter the panel date"
    future = _today() + timedelta(days=40)
    post(mo, PANELS, {"panel-meets_on": _day(future)}, form_page=PANELS)
    page = post(mo, PANELS, {"panel-meets_on": _day(future)}, form_page=PANELS, expected_status=200)
    assert page.error_for("panel-meets_on-date") == "There is already a panel on that date"
    assert db.session.scalar(select(func.count(Panel.id))) == 1


def test_booking_offers_only_panels_whose_papers_can_still_go(
    app, leicestershire, application, manager, smtp_server
):
    soon = _panel(leicestershire, manager, _today() + timedelta(days=2))  # papers already due
    later = _panel(leicestershire, manager, _today() + timedelta(days=30))
    mo = _signed_in(app, "mo@example.org")
    page = mo.get(PANELS)
    options = [o["value"] for o in page.soup.select(f"#book-{application.id}-panel option")]
    assert options == ["", str(later.id)]
    url = f"{PANELS}/book/{application.id}"
    page = post(
        mo,
        url,
        {f"book-{application.id}-panel": str(soon.id)},
        form_page=PANELS,
        expected_status=200,
    )
    assert "whose papers can still go out in time" in page.error_for(f"book-{application.id}-panel")
    post(mo, url, {f"book-{application.id}-panel": str(later.id)}, form_page=PANELS)
    case = services.case_of(application)
    assert case.panel_id == later.id
    told = smtp_server.deliver()[-1]
    assert told["To"] == "alex@example.org"
    assert "panel" in told.get_body(("plain",)).get_content()
    assert "Alex" not in told["Subject"]
    tracker = _signed_in(app, "alex@example.org").get("/leicestershire/my-application")
    assert "Your panel date is" in tracker.soup.select_one("#step-panel").get_text()


# ---- the whole way: recommendation and decision ----------------------------------------


def _booked_and_heard(app, leicestershire, application, manager):
    held = db.session.scalar(select(func.count(Panel.id)))  # one panel a day
    panel = _panel(leicestershire, manager, _today() + timedelta(days=30 + held))
    with app.test_request_context("/leicestershire/"):
        case = services.book(application, panel, by=manager, now=utcnow(), today=_today())
    return case, panel


def test_the_recommendation_waits_for_the_panel_and_its_papers(
    app, leicestershire, application, manager
):
    case, panel = _booked_and_heard(app, leicestershire, application, manager)
    mo = _signed_in(app, "mo@example.org")
    page_url = f"{PANELS}/cases/{case.id}"
    assert "once the panel has met" in mo.get(page_url).text()
    page = post(
        mo,
        f"{page_url}/papers",
        {"papers-sent_on": _day(_today() + timedelta(days=1))},
        form_page=page_url,
        expected_status=200,
    )
    assert page.error_for("papers-sent_on-date") == "The date must be today or in the past"
    post(mo, f"{page_url}/papers", {"papers-sent_on": _day(_today())}, form_page=page_url)
    assert case.papers_sent_on == _today()

    panel.meets_on = _today() - timedelta(days=1)  # the panel has met
    db.session.commit()
    recommend = f"{page_url}/recommendation"
    page = post(
        mo,
        recommend,
        {
            "recommendation-recommendation": "approve",
            "recommendation-carer_type": "",
            "recommendation-recommended_on": _day(_today()),
            "recommendation-note": "   ",
        },
        form_page=page_url,
        expected_status=200,
    )
    assert page.error_for("recommendation-note") == "Give the panel's reasons"
    assert page.error_for("recommendation-carer_type") == "Choose what the household is approved as"
    page = post(
        mo,
        recommend,
        {
            "recommendation-recommendation": "approve",
            "recommendation-carer_type": "mainstream",
            "recommendation-recommended_on": _day(_today() - timedelta(days=5)),
            "recommendation-note": "Warm, reflective, ready.",
        },
        form_page=page_url,
        expected_status=200,
    )
    assert page.error_for("recommendation-recommended_on-date") == (
        "The recommendation cannot be before the panel met"
    )
    assert page.soup.find(id="recommendation-note").get_text() == "Warm, reflective, ready."
    post(
        mo,
        recommend,
        {
            "recommendation-recommendation": "approve",
            "recommendation-carer_type": "mainstream",
            "recommendation-recommended_on": _day(_today()),
            "recommendation-note": "Warm, reflective, ready.",
        },
        form_page=page_url,
    )
    assert case.recommendation == Outcome.APPROVE and case.carer_type == CarerType.MAINSTREAM
    tracker = _signed_in(app, "alex@example.org").get("/leicestershire/my-application")
    due = services.decision_due_on(case, leicestershire)
    assert f"by {due.day} {due:%B} {due.year}" in tracker.soup.select_one("#step-approval").text


def _recommended(app, leicestershire, application, manager, outcome=Outcome.APPROVE):
    case, panel = _booked_and_heard(app, leicestershire, application, manager)
    panel.meets_on = _today() - timedelta(days=1 + panel.id)
    db.session.commit()
    with app.test_request_context("/leicestershire/"):
        services.record_papers(case, _today() - timedelta(days=10), by=manager)
        services.recommend(
            case,
            outcome,
            carer_type=CarerType.SHORT_BREAK if outcome == Outcome.APPROVE else None,
            note="Panel minutes.",
            on=_today(),
            by=manager,
            now=utcnow(),
        )
    return case


def test_approval_turns_the_applicant_into_an_approved_carer_with_a_tsds_clock(
    app, leicestershire, application, applicant, manager, smtp_server
):
    case = _recommended(app, leicestershire, application, manager)
    mo = _signed_in(app, "mo@example.org")
    page = mo.get(DECISIONS)
    assert "Alex Applicant" in page.soup.select_one("#decisions").get_text()
    url = f"{DECISIONS}/{case.id}"
    page = mo.get(url)
    assert page.soup.find("input", id="decision-decision", checked=True)  # the recommendation
    page = post(
        mo,
        url,
        {
            "decision-decision": "approve",
            "decision-carer_type": "short-break",
            "decision-reasons": "",
        },
        form_page=url,
        expected_status=200,
    )
    assert page.error_for("decision-reasons") == "Give the reasons for the decision"
    post(
        mo,
        url,
        {
            "decision-decision": "approve",
            "decision-carer_type": "short-break",
            "decision-reasons": "Agree with the panel.",
        },
        form_page=url,
    )
    assert application.stage == Stage.APPROVED
    assert case.decided_on == _today() and case.decided_by_id == manager.id
    db.session.refresh(applicant)
    assert applicant.roles == {Role.APPROVED_CARER}
    assert applicant.carer_type == CarerType.SHORT_BREAK
    household = tsds.household_of(applicant)
    assert household.approved_on == _today() and household.carer_type == CarerType.SHORT_BREAK
    assert tsds.deadline(household) > _today()
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"panel.booked", "panel.recommended", "panel.decided", "application.moved"} <= actions
    assert (
        "Alex"
        not in mo.get(DECISIONS).soup.select_one("main").find_next("h1").find_next().get_text()
    )
    assert mo.get(DECISIONS).soup.select_one("#decisions") is None  # the queue is empty

    messages = smtp_server.deliver()
    approved = messages[-1]
    assert "Alex" not in approved["Subject"]
    assert "approved as foster carers" in approved.get_body(("plain",)).get_content()
    alex = _signed_in(app, "alex@example.org")
    step = alex.get("/leicestershire/my-application").soup.select_one("#step-approval")
    assert "You were approved as foster carers" in step.get_text()
    alex.get("/leicestershire/tsds")  # the workbook opens for the new carer
    # the history is kept
    assert [s.to_stage for s in application.steps][-2:] == [Stage.PANEL, Stage.APPROVED]


def test_not_approved_explains_the_right_to_a_review_with_the_date(
    app, leicestershire, application, applicant, manager, smtp_server
):
    case = _recommended(app, leicestershire, application, manager, Outcome.NOT_APPROVE)
    mo = _signed_in(app, "mo@example.org")
    url = f"{DECISIONS}/{case.id}"
    post(
        mo,
        url,
        {
            "decision-decision": "not-approve",
            "decision-carer_type": "",
            "decision-reasons": "Agree with the panel.",
        },
        form_page=url,
    )
    assert application.stage == Stage.NOT_APPROVED
    db.session.refresh(applicant)
    assert Role.APPROVED_CARER not in applicant.roles
    review = _today() + timedelta(days=28)
    shown = f"{review.day} {review:%B} {review.year}"
    letter = smtp_server.deliver()[-1].get_body(("plain",)).get_content()
    assert "Independent Review Mechanism" in letter and shown in letter
    assert "Agree with the panel" not in letter
    step = _signed_in(app, "alex@example.org").get("/leicestershire/my-application")
    text = step.soup.select_one("#step-approval").get_text()
    assert "Independent Review Mechanism" in text and shown in text


def test_approval_needs_an_account_and_says_so(
    app, leicestershire, application, applicant, manager
):
    case = _recommended(app, leicestershire, application, manager)
    application.user_id = None
    application.email = "nobody@example.org"
    db.session.commit()
    mo = _signed_in(app, "mo@example.org")
    url = f"{DECISIONS}/{case.id}"
    page = post(
        mo,
        url,
        {
            "decision-decision": "approve",
            "decision-carer_type": "mainstream",
            "decision-reasons": "Agree.",
        },
        form_page=url,
        expected_status=200,
    )
    assert "nobody@example.org" in page.error_for("decision-decision")
    assert application.stage == Stage.PANEL


def test_only_allowed_moves_and_one_decision(app, leicestershire, application, manager):
    case = _recommended(app, leicestershire, application, manager)
    with app.test_request_context("/leicestershire/"):
        with pytest.raises(services.NotAllowed):
            services.recommend(
                case,
                Outcome.APPROVE,
                carer_type=None,
                note="x",
                on=_today(),
                by=manager,
                now=utcnow(),
            )
        services.decide(
            case,
            Outcome.APPROVE,
            carer_type=None,
            reasons="Yes.",
            by=manager,
            now=utcnow(),
            today=_today(),
        )
        with pytest.raises(services.NotAllowed):
            services.decide(
                case,
                Outcome.NOT_APPROVE,
                carer_type=None,
                reasons="No.",
                by=manager,
                now=utcnow(),
                today=_today(),
            )
    assert case.carer_type == CarerType.SHORT_BREAK  # the panel's recommendation stands


# ---- access and queries ----------------------------------------------------------------


def test_access_by_role_and_service(
    app, leicestershire, lancashire, application, manager, assessor, make_user
):
    case = _recommended(app, leicestershire, application, manager)
    asa = _signed_in(app, "asa@example.org")
    asa.get(PANELS)
    asa.get(f"{PANELS}/cases/{case.id}")
    asa.get(DECISIONS, expected_status=403)
    asa.get(f"{DECISIONS}/{case.id}", expected_status=403)
    _signed_in(app, "alex@example.org").get(PANELS, expected_status=403)
    make_user(lancashire, Role.SERVICE_MANAGER, email="lan@example.org")
    lan = _signed_in(app, "lan@example.org", "lancashire")
    lan.get(f"/lancashire/staff/panels/cases/{case.id}", expected_status=404)
    lan.get(f"/lancashire/staff/agency-decisions/{case.id}", expected_status=404)
    assert "Alex Applicant" not in lan.get("/lancashire/staff/agency-decisions").text()


def test_the_decision_queue_is_overdue_first_in_constant_queries(
    app, leicestershire, make_user, people, assessor, manager, count_queries
):
    mo = _signed_in(app, "mo@example.org")

    def add(count, recommended_on):
        for _ in range(count):
            person = make_user(leicestershire, Role.PROSPECTIVE_CARER, password_hash="x")
            application = at_panel(app, leicestershire, person, people, assessor, manager)
            case = _recommended(app, leicestershire, application, manager)
            case.recommended_on = recommended_on
            db.session.commit()

    add(1, _today())
    add(1, _today() - timedelta(days=40))  # long overdue
    with count_queries() as few:
        page = mo.get(DECISIONS)
    rows = page.soup.select("#decisions tbody tr")
    assert len(rows) == 2 and "Overdue" in rows[0].get_text()
    assert "Overdue" not in rows[1].get_text()
    add(6, _today() - timedelta(days=1))
    with count_queries() as many:
        mo.get(DECISIONS)
    assert many["n"] == few["n"]
    with count_queries() as few_panels:
        mo.get(PANELS)
    add(3, _today())
    with count_queries() as many_panels:
        mo.get(PANELS)
    assert many_panels["n"] == few_panels["n"]
