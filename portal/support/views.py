"""Support for approved foster carers: the public page and the staff page."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portal.accounts.models import Role
from portal.core.access import only_for
from portal.core.db import utcnow
from portal.core.times import london_today
from portal.support import bp, services
from portal.support.forms import (
    FORUM,
    ONLINE,
    InformationForm,
    LevelForm,
    MeetingForm,
    RemoveForm,
)
from portal.support.models import PaymentKind

SUPPORT_STAFF = (Role.SERVICE_MANAGER, Role.SUPERVISING_SOCIAL_WORKER)


@bp.get("/foster-carers/support")
def support():
    """Support groups, the Forum, mentors, out of hours, payments and allegations: public."""
    return render_template("support/support.html", page=services.support_page(g.service, utcnow()))


# ---- staff -----------------------------------------------------------------------------


@bp.get("/staff/support")
@only_for(*SUPPORT_STAFF)
def staff_support():
    """Every meeting still to come, the service's texts and its payment levels."""
    groups, forum = services.upcoming_meetings(g.service, utcnow())
    fees, allowances = services.fees_and_allowances(g.service)
    return render_template(
        "support/staff_support.html",
        groups=groups,
        forum=forum,
        information=services.find_information(g.service),
        fees=fees,
        allowances=allowances,
        remove_form=RemoveForm(),
    )


@bp.route("/staff/support/meetings/new", methods=["GET", "POST"])
@only_for(*SUPPORT_STAFF)
def add_meeting():
    """Add a support group or Forum meeting, or a monthly or quarterly run of them."""
    form = MeetingForm(g.service.localities, g.service.venues, today=london_today(utcnow()))
    if request.method == "GET" and request.args.get("group") == FORUM:
        form.group.data, form.every_months.data = FORUM, "3"
    if form.validate_on_submit():
        locality = next((x for x in g.service.localities if str(x.id) == form.group.data), None)
        venue = next((v for v in g.service.venues if str(v.id) == form.place.data), None)
        every_months = int(form.every_months.data)
        made = services.add_meetings(
            g.service,
            services.MeetingDetails(
                locality=locality,
                day=form.day.data,
                starts=form.starts.time,
                ends=form.ends.time,
                venue=venue,
                is_online=form.place.data == ONLINE,
                every_months=every_months,
                times=form.times.data if every_months else 1,
            ),
            by=current_user,
            now=utcnow(),
        )
        flash(ngettext("%(num)d meeting added.", "%(num)d meetings added.", len(made)))
        return redirect(url_for("support.staff_support"))
    return render_template("support/add_meeting.html", form=form)


def _remove(found, remove, done: str):
    """Remove one of this service's rows behind a Remove button, then back to the list."""
    if found is None:
        abort(404)
    if not RemoveForm().validate_on_submit():
        abort(400)
    remove(found, by=current_user)
    flash(done)
    return redirect(url_for("support.staff_support"))


@bp.post("/staff/support/meetings/<int:meeting_id>/remove")
@only_for(*SUPPORT_STAFF)
def remove_meeting(meeting_id: int):
    """Take a meeting off the list."""
    meeting = services.find_meeting(g.service, meeting_id)
    return _remove(meeting, services.remove_meeting, _("Meeting removed."))


@bp.route("/staff/support/information", methods=["GET", "POST"])
@only_for(*SUPPORT_STAFF)
def edit_information():
    """Change the mentor scheme, allegations guidance, payments note and out-of-hours number."""
    information = services.find_information(g.service)
    form = InformationForm(obj=information)
    if request.method == "GET":
        form.out_of_hours_phone.data = g.service.out_of_hours_phone
    if form.validate_on_submit():
        services.update_information(
            g.service,
            mentor_scheme=form.mentor_scheme.data or "",
            allegations_guidance=form.allegations_guidance.data or "",
            allowances_note=form.allowances_note.data or "",
            out_of_hours_phone=form.out_of_hours_phone.data or "",
            by=current_user,
            now=utcnow(),
        )
        flash(_("Support information saved."))
        return redirect(url_for("support.staff_support"))
    return render_template("support/edit_information.html", form=form)


def _level_page(level, heading: str):
    form = LevelForm(obj=level)
    if request.method == "GET" and level is not None:
        form.weekly_amount.data = f"{level.weekly_amount:.2f}"
    if form.validate_on_submit():
        try:
            services.save_level(
                g.service,
                level,
                kind=PaymentKind(form.kind.data),
                name=form.name.data,
                description=form.description.data or "",
                weekly_amount=form.weekly_amount.amount,
                by=current_user,
            )
        except services.DuplicateLevel:
            form.name.errors.append(_("There is already a level with this name"))
        else:
            flash(_("Fees and allowances saved."))
            return redirect(url_for("support.staff_support"))
    return render_template(
        "support/level_form.html",
        form=form,
        heading=heading,
        level=level,
        remove_form=RemoveForm(formdata=None),
    )


@bp.route("/staff/support/levels/new", methods=["GET", "POST"])
@only_for(*SUPPORT_STAFF)
def add_level():
    """Add a row to the fees and allowances table."""
    return _level_page(None, _("Add a fee or allowance level"))


@bp.route("/staff/support/levels/<int:level_id>/edit", methods=["GET", "POST"])
@only_for(*SUPPORT_STAFF)
def edit_level(level_id: int):
    """Change a row of the fees and allowances table."""
    level = services.find_level(g.service, level_id)
    if level is None:
        abort(404)
    return _level_page(level, _("Change a fee or allowance level"))


@bp.post("/staff/support/levels/<int:level_id>/remove")
@only_for(*SUPPORT_STAFF)
def remove_level(level_id: int):
    """Take a row out of the fees and allowances table."""
    level = services.find_level(g.service, level_id)
    return _remove(level, services.remove_level, _("Level removed."))
