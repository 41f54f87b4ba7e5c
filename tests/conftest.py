"""Fixtures: a real database (SQLite, or PostgreSQL via TEST_DATABASE_URL), a real SMTP
server, parsed pages, and signed-in users."""

import contextvars
import os
import re
import socket
import time
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pyotp
import pytest
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy import select, text

from config import TestConfig
from portal import create_app
from portal.accounts.models import STAFF_ROLES, CarerType, Role, User, UserRole
from portal.accounts.services import hash_password
from portal.bookings.models import Occasion, OccasionStatus
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.outbox import SmtpTransport, deliver_due
from portal.demo.facts import SERVICES
from portal.demo.services import build_service
from portal.events.models import KIND, InformationEvent
from portal.organisation.models import FosteringService

PASSWORD = "correct horse battery"
# Staff made by `make_user` sign in with codes from this authenticator secret.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """PostgreSQL when TEST_DATABASE_URL is set; otherwise a SQLite file (threads share it)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """One app for the whole run, with its schema created from the models."""

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        MAIL_DIRECTORY = str(tmp_path_factory.mktemp("mail"))
        UPLOAD_DIRECTORY = str(tmp_path_factory.mktemp("uploads"))

    application = create_app(Config)
    with application.app_context():
        if database_url.startswith("postgresql"):
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        else:
            db.drop_all()
        db.create_all()
    return application


class IsolatedClient(FlaskClient):
    """Runs each request with no outer app context, as a real server would.

    The test's own app context (for factories) stays separate, so Flask-Login and
    Flask-SQLAlchemy state never leaks from the test into a request or back.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()  # let the test see what the request changed
        return response


@pytest.fixture(autouse=True)
def app_context(app):
    """Each test runs in an app context and leaves an empty database behind."""
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield
        db.session.remove()
        _empty_database()


def _empty_database() -> None:
    tables = db.metadata.sorted_tables
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        with db.engine.begin() as connection:
            for table in reversed(tables):
                connection.execute(table.delete())


@pytest.fixture
def client(app):
    """A test client whose requests are isolated from the test's context."""
    return app.test_client()


# ---- factories -------------------------------------------------------------------------


@pytest.fixture
def make_service():
    """Make a fostering service from the seed facts (Leicestershire unless told)."""

    def make(slug: str = "leicestershire", **overrides):
        facts = next(f for f in SERVICES if f["slug"] == slug)
        service = build_service({**facts, **overrides})
        db.session.add(service)
        db.session.commit()
        return service

    return make


@pytest.fixture
def leicestershire(make_service):
    """The Leicestershire seed service."""
    return make_service("leicestershire")


@pytest.fixture
def lancashire(make_service):
    """The Lancashire seed service."""
    return make_service("lancashire")


