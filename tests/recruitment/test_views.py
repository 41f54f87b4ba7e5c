"""Enquiries: the form, what it sends back, and the team's list."""

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import Role
from portal.core.extensions import db
from portal.recruitment.models import Enquiry, HeardFrom, Interest
from tests.conftest import links_in, path_of

ENQUIRY = {
    "name": "Pat Example",
    "email": "pat@example.org",
    "phone": "0116 496 0000",
    "postcode": "le3 8sa",
    "adults_at_home": "2",
    "children_at_home": "1",
    "has_spare_bedroom": "yes",
    "interests": ["teenagers", "short-breaks"],
    "heard_from": "friend-or-family",
}


def test_an_enquiry_is_saved_and_answered_with_the_next_events(
    client_request, leicestershire, smtp_server, make_event
):
    soon = make_event(starts_in=timedelta(days=5))
    make_event(starts_in=timedelta(days=12))
    make_event(starts_in=timedelta(days=19))
    make_event(starts_in=timedelta(days=26))
    full = make_event(starts_in=timedelta(days=2), capacity=1)
    full.occasion.seats_taken = 1
    db.session.commit()

    page = client_request.post_form("/leicestershire/enquire", ENQUIRY)
    reply = page.response.headers["Location"]
    assert reply.startswith("/leicestershire/enquiry/")
    enquiry = db.session.scalar(select(Enquiry))
    assert enquiry.phone == "+441164960000"
    assert enquiry.postcode == "LE3 8SA"
    assert enquiry.interest_list == [Interest.TEENAGERS, Interest.SHORT_BREAKS]
    assert enquiry.heard_from == HeardFrom.FRIEND_OR_FAMILY

    page = client_request.get(reply)
    assert enquiry.reference in page.text()
    buttons = page.soup.select(".app-event a.govuk-button")
    assert len(buttons) == 3
    assert buttons[0]["href"].startswith(f"/leicestershire/events/{soon.id}/book?enquiry=")

    [message] = smtp_server.deliver()
    assert message["Subject"] == "Thank you for your enquiry about fostering"
    book_link = path_of(links_in(message)[0])
    form = client_request.get(book_link)
    assert form.soup.find(id="name")["value"] == "Pat Example"
    assert form.soup.find(id="phone")["value"] == "+441164960000"


def test_enquiry_mistakes_are_explained_beside_each_field(client_request, leicestershire):
    page = client_request.post_form(
        "/leicestershire/enquire",
        {
            **ENQUIRY,
            "postcode": "NOT A POSTCODE",
            "phone": "12",
            "adults_at_home": "0",
            "interests": [],
            "name": "n" * 5000,
        },
        expected_status=200,
    )
    assert page.error_for("postcode") == "Enter a real postcode, like LE3 8SA"
    assert page.error_for("phone").startswith("Enter a telephone number")
    assert page.error_for("adults_at_home") == "Enter a number of adults from 1 to 12"
    assert page.error_for("interests") == "Choose at least one kind of fostering"
    assert page.error_for("name") == "Full name must be 200 characters or fewer"
    assert page.soup.find(id="postcode")["value"] == "NOT A POSTCODE"
    assert db.session.scalar(select(Enquiry)) is None


def test_the_team_sees_its_own_services_enquiries_only(
    client_request, login_as, leicestershire, lancashire
):
    client_request.post_form("/lancashire/enquire", ENQUIRY)
    login_as(Role.RECRUITMENT)
    page = client_request.get("/leicestershire/staff/enquiries")
    assert "Pat Example" not in page.text()
    client_request.get("/leicestershire/enquiry/not-a-token", expected_status=404)
