"""Independent visitors: requests from young people, offers from adults, staff tracking."""

from sqlalchemy import select, text

from portal.accounts.models import Role
from portal.core.extensions import db
from portal.independent_visitors.models import RequestStatus, VisitorRequest, VolunteerOffer


def test_a_young_person_asks_and_staff_move_the_request_on(
    client_request, login_as, leicestershire
):
    client_request.post_form(
        "/leicestershire/young-people/independent-visitor",
        {"how_to_reach": "via my social worker", "interests": "football", "age": "12"},
    )
    sent = client_request.get("/leicestershire/young-people/independent-visitor/sent")
    request = db.session.scalar(select(VisitorRequest))
    assert request.reference in sent.text()
    stored = db.session.execute(text("SELECT interests FROM visitor_request")).scalar()
    assert "football" not in stored

    login_as(Role.CHILDRENS_RIGHTS_OFFICER)
    url = f"/leicestershire/staff/independent-visitors/requests/{request.id}"
    assert "football" in client_request.get(url).text()
    client_request.post_form(url, {"status": "matching"})
    db.session.refresh(request)
    assert request.status == RequestStatus.MATCHING


def test_a_request_needs_a_way_to_reach_the_young_person(client_request, leicestershire):
    page = client_request.post_form(
        "/leicestershire/young-people/independent-visitor",
        {"interests": "drawing"},
        expected_status=200,
    )
    assert page.error_for("how_to_reach") == "Tell us how we can reach you"
    assert page.soup.find(id="interests").get_text() == "drawing"


def test_an_adult_offers_and_the_checks_are_ticked_off(
    client_request, login_as, leicestershire, smtp_server
):
    client_request.post_form(
        "/leicestershire/independent-visitors/volunteer",
        {
            "name": "Val Volunteer",
            "email": "val@example.org",
            "phone": "07700 900777",
            "postcode": "le3 8sa",
            "why": "I was in care myself.",
        },
    )
    [thanks] = smtp_server.deliver()
    assert thanks["Subject"] == "Thank you for offering to be an independent visitor"
    offer = db.session.scalar(select(VolunteerOffer))
    login_as(Role.SERVICE_MANAGER)
    for check in ("dbs_checked", "references_taken", "assessed", "trained"):
        client_request.post_form(
            f"/leicestershire/staff/independent-visitors/volunteers/{offer.id}/{check}",
            {"done": "yes"},
            form_page="/leicestershire/staff/independent-visitors",
        )
    db.session.refresh(offer)
    assert offer.is_ready
    assert (
        "Ready to match" in client_request.get("/leicestershire/staff/independent-visitors").text()
    )


def test_only_this_services_officers_see_requests(
    app, client, login_as, leicestershire, lancashire
):
    request = VisitorRequest(service_id=lancashire.id, reference="IV-AAAAAA", how_to_reach="x")
    db.session.add(request)
    db.session.commit()
    login_as(Role.CHILDRENS_RIGHTS_OFFICER)
    url = f"/leicestershire/staff/independent-visitors/requests/{request.id}"
    assert client.get(url).status_code == 404
    login_as(Role.APPROVED_CARER)
    assert client.get("/leicestershire/staff/independent-visitors").status_code == 403
