"""Limits on guessing: at most the configured attempts (10 in 5 minutes) per client address
and, separately, per thing being guessed at (an account, a reference, a link), so neither
one address trying many accounts nor many addresses trying one account gets further.

The counts live in Flask-Limiter's storage, Redis when `REDIS_URL` is set, so every app
process shares them. Keys are hashed: no email address or reference is kept there.
"""

import hashlib

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from portal.core.extensions import limiter
from portal.core.text import normalise_email


def attempts_limit() -> str:
    """The limit on attempts, from the configuration."""
    return current_app.config["AUTH_ATTEMPTS_LIMIT"]


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _in_service(kind: str, value: str) -> str:
    service = getattr(g, "service", None)
    return f"{kind}:{service.slug if service else ''}:{_digest(value)}"


def account_key() -> str:
    """The account named by the form's email address."""
    return _in_service("account", normalise_email(request.form.get("email", "")))


def reference_key() -> str:
    """The reference typed to open a complaint or a young person's messages."""
    typed = request.form.get("reference", "")
    return _in_service("reference", "".join(typed.split()).upper())


def link_key() -> str:
    """The emailed link (its token) being used."""
    return _in_service("link", str((request.view_args or {}).get("token", "")))


def per_client_and(key_func):
    """At most the configured attempts per client address and per `key_func` (POSTs only)."""

    def decorator(view):
        view = limiter.limit(attempts_limit, key_func=key_func, methods=["POST"])(view)
        return limiter.limit(attempts_limit, key_func=get_remote_address, methods=["POST"])(view)

    return decorator
