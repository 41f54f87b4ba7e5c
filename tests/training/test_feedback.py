"""Feedback after a course, the register's CSV, how the co-ordinator's pages scale, and
booking both carers of a household."""

import csv
import io
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from portal.accounts.models import Role
from portal.bookings.models import Booking, BookingStatus
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.jobs import run_jobs
from portal.training import services as training
from portal.training.models import TrainingCourse, TrainingFeedback, TrainingSession
from tests.conftest import ClientRequest, links_in, path_of, sign_in
from tests.training.conftest import add_attended_carers

ANSWERS = {
    "rating": "4",
    "most_useful": "The PACE approach",
    "do_differently": "Stay curious at bedtime",
}


def _booked(make_user, session, email="other@example.org", name="Other Carer") -> Booking:
    carer = make_user(session.service, Role.APPROVED_CARER, email=email, name=name)
    with current_app.test_request_context():
        return training.book_session(session, carer, locale="en", now=utcnow())


def _happened(session: TrainingSession, days_ago: int = 1) -> None:
    """Move the session into the past, as if it has taken place."""
    length = session.occasion.ends_at - session.occasion.starts_at
    session.occasion.starts_at = utcnow().replace(microsecond=0) - timedelta(days=days_ago)
    session.occasion.ends_at = session.occasion.starts_at + length
    db.session.commit()


def _came(booking: Booking, by) -> None:
    with current_app.test_request_context():
        training.mark_attendance(booking, True, by=by, now=utcnow())


def _give(booking: Booking, rating: int, most_useful="Useful", do_differently="Different"):
    assert training.record_feedback(booking, rating, most_useful, do_differently, utcnow())


@pytest.fixture
def attended(login_as, make_session, make_user, leicestershire):
    """A carer signed in, who came to a session that took place yesterday."""
    carer = login_as(Role.APPROVED_CARER, name="Sam Carer")
    session = make_session(title="Therapeutic parenting")
    with current_app.test_request_context():
        booking = training.book_session(session, carer, locale="en", now=utcnow())
    _happened(session)
    _came(booking, make_user(leicestershire, Role.TRAINING_COORDINATOR))
    return booking


# ---- asking --------------------------------------------------------------------------------


def test_marking_a_carer_as_came_emails_a_feedback_link_once(
    client_request, login_as, make_session, make_user, smtp_server
):
    session = make_session()
    booking = _booked(make_user, session)
    _happened(session)
    smtp_server.deliver()
    login_as(Role.TRAINING_COORDINATOR)
    register = f"/leicestershire/staff/training/sessions/{session.id}/register"
    row = f"{register}/{booking.id}"
    for attended in ("yes", "no", "yes"):
        client_request.post_form(row, {"attended": attended}, form_page=register)
    [message] = [m for m in smtp_server.deliver() if m["To"] == "other@example.org"][1:]
    assert message["Subject"] == "How useful was your training course?"
    feedback = f"/leicestershire/training/bookings/{booking.id}/feedback"
    assert feedback in [path_of(link) for link in links_in(message)]
    assert "Safer caring" in message.get_body(("plain",)).get_content()
    run_jobs(utcnow())
    assert [m for m in smtp_server.deliver() if m["To"] == "other@example.org"][1:] == [message]


def test_a_carer_marked_before_the_session_is_asked_once_it_ends(
    make_session, make_user, leicestershire, smtp_server
):
    session = make_session(starts_in=timedelta(hours=1), hours=2)
    booking = _booked(make_user, session)
    _came(booking, make_user(leicestershire, Role.TRAINING_COORDINATOR))
    run_jobs(utcnow())
    assert booking.feedback_requested_at is None
    later = utcnow() + timedelta(hours=4)
    with current_app.test_request_context():
        assert training.request_feedback(later) == 1
        assert training.request_feedback(later) == 0
    subjects = [m["Subject"] for m in smtp_server.deliver()]
    assert subjects.count("How useful was your training course?") == 1


# ---- giving --------------------------------------------------------------------------------


