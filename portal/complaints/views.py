"""Complaint routes: making and following a complaint, and the complaints manager's list."""

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.drafts import keeps_drafts, restore_into
from portal.accounts.prefill import prefill
from portal.complaints import bp, services
from portal.complaints.forms import (
    CLOSED_LABELS,
    COMPLAINANT_LABELS,
    OUTCOME_LABELS,
    STAGE_NAMES,
    ActionForm,
    CloseForm,
    ComplaintForm,
    ExtendForm,
    FollowForm,
    NextStageForm,
    PanelForm,
    RespondForm,
    YoungComplaintForm,
)
from portal.complaints.models import ClosedBecause, Complainant, Outcome
from portal.core import keys
from portal.core.access import only_for
from portal.core.attempts import per_client_and, reference_key
from portal.core.db import utcnow
from portal.core.times import london_today

OPEN_COMPLAINT = "complaint_open"  # session key: {service slug: complaint id}
JUST_SENT = "complaint_sent"


def _today():
    return london_today(utcnow())


def _labels() -> dict:
    return {
        "stage_names": STAGE_NAMES,
        "outcome_labels": OUTCOME_LABELS,
        "complainant_labels": COMPLAINANT_LABELS,
        "closed_labels": CLOSED_LABELS,
    }


def _remember(complaint) -> None:
    keys.remember_opened(OPEN_COMPLAINT, complaint.id)


def _opened():
    return services.complaint_for(g.service, keys.opened_id(OPEN_COMPLAINT))


@bp.get("/complaints")
def start():
    """How complaints work, and the ways in."""
    return render_template("complaints/start.html", **_labels())


def _make(form, complainant: Complainant | None, young: bool):
    # What they wrote before their session ended comes back to check and send; else an
    # adult's own details are filled in (a young person gives theirs only if they want).
    if not restore_into(form) and not young:
        prefill(form)
    if form.validate_on_submit():
        kind = complainant or Complainant(form.complainant.data)
        complaint, phrase = services.make_complaint(
            g.service,
            complainant=kind,
            body=form.body.data,
            put_right=form.put_right.data or "",
            happened_on=form.happened_on.data,
            name=form.name.data or "",
            email=form.email.data or "",
            phone=form.phone.data or "",
            on_behalf_of=form.on_behalf_of.data or "" if "on_behalf_of" in form else "",
            wants_advocate="wants_advocate" in form and form.wants_advocate.data == "yes",
            locale=str(get_locale()),
            now=utcnow(),
            user_id=current_user.id if current_user.is_authenticated else None,
        )
        # The secret words are shown once, on the next page; never in a URL or an email.
        session[JUST_SENT] = {
            "service": g.service.slug,
            "reference": complaint.reference,
            "phrase": phrase,
            "young": young,
            "late": complaint.is_late,
            "due_on": complaint.stage.due_on.isoformat(),
            "emailed": bool(complaint.email),
        }
        _remember(complaint)
        return redirect(url_for("complaints.sent"))
    return render_template("complaints/make.html", form=form, young=young)


# Every answer of the complaint forms, kept if a session ends as one is sent.
ADULT_ANSWERS = (
    "complainant",
    "on_behalf_of",
    "body",
    "put_right",
    "happened_on",
    "name",
    "email",
    "phone",
)
YOUNG_ANSWERS = ("body", "put_right", "happened_on", "wants_advocate", "name", "email", "phone")


@bp.route("/complaints/new", methods=["GET", "POST"])
@keeps_drafts(*ADULT_ANSWERS)
def make():
    """An adult's complaint: for themselves or for someone else."""
    return _make(ComplaintForm(today=_today()), None, young=False)


@bp.route("/young-people/complaint", methods=["GET", "POST"])
@keeps_drafts(*YOUNG_ANSWERS)
def make_young():
    """A young person's complaint, in plain words, with Exit this page."""
    return _make(YoungComplaintForm(today=_today()), Complainant.YOUNG_PERSON, young=True)


@bp.get("/complaints/sent")
def sent():
    """The reference and secret words, when to expect a reply, and a note if it is late."""
    made = session.get(JUST_SENT)
    if not made or made.get("service") != g.service.slug:
        return redirect(url_for("complaints.start"))
    return render_template(
        "complaints/sent.html",
        made=made,
        due_on=date.fromisoformat(made["due_on"]),
        young=made["young"],
    )


