"""Assisted digital through the test client: each action end to end, errors, and who sees
what was made."""

import pytest
from sqlalchemy import Text, select, type_coerce

from portal.accounts.models import STAFF_ROLES, Role
from portal.assisted.models import AssistedAction, AssistedKind, HowContacted
from portal.bookings.models import Booking, BookingStatus
from portal.complaints import services as complaints
from portal.complaints.models import Complainant, Complaint
from portal.core.extensions import db
from portal.core.models import AuditEvent, OutboxMessage
from portal.independent_visitors.models import VisitorRequest
from portal.recruitment.models import Enquiry
from portal.visits.models import VisitBooking
from tests.assisted.conftest import BOOKING, COMPLAINT, ENQUIRY
from tests.conftest import path_of

BASE = "/leicestershire/staff/for-someone"


def only(model):
    rows = db.session.scalars(select(model)).all()
    assert len(rows) == 1, f"expected one {model.__name__}, found {len(rows)}"
    return rows[0]


def audit_actions() -> set[str]:
    return set(db.session.scalars(select(AuditEvent.action)))


def outbox_to(address: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address))
    )


def assert_made(page, action: AssistedAction, name: str) -> None:
    assert page.status == 200
    assert f"Made by staff for {name}" in page.text()
    if action.reference:
        assert action.reference in page.soup.select_one(".app-reference").get_text()


# ---- the start page --------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_every_staff_role_can_open_the_start_page(client_request, login_as, role):
    login_as(role)
    page = client_request.get(f"{BASE}/")
    assert page.h1 == "Do something for someone"
    assert page.response.headers["Cache-Control"] == "no-store"
    links = {a["href"] for a in page.soup.select(".app-assisted-list a")}
    assert {
        f"{BASE}/enquiry",
        f"{BASE}/event",
        f"{BASE}/initial-visit",
        f"{BASE}/complaint",
        f"{BASE}/young-persons-complaint",
        f"{BASE}/independent-visitor",
    } <= links


@pytest.mark.parametrize("role", [Role.PROSPECTIVE_CARER, Role.APPROVED_CARER, Role.YOUNG_PERSON])
def test_people_who_are_not_staff_are_refused(client_request, login_as, role):
    login_as(role)
    for path in ("/", "/enquiry", "/event", "/complaint", "/independent-visitor", "/made"):
        client_request.get(f"{BASE}{path}", expected_status=403)


def test_signed_out_people_are_sent_to_sign_in(client_request, leicestershire):
    page = client_request.get(f"{BASE}/", expected_status=302)
    assert "/sign-in" in page.response.headers["Location"]


@pytest.mark.parametrize(
    "path", ["/enquiry", "/complaint", "/young-persons-complaint", "/independent-visitor"]
)
def test_every_post_needs_a_csrf_token(client, login_as, path):
    login_as(Role.RECRUITMENT)
    assert client.post(f"{BASE}{path}", data={**ENQUIRY, **COMPLAINT}).status_code == 400
    assert db.session.scalars(select(AssistedAction)).all() == []


# ---- an enquiry ------------------------------------------------------------------------


def test_an_enquiry_made_for_a_caller_is_the_callers_with_their_email(
    client_request, login_as, leicestershire
):
    staff = login_as(Role.TRAINING_COORDINATOR, email="trainer@example.org")
    page = client_request.post_form(f"{BASE}/enquiry", {**ENQUIRY, "language": "pl"})
    enquiry = only(Enquiry)
    action = only(AssistedAction)
    assert page.response.headers["Location"] == f"{BASE}/made/{action.id}"
    assert enquiry.service_id == leicestershire.id
    assert enquiry.made_by_staff_id == staff.id and enquiry.user_id is None
    assert (action.service_id, action.staff_id) == (leicestershire.id, staff.id)
    assert (action.kind, action.object_type, action.object_id) == (
        AssistedKind.ENQUIRY,
        "Enquiry",
        enquiry.id,
    )
    assert action.for_name == "Sam Caller" and action.how_contacted == HowContacted.PHONE
    assert {"assisted.made", "enquiry.received"} <= audit_actions()
    [email] = outbox_to("sam.caller@example.org")
    assert email.template == "enquiry_received" and email.locale == "pl"
    assert outbox_to("trainer@example.org") == []
    assert_made(client_request.get(f"{BASE}/made/{action.id}"), action, "Sam Caller")


