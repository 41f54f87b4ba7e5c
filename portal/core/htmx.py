"""One view, two answers: the full page, or just its partial for an htmx request."""

from flask import make_response, render_template

from portal.core.extensions import htmx


def render_page(template: str, partial: str, status: int = 200, **context):
    """Render `partial` for htmx requests and `template` (which includes it) otherwise."""
    wants_partial = bool(htmx) and not htmx.boosted
    body = render_template(partial if wants_partial else template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response