def test_a_carer_gives_feedback_once_and_mistakes_are_explained_beside_the_field(
    client_request, attended
):
    record = client_request.get("/leicestershire/training/my-training")
    link = record.soup.select_one("a[href$='/feedback']")
    url = f"/leicestershire/training/bookings/{attended.id}/feedback"
    assert link["href"] == url
    page = client_request.get(url)
    assert page.h1 == "Tell us what you thought of the course"
    labels = [label.get_text(strip=True) for label in page.soup.select(".govuk-radios__label")]
    assert labels[0] == "Very useful" and labels[-1] == "Not useful"

    page = client_request.post_form(
        url, {"most_useful": "  ", "do_differently": "x" * 1001}, expected_status=200
    )
    assert page.error_for("rating") == "Choose how useful the course was"
    assert page.error_for("most_useful") == "Enter what was most useful about the course"
    assert page.error_for("do_differently") == "Your answer must be 1000 characters or fewer"
    assert page.soup.find("textarea", id="do_differently").get_text() == "x" * 1001
    assert page.title.startswith("Error:")
    page = client_request.post_form(url, {"rating": "9", "most_useful": "Kept"}, 200)
    assert page.error_for("rating")
    assert page.soup.find("textarea", id="most_useful").get_text() == "Kept"

    page = client_request.post_form(url, ANSWERS)
    assert page.response.headers["Location"] == "/leicestershire/training/my-training"
    feedback = db.session.scalar(select(TrainingFeedback))
    assert (feedback.rating, feedback.most_useful) == (4, "The PACE approach")
    assert feedback.session_id == training.session_of(attended).id
    assert feedback.service_id == attended.service_id

    again = client_request.client.get(url)
    assert again.headers["Location"] == "/leicestershire/training/my-training"
    record = client_request.get("/leicestershire/training/my-training")
    assert "You have already given feedback" in record.text()
    assert record.soup.select_one("a[href$='/feedback']") is None
    assert db.session.query(TrainingFeedback).count() == 1


def test_feedback_cannot_be_recorded_twice(attended):
    _give(attended, 5)
    with current_app.test_request_context():
        assert not training.record_feedback(attended, 1, "Again", "Again", utcnow())
    assert db.session.query(TrainingFeedback).count() == 1


def test_feedback_is_only_for_the_carers_own_attended_booking(
    client_request, attended, make_session, make_user, lancashire
):
    url = "/leicestershire/training/bookings/{}/feedback"
    elsewhere = make_session(title="Another session")
    someone_else = _booked(make_user, elsewhere)
    _happened(elsewhere)
    someone_else.attended = True
    db.session.commit()
    client_request.get(url.format(someone_else.id), expected_status=404)
    csrf = client_request.get(url.format(attended.id)).soup.find(
        "input", attrs={"name": "csrf_token"}
    )["value"]
    response = client_request.client.post(
        url.format(someone_else.id), data={"csrf_token": csrf, **ANSWERS}
    )
    assert response.status_code == 404
    response = client_request.client.post(url.format(attended.id), data=ANSWERS)
    assert response.status_code == 400  # no CSRF token

    not_marked = _booked(make_user, make_session(title="Not yet"), email="x@example.org")
    client_request.get(url.format(not_marked.id), expected_status=404)
    assert db.session.query(TrainingFeedback).count() == 0


def test_a_carer_not_marked_as_came_cannot_give_feedback(client_request, login_as, make_session):
    carer = login_as(Role.APPROVED_CARER)
    session = make_session()
    with current_app.test_request_context():
        booking = training.book_session(session, carer, locale="en", now=utcnow())
    _happened(session)
    url = f"/leicestershire/training/bookings/{booking.id}/feedback"
    client_request.get(url, expected_status=404)
    booking.attended = False
    db.session.commit()
    client_request.get(url, expected_status=404)
    assert (
        client_request.get("/leicestershire/training/my-training").soup.select_one(
            "a[href$='/feedback']"
        )
        is None
    )


