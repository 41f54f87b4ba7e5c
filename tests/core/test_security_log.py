"""Security events are logged once each, with who, where and when, and nothing secret (ASVS 16)."""

import logging
import re

import pytest

from portal.accounts.models import Role, User
from portal.core import security_log
from portal.core.extensions import db, limiter
from tests.conftest import PASSWORD, ClientRequest, csrf_from, links_in, path_of

LINE = re.compile(r"^at=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z event=\S+ ")
FIELD = r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s"]+)'


def parse_line(line: str) -> dict[str, str]:
    """The fields of one logged line; the whole line must be `key=value` pairs."""
    assert re.fullmatch(rf"{FIELD}(?: {FIELD})*", line), line
    return {
        key: value[1:-1] if value.startswith('"') else value
        for key, value in re.findall(FIELD, line)
    }


@pytest.fixture
def security_events(caplog):
    """The portal.security lines logged so far, each parsed into its fields."""
    caplog.set_level(logging.DEBUG)

    def events(name: str | None = None) -> list[dict[str, str]]:
        found = []
        for record in caplog.records:
            if record.name != "portal.security":
                continue
            line = record.getMessage()
            assert LINE.match(line), line
            assert "\n" not in line and "\r" not in line
            fields = parse_line(line)
            if name is None or fields["event"] == name:
                found.append(fields)
        return found

    return events


def _sign_in(client_request, email, password, expected_status=302):
    return client_request.post_form(
        "/leicestershire/sign-in",
        {"email": email, "password": password},
        expected_status=expected_status,
    )


def test_a_successful_sign_in_is_logged_once_with_who_where_and_when(
    client_request, leicestershire, make_user, security_events
):
    user = make_user(leicestershire, email="carer@example.org")
    _sign_in(client_request, user.email, PASSWORD)
    [event] = security_events("sign_in.succeeded")
    assert event["user"] == str(user.id)
    assert event["service"] == "leicestershire"
    assert event["client"] == "127.0.0.1"
    assert event["path"] == "/leicestershire/sign-in"


def test_failed_sign_ins_are_logged_with_the_account_when_there_is_one(
    client_request, leicestershire, make_user, security_events
):
    user = make_user(leicestershire)
    disabled = make_user(leicestershire, is_disabled=True)
    _sign_in(client_request, user.email, "not the password", expected_status=200)
    _sign_in(client_request, "nobody@example.org", "not the password", expected_status=200)
    _sign_in(client_request, disabled.email, PASSWORD, expected_status=200)
    failed = security_events("sign_in.failed")
    assert [(e["user"], e["reason"]) for e in failed] == [
        (str(user.id), "wrong password"),
        ("-", "unknown account"),
        (str(disabled.id), "account disabled"),
    ]
    assert not security_events("sign_in.succeeded")


def test_signing_out_is_logged(client_request, login_as, security_events):
    user = login_as()
    client_request.post_form("/leicestershire/sign-out", {}, form_page="/leicestershire/account")
    [event] = security_events("sign_out")
    assert event["user"] == str(user.id)


def test_a_password_reset_is_logged_when_asked_for_and_when_done(
    client_request, leicestershire, make_user, smtp_server, security_events
):
    user = make_user(leicestershire)
    client_request.post_form("/leicestershire/forgot-password", {"email": user.email})
    client_request.post_form("/leicestershire/forgot-password", {"email": "nobody@example.org"})
    link = path_of(links_in(smtp_server.deliver()[0])[0])
    client_request.post_form(link, {"password": "a brand new phrase"})

    asked = security_events("password_reset.requested")
    assert [e["user"] for e in asked] == [str(user.id), "-"]
    [done] = security_events("password_reset.completed")
    assert done["user"] == str(user.id)
    assert done["path"] == "/leicestershire/reset-password/[redacted]"


def test_changing_a_password_is_logged(client_request, login_as, security_events):
    user = login_as()
    client_request.post_form(
        "/leicestershire/account/change-password",
        {"current_password": PASSWORD, "new_password": "another long phrase"},
    )
    [event] = security_events("password.changed")
    assert event["user"] == str(user.id)


def test_disabling_an_account_is_logged_with_who_did_it(
    client_request, login_as, make_user, leicestershire, security_events
):
    manager = login_as(Role.SERVICE_MANAGER)
    colleague = make_user(leicestershire, Role.RECRUITMENT)
    settings = "/leicestershire/staff/settings"
    client_request.post_form(
        f"{settings}/staff/{colleague.id}/disable", {}, form_page=f"{settings}/staff"
    )
    [event] = security_events("account.disabled")
    assert (event["user"], event["by"]) == (str(colleague.id), str(manager.id))


def test_a_refused_page_is_logged_as_an_authorisation_failure(
    client, client_request, login_as, security_events
):
    client.get("/leicestershire/staff/")
    [anonymous] = security_events("access.sign_in_required")
    assert (anonymous["user"], anonymous["path"]) == ("-", "/leicestershire/staff/")

    carer = login_as(Role.APPROVED_CARER)
    client_request.get("/leicestershire/staff/", expected_status=403)
    [denied] = security_events("access.denied")
    assert (denied["user"], denied["path"]) == (str(carer.id), "/leicestershire/staff/")
    # Ordinary redirects (after signing in, say) are not refusals.
    assert len(security_events("access.sign_in_required")) == 1


