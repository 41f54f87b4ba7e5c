"""Security events (sign-in, sign-out, resets, refusals) as one safe line each.

Each line reads `at=<UTC time> event=<name> user=<id> service=<slug> client=<address>
path=<path>` and never holds an email address, a password, a token or message text: only
ids. Every value is escaped, so nothing a visitor sends (a path, a header) can start a
new line or pass itself off as another field.
"""

import logging
import re
import sys
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request, url_for
from werkzeug.exceptions import Forbidden, TooManyRequests

log = logging.getLogger("portal.security")

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_QUOTES = re.compile(r'[\s="]')
# URL parts that open something: never logged, whatever the route calls them.
_SECRET_ARG = re.compile(r"token|code|secret|phrase|key|reference", re.IGNORECASE)
_LONG_RANDOM = re.compile(r"[A-Za-z0-9_-]{32,}")
# Events that may mean an attack, so they show even where only warnings are kept.
_WARNINGS = (".failed", ".denied", ".exceeded", ".required", ".disabled")


def _escape(value: object) -> str:
    text = "-" if value is None or value == "" else str(value)
    escaped = "".join(
        _ESCAPES.get(char)
        or (f"\\x{ord(char):02x}" if ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 else None)
        or (f"\\u{ord(char):04x}" if char in "\u2028\u2029\u0085" else char)
        for char in text
    )
    return f'"{escaped}"' if _NEEDS_QUOTES.search(escaped) else escaped


def _safe_path() -> str:
    """The request's path with any secret in it (a link's token) taken out."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if _SECRET_ARG.search(name) and str(value):
            path = path.replace(str(value), "[redacted]")
    return _LONG_RANDOM.sub("[redacted]", path)


def format_event(event: str, fields: dict[str, object]) -> str:
    """One `key=value` line, time and event first, with every value escaped."""
    ordered = {"at": fields.get("at"), "event": event, **fields}
    return " ".join(f"{key}={_escape(value)}" for key, value in ordered.items())


def record(event: str, user=None, *, user_id: int | None = None, **detail) -> None:
    """Log a security event about `user` (or `user_id`) in the current request."""
    if user is not None:
        user_id = user.id
    fields: dict[str, object] = {
        "at": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "user": user_id,
        "service": None,
        "client": None,
        "path": None,
    }
    if has_request_context():
        service = getattr(g, "service", None)
        fields["service"] = getattr(service, "slug", None)
        fields["client"] = request.remote_addr
        fields["path"] = _safe_path()
    fields.update(detail)
    line = format_event(event, fields)
    log.log(logging.WARNING if event.endswith(_WARNINGS) else logging.INFO, line)


def _log_refusals(response):
    """Authorisation failures: a 403, a rate limit hit, or a redirect to sign in first."""
    from flask_login import current_user

    user = current_user if current_user and current_user.is_authenticated else None
    if response.status_code == Forbidden.code:
        record("access.denied", user)
    elif response.status_code == TooManyRequests.code:
        record("rate_limit.exceeded", user)
    elif response.status_code in (301, 302, 303, 307) and _is_sign_in_first(response):
        record("access.sign_in_required")
    return response


def _is_sign_in_first(response) -> bool:
    location = response.headers.get("Location", "")
    service = getattr(g, "service", None)
    if service is None or "next=" not in location:
        return False
    sign_in = url_for("accounts.sign_in", service=service.slug)
    return location.split("?", 1)[0] in (sign_in, request.host_url.rstrip("/") + sign_in)


def init_security_log(app: Flask) -> None:
    """Log refusals of every request, and make sure the events go somewhere."""
    log.setLevel(logging.INFO)
    if not log.handlers and not logging.getLogger().handlers:
        # Nothing is configured (a plain gunicorn start): write the lines to stderr.
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
        log.addHandler(handler)
    app.after_request(_log_refusals)
