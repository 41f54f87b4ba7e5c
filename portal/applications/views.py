"""Application routes: the applicant's tracker, and the recruitment team's decisions."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Role
from portal.applications import bp, services
from portal.applications.forms import DECISION_LABELS, STAGE_LABELS, DecisionForm, WithdrawForm
from portal.applications.models import Stage
from portal.core.access import only_for
from portal.core.db import utcnow
from portal.visits.forms import RECOMMENDATION_LABELS

APPLICANTS = (Role.PROSPECTIVE_CARER, Role.APPROVED_CARER)


@bp.get("/my-application")
@only_for(*APPLICANTS)
def tracker():
    """Every stage in plain words: done, happening now, and what comes next."""
    from portal.panels import services as panels  # the panel builds on applications

    steps, application = services.journey(g.service, current_user, utcnow())
    case = panels.case_of(application) if application is not None else None
    return render_template(
        "applications/tracker.html",
        steps=steps,
        application=application,
        stage_labels=STAGE_LABELS,
        case=case,
        papers_due_on=panels.papers_due_on(case.panel, g.service) if case else None,
        decision_due_on=panels.decision_due_on(case, g.service) if case else None,
        review_by=panels.review_by(case, g.service) if case else None,
    )


@bp.route("/my-application/withdraw", methods=["GET", "POST"])
@only_for(*APPLICANTS)
def withdraw():
    """Stop the application, after saying what that means."""
    found = services.applications_of(g.service, current_user)
    application = found[0] if found else None
    if application is None or application.has_ended:
        abort(404)
    form = WithdrawForm()
    if form.validate_on_submit():
        services.withdraw(application, by=current_user, now=utcnow())
        flash(_("Your application has been withdrawn. You can enquire again at any time."))
        return redirect(url_for("applications.tracker"))
    return render_template("applications/withdraw.html", form=form)


# ---- the recruitment team ---------------------------------------------------------------


@bp.get("/staff/decisions")
@only_for(*services.DECIDER_ROLES)
def staff_decisions():
    """Households whose initial visit is written up, week by week, for the meeting."""
    return render_template(
        "applications/staff_decisions.html",
        weeks=services.waiting_for_decision(g.service),
    )


@bp.route("/staff/decisions/<int:record_id>", methods=["GET", "POST"])
@only_for(*services.DECIDER_ROLES)
def staff_decide(record_id: int):
    """Read the visit record and record the meeting's decision."""
    record = services.record_to_decide(g.service, record_id)
    if record is None or services.application_for_booking(record.booking) is not None:
        abort(404)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            services.decide(
                g.service,
                record,
                decision=Stage(form.decision.data),
                reasons=form.reasons.data,
                present=form.present.data,
                by=current_user,
                now=utcnow(),
            )
        except services.AlreadyDecided:
            flash(_("Someone has already recorded a decision for this household."))
        else:
            flash(
                _(
                    "Decision recorded: %(decision)s. The household has been emailed.",
                    decision=DECISION_LABELS[Stage(form.decision.data)],
                )
            )
        return redirect(url_for("applications.staff_decisions"))
    return render_template(
        "applications/staff_decide.html",
        record=record,
        form=form,
        recommendation_labels=RECOMMENDATION_LABELS,
    )


@bp.after_request
def never_cache(response):
    """Applications hold people's circumstances: no copies in any cache."""
    response.headers["Cache-Control"] = "no-store"
    return response