def test_only_approved_carers_reach_the_feedback_form(client_request, login_as, attended):
    login_as(Role.TRAINING_COORDINATOR)
    client_request.get(
        f"/leicestershire/training/bookings/{attended.id}/feedback", expected_status=403
    )


# ---- the co-ordinator's results ------------------------------------------------------------


def test_the_coordinator_sees_feedback_per_course_and_per_session_and_downloads_csv(
    client_request, login_as, make_session, make_user
):
    first = make_session(title="Therapeutic parenting")
    second = make_session(course=first.course, starts_in=timedelta(days=12))
    ratings = {first: [5, 4, 4], second: [1]}
    given = []
    for session, session_ratings in ratings.items():
        for n, rating in enumerate(session_ratings):
            booking = _booked(make_user, session, email=f"c{session.id}-{n}@example.org")
            booking.attended = True
            given.append((booking, rating, n))
    _happened(first, days_ago=3)
    _happened(second, days_ago=1)
    for booking, rating, n in given:
        _give(booking, rating, most_useful=f"=cmd|' /C calc'!A{n}", do_differently="Listen")
    login_as(Role.TRAINING_COORDINATOR)

    page = client_request.get(f"/leicestershire/staff/training/courses/{first.course_id}/feedback")
    rows = {
        r.dt.get_text(strip=True): r.dd.get_text(strip=True)
        for r in page.soup.select(".govuk-summary-list__row")
    }
    assert rows["Responses"] == "4"
    assert rows["Average rating"] == "3.5 out of 5"
    assert rows["Very useful (5)"] == "1"
    assert rows["Useful (4)"] == "2"
    assert rows["Quite useful (3)"] == "0"
    assert rows["Not useful (1)"] == "1"
    assert len(page.soup.select(".app-feedback-answers > li")) == 4
    assert "Listen" in page.text()

    page = client_request.get(f"/leicestershire/staff/training/sessions/{second.id}/feedback")
    rows = {
        r.dt.get_text(strip=True): r.dd.get_text(strip=True)
        for r in page.soup.select(".govuk-summary-list__row")
    }
    assert (rows["Responses"], rows["Average rating"]) == ("1", "1 out of 5")

    response = client_request.client.get(
        f"/leicestershire/staff/training/courses/{first.course_id}/feedback.csv"
    )
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert lines[0][1] == "Rating (5 is very useful)"
    assert len(lines) == 5
    assert {line[3][:5] for line in lines[1:]} == {"'=cmd"}
    assert lines[1][2] == "Very useful"
    response = client_request.client.get(
        f"/leicestershire/staff/training/sessions/{second.id}/feedback.csv"
    )
    assert len(list(csv.reader(io.StringIO(response.get_data(as_text=True))))) == 2


def test_a_course_without_feedback_says_so(client_request, login_as, make_session):
    session = make_session()
    login_as(Role.SERVICE_MANAGER)
    page = client_request.get(
        f"/leicestershire/staff/training/courses/{session.course_id}/feedback"
    )
    assert "No responses yet" in page.text()
    assert page.soup.find("a", string="Download the answers (CSV)") is None


def test_feedback_results_are_for_the_services_training_staff_only(
    app, client_request, login_as, make_session, make_user, lancashire
):
    session = make_session()
    pages = [
        f"/leicestershire/staff/training/courses/{session.course_id}/feedback",
        f"/leicestershire/staff/training/courses/{session.course_id}/feedback.csv",
        f"/leicestershire/staff/training/sessions/{session.id}/feedback",
        f"/leicestershire/staff/training/sessions/{session.id}/feedback.csv",
        f"/leicestershire/staff/training/sessions/{session.id}/register.csv",
    ]
    login_as(Role.APPROVED_CARER)
    for path in pages:
        client_request.get(path, expected_status=403)
    other = ClientRequest(app.test_client())
    user = make_user(lancashire, Role.TRAINING_COORDINATOR)
    sign_in(other, user.email, service="lancashire")
    for path in pages:
        other.get(path.replace("/leicestershire/", "/lancashire/"), expected_status=404)


