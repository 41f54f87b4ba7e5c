"""Registering, confirming, signing in and out, resetting a password, invitations."""

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import AccountToken, Role, TokenPurpose, User
from portal.core.extensions import db
from portal.core.models import AuditEvent
from tests.conftest import PASSWORD, links_in, path_of, sign_in


def _register(client_request, email="sam@example.org", password="a long enough phrase"):
    return client_request.post_form(
        "/leicestershire/register",
        {"name": "Sam Example", "email": email, "password": password},
    )


def test_a_new_applicant_registers_confirms_signs_in_and_out(
    client_request, client, leicestershire, smtp_server
):
    page = _register(client_request, email="  Sam@Example.org ")
    assert page.response.headers["Location"] == "/leicestershire/register/check-your-email"
    page = client_request.get("/leicestershire/register/check-your-email")
    assert "sam@example.org" in page.text()

    # Signing in before confirming sends a new link instead.
    client_request.post_form(
        "/leicestershire/sign-in", {"email": "sam@example.org", "password": "a long enough phrase"}
    )
    messages = smtp_server.deliver()
    assert len(messages) == 2
    assert messages[0]["Subject"] == "Confirm your email address"
    assert "sam@example.org" not in messages[0]["Subject"]

    confirm = path_of(links_in(messages[0])[0])
    assert confirm.startswith("/leicestershire/confirm-email/")
    response = client.get(confirm)
    assert response.headers["Location"] == "/leicestershire/sign-in"
    assert "Your email address is confirmed" in client_request.get("/leicestershire/sign-in").text()

    page = client_request.post_form(
        "/leicestershire/sign-in", {"email": "SAM@example.org", "password": "a long enough phrase"}
    )
    assert page.response.headers["Location"] == "/leicestershire/account"
    page = client_request.get("/leicestershire/account")
    assert "Sam Example" in page.text()

    client_request.post_form("/leicestershire/sign-out", {}, form_page="/leicestershire/account")
    assert client.get("/leicestershire/account").status_code == 302
    user = db.session.scalar(select(User).where(User.email == "sam@example.org"))
    assert user.roles == {Role.PROSPECTIVE_CARER}
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"account.registered", "account.email_confirmed"} <= actions


def test_a_confirmation_link_works_once(client_request, client, leicestershire, smtp_server):
    _register(client_request)
    link = path_of(links_in(smtp_server.deliver()[0])[0])
    assert client.get(link).status_code == 302
    page = client_request.get(link, expected_status=404)
    assert page.h1 == "This link does not work"


def test_registration_errors_are_specific_and_keep_what_was_typed(client_request, leicestershire):
    page = client_request.post_form(
        "/leicestershire/register",
        {"name": "Sam Example", "email": "not-an-email", "password": "short"},
        expected_status=200,
    )
    assert page.title.startswith("Error:")
    assert page.error_for("email") == (
        "Enter an email address in the correct format, like name@example.com"
    )
    assert page.error_for("password") == "Password must be 8 characters or more"
    assert page.error_summary() == [
        "Enter an email address in the correct format, like name@example.com",
        "Password must be 8 characters or more",
    ]
    assert page.soup.find(id="name")["value"] == "Sam Example"
    assert page.soup.find(id="email")["value"] == "not-an-email"

    empty = client_request.post_form("/leicestershire/register", {}, expected_status=200)
    assert empty.error_for("name") == "Enter your full name"
    assert empty.error_for("email") == "Enter your email address"
    assert empty.error_for("password") == "Enter a password"