@pytest.fixture
def make_user():
    """Make a confirmed account holding `roles` in `service`."""
    counter = {"n": 0}

    def make(service, *roles: Role, email: str | None = None, **fields) -> User:
        counter["n"] += 1
        roles = roles or (Role.PROSPECTIVE_CARER,)
        # Staff come with an authenticator app set up, as they must; mfa= says otherwise.
        if fields.pop("mfa", bool(STAFF_ROLES.intersection(roles))):
            fields.setdefault("totp_secret", TOTP_SECRET)
            fields.setdefault("mfa_enabled_at", utcnow())
        user = User(
            service=service,
            email=email or f"person{counter['n']}@example.org",
            name=fields.pop("name", f"Person {counter['n']}"),
            password_hash=fields.pop("password_hash", hash_password(PASSWORD)),
            email_confirmed_at=fields.pop("email_confirmed_at", utcnow()),
            carer_type=fields.pop(
                "carer_type", CarerType.MAINSTREAM if Role.APPROVED_CARER in roles else None
            ),
            role_rows=[UserRole(role=role) for role in roles],
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


# ---- pages -----------------------------------------------------------------------------


@dataclass
class Page:
    """A response parsed as HTML."""

    response: object
    soup: BeautifulSoup

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def title(self) -> str:
        return self.soup.title.get_text(" ", strip=True) if self.soup.title else ""

    @property
    def h1(self) -> str:
        heading = self.soup.find("h1")
        return heading.get_text(" ", strip=True) if heading else ""

    def text(self) -> str:
        return self.soup.get_text(" ", strip=True)

    def error_for(self, field_id: str) -> str:
        """The GOV.UK error message shown beside a field, or ''."""
        message = self.soup.find(id=f"{field_id}-error")
        return message.get_text(" ", strip=True).removeprefix("Error:").strip() if message else ""

    def error_summary(self) -> list[str]:
        summary = self.soup.select(".govuk-error-summary__list a")
        return [a.get_text(strip=True) for a in summary]


def parse(response) -> Page:
    return Page(response, BeautifulSoup(response.get_data(as_text=True), "html.parser"))


def csrf_from(page: Page) -> str:
    field_ = page.soup.find("input", attrs={"name": "csrf_token"})
    assert field_ is not None, "the page has no CSRF token"
    return field_["value"]


@dataclass
class ClientRequest:
    """GOV.UK Notify's habit: endpoint in, parsed page out, status checked."""

    client: FlaskClient
    history: list = field(default_factory=list)

    def get(self, url: str, expected_status: int = 200, **kwargs) -> Page:
        response = self.client.get(url, **kwargs)
        assert response.status_code == expected_status, (
            f"GET {url}: {response.status_code}, expected {expected_status}"
        )
        return parse(response)

    def post_form(
        self,
        url: str,
        data: dict,
        expected_status: int = 302,
        form_page: str | None = None,
        **kwargs,
    ) -> Page:
        """GET the form (for its CSRF token), then POST `data` to `url`."""
        token = csrf_from(self.get(form_page or url))
        response = self.client.post(url, data={"csrf_token": token, **data}, **kwargs)
        assert response.status_code == expected_status, (
            f"POST {url}: {response.status_code}, expected {expected_status}\n"
            + response.get_data(as_text=True)[:2000]
        )
        return parse(response)


@pytest.fixture
def client_request(client) -> ClientRequest:
    """Parsed pages from the test client."""
    return ClientRequest(client)


def sign_in(
    client, email: str, password: str = PASSWORD, service: str = "leicestershire", **kwargs
):
    """Sign `client` in through the real forms (password, then a one-time code when the
    account asks for one); returns the last response, a redirect to the person's home.
    `kwargs` go with every request (a base_url or headers)."""
    if isinstance(client, ClientRequest):
        client = client.client
    page = parse(client.get(f"/{service}/sign-in", **kwargs))
    response = client.post(
        f"/{service}/sign-in",
        data={"csrf_token": csrf_from(page), "email": email, "password": password},
        **kwargs,
    )
    assert response.status_code == 302, f"{email} could not sign in to {service}"
    if response.headers["Location"].endswith("/sign-in/code"):
        page = parse(client.get(f"/{service}/sign-in/code", **kwargs))
        response = client.post(
            f"/{service}/sign-in/code",
            data={"csrf_token": csrf_from(page), "code": one_time_code(email, service)},
            **kwargs,
        )
        assert response.status_code == 302, f"{email}'s one-time code was refused"
    return response


def one_time_code(email: str, service: str = "leicestershire") -> str:
    """A code the account's authenticator app would show now and the portal has not yet
    accepted (codes work once), waiting for the next one when all three are used."""
    db.session.expire_all()
    user = db.session.scalar(
        select(User).join(User.service).where(User.email == email, FosteringService.slug == service)
    )
    assert user is not None and user.totp_secret, f"{email} has no authenticator app"
    totp = pyotp.TOTP(user.totp_secret)
    while True:
        now = int(time.time() // 30)
        last = user.totp_last_step if user.totp_last_step is not None else -1
        # The current step's code, else the next one's: both stay good if the clock ticks
        # into the next step before the portal checks (the previous step's would not).
        for step in (now, now + 1):
            if step > last:
                return totp.at(step * 30)
        time.sleep(30 - time.time() % 30 + 0.05)


@pytest.fixture
def login_as(client_request, make_user, leicestershire):
    """Sign in through the real sign-in form as a new user holding `role`."""

    def login(role: Role = Role.PROSPECTIVE_CARER, service=None, **fields) -> User:
        service = service or leicestershire
        user = make_user(service, role, **fields)
        sign_in(client_request.client, user.email, service=service.slug)
        return user

    return login


# ---- mail ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """Collects what the SMTP server receives."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 5.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


@dataclass
class SmtpServer:
    url: str
    mailbox: Mailbox
    controller: Controller

    def deliver(self) -> list[EmailMessage]:
        """Run the outbox worker once against this server; return every message so far."""
        before = len(self.mailbox.messages)
        sent = deliver_due(SmtpTransport(self.url))
        return self.mailbox.wait_for(before + sent)


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free loopback port."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(f"smtp://127.0.0.1:{port}", mailbox, controller)
    finally:
        controller.stop()


LINK = re.compile(r"https?://\S+")


def links_in(message: EmailMessage) -> list[str]:
    """Every link in an email's plain-text body."""
    return LINK.findall(message.get_body(preferencelist=("plain",)).get_content())


def path_of(url: str) -> str:
    """The path (and query) of an absolute URL, for the test client."""
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def count_queries():
    """Count the SQL statements run inside a `with count_queries() as counted:` block."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():
        counted = {"n": 0}

        def before(*args, **kwargs):
            counted["n"] += 1

        engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counted
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting


# ---- events ------------------------------------------------------------------------


@pytest.fixture
def make_event(leicestershire):
    """An information event `starts_in` from now, at County Hall unless online."""

    def make(capacity=20, starts_in=timedelta(days=10), service=None, online=False, title=None):
        service = service or leicestershire
        starts = utcnow().replace(microsecond=0) + starts_in
        venue = None if online else next(v for v in service.venues if not v.is_online)
        event = InformationEvent(
            service_id=service.id,
            occasion=Occasion(
                service_id=service.id,
                kind=KIND,
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                capacity=capacity,
                seats_taken=0,
                status=OccasionStatus.SCHEDULED,
            ),
            title=title or "Find out about Fostering",
            venue=venue,
            is_online=online,
            online_link="https://meet.example/abc" if online else "",
        )
        db.session.add(event)
        db.session.commit()
        return event

    return make