@bp.route("/complaints/follow", methods=["GET", "POST"])
@per_client_and(reference_key)
def follow():
    """Come back to a complaint with its reference and secret words."""
    form = FollowForm()
    if form.validate_on_submit():
        complaint = services.find_complaint(g.service, form.reference.data, form.phrase.data)
        if complaint is None:
            # One message for both halves: never say which was wrong.
            form.reference.errors.append(
                _(
                    "We could not find a complaint with that reference and those secret "
                    "words. Check both and try again."
                )
            )
        else:
            _remember(complaint)
            return redirect(url_for("complaints.yours"))
    mine = services.complaints_of(g.service, current_user) if current_user.is_authenticated else []
    return render_template(
        "complaints/follow.html",
        form=form,
        mine=mine,
        open_form=ActionForm(formdata=None),
        young=request.args.get("young") == "1",
    )


@bp.post("/complaints/mine/<int:complaint_id>")
def open_mine(complaint_id: int):
    """A signed-in person opens one of their own complaints without the words."""
    complaint = services.complaint_for(g.service, complaint_id)
    if (
        not current_user.is_authenticated
        or complaint is None
        or complaint.user_id != current_user.id
        or not ActionForm().validate_on_submit()
    ):
        abort(404)
    _remember(complaint)
    return redirect(url_for("complaints.yours"))


def _render_yours(complaint, next_stage_form):
    today = _today()
    return render_template(
        "complaints/yours.html",
        complaint=complaint,
        clock=services.clock(complaint, today),
        can_ask=services.can_ask_for_next_stage(complaint, today),
        next_stage_by=services.next_stage_deadline(complaint.stage),
        next_stage_form=next_stage_form,
        form=next_stage_form,
        young=complaint.complainant == Complainant.YOUNG_PERSON,
        **_labels(),
    )


@bp.get("/complaints/yours")
def yours():
    """The complaint, each stage's response, and the next stage if it is wanted."""
    complaint = _opened()
    if complaint is None:
        return redirect(url_for("complaints.follow"))
    return _render_yours(complaint, NextStageForm(formdata=None))


@bp.post("/complaints/yours/next-stage")
def ask_for_next_stage():
    """The complainant takes it to the next stage."""
    complaint = _opened()
    if complaint is None:
        return redirect(url_for("complaints.follow"))
    form = NextStageForm()
    if form.validate_on_submit():
        try:
            stage = services.ask_for_next_stage(complaint, why=form.why.data, now=utcnow())
        except services.NotAllowed:
            flash(_("This complaint cannot go to the next stage from here. Contact us."))
        else:
            flash(
                _(
                    "We have your request for %(stage)s.",
                    stage=STAGE_NAMES[stage.number],
                )
            )
        return redirect(url_for("complaints.yours"))
    return _render_yours(complaint, form)


@bp.post("/complaints/yours/close")
def forget():
    """Stop showing the complaint on this device."""
    keys.forget_opened(OPEN_COMPLAINT)
    session.pop(JUST_SENT, None)
    flash(_("Your complaint is hidden on this device."))
    return redirect(url_for("complaints.start"))


# ---- the complaints manager -------------------------------------------------------------


def _complaint_or_404(complaint_id: int):
    complaint = services.complaint_for(g.service, complaint_id)
    if complaint is None:
        abort(404)
    return complaint


@bp.get("/staff/complaints")
@only_for(*services.MANAGER_ROLES)
def staff_list():
    """Every complaint with its stage, due date and working days left."""
    show_all = request.args.get("show") == "all"
    today = _today()
    complaints = services.complaints_for(g.service, include_closed=show_all)
    return render_template(
        "complaints/staff_list.html",
        rows=[(c, services.clock(c, today)) for c in complaints],
        show_all=show_all,
        **_labels(),
    )


def _render_staff(complaint, **forms):
    today = _today()
    defaults = {
        "respond_form": RespondForm(formdata=None, prefix="respond"),
        "extend_form": ExtendForm(formdata=None, prefix="extend"),
        "panel_form": PanelForm(formdata=None, prefix="panel"),
        "next_stage_form": NextStageForm(formdata=None, prefix="next"),
        "close_form": CloseForm(formdata=None, prefix="close"),
        "action_form": ActionForm(formdata=None, prefix="action"),
    }
    defaults.update(forms)
    return render_template(
        "complaints/staff_complaint.html",
        complaint=complaint,
        clock=services.clock(complaint, today),
        can_extend=services.can_extend(complaint.stage),
        extended_days=services.EXTENDED_DAYS,
        next_stage_by=services.next_stage_deadline(complaint.stage),
        last_stage=services.LAST_STAGE,
        form=next(iter(forms.values()), None),  # the one that failed: error summary
        **defaults,
        **_labels(),
    )


