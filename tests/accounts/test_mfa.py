"""Two-step sign-in: staff must give a one-time code, carers may choose to, and every
change to how someone signs in asks them to prove who they are again."""

import re
import time

import pyotp
from sqlalchemy import select, text

from portal.accounts.models import RecoveryCode, Role, User
from portal.core.audit import AuditEvent
from portal.core.extensions import db
from portal.demo.services import DEMO_TOTP_SECRET, demo_users
from tests.conftest import (
    PASSWORD,
    TOTP_SECRET,
    ClientRequest,
    csrf_from,
    one_time_code,
    parse,
    sign_in,
)

SIGN_IN = "/leicestershire/sign-in"
CODE = "/leicestershire/sign-in/code"


def _password(client_request, email, password=PASSWORD):
    return client_request.post_form(SIGN_IN, {"email": email, "password": password})


def _code_page(client_request, code, expected_status=302):
    return client_request.post_form(CODE, {"code": code}, expected_status=expected_status)


def test_staff_cannot_reach_their_workspace_with_only_their_password(
    client_request, leicestershire, make_user
):
    officer = make_user(leicestershire, Role.CHILDRENS_RIGHTS_OFFICER)
    page = _password(client_request, officer.email)
    assert page.response.headers["Location"] == CODE

    for path in ("/leicestershire/staff/", "/leicestershire/staff/childrens-rights"):
        response = client_request.client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith(SIGN_IN)

    page = _code_page(client_request, one_time_code(officer.email))
    assert page.response.headers["Location"] == "/leicestershire/staff/"
    assert client_request.get("/leicestershire/staff/").status == 200


def test_the_code_page_asks_for_the_code_the_way_phones_fill_it_in(
    client_request, leicestershire, make_user
):
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    _password(client_request, manager.email)
    page = client_request.get(CODE)
    field = page.soup.find("input", attrs={"name": "code"})
    assert field["autocomplete"] == "one-time-code"
    assert field["inputmode"] == "numeric"
    assert page.soup.find("label", attrs={"for": "code"}).get_text(strip=True) == (
        "Code from your authenticator app"
    )
    assert page.soup.find("a", string=re.compile("use a recovery code"))


def test_a_wrong_or_missing_code_is_explained_beside_the_field(
    client_request, leicestershire, make_user
):
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    _password(client_request, manager.email)
    page = _code_page(client_request, "", expected_status=200)
    assert page.error_for("code") == "Enter the 6-digit code from your authenticator app"
    right = pyotp.TOTP(TOTP_SECRET).now()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    page = _code_page(client_request, wrong, expected_status=200)
    assert page.error_for("code") == (
        "The code is not right. Check the app shows this service and try its newest code"
    )
    assert page.soup.find("input", attrs={"name": "code"})["value"] == wrong
    page = _code_page(client_request, "12ab<script>", expected_status=200)
    assert "<script>" not in page.response.get_data(as_text=True)
    assert client_request.client.get("/leicestershire/staff/").status_code == 302


def test_spaces_in_a_code_are_fine(client_request, leicestershire, make_user):
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    _password(client_request, manager.email)
    code = one_time_code(manager.email)
    _code_page(client_request, f"{code[:3]} {code[3:]}")
    assert client_request.get("/leicestershire/staff/").status == 200


def test_a_code_works_only_once(app, client_request, leicestershire, make_user):
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    code = one_time_code(manager.email)
    _password(client_request, manager.email)
    _code_page(client_request, code)

    thief = ClientRequest(app.test_client())
    _password(thief, manager.email)
    page = _code_page(thief, code, expected_status=200)
    assert page.error_for("code") == (
        "That code has already been used. Wait for your app to show a new one"
    )
    assert thief.client.get("/leicestershire/staff/").status_code == 302


def test_the_wait_for_a_code_ends_after_ten_minutes(client_request, leicestershire, make_user):
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    _password(client_request, manager.email)
    with client_request.client.session_transaction() as session:
        session["pending_sign_in"] = {**session["pending_sign_in"], "at": int(time.time()) - 660}
    response = client_request.client.get(CODE)
    assert response.status_code == 302
    assert response.headers["Location"] == SIGN_IN
    assert "timed out" in client_request.get(SIGN_IN).text()


def test_changing_the_password_elsewhere_ends_a_wait_for_a_code(
    app, client_request, leicestershire, make_user
):
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    _password(client_request, manager.email)
    manager.session_token = "changed-since"
    db.session.commit()
    token = csrf_from(client_request.get(SIGN_IN))
    response = client_request.client.post(
        CODE, data={"csrf_token": token, "code": one_time_code(manager.email)}
    )
    assert response.status_code == 302 and response.headers["Location"] == SIGN_IN
    assert client_request.client.get("/leicestershire/staff/").status_code == 302


