"""Every email about an information event goes in the language of the person it is for,
the one they were using when they booked, whoever or whatever causes it to be sent: the
confirmation, the reminder the worker sends two days before, a waiting-list offer set off
by someone else's cancellation, and the notice when staff call the event off.

Expected words come from the catalogues (through Flask-Babel) and expected dates from
Babel's own locale data, so the tests follow the translations rather than copy them."""

from datetime import timedelta

from babel.dates import format_date, format_time
from flask_babel import force_locale, gettext
from sqlalchemy import select

from portal.accounts.models import Role
from portal.bookings.models import Booking, BookingStatus
from portal.childrens_rights.models import Conversation
from portal.core.extensions import db
from portal.core.jobs import run_jobs
from portal.core.times import LONDON, to_london
from tests.conftest import ClientRequest

BOOKER = {"name": "Sam Example", "phone": "07700 900123", "seats": "1", "access_needs": ""}


def _person(app, language: str | None) -> ClientRequest:
    """Someone with their own browser session, reading the site in `language`."""
    person = ClientRequest(app.test_client())
    if language:
        assert person.client.get(f"/language/{language}").status_code == 302
    return person


def _book(person: ClientRequest, event, email: str) -> str:
    """Book through the public form; returns the private link it redirects to."""
    page = person.post_form(f"/leicestershire/events/{event.id}/book", {**BOOKER, "email": email})
    return page.response.headers["Location"]


def _words(language: str, message: str, **variables) -> str:
    """A message from the language's catalogue, as the portal would render it."""
    with force_locale(language):
        return gettext(message, **variables)


def _plain(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def _assert_in(language: str, message, subject: str) -> None:
    """The email is marked as, and written in, `language`, with the expected subject."""
    assert message["Content-Language"] == language
    assert message["Subject"] == _words(language, subject)
    if language != "en":  # the catalogue really has it: the test is not comparing English
        assert message["Subject"] != subject
    assert f'<html lang="{language}"' in _html(message)


def test_a_booking_made_in_polish_is_confirmed_and_reminded_in_polish(app, make_event, smtp_server):
    event = make_event(capacity=5, starts_in=timedelta(days=10))
    person = _person(app, "pl")
    _book(person, event, "ola@example.org")
    [confirmation] = smtp_server.deliver()
    assert confirmation["To"] == "ola@example.org"
    _assert_in("pl", confirmation, "Your place at a fostering information event")
    body = _plain(confirmation)
    assert _words("pl", "Hello %(name)s,", name="Sam Example") in body
    assert _words("pl", "Your place is booked.") in body
    assert _words("pl", "See, change or cancel your booking") in body
    # The date in Polish ("środa, 17 czerwca 2026"), the time on the UK's clock.
    starts = to_london(event.occasion.starts_at)
    assert format_date(starts.date(), "full", locale="pl") in body
    assert format_date(starts.date(), "MMMM", locale="pl") != starts.strftime("%B")
    assert format_time(starts, "HH:mm", tzinfo=LONDON, locale="pl") in body

    # Later the person reads the site in English; the reminder still goes in Polish,
    # the language stored with the booking, when the worker runs two days before.
    person.client.get("/language/en")
    assert run_jobs(event.occasion.starts_at - timedelta(days=1))["events.send_reminders"] == 1
    [reminder] = smtp_server.deliver()[1:]
    _assert_in("pl", reminder, "Reminder: your fostering information event")
    assert format_date(starts.date(), "full", locale="pl") in _plain(reminder)


def test_a_freed_place_is_offered_in_the_waiting_persons_language(app, make_event, smtp_server):
    event = make_event(capacity=1)
    first = _person(app, "en")
    manage = _book(first, event, "first@example.org")
    waiting = _person(app, "gu")
    _book(waiting, event, "waiting@example.org")
    confirmation, queued = smtp_server.deliver()
    _assert_in("en", confirmation, "Your place at a fostering information event")
    _assert_in("gu", queued, "You are on the waiting list for a fostering information event")

    # The English speaker cancels; the place is offered to the Gujarati speaker in Gujarati.
    first.post_form(manage + "/cancel", {}, form_page=manage)
    sent = {m["To"]: m for m in smtp_server.deliver()[2:]}
    _assert_in("en", sent["first@example.org"], "Your booking is cancelled")
    offer = sent["waiting@example.org"]
    _assert_in("gu", offer, "A place has come free at a fostering information event")
    booking = db.session.scalar(select(Booking).where(Booking.email == "waiting@example.org"))
    assert booking.status == BookingStatus.OFFERED
    expires = to_london(booking.offer_expires_at)
    assert format_date(expires.date(), "MMMM", locale="gu") in _plain(offer)
    assert 'dir="ltr"' in _html(offer)


def test_staff_calling_an_event_off_tell_each_booker_in_their_own_language(
    app, client, login_as, make_event, smtp_server
):
    event = make_event(capacity=2, online=True)
    make_event(starts_in=timedelta(days=30), title="Next one")
    people = {"pl": "ola@example.org", "ur": "amir@example.org", "gu": "nita@example.org"}
    for language, email in people.items():
        _book(_person(app, language), event, email)  # the third waits: 2 places
    smtp_server.deliver()
    staff = login_as(Role.RECRUITMENT)  # signed in on `client`, reading English
    assert staff.locale is None
    client.get("/language/en")
    ClientRequest(client).post_form(f"/leicestershire/staff/events/{event.id}/cancel", {})
    notices = {m["To"]: m for m in smtp_server.deliver()[3:]}
    assert set(notices) == set(people.values())
    for language, email in people.items():
        notice = notices[email]
        _assert_in(language, notice, "A fostering information event has been cancelled")
        assert _words(language, "Online") in _plain(notice)
    assert 'dir="rtl"' in _html(notices["amir@example.org"])


def test_a_staff_members_own_alerts_go_in_their_saved_language(
    app, leicestershire, make_user, smtp_server
):
    """Staff hear in their own saved language (English when they have saved none), not in
    the language of the young person whose message set the alert off."""
    polish = make_user(leicestershire, Role.CHILDRENS_RIGHTS_OFFICER, locale="pl")
    unset = make_user(leicestershire, Role.CHILDRENS_RIGHTS_OFFICER)
    young = _person(app, "gu")
    young.post_form(
        "/leicestershire/young-people/talk", {"body": "I am scared and I want to run away."}
    )
    assert db.session.scalar(select(Conversation)).locale == "gu"
    alerts = {m["To"]: m for m in smtp_server.deliver()}
    subject = "An urgent message is waiting for a Children's Rights Officer"
    _assert_in("pl", alerts[polish.email], subject)
    _assert_in("en", alerts[unset.email], subject)
