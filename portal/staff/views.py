"""Staff home and invitations."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts import services as accounts
from portal.accounts.models import CarerType, Role
from portal.core.access import only_for, only_for_staff
from portal.core.htmx import render_page
from portal.staff import bp
from portal.staff.forms import CARER_TYPE_LABELS, ROLE_LABELS, InviteForm

INVITERS = tuple(accounts.INVITABLE_ROLES)


@bp.get("/")
@only_for_staff
def home():
    """Where staff start."""
    return render_template(
        "staff/home.html",
        can_invite=bool(accounts.roles_invitable_by(current_user)),
        runs_recruitment=current_user.has_role(Role.RECRUITMENT, Role.SERVICE_MANAGER),
        reads_childrens_rights=current_user.has_role(
            Role.CHILDRENS_RIGHTS_OFFICER, Role.SERVICE_MANAGER
        ),
        assesses=current_user.has_role(Role.ASSESSING_SOCIAL_WORKER, Role.SERVICE_MANAGER),
        supervises_carers=current_user.has_role(
            Role.SUPERVISING_SOCIAL_WORKER, Role.SERVICE_MANAGER
        ),
        runs_training=current_user.has_role(Role.TRAINING_COORDINATOR, Role.SERVICE_MANAGER),
        handles_complaints=current_user.has_role(Role.COMPLAINTS_MANAGER, Role.SERVICE_MANAGER),
        does_visits=current_user.has_role(
            Role.INITIAL_VISITOR, Role.RECRUITMENT, Role.SERVICE_MANAGER
        ),
    )


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


@bp.after_request
def never_cache(response):
    """Staff pages show people's details: no copies in any cache."""
    response.headers["Cache-Control"] = "no-store"
    return response
