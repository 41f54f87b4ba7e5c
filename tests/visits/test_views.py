"""Initial visit pages: publishing slots, booking by account or private link, the queue."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.models import AuditEvent
from portal.core.times import to_london
from portal.visits.models import BookingStatus, VisitBooking, VisitRecord, VisitSlot
from tests.conftest import csrf_from, links_in, parse, path_of, sign_in
from tests.visits.helpers import make_booking, make_enquiry, make_slot

STAFF_VISITS = "/leicestershire/staff/initial-visits"
NEW_SLOT = "/leicestershire/staff/initial-visits/slots/new"
VISIT = "/leicestershire/initial-visit"


@pytest.fixture
def visitor(leicestershire, make_user):
    return make_user(leicestershire, Role.INITIAL_VISITOR, name="Vic Visitor")


def _slot_form(person, when, **overrides):
    local = to_london(when)
    return {
        "day": [str(local.day), str(local.month), str(local.year)],
        "start_time": local.strftime("%H:%M"),
        "minutes": "90",
        "visitor": str(person.id),
        "locality": str(person.service.localities[0].id),
        "mode": "at-home",
        **overrides,
    }


def _link(page, text):
    """The link whose visible words are `text`, or None."""
    return next((a for a in page.soup.find_all("a") if a.get_text(" ", strip=True) == text), None)


# ---- staff: slots ----------------------------------------------------------------------


def test_recruitment_publishes_a_slot_in_uk_time(client_request, login_as, visitor):
    login_as(Role.RECRUITMENT)
    when = (utcnow() + timedelta(days=5)).replace(hour=9, minute=0, second=0, microsecond=0)
    page = client_request.post_form(NEW_SLOT, _slot_form(visitor, when))
    assert page.response.headers["Location"] == STAFF_VISITS
    slot = db.session.scalar(select(VisitSlot))
    assert slot.starts_at == when
    assert slot.minutes == 90
    page = client_request.get(STAFF_VISITS)
    assert "Visit slot published." in page.text()
    assert "Vic Visitor" in page.soup.find("table").get_text()


def test_slot_errors_are_specific_and_keep_what_was_typed(client_request, login_as, visitor):
    login_as(Role.SERVICE_MANAGER)
    page = client_request.post_form(NEW_SLOT, {"minutes": ""}, expected_status=200)
    assert page.title.startswith("Error:")
    assert page.error_for("day-date") == "Enter a date"
    assert page.error_for("start_time") == "Enter a start time"
    assert page.error_for("minutes") == "Choose how long the visit is"
    assert page.error_for("visitor") == "Choose an initial visitor"
    assert page.error_for("locality") == "Choose an area"
    assert page.error_for("mode") == "Choose at home or by video call"

    when = utcnow() + timedelta(days=5)
    page = client_request.post_form(
        NEW_SLOT,
        _slot_form(visitor, when, day=["31", "2", "2027"], start_time="25:00"),
        expected_status=200,
    )
    assert page.error_for("day-date") == "Date of the visit must be a real date"
    assert page.error_for("start_time") == (
        "Enter the start time in the correct format, like 10:30 or 2:30pm"
    )
    assert page.soup.find("input", id="day")["value"] == "31"
    assert page.soup.find(id="day-month")["value"] == "2"
    assert page.soup.find(id="start_time")["value"] == "25:00"
    assert page.soup.find(id="visitor")["checked"] is not None

    yesterday = utcnow() - timedelta(days=1)
    page = client_request.post_form(NEW_SLOT, _slot_form(visitor, yesterday), expected_status=200)
    assert page.error_for("day-date") == "The visit must start in the future"
    assert page.error_summary() == ["The visit must start in the future"]
    assert db.session.scalar(select(VisitSlot)) is None


def test_an_overlapping_slot_is_refused_with_a_specific_error(client_request, login_as, visitor):
    login_as(Role.RECRUITMENT)
    when = (utcnow() + timedelta(days=5)).replace(hour=10, minute=0, second=0, microsecond=0)
    make_slot(visitor.service, visitor, when)
    page = client_request.post_form(
        NEW_SLOT, _slot_form(visitor, when + timedelta(minutes=30)), expected_status=200
    )
    assert page.error_for("start_time") == (
        "The initial visitor already has a visit slot at that time"
    )
    assert page.soup.find(id="start_time")["value"] == to_london(
        when + timedelta(minutes=30)
    ).strftime("%H:%M")


def test_a_visitor_from_another_service_cannot_be_given_a_slot(
    client_request, login_as, visitor, lancashire, make_user
):
    login_as(Role.RECRUITMENT)
    outsider = make_user(lancashire, Role.INITIAL_VISITOR)
    form = _slot_form(visitor, utcnow() + timedelta(days=3), visitor=str(outsider.id))
    page = client_request.post_form(NEW_SLOT, form, expected_status=200)
    assert page.error_for("visitor") == "Choose an initial visitor"
    assert db.session.scalar(select(VisitSlot)) is None


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.INITIAL_VISITOR, 403), (Role.PROSPECTIVE_CARER, 403), (Role.TRAINING_COORDINATOR, 403)],
)
def test_only_recruitment_and_service_managers_publish_slots(client, login_as, role, status):
    login_as(role)
    assert client.get(NEW_SLOT).status_code == status


def test_signed_out_staff_pages_ask_for_sign_in(client, leicestershire):
    for path in (STAFF_VISITS, NEW_SLOT, f"{STAFF_VISITS}/1/record", VISIT, f"{VISIT}/book"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/leicestershire/sign-in")


def test_an_unbooked_slot_can_be_removed_but_a_booked_one_cannot(
    client, client_request, login_as, visitor, make_user
):
    login_as(Role.RECRUITMENT)
    free = make_slot(visitor.service, visitor, utcnow() + timedelta(days=2))
    booked = make_slot(visitor.service, visitor, utcnow() + timedelta(days=3))
    make_booking(visitor.service, booked, user=make_user(visitor.service, name="Bea Booked"))
    page = client_request.get(STAFF_VISITS)
    assert "Bea Booked" in page.text()
    assert page.soup.find(id=f"remove-{booked.id}") is None
    token = csrf_from(page)
    for slot in (free, booked):
        response = client.post(f"{STAFF_VISITS}/slots/{slot.id}/remove", data={"csrf_token": token})
        assert response.headers["Location"] == STAFF_VISITS
    db.session.expire_all()
    assert free.removed_at is not None
    assert booked.removed_at is None
    assert "cannot be removed" in client_request.get(STAFF_VISITS).text()


def test_another_services_slot_cannot_be_removed(client_request, login_as, lancashire, make_user):
    login_as(Role.SERVICE_MANAGER)
    theirs = make_slot(
        lancashire, make_user(lancashire, Role.INITIAL_VISITOR), utcnow() + timedelta(days=2)
    )
    client_request.post_form(
        f"{STAFF_VISITS}/slots/{theirs.id}/remove", {}, form_page=NEW_SLOT, expected_status=404
    )
    db.session.expire_all()
    assert theirs.removed_at is None


# ---- applicants ------------------------------------------------------------------------


def test_a_signed_in_applicant_books_a_visit_and_is_emailed(
    client, client_request, login_as, visitor, smtp_server
):
    login_as(Role.PROSPECTIVE_CARER, name="Ash Applicant")
    slot = make_slot(visitor.service, visitor, utcnow() + timedelta(days=4))
    response = client.get(VISIT)
    assert response.headers["Location"] == f"{VISIT}/book"
    page = client_request.get(f"{VISIT}/book")
    assert page.h1 == "Book your initial visit"
    assert page.soup.find("input", {"name": "slot", "value": str(slot.id)}) is not None

    page = client_request.post_form(f"{VISIT}/book", {"slot": str(slot.id)})
    assert page.response.headers["Location"] == f"{VISIT}/booked"
    page = client_request.get(f"{VISIT}/booked")
    assert "Initial visit booked" in page.soup.select_one(".govuk-panel").get_text()
    [message] = smtp_server.deliver()
    assert message["Subject"] == "Your initial visit is booked"
    assert path_of(links_in(message)[0]) == VISIT
    page = client_request.get(VISIT)
    assert page.h1 == "Your initial visit"
    assert "Vic Visitor" in page.text()


def test_filtering_by_area_swaps_just_the_list_for_htmx(
    client_request, login_as, lancashire, make_user
):
    login_as(Role.PROSPECTIVE_CARER, service=lancashire)
    visitor = make_user(lancashire, Role.INITIAL_VISITOR)
    north, central = lancashire.localities[0], lancashire.localities[1]
    in_north = make_slot(lancashire, visitor, utcnow() + timedelta(days=1), locality=north)
    in_central = make_slot(lancashire, visitor, utcnow() + timedelta(days=2), locality=central)

    page = client_request.get(f"/lancashire/initial-visit/book?area={north.id}")
    values = [i["value"] for i in page.soup.find_all("input", {"name": "slot"})]
    assert values == [str(in_north.id)]
    assert page.soup.find("form", {"method": "post"})["action"].endswith(f"?area={north.id}")

    partial = client_request.get(
        f"/lancashire/initial-visit/book?area={central.id}", headers={"HX-Request": "true"}
    )
    assert partial.soup.find("html") is None
    assert "HX-Request" in partial.response.headers["Vary"]
    values = [i["value"] for i in partial.soup.find_all("input", {"name": "slot"})]
    assert values == [str(in_central.id)]
    everything = client_request.get("/lancashire/initial-visit/book?area=not-a-number")
    assert len(everything.soup.find_all("input", {"name": "slot"})) == 2


def test_a_slot_taken_meanwhile_gets_a_friendly_message(
    client, client_request, login_as, visitor, make_user
):
    login_as(Role.PROSPECTIVE_CARER)
    slot = make_slot(visitor.service, visitor, utcnow() + timedelta(days=4))
    other = make_slot(visitor.service, visitor, utcnow() + timedelta(days=5))
    token = client_request.get(f"{VISIT}/book").soup.find("input", {"name": "csrf_token"})["value"]
    make_booking(visitor.service, slot, user=make_user(visitor.service))
    response = client.post(f"{VISIT}/book", data={"csrf_token": token, "slot": str(slot.id)})
    assert response.status_code == 200
    page = parse(response)
    assert page.error_summary() == ["That slot has just been taken. Choose another time."]
    assert [i["value"] for i in page.soup.find_all("input", {"name": "slot"})] == [str(other.id)]


def test_choosing_nothing_says_what_to_do(client_request, login_as, visitor):
    login_as(Role.PROSPECTIVE_CARER)
    make_slot(visitor.service, visitor, utcnow() + timedelta(days=4))
    for data in ({}, {"slot": "not-a-slot"}, {"slot": "999999"}):
        page = client_request.post_form(f"{VISIT}/book", data, expected_status=200)
        assert page.error_summary()[0] in {
            "Choose a time for your visit",
            "That time is no longer available. Choose another time.",
        }
    assert db.session.scalar(select(VisitBooking)) is None


def test_an_enquirer_books_through_the_private_link(
    client_request, leicestershire, visitor, smtp_server
):
    enquiry = make_enquiry(leicestershire, "a-long-private-secret", name="Eve Enquirer")
    slot = make_slot(leicestershire, visitor, utcnow() + timedelta(days=4))
    link = f"{VISIT}/a-long-private-secret"
    page = client_request.post_form(f"{link}/book", {"slot": str(slot.id)})
    assert page.response.headers["Location"] == f"{link}/booked"
    page = client_request.get(link)
    assert page.h1 == "Your initial visit"
    assert page.response.headers["Cache-Control"] == "no-store"
    booking = db.session.scalar(select(VisitBooking))
    assert (booking.enquiry_id, booking.user_id, booking.email) == (enquiry.id, None, enquiry.email)
    [message] = smtp_server.deliver()
    assert message["To"] == enquiry.email
    assert path_of(links_in(message)[0]) == link


def test_a_tampered_or_other_services_token_is_not_found(
    client_request, leicestershire, lancashire, visitor
):
    make_enquiry(leicestershire, "the-real-secret")
    for path in (
        f"{VISIT}/the-real-secreT",
        f"{VISIT}/the-real-secret-x/book",
        "/lancashire/initial-visit/the-real-secret",
        "/lancashire/initial-visit/the-real-secret/book",
    ):
        client_request.get(path, expected_status=404)
    client_request.get(f"{VISIT}/the-real-secret/book")


def test_an_applicant_reschedules_then_cancels(client_request, login_as, visitor, smtp_server):
    user = login_as(Role.PROSPECTIVE_CARER)
    first = make_slot(visitor.service, visitor, utcnow() + timedelta(days=4))
    second = make_slot(visitor.service, visitor, utcnow() + timedelta(days=6))
    client_request.post_form(f"{VISIT}/book", {"slot": str(first.id)})
    page = client_request.get(VISIT)
    assert _link(page, "Change the time")["href"] == f"{VISIT}/change"
    page = client_request.post_form(f"{VISIT}/change", {"slot": str(second.id)})
    assert page.response.headers["Location"] == f"{VISIT}/booked"
    booked = db.session.scalars(select(VisitBooking).order_by(VisitBooking.id)).all()
    assert [(b.slot_id, b.status) for b in booked] == [
        (first.id, BookingStatus.RESCHEDULED),
        (second.id, BookingStatus.BOOKED),
    ]
    client_request.post_form(f"{VISIT}/cancel", {})
    page = client_request.get(f"{VISIT}/book")
    assert "Your initial visit is cancelled." in page.text()
    subjects = [m["Subject"] for m in smtp_server.deliver()]
    assert subjects == [
        "Your initial visit is booked",
        "Your initial visit has moved to a new time",
        "Your initial visit is cancelled",
    ]
    assert (
        db.session.scalar(
            select(VisitBooking).where(
                VisitBooking.user_id == user.id, VisitBooking.status == "booked"
            )
        )
        is None
    )


def test_within_24_hours_the_page_says_to_phone(client, client_request, login_as, visitor):
    user = login_as(Role.PROSPECTIVE_CARER)
    soon = make_slot(visitor.service, visitor, utcnow() + timedelta(hours=20))
    make_booking(visitor.service, soon, user=user)
    page = client_request.get(VISIT)
    assert "call us on" in page.text()
    phone = page.soup.select_one(".govuk-inset-text a[href^='tel:']")
    assert phone.get_text() == visitor.service.main_phone
    assert _link(page, "Change the time") is None
    for path in (f"{VISIT}/change", f"{VISIT}/cancel"):
        assert client.get(path).headers["Location"] == VISIT
    client_request.post_form(f"{VISIT}/cancel", {}, form_page="/leicestershire/account")
    db.session.expire_all()
    assert db.session.scalar(select(VisitBooking)).status == BookingStatus.BOOKED


def test_applicants_never_see_someone_elses_visit(client_request, login_as, visitor, make_user):
    someone = make_user(visitor.service, name="Someone Else")
    make_booking(
        visitor.service,
        make_slot(visitor.service, visitor, utcnow() + timedelta(days=3)),
        user=someone,
    )
    login_as(Role.PROSPECTIVE_CARER)
    page = client_request.get(f"{VISIT}/book")
    assert "Someone Else" not in page.text()
    assert page.soup.find("input", {"name": "slot"}) is None


def test_staff_pages_are_not_for_applicants(client, login_as):
    login_as(Role.PROSPECTIVE_CARER)
    assert client.get(STAFF_VISITS).status_code == 403
    assert client.get(NEW_SLOT).status_code == 403


def test_visitors_do_not_book_visits(client, login_as):
    login_as(Role.INITIAL_VISITOR)
    assert client.get(f"{VISIT}/book").status_code == 403


# ---- the visitor's queue ---------------------------------------------------------------


def _sign_in(client_request, user):
    sign_in(client_request, user.email, service=user.service.slug)


def test_a_visitor_records_a_visit_and_it_leaves_the_due_list(
    client_request, leicestershire, visitor, make_user
):
    past = make_slot(leicestershire, visitor, utcnow() - timedelta(hours=3))
    upcoming = make_slot(leicestershire, visitor, utcnow() + timedelta(days=2))
    done = make_booking(leicestershire, past, user=make_user(leicestershire, name="Pat Past"))
    make_booking(leicestershire, upcoming, user=make_user(leicestershire, name="Uma Upcoming"))
    _sign_in(client_request, visitor)

    page = client_request.get(STAFF_VISITS)
    tables = page.soup.find_all("table")
    assert "Pat Past" in tables[0].get_text()
    assert "Uma Upcoming" in tables[1].get_text()
    assert page.soup.find(id="remove-1") is None  # visitors do not manage slots
    record = f"{STAFF_VISITS}/{done.id}/record"
    assert page.soup.find("a", href=record) is not None

    page = client_request.post_form(record, {"motivation": "Keen"}, expected_status=200)
    assert page.error_for("understanding") == "Enter their understanding of fostering"
    assert page.error_for("skills") == "Enter their skills and attributes"
    assert page.error_for("recommendation") == "Choose a recommendation"
    assert page.soup.find(id="motivation").get_text() == "Keen"

    client_request.post_form(
        record,
        {
            "motivation": "Keen",
            "understanding": "Clear",
            "skills": "Calm",
            "recommendation": "progress-to-assessment",
        },
    )
    page = client_request.get(STAFF_VISITS)
    assert "Record of the visit with Pat Past saved." in page.text()
    assert "No records are due." in page.text()
    assert db.session.scalar(select(VisitRecord)).written_by_id == visitor.id
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "visit.recorded"))
    client_request.get(record, expected_status=404)


def test_a_visitor_cannot_record_someone_elses_or_another_services_visit(
    client_request, leicestershire, lancashire, visitor, make_user
):
    colleague = make_user(leicestershire, Role.INITIAL_VISITOR)
    theirs = make_booking(
        leicestershire,
        make_slot(leicestershire, colleague, utcnow() - timedelta(hours=3)),
        user=make_user(leicestershire),
    )
    elsewhere_visitor = make_user(lancashire, Role.INITIAL_VISITOR)
    elsewhere = make_booking(
        lancashire,
        make_slot(lancashire, elsewhere_visitor, utcnow() - timedelta(hours=3)),
        user=make_user(lancashire),
    )
    _sign_in(client_request, visitor)
    for booking in (theirs, elsewhere):
        client_request.get(f"{STAFF_VISITS}/{booking.id}/record", expected_status=404)


def test_managers_see_every_visitors_queue_in_constant_queries(
    client, client_request, leicestershire, make_user, count_queries
):
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    _sign_in(client_request, manager)

    def add_visits(first, last):
        for i in range(first, last):
            someone = make_user(leicestershire, Role.INITIAL_VISITOR, name=f"Visitor {i}")
            past = make_slot(leicestershire, someone, utcnow() - timedelta(days=i + 1))
            future = make_slot(leicestershire, someone, utcnow() + timedelta(days=i + 1))
            make_booking(leicestershire, past, user=make_user(leicestershire))
            make_booking(leicestershire, future, user=make_user(leicestershire))
            make_slot(leicestershire, someone, utcnow() + timedelta(days=i + 10))

    add_visits(0, 1)
    with count_queries() as one:
        client.get(STAFF_VISITS)
    add_visits(1, 5)
    with count_queries() as five:
        page = client_request.get(STAFF_VISITS)
    assert five["n"] == one["n"]
    for i in range(5):
        assert f"Visitor {i}" in page.text()
    assert _link(page, "Write the record") is None  # not their visits
