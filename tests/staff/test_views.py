"""The staff home and invitations: who may do what, with and without htmx."""

import pytest
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.core.extensions import db
from tests.conftest import csrf_from, parse


def test_staff_pages_need_a_staff_role(client, client_request, login_as):
    assert (
        client.get("/leicestershire/staff/")
        .headers["Location"]
        .startswith("/leicestershire/sign-in?next=/leicestershire/staff/")
    )
    login_as(Role.APPROVED_CARER)
    assert client.get("/leicestershire/staff/").status_code == 403
    page = client_request.get("/leicestershire/staff/invitations", expected_status=403)
    assert page.h1 == "You do not have permission to see this page"


@pytest.mark.parametrize(
    ("role", "may_invite"),
    [
        (Role.SERVICE_MANAGER, set(Role)),
        (Role.SUPERVISING_SOCIAL_WORKER, {Role.APPROVED_CARER}),
        (Role.CHILDRENS_RIGHTS_OFFICER, {Role.YOUNG_PERSON}),
        (Role.RECRUITMENT, {Role.PROSPECTIVE_CARER}),
    ],
)
def test_each_role_invites_only_the_people_it_looks_after(
    client_request, login_as, role, may_invite
):
    login_as(role)
    page = client_request.get("/leicestershire/staff/invitations")
    offered = {Role(i["value"]) for i in page.soup.select("input[name=role]")}
    assert offered == may_invite


def test_a_role_not_offered_cannot_be_forced(client_request, login_as):
    login_as(Role.CHILDRENS_RIGHTS_OFFICER)
    page = client_request.post_form(
        "/leicestershire/staff/invitations",
        {"name": "Boss", "email": "boss@example.org", "role": "service-manager"},
        expected_status=200,
    )
    assert page.error_for("role") == "Not a valid choice."
    assert db.session.scalar(select(User).where(User.email == "boss@example.org")) is None


def test_staff_without_anyone_to_invite_are_refused(client, login_as):
    login_as(Role.COMPLAINTS_MANAGER)
    assert client.get("/leicestershire/staff/invitations").status_code == 403


def test_an_approved_carer_invitation_needs_a_carer_type(client_request, login_as):
    login_as(Role.SUPERVISING_SOCIAL_WORKER)
    page = client_request.post_form(
        "/leicestershire/staff/invitations",
        {"name": "Kim", "email": "kim@example.org", "role": "approved-carer"},
        expected_status=200,
    )
    assert page.error_for("carer_type") == "Choose the type of foster carer"
    assert page.soup.find(id="email")["value"] == "kim@example.org"


def test_inviting_an_address_already_in_use_says_so(client_request, login_as, make_user):
    staff = login_as(Role.RECRUITMENT)
    make_user(staff.service, email="taken@example.org")
    page = client_request.post_form(
        "/leicestershire/staff/invitations",
        {"name": "T", "email": "taken@example.org", "role": "prospective-carer"},
        expected_status=200,
    )
    assert page.error_for("email") == "Someone in this service already uses this email address"


def test_htmx_gets_only_the_invitations_partial(client, client_request, login_as):
    login_as(Role.RECRUITMENT)
    full = client_request.get("/leicestershire/staff/invitations")
    assert full.soup.find("html") is not None
    assert "HX-Request" in full.response.headers["Vary"]
    token = csrf_from(full)
    response = client.post(
        "/leicestershire/staff/invitations",
        data={"name": "", "email": "", "role": ""},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    partial = parse(response)
    assert response.status_code == 200
    assert partial.soup.find("html") is None
    assert partial.error_for("name") == "Enter the person's name"
    assert partial.soup.select_one(".govuk-error-summary") is not None
    assert "HX-Request" in response.headers["Vary"]


def test_an_htmx_post_without_the_csrf_header_is_refused(client, login_as):
    login_as(Role.RECRUITMENT)
    response = client.post(
        "/leicestershire/staff/invitations",
        data={"name": "A", "email": "a@example.org", "role": "prospective-carer"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400


def test_invitations_list_only_this_services_people(
    client_request, login_as, lancashire, make_user
):
    login_as(Role.SERVICE_MANAGER)
    lancashire_manager = make_user(lancashire, Role.SERVICE_MANAGER)
    make_user(lancashire, name="Lancashire Invitee", invited_by_id=lancashire_manager.id)
    page = client_request.get("/leicestershire/staff/invitations")
    assert "Lancashire Invitee" not in page.text()
    assert "No one has been invited yet." in page.text()


def test_the_invitations_page_runs_the_same_queries_for_5_or_40_people(
    client, login_as, make_user, count_queries
):
    manager = login_as(Role.SERVICE_MANAGER)
    counts = []
    for total in (5, 40):
        while (
            len(db.session.scalars(select(User).where(User.invited_by_id.is_not(None))).all())
            < total
        ):
            make_user(manager.service, Role.APPROVED_CARER, invited_by_id=manager.id)
        with count_queries() as counted:
            assert client.get("/leicestershire/staff/invitations").status_code == 200
        counts.append(counted["n"])
    assert 0 < counts[0] == counts[1]
