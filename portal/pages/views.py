"""Public pages of a service, and the language switch."""

from flask import abort, redirect, render_template, request, session, url_for
from flask_login import current_user

from portal.accounts.services import save_language
from portal.core.i18n import available_languages
from portal.core.urls import safe_next
from portal.pages import bp


@bp.get("/<service>/")
def home():
    """The service's front door: four ways in."""
    return render_template("pages/home.html")


@bp.get("/<service>/thinking-about-fostering")
def thinking_about_fostering():
    """For people who are thinking about becoming foster carers."""
    return render_template("pages/thinking_about_fostering.html")


@bp.get("/<service>/foster-carers")
def foster_carers():
    """For approved foster carers."""
    return render_template("pages/foster_carers.html")


@bp.get("/<service>/young-people")
def young_people():
    """For children and young people in care."""
    return render_template("pages/young_people.html")


@bp.get("/<service>/contact")
def contact():
    """Every contact the service publishes."""
    return render_template("pages/contact.html")


@bp.get("/accessibility")
@bp.get("/<service>/accessibility")
def accessibility():
    """The accessibility statement."""
    return render_template("pages/accessibility.html")


@bp.get("/privacy")
def privacy():
    """The portal-wide privacy notice; each service's own is `privacy.notice`."""
    return render_template("pages/privacy.html")


@bp.get("/cookies")
@bp.get("/<service>/cookies")
def cookies():
    """What the portal stores in the browser."""
    return render_template("pages/cookies.html")


@bp.get("/language/<code>")
def choose_language(code: str):
    """Switch language, remember it, and go back to the page the person was on."""
    if code not in available_languages():
        abort(404)
    session["language"] = code
    if current_user.is_authenticated:
        save_language(current_user._get_current_object(), code)
    return redirect(safe_next(request.args.get("next"), url_for("organisation.list_services")))
