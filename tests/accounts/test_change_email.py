"""Changing the email address: confirm it is you, then a link to the new address."""

from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.core.audit import AuditEvent
from portal.core.extensions import db
from tests.conftest import ClientRequest, links_in, path_of, sign_in

CHANGE = "/leicestershire/account/change-email"


def test_the_address_changes_only_when_the_link_sent_to_it_is_opened(
    app, client_request, leicestershire, make_user, smtp_server
):
    carer = make_user(leicestershire, Role.APPROVED_CARER, email="old@example.org")
    sign_in(client_request, carer.email)
    page = client_request.get("/leicestershire/account")
    assert page.soup.find("a", href=CHANGE)

    page = client_request.post_form(CHANGE, {"email": "New@Example.org"})
    assert page.response.headers["Location"] == CHANGE + "/check-your-email"
    assert "new@example.org" in client_request.get(CHANGE + "/check-your-email").text()
    db.session.expire_all()
    assert db.session.get(User, carer.id).email == "old@example.org"

    [message] = smtp_server.deliver()
    assert message["To"] == "new@example.org"
    assert "@" not in message["Subject"]
    link = path_of(links_in(message)[0])
    response = client_request.client.get(link)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, carer.id).email == "new@example.org"
    [_, notice] = smtp_server.deliver()
    assert notice["To"] == "old@example.org"
    assert "new@example.org" in notice.get_body(preferencelist=("plain",)).get_content()
    assert client_request.client.get(link).status_code == 404  # the link works once
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "account.email_changed" in actions

    fresh = ClientRequest(app.test_client())
    sign_in(fresh, "new@example.org")


def test_mistakes_are_explained_and_nothing_is_sent(
    client_request, leicestershire, make_user, smtp_server
):
    carer = make_user(leicestershire, Role.APPROVED_CARER, email="me@example.org")
    sign_in(client_request, carer.email)
    page = client_request.post_form(CHANGE, {"email": ""}, expected_status=200)
    assert page.error_for("email") == "Enter your new email address"
    page = client_request.post_form(CHANGE, {"email": "not an address"}, expected_status=200)
    assert page.error_for("email").startswith("Enter an email address in the correct format")
    assert page.soup.find("input", attrs={"name": "email"})["value"] == "not an address"
    page = client_request.post_form(CHANGE, {"email": "ME@example.org"}, expected_status=200)
    assert page.error_for("email") == "This is the address your account already uses"
    assert smtp_server.deliver() == []


def test_an_address_in_use_gets_the_same_page_and_no_link(
    client_request, leicestershire, make_user, smtp_server
):
    make_user(leicestershire, Role.APPROVED_CARER, email="taken@example.org")
    carer = make_user(leicestershire, Role.APPROVED_CARER)
    sign_in(client_request, carer.email)
    page = client_request.post_form(CHANGE, {"email": "taken@example.org"})
    assert page.response.headers["Location"] == CHANGE + "/check-your-email"
    assert smtp_server.deliver() == []


def test_changing_the_address_needs_a_recent_password_and_code(app, leicestershire, make_user):
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    client = ClientRequest(app.test_client())
    sign_in(client, manager.email)
    assert client.get(CHANGE).status == 200
    with client.client.session_transaction() as session:
        session["confirmed_at"] -= 16 * 60
    response = client.client.get(CHANGE)
    assert response.headers["Location"] == (
        "/leicestershire/account/confirm-it-is-you?next=/leicestershire/account/change-email"
    )