def test_hitting_the_rate_limit_is_logged(app, leicestershire, make_user, security_events):
    user = make_user(leicestershire)
    guesser = ClientRequest(app.test_client())
    token = csrf_from(guesser.get("/leicestershire/sign-in"))
    relaxed = app.config["AUTH_ATTEMPTS_LIMIT"]
    app.config["AUTH_ATTEMPTS_LIMIT"] = "2 per 5 minutes"
    limiter.reset()
    try:
        statuses = [
            guesser.client.post(
                "/leicestershire/sign-in",
                data={"csrf_token": token, "email": user.email, "password": f"guess {n}"},
            ).status_code
            for n in range(3)
        ]
    finally:
        app.config["AUTH_ATTEMPTS_LIMIT"] = relaxed
        limiter.reset()
    assert statuses == [200, 200, 429]
    [event] = security_events("rate_limit.exceeded")
    assert event["path"] == "/leicestershire/sign-in"


def test_no_password_token_or_email_reaches_any_log(
    client_request, leicestershire, make_user, smtp_server, security_events, caplog
):
    user = make_user(leicestershire, email="private.person@example.org")
    _sign_in(client_request, user.email, "a wrong guess phrase", expected_status=200)
    client_request.post_form("/leicestershire/forgot-password", {"email": user.email})
    link = path_of(links_in(smtp_server.deliver()[0])[0])
    raw_token = link.rsplit("/", 1)[1]
    client_request.get(link)
    client_request.post_form(link, {"password": "a brand new phrase"})
    _sign_in(client_request, user.email, "a brand new phrase")
    client_request.post_form(
        "/leicestershire/account/change-password",
        {"current_password": "a brand new phrase", "new_password": "a third secret phrase"},
    )

    assert len(security_events()) >= 5
    secrets = [PASSWORD, "a wrong guess phrase", "a brand new phrase", "a third secret phrase"]
    for record in caplog.records:
        logged = f"{record.getMessage()} {record.args!r} {vars(record)!r}"
        for secret in [*secrets, raw_token]:
            assert secret not in logged, f"{record.name} logged a secret"
        if record.name == "portal.security":
            assert user.email not in logged
            assert db.session.get(User, user.id).password_hash not in logged


def test_control_characters_cannot_forge_a_line_or_a_field(app, leicestershire, caplog):
    caplog.set_level(logging.INFO, logger="portal.security")
    forged = "x\r\nat=2020-01-01T00:00:00.000Z event=sign_in.succeeded user=1\x1b[2J\u2028"
    with app.test_request_context("/leicestershire/staff/x%0D%0AFAKE"):
        security_log.record("sign_in.failed", reason=forged)
    [record] = caplog.records
    line = record.getMessage()
    assert not any(ord(char) < 0x20 or char in "\u2028\u2029\x7f" for char in line)
    assert "\\r\\n" in line and "\\x1b" in line and "\\u2028" in line
    fields = parse_line(line)
    assert fields["event"] == "sign_in.failed"
    assert fields["user"] == "-"
    assert fields["reason"].startswith("x\\r\\nat=")
    assert fields["path"] == "/leicestershire/staff/x\\r\\nFAKE"


def test_a_secret_in_a_url_is_never_logged(app, leicestershire, caplog):
    caplog.set_level(logging.INFO, logger="portal.security")
    secret = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5"
    with app.test_request_context(f"/leicestershire/confirm-email/{secret}"):
        security_log.record("sign_in.failed")
    with app.test_request_context(f"/leicestershire/anything/{secret}/more"):
        security_log.record("sign_in.failed")
    assert [secret in r.getMessage() for r in caplog.records] == [False, False]
    assert "[redacted]" in caplog.records[0].getMessage()


def test_an_email_or_user_agent_with_a_line_break_cannot_forge_a_line(
    client, client_request, leicestershire, security_events, caplog
):
    for email in ["x@example.org\r\nFAKE", "x@example.org"]:
        client_request.post_form(
            "/leicestershire/sign-in",
            {"email": email, "password": "a\r\nFAKE event=sign_in.succeeded"},
            expected_status=200,
            environ_base={"HTTP_USER_AGENT": "Mozilla\r\nFAKE"},
        )
    client.get(
        "/leicestershire/staff/settings/tsds/%0D%0AFAKE",
        environ_base={"HTTP_USER_AGENT": "\nFAKE"},
    )
    # Every line parses as one line of fields (see the fixture).
    assert [e["event"] for e in security_events()] == ["sign_in.failed", "access.sign_in_required"]
    assert not security_events("sign_in.succeeded")
    for record in caplog.records:
        assert not record.getMessage().startswith("FAKE")
        assert "\nFAKE" not in record.getMessage()


def test_two_step_sign_in_and_expired_sessions_are_logged_without_the_code(
    client_request, leicestershire, make_user, security_events
):
    from tests.conftest import one_time_code

    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    client_request.post_form(
        "/leicestershire/sign-in", {"email": manager.email, "password": PASSWORD}
    )
    right = one_time_code(manager.email)
    wrong = f"{(int(right) + 5) % 1_000_000:06d}"
    client_request.post_form("/leicestershire/sign-in/code", {"code": wrong}, expected_status=200)
    client_request.post_form("/leicestershire/sign-in/code", {"code": right})
    [accepted] = security_events("sign_in.password_accepted")
    [failed] = security_events("mfa.failed")
    [succeeded] = security_events("sign_in.succeeded")
    assert accepted["user"] == failed["user"] == succeeded["user"] == str(manager.id)
    assert failed["reason"] == "wrong" and succeeded["method"] == "code"
    with client_request.client.session_transaction() as session:
        session["seen_at"] -= 31 * 60
    client_request.client.get("/leicestershire/staff/")
    [expired] = security_events("session.expired")
    assert expired["user"] == str(manager.id) and expired["reason"] == "idle"
    everything = " ".join(str(e) for e in security_events())
    assert wrong not in everything and right not in everything
