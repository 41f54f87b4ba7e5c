"""Real processes for the production tests: gunicorn serving the portal with the production
configuration, PostgreSQL databases (and a private PostgreSQL cluster to stop and start),
and simulated people, each with their own cookies, talking HTTP to them."""

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urljoin, urlsplit
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

from argon2 import PasswordHasher
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

import portal.models  # noqa: F401  # every table, for create_all
from portal.accounts.models import CarerType, Role, User, UserRole
from portal.bookings.models import Occasion, OccasionStatus
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.demo.facts import SERVICES
from portal.demo.services import build_service
from portal.events.models import KIND, InformationEvent
from portal.organisation.models import FosteringService
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_URL = "redis://127.0.0.1:6379/0"
LOCAL_POSTGRES = "postgresql://postgres@localhost"


# ---- databases -------------------------------------------------------------------------


def sqlalchemy_url(url: str) -> str:
    """The URL with psycopg 3 named, as config.py makes it."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


@contextmanager
def new_postgres_database(server_url: str = LOCAL_POSTGRES):
    """A database created for one test on `server_url`, dropped afterwards; yields its URL."""
    name = f"portal_production_{uuid.uuid4().hex[:12]}"
    admin = create_engine(
        sqlalchemy_url(f"{server_url.rstrip('/')}/postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{server_url.rstrip('/')}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def open_database(url: str):
    """An engine on `url` with every table created (tables already there are kept)."""
    engine = create_engine(sqlalchemy_url(url), pool_pre_ping=True)
    db.metadata.create_all(engine)
    return engine


def add_event(engine, *, capacity: int) -> tuple[str, int]:
    """Leicestershire with an information event in ten days; returns (service slug, event id)."""
    facts = next(f for f in SERVICES if f["slug"] == "leicestershire")
    starts = utcnow().replace(microsecond=0) + timedelta(days=10)
    with Session(engine) as session:
        service = build_service(facts)
        session.add(service)
        session.flush()
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
            title="Find out about Fostering",
            venue=next(v for v in service.venues if not v.is_online),
            is_online=False,
        )
        session.add(event)
        session.commit()
        return service.slug, event.id


def add_carer(engine, slug: str, email: str, password: str) -> None:
    """An approved foster carer's account in the service."""
    with Session(engine) as session:
        service = session.scalar(select(FosteringService).where(FosteringService.slug == slug))
        session.add(
            User(
                service=service,
                email=email,
                name="Casey Carer",
                password_hash=PasswordHasher().hash(password),
                email_confirmed_at=utcnow(),
                carer_type=CarerType.MAINSTREAM,
                role_rows=[UserRole(role=Role.APPROVED_CARER)],
            )
        )
        session.commit()


# ---- the app in production configuration -----------------------------------------------


def production_environment(database_url: str, directory: Path, **extra: str) -> dict:
    """What a production process is started with: real secrets (made up for the test),
    behind one proxy that speaks HTTPS, Redis for the rate limits."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "TEST_"))}
    for name in ("DATABASE_URL", "SMTP_URL", "SECRET_KEY", "DATA_ENCRYPTION_KEYS", "REDIS_URL"):
        keep.pop(name, None)
    directory.mkdir(parents=True, exist_ok=True)
    return {
        **keep,
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATA_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "PROXY_COUNT": "1",
        "PORTAL_INSTANCE_PATH": str(directory),
        "UPLOAD_DIRECTORY": str(directory / "uploads"),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


@dataclass
class Gunicorn:
    """One gunicorn master with its workers, on a loopback port of its own."""

    environment: dict
    log: Path
    workers: int = 2
    threads: int = 0
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Gunicorn":
        # Options on the command line only: an empty config file stops gunicorn reading the
        # project's gunicorn.conf.py, which these tests do not depend on.
        config = self.log.with_suffix(".conf.py")
        config.write_text("")
        command = [str(BIN / "gunicorn"), "-c", str(config), "-w", str(self.workers)]
        command += ["-b", f"127.0.0.1:{self.port}"]
        if self.threads:
            command += ["-k", "gthread", "--threads", str(self.threads)]
        # --preload: the app is imported once and the workers forked from it (as the
        # production config does), which saves a second of start-up per worker. No control
        # socket: its default path is one per user, and two masters would share it. A short
        # graceful timeout: at the end of a test nothing is left to finish.
        command += ["--preload", "--no-control-socket", "--graceful-timeout", "2", "wsgi:app"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.environment, stdout=log, stderr=subprocess.STDOUT
            )
        return self

    def wait_until_serving(self, path: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            assert self.process.poll() is None, f"gunicorn stopped:\n{self.log_tail()}"
            try:
                status = Browser().get(self.url + path).status
                if status == 200:
                    return
            except (URLError, ConnectionError):
                pass
            assert time.monotonic() < deadline, f"gunicorn did not serve:\n{self.log_tail()}"
            time.sleep(0.1)

    def stop(self, wait: bool = True) -> None:
        """Quick shutdown (SIGINT): the test has had every answer it waits for."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        if wait:
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def log_tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def serving(*servers: Gunicorn, ready_path: str):
    """Start every server, wait until each answers `ready_path`, stop them all afterwards."""
    try:
        for server in servers:
            server.start()
        for server in servers:
            server.wait_until_serving(ready_path)
        yield servers
    finally:
        for server in servers:
            server.stop(wait=False)
        for server in servers:
            server.stop()


