"""Error pages that keep the layout and show the service's phone number."""

import logging

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from portal.core.extensions import db
from portal.core.security_log import init_security_log
from portal.core.tenancy import guess_service_from_path

log = logging.getLogger(__name__)

PAGES = {400, 403, 404, 405, 413, 429, 500, 503}


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
        resend = _offer_to_send_again(ServiceUnavailable.code, stale=False)
        return resend or _render(ServiceUnavailable.code)

    @app.errorhandler(DBAPIError)
    def database_error(error):
        log.exception("database error")
        return _render(InternalServerError.code)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        log.exception("unexpected error")
        return _render(InternalServerError.code)
