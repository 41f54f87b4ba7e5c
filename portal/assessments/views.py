"""Staff pages for assessments: the list with week counts, allocation, and one assessment."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Role
from portal.assessments import bp, services
from portal.assessments.forms import (
    AllocateForm,
    CheckForm,
    CompleteForm,
    RefereeForm,
    SessionForm,
    check_label,
)
from portal.core.access import only_for
from portal.core.db import utcnow
from portal.core.times import london_today


def _allocate_form(application, people, formdata=None):
    form = AllocateForm(prefix=f"allocate-{application.id}", formdata=formdata)
    form.set_assessors(people)
    return form


def _render_list(bound=None):
    sort = request.args.get("sort", "overdue")
    if sort not in services.SORTS:
        sort = "overdue"
    is_manager = current_user.has_role(Role.SERVICE_MANAGER)
    people = services.assessors(g.service) if is_manager else []
    waiting = services.to_allocate(g.service)
    forms = {}
    if is_manager:
        for application in waiting:
            forms[application.id] = (
                bound
                if bound is not None and bound.application_id == application.id
                else _allocate_form(application, people, formdata=None)
            )
    return render_template(
        "assessments/staff_list.html",
        rows=services.rows(g.service, london_today(utcnow()), sort),
        waiting=waiting,
        forms=forms,
        sort=sort,
        needed=services.CHECKS_NEEDED,
        target_weeks=g.service.assessment_target_weeks,
        form=bound,
    )


@bp.get("/staff/assessments")
@only_for(*services.STAFF_ROLES)
def staff_list():
    """Applications to allocate, and every assessment against its targets, overdue first."""
    return _render_list()


@bp.post("/staff/assessments/allocate/<int:application_id>")
@only_for(Role.SERVICE_MANAGER)
def staff_allocate(application_id: int):
    """Allocate an assessing social worker to an application at assessment."""
    application = services.application_to_allocate(g.service, application_id)
    if application is None:
        abort(404)
    form = _allocate_form(application, services.assessors(g.service), formdata=request.form)
    form.application_id = application.id
    if not form.validate_on_submit():
        return _render_list(form)
    assessor = form.people[form.assessor.data]
    try:
        services.allocate(
            application, assessor, by=current_user, now=utcnow(), today=london_today(utcnow())
        )
    except services.NotAllowed:
        flash(_("This application already has an assessor or is not at assessment."))
    else:
        flash(
            _("%(assessor)s is assessing %(name)s.", assessor=assessor.name, name=application.name)
        )
    return redirect(url_for("assessments.staff_list"))


def _assessment(assessment_id: int, *, editing: bool = False):
    assessment = services.assessment_for(g.service, assessment_id)
    if assessment is None:
        abort(404)
    if editing and not services.can_edit(assessment, current_user):
        abort(403)
    return assessment


def _forms(assessment, **bound):
    forms = {
        "check": bound.get("check") or CheckForm(prefix="check", formdata=None),
        "referee": bound.get("referee") or RefereeForm(prefix="referee", formdata=None),
        "session": bound.get("session") or SessionForm(prefix="session", formdata=None),
        "complete": CompleteForm(prefix="complete", formdata=None),
    }
    forms["check"].set_checks(services.open_checks(assessment))
    return forms


def _render_assessment(assessment, **bound):
    forms = _forms(assessment, **bound)
    today = london_today(utcnow())
    return render_template(
        "assessments/staff_assessment.html",
        assessment=assessment,
        forms=forms,
        form=next(iter(bound.values()), None),
        can_edit=services.can_edit(assessment, current_user),
        is_open=services.is_open(assessment),
        is_stage_one_complete=services.stage_one_complete(assessment),
        check_label=check_label,
        weeks=services.weeks_since(assessment, today),
        target_on=services.target_on(assessment, g.service),
        panel_due_on=services.panel_due_on(assessment.application, g.service),
        done=services.checks_done(assessment),
        needed=services.CHECKS_NEEDED,
    )


@bp.get("/staff/assessments/<int:assessment_id>")
@only_for(*services.STAFF_ROLES)
def staff_assessment(assessment_id: int):
    """One assessment: its stage 1 checks, referees and stage 2 sessions."""
    return _render_assessment(_assessment(assessment_id))


def _back(assessment):
    return redirect(url_for("assessments.staff_assessment", assessment_id=assessment.id))


@bp.post("/staff/assessments/<int:assessment_id>/checks")
@only_for(*services.STAFF_ROLES)
def staff_record_check(assessment_id: int):
    """Mark a stage 1 check done."""
    assessment = _assessment(assessment_id, editing=True)
    form = CheckForm(prefix="check")
    form.set_checks(services.open_checks(assessment))
    if not form.validate_on_submit():
        return _render_assessment(assessment, check=form)
    try:
        services.record_check(
            assessment,
            int(form.check.data),
            done_on=form.done_on.data,
            note=(form.note.data or "").strip(),
            by=current_user,
        )
    except services.NotAllowed:
        flash(_("That check could not be recorded: it may already be done."))
    else:
        flash(_("Check recorded."))
    return _back(assessment)


@bp.post("/staff/assessments/<int:assessment_id>/referees")
@only_for(*services.STAFF_ROLES)
def staff_add_referee(assessment_id: int):
    """Add a personal referee to interview."""
    assessment = _assessment(assessment_id, editing=True)
    form = RefereeForm(prefix="referee")
    if not form.validate_on_submit():
        return _render_assessment(assessment, referee=form)
    try:
        services.add_referee(assessment, form.name.data.strip(), by=current_user)
    except services.NotAllowed:
        flash(_("This assessment is complete, so nothing more can be added."))
    else:
        flash(_("Referee added."))
    return _back(assessment)


@bp.post("/staff/assessments/<int:assessment_id>/sessions")
@only_for(*services.STAFF_ROLES)
def staff_add_session(assessment_id: int):
    """Add a stage 2 session."""
    assessment = _assessment(assessment_id, editing=True)
    form = SessionForm(prefix="session")
    if not form.validate_on_submit():
        return _render_assessment(assessment, session=form)
    try:
        services.add_session(
            assessment, form.held_on.data, form.topic.data.strip(), by=current_user
        )
    except services.NotAllowed:
        flash(_("This assessment is complete, so nothing more can be added."))
    else:
        flash(_("Session added."))
    return _back(assessment)


@bp.post("/staff/assessments/<int:assessment_id>/complete")
@only_for(*services.STAFF_ROLES)
def staff_complete(assessment_id: int):
    """Record the assessment complete and move the application to panel."""
    assessment = _assessment(assessment_id, editing=True)
    if not CompleteForm(prefix="complete").validate_on_submit():
        abort(400)
    try:
        services.complete(assessment, by=current_user, now=utcnow(), today=london_today(utcnow()))
    except services.NotAllowed:
        flash(_("Every stage 1 check, and at least two referees, must be done first."))
        return _back(assessment)
    flash(_("Assessment complete. %(name)s has moved to panel.", name=assessment.application.name))
    return redirect(url_for("assessments.staff_list"))
