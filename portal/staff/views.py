"""My work (the staff home), its item actions, and invitations."""

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts import services as accounts
from portal.accounts.models import CarerType, Role
from portal.core.access import only_for, only_for_staff
from portal.core.db import utcnow
from portal.core.extensions import htmx
from portal.core.htmx import render_page
from portal.staff import bp, services
from portal.staff.forms import CARER_TYPE_LABELS, ROLE_LABELS, AssignForm, DoneForm, InviteForm
from portal.staff.models import WorkKind

INVITERS = tuple(accounts.INVITABLE_ROLES)


def _tools() -> dict:
    """Which of the features' staff pages the person's roles open."""
    has = current_user.has_role
    return {
        "can_invite": bool(accounts.roles_invitable_by(current_user)),
        "runs_recruitment": has(Role.RECRUITMENT, Role.SERVICE_MANAGER),
        "reads_childrens_rights": has(Role.CHILDRENS_RIGHTS_OFFICER, Role.SERVICE_MANAGER),
        "assesses": has(Role.ASSESSING_SOCIAL_WORKER, Role.SERVICE_MANAGER),
        "supervises_carers": has(Role.SUPERVISING_SOCIAL_WORKER, Role.SERVICE_MANAGER),
        "runs_training": has(Role.TRAINING_COORDINATOR, Role.SERVICE_MANAGER),
        "handles_complaints": has(Role.COMPLAINTS_MANAGER, Role.SERVICE_MANAGER),
        "does_visits": has(Role.INITIAL_VISITOR, Role.RECRUITMENT, Role.SERVICE_MANAGER),
        "workspace_links": services.workspace_links(current_user, current_app.view_functions),
    }


def _show() -> str | None:
    """'mine' when the page is filtered to the person's own items."""
    return "mine" if request.args.get("show") == "mine" else None


def _work_context(*, bound=None, message=None, message_key=None) -> dict:
    """Every queue with the choices for each item shown; `bound` is a form that failed.

    Item forms are written out in the template from these choices rather than built as
    WTForms objects: a manager's My work shows dozens of items, and rendering each one's
    form through the widgets cost more than the rest of the page. Only a form that failed
    (`bound`) is rendered as a form object, with its errors.
    """
    people = services.colleagues(g.service)
    views = services.my_work(
        g.service, current_user, utcnow(), mine=_show() == "mine", people=people
    )
    choices = {}
    for view in views:
        for row in view.rows:
            key = f"{row.kind}-{row.object_id}"
            choices[key] = [("", _("Nobody"))] + [
                (str(person.id), person.name)
                for person in services.assignees_for(view.queue, row, people)
            ]
    return {
        "views": views,
        "choices": choices,
        "bound_prefix": bound._prefix if bound is not None else None,
        "show": _show(),
        "total": sum(view.count for view in views),
        "message": message,
        "message_key": message_key,
        "form": bound,
    }


@bp.get("/")
@only_for_staff
def home():
    """My work: the person's queues, most urgent first, and links to every tool."""
    partial = "staff/_counts.html" if request.args.get("part") == "counts" else "staff/_work.html"
    return render_page("staff/home.html", partial, **_work_context(), **_tools())


def _item_or_abort(kind: str, object_id: int):
    try:
        found = services.find_row(g.service, current_user, WorkKind(kind), object_id, utcnow())
    except ValueError:
        abort(404)
    except services.NotYours:
        abort(403)
    if found is None:
        abort(404)
    return found


def _after_action(queue, message: str):
    if htmx:
        return render_page(
            "staff/home.html",
            "staff/_queue_update.html",
            **_work_context(message=message, message_key=queue.key),
        )
    flash(message)
    return redirect(url_for("staff.home", show=_show(), _anchor=f"queue-{queue.key}"))


@bp.post("/my-work/<kind>/<int:object_id>/assign")
@only_for_staff
def assign_item(kind: str, object_id: int):
    """Make a colleague who works on the queue responsible for the item (or nobody)."""
    queue, row = _item_or_abort(kind, object_id)
    people = services.colleagues(g.service)
    form = AssignForm(
        services.assignees_for(queue, row, people), prefix=f"assign-{row.kind}-{row.object_id}"
    )
    if not form.validate_on_submit():
        context = _work_context(bound=form, message_key=queue.key)
        if htmx:
            return render_page("staff/home.html", "staff/_queue_update.html", **context)
        return render_page("staff/home.html", "staff/_work.html", **context, **_tools())
    services.assign(g.service, row.kind, row.object_id, form.chosen, by=current_user)
    if form.chosen:
        message = _("%(item)s assigned to %(name)s.", item=row.title, name=form.chosen.name)
    else:
        message = _("%(item)s is no longer assigned to anyone.", item=row.title)
    return _after_action(queue, message)


@bp.post("/my-work/<kind>/<int:object_id>/done")
@only_for_staff
def mark_item_done(kind: str, object_id: int):
    """Take the item off My work until something new happens to it."""
    queue, row = _item_or_abort(kind, object_id)
    if not queue.can_mark_done:
        abort(403)
    form = DoneForm(prefix=f"done-{row.kind}-{row.object_id}")
    if form.validate_on_submit():
        services.mark_done(g.service, row.kind, row.object_id, by=current_user, now=utcnow())
    return _after_action(queue, _("%(item)s marked done.", item=row.title))


@bp.route("/invitations", methods=["GET", "POST"])
@only_for(*INVITERS)
def invitations():
    """Invite a carer, young person or colleague, and see who has been invited."""
    roles = accounts.roles_invitable_by(current_user)
    if not roles:
        abort(403)
    form = InviteForm(roles)
    if form.validate_on_submit():
        try:
            accounts.invite_user(
                g.service,
                current_user,
                email=form.email.data,
                name=form.name.data,
                role=Role(form.role.data),
                carer_type=CarerType(form.carer_type.data) if form.carer_type.data else None,
                locale=None,
            )
        except accounts.EmailAlreadyUsed:
            form.email.errors.append(_("Someone in this service already uses this email address"))
        else:
            flash(_("Invitation sent."))
            return redirect(url_for("staff.invitations"))
    return render_page(
        "staff/invitations.html",
        "staff/_invitations.html",
        form=form,
        invited=accounts.list_invitations(g.service),
        role_labels=ROLE_LABELS,
        carer_type_labels=CARER_TYPE_LABELS,
    )