@contextmanager
def logs_on_failure(*servers: Gunicorn):
    """Print the servers' logs (pytest shows them) when an assertion inside fails."""
    try:
        yield
    except AssertionError:
        for server in servers:
            print(f"--- {server.url}\n{server.log_tail(80)}")
        raise


# ---- people ----------------------------------------------------------------------------


class _BehindHttps(DefaultCookiePolicy):
    """The portal marks its cookies Secure; the test talks plain HTTP to gunicorn as the
    HTTPS proxy in front of it would, so Secure cookies go back over that hop too."""

    def return_ok_secure(self, cookie, request):
        return True


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Reply:
    status: int
    headers: dict
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


PUBLIC_HOST = "fostering.example"


class Browser:
    """One person's browser: their own cookies, sent through a (pretend) HTTPS proxy at
    https://fostering.example, which hands each request to one of the app processes."""

    def __init__(self, timeout: float = 60, address: str | None = None):
        self.timeout = timeout
        self.address = address  # the client address the proxy reports, if any
        self.opener = build_opener(
            HTTPCookieProcessor(CookieJar(policy=_BehindHttps())), _NoRedirects()
        )
        self.last_page = ""

    def _open(self, url: str, data: dict | None) -> Reply:
        body = urlencode(data).encode() if data is not None else None
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": PUBLIC_HOST}
        if self.address:
            headers["X-Forwarded-For"] = self.address
        if data is not None and self.last_page:
            # Over HTTPS, the CSRF check wants the form's page as the referrer.
            headers["Referer"] = self.last_page
        else:
            self.last_page = f"https://{PUBLIC_HOST}{path_of(url)}"
        request = Request(url, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                headers = {k.lower(): v for k, v in response.headers.items()}
                return Reply(response.status, headers, response.read().decode())
        except HTTPError as error:
            headers = {k.lower(): v for k, v in error.headers.items()}
            return Reply(error.code, headers, error.read().decode())

    def get(self, url: str) -> Reply:
        return self._open(url, None)

    def post(self, url: str, data: dict) -> Reply:
        return self._open(url, data)

    def follow(self, reply: Reply, base: str) -> Reply:
        """GET where a redirect points (relative to `base`)."""
        return self.get(urljoin(base, reply.location))


def csrf_token(page: str) -> str:
    """The form's CSRF token (a plain search: parsing 500 pages would slow the test)."""
    marker = 'name="csrf_token" type="hidden" value="'
    start = page.find(marker)
    if start < 0:
        marker = 'name="csrf_token" value="'
        start = page.find(marker)
    assert start >= 0, "the page has no CSRF token"
    start += len(marker)
    return page[start : page.index('"', start)]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# ---- a private PostgreSQL cluster ------------------------------------------------------


def _postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    assert found, "PostgreSQL's server programs are not in /usr/lib/postgresql/*/bin"
    return found[-1].parent


@dataclass
class PrivateCluster:
    """A PostgreSQL server of the test's own, in a temporary directory on a free port,
    so stopping it disturbs nothing else on the machine."""

    directory: Path
    port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}"

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            command = ("runuser", "-u", "postgres", "--", *command)
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=60)

    def init(self) -> "PrivateCluster":
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self._run(
            str(_postgres_bin() / "initdb"),
            "-D",
            str(self.directory / "data"),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
        )
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.directory} -c fsync=off"
        )
        self._run(
            str(_postgres_bin() / "pg_ctl"),
            "-D",
            str(self.directory / "data"),
            "-l",
            str(self.directory / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def create_database(self, name: str) -> str:
        """A new database in the cluster; returns its URL."""
        admin = create_engine(sqlalchemy_url(f"{self.url}/postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return f"{self.url}/{name}"

    def stop(self, check: bool = True) -> None:
        self._run(
            str(_postgres_bin() / "pg_ctl"),
            "-D",
            str(self.directory / "data"),
            "-m",
            "fast",
            "-w",
            "stop",
            check=check,
        )


@contextmanager
def private_cluster():
    """A running private cluster; stopped and deleted afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="portal-pg-"))
    cluster = PrivateCluster(directory).init()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop(check=False)
        shutil.rmtree(directory, ignore_errors=True)


# ---- the outbox worker -----------------------------------------------------------------


@dataclass
class OutboxWorker:
    """`flask outbox work`, the production worker, as its own process."""

    environment: dict
    log: Path
    process: subprocess.Popen | None = None

    def start(self) -> "OutboxWorker":
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(BIN / "flask"), "--app", "wsgi", "outbox", "work"],
                cwd=ROOT,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def kill(self) -> None:
        """SIGKILL: no handler, no cleanup, no last commit."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])
