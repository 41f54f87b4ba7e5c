"""Security headers: a CSP with no inline script or style, HSTS, and friends."""

from flask import Flask, Response, request
from flask_login import current_user
from flask_talisman import Talisman
from werkzeug.datastructures import ImmutableMultiDict

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "object-src": "'none'",
}


def init_security(app: Flask) -> None:
    """Bind Flask-Talisman with the portal's policy.

    Talisman keeps its settings on the extension object rather than per app, so each app
    gets its own instance (a module-level one would let a second app, such as a test's,
    change the first app's headers).
    """
    app.extensions["talisman"] = Talisman(
        app,
        content_security_policy=CONTENT_SECURITY_POLICY,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["HSTS"],
        strict_transport_security_max_age=63072000,
        strict_transport_security_include_subdomains=True,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        permissions_policy={"geolocation": "()", "microphone": "()", "camera": "()"},
        x_content_type_options=True,
    )
    app.after_request(never_cache_personal_pages)
    app.before_request(drop_nul_characters)


def drop_nul_characters() -> None:
    """NUL is never part of anything a person types, and PostgreSQL refuses it in text: take
    it out of the posted form and the query string, once, before any view reads them."""
    for name in ("form", "args"):
        values = getattr(request, name)
        if any("\x00" in value for value in values.values()):
            setattr(
                request,
                name,
                ImmutableMultiDict(
                    (key, value.replace("\x00", "")) for key, value in values.items(multi=True)
                ),
            )


def never_cache_personal_pages(response: Response) -> Response:
    """Whatever a signed-in person sees is theirs: no copy in any cache, shared or not.

    One rule for every blueprint (ASVS 14.3.2), so a new page cannot forget it; static
    files are the same for everyone and stay cacheable.
    """
    if request.endpoint != "static" and current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response
