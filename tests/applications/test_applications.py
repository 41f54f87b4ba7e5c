"""From a written initial visit to the decision to progress, the allowed moves between
stages, and the applicant's tracker at each point."""

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.applications import services
from portal.applications.models import Application, Stage
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.models import AuditEvent
from portal.visits.models import VisitRecord
from tests.applications.helpers import visited as _visited
from tests.conftest import ClientRequest, sign_in


@pytest.fixture
def visitor(leicestershire, make_user):
    return make_user(leicestershire, Role.INITIAL_VISITOR, name="Ira Visitor")


@pytest.fixture
def applicant(leicestershire, make_user):
    return make_user(
        leicestershire, Role.PROSPECTIVE_CARER, email="alex@example.org", name="Alex Applicant"
    )


def _signed_in(app, email, service="leicestershire"):
    client = ClientRequest(app.test_client())
    sign_in(client, email, service=service)
    return client


def _tracker_states(client) -> dict[str, str]:
    page = client.get("/leicestershire/my-application")
    return {
        li["id"].removeprefix("step-"): li["class"][-1].removeprefix("app-journey__step--")
        for li in page.soup.select(".app-journey__step")
    }


def test_the_weekly_meeting_decides_and_the_household_is_told_and_tracks_it(
    app, leicestershire, visitor, applicant, make_user, smtp_server
):
    booking = _visited(leicestershire, visitor, applicant)
    alex = _signed_in(app, applicant.email)
    states = _tracker_states(alex)
    assert states["visit"] == "done" and states["decision"] == "now"
    assert states["paperwork"] == "next"

    recruiter = make_user(leicestershire, Role.RECRUITMENT)
    staff = _signed_in(app, recruiter.email)
    listed = staff.get("/leicestershire/staff/decisions")
    assert "Alex Applicant" in listed.text() and "Week of" in listed.text()
    record = db.session.scalar(select(VisitRecord))
    url = f"/leicestershire/staff/decisions/{record.id}"
    page = staff.post_form(url, {"decision": "paperwork"}, expected_status=200)
    assert page.error_for("reasons") == "Give the reasons for the decision"
    assert page.error_for("present") == "Say who was at the meeting"
    staff.post_form(
        url,
        {"decision": "paperwork", "reasons": "Strong motivation.", "present": "Robin (chair)"},
    )
    application = db.session.scalar(select(Application))
    assert application.stage == Stage.PAPERWORK and application.user_id == applicant.id
    assert application.visit_booking_id == booking.id
    [told] = smtp_server.deliver()
    assert told["To"] == applicant.email
    assert "Strong motivation" not in told.as_string()  # the reasons stay with the team
    assert "Alex" not in told["Subject"]
    assert "Alex Applicant" not in staff.get("/leicestershire/staff/decisions").text()
    staff.get(url, expected_status=404)  # decided once

    states = _tracker_states(alex)
    assert states["decision"] == "done" and states["paperwork"] == "now"
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "application.decided" in actions


def test_not_now_explains_what_the_household_can_do(
    app, leicestershire, visitor, applicant, make_user, smtp_server
):
    _visited(leicestershire, visitor, applicant)
    staff = _signed_in(app, make_user(leicestershire, Role.RECRUITMENT).email)
    record = db.session.scalar(select(VisitRecord))
    staff.post_form(
        f"/leicestershire/staff/decisions/{record.id}",
        {"decision": "not-now", "reasons": "Moving house in spring.", "present": "Robin"},
    )
    [told] = smtp_server.deliver()
    assert "you can enquire again" in told.get_body(preferencelist=("plain",)).get_content()
    alex = _signed_in(app, applicant.email)
    page = alex.get("/leicestershire/my-application")
    assert _tracker_states(alex)["decision"] == "stopped"
    assert "You can enquire again when things change" in page.text()
    assert "Withdraw my application" not in page.text()


