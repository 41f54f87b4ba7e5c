"""Family-and-friends routes: the public request, and the staff's viability assessment
and Regulation 24 temporary approval pages."""

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Role
from portal.accounts.prefill import prefill
from portal.assessments import services as assessments
from portal.assessments.forms import AllocateForm
from portal.core.access import only_for
from portal.core.db import utcnow
from portal.core.times import london_today
from portal.kinship import bp, services
from portal.kinship.forms import (
    CONNECTION_LABELS,
    ENDING_LABELS,
    VIABILITY_LABELS,
    EndForm,
    ExtensionForm,
    KinshipRequestForm,
    TemporaryApprovalForm,
    ViabilityForm,
)
from portal.kinship.models import Ending, Viability

SENT_KEY = "kinship_request_reference"


def _today():
    return london_today(utcnow())


@bp.route("/family-and-friends", methods=["GET", "POST"])
def ask():
    """Someone who knows a child asks to be assessed to care for them."""
    form = KinshipRequestForm()
    prefill(form)  # a signed-in person's own details
    if form.validate_on_submit():
        made = services.make_request(
            g.service,
            details={
                "name": form.name.data.strip(),
                "email": form.email.data,
                "phone": form.phone.data,
                "postcode": form.postcode.data,
                "connection": form.connection.data,
                "child_name": form.child_name.data.strip(),
                "child_born_on": form.child_born_on.data,
                "childs_social_worker": form.childs_social_worker.data or "",
                "lives_with_them_since": form.lives_with_them_since.data,
                "message": form.message.data or "",
            },
            locale=str(get_locale()),
            now=utcnow(),
        )
        session[SENT_KEY] = made.reference
        return redirect(url_for("kinship.sent"))
    return render_template("kinship/ask.html", form=form, days=g.service.viability_working_days)


@bp.get("/family-and-friends/sent")
def sent():
    """The reference, and what happens next."""
    return render_template(
        "kinship/sent.html",
        reference=session.get(SENT_KEY),
        days=g.service.viability_working_days,
    )


# ---- staff ------------------------------------------------------------------------------


@bp.get("/staff/family-and-friends")
@only_for(*services.STAFF_ROLES)
def staff_list():
    """Requests by viability due date, and temporary approvals by end date."""
    today = _today()
    waiting, decided = services.rows(g.service, today)
    return render_template(
        "kinship/staff_list.html",
        waiting=waiting,
        decided=decided,
        approvals=services.approvals(g.service, today),
        viability_labels=VIABILITY_LABELS,
        days=g.service.viability_working_days,
        weeks=g.service.temporary_approval_weeks,
    )


def _request(request_id: int):
    found = services.find(g.service, request_id)
    if found is None:
        abort(404)
    return found


def _allocate_form(formdata=None):
    form = AllocateForm(prefix="allocate", formdata=formdata)
    form.set_assessors(assessments.assessors(g.service))
    form.assessor.label.text = _("Social worker for the viability assessment")
    return form


def _render(kinship_request, *, status=200, **bound):
    approval = kinship_request.temporary_approval
    most = g.service.temporary_extension_weeks
    forms = {
        "allocate": bound.get("allocate") or _allocate_form(),
        "viability": bound.get("viability") or ViabilityForm(prefix="viability", formdata=None),
        "approve": bound.get("approve") or TemporaryApprovalForm(prefix="approve", formdata=None),
        "extend": bound.get("extend") or ExtensionForm(prefix="extend", formdata=None, most=most),
        "end": bound.get("end") or EndForm(prefix="end", formdata=None),
    }
    is_approver = current_user.has_role(*services.APPROVER_ROLES)
    open_approval = approval is not None and approval.ended_on is None
    return render_template(
        "kinship/staff_request.html",
        kinship_request=kinship_request,
        approval=approval,
        ends_on=services.ends_on(approval) if approval else None,
        due_on=services.viability_due_on(kinship_request, g.service),
        forms=forms,
        form=next(iter(bound.values()), None),
        can_allocate=current_user.has_role(Role.SERVICE_MANAGER)
        and kinship_request.viability is None,
        can_decide=kinship_request.viability is None
        and (
            current_user.has_role(Role.SERVICE_MANAGER)
            or kinship_request.worker_id == current_user.id
        ),
        can_approve=is_approver
        and approval is None
        and kinship_request.viability not in {Viability.NOT_VIABLE, Viability.WITHDRAWN},
        can_extend=is_approver and approval is not None and services.can_extend(approval),
        can_end=is_approver and open_approval,
        connection_labels=CONNECTION_LABELS,
        viability_labels=VIABILITY_LABELS,
        ending_labels=ENDING_LABELS,
        weeks=g.service.temporary_approval_weeks,
    ), status


