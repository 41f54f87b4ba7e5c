"""TSDS routes: the household's workbook, evidence for an outcome, and the social
workers' review list."""

from flask import (
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from portal.accounts.models import Role
from portal.core import uploads
from portal.core.access import only_for
from portal.core.db import utcnow
from portal.core.times import london_today, to_london
from portal.tsds import bp, services
from portal.tsds.certificate import certificate_pdf
from portal.tsds.forms import STATUS_LABELS, EvidenceForm, ReviewForm
from portal.tsds.models import EvidenceStatus


def _household_or_none():
    return services.household_of(current_user)


@bp.get("/tsds")
@only_for(Role.APPROVED_CARER)
def workbook():
    """Progress per standard, overall, and the days left."""
    household = _household_or_none()
    if household is None:
        return render_template("tsds/not_set_up.html")
    standards = services.standards_of(household)
    evidence = services.evidence_of(household)
    return render_template(
        "tsds/workbook.html",
        household=household,
        standards=standards,
        evidence=evidence,
        accepted_in=services.accepted_by_standard(standards, evidence),
        progress=services.progress(household, standards, evidence, london_today(utcnow())),
        can_choose_mainstream=services.can_choose_mainstream(household),
        status_labels=STATUS_LABELS,
        statuses=EvidenceStatus,
    )


@bp.route("/tsds/outcomes/<int:outcome_id>", methods=["GET", "POST"])
@only_for(Role.APPROVED_CARER)
def outcome(outcome_id: int):
    """Write, save and send evidence for one outcome."""
    household = _household_or_none()
    if household is None:
        abort(404)
    found = services.outcome_for(household, outcome_id)
    if found is None:
        abort(404)
    evidence = services.evidence_of(household).get(found.id)
    form = EvidenceForm(
        data={
            "text": evidence.text if evidence else "",
            "sessions": [str(s.id) for s in evidence.sessions] if evidence else [],
        }
    )
    attended = services.attended_sessions(household)
    form.sessions.choices = [
        SelectChoice(
            str(s.id),
            f"{s.course.title}, {format_date(to_london(s.occasion.starts_at), 'd MMM yyyy')}",
        )
        for s in attended
    ]
    locked = evidence is not None and evidence.status == EvidenceStatus.ACCEPTED
    if not locked and form.validate_on_submit():
        services.save_evidence(
            household,
            found,
            text=form.text.data,
            by=current_user,
            send=bool(form.send.data),
            now=utcnow(),
            upload=form.checked_file,
            remove_file=bool(form.remove_attachment.data),
            session_ids=[int(v) for v in form.sessions.data or [] if v.isdigit()],
        )
        if form.send.data:
            flash(_("Sent for review. Your social worker will read it."))
            return redirect(url_for("tsds.workbook") + f"#standard-{found.standard.number}")
        flash(_("Draft saved. Only your household can see it."))
        return redirect(url_for("tsds.outcome", outcome_id=found.id))
    return render_template(
        "tsds/outcome.html",
        outcome=found,
        evidence=evidence,
        form=form,
        locked=locked,
        status_labels=STATUS_LABELS,
    )


def _send_evidence_file(evidence):
    """The attached file, under a name the server chooses, never cached."""
    if evidence is None:
        abort(404)
    return uploads.send(evidence.file_key, evidence.file_kind, f"evidence-{evidence.outcome.label}")


@bp.get("/tsds/outcomes/<int:outcome_id>/file")
@only_for(Role.APPROVED_CARER)
def evidence_file(outcome_id: int):
    """The household's own attached file."""
    household = _household_or_none()
    if household is None:
        abort(404)
    return _send_evidence_file(services.evidence_of(household).get(outcome_id))


@bp.get("/tsds/certificate.pdf")
@only_for(Role.APPROVED_CARER)
def certificate():
    """The household's certificate, once the workbook is signed off."""
    household = _household_or_none()
    if household is None or household.signed_off_on is None:
        abort(404)
    standards = services.standards_of(household)
    pdf = certificate_pdf(
        carers=[member.user.name for member in household.members],
        council=g.service.council_name,
        service=g.service.name,
        set_name=household.standard_set.name,
        outcomes=sum(len(s.outcomes) for s in standards),
        signed_off_on=household.signed_off_on,
        signed_off_by=household.signed_off_by.name if household.signed_off_by else "",
        locale=str(get_locale()),
    )
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = 'attachment; filename="tsds-certificate.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/tsds/print")
@only_for(Role.APPROVED_CARER)
def print_workbook():
    """Every standard, outcome and piece of evidence on one page, to print."""
    household = _household_or_none()
    if household is None:
        abort(404)
    return render_template(
        "tsds/print.html",
        household=household,
        standards=services.standards_of(household),
        evidence=services.evidence_of(household),
        status_labels=STATUS_LABELS,
    )


@bp.post("/tsds/mainstream")
@only_for(Role.APPROVED_CARER)
def choose_mainstream():
    """Work on the mainstream set instead of the one that fits the approval."""
    household = _household_or_none()
    if household is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        services.choose_mainstream(household, by=current_user)
    except services.NotAllowed:
        flash(_("You cannot change set once evidence has been accepted."))
    else:
        flash(_("You are now working on the mainstream set."))
    return redirect(url_for("tsds.workbook"))


# ---- social workers --------------------------------------------------------------------


@bp.get("/staff/tsds")
@only_for(*services.REVIEWER_ROLES)
def staff_list():
    """Carers' progress, evidence waiting for review (oldest first) and who is at risk."""
    mine_only = current_user.has_role(Role.SUPERVISING_SOCIAL_WORKER) and (
        request.args.get("show") != "all"
    )
    worker = current_user if mine_only else None
    households = services.households_for(g.service, worker)
    today = london_today(utcnow())
    progress = services.progress_by_household(g.service, today, households)
    return render_template(
        "tsds/staff_list.html",
        households=households,
        progress=progress,
        at_risk=[h for h in households if progress[h.id].at_risk],
        waiting=services.waiting_for_review(g.service, worker),
        mine_only=mine_only,
        is_worker=current_user.has_role(Role.SUPERVISING_SOCIAL_WORKER),
    )


@bp.route("/staff/tsds/evidence/<int:evidence_id>", methods=["GET", "POST"])
@only_for(*services.REVIEWER_ROLES)
def staff_review(evidence_id: int):
    """Read a piece of evidence and accept it or return it with a comment."""
    evidence = services.evidence_for(g.service, evidence_id)
    if evidence is None:
        abort(404)
    form = ReviewForm()
    waiting = evidence.status == EvidenceStatus.SUBMITTED
    if waiting and form.validate_on_submit():
        services.review(
            evidence,
            accept=form.decision.data == "accept",
            comment=form.comment.data or "",
            by=current_user,
            now=utcnow(),
        )
        flash(_("Decision saved. The carers have been told by email."))
        return redirect(url_for("tsds.staff_list"))
    return render_template(
        "tsds/review.html",
        evidence=evidence,
        form=form,
        waiting=waiting,
        status_labels=STATUS_LABELS,
    )


@bp.get("/staff/tsds/evidence/<int:evidence_id>/file")
@only_for(*services.REVIEWER_ROLES)
def staff_evidence_file(evidence_id: int):
    """A household's attached file, for the service's reviewers."""
    return _send_evidence_file(services.evidence_for(g.service, evidence_id))


@bp.get("/staff/tsds/households/<int:household_id>")
@only_for(*services.REVIEWER_ROLES)
def staff_household(household_id: int):
    """One household's workbook as its social worker and the manager see it."""
    household = services.household_for(g.service, household_id)
    if household is None:
        abort(404)
    standards = services.standards_of(household)
    evidence = services.evidence_of(household)
    return render_template(
        "tsds/staff_household.html",
        household=household,
        standards=standards,
        evidence=evidence,
        progress=services.progress(household, standards, evidence, london_today(utcnow())),
        can_sign_off=current_user.has_role(Role.SERVICE_MANAGER),
        status_labels=STATUS_LABELS,
    )


@bp.post("/staff/tsds/households/<int:household_id>/sign-off")
@only_for(Role.SERVICE_MANAGER)
def staff_sign_off(household_id: int):
    """The manager signs off a workbook with every outcome accepted."""
    household = services.household_for(g.service, household_id)
    if household is None:
        abort(404)
    if FlaskForm().validate_on_submit():
        try:
            services.sign_off(household, by=current_user, now=utcnow())
        except services.NotAllowed:
            flash(_("Only a workbook with every outcome accepted can be signed off, once."))
        else:
            flash(_("Workbook signed off. The carers can download their certificate."))
    return redirect(url_for("tsds.staff_household", household_id=household.id))
