"""One view, two answers: the full page, or just its partial for an htmx request."""

from flask import make_response, redirect, render_template

from portal.core.extensions import htmx


def render_page(template: str, partial: str, status: int = 200, **context):
    """Render `partial` for htmx requests and `template` (which includes it) otherwise."""
    wants_partial = bool(htmx) and not htmx.boosted
    body = render_template(partial if wants_partial else template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def redirect_to(location: str):
    """Post-redirect-get for both kinds of request: a 302 for a plain form post, and for
    htmx an HX-Redirect (htmx would otherwise follow a 302 and swap the next page in)."""
    if htmx:
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location)
