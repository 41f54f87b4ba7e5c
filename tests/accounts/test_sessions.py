"""Sessions: new at sign-in, ended when idle or too old, and useless once signed out."""

import pytest

from portal.accounts.models import Role
from tests.conftest import ClientRequest, csrf_from, sign_in

ACCOUNT = "/leicestershire/account"


def _shift(client, *, seen_minutes=0, signed_in_hours=0):
    """Move the session's clocks back, as if time had passed."""
    with client.session_transaction() as session:
        session["seen_at"] -= seen_minutes * 60
        session["signed_in_at"] -= signed_in_hours * 3600


def _signed_in(app, make_user, service, role):
    user = make_user(service, role)
    client = ClientRequest(app.test_client())
    sign_in(client, user.email)
    return client, user


@pytest.mark.parametrize(
    ("role", "home", "allowed_idle", "too_long"),
    [
        (Role.SERVICE_MANAGER, "/leicestershire/staff/", 29, 31),
        (Role.CHILDRENS_RIGHTS_OFFICER, "/leicestershire/staff/", 29, 31),
        (Role.APPROVED_CARER, ACCOUNT, 119, 121),
        (Role.YOUNG_PERSON, ACCOUNT, 119, 121),
    ],
)
def test_an_idle_session_ends_after_its_time(
    app, leicestershire, make_user, role, home, allowed_idle, too_long
):
    client, _ = _signed_in(app, make_user, leicestershire, role)
    _shift(client.client, seen_minutes=allowed_idle)
    assert client.get(home).status == 200  # still in, and the idle clock starts again
    _shift(client.client, seen_minutes=allowed_idle)
    assert client.get(home).status == 200

    _shift(client.client, seen_minutes=too_long)
    response = client.client.get(home)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/leicestershire/sign-in?next={home}"
    page = client.get("/leicestershire/sign-in")
    assert "You were signed out to keep your account safe" in page.text()
    # Signed out for good: going back does not bring the session back.
    assert client.client.get(home).status_code == 302


def test_the_idle_times_are_settings(app, leicestershire, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    client, _ = _signed_in(app, make_user, leicestershire, Role.APPROVED_CARER)
    _shift(client.client, seen_minutes=6)
    assert client.client.get(ACCOUNT).status_code == 302


def test_a_busy_session_still_ends_after_twelve_hours(app, leicestershire, make_user):
    client, _ = _signed_in(app, make_user, leicestershire, Role.APPROVED_CARER)
    _shift(client.client, signed_in_hours=11)
    assert client.get(ACCOUNT).status == 200
    _shift(client.client, signed_in_hours=2)  # 13 hours, though seen a moment ago
    assert client.client.get(ACCOUNT).status_code == 302


def test_a_page_polling_for_updates_does_not_keep_a_session_alive(app, leicestershire, make_user):
    client, _ = _signed_in(app, make_user, leicestershire, Role.SERVICE_MANAGER)
    _shift(client.client, seen_minutes=20)
    poll = {"HX-Request": "true", "Portal-Poll": "true"}
    assert client.client.get("/leicestershire/staff/?part=counts", headers=poll).status_code == 200
    _shift(client.client, seen_minutes=11)  # 31 minutes since the person last did anything
    response = client.client.get("/leicestershire/staff/?part=counts", headers=poll)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/leicestershire/sign-in")


def test_sessions_from_before_these_limits_are_ended(app, leicestershire, make_user):
    client, _ = _signed_in(app, make_user, leicestershire, Role.APPROVED_CARER)
    with client.client.session_transaction() as session:
        del session["signed_in_at"], session["seen_at"]
    assert client.client.get(ACCOUNT).status_code == 302


def test_signing_in_starts_a_new_session(app, leicestershire, make_user):
    carer = make_user(leicestershire, Role.APPROVED_CARER)
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"  # a fixed session handed to the victim
        session["language"] = "pl"
    sign_in(client, carer.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["language"] == "pl"  # the person's own choice stays


def test_signing_out_makes_a_copied_cookie_useless_and_clears_the_browser(
    app, leicestershire, make_user
):
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    client = ClientRequest(app.test_client())
    sign_in(client, manager.email)
    cookie = client.client.get_cookie("portal_session").value

    copy = app.test_client()
    copy.set_cookie("portal_session", cookie)
    assert copy.get("/leicestershire/staff/").status_code == 200

    token = csrf_from(client.get("/leicestershire/staff/"))
    response = client.client.post("/leicestershire/sign-out", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'

    # The copy was taken before signing out: it opens nothing now, on any device.
    response = copy.get("/leicestershire/staff/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/leicestershire/sign-in")


def test_signing_in_on_a_second_device_keeps_the_first(app, leicestershire, make_user):
    carer = make_user(leicestershire, Role.APPROVED_CARER)
    phone, laptop = ClientRequest(app.test_client()), ClientRequest(app.test_client())
    sign_in(phone, carer.email)
    sign_in(laptop, carer.email)
    # Both stay signed in at once; signing out of either ends both (see above).
    assert phone.get(ACCOUNT).status == 200 and laptop.get(ACCOUNT).status == 200
