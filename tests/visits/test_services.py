"""Initial visit rules: slots, one booking per slot and per person, changes, the queue."""

import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.core.extensions import db
from portal.core.models import AuditEvent, OutboxMessage
from portal.organisation.models import FosteringService
from portal.visits import services
from portal.visits.models import BookingStatus, Recommendation, VisitBooking, VisitMode
from tests.visits.helpers import make_booking, make_enquiry, make_slot

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
LINK = "http://localhost/leicestershire/initial-visit"


@pytest.fixture(autouse=True)
def request_context(app):
    """Emails render with the app's template context, which expects a request."""
    with app.test_request_context("/leicestershire/"):
        yield


@pytest.fixture
def manager(leicestershire, make_user):
    return make_user(leicestershire, Role.RECRUITMENT, name="Rita Recruiter")


@pytest.fixture
def visitor(leicestershire, make_user):
    return make_user(leicestershire, Role.INITIAL_VISITOR, name="Vic Visitor")


def _publish(service, manager, visitor, day, start, minutes=90, **kwargs):
    return services.publish_slot(
        service,
        by=manager,
        visitor_id=kwargs.pop("visitor_id", visitor.id),
        locality_id=kwargs.pop("locality_id", service.localities[0].id),
        mode=VisitMode.AT_HOME,
        day=day,
        start=start,
        minutes=minutes,
        now=kwargs.pop("now", NOW),
    )


def _applicant(user):
    return services.applicant_for_user(user)


def test_slots_are_entered_in_uk_time_and_stored_in_utc(leicestershire, manager, visitor):
    summer = _publish(leicestershire, manager, visitor, date(2026, 7, 1), time(10, 0))
    winter = _publish(leicestershire, manager, visitor, date(2026, 12, 1), time(10, 0))
    assert summer.starts_at == datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    assert summer.ends_at == datetime(2026, 7, 1, 10, 30, tzinfo=UTC)
    assert winter.starts_at == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert summer.service_id == leicestershire.id


def test_a_slot_cannot_start_in_the_past(leicestershire, manager, visitor):
    with pytest.raises(services.SlotInThePast):
        _publish(leicestershire, manager, visitor, date(2026, 3, 2), time(9, 0))  # 9:00 now
    _publish(leicestershire, manager, visitor, date(2026, 3, 2), time(9, 30))


def test_a_visitor_cannot_have_overlapping_slots(leicestershire, manager, visitor, make_user):
    day = date(2026, 3, 10)
    _publish(leicestershire, manager, visitor, day, time(10, 0), minutes=90)  # 10:00-11:30
    for start in (time(10, 0), time(9, 30), time(11, 0), time(10, 30)):
        with pytest.raises(services.VisitorBusy):
            _publish(leicestershire, manager, visitor, day, start, minutes=60)
    # Back to back is fine, and so is a colleague at the same time.
    _publish(leicestershire, manager, visitor, day, time(11, 30), minutes=60)
    _publish(leicestershire, manager, visitor, day, time(8, 30), minutes=90)
    colleague = make_user(leicestershire, Role.INITIAL_VISITOR)
    _publish(leicestershire, manager, colleague, day, time(10, 0), visitor_id=colleague.id)


def test_a_removed_slot_no_longer_blocks_the_visitor(leicestershire, manager, visitor):
    slot = _publish(leicestershire, manager, visitor, date(2026, 3, 10), time(10, 0))
    services.remove_slot(leicestershire, slot.id, by=manager, now=NOW)
    _publish(leicestershire, manager, visitor, date(2026, 3, 10), time(10, 0))


def test_slots_need_one_of_the_services_own_visitors_and_areas(
    leicestershire, lancashire, manager, visitor, make_user
):
    outsider = make_user(lancashire, Role.INITIAL_VISITOR)
    not_a_visitor = make_user(leicestershire, Role.ASSESSING_SOCIAL_WORKER)
    day = date(2026, 3, 10)
    for person in (outsider, not_a_visitor):
        with pytest.raises(services.NotAVisitor):
            _publish(leicestershire, manager, visitor, day, time(10), visitor_id=person.id)
    with pytest.raises(services.NotAnArea):
        _publish(
            leicestershire,
            manager,
            visitor,
            day,
            time(10),
            locality_id=lancashire.localities[0].id,
        )


