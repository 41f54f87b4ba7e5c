"""Training from the carers' side and the training co-ordinator's."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from portal.accounts.models import Role
from portal.bookings.models import Booking, BookingStatus
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.jobs import run_jobs
from portal.core.times import to_london
from portal.training import services as training
from portal.training.models import Topic, TrainingCancellation, TrainingCourse, TrainingSession
from tests.conftest import ClientRequest, links_in, parse, path_of, sign_in


def _titles(page) -> list[str]:
    return [a.get_text(strip=True) for a in page.soup.select(".app-event h3 a")]


def _book(client_request, session) -> str:
    """Tap Book on the course page; return where it led."""
    page = client_request.post_form(
        f"/leicestershire/training/sessions/{session.id}/book",
        {},
        form_page=f"/leicestershire/training/courses/{session.course_id}",
    )
    return page.response.headers["Location"]


def _other_carer_books(make_user, session, email="other@example.org") -> Booking:
    carer = make_user(session.service, Role.APPROVED_CARER, email=email, name="Other Carer")
    with current_app.test_request_context():
        return training.book_session(session, carer, locale="en", now=utcnow())


def _cancel(booking: Booking, reason: str) -> None:
    with current_app.test_request_context():
        training.cancel_booking(booking, reason, utcnow())


def test_the_catalogue_needs_signing_in(client, make_session):
    make_session()
    response = client.get("/leicestershire/training")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_the_catalogue_lists_upcoming_sessions_with_places_left_and_modules(
    client_request, login_as, make_session, make_course
):
    soon = make_session(capacity=3)
    make_session(starts_in=timedelta(days=-1), title="Already happened")
    withdrawn = make_course(title="Withdrawn course")
    withdrawn.is_withdrawn = True
    db.session.commit()
    make_session(course=withdrawn)
    make_course(title="Online safety module", self_paced=True)
    login_as(Role.APPROVED_CARER)
    page = client_request.get("/leicestershire/training")
    assert _titles(page) == ["Safer caring", "Online safety module"]
    assert "3 places left" in page.soup.select_one(f"#seats-{soon.id}").get_text()


def test_the_catalogue_filters_by_topic_month_mode_and_tsds(
    client_request, login_as, make_session, make_course
):
    make_session()
    online = make_session(
        online=True,
        starts_in=timedelta(days=45),
        title="First aid online",
        topic=Topic.HEALTH_AND_FIRST_AID,
        tsds=True,
    )
    make_course(title="Attachment module", topic=Topic.ATTACHMENT_AND_TRAUMA, self_paced=True)
    login_as(Role.APPROVED_CARER)
    base = "/leicestershire/training"
    page = client_request.get(f"{base}?topic=health-and-first-aid")
    assert _titles(page) == ["First aid online"]
    assert _titles(client_request.get(f"{base}?mode=online")) == [
        "First aid online",
        "Attachment module",
    ]
    assert _titles(client_request.get(f"{base}?mode=in-person")) == ["Safer caring"]
    assert _titles(client_request.get(f"{base}?tsds=yes")) == ["First aid online"]
    month = to_london(online.occasion.starts_at).strftime("%Y-%m")
    assert _titles(client_request.get(f"{base}?month={month}")) == ["First aid online"]
    page = client_request.get(f"{base}?topic=nope&month=2026-99&mode=x' OR 1=1&tsds=maybe")
    assert _titles(page) == ["Safer caring", "First aid online", "Attachment module"]


def test_the_filters_swap_just_the_list_for_htmx(client, login_as, make_session):
    make_session()
    login_as(Role.APPROVED_CARER)
    response = client.get("/leicestershire/training?mode=online", headers={"HX-Request": "true"})
    assert parse(response).soup.find("html") is None
    assert "HX-Request" in response.headers["Vary"]


def test_the_catalogue_runs_the_same_queries_for_5_or_60_sessions(
    client, login_as, make_session, make_course, count_queries
):
    login_as(Role.APPROVED_CARER)
    course = make_course()
    counts = []
    for total in (5, 60):
        while db.session.query(TrainingSession).count() < total:
            days = 1 + db.session.query(TrainingSession).count()
            make_session(course=course, starts_in=timedelta(days=days))
        with count_queries() as counted:
            assert client.get("/leicestershire/training").status_code == 200
        counts.append(counted["n"])
    assert 0 < counts[0] == counts[1]


def test_a_carer_books_in_one_tap_and_gets_a_calendar_file(
    client_request, login_as, make_session, smtp_server
):
    session = make_session(capacity=5, online=True)
    carer = login_as(Role.APPROVED_CARER, name="Sam Carer")
    course_page = client_request.get(f"/leicestershire/training/courses/{session.course_id}")
    assert "meet.example" not in str(course_page.soup)
    button = course_page.soup.find("button", id=f"book-{session.id}")
    assert button.get_text(" ", strip=True).startswith("Book : Safer caring")

    location = _book(client_request, session)
    booking = db.session.scalar(select(Booking))
    assert location == f"/leicestershire/training/bookings/{booking.id}"
    assert booking.user_id == carer.id
    assert booking.status == BookingStatus.CONFIRMED
    page = client_request.get(location)
    assert "Booked" in page.text()
    assert page.soup.find("a", href="https://meet.example/training") is not None

    [message] = smtp_server.deliver()
    assert message["Subject"] == "Your place on a training course"
    assert location in [path_of(link) for link in links_in(message)]
    assert "https://meet.example/training" in message.get_body(("plain",)).get_content()
    [calendar] = list(message.iter_attachments())
    assert calendar.get_content_type() == "text/calendar"
    assert "SUMMARY:Safer caring" in calendar.get_content()

    ics = client_request.client.get(location + "/calendar.ics")
    assert ics.mimetype == "text/calendar"
    again = client_request.post_form(
        f"/leicestershire/training/sessions/{session.id}/book", {}, form_page=location
    )
    assert again.response.headers["Location"] == location
    assert db.session.query(Booking).count() == 1


def test_cancelling_needs_a_reason_and_frees_the_seat_for_the_waiting_list(
    client_request, login_as, make_session, make_user, smtp_server
):
    session = make_session(capacity=1)
    login_as(Role.APPROVED_CARER)
    mine = _book(client_request, session)
    waiting = _other_carer_books(make_user, session)
    assert waiting.status == BookingStatus.WAITING
    smtp_server.deliver()

    page = client_request.post_form(
        mine + "/cancel", {"reason": " "}, expected_status=200, form_page=mine
    )
    assert page.error_for("reason") == "Enter why you are cancelling"
    page = client_request.post_form(
        mine + "/cancel", {"reason": "x" * 501}, expected_status=200, form_page=mine
    )
    assert page.error_for("reason") == "Your reason must be 500 characters or fewer"
    assert page.soup.find("textarea", id="reason").get_text() == "x" * 501

    client_request.post_form(mine + "/cancel", {"reason": "A child is unwell"}, form_page=mine)
    page = client_request.get(mine)
    assert "Cancelled" in page.text()
    assert "A child is unwell" in page.text()
    assert db.session.scalar(select(TrainingCancellation.reason)) == "A child is unwell"
    db.session.refresh(waiting)
    assert waiting.status == BookingStatus.OFFERED
    subjects = {m["To"]: m["Subject"] for m in smtp_server.deliver()}
    assert subjects["other@example.org"] == "A place has come free on a training course"
    assert subjects[db.session.get(Booking, int(mine.rsplit("/", 1)[1])).email] == (
        "Your training booking is cancelled"
    )


def test_an_offered_carer_accepts_the_freed_place(
    app, client_request, login_as, make_session, make_user, smtp_server
):
    session = make_session(capacity=1)
    first = _other_carer_books(make_user, session)
    login_as(Role.APPROVED_CARER)
    mine = _book(client_request, session)
    assert "On the waiting list" in client_request.get(mine).text()
    _cancel(first, "Placement meeting")
    smtp_server.deliver()

    page = client_request.get(mine)
    assert "A place has come free" in page.text()
    client_request.post_form(mine + "/accept", {}, form_page=mine)
    assert "Booked" in client_request.get(mine).text()
    [message] = smtp_server.deliver()[-1:]
    assert message["Subject"] == "Your place on a training course"
    assert next(message.iter_attachments()).get_content_type() == "text/calendar"
    db.session.refresh(session.occasion)
    assert session.occasion.seats_taken == 1


def test_an_unclaimed_offer_passes_to_the_next_carer(
    client_request, make_session, make_user, smtp_server
):
    session = make_session(capacity=1)
    first = _other_carer_books(make_user, session, "a@example.org")
    _other_carer_books(make_user, session, "b@example.org")
    _other_carer_books(make_user, session, "c@example.org")
    _cancel(first, "Holiday")
    smtp_server.deliver()
    run_jobs(utcnow() + timedelta(hours=25))
    statuses = dict(db.session.execute(select(Booking.email, Booking.status)).all())
    assert statuses["b@example.org"] == BookingStatus.LAPSED
    assert statuses["c@example.org"] == BookingStatus.OFFERED
    subjects = {m["To"]: m["Subject"] for m in smtp_server.deliver()}
    assert subjects["b@example.org"] == "The training place we held for you has gone"
    assert subjects["c@example.org"] == "A place has come free on a training course"


def test_reminders_go_two_days_before_once(make_session, make_user, smtp_server):
    session = make_session(starts_in=timedelta(days=1, hours=12))
    _other_carer_books(make_user, session)
    smtp_server.deliver()
    run_jobs(utcnow())
    run_jobs(utcnow())
    reminders = [m for m in smtp_server.deliver() if m["Subject"].startswith("Reminder")]
    assert len(reminders) == 1


def test_a_carer_sees_only_their_own_bookings_and_their_own_service(
    app, client_request, login_as, make_session, make_user, make_course, lancashire
):
    session = make_session()
    someone_else = _other_carer_books(make_user, session)
    login_as(Role.APPROVED_CARER)
    client_request.get(f"/leicestershire/training/bookings/{someone_else.id}", expected_status=404)
    client_request.get(
        f"/leicestershire/training/bookings/{someone_else.id}/calendar.ics", expected_status=404
    )
    elsewhere = make_course(service=lancashire, title="Lancashire course")
    client_request.get(f"/leicestershire/training/courses/{elsewhere.id}", expected_status=404)
    token = client_request.get("/leicestershire/training").soup  # any page, for a CSRF token
    assert token is not None
    page = client_request.get(f"/leicestershire/training/courses/{session.course_id}")
    csrf = page.soup.find("input", attrs={"name": "csrf_token"})["value"]
    response = client_request.client.post(
        f"/leicestershire/training/bookings/{someone_else.id}/cancel",
        data={"csrf_token": csrf, "reason": "mischief"},
    )
    assert response.status_code == 404
    db.session.refresh(someone_else)
    assert someone_else.status == BookingStatus.CONFIRMED


def test_only_approved_carers_book(client_request, login_as, make_session):
    session = make_session()
    login_as(Role.PROSPECTIVE_CARER)
    page = client_request.get(f"/leicestershire/training/courses/{session.course_id}")
    assert page.soup.find("button", id=f"book-{session.id}") is None
    assert "Approved foster carers sign in to book" in page.text()
    client_request.client.post(f"/leicestershire/training/sessions/{session.id}/book")
    assert db.session.query(Booking).count() == 0
    client_request.get("/leicestershire/training/my-training", expected_status=403)


def test_booking_without_a_csrf_token_is_refused(client_request, login_as, make_session):
    session = make_session()
    login_as(Role.APPROVED_CARER)
    response = client_request.client.post(f"/leicestershire/training/sessions/{session.id}/book")
    assert response.status_code == 400
    assert db.session.query(Booking).count() == 0


def test_a_session_that_has_started_cannot_be_booked(client_request, login_as, make_session):
    session = make_session()
    login_as(Role.APPROVED_CARER)
    page = client_request.get(f"/leicestershire/training/courses/{session.course_id}")
    session.occasion.starts_at = utcnow() - timedelta(minutes=5)
    session.occasion.ends_at = utcnow() + timedelta(hours=2)
    db.session.commit()
    csrf = page.soup.find("input", attrs={"name": "csrf_token"})["value"]
    response = client_request.client.post(
        f"/leicestershire/training/sessions/{session.id}/book", data={"csrf_token": csrf}
    )
    assert response.status_code == 302
    assert "can no longer be booked" in client_request.get(response.headers["Location"]).text()
    assert db.session.query(Booking).count() == 0


def test_my_training_shows_history_hours_and_exports_csv(
    client_request, login_as, make_session, make_course
):
    carer = login_as(Role.APPROVED_CARER)
    done = make_session(starts_in=timedelta(days=10), hours=3, tsds=True)
    upcoming = make_session(starts_in=timedelta(days=20), title="Coming up course")
    with current_app.test_request_context():
        booking = training.book_session(done, carer, locale="en", now=utcnow())
        training.book_session(upcoming, carer, locale="en", now=utcnow())
    # The session took place and the co-ordinator marked the carer as there.
    done.occasion.starts_at -= timedelta(days=11)
    done.occasion.ends_at -= timedelta(days=11)
    booking.attended = True
    db.session.commit()
    module = make_course(title="Online safety module", self_paced=True)
    page = client_request.post_form(
        f"/leicestershire/training/courses/{module.id}/completed",
        {},
        form_page=f"/leicestershire/training/courses/{module.id}",
    )
    assert (
        "You have finished this module"
        in client_request.get(page.response.headers["Location"]).text()
    )

    page = client_request.get("/leicestershire/training/my-training")
    rows = page.soup.select(".govuk-summary-list__row")
    hours = {r.dt.get_text(strip=True): r.dd.get_text(strip=True) for r in rows}
    this_year = Decimal("4.5") if done.occasion.starts_at.year == utcnow().year else Decimal("1.5")
    assert hours["Hours in total"] == "4.5"
    assert hours["Hours this year"] == str(this_year).rstrip("0").rstrip(".")
    assert "Coming up course" in page.soup.select_one(".app-event-list").get_text()
    table = page.soup.select_one("table").get_text(" ", strip=True)
    assert "Safer caring" in table and "Online safety module" in table

    response = client_request.client.get("/leicestershire/training/my-training.csv")
    assert response.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert lines[0][:3] == ["Course", "Date", "Hours"]
    assert {line[0] for line in lines[1:]} == {"Safer caring", "Online safety module"}


def test_the_coordinator_creates_a_course_and_sees_specific_errors(client_request, login_as):
    login_as(Role.TRAINING_COORDINATOR)
    url = "/leicestershire/staff/training/courses/new"
    page = client_request.post_form(
        url,
        {
            "title": "Paediatric first aid",
            "counts_for_tsds": "yes",
            "format": "self-paced",
            "module_hours": "lots",
        },
        expected_status=200,
    )
    assert page.error_for("topic") == "Choose a topic"
    assert page.error_for("description") == "Enter a description"
    assert page.error_for("audiences") == "Choose who the course is for"
    assert page.error_for("tsds_standards") == "Choose the TSDS standards the course counts toward"
    assert page.error_for("module_link") == "Enter the link to the online module"
    assert page.error_for("module_hours") == "Enter hours as a number, like 1.5"
    assert page.soup.find("input", id="title")["value"] == "Paediatric first aid"
    assert page.title.startswith("Error:")
    assert page.soup.find(id="in_catalogue") is None  # only when changing a course

    page = client_request.post_form(
        url,
        {
            "title": "Paediatric first aid",
            "topic": "health-and-first-aid",
            "description": "A day's course.",
            "audiences": ["mainstream", "short-break"],
            "is_mandatory": "yes",
            "counts_for_tsds": "yes",
            "tsds_standards": ["1", "3"],
            "format": "sessions",
        },
    )
    course = db.session.scalar(select(TrainingCourse))
    assert page.response.headers["Location"].endswith(f"/courses/{course.id}/sessions/new")
    assert course.audience_list == ["mainstream", "short-break"]
    assert course.standard_list == [1, 3]
    assert course.is_mandatory

    edit = f"/leicestershire/staff/training/courses/{course.id}/edit"
    form = client_request.get(edit)
    assert form.soup.find("input", id="title")["value"] == "Paediatric first aid"
    client_request.post_form(
        edit,
        {
            "title": "Paediatric first aid (refresher)",
            "topic": "health-and-first-aid",
            "description": "Half a day.",
            "audiences": ["all", "mainstream"],
            "is_mandatory": "no",
            "counts_for_tsds": "no",
            "format": "sessions",
            "in_catalogue": "no",
        },
    )
    db.session.refresh(course)
    assert course.is_withdrawn
    assert course.title == "Paediatric first aid (refresher)"
    assert course.audience_list == ["all"]
    assert course.standard_list == []


def test_the_coordinator_adds_sessions_with_checks(client_request, login_as, make_course):
    course = make_course()
    login_as(Role.TRAINING_COORDINATOR)
    url = f"/leicestershire/staff/training/courses/{course.id}/sessions/new"
    past = utcnow() - timedelta(days=3)
    page = client_request.post_form(
        url,
        {
            "day": [str(past.day), str(past.month), str(past.year)],
            "starts": "13:00",
            "ends": "12:00",
            "place": "online",
            "online_link": "javascript://example.com/%0aalert(1)",
            "capacity": "many",
        },
        expected_status=200,
    )
    assert page.error_for("day-date") == "The date of the session must be today or in the future"
    assert page.error_for("ends") == "The end time must be after the start time"
    assert page.error_for("online_link") == "Enter a full web address starting with https://"
    assert page.error_for("capacity") == "Enter places as a number, like 12"
    assert page.soup.find("input", id="ends")["value"] == "12:00"
    page = client_request.post_form(
        url, {"place": "online", "day": ["", "", ""]}, expected_status=200
    )
    assert page.error_for("online_link") == "Enter the link to join the session online"
    assert page.error_for("day-date") == "Enter the date of the session"

    day = utcnow() + timedelta(days=14)
    client_request.post_form(
        url,
        {
            "day": [str(day.day), str(day.month), str(day.year)],
            "starts": "9:30",
            "ends": "12:30pm",
            "place": "online",
            "online_link": "https://meet.example/first-aid",
            "capacity": "15",
        },
    )
    session = db.session.scalar(select(TrainingSession))
    assert session.occasion.capacity == 15
    assert session.occasion.kind == "training-session"
    assert session.hours == Decimal("3.00")
    home = client_request.get("/leicestershire/staff/training")
    assert "0 of 15 places taken" in home.text()


def test_the_register_marks_attendance_with_and_without_htmx(
    client, client_request, login_as, make_session, make_user
):
    session = make_session()
    booking = _other_carer_books(make_user, session)
    login_as(Role.TRAINING_COORDINATOR)
    register = client_request.get(f"/leicestershire/staff/training/sessions/{session.id}/register")
    assert "Other Carer" in register.text()
    token = register.soup.find("input", attrs={"name": "csrf_token"})["value"]
    url = f"/leicestershire/staff/training/sessions/{session.id}/register/{booking.id}"
    response = client.post(
        url, data={"csrf_token": token, "attended": "yes"}, headers={"HX-Request": "true"}
    )
    row = parse(response)
    assert row.soup.find("html") is None
    assert "Marked as came" in row.text()
    response = client.post(url, data={"csrf_token": token, "attended": "no"})
    assert response.status_code == 302
    db.session.refresh(booking)
    assert booking.attended is False


def test_training_staff_pages_are_for_the_coordinator_and_manager_only(
    client, app, login_as, make_session, leicestershire, lancashire, make_user
):
    session = make_session()
    login_as(Role.APPROVED_CARER)
    assert client.get("/leicestershire/staff/training").status_code == 403
    register = f"/leicestershire/staff/training/sessions/{session.id}/register"
    assert client.get(register).status_code == 403

    manager = ClientRequest(app.test_client())
    user = make_user(leicestershire, Role.SERVICE_MANAGER)
    sign_in(manager, user.email, service="leicestershire")
    assert manager.get("/leicestershire/staff/training").status == 200

    other = ClientRequest(app.test_client())
    user = make_user(lancashire, Role.TRAINING_COORDINATOR)
    sign_in(other, user.email, service="lancashire")
    other.get(f"/lancashire/staff/training/sessions/{session.id}/register", expected_status=404)
    other.get(f"/lancashire/staff/training/courses/{session.course_id}/edit", expected_status=404)


def test_the_coordinator_sees_recent_past_sessions_and_withdrawn_courses(
    client_request, login_as, make_session
):
    past = make_session(starts_in=timedelta(days=-3), title="Last week's course")
    make_session(starts_in=timedelta(days=-40), course=past.course)
    withdrawn = make_session(title="Old course")
    withdrawn.course.is_withdrawn = True
    db.session.commit()
    login_as(Role.TRAINING_COORDINATOR)
    page = client_request.get("/leicestershire/staff/training")
    registers = page.soup.select("a[href$='/register']")
    assert [a["href"] for a in registers] == [
        f"/leicestershire/staff/training/sessions/{past.id}/register",
        f"/leicestershire/staff/training/sessions/{withdrawn.id}/register",
    ]
    assert "Taken out of the catalogue" in page.text()
    assert "Old course" not in client_request.get("/leicestershire/training").text()


def test_the_coordinator_changes_a_session_and_new_places_go_to_the_waiting_list(
    client_request, login_as, make_session, make_user
):
    session = make_session(capacity=1)
    _other_carer_books(make_user, session, "a@example.org")
    waiting = _other_carer_books(make_user, session, "b@example.org")
    login_as(Role.TRAINING_COORDINATOR)
    url = f"/leicestershire/staff/training/sessions/{session.id}/edit"
    form = client_request.get(url)
    assert form.soup.find("input", id="capacity")["value"] == "1"
    day = to_london(session.occasion.starts_at)
    fields = {
        "day": [str(day.day), str(day.month), str(day.year)],
        "starts": "10:00",
        "ends": "12:00",
        "place": form.soup.find("input", attrs={"name": "place", "checked": True})["value"],
    }
    page = client_request.post_form(url, {**fields, "capacity": "0"}, expected_status=200)
    assert page.error_for("capacity") == "Places must be between 1 and 200"
    client_request.post_form(url, {**fields, "capacity": "2"})
    db.session.refresh(waiting)
    assert waiting.status == BookingStatus.OFFERED
    assert session.hours == Decimal("2.00")
    page = client_request.post_form(url, {**fields, "capacity": "1"}, expected_status=200)
    assert page.error_for("capacity") == "Places cannot be fewer than the 2 already taken"
    assert page.soup.find("input", id="capacity")["value"] == "1"


def test_cancelling_a_session_tells_every_carer_with_the_next_dates(
    client_request, login_as, make_session, make_user, smtp_server
):
    session = make_session(capacity=1)
    make_session(course=session.course, starts_in=timedelta(days=30))
    _other_carer_books(make_user, session, "a@example.org")
    _other_carer_books(make_user, session, "b@example.org")
    smtp_server.deliver()
    login_as(Role.TRAINING_COORDINATOR)
    cancel = f"/leicestershire/staff/training/sessions/{session.id}/cancel"
    client_request.post_form(cancel, {})
    messages = smtp_server.deliver()[2:]
    assert sorted(m["To"] for m in messages) == ["a@example.org", "b@example.org"]
    assert messages[0]["Subject"] == "A training session you booked is cancelled"
    body = messages[0].get_body(("plain",)).get_content()
    assert "The next dates for this course are:" in body
    assert f"/leicestershire/training/courses/{session.course_id}" in body
    assert "already cancelled" in client_request.get(cancel).text()
    assert db.session.query(Booking).filter(Booking.status == BookingStatus.CANCELLED).count() == 2
