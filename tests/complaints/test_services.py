"""Complaint clocks: the three stages in working days across Christmas, Easter and
bank-holiday Mondays, the window for the next stage, and the manager's list."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from portal.accounts.models import Role
from portal.complaints import services
from portal.complaints.models import ClosedBecause, Complainant, Complaint, Outcome
from portal.core.extensions import db


@pytest.fixture(autouse=True)
def request_context(app):
    """Emails render with the app's template context, which expects a request."""
    with app.test_request_context("/leicestershire/"):
        yield


@pytest.fixture
def manager(leicestershire, make_user):
    return make_user(leicestershire, Role.COMPLAINTS_MANAGER, name="Cam Complaints")


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def _complain(service, day: date, **extra) -> Complaint:
    complaint, _ = services.make_complaint(
        service,
        complainant=Complainant.FOSTER_CARER,
        body="The placement plan was never shared with us.",
        now=at(day),
        locale="en",
        **extra,
    )
    return complaint


def test_stage_one_is_due_in_ten_working_days_across_christmas(leicestershire):
    # Received Monday 21 December 2026: Christmas Day, the Boxing Day substitute on
    # Monday 28 December and New Year's Day are not working days.
    complaint = _complain(leicestershire, date(2026, 12, 21))
    assert complaint.received_on == date(2026, 12, 21)
    assert complaint.stage.number == 1
    assert complaint.stage.due_on == date(2027, 1, 7)
    clock = services.clock(complaint, date(2026, 12, 24))
    assert (clock.waiting_for, clock.due_on, clock.days_left) == ("service", date(2027, 1, 7), 7)
    assert services.clock(complaint, date(2027, 1, 11)).days_left == -2


def test_stage_one_extends_once_to_twenty_working_days(leicestershire, manager):
    complaint = _complain(leicestershire, date(2026, 12, 21))
    services.extend(
        complaint.stage,
        reason="Waiting for the carer's diary",
        by=manager,
        now=at(date(2027, 1, 4)),
    )
    assert complaint.stage.due_on == date(2027, 1, 21)
    assert complaint.stage.extension_reason == "Waiting for the carer's diary"
    assert not services.can_extend(complaint.stage)
    with pytest.raises(services.NotAllowed):
        services.extend(complaint.stage, reason="Again", by=manager, now=at(date(2027, 1, 5)))


def test_next_stage_window_and_stage_two_across_easter(leicestershire, manager):
    complaint = _complain(leicestershire, date(2027, 3, 8))
    services.respond(
        complaint.stage,
        response="We are sorry; the plan is attached to your file now.",
        outcome=Outcome.PARTLY_UPHELD,
        by=manager,
        now=at(date(2027, 3, 22)),
    )
    # 20 working days from Monday 22 March 2027, less Good Friday and Easter Monday.
    assert services.next_stage_deadline(complaint.stage) == date(2027, 4, 21)
    assert services.can_ask_for_next_stage(complaint, date(2027, 4, 21))
    assert not services.can_ask_for_next_stage(complaint, date(2027, 4, 22))

    stage = services.ask_for_next_stage(
        complaint, why="Still not shared.", now=at(date(2027, 3, 24))
    )
    assert stage.number == 2
    assert stage.due_on == date(2027, 4, 30)  # 25 working days, Easter excluded
    services.extend(
        stage, reason="Independent investigator's report", by=manager, now=at(date(2027, 4, 1))
    )
    assert stage.due_on == date(2027, 6, 29)  # at most 65 working days


def test_stage_three_panel_within_thirty_working_days_across_bank_holiday_mondays(
    leicestershire, manager
):
    complaint = _complain(leicestershire, date(2027, 3, 1))
    services.respond(
        complaint.stage,
        response="One",
        outcome=Outcome.NOT_UPHELD,
        by=manager,
        now=at(date(2027, 3, 8)),
    )
    services.ask_for_next_stage(complaint, why="Two", now=at(date(2027, 3, 9)))
    services.respond(
        complaint.stage,
        response="Two",
        outcome=Outcome.NOT_UPHELD,
        by=manager,
        now=at(date(2027, 4, 26)),
    )
    stage = services.ask_for_next_stage(complaint, why="Panel please", now=at(date(2027, 4, 28)))
    # Early May and Spring bank holidays (3 and 31 May 2027) do not count.
    assert (stage.number, stage.due_on) == (3, date(2027, 6, 11))
    assert not services.can_extend(stage)
    services.set_panel_date(stage, date(2027, 6, 9), by=manager)
    services.respond(
        stage,
        response="Panel's view",
        outcome=Outcome.UPHELD,
        by=manager,
        now=at(date(2027, 6, 14)),
    )
    assert services.next_stage_deadline(stage) is None
    assert services.clock(complaint, date(2027, 6, 15)).waiting_for == "nobody"
    with pytest.raises(services.NotAllowed):
        services.ask_for_next_stage(complaint, why="Four", now=at(date(2027, 6, 15)), by=manager)