def test_only_one_of_twenty_people_booking_the_same_slot_at_once_gets_it(
    app, leicestershire, visitor, make_user
):
    slot = make_slot(leicestershire, visitor, NOW + timedelta(days=3))
    applicants = [_applicant(make_user(leicestershire)) for _ in range(20)]
    service_id, slot_id = leicestershire.id, slot.id
    start = threading.Barrier(len(applicants))
    outcomes = []

    def book(applicant):
        start.wait()
        with app.app_context(), app.test_request_context("/leicestershire/"):
            service = db.session.get(FosteringService, service_id)
            try:
                services.book_visit(service, applicant, slot_id, now=NOW, manage_link=LINK)
            except services.VisitError as error:
                outcomes.append(type(error).__name__)
            else:
                outcomes.append("booked")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=book, args=(a,)) for a in applicants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["SlotTaken"] * 19 + ["booked"]
    db.session.expire_all()
    held = db.session.scalar(
        select(func.count()).select_from(VisitBooking).where(VisitBooking.slot_id == slot_id)
    )
    assert held == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_the_database_refuses_a_second_booking_of_a_slot(leicestershire, visitor, make_user):
    """The unique index holds even for code that skips the service's checks."""
    from sqlalchemy.exc import IntegrityError

    slot = make_slot(leicestershire, visitor, NOW + timedelta(days=3))
    make_booking(leicestershire, slot, user=make_user(leicestershire))
    with pytest.raises(IntegrityError):
        make_booking(leicestershire, slot, user=make_user(leicestershire))
    db.session.rollback()


def test_a_person_holds_one_booking_at_most(leicestershire, visitor, make_user):
    first = make_slot(leicestershire, visitor, NOW + timedelta(days=3))
    second = make_slot(leicestershire, visitor, NOW + timedelta(days=4))
    applicant = _applicant(make_user(leicestershire))
    services.book_visit(leicestershire, applicant, first.id, now=NOW, manage_link=LINK)
    with pytest.raises(services.AlreadyBooked):
        services.book_visit(leicestershire, applicant, second.id, now=NOW, manage_link=LINK)
    enquirer = services.applicant_for_enquiry(make_enquiry(leicestershire, "secret"))
    services.book_visit(leicestershire, enquirer, second.id, now=NOW, manage_link=LINK)
    with pytest.raises(services.AlreadyBooked):
        services.book_visit(leicestershire, enquirer, first.id, now=NOW, manage_link=LINK)


def test_booked_past_and_removed_slots_are_not_on_offer(
    leicestershire, lancashire, manager, visitor, make_user
):
    booked = make_slot(leicestershire, visitor, NOW + timedelta(days=1))
    make_booking(leicestershire, booked, user=make_user(leicestershire))
    past = make_slot(leicestershire, visitor, NOW - timedelta(hours=1))
    removed = make_slot(leicestershire, visitor, NOW + timedelta(days=2))
    services.remove_slot(leicestershire, removed.id, by=manager, now=NOW)
    free = make_slot(leicestershire, visitor, NOW + timedelta(days=3))
    other_visitor = make_user(lancashire, Role.INITIAL_VISITOR)
    elsewhere = make_slot(lancashire, other_visitor, NOW + timedelta(days=3))

    assert services.available_slots(leicestershire, now=NOW) == [free]
    applicant = _applicant(make_user(leicestershire))
    for slot in (past, removed, elsewhere):
        with pytest.raises(services.SlotNotAvailable):
            services.book_visit(leicestershire, applicant, slot.id, now=NOW, manage_link=LINK)
    with pytest.raises(services.SlotTaken):
        services.book_visit(leicestershire, applicant, booked.id, now=NOW, manage_link=LINK)


def test_slots_can_be_filtered_by_area(lancashire, make_user):
    visitor = make_user(lancashire, Role.INITIAL_VISITOR)
    north, central = lancashire.localities[0], lancashire.localities[1]
    in_north = make_slot(lancashire, visitor, NOW + timedelta(days=1), locality=north)
    in_central = make_slot(lancashire, visitor, NOW + timedelta(days=2), locality=central)
    assert services.available_slots(lancashire, now=NOW, locality_id=north.id) == [in_north]
    assert services.available_slots(lancashire, now=NOW) == [in_north, in_central]


