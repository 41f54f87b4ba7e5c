"""The list of services at `/` and each service's brand stylesheet."""

from flask import Response, g, redirect, render_template, url_for

from portal.organisation import bp
from portal.organisation.services import brand_colours, list_active_services


@bp.get("/")
def list_services():
    """Every service this deployment hosts; straight to it when there is only one."""
    services = list_active_services()
    if len(services) == 1:
        return redirect(url_for("pages.home", service=services[0].slug))
    return render_template("organisation/list_services.html", services=services)


@bp.get("/<service>/brand.css")
def brand_stylesheet():
    """The service's colours as CSS custom properties, so no inline style is needed."""
    colour, text = brand_colours(g.service)
    css = f":root{{--app-brand:{colour};--app-brand-text:{text}}}\n"
    response = Response(css, mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response