def test_staff_without_an_app_set_one_up_before_they_get_in(
    client_request, leicestershire, make_user
):
    recruiter = make_user(leicestershire, Role.RECRUITMENT, mfa=False)
    page = _password(client_request, recruiter.email)
    assert page.response.headers["Location"] == "/leicestershire/sign-in/set-up-code"
    assert client_request.client.get("/leicestershire/staff/").status_code == 302

    page = client_request.get("/leicestershire/sign-in/set-up-code")
    assert page.h1 == "Set up two-step sign-in"
    image = page.soup.find("img", class_="app-qr-code")
    assert image["src"].startswith("data:image/svg+xml")
    assert "QR code" in image["alt"]
    secret = page.soup.find("code", class_="app-secret").get_text().replace(" ", "")
    assert len(secret) == 32

    page = client_request.post_form(
        "/leicestershire/sign-in/set-up-code",
        {"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"},
        expected_status=200,
    )
    assert page.error_for("code").startswith("The code is not right")

    page = client_request.post_form(
        "/leicestershire/sign-in/set-up-code",
        {"code": pyotp.TOTP(secret).now()},
        expected_status=200,
    )
    assert page.h1 == "Save your recovery codes"
    codes = [li.get_text(strip=True) for li in page.soup.select(".app-recovery-codes li")]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", c) for c in codes)
    assert page.response.headers["Cache-Control"] == "no-store"
    assert client_request.get("/leicestershire/staff/").status == 200

    db.session.expire_all()
    user = db.session.get(User, recruiter.id)
    assert user.uses_mfa and user.totp_secret == secret
    stored = db.session.scalar(
        text("SELECT totp_secret FROM user_account WHERE id = :id"), {"id": user.id}
    )
    assert secret not in stored  # encrypted at rest
    hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(hashes) == 10 and not set(hashes) & set(codes)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.mfa_turned_on"))


def test_an_invited_member_of_staff_sets_up_their_app_before_getting_in(
    client_request, leicestershire, make_user, smtp_server, app
):
    from portal.accounts.services import invite_user
    from tests.conftest import links_in, path_of

    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    with app.test_request_context():
        invite_user(
            leicestershire,
            manager,
            email="new.worker@example.org",
            name="New Worker",
            role=Role.SUPERVISING_SOCIAL_WORKER,
            carer_type=None,
            locale="en",
        )
    [message] = smtp_server.deliver()
    link = path_of(links_in(message)[0])
    page = client_request.post_form(link, {"name": "New Worker", "password": "a new long phrase"})
    assert page.response.headers["Location"] == "/leicestershire/sign-in/set-up-code"
    assert client_request.client.get("/leicestershire/staff/").status_code == 302


def test_a_recovery_code_signs_in_once(app, client_request, leicestershire, make_user):
    from portal.accounts import mfa

    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    with app.test_request_context():
        codes = mfa.new_recovery_codes(manager)
        db.session.commit()

    _password(client_request, manager.email)
    page = client_request.post_form(
        "/leicestershire/sign-in/recovery-code", {"code": codes[3].upper().replace("-", " ")}
    )
    assert page.response.headers["Location"] == "/leicestershire/staff/"
    assert "You have 9 left" in client_request.get("/leicestershire/staff/").text()

    again = ClientRequest(app.test_client())
    _password(again, manager.email)
    page = again.post_form(
        "/leicestershire/sign-in/recovery-code", {"code": codes[3]}, expected_status=200
    )
    assert page.error_for("code") == (
        "That recovery code is not right, or it has been used already"
    )


def test_carers_sign_in_with_a_password_until_they_turn_codes_on(
    client_request, leicestershire, make_user
):
    carer = make_user(leicestershire, Role.APPROVED_CARER)
    page = _password(client_request, carer.email)
    assert page.response.headers["Location"] == "/leicestershire/account"

    page = client_request.get("/leicestershire/account")
    assert "Two-step sign-in" in page.text()
    page = client_request.get("/leicestershire/account/two-step-sign-in")
    assert "Two-step sign-in is off" in page.text()
    # Just signed in: no need to confirm again.
    page = client_request.get("/leicestershire/account/two-step-sign-in/set-up")
    secret = page.soup.find("code", class_="app-secret").get_text().replace(" ", "")
    page = client_request.post_form(
        "/leicestershire/account/two-step-sign-in/set-up",
        {"code": pyotp.TOTP(secret).now()},
        expected_status=200,
    )
    assert page.h1 == "Save your recovery codes"

    later = ClientRequest(client_request.client.application.test_client())
    page = _password(later, carer.email)
    assert page.response.headers["Location"] == CODE