def test_only_an_unbooked_slot_can_be_removed(
    leicestershire, lancashire, manager, visitor, make_user
):
    booked = make_slot(leicestershire, visitor, NOW + timedelta(days=1))
    make_booking(leicestershire, booked, user=make_user(leicestershire))
    with pytest.raises(services.SlotBooked):
        services.remove_slot(leicestershire, booked.id, by=manager, now=NOW)
    with pytest.raises(services.SlotNotFound):
        services.remove_slot(lancashire, booked.id, by=manager, now=NOW)
    assert services.list_slots(leicestershire, now=NOW)[0].is_booked


def test_rescheduling_moves_the_booking_and_frees_the_old_slot(leicestershire, visitor, make_user):
    old = make_slot(leicestershire, visitor, NOW + timedelta(days=3))
    new = make_slot(leicestershire, visitor, NOW + timedelta(days=5))
    applicant = _applicant(make_user(leicestershire))
    first = services.book_visit(leicestershire, applicant, old.id, now=NOW, manage_link=LINK)
    moved = services.reschedule_visit(leicestershire, applicant, new.id, now=NOW, manage_link=LINK)
    db.session.expire_all()
    assert first.status == BookingStatus.RESCHEDULED
    assert moved.slot_id == new.id
    assert services.find_booking(leicestershire, applicant) == moved
    assert services.available_slots(leicestershire, now=NOW) == [old]
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["visit.booked", "visit.rescheduled"]


def test_rescheduling_to_a_slot_just_taken_keeps_the_old_booking(
    leicestershire, visitor, make_user
):
    old = make_slot(leicestershire, visitor, NOW + timedelta(days=3))
    taken = make_slot(leicestershire, visitor, NOW + timedelta(days=5))
    make_booking(leicestershire, taken, user=make_user(leicestershire))
    applicant = _applicant(make_user(leicestershire))
    booking = services.book_visit(leicestershire, applicant, old.id, now=NOW, manage_link=LINK)
    with pytest.raises(services.SlotTaken):
        services.reschedule_visit(leicestershire, applicant, taken.id, now=NOW, manage_link=LINK)
    db.session.expire_all()
    assert services.find_booking(leicestershire, applicant) == booking
    assert booking.status == BookingStatus.BOOKED


def test_changes_are_allowed_until_24_hours_before_the_visit(leicestershire, visitor, make_user):
    slot = make_slot(leicestershire, visitor, NOW + timedelta(days=2))
    other = make_slot(leicestershire, visitor, NOW + timedelta(days=4))
    applicant = _applicant(make_user(leicestershire))
    booking = services.book_visit(leicestershire, applicant, slot.id, now=NOW, manage_link=LINK)
    cut_off = slot.starts_at - timedelta(hours=24)
    assert services.can_change(booking, cut_off)
    assert not services.can_change(booking, cut_off + timedelta(seconds=1))
    late = cut_off + timedelta(minutes=1)
    with pytest.raises(services.TooLateToChange):
        services.cancel_visit(leicestershire, applicant, now=late, book_link=LINK)
    with pytest.raises(services.TooLateToChange):
        services.reschedule_visit(leicestershire, applicant, other.id, now=late, manage_link=LINK)
    services.cancel_visit(leicestershire, applicant, now=cut_off, book_link=LINK)
    assert services.find_booking(leicestershire, applicant) is None
    assert services.available_slots(leicestershire, now=cut_off) == [slot, other]


def test_the_booking_email_is_in_the_recipients_language_with_nothing_personal_in_the_subject(
    leicestershire, visitor, smtp_server
):
    slot = make_slot(leicestershire, visitor, datetime(2026, 7, 1, 9, 0, tzinfo=UTC))
    enquiry = make_enquiry(leicestershire, "raw", name="Alex Enquirer", locale="pl")
    applicant = services.applicant_for_enquiry(enquiry)
    services.book_visit(leicestershire, applicant, slot.id, now=NOW, manage_link=LINK + "/raw")
    [message] = smtp_server.deliver()
    assert message["To"] == enquiry.email
    assert message["Content-Language"] == "pl"
    assert "Alex" not in message["Subject"]
    assert enquiry.email not in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Alex Enquirer" in body
    assert LINK + "/raw" in body
    assert "10:00" in body  # 09:00 UTC is 10:00 in a British summer


