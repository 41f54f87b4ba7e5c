"""Error pages that keep the layout and show the service's phone number."""

import logging

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from portal.core.extensions import db
from portal.core.tenancy import guess_service_from_path

log = logging.getLogger(__name__)

PAGES = {400, 403, 404, 405, 429, 500, 503}


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


def init_errors(app: Flask) -> None:
    """Register handlers for the status codes that have their own page."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code if error.code in PAGES else None
        if code is None:
            return error
        return _render(code)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        # Nothing typed is lost when a form goes stale (a long pause, an expired session):
        # the page offers what was sent back, under a fresh token, to send again.
        # Passwords are never written back into a page.
        kept = [
            (name, value)
            for name, values in request.form.lists()
            if name != "csrf_token" and "password" not in name
            for value in values
        ]
        if kept and request.method == "POST":
            return render_template(
                "errors/csrf_resend.html", kept=kept, action=request.full_path.rstrip("?")
            ), 400
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        log.error("database unavailable: %s", error)
        return _render(ServiceUnavailable.code)

    @app.errorhandler(DBAPIError)
    def database_error(error):
        log.exception("database error")
        return _render(InternalServerError.code)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        log.exception("unexpected error")
        return _render(InternalServerError.code)