@bp.get("/staff/family-and-friends/<int:request_id>")
@only_for(*services.STAFF_ROLES)
def staff_request(request_id: int):
    """One request, with the child's details (the read is audited)."""
    kinship_request = _request(request_id)
    services.opened(kinship_request, by=current_user)
    return _render(kinship_request)


def _back(kinship_request):
    return redirect(url_for("kinship.staff_request", request_id=kinship_request.id))


@bp.post("/staff/family-and-friends/<int:request_id>/allocate")
@only_for(Role.SERVICE_MANAGER)
def staff_allocate(request_id: int):
    """Give the viability assessment to a social worker."""
    kinship_request = _request(request_id)
    form = _allocate_form(formdata=request.form)
    if not form.validate_on_submit():
        return _render(kinship_request, allocate=form)
    worker = form.people[form.assessor.data]
    try:
        services.allocate(kinship_request, worker, by=current_user, today=_today())
    except services.NotAllowed:
        flash(_("The viability assessment is already done."))
    else:
        flash(_("%(worker)s has the viability assessment.", worker=worker.name or worker.email))
    return _back(kinship_request)


@bp.post("/staff/family-and-friends/<int:request_id>/viability")
@only_for(*services.STAFF_ROLES)
def staff_viability(request_id: int):
    """Record what the viability assessment found."""
    kinship_request = _request(request_id)
    if not (
        current_user.has_role(Role.SERVICE_MANAGER) or kinship_request.worker_id == current_user.id
    ):
        abort(403)
    form = ViabilityForm(prefix="viability")
    if not form.validate_on_submit():
        return _render(kinship_request, viability=form)
    try:
        services.record_viability(
            kinship_request,
            Viability(form.outcome.data),
            form.reasons.data,
            by=current_user,
            today=_today(),
        )
    except services.NotAllowed:
        flash(_("The viability assessment is already done."))
    else:
        flash(_("Outcome recorded."))
    return _back(kinship_request)


@bp.post("/staff/family-and-friends/<int:request_id>/temporary-approval")
@only_for(*services.APPROVER_ROLES)
def staff_approve(request_id: int):
    """Regulation 24: approve the connected person for this child for a limited time."""
    kinship_request = _request(request_id)
    form = TemporaryApprovalForm(prefix="approve")
    if not form.validate_on_submit():
        return _render(kinship_request, approve=form)
    try:
        approval = services.approve_temporarily(
            kinship_request, form.approved_on.data, by=current_user, today=_today()
        )
    except services.NotAllowed:
        flash(_("This request cannot be approved temporarily."))
    else:
        flash(
            _(
                "Temporary approval recorded. It ends on %(day)s.",
                day=format_date(services.ends_on(approval), "d MMMM yyyy"),
            )
        )
    return _back(kinship_request)


@bp.post("/staff/family-and-friends/<int:request_id>/extend")
@only_for(*services.APPROVER_ROLES)
def staff_extend(request_id: int):
    """Regulation 25: extend the temporary approval once."""
    kinship_request = _request(request_id)
    approval = kinship_request.temporary_approval
    if approval is None:
        abort(404)
    form = ExtensionForm(prefix="extend", most=g.service.temporary_extension_weeks)
    if not form.validate_on_submit():
        return _render(kinship_request, extend=form)
    try:
        services.extend(
            approval, form.weeks.data, form.reasons.data, by=current_user, today=_today()
        )
    except services.NotAllowed:
        flash(_("A temporary approval can be extended only once, while it is running."))
    else:
        flash(
            _(
                "Extended. It now ends on %(day)s.",
                day=format_date(services.ends_on(approval), "d MMMM yyyy"),
            )
        )
    return _back(kinship_request)


@bp.post("/staff/family-and-friends/<int:request_id>/end")
@only_for(*services.APPROVER_ROLES)
def staff_end(request_id: int):
    """The temporary approval ends."""
    kinship_request = _request(request_id)
    approval = kinship_request.temporary_approval
    if approval is None:
        abort(404)
    form = EndForm(prefix="end")
    if not form.validate_on_submit():
        return _render(kinship_request, end=form)
    if form.ended_on.data < approval.approved_on:
        form.ended_on.errors = [_("It cannot end before the day it was approved")]
        return _render(kinship_request, end=form)
    try:
        services.end(approval, Ending(form.ending.data), form.ended_on.data, by=current_user)
    except services.NotAllowed:
        flash(_("This temporary approval has already ended."))
    else:
        flash(_("Temporary approval ended."))
    return _back(kinship_request)


@bp.after_request
def never_cache(response):
    """These pages hold a child's details."""
    response.headers["Cache-Control"] = "no-store"
    return response
