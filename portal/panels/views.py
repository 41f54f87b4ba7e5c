"""Staff pages for the fostering panel and the agency decision maker."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.access import only_for
from portal.core.db import utcnow
from portal.core.times import london_today
from portal.panels import bp, services
from portal.panels.forms import (
    DECISION_LABELS,
    RECOMMENDATION_LABELS,
    BookForm,
    DecisionForm,
    PanelDateForm,
    PapersForm,
    RecommendationForm,
    carer_type_of,
)
from portal.panels.models import Outcome
from portal.staff.forms import CARER_TYPE_LABELS


def _today():
    return london_today(utcnow())


def _panel_label(panel):
    due = services.papers_due_on(panel, g.service)
    return _(
        "%(day)s (papers by %(due)s)",
        day=format_date(panel.meets_on, "d MMMM yyyy"),
        due=format_date(due, "d MMMM yyyy"),
    )


def _book_form(application_id, panels, formdata=None):
    form = BookForm(prefix=f"book-{application_id}", formdata=formdata)
    form.set_panels(panels, _panel_label)
    form.application_id = application_id
    return form


def _render_panels(*, date_form=None, bound=None, status=200):
    today = _today()
    panels = services.bookable_panels(g.service, today)
    waiting = services.to_book(g.service)
    forms = {
        a.id: bound
        if bound is not None and bound.application_id == a.id
        else _book_form(a.id, panels)
        for a in waiting
    }
    return render_template(
        "panels/staff_panels.html",
        rows=services.upcoming(g.service, today),
        waiting=waiting,
        forms=forms,
        date_form=date_form or PanelDateForm(prefix="panel", formdata=None),
        form=date_form or bound,
        has_panels=bool(panels),
        papers_days=g.service.panel_papers_working_days,
        today=today,
    ), status


@bp.get("/staff/panels")
@only_for(*services.PANEL_ROLES)
def staff_panels():
    """Panel dates with who is booked on each, and applications waiting for a date."""
    return _render_panels()


@bp.post("/staff/panels")
@only_for(*services.RECOMMENDATION_ROLES)
def staff_add_panel():
    """Add a panel date."""
    form = PanelDateForm(prefix="panel")
    if not form.validate_on_submit():
        return _render_panels(date_form=form)
    try:
        services.add_panel(
            g.service, form.meets_on.data, form.notes.data or "", by=current_user, today=_today()
        )
    except services.NotAllowed:
        form.meets_on.errors = [_("There is already a panel on that date")]
        return _render_panels(date_form=form)
    flash(_("Panel date added."))
    return redirect(url_for("panels.staff_panels"))


@bp.post("/staff/panels/book/<int:application_id>")
@only_for(*services.PANEL_ROLES)
def staff_book(application_id: int):
    """Book an application at panel stage onto a panel date."""
    application = services.application_to_book(g.service, application_id)
    if application is None:
        abort(404)
    today = _today()
    form = _book_form(
        application.id, services.bookable_panels(g.service, today), formdata=request.form
    )
    if not form.validate_on_submit():
        return _render_panels(bound=form)
    panel = form.panels[form.panel.data]
    try:
        services.book(application, panel, by=current_user, now=utcnow(), today=today)
    except services.NotAllowed:
        flash(_("This application is already booked or is not ready for panel."))
    else:
        flash(
            _(
                "%(name)s is booked onto the panel on %(day)s.",
                name=application.name,
                day=format_date(panel.meets_on, "d MMMM yyyy"),
            )
        )
    return redirect(url_for("panels.staff_panels"))


def _case(case_id: int):
    case = services.case_for(g.service, case_id)
    if case is None:
        abort(404)
    return case


def _render_case(case, **bound):
    today = _today()
    panels = [p for p in services.bookable_panels(g.service, today) if p.id != case.panel_id]
    forms = {
        "papers": bound.get("papers") or PapersForm(prefix="papers", formdata=None),
        "recommendation": bound.get("recommendation")
        or RecommendationForm(prefix="recommendation", formdata=None),
        "move": bound.get("move") or _book_form(case.application_id, panels),
    }
    if "move" not in bound:
        forms["move"].submit.label.text = _("Move to this panel")
    return render_template(
        "panels/staff_case.html",
        case=case,
        forms=forms,
        form=next(iter(bound.values()), None),
        assessment=services.assessment_of(case.application),
        papers_due_on=services.papers_due_on(case.panel, g.service),
        papers_late=services.papers_are_late(case, g.service),
        decision_due_on=services.decision_due_on(case, g.service),
        has_met=case.panel.meets_on <= today,
        can_move=bool(panels) and case.recommendation is None,
        can_recommend=current_user.has_role(*services.RECOMMENDATION_ROLES),
        recommendation_labels=RECOMMENDATION_LABELS,
        decision_labels=DECISION_LABELS,
        carer_type_labels=CARER_TYPE_LABELS,
    )


@bp.get("/staff/panels/cases/<int:case_id>")
@only_for(*services.PANEL_ROLES)
def staff_case(case_id: int):
    """One application before the panel: papers, recommendation, decision."""
    return _render_case(_case(case_id))


def _back(case):
    return redirect(url_for("panels.staff_case", case_id=case.id))


@bp.post("/staff/panels/cases/<int:case_id>/papers")
@only_for(*services.PANEL_ROLES)
def staff_papers(case_id: int):
    """Record the day the papers went to the panel members."""
    case = _case(case_id)
    form = PapersForm(prefix="papers")
    if not form.validate_on_submit():
        return _render_case(case, papers=form)
    try:
        services.record_papers(case, form.sent_on.data, by=current_user)
    except services.NotAllowed:
        flash(_("The panel has already made its recommendation."))
    else:
        flash(_("Papers recorded."))
    return _back(case)


@bp.post("/staff/panels/cases/<int:case_id>/move")
@only_for(*services.PANEL_ROLES)
def staff_move(case_id: int):
    """Move a case to another panel date."""
    case = _case(case_id)
    panels = [p for p in services.bookable_panels(g.service, _today()) if p.id != case.panel_id]
    form = _book_form(case.application_id, panels, formdata=request.form)
    if not form.validate_on_submit():
        return _render_case(case, move=form)
    try:
        services.move_panel(case, form.panels[form.panel.data], by=current_user, today=_today())
    except services.NotAllowed:
        flash(_("The panel has already made its recommendation."))
    else:
        flash(_("Moved to another panel date."))
    return _back(case)


@bp.post("/staff/panels/cases/<int:case_id>/recommendation")
@only_for(*services.RECOMMENDATION_ROLES)
def staff_recommend(case_id: int):
    """Record the panel's recommendation."""
    case = _case(case_id)
    form = RecommendationForm(prefix="recommendation")
    if not form.validate_on_submit():
        return _render_case(case, recommendation=form)
    if form.recommended_on.data < case.panel.meets_on:
        form.recommended_on.errors = [_("The recommendation cannot be before the panel met")]
        return _render_case(case, recommendation=form)
    try:
        services.recommend(
            case,
            Outcome(form.recommendation.data),
            carer_type=carer_type_of(form.carer_type.data),
            note=form.note.data,
            on=form.recommended_on.data,
            by=current_user,
            now=utcnow(),
        )
    except services.NotAllowed:
        flash(_("Record the papers first. A recommendation can be recorded only once."))
        return _back(case)
    flash(_("Recommendation recorded. It is now with the agency decision maker."))
    return _back(case)


