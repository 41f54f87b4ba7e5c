"""Error pages that keep the layout and show the service's phone number."""

import logging

from flask import Flask, g, render_template, request
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from portal.core.extensions import db, login_manager
from portal.core.security_log import init_security_log
from portal.core.tenancy import guess_service_from_path

log = logging.getLogger(__name__)

PAGES = {400, 403, 404, 405, 413, 429, 500, 503}
# Seconds a client is told to wait when the database is unavailable (a restart or a
# failover takes about this long).
RETRY_AFTER_SECONDS = 30


def _detach(thing) -> bool:
    """Take a loaded record out of the session so the rollback (which expires everything
    in it) leaves it readable without the database; False when reading it needs the
    database (it was expired by an earlier commit, or never fully loaded)."""
    state = inspect(thing)
    columns = {attribute.key for attribute in state.mapper.column_attrs}
    if state.unloaded & columns:
        return False
    if state.session is not None:
        state.session.expunge(thing)
    return True


def _keep_only_what_is_loaded() -> None:
    """An outage page is drawn without the database: the service and the signed-in person
    stay on it only when already loaded (the service's name and phone number are what the
    page is for); otherwise it shows as it would to anyone, outside any service."""
    service = getattr(g, "service", None)
    if service is not None and not _detach(service):
        g.service = None
    user = g.get("_login_user")
    loaded = user is not None and (
        isinstance(user, AnonymousUserMixin)
        or ("role_rows" not in inspect(user).unloaded and _detach(user))
    )
    if not loaded:
        g._login_user = login_manager.anonymous_user()


def _unavailable(page):
    """The outage page, drawn without the database, and when to try again."""
    try:
        body, code = page()
    except SQLAlchemyError:  # something on the page still wanted the database
        log.warning("outage page drawn without the service's details")
        g.service = None
        g._login_user = login_manager.anonymous_user()
        body, code = page()
    return body, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _render(code: int):
    try:
        db.session.rollback()
    except DBAPIError:
        log.warning("rollback failed while rendering an error page")
    if getattr(g, "service", None) is None and code != ServiceUnavailable.code:
        try:
            g.service = guess_service_from_path(request.path)
        except DBAPIError:
            g.service = None
    return render_template(f"errors/{code}.html"), code


def _offer_to_send_again(code: int, *, stale: bool):
    """When a form post fails through no fault of the sender (a stale page, the database
    down), show what they sent back under a fresh token, so nothing typed is lost.
    Passwords are never written back into a page."""
    if request.method != "POST":
        return None
    kept = [
        (name, value)
        for name, values in request.form.lists()
        if name != "csrf_token" and "password" not in name
        for value in values
    ]
    if not kept:
        return None
    if not stale:
        try:
            db.session.rollback()
        except DBAPIError:
            log.warning("rollback failed while keeping a form's text")
    page = render_template(
        "errors/resend.html", kept=kept, action=request.full_path.rstrip("?"), stale=stale
    )
    return page, code


def init_errors(app: Flask) -> None:
    """Register handlers for the status codes that have their own page."""
    init_security_log(app)  # refusals (403, 429, sign in first) are security events

    @app.teardown_appcontext
    def end_the_session_even_if_the_database_went_away(error):
        """A response is made; if the database went away since, the session's closing
        ROLLBACK fails on a dead connection. That must not turn the response into a 500.
        (Registered after Flask-SQLAlchemy's own teardown, so it runs first; the pool
        throws the dead connection away.)"""
        try:
            db.session.remove()
        except DBAPIError as failure:
            log.warning("database connection lost after the response was made: %s", failure)
            db.session.registry.clear()

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code if error.code in PAGES else None
        if code is None:
            return error
        return _render(code)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        resend = _offer_to_send_again(400, stale=True)
        return resend or (render_template("errors/csrf.html"), 400)

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        log.error("database unavailable: %s", error)
        _keep_only_what_is_loaded()
        return _unavailable(
            lambda: (
                _offer_to_send_again(ServiceUnavailable.code, stale=False)
                or _render(ServiceUnavailable.code)
            )
        )

    @app.errorhandler(DBAPIError)
    def database_error(error):
        log.exception("database error")
        return _render(InternalServerError.code)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        log.exception("unexpected error")
        return _render(InternalServerError.code)