def test_carers_may_turn_codes_off_but_staff_may_not(app, leicestershire, make_user):
    carer = make_user(leicestershire, Role.APPROVED_CARER, mfa=True)
    client = ClientRequest(app.test_client())
    sign_in(client, carer.email)
    page = client.get("/leicestershire/account/two-step-sign-in")
    assert page.soup.find("a", string="Turn off two-step sign-in")
    client.post_form("/leicestershire/account/two-step-sign-in/turn-off", {})
    db.session.expire_all()
    assert not db.session.get(User, carer.id).uses_mfa

    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    staff = ClientRequest(app.test_client())
    sign_in(staff, manager.email)
    page = staff.get("/leicestershire/account/two-step-sign-in")
    assert not page.soup.find("a", string="Turn off two-step sign-in")
    assert "Staff accounts always use two-step sign-in" in page.text()
    token = csrf_from(staff.get("/leicestershire/account"))
    response = staff.client.post(
        "/leicestershire/account/two-step-sign-in/turn-off", data={"csrf_token": token}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, manager.id).uses_mfa


def _age_confirmation(client, minutes=16):
    with client.session_transaction() as session:
        session["confirmed_at"] = int(time.time()) - minutes * 60


def test_security_changes_ask_for_the_password_and_code_again_after_a_while(
    app, leicestershire, make_user
):
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    client = ClientRequest(app.test_client())
    sign_in(client, manager.email)
    assert client.get("/leicestershire/account/change-password").status == 200
    _age_confirmation(client.client)

    for path in (
        "/leicestershire/account/change-password",
        "/leicestershire/account/two-step-sign-in/set-up",
        "/leicestershire/account/two-step-sign-in/recovery-codes",
    ):
        response = client.client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith(
            "/leicestershire/account/confirm-it-is-you?next="
        )
    # A POST straight to the change is refused the same way.
    token = csrf_from(client.get("/leicestershire/account"))
    response = client.client.post(
        "/leicestershire/account/two-step-sign-in/recovery-codes", data={"csrf_token": token}
    )
    assert response.headers["Location"].startswith("/leicestershire/account/confirm-it-is-you")

    confirm = (
        "/leicestershire/account/confirm-it-is-you?next=/leicestershire/account/change-password"
    )
    page = client.post_form(
        confirm, {"password": "not my password", "code": "123456"}, expected_status=200
    )
    assert page.error_for("password") == "Your password is not right"
    page = client.post_form(confirm, {"password": PASSWORD, "code": ""}, expected_status=200)
    assert page.error_for("code") == "Enter the 6-digit code from your authenticator app"
    page = client.post_form(confirm, {"password": PASSWORD, "code": one_time_code(manager.email)})
    assert page.response.headers["Location"] == "/leicestershire/account/change-password"
    assert client.get("/leicestershire/account/change-password").status == 200


def test_new_recovery_codes_replace_the_old_ones(app, leicestershire, make_user):
    from portal.accounts import mfa

    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    with app.test_request_context():
        old = mfa.new_recovery_codes(manager)
        db.session.commit()
    client = ClientRequest(app.test_client())
    sign_in(client, manager.email)
    page = client.post_form(
        "/leicestershire/account/two-step-sign-in/recovery-codes", {}, expected_status=200
    )
    new = [li.get_text(strip=True) for li in page.soup.select(".app-recovery-codes li")]
    assert len(new) == 10 and not set(new) & set(old)
    with app.test_request_context():
        user = db.session.get(User, manager.id)
        assert not mfa.use_recovery_code(user, old[0])
        assert mfa.use_recovery_code(user, new[0])


def test_demo_staff_use_the_published_secret_and_others_none(leicestershire):
    users = demo_users(leicestershire, "hash")
    staff = [u for u in users if u.is_staff]
    others = [u for u in users if not u.is_staff]
    assert staff and all(u.totp_secret == DEMO_TOTP_SECRET and u.mfa_enabled_at for u in staff)
    assert all(u.totp_secret is None for u in others)
    assert len(DEMO_TOTP_SECRET) == 32 and pyotp.TOTP(DEMO_TOTP_SECRET).now().isdigit()
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert DEMO_TOTP_SECRET in readme


def test_the_sign_in_page_has_no_remember_me(client_request, leicestershire):
    page = client_request.get(SIGN_IN)
    names = {i.get("name") for i in page.soup.select("form input")}
    assert names == {"csrf_token", "email", "password"}
    assert "remember" not in page.text().lower()


def test_signing_in_leaves_no_lasting_cookie(client_request, leicestershire, make_user):
    carer = make_user(leicestershire, Role.APPROVED_CARER)
    response = sign_in(client_request, carer.email)
    cookies = response.headers.getlist("Set-Cookie")
    assert not any("remember_token" in c for c in cookies)
    assert parse(client_request.client.get("/leicestershire/account")).status == 200
