"""Independent visitor routes."""

from flask import abort, flash, g, redirect, render_template, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.prefill import prefill
from portal.childrens_rights.services import OFFICER_ROLES
from portal.core.access import only_for
from portal.core.db import utcnow
from portal.independent_visitors import bp, services
from portal.independent_visitors.forms import (
    STATUS_LABELS,
    CheckForm,
    StatusForm,
    VisitorRequestForm,
    VolunteerForm,
)
from portal.independent_visitors.models import RequestStatus


@bp.route("/young-people/independent-visitor", methods=["GET", "POST"])
def ask_for_visitor():
    """A young person asks for an independent visitor."""
    form = VisitorRequestForm()
    if form.validate_on_submit():
        made = services.ask_for_visitor(
            g.service,
            details={
                "name": form.name.data or "",
                "age": form.age.data,
                "how_to_reach": form.how_to_reach.data,
                "interests": form.interests.data or "",
                "languages": form.languages.data or "",
                "preferences": form.preferences.data or "",
            },
            now=utcnow(),
            user_id=current_user.id if current_user.is_authenticated else None,
        )
        session["visitor_request_reference"] = made.reference
        return redirect(url_for("independent_visitors.request_sent"))
    return render_template("independent_visitors/ask_for_visitor.html", form=form)


@bp.get("/young-people/independent-visitor/sent")
def request_sent():
    """What happens next."""
    return render_template(
        "independent_visitors/request_sent.html",
        reference=session.get("visitor_request_reference"),
    )


@bp.route("/independent-visitors/volunteer", methods=["GET", "POST"])
def volunteer():
    """An adult offers to become an independent visitor."""
    form = VolunteerForm()
    prefill(form)  # a signed-in person's own details
    if form.validate_on_submit():
        services.offer_to_volunteer(
            g.service,
            details={
                "name": form.name.data.strip(),
                "email": form.email.data,
                "phone": form.phone.data,
                "postcode": form.postcode.data,
                "why": form.why.data.strip(),
            },
            locale=str(get_locale()),
            now=utcnow(),
        )
        return redirect(url_for("independent_visitors.volunteer_thanks"))
    return render_template("independent_visitors/volunteer.html", form=form)


@bp.get("/independent-visitors/volunteer/thank-you")
def volunteer_thanks():
    """Thanks, and what happens next."""
    return render_template("independent_visitors/volunteer_thanks.html")


@bp.get("/staff/independent-visitors")
@only_for(*OFFICER_ROLES)
def staff_list():
    """Requests by stage, and volunteers with their checks."""
    return render_template(
        "independent_visitors/staff_list.html",
        requests=services.requests_for(g.service),
        volunteers=services.volunteers_for(g.service),
        status_labels=STATUS_LABELS,
        checks=services.CHECKS,
        check_form=CheckForm(formdata=None),
    )


@bp.route("/staff/independent-visitors/requests/<int:request_id>", methods=["GET", "POST"])
@only_for(*OFFICER_ROLES)
def staff_request(request_id: int):
    """One request: read it and move it on."""
    visitor_request = services.find_request(g.service, request_id)
    if visitor_request is None:
        abort(404)
    form = StatusForm(data={"status": visitor_request.status.value})
    if form.validate_on_submit():
        services.move_request(
            visitor_request, RequestStatus(form.status.data), by=current_user, now=utcnow()
        )
        flash(_("Stage saved."))
        return redirect(url_for("independent_visitors.staff_list"))
    return render_template(
        "independent_visitors/staff_request.html", visitor_request=visitor_request, form=form
    )


@bp.post("/staff/independent-visitors/volunteers/<int:offer_id>/<check>")
@only_for(*OFFICER_ROLES)
def record_check(offer_id: int, check: str):
    """Tick or untick a volunteer's check."""
    offer = services.find_volunteer(g.service, offer_id)
    if offer is None or check not in services.CHECKS:
        abort(404)
    form = CheckForm()
    if form.validate_on_submit():
        services.record_check(offer, check, form.done.data == "yes", by=current_user)
    return redirect(url_for("independent_visitors.staff_list") + f"#volunteer-{offer.id}")


@bp.after_request
def never_cache(response):
    """These pages hold young people's details."""
    response.headers["Cache-Control"] = "no-store"
    return response