def test_a_bad_enquiry_keeps_what_was_typed_with_specific_messages(client_request, login_as):
    login_as(Role.RECRUITMENT)
    page = client_request.post_form(
        f"{BASE}/enquiry",
        {**ENQUIRY, "postcode": "nowhere", "how_contacted": ""},
        expected_status=200,
    )
    assert page.error_for("postcode") == "Enter a real postcode, like LE3 8SA"
    assert page.error_for("how_contacted") == "Choose how they got in touch"
    assert page.soup.find("input", attrs={"name": "name"})["value"] == "Sam Caller"
    assert page.soup.find("input", attrs={"name": "postcode"})["value"] == "nowhere"
    assert page.title.startswith("Error:")
    assert db.session.scalars(select(Enquiry)).all() == []


# ---- an information event place --------------------------------------------------------


def test_a_place_booked_for_a_caller_is_emailed_to_them(
    client_request, login_as, leicestershire, make_event
):
    event = make_event(capacity=10)
    staff = login_as(Role.SUPERVISING_SOCIAL_WORKER, email="ssw@example.org")
    listing = client_request.get(f"{BASE}/event")
    assert f"{BASE}/event/{event.id}" in {a["href"] for a in listing.soup.select("main a")}
    page = client_request.post_form(f"{BASE}/event/{event.id}", BOOKING)
    booking = only(Booking)
    action = only(AssistedAction)
    assert page.response.headers["Location"] == f"{BASE}/made/{action.id}"
    assert booking.service_id == leicestershire.id and booking.status == BookingStatus.CONFIRMED
    assert booking.made_by_staff_id == staff.id and booking.user_id is None
    assert booking.seats == 2 and booking.occasion.seats_taken == 2
    assert (action.kind, action.object_id) == (AssistedKind.EVENT_BOOKING, booking.id)
    assert "assisted.made" in audit_actions()
    [email] = outbox_to("robin.ringer@example.org")
    assert email.template == "event_booked" and email.attachment_filename == "event.ics"
    assert outbox_to("ssw@example.org") == []
    shown = client_request.get(f"{BASE}/made/{action.id}")
    assert_made(shown, action, "Robin Ringer")
    assert "Booked" in shown.text()


def test_a_second_booking_for_the_same_email_is_refused_beside_the_field(
    client_request, login_as, make_event
):
    event = make_event()
    login_as(Role.RECRUITMENT)
    client_request.post_form(f"{BASE}/event/{event.id}", BOOKING)
    page = client_request.post_form(f"{BASE}/event/{event.id}", BOOKING, expected_status=200)
    assert page.error_for("email") == (
        "Someone with this email address has already booked this event"
    )
    assert page.soup.find("input", attrs={"name": "email"})["value"] == BOOKING["email"]
    assert len(db.session.scalars(select(AssistedAction)).all()) == 1


def test_another_services_event_is_not_found(client_request, login_as, lancashire, make_event):
    event = make_event(service=lancashire)
    login_as(Role.RECRUITMENT)
    client_request.get(f"{BASE}/event/{event.id}", expected_status=404)


# ---- an initial visit ------------------------------------------------------------------