# ---- the agency decision maker ---------------------------------------------------------


@bp.get("/staff/agency-decisions")
@only_for(*services.DECISION_ROLES)
def staff_decisions():
    """Panel recommendations waiting for a decision, overdue first."""
    return render_template(
        "panels/staff_decisions.html",
        rows=services.decisions_to_make(g.service, _today()),
        days=g.service.decision_working_days,
        recommendation_labels=RECOMMENDATION_LABELS,
    )


def _render_decision(case, form=None, status=200):
    if form is None:
        form = DecisionForm(prefix="decision", formdata=None)
        form.decision.data = case.recommendation.value if case.recommendation else None
        form.carer_type.data = case.carer_type.value if case.carer_type else ""
    return render_template(
        "panels/staff_decide.html",
        case=case,
        form=form,
        due_on=services.decision_due_on(case, g.service),
        recommendation_labels=RECOMMENDATION_LABELS,
        carer_type_labels=CARER_TYPE_LABELS,
    ), status


@bp.get("/staff/agency-decisions/<int:case_id>")
@only_for(*services.DECISION_ROLES)
def staff_decide(case_id: int):
    """The agency decision maker's page for one recommendation."""
    case = _case(case_id)
    if case.recommendation is None:
        abort(404)
    return _render_decision(case)


@bp.post("/staff/agency-decisions/<int:case_id>")
@only_for(*services.DECISION_ROLES)
def staff_decide_post(case_id: int):
    """Record the decision."""
    case = _case(case_id)
    if case.recommendation is None:
        abort(404)
    form = DecisionForm(prefix="decision")
    if not form.validate_on_submit():
        return _render_decision(case, form)
    name = case.application.name
    try:
        services.decide(
            case,
            Outcome(form.decision.data),
            carer_type=carer_type_of(form.carer_type.data),
            reasons=form.reasons.data,
            by=current_user,
            now=utcnow(),
            today=_today(),
        )
    except services.NoAccount:
        form.decision.errors = [
            _(
                "The household has no account yet. Ask them to create one with %(email)s, "
                "then record the approval.",
                email=case.application.email,
            )
        ]
        return _render_decision(case, form)
    except services.NotAllowed:
        flash(_("This recommendation already has a decision."))
        return redirect(url_for("panels.staff_decisions"))
    if case.decision == Outcome.APPROVE:
        flash(
            _("%(name)s is approved. Their account is now an approved foster carer's.", name=name)
        )
    else:
        flash(_("Decision recorded. %(name)s has been told of their right to a review.", name=name))
    return redirect(url_for("panels.staff_decisions"))
