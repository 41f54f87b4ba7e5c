"""The app factory, configuration, security headers, error pages and the schema."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine

from config import Config, ProductionConfig, TestConfig
from portal import create_app, tel_href
from portal.core import audit
from portal.core.audit import AuditLogIsAppendOnly
from portal.core.extensions import db
from portal.core.models import AuditEvent


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_refuses_to_start_without_encryption_keys(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "set")
    monkeypatch.setattr(ProductionConfig, "DATA_ENCRYPTION_KEYS", ())
    with pytest.raises(RuntimeError, match="DATA_ENCRYPTION_KEYS"):
        create_app(ProductionConfig)


def test_database_url_accepts_plain_postgres_urls(monkeypatch):
    from config import _database_url

    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/portal")
    assert _database_url("sqlite://") == "postgresql+psycopg://u:p@db/portal"
    monkeypatch.delenv("DATABASE_URL")
    assert _database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_production_cookies_are_secure_and_http_only():
    assert Config.SESSION_COOKIE_SECURE is True
    assert Config.SESSION_COOKIE_HTTPONLY is True
    assert Config.SESSION_COOKIE_SAMESITE == "Lax"
    assert Config.HSTS is True


def test_pages_carry_security_headers(client, leicestershire):
    response = client.get("/leicestershire/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "base-uri 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    # A page with nothing to remember sets no cookie (so it can be kept and shared); one
    # with a form sets the session cookie for its CSRF token, HttpOnly and SameSite=Lax.
    assert "Set-Cookie" not in response.headers
    cookie = client.get("/leicestershire/sign-in").headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_hsts_is_sent_outside_development(tmp_path):
    class Production(TestConfig):
        HSTS = True
        FORCE_HTTPS = True
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'p.db'}"

    app = create_app(Production)
    favicon = "/static/images/favicon.svg"
    response = app.test_client().get(favicon, base_url="https://portal.example")
    assert "max-age=63072000" in response.headers["Strict-Transport-Security"]
    plain = app.test_client().get(favicon, base_url="http://portal.example")
    assert plain.status_code == 302
    assert plain.headers["Location"].startswith("https://")


def test_a_post_without_a_csrf_token_is_refused_with_a_friendly_page(client, leicestershire):
    response = client.post("/leicestershire/sign-in", data={"email": "a@b.c", "password": "x"})
    assert response.status_code == 400
    assert "Your page was out of date" in response.get_data(as_text=True)


def test_unknown_pages_get_the_404_page_with_the_services_phone(client_request, leicestershire):
    page = client_request.get("/leicestershire/no-such-page", expected_status=404)
    assert page.h1 == "Page not found"
    assert leicestershire.main_phone in page.text()
    assert "Leicestershire" in page.title


def test_an_unknown_service_is_not_found(client_request, leicestershire):
    page = client_request.get("/atlantis/", expected_status=404)
    assert page.h1 == "Page not found"


@pytest.fixture
def app_with_broken_pages(database_url):
    """A second app on the same database, with two routes that fail on purpose."""
    from sqlalchemy.exc import OperationalError

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    broken = create_app(Config)

    @broken.get("/<service>/boom")
    def boom():
        raise RuntimeError("boom")

    @broken.route("/<service>/database-down", methods=["GET", "POST"])
    def database_down():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    return broken


def test_an_unexpected_error_gets_the_500_page(app_with_broken_pages, leicestershire):
    from tests.conftest import ClientRequest

    client_request = ClientRequest(app_with_broken_pages.test_client())
    page = client_request.get("/leicestershire/boom", expected_status=500)
    assert page.h1 == "Sorry, there is a problem with the service"
    assert leicestershire.main_phone in page.text()


def test_a_database_outage_gets_the_503_page(app_with_broken_pages, leicestershire):
    from tests.conftest import ClientRequest

    client_request = ClientRequest(app_with_broken_pages.test_client())
    page = client_request.get("/leicestershire/database-down", expected_status=503)
    assert page.h1 == "Sorry, the service is unavailable"


@pytest.mark.parametrize(
    ("published", "dialable"),
    [("(0116) 2323232", "01162323232"), ("0116 3056302 or 07789081528", "01163056302")],
)
def test_phone_numbers_become_dialable_links(published, dialable):
    assert tel_href(published) == dialable


def test_audit_rows_name_the_actor_object_and_service(make_user, leicestershire):
    manager = make_user(leicestershire)
    person = make_user(leicestershire)
    row = audit.record("account.viewed", person, actor=manager, reason="check")
    db.session.commit()
    stored = db.session.get(AuditEvent, row.id)
    assert (stored.action, stored.object_type, stored.object_id) == (
        "account.viewed",
        "User",
        str(person.id),
    )
    assert stored.actor_id == manager.id
    assert stored.service_id == leicestershire.id
    assert stored.detail == {"reason": "check"}
    assert stored.created_at.tzinfo is not None


def test_audit_rows_cannot_be_changed_or_deleted(make_user, leicestershire):
    person = make_user(leicestershire)
    row = audit.record("account.viewed", person)
    db.session.commit()
    row.action = "something else"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, row.id))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()


def test_migrations_produce_exactly_the_models_schema(app, tmp_path, database_url):
    """Run every migration on an empty database and compare it with the models."""
    if database_url.startswith("postgresql"):
        url = database_url.rsplit("/", 1)[0] + "/portal_migrations_check"
        admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql("DROP DATABASE IF EXISTS portal_migrations_check")
            connection.exec_driver_sql("CREATE DATABASE portal_migrations_check")
        admin.dispose()
    else:
        url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"

    class Fresh(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    fresh = create_app(Fresh)
    with fresh.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []


def test_sign_in_attempts_are_limited_per_client(database_url, leicestershire):
    """The eleventh attempt in five minutes gets the 'too many attempts' page."""
    from portal.core.extensions import limiter
    from tests.conftest import ClientRequest

    class Limited(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        AUTH_ATTEMPTS_LIMIT = Config.AUTH_ATTEMPTS_LIMIT

    client_request = ClientRequest(create_app(Limited).test_client())
    data = {"email": "someone@example.org", "password": "wrong password"}
    limiter.reset()
    try:
        for _ in range(10):
            client_request.post_form("/leicestershire/sign-in", data, expected_status=200)
        page = client_request.post_form("/leicestershire/sign-in", data, expected_status=429)
    finally:
        limiter.reset()
    assert page.h1 == "Too many attempts"
    assert leicestershire.main_phone in page.text()


def test_behind_a_proxy_the_forwarded_scheme_and_address_are_trusted(tmp_path):
    class Proxied(TestConfig):
        PROXY_COUNT = 1
        FORCE_HTTPS = True
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'p.db'}"

    client = create_app(Proxied).test_client()
    favicon = "/static/images/favicon.svg"
    assert client.get(favicon, headers={"X-Forwarded-Proto": "https"}).status_code == 200
    assert client.get(favicon).status_code == 302


def test_a_message_posted_while_the_database_is_down_comes_back_with_the_phone_number(
    app_with_broken_pages, leicestershire
):
    from tests.conftest import parse

    app_with_broken_pages.config["WTF_CSRF_ENABLED"] = False  # this route has no form
    response = app_with_broken_pages.test_client().post(
        "/leicestershire/database-down",
        data={"body": "Something I must not lose.\nSecond line"},
    )
    page = parse(response)
    assert response.status_code == 503
    assert page.soup.find("textarea").get_text() == "Something I must not lose.\nSecond line"
    assert leicestershire.main_phone in page.text()