def test_an_initial_visit_is_booked_after_an_enquiry_made_on_the_same_call(
    app, client_request, login_as, leicestershire, make_slot
):
    slot = make_slot()
    staff = login_as(Role.RECRUITMENT, email="recruiter@example.org")
    made = client_request.post_form(f"{BASE}/enquiry", ENQUIRY)
    confirmation = client_request.get(made.response.headers["Location"])
    enquiry = only(Enquiry)
    book_link = confirmation.soup.find("a", string="Book an initial visit for them")["href"]
    assert book_link == f"{BASE}/initial-visit/{enquiry.id}"
    page = client_request.post_form(book_link, {"slot": str(slot.id), "how_contacted": "phone"})
    booking = only(VisitBooking)
    action = db.session.scalar(
        select(AssistedAction).where(AssistedAction.kind == AssistedKind.VISIT_BOOKING)
    )
    assert page.response.headers["Location"] == f"{BASE}/made/{action.id}"
    assert (booking.service_id, booking.slot_id, booking.enquiry_id) == (
        leicestershire.id,
        slot.id,
        enquiry.id,
    )
    assert (action.object_type, action.object_id, action.staff_id) == (
        "VisitBooking",
        booking.id,
        staff.id,
    )
    assert {"visit.booked", "assisted.made"} <= audit_actions()
    [email] = [m for m in outbox_to(ENQUIRY["email"]) if m.template == "visit_booked"]
    assert outbox_to("recruiter@example.org") == []
    # The email's link is the person's own: it opens their visit without signing in.
    [link] = [line for line in email.body_text.split() if "/initial-visit/" in line]
    assert app.test_client().get(path_of(link)).status_code == 200
    assert_made(client_request.get(f"{BASE}/made/{action.id}"), action, "Sam Caller")


def test_an_enquiry_is_found_by_its_reference_and_a_bad_one_is_explained(
    client_request, login_as, make_online_enquiry
):
    enquiry = make_online_enquiry()
    login_as(Role.RECRUITMENT)
    page = client_request.post_form(
        f"{BASE}/initial-visit", {"reference": "E-NOPE00"}, expected_status=200
    )
    assert page.error_for("reference") == (
        "We could not find an enquiry with that reference. Check it and try again."
    )
    assert page.soup.find("input", attrs={"name": "reference"})["value"] == "E-NOPE00"
    found = client_request.post_form(
        f"{BASE}/initial-visit", {"reference": enquiry.reference.lower()}
    )
    assert found.response.headers["Location"] == f"{BASE}/initial-visit/{enquiry.id}"


def test_a_visit_is_booked_for_someone_who_enquired_online(
    client_request, login_as, make_online_enquiry, make_slot
):
    """Only the person holds their enquiry's private link: staff book the time, and the
    confirmation sends them to the link in their enquiry email to change or cancel it."""
    enquiry = make_online_enquiry()
    slot = make_slot()
    login_as(Role.RECRUITMENT)
    shown = client_request.get(f"{BASE}/initial-visit/{enquiry.id}")
    assert "only they have the private link" in shown.soup.select_one(".govuk-inset-text").text
    client_request.post_form(
        f"{BASE}/initial-visit/{enquiry.id}", {"slot": str(slot.id), "how_contacted": "phone"}
    )
    booking = only(VisitBooking)
    assert (booking.enquiry_id, booking.slot_id) == (enquiry.id, slot.id)
    [email] = [m for m in outbox_to(enquiry.email) if m.template == "visit_booked"]
    assert "use the link to book a visit in the email we sent you after your enquiry" in (
        email.body_text
    )
    assert "/initial-visit/" not in email.body_text


def test_another_services_enquiry_is_not_found(
    client_request, login_as, lancashire, make_online_enquiry
):
    enquiry = make_online_enquiry(service=lancashire)
    login_as(Role.RECRUITMENT)
    client_request.get(f"{BASE}/initial-visit/{enquiry.id}", expected_status=404)
    page = client_request.post_form(
        f"{BASE}/initial-visit", {"reference": enquiry.reference}, expected_status=200
    )
    assert page.error_for("reference")


# ---- a complaint -----------------------------------------------------------------------