# ---- the register ------------------------------------------------------------------------


def test_the_register_downloads_as_csv_without_formulas(
    client_request, login_as, make_session, make_user
):
    session = make_session()
    came = _booked(make_user, session, name='=HYPERLINK("http://evil")')
    _booked(make_user, session, email="b@example.org", name="Bo Carer")
    came.attended = True
    db.session.commit()
    _happened(session)
    _give(came, 3)
    login_as(Role.TRAINING_COORDINATOR)
    register = client_request.get(f"/leicestershire/staff/training/sessions/{session.id}/register")
    csv_link = register.soup.find("a", string="Download the register (CSV)")
    response = client_request.client.get(csv_link["href"])
    assert response.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert lines[0] == ["Name", "Email", "Status", "Attended", "Feedback given"]
    assert lines[1] == [
        '\'=HYPERLINK("http://evil")',
        "other@example.org",
        "confirmed",
        "Came",
        "Yes",
    ]
    assert lines[2] == ["Bo Carer", "b@example.org", "confirmed", "", "No"]


@pytest.mark.parametrize("page", ["register", "feedback"])
def test_the_register_and_feedback_run_the_same_queries_for_10_or_1000_carers(
    client, login_as, make_session, count_queries, page
):
    session = make_session()
    login_as(Role.TRAINING_COORDINATOR)
    url = f"/leicestershire/staff/training/sessions/{session.id}/{page}"
    counts, made = [], 0
    for total in (10, 1000):
        add_attended_carers(session, made, total)
        made = total
        with count_queries() as counted:
            response = client.get(url)
        assert response.status_code == 200
        with count_queries() as counted_csv:
            download = client.get(url + ".csv")
        assert len(download.get_data(as_text=True).splitlines()) == total + 1
        counts.append((counted["n"], counted_csv["n"]))
    assert 0 < counts[0][0] == counts[1][0]
    assert 0 < counts[0][1] == counts[1][1]


# ---- both carers of a household ------------------------------------------------------------


@pytest.fixture
def couple(login_as, make_user, make_household, leicestershire):
    """A signed-in carer and their partner, the two carers of one household."""
    me = login_as(Role.APPROVED_CARER, name="Sam Carer", email="sam@example.org")
    partner = make_user(
        leicestershire, Role.APPROVED_CARER, name="Alex Carer", email="alex@example.org"
    )
    make_household(me, partner)
    return me, partner


def _book_both(client_request, session):
    course = f"/leicestershire/training/courses/{session.course_id}"
    page = client_request.get(course)
    button = page.soup.find("button", id=f"book-both-{session.id}")
    assert (button["name"], button["value"]) == ("for", "both")
    location = client_request.post_form(
        f"/leicestershire/training/sessions/{session.id}/book", {"for": "both"}, form_page=course
    ).response.headers["Location"]
    return client_request.get(location)


def test_a_couple_books_both_carers_each_with_their_own_email(
    client_request, couple, make_session, smtp_server
):
    me, partner = couple
    session = make_session(capacity=5)
    page = _book_both(client_request, session)
    assert "You both have a place" in page.text()
    statuses = dict(db.session.execute(select(Booking.user_id, Booking.status)).all())
    assert statuses == {me.id: BookingStatus.CONFIRMED, partner.id: BookingStatus.CONFIRMED}
    messages = {m["To"]: m for m in smtp_server.deliver()}
    assert set(messages) == {"sam@example.org", "alex@example.org"}
    for message in messages.values():
        assert message["Subject"] == "Your place on a training course"
        assert next(message.iter_attachments()).get_content_type() == "text/calendar"
    partners_link = path_of(links_in(messages["alex@example.org"])[-1])
    client_request.get(partners_link, expected_status=404)  # Alex's booking is Alex's own


