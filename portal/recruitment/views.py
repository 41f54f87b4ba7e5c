"""Enquiry routes: the form, the reply page, and the team's list."""

from flask import abort, g, render_template, url_for
from flask_babel import get_locale
from flask_login import current_user

from portal.accounts.models import Role
from portal.accounts.prefill import prefill
from portal.core.access import only_for
from portal.core.db import utcnow
from portal.core.htmx import redirect_to, render_page
from portal.events.services import next_events_for
from portal.recruitment import bp, services
from portal.recruitment.forms import HEARD_LABELS, INTEREST_LABELS, EnquiryForm


@bp.route("/enquire", methods=["GET", "POST"])
def enquire():
    """Tell the fostering team you are interested."""
    form = EnquiryForm()
    prefill(form)  # a signed-in person's own details
    if form.validate_on_submit():
        _, token = services.make_enquiry(
            g.service,
            details=form.details(),
            locale=str(get_locale()),
            now=utcnow(),
            user_id=current_user.id if current_user.is_authenticated else None,
        )
        return redirect_to(url_for("recruitment.enquiry_sent", token=token))
    return render_page("recruitment/enquire.html", "recruitment/_enquiry_form.html", form=form)


@bp.get("/enquiry/<token>")
def enquiry_sent(token: str):
    """What happens next, with the next events to book in one tap."""
    enquiry = services.find_enquiry_by_token(g.service, token)
    if enquiry is None:
        abort(404)
    return render_template(
        "recruitment/enquiry_sent.html",
        enquiry=enquiry,
        token=token,
        events=next_events_for(g.service, utcnow()),
    )


@bp.get("/staff/enquiries")
@only_for(Role.RECRUITMENT, Role.SERVICE_MANAGER)
def staff_enquiries():
    """The newest enquiries, for the recruitment team."""
    return render_template(
        "recruitment/staff_enquiries.html",
        enquiries=services.recent_enquiries(g.service),
        interest_labels=INTEREST_LABELS,
        heard_labels=HEARD_LABELS,
    )