def test_a_complaint_for_a_caller_shows_its_secret_words_once(
    client_request, login_as, leicestershire
):
    staff = login_as(Role.INITIAL_VISITOR, email="visitor@example.org")
    page = client_request.post_form(f"{BASE}/complaint", COMPLAINT)
    complaint = only(Complaint)
    action = only(AssistedAction)
    assert page.response.headers["Location"] == f"{BASE}/made/{action.id}"
    assert complaint.service_id == leicestershire.id
    assert complaint.complainant == Complainant.FOSTER_CARER and complaint.user_id is None
    assert (action.object_type, action.object_id, action.staff_id) == (
        "Complaint",
        complaint.id,
        staff.id,
    )
    assert not action.is_about_young_person
    assert {"complaint.made", "assisted.made"} <= audit_actions()
    [email] = outbox_to("casey.carer@example.org")
    assert email.template == "complaint_received"
    assert outbox_to("visitor@example.org") == []

    shown = client_request.get(f"{BASE}/made/{action.id}")
    assert_made(shown, action, "Casey Carer")
    reference, words = [dd.get_text(strip=True) for dd in shown.soup.select(".app-secret__value")]
    assert reference == complaint.reference
    assert complaints.find_complaint(leicestershire, reference, words) == complaint
    again = client_request.get(f"{BASE}/made/{action.id}")
    assert again.soup.select(".app-secret__value") == []
    assert words not in again.text()


def test_any_staff_member_can_take_a_young_persons_complaint(client_request, login_as):
    login_as(Role.TRAINING_COORDINATOR)
    client_request.post_form(
        f"{BASE}/young-persons-complaint",
        {
            "body": "My carer reads my messages.",
            "wants_advocate": "yes",
            "name": "Jo Young",
            "how_contacted": "in-person",
            "language": "en",
        },
    )
    complaint = only(Complaint)
    action = only(AssistedAction)
    assert complaint.complainant == Complainant.YOUNG_PERSON and complaint.wants_advocate
    assert action.is_about_young_person and action.for_name == "Jo Young"
    stored = db.session.scalar(select(type_coerce(AssistedAction.for_name, Text)))
    assert "Jo Young" not in stored  # encrypted at rest


def test_a_bad_complaint_keeps_what_was_typed(client_request, login_as):
    login_as(Role.RECRUITMENT)
    page = client_request.post_form(
        f"{BASE}/complaint", {**COMPLAINT, "body": "", "email": "not-an-email"}, 200
    )
    assert page.error_for("body") == "Tell us what your complaint is about"
    assert page.error_for("email") == (
        "Enter an email address in the correct format, like name@example.com"
    )
    assert page.soup.find("input", attrs={"name": "name"})["value"] == "Casey Carer"
    assert db.session.scalars(select(Complaint)).all() == []


# ---- an independent visitor ------------------------------------------------------------


def test_any_staff_member_can_ask_for_an_independent_visitor(
    client_request, login_as, leicestershire
):
    staff = login_as(Role.ASSESSING_SOCIAL_WORKER)
    page = client_request.post_form(
        f"{BASE}/independent-visitor",
        {
            "name": "Ali",
            "age": "12",
            "how_to_reach": "Through my social worker, Pat",
            "how_contacted": "phone",
        },
    )
    request = only(VisitorRequest)
    action = only(AssistedAction)
    assert page.response.headers["Location"] == f"{BASE}/made/{action.id}"
    assert request.service_id == leicestershire.id and request.age == 12
    assert (action.object_type, action.object_id, action.staff_id) == (
        "VisitorRequest",
        request.id,
        staff.id,
    )
    assert action.is_about_young_person and action.reference == request.reference
    assert {"visitor_request.received", "assisted.made"} <= audit_actions()
    shown = client_request.get(f"{BASE}/made/{action.id}")
    assert_made(shown, action, "Ali")
    assert "assisted.viewed" in audit_actions()