def test_only_the_allowed_moves_are_made_and_each_is_written_down(
    app, leicestershire, visitor, applicant, make_user
):
    _visited(leicestershire, visitor, applicant)
    recruiter = make_user(leicestershire, Role.RECRUITMENT)
    record = db.session.scalar(select(VisitRecord))
    now = utcnow()
    with app.test_request_context("/leicestershire/"):
        application = services.decide(
            leicestershire,
            record,
            decision=Stage.PAPERWORK,
            reasons="Yes",
            present="Robin",
            by=recruiter,
            now=now,
        )
        with pytest.raises(services.AlreadyDecided):
            services.decide(
                leicestershire,
                record,
                decision=Stage.NOT_NOW,
                reasons="x",
                present="y",
                by=recruiter,
                now=now,
            )
        with pytest.raises(services.NotAllowed):
            services.move(application, Stage.APPROVED, by=recruiter, now=now)
        services.move(application, Stage.ASSESSMENT, by=recruiter, now=now)
        services.move(application, Stage.PANEL, by=recruiter, now=now)
        with pytest.raises(services.NotAllowed):
            services.move(application, Stage.PAPERWORK, by=recruiter, now=now)
    assert [(s.from_stage, s.to_stage) for s in application.steps] == [
        (None, Stage.PAPERWORK),
        (Stage.PAPERWORK, Stage.ASSESSMENT),
        (Stage.ASSESSMENT, Stage.PANEL),
    ]
    alex = _signed_in(app, applicant.email)
    states = _tracker_states(alex)
    assert [states[k] for k in ("paperwork", "assessment", "panel", "approval")] == [
        "done",
        "done",
        "now",
        "next",
    ]


def test_the_applicant_can_withdraw_at_any_time(app, leicestershire, visitor, applicant, make_user):
    _visited(leicestershire, visitor, applicant)
    recruiter = make_user(leicestershire, Role.RECRUITMENT)
    record = db.session.scalar(select(VisitRecord))
    with app.test_request_context("/leicestershire/"):
        application = services.decide(
            leicestershire,
            record,
            decision=Stage.PAPERWORK,
            reasons="Yes",
            present="Robin",
            by=recruiter,
            now=utcnow(),
        )
        services.move(application, Stage.ASSESSMENT, by=recruiter, now=utcnow())
    alex = _signed_in(app, applicant.email)
    alex.post_form("/leicestershire/my-application/withdraw", {})
    db.session.refresh(application)
    assert application.stage == Stage.WITHDRAWN
    states = _tracker_states(alex)
    assert states["paperwork"] == "done" and states["assessment"] == "stopped"
    alex.get("/leicestershire/my-application/withdraw", expected_status=404)


def test_people_see_only_their_own_and_staff_only_their_service(
    app, leicestershire, lancashire, visitor, applicant, make_user
):
    _visited(leicestershire, visitor, applicant)
    record = db.session.scalar(select(VisitRecord))
    other = make_user(leicestershire, Role.PROSPECTIVE_CARER, email="sam@example.org")
    sam = _signed_in(app, other.email)
    states = _tracker_states(sam)
    assert states["enquiry"] == "now" and states["visit"] == "next"
    far = _signed_in(app, make_user(lancashire, Role.RECRUITMENT).email, "lancashire")
    far.get(f"/lancashire/staff/decisions/{record.id}", expected_status=404)
    assert "Alex" not in far.get("/lancashire/staff/decisions").text()
    carer = _signed_in(app, make_user(leicestershire, Role.INITIAL_VISITOR).email)
    carer.get("/leicestershire/staff/decisions", expected_status=403)


def test_the_decision_list_keeps_its_queries_as_households_grow(
    leicestershire, visitor, make_user, count_queries
):
    def add(n):
        for _ in range(n):
            _visited(leicestershire, visitor, make_user(leicestershire, Role.PROSPECTIVE_CARER))

    add(2)
    db.session.expire_all()
    with count_queries() as few:
        weeks = services.waiting_for_decision(leicestershire)
        [(r.booking.slot.visitor.name, r.written_by.name) for _, rs in weeks for r in rs]
    add(20)
    db.session.expire_all()
    with count_queries() as many:
        weeks = services.waiting_for_decision(leicestershire)
        [(r.booking.slot.visitor.name, r.written_by.name) for _, rs in weeks for r in rs]
    assert sum(len(rs) for _, rs in weeks) == 22
    assert many["n"] == few["n"]