def test_the_record_is_due_two_working_days_after_the_visits_uk_date():
    # Christmas Eve 2026 (Thursday): Christmas, the weekend and Boxing Day's substitute pass.
    assert services.record_due_on(datetime(2026, 12, 24, 14, 0, tzinfo=UTC)) == date(2026, 12, 30)
    assert services.record_due_on(datetime(2026, 3, 6, 10, 0, tzinfo=UTC)) == date(2026, 3, 10)
    # 23:30 UTC on 30 June is already 1 July in the UK.
    assert services.record_due_on(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == date(2026, 7, 3)


def test_the_queue_shows_upcoming_visits_and_due_records_overdue_first(
    leicestershire, visitor, make_user
):
    colleague = make_user(leicestershire, Role.INITIAL_VISITOR)
    now = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)
    christmas_eve = make_slot(leicestershire, visitor, datetime(2026, 12, 24, 10, 0, tzinfo=UTC))
    this_morning = make_slot(leicestershire, visitor, datetime(2026, 12, 31, 9, 0, tzinfo=UTC))
    tuesday = make_slot(leicestershire, visitor, datetime(2026, 12, 29, 10, 0, tzinfo=UTC))
    tomorrow = make_slot(leicestershire, visitor, now + timedelta(days=1))
    theirs = make_slot(leicestershire, colleague, now - timedelta(hours=1))
    bookings = {
        slot: make_booking(leicestershire, slot, user=make_user(leicestershire))
        for slot in (christmas_eve, this_morning, tuesday, tomorrow, theirs)
    }

    queue = services.visitor_queue(leicestershire, now=now, visitor_id=visitor.id)
    assert [row.booking for row in queue.due] == [
        bookings[christmas_eve],  # due 30 December: overdue
        bookings[tuesday],  # due 31 December: today
        bookings[this_morning],  # due 5 January
    ]
    assert [row.is_overdue for row in queue.due] == [True, False, False]
    assert queue.upcoming == [bookings[tomorrow]]
    everyone = services.visitor_queue(leicestershire, now=now)
    assert len(everyone.due) == 4

    services.write_record(
        leicestershire,
        bookings[christmas_eve],
        by=visitor,
        motivation="Wants to help local children.",
        understanding="Good.",
        skills="Patient, calm.",
        recommendation=Recommendation.PROGRESS_TO_ASSESSMENT,
        notes="",
        now=now,
    )
    queue = services.visitor_queue(leicestershire, now=now, visitor_id=visitor.id)
    assert bookings[christmas_eve] not in [row.booking for row in queue.due]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "visit.recorded"))
    assert event.actor_id == visitor.id
    assert event.detail["recommendation"] == "progress-to-assessment"
    assert event.detail["is_late"] is True


def test_only_the_visits_own_visitor_records_it_and_only_once_it_has_happened(
    leicestershire, visitor, make_user
):
    colleague = make_user(leicestershire, Role.INITIAL_VISITOR)
    slot = make_slot(leicestershire, visitor, NOW + timedelta(hours=2))
    booking = make_booking(leicestershire, slot, user=make_user(leicestershire))
    assert services.find_visit_to_record(leicestershire, booking.id, colleague) is None
    record = {
        "motivation": "m",
        "understanding": "u",
        "skills": "s",
        "recommendation": Recommendation.NOT_NOW,
        "notes": "",
    }
    with pytest.raises(PermissionError):
        services.write_record(leicestershire, booking, by=colleague, now=NOW, **record)
    with pytest.raises(services.NotTakenPlace):
        services.write_record(leicestershire, booking, by=visitor, now=NOW, **record)
    later = NOW + timedelta(hours=3)
    services.write_record(leicestershire, booking, by=visitor, now=later, **record)
    with pytest.raises(services.AlreadyRecorded):
        services.write_record(leicestershire, booking, by=visitor, now=later, **record)