def test_a_request_without_a_way_to_reach_them_is_refused(client_request, login_as):
    login_as(Role.RECRUITMENT)
    page = client_request.post_form(
        f"{BASE}/independent-visitor", {"name": "Ali", "how_contacted": "phone"}, 200
    )
    assert page.error_for("how_to_reach") == "Tell us how we can reach you"
    assert page.soup.find("input", attrs={"name": "name"})["value"] == "Ali"


# ---- what was made ---------------------------------------------------------------------


def sign_out(client_request, slug="leicestershire"):
    client_request.post_form(f"/{slug}/sign-out", {}, form_page=f"/{slug}/account")


def _made_by(client_request, login_as, role, service=None, **fields):
    slug = service.slug if service else "leicestershire"
    user = login_as(role, service=service, **fields)
    client_request.post_form(
        f"/{slug}/staff/for-someone/independent-visitor",
        {"how_to_reach": f"via {user.email}", "name": user.name, "how_contacted": "phone"},
    )
    return user


def test_staff_see_their_own_and_managers_see_everyones(client_request, login_as):
    _made_by(client_request, login_as, Role.RECRUITMENT, name="First Staff")
    first_action = only(AssistedAction)
    sign_out(client_request)
    _made_by(client_request, login_as, Role.TRAINING_COORDINATOR, name="Second Staff")
    page = client_request.get(f"{BASE}/made")
    assert page.h1 == "What you have made for people"
    assert "Second Staff" in page.text() and "First Staff" not in page.text()
    client_request.get(f"{BASE}/made/{first_action.id}", expected_status=404)

    sign_out(client_request)
    login_as(Role.SERVICE_MANAGER)
    page = client_request.get(f"{BASE}/made")
    assert page.h1 == "Made by staff for people"
    items = [h.get_text(" ", strip=True) for h in page.soup.select(".app-assisted-history h2")]
    assert len(items) == 2
    assert "Second Staff" in page.soup.select(".app-assisted-history li")[0].get_text()
    client_request.get(f"{BASE}/made/{first_action.id}")
    assert "assisted.history_viewed" in audit_actions()


def test_another_service_cannot_see_the_history(client, client_request, login_as, lancashire):
    _made_by(client_request, login_as, Role.RECRUITMENT)
    action = only(AssistedAction)
    sign_out(client_request)
    login_as(Role.SERVICE_MANAGER, service=lancashire)
    page = client_request.get("/lancashire/staff/for-someone/made")
    assert page.soup.select(".app-assisted-history li") == []
    client_request.get(f"/lancashire/staff/for-someone/made/{action.id}", expected_status=404)
    # Signed in to Lancashire, they are nobody in Leicestershire.
    assert client.get(f"{BASE}/made").status_code in (302, 403)


def test_the_history_is_paginated_in_constant_queries(
    client_request, login_as, make_user, leicestershire, count_queries
):
    from portal.assisted import services
    from portal.core.db import utcnow

    login_as(Role.SERVICE_MANAGER)

    def add(count):
        for n in range(count):
            staff = make_user(leicestershire, Role.RECRUITMENT)
            request = VisitorRequest(
                service_id=leicestershire.id, reference=f"IV-{n:06d}{count}", how_to_reach="x"
            )
            db.session.add(request)
            db.session.flush()
            services.record_action(
                leicestershire,
                staff=staff,
                kind=AssistedKind.VISITOR_REQUEST,
                obj=request,
                for_name=f"Young {n}",
                how_contacted=HowContacted.PHONE,
                reference=request.reference,
                is_about_young_person=True,
                now=utcnow(),
            )

    add(3)
    with count_queries() as small:
        client_request.get(f"{BASE}/made")
    add(40)
    with count_queries() as large:
        page = client_request.get(f"{BASE}/made")
    assert small["n"] == large["n"]
    assert len(page.soup.select(".app-assisted-history > li")) == 25
    assert "43 things made" in page.text()
    second = client_request.get(f"{BASE}/made?page=2")
    assert len(second.soup.select(".app-assisted-history > li")) == 18