def test_with_one_place_left_a_couple_gets_one_place_and_one_on_the_waiting_list(
    client_request, couple, make_session, smtp_server
):
    me, partner = couple
    session = make_session(capacity=1)
    page = _book_both(client_request, session)
    assert (
        "There was only one place left. You have it, and Alex Carer is on the waiting list"
        in page.text()
    )
    statuses = dict(db.session.execute(select(Booking.user_id, Booking.status)).all())
    assert statuses == {me.id: BookingStatus.CONFIRMED, partner.id: BookingStatus.WAITING}
    subjects = {m["To"]: m["Subject"] for m in smtp_server.deliver()}
    assert subjects["sam@example.org"] == "Your place on a training course"
    assert subjects["alex@example.org"] != "Your place on a training course"
    db.session.refresh(session.occasion)
    assert session.occasion.seats_taken == 1


def test_a_partner_already_booked_keeps_their_booking(
    client_request, couple, make_session, smtp_server
):
    _me, partner = couple
    session = make_session(capacity=1)
    with current_app.test_request_context():
        training.book_session(session, partner, locale="en", now=utcnow())
    page = _book_both(client_request, session)
    assert "Alex Carer has a place and you are on the waiting list" in page.text()
    assert db.session.query(Booking).count() == 2


def test_a_carer_without_a_partner_books_only_themselves(
    client_request, login_as, make_session, make_household
):
    make_household(login_as(Role.APPROVED_CARER))
    session = make_session()
    course = f"/leicestershire/training/courses/{session.course_id}"
    assert client_request.get(course).soup.find(id=f"book-both-{session.id}") is None
    client_request.post_form(
        f"/leicestershire/training/sessions/{session.id}/book", {"for": "both"}, form_page=course
    )
    assert db.session.query(Booking).count() == 1


# ---- demo data -------------------------------------------------------------------------------


def test_demo_training_has_courses_sessions_and_feedback_to_give(
    client_request, leicestershire, make_user, smtp_server
):
    users = [
        make_user(leicestershire, *roles, email=f"{local}@leicestershire.demo", name=name)
        for local, name, roles in [
            ("carer", "Casey Carer", (Role.APPROVED_CARER,)),
            ("kinship-carer", "Kim Kinship", (Role.APPROVED_CARER,)),
            ("short-break-carer", "Sam Shortbreak", (Role.APPROVED_CARER,)),
            ("training", "Tay Training", (Role.TRAINING_COORDINATOR,)),
        ]
    ]
    now = utcnow()
    training.add_demo_training(leicestershire, users, now)
    courses = db.session.scalars(select(TrainingCourse)).all()
    assert len(courses) == 7
    assert sum(course.is_self_paced for course in courses) == 1
    assert any(course.is_mandatory for course in courses)
    assert any(not course.counts_for_tsds for course in courses)
    sessions = db.session.scalars(select(TrainingSession)).all()
    upcoming = [s for s in sessions if s.occasion.starts_at > now]
    assert len(upcoming) >= 8
    assert all(s.occasion.starts_at < now + timedelta(days=92) for s in upcoming)
    assert any(s.is_online for s in upcoming) and any(s.venue for s in upcoming)

    record = training.training_record(users[0], now)
    [line] = record.done
    assert line.awaiting_feedback_id is not None
    assert record.upcoming
    assert db.session.query(TrainingFeedback).count() == 1

    with current_app.test_request_context():
        assert training.request_feedback(now) == 1  # the worker asks the demo carer
    [message] = smtp_server.deliver()
    assert message["To"] == "carer@leicestershire.demo"


def test_feedback_waits_until_the_session_has_started(client_request, login_as, make_session):
    carer = login_as(Role.APPROVED_CARER)
    session = make_session()
    with current_app.test_request_context():
        booking = training.book_session(session, carer, locale="en", now=utcnow())
    booking.attended = True  # marked early, by mistake
    db.session.commit()
    url = f"/leicestershire/training/bookings/{booking.id}/feedback"
    client_request.get(url, expected_status=404)
    _happened(session)
    page = client_request.get(f"/leicestershire/training/bookings/{booking.id}")
    assert page.soup.find("a", string="Give feedback on this course")["href"] == url
    client_request.get(url)
