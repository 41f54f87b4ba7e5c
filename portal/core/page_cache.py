"""Public pages kept ready in memory until something they show changes.

A recruitment campaign sends a burst of people to the information events, and most of them
are not signed in: for them the events list and an event's page are the same bytes every
time until someone books, staff change an event, or the service's details change. So each
app process keeps those responses, and a one-row counter in the database (the page
generation) says when they go stale: every transaction that writes to a table these pages
show bumps it as part of the same commit, so no process serves a page older than the data
any other process has committed. Entries also expire after a minute, so time alone (an
event starting) is reflected too.

Only anonymous GETs with no messages waiting are served from the cache; a response is kept
only when it is a 200 that sets no cookie and may be stored. The content security policy
has no nonces, so a kept page's headers are as valid for the next visitor as for the first.
"""

import re
import threading
import time
from collections import OrderedDict

from flask import Flask
from sqlalchemy import DDL, Integer, event, text
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_cookie

from portal.core.extensions import db
from portal.core.i18n import pick_language, read_languages

# The pages kept: a service's events list (with its filters) and one event's page.
CACHED_PATHS = re.compile(r"^/[a-z0-9-]+/events(/\d+)?/?$")
# Tables whose rows these pages show; a write to any of them makes every kept page stale.
WATCHED_TABLES = frozenset(
    {"occasion", "information_event", "booking", "venue", "fostering_service", "locality"}
)
# The generation, and the service's languages (None for no such service: a 404, never kept).
STATE = text(
    "SELECT page_generation.value, fostering_service.languages FROM page_generation "
    "LEFT JOIN fostering_service ON fostering_service.slug = :slug "
    "WHERE page_generation.id = 1"
)
MAX_ENTRIES = 512
MAX_AGE_SECONDS = 60
# Only these response headers are kept (never Set-Cookie).
KEPT_HEADERS = frozenset(
    {
        "content-type",
        "content-length",
        "content-encoding",
        "vary",
        "content-security-policy",
        "strict-transport-security",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
        "permissions-policy",
        "cross-origin-opener-policy",
        "cache-control",
        "x-xss-protection",
    }
)


class PageGeneration(db.Model):
    """One row: bumped by every commit that changes what a kept page shows."""

    __tablename__ = "page_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


event.listen(
    PageGeneration.__table__,
    "after_create",
    # The row exists from the start, so a bump is always a plain UPDATE.
    DDL("INSERT INTO page_generation (id, value) VALUES (1, 0)"),
)