def test_registering_an_address_that_has_an_account_reveals_nothing(
    client_request, leicestershire, make_user, smtp_server
):
    make_user(leicestershire, email="taken@example.org")
    page = _register(client_request, email="taken@example.org")
    assert page.response.headers["Location"] == "/leicestershire/register/check-your-email"
    [message] = smtp_server.deliver()
    assert message["Subject"] == "You already have an account"
    assert db.session.scalar(select(User).where(User.email == "taken@example.org")) is not None
    assert len(db.session.scalars(select(User)).all()) == 1


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    client_request, leicestershire, make_user
):
    user = make_user(leicestershire)
    for email, password in [(user.email, "wrong password"), ("nobody@example.org", PASSWORD)]:
        page = client_request.post_form(
            "/leicestershire/sign-in", {"email": email, "password": password}, expected_status=200
        )
        assert page.error_for("email") == "Enter the email address and password for your account"
        assert page.soup.find(id="email")["value"] == email


def test_an_account_of_one_service_cannot_sign_in_to_another(
    client_request, leicestershire, lancashire, make_user
):
    user = make_user(leicestershire)
    page = client_request.post_form(
        "/lancashire/sign-in", {"email": user.email, "password": PASSWORD}, expected_status=200
    )
    assert page.error_for("email")


def test_a_session_of_one_service_means_nothing_in_another(client, login_as, lancashire):
    login_as(Role.PROSPECTIVE_CARER)
    assert client.get("/leicestershire/account").status_code == 200
    response = client.get("/lancashire/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/lancashire/sign-in")


def test_signing_out_ends_a_copied_session_cookie(app, client, login_as):
    login_as(Role.APPROVED_CARER)
    stolen = client.get_cookie("portal_session").value
    assert client.get("/leicestershire/account").status_code == 200

    from tests.conftest import ClientRequest

    ClientRequest(client).post_form(
        "/leicestershire/sign-out", {}, form_page="/leicestershire/account"
    )
    attacker = app.test_client()
    attacker.set_cookie("portal_session", stolen)
    response = attacker.get("/leicestershire/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/leicestershire/sign-in")


def test_sign_in_sends_people_on_to_where_they_were_going_but_never_off_site(
    client_request, leicestershire, make_user
):
    user = make_user(leicestershire)
    page = client_request.post_form(
        "/leicestershire/sign-in?next=/leicestershire/account/change-password",
        {"email": user.email, "password": PASSWORD},
        form_page="/leicestershire/sign-in",
    )
    assert page.response.headers["Location"] == "/leicestershire/account/change-password"
    page = client_request.post_form(
        "/leicestershire/sign-in?next=//evil.example/",
        {"email": user.email, "password": PASSWORD},
        form_page="/leicestershire/sign-in",
    )
    assert page.response.headers["Location"] == "/leicestershire/account"


def test_staff_land_on_the_staff_home(client_request, leicestershire, make_user):
    user = make_user(leicestershire, Role.RECRUITMENT)
    response = sign_in(client_request, user.email, service="leicestershire")
    assert response.headers["Location"] == "/leicestershire/staff/"


def test_a_forgotten_password_is_reset_by_a_single_use_link(
    app, client, client_request, leicestershire, make_user, smtp_server
):
    user = make_user(leicestershire, email="carer@example.org")
    other_device = app.test_client()
    from tests.conftest import ClientRequest

    ClientRequest(other_device).post_form(
        "/leicestershire/sign-in", {"email": user.email, "password": PASSWORD}
    )
    assert other_device.get("/leicestershire/account").status_code == 200

    page = client_request.post_form("/leicestershire/forgot-password", {"email": user.email})
    assert page.response.headers["Location"] == "/leicestershire/forgot-password/check-your-email"
    [message] = smtp_server.deliver()
    assert message["Subject"] == "Reset your password"
    link = path_of(links_in(message)[0])

    client_request.post_form(link, {"password": "a brand new phrase"})
    # The link is spent, and every old session has ended.
    assert client_request.get(link, expected_status=404).h1 == "This link does not work"
    assert other_device.get("/leicestershire/account").status_code == 302
    page = client_request.post_form(
        "/leicestershire/sign-in", {"email": user.email, "password": "a brand new phrase"}
    )
    assert page.response.headers["Location"] == "/leicestershire/account"
    assert "account.password_reset" in set(db.session.scalars(select(AuditEvent.action)))


