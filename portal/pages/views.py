"""Public pages of a service, and the language switch."""

from datetime import date, timedelta

from babel import Locale
from babel.lists import format_list
from flask import (
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_timedelta, get_locale
from flask_login import current_user

from portal.accounts.services import save_language
from portal.core.i18n import available_languages, offered_languages
from portal.core.urls import safe_next
from portal.organisation.services import list_active_services
from portal.pages import bp

# When the accessibility statement was first prepared, and when it was last checked against
# the website: move the review date on each time it is (at least once a year, and after any
# change that could affect accessibility).
ACCESSIBILITY_STATEMENT_PREPARED = date(2026, 12, 7)
ACCESSIBILITY_STATEMENT_REVIEWED = date(2026, 12, 7)


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


def _duration(minutes: int) -> str:
    """'2 hours' or '90 minutes', in the page's language: whole hours as hours, and never
    rounded (a threshold above the number of hours keeps 90 minutes in minutes)."""
    threshold = 1 if minutes % 60 == 0 else 1 + minutes / 60
    return format_timedelta(timedelta(minutes=minutes), threshold=threshold)


@bp.get("/accessibility")
@bp.get("/<service>/accessibility")
def accessibility():
    """The service's accessibility statement; outside any service, the way to each one."""
    if g.service is None:
        return render_template("pages/accessibility_portal.html", services=list_active_services())
    locale = get_locale()
    codes = offered_languages(g.service)
    name = {code: Locale.parse(code).get_display_name(locale) for code in codes}
    rtl = current_app.config["RTL_LANGUAGES"]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    return render_template(
        "pages/accessibility.html",
        # As with the phone number (`main_phone`), the registered manager's stands in when
        # the service publishes no email for its fostering team.
        contact_email=g.service.fostering_email or g.service.registered_manager_email,
        languages=format_list([name[code] for code in codes], locale=locale),
        right_to_left=format_list([name[c] for c in codes if c in rtl], locale=locale),
        translated=format_list([name[c] for c in codes if c != default], locale=locale),
        idle_after=_duration(current_app.config["SESSION_IDLE_MINUTES"]),
        staff_idle_after=_duration(current_app.config["SESSION_IDLE_MINUTES_STAFF"]),
        longest_session=_duration(current_app.config["SESSION_ABSOLUTE_HOURS"] * 60),
        prepared_on=ACCESSIBILITY_STATEMENT_PREPARED,
        reviewed_on=ACCESSIBILITY_STATEMENT_REVIEWED,
    )


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