@bp.get("/staff/complaints/<int:complaint_id>")
@only_for(*services.MANAGER_ROLES)
def staff_complaint(complaint_id: int):
    """One complaint: read it (the view is audited) and move it on."""
    complaint = _complaint_or_404(complaint_id)
    services.record_view(complaint, current_user)
    return _render_staff(complaint)


def _back(complaint):
    return redirect(url_for("complaints.staff_complaint", complaint_id=complaint.id))


@bp.post("/staff/complaints/<int:complaint_id>/respond")
@only_for(*services.MANAGER_ROLES)
def staff_respond(complaint_id: int):
    """Record the current stage's response and outcome."""
    complaint = _complaint_or_404(complaint_id)
    form = RespondForm(prefix="respond")
    if not form.validate_on_submit():
        return _render_staff(complaint, respond_form=form)
    try:
        services.respond(
            complaint.stage,
            response=form.response.data,
            outcome=Outcome(form.outcome.data),
            by=current_user,
            now=utcnow(),
        )
    except services.NotAllowed:
        flash(_("This stage already has its response."))
    else:
        flash(_("Response recorded. The complainant is told by email if they gave an address."))
    return _back(complaint)


@bp.post("/staff/complaints/<int:complaint_id>/extend")
@only_for(*services.MANAGER_ROLES)
def staff_extend(complaint_id: int):
    """Extend the current stage once."""
    complaint = _complaint_or_404(complaint_id)
    form = ExtendForm(prefix="extend")
    if not form.validate_on_submit():
        return _render_staff(complaint, extend_form=form)
    try:
        services.extend(complaint.stage, reason=form.reason.data, by=current_user, now=utcnow())
    except services.NotAllowed:
        flash(_("This stage cannot be extended."))
    else:
        flash(_("Deadline extended."))
    return _back(complaint)


@bp.post("/staff/complaints/<int:complaint_id>/panel")
@only_for(*services.MANAGER_ROLES)
def staff_panel(complaint_id: int):
    """Record the Stage 3 panel date."""
    complaint = _complaint_or_404(complaint_id)
    form = PanelForm(prefix="panel")
    if not form.validate_on_submit():
        return _render_staff(complaint, panel_form=form)
    try:
        services.set_panel_date(complaint.stage, form.panel_on.data, by=current_user)
    except services.NotAllowed:
        flash(_("A panel date can only be set while Stage 3 is waiting for its panel."))
    else:
        flash(_("Panel date saved."))
    return _back(complaint)


@bp.post("/staff/complaints/<int:complaint_id>/next-stage")
@only_for(*services.MANAGER_ROLES)
def staff_next_stage(complaint_id: int):
    """Record a request for the next stage made by phone, letter or in person."""
    complaint = _complaint_or_404(complaint_id)
    form = NextStageForm(prefix="next")
    if not form.validate_on_submit():
        return _render_staff(complaint, next_stage_form=form)
    try:
        stage = services.ask_for_next_stage(
            complaint, why=form.why.data, now=utcnow(), by=current_user
        )
    except services.NotAllowed:
        flash(_("This complaint cannot go to the next stage."))
    else:
        flash(_("%(stage)s started.", stage=STAGE_NAMES[stage.number]))
    return _back(complaint)


@bp.post("/staff/complaints/<int:complaint_id>/close")
@only_for(*services.MANAGER_ROLES)
def staff_close(complaint_id: int):
    """Close a complaint: withdrawn, or finished."""
    complaint = _complaint_or_404(complaint_id)
    form = CloseForm(prefix="close")
    if not form.validate_on_submit():
        return _render_staff(complaint, close_form=form)
    try:
        services.close(
            complaint, because=ClosedBecause(form.because.data), by=current_user, now=utcnow()
        )
    except services.NotAllowed:
        flash(_("This complaint is already closed."))
    else:
        flash(_("Complaint closed."))
    return _back(complaint)


@bp.post("/staff/complaints/<int:complaint_id>/reopen")
@only_for(*services.MANAGER_ROLES)
def staff_reopen(complaint_id: int):
    """Undo a close made in error."""
    complaint = _complaint_or_404(complaint_id)
    if ActionForm(prefix="action").validate_on_submit():
        services.reopen(complaint, by=current_user)
        flash(_("Complaint reopened."))
    return _back(complaint)


@bp.after_request
def never_cache(response):
    """Complaints hold people's accounts of what happened: no copies in any cache."""
    response.headers["Cache-Control"] = "no-store"
    return response