def test_a_reset_link_expires(client_request, leicestershire, make_user, smtp_server):
    user = make_user(leicestershire)
    client_request.post_form("/leicestershire/forgot-password", {"email": user.email})
    link = path_of(links_in(smtp_server.deliver()[0])[0])
    token = db.session.scalar(select(AccountToken))
    assert token.purpose == TokenPurpose.RESET_PASSWORD
    token.expires_at = token.created_at - timedelta(seconds=1)
    db.session.commit()
    assert client_request.get(link, expected_status=404).h1 == "This link does not work"


def test_asking_to_reset_an_unknown_address_looks_the_same_and_sends_nothing(
    client_request, leicestershire, smtp_server
):
    page = client_request.post_form(
        "/leicestershire/forgot-password", {"email": "nobody@example.org"}
    )
    assert page.response.headers["Location"] == "/leicestershire/forgot-password/check-your-email"
    assert smtp_server.deliver() == []


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(
    app, client, client_request, leicestershire, make_user
):
    from tests.conftest import ClientRequest

    user = make_user(leicestershire)
    sign_in(client_request, user.email, service="leicestershire")
    other = app.test_client()
    ClientRequest(other).post_form(
        "/leicestershire/sign-in", {"email": user.email, "password": PASSWORD}
    )
    wrong = client_request.post_form(
        "/leicestershire/account/change-password",
        {"current_password": "not it", "new_password": "another long phrase"},
        expected_status=200,
    )
    assert wrong.error_for("current_password") == "Your current password is not right"
    client_request.post_form(
        "/leicestershire/account/change-password",
        {"current_password": PASSWORD, "new_password": "another long phrase"},
    )
    assert client.get("/leicestershire/account").status_code == 200
    assert other.get("/leicestershire/account").status_code == 302


def test_disabling_an_account_ends_its_sessions(app, client, login_as):
    from portal.accounts.services import disable_user

    user = login_as(Role.APPROVED_CARER)
    assert client.get("/leicestershire/account").status_code == 200
    disable_user(db.session.get(User, user.id), by=user)
    assert client.get("/leicestershire/account").status_code == 302


def test_an_invited_person_sets_up_their_account(
    client, client_request, leicestershire, make_user, smtp_server
):
    from portal.accounts.models import CarerType

    manager = make_user(leicestershire, Role.SUPERVISING_SOCIAL_WORKER)
    sign_in(client_request, manager.email, service="leicestershire")
    client_request.post_form(
        "/leicestershire/staff/invitations",
        {
            "name": "Kim New",
            "email": "kim@example.org",
            "role": "approved-carer",
            "carer_type": "family-and-friends",
        },
    )
    client_request.post_form("/leicestershire/sign-out", {}, form_page="/leicestershire/account")
    [message] = smtp_server.deliver()
    assert message["Subject"] == "You are invited to the fostering portal"
    link = path_of(links_in(message)[0])
    page = client_request.get(link)
    assert page.soup.find(id="name")["value"] == "Kim New"
    assert "kim@example.org" in page.text()
    page = client_request.post_form(link, {"name": "Kim Newton", "password": "my own long phrase"})
    assert page.response.headers["Location"] == "/leicestershire/account"
    user = db.session.scalar(select(User).where(User.email == "kim@example.org"))
    assert user.name == "Kim Newton"
    assert user.roles == {Role.APPROVED_CARER}
    assert user.carer_type == CarerType.FAMILY_AND_FRIENDS
    assert user.invited_by_id == manager.id
    assert client_request.get(link, expected_status=404).h1 == "This link does not work"


def test_emails_are_written_in_the_recipients_language(
    client_request, leicestershire, make_user, smtp_server
):
    user = make_user(leicestershire, locale="pl")
    client_request.post_form("/leicestershire/forgot-password", {"email": user.email})
    [message] = smtp_server.deliver()
    assert message["Content-Language"] == "pl"
    assert message["Subject"] != "Reset your password"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "reset-password/" in body
    assert "We received a request" not in body