def test_a_late_request_is_the_managers_call_not_the_complainants(leicestershire, manager):
    complaint = _complain(leicestershire, date(2027, 3, 1))
    services.respond(
        complaint.stage,
        response="One",
        outcome=Outcome.UPHELD,
        by=manager,
        now=at(date(2027, 3, 8)),
    )
    too_late = at(date(2027, 5, 3))
    with pytest.raises(services.NotAllowed):
        services.ask_for_next_stage(complaint, why="Forgot", now=too_late)
    stage = services.ask_for_next_stage(complaint, why="Was in hospital", now=too_late, by=manager)
    assert stage.number == 2


def test_a_complaint_about_something_over_a_year_ago_is_accepted_with_a_note(leicestershire):
    assert not _complain(leicestershire, date(2027, 3, 1), happened_on=date(2026, 3, 1)).is_late
    assert _complain(leicestershire, date(2027, 3, 1), happened_on=date(2026, 2, 28)).is_late
    assert services.year_before(date(2028, 2, 29)) == date(2027, 2, 28)


def test_responding_or_closing_twice_is_refused(leicestershire, manager):
    complaint = _complain(leicestershire, date(2027, 3, 1))
    services.respond(
        complaint.stage,
        response="One",
        outcome=Outcome.RESOLVED,
        by=manager,
        now=at(date(2027, 3, 2)),
    )
    with pytest.raises(services.NotAllowed):
        services.respond(
            complaint.stage,
            response="Again",
            outcome=Outcome.UPHELD,
            by=manager,
            now=at(date(2027, 3, 3)),
        )
    services.close(complaint, because=ClosedBecause.FINISHED, by=manager, now=at(date(2027, 3, 3)))
    with pytest.raises(services.NotAllowed):
        services.close(
            complaint, because=ClosedBecause.WITHDRAWN, by=manager, now=at(date(2027, 3, 4))
        )
    assert services.clock(complaint, date(2027, 3, 4)).waiting_for == "nobody"
    services.reopen(complaint, by=manager)
    assert not complaint.is_closed


def test_the_list_puts_the_most_pressing_first_in_constant_queries(
    leicestershire, lancashire, manager, count_queries
):
    later = _complain(leicestershire, date(2027, 3, 10))
    sooner = _complain(leicestershire, date(2027, 3, 1))
    answered = _complain(leicestershire, date(2027, 2, 1))
    services.respond(
        answered.stage,
        response="Done",
        outcome=Outcome.UPHELD,
        by=manager,
        now=at(date(2027, 2, 2)),
    )
    closed = _complain(leicestershire, date(2027, 1, 4))
    services.close(closed, because=ClosedBecause.WITHDRAWN, by=manager, now=at(date(2027, 1, 5)))
    _complain(lancashire, date(2027, 3, 1))
    db.session.expire_all()

    with count_queries() as few:
        listed = services.complaints_for(leicestershire)
        [c.stage for c in listed]
    assert [c.id for c in listed] == [sooner.id, later.id, answered.id]
    assert [c.id for c in services.complaints_for(leicestershire, include_closed=True)][
        -1
    ] == closed.id

    for day in range(1, 9):
        _complain(leicestershire, date(2027, 4, day))
    db.session.expire_all()
    with count_queries() as many:
        [c.stage for c in services.complaints_for(leicestershire)]
    assert many["n"] == few["n"] <= 3  # the service, the complaints, their stages


def test_words_are_encrypted_and_the_key_opens_only_its_own_service(leicestershire, lancashire):
    complaint, phrase = services.make_complaint(
        leicestershire,
        complainant=Complainant.PARENT,
        body="My son was moved without notice.",
        name="Pat Parent",
        email="pat@example.org",
        now=at(date(2027, 3, 1)),
        locale="en",
    )
    raw = db.session.execute(text("SELECT body, name, email FROM complaint")).one()
    assert not any("son" in value or "Pat" in value or "example" in value for value in raw)
    ref = complaint.reference.lower().replace("-", " ")
    assert (
        services.find_complaint(leicestershire, ref, phrase.replace("-", " ").upper()) == complaint
    )
    assert services.find_complaint(lancashire, complaint.reference, phrase) is None
    assert (
        services.find_complaint(leicestershire, complaint.reference, "kite-river-plum-10") is None
    )