_FLAG = "portal.page_generation_bump"


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_writes(state) -> None:
    """Bulk INSERT/UPDATE/DELETE statements (taking a seat is one) on a watched table."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is not None and table.name in WATCHED_TABLES:
            state.session.info[_FLAG] = True


@event.listens_for(Session, "after_flush")
def _note_flushed_writes(session, flush_context) -> None:
    """Objects of a watched table added, changed or deleted."""
    if session.info.get(_FLAG):
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table in WATCHED_TABLES:
            session.info[_FLAG] = True
            return


@event.listens_for(Session, "before_commit")
def _bump_on_commit(session) -> None:
    """Bump the generation inside the transaction that made the change."""
    session.flush()  # so writes still pending are noted above
    if session.info.pop(_FLAG, False):
        session.execute(text("UPDATE page_generation SET value = value + 1 WHERE id = 1"))


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session) -> None:
    session.info.pop(_FLAG, None)


class PageCache:
    """WSGI middleware in front of the app (behind any proxy fix-up): see the module doc."""

    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app = wsgi_app
        self.app = app
        self.entries: OrderedDict[tuple, tuple[float, int, str, list, bytes]] = OrderedDict()
        self.lock = threading.Lock()
        self.engine = None
        self.hits = 0
        self.misses = 0

    def __call__(self, environ, start_response):
        session = self._visitor(environ)
        if session is None:
            return self.wsgi_app(environ, start_response)
        state = self._state(environ["PATH_INFO"].split("/")[1])
        if state is None:
            return self.wsgi_app(environ, start_response)
        generation, languages = state
        key = self._key(environ, self._language(environ, session, languages))
        now = time.monotonic()
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None and entry[0] == generation and now - entry[1] < MAX_AGE_SECONDS:
                self.entries.move_to_end(key)
                self.hits += 1
                _, _, status, headers, body = entry
                start_response(status, list(headers))
                return [body]
        self.misses += 1
        return self._fill(key, generation, now, environ, start_response)

    def _fill(self, key, generation, now, environ, start_response):
        captured: dict = {}

        def start(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        app_iter = self.wsgi_app(environ, start)
        try:
            body = b"".join(app_iter)
        finally:
            if hasattr(app_iter, "close"):
                app_iter.close()  # as a server would: the response's close callbacks run
        status, headers = captured.get("status", ""), captured.get("headers", [])
        names = {name.lower(): value for name, value in headers}
        if (
            status.startswith("200")
            and "set-cookie" not in names
            and "no-store" not in names.get("cache-control", "")
        ):
            kept = [(n, v) for n, v in headers if n.lower() in KEPT_HEADERS]
            with self.lock:
                self.entries[key] = (generation, now, status, kept, body)
                self.entries.move_to_end(key)
                while len(self.entries) > MAX_ENTRIES:
                    self.entries.popitem(last=False)
        return [body]

    def _visitor(self, environ) -> dict | None:
        """The anonymous visitor's session ({} without a cookie), or None when this request is
        not for the cache."""
        if environ.get("REQUEST_METHOD") != "GET":
            return None
        if not CACHED_PATHS.match(environ.get("PATH_INFO", "")):
            return None
        if self.app.config["SESSION_COOKIE_NAME"] + "=" not in environ.get("HTTP_COOKIE", ""):
            return {}
        session = self._session(environ)
        if session is None or "_user_id" in session or "_flashes" in session:
            return None  # signed in, a message waiting, or a cookie we cannot read
        return session

    def _language(self, environ, session: dict, languages: str | None) -> str:
        """The language the app will draw the page in, by the app's own rule (portal/core/i18n.py)
        over the languages the service offers, so a kept page is never served in one it has
        stopped offering."""
        config = self.app.config
        return pick_language(
            read_languages(languages, config["LANGUAGES"], config["BABEL_DEFAULT_LOCALE"]),
            chosen=session.get("language"),
            saved=None,  # nobody signed in comes this way
            accepted=parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept),
            default=config["BABEL_DEFAULT_LOCALE"],
        )

    def _key(self, environ, language: str) -> tuple:
        """What a kept page depends on."""
        # As the compression decides (portal/core/serving.py): gzip unless refused (q=0).
        gzip = parse_accept_header(environ.get("HTTP_ACCEPT_ENCODING"))["gzip"] > 0
        return (
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_HOST"),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            language,
            gzip,
            environ.get("HTTP_SEC_FETCH_SITE") in ("cross-site", "same-site"),
            bool(environ.get("HTTP_HX_REQUEST")),
            environ.get("HTTP_HX_TARGET", ""),
        )

    def _session(self, environ) -> dict | None:
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        value = parse_cookie(environ).get(self.app.config["SESSION_COOKIE_NAME"])
        if serializer is None or value is None:
            return None
        try:
            return serializer.loads(value)
        except Exception:  # a bad cookie: let the app deal with it
            return None

    def _state(self, slug: str) -> tuple[int, str | None] | None:
        """The page generation and the languages the service offers, in one round trip; None
        when the database cannot say."""
        if self.engine is None:
            with self.app.app_context():
                self.engine = db.engine
        try:
            with self.engine.connect() as connection:
                row = connection.execute(STATE, {"slug": slug}).first()
        except Exception:  # no table yet, or the database is away
            return None
        return None if row is None else (row.value, row.languages)


def init_page_cache(app: Flask) -> None:
    """Put the cache in front of the app (call before the proxy fix-up wraps it)."""
    if app.config["PAGE_CACHE"]:
        app.wsgi_app = PageCache(app.wsgi_app, app)
        app.extensions["page_cache"] = app.wsgi_app
