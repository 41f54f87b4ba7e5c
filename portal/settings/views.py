"""Service settings: contacts, targets, keeping records, languages, venues, localities, the
document checklist, TSDS outcome texts and staff accounts. For the service manager only."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Role
from portal.core.access import only_for
from portal.core.i18n import offered_languages
from portal.settings import bp, services
from portal.settings.forms import (
    RETENTION,
    TARGETS,
    ButtonForm,
    ChecklistItemForm,
    ContactsForm,
    LanguagesForm,
    LocalityForm,
    OutcomeForm,
    VenueForm,
    retention_form,
    targets_form,
)
from portal.staff.forms import ROLE_LABELS
from portal.support import services as support
from portal.tsds.models import SetKey

MANAGER = Role.SERVICE_MANAGER


@bp.get("/")
@only_for(MANAGER)
def index():
    """Every settings section, with what it holds now and a link to change it."""
    fees, allowances = support.fees_and_allowances(g.service)
    return render_template(
        "settings/index.html",
        contacts=ContactsForm(formdata=None, obj=g.service),
        contact_fields=services.CONTACT_FIELDS,
        targets=TARGETS,
        retention=RETENTION,
        languages=offered_languages(g.service),
        venues=services.all_venues(g.service),
        localities=services.all_localities(g.service),
        items=services.checklist(g.service),
        sets=services.standard_sets(g.service),
        levels=fees + allowances,
        information=support.find_information(g.service),
    )


@bp.route("/contacts", methods=["GET", "POST"])
@only_for(MANAGER)
def contacts():
    """Change the service's phone numbers, emails and addresses."""
    form = ContactsForm(obj=g.service)
    if form.validate_on_submit():
        values = {name: form[name].data for name in services.CONTACT_FIELDS}
        changed = services.update_contacts(g.service, values, by=current_user)
        flash(_("Contacts saved.") if changed else _("Nothing changed."))
        return redirect(url_for("settings.index"))
    return render_template("settings/contacts.html", form=form)


@bp.route("/targets", methods=["GET", "POST"])
@only_for(MANAGER)
def targets():
    """Change the timescales the service works to."""
    form = targets_form(g.service)
    if form.validate_on_submit():
        values = {name: form[name].number for name in services.TARGET_FIELDS}
        changed = services.update_targets(g.service, values, by=current_user)
        flash(_("Targets saved.") if changed else _("Nothing changed."))
        return redirect(url_for("settings.index"))
    return render_template("settings/targets.html", form=form)


@bp.route("/keeping-records", methods=["GET", "POST"])
@only_for(MANAGER)
def retention():
    """Change how long the service keeps each kind of record."""
    form = retention_form(g.service)
    if form.validate_on_submit():
        values = {name: form[name].number for name in services.RETENTION_FIELDS}
        changed = services.update_retention(g.service, values, by=current_user)
        flash(_("Keeping records saved.") if changed else _("Nothing changed."))
        return redirect(url_for("settings.index"))
    return render_template("settings/retention.html", form=form)


@bp.route("/languages", methods=["GET", "POST"])
@only_for(MANAGER)
def languages():
    """Choose the languages the service's pages offer; English always."""
    form = LanguagesForm(languages=list(offered_languages(g.service)))
    if form.validate_on_submit():
        changed = services.update_languages(g.service, form.languages.data, by=current_user)
        flash(_("Languages saved.") if changed else _("Nothing changed."))
        return redirect(url_for("settings.index"))
    return render_template("settings/languages.html", form=form)


# ---- venues and localities -------------------------------------------------------------


def _found(obj):
    if obj is None:
        abort(404)
    return obj


def _retire(obj, is_retired: bool, done: str, back: str):
    """Retire or bring back one of this service's rows behind a button, then go back."""
    _found(obj)
    if not ButtonForm().validate_on_submit():
        abort(400)
    services.set_retired(obj, is_retired, service=g.service, by=current_user)
    flash(done)
    return redirect(url_for(back))


@bp.get("/venues")
@only_for(MANAGER)
def venues():
    """The service's venues, in use and retired."""
    return render_template(
        "settings/venues.html", venues=services.all_venues(g.service), button=ButtonForm()
    )


def _venue_page(venue):
    form = VenueForm(obj=venue)
    if form.validate_on_submit():
        try:
            services.save_venue(
                g.service,
                venue,
                by=current_user,
                name=form.name.data,
                is_online=form.is_online.data,
                address=form.address.data or "",
                postcode=form.postcode.data or "",
                parking=form.parking.data or "",
            )
        except services.NameTaken:
            form.name.errors.append(_("There is already a venue with this name"))
        else:
            flash(_("Venue saved."))
            return redirect(url_for("settings.venues"))
    return render_template("settings/venue.html", form=form, venue=venue)


@bp.route("/venues/new", methods=["GET", "POST"])
@only_for(MANAGER)
def add_venue():
    """Add a venue."""
    return _venue_page(None)


@bp.route("/venues/<int:venue_id>", methods=["GET", "POST"])
@only_for(MANAGER)
def edit_venue(venue_id: int):
    """Change a venue."""
    return _venue_page(_found(services.find_venue(g.service, venue_id)))


@bp.post("/venues/<int:venue_id>/retire")
@only_for(MANAGER)
def retire_venue(venue_id: int):
    """Stop offering a venue for anything new; what already names it keeps it."""
    venue = services.find_venue(g.service, venue_id)
    return _retire(venue, True, _("Venue retired."), "settings.venues")


@bp.post("/venues/<int:venue_id>/bring-back")
@only_for(MANAGER)
def reinstate_venue(venue_id: int):
    """Offer a retired venue again."""
    venue = services.find_venue(g.service, venue_id)
    return _retire(venue, False, _("Venue back in use."), "settings.venues")


@bp.get("/localities")
@only_for(MANAGER)
def localities():
    """The service's localities, in use and retired."""
    return render_template(
        "settings/localities.html",
        localities=services.all_localities(g.service),
        button=ButtonForm(),
    )


def _locality_page(locality):
    form = LocalityForm(obj=locality)
    if form.validate_on_submit():
        try:
            services.save_locality(
                g.service,
                locality,
                by=current_user,
                name=form.name.data,
                description=form.description.data or "",
            )
        except services.NameTaken:
            form.name.errors.append(_("There is already a locality with this name"))
        else:
            flash(_("Locality saved."))
            return redirect(url_for("settings.localities"))
    return render_template("settings/locality.html", form=form, locality=locality)


@bp.route("/localities/new", methods=["GET", "POST"])
@only_for(MANAGER)
def add_locality():
    """Add a locality."""
    return _locality_page(None)


@bp.route("/localities/<int:locality_id>", methods=["GET", "POST"])
@only_for(MANAGER)
def edit_locality(locality_id: int):
    """Change a locality."""
    return _locality_page(_found(services.find_locality(g.service, locality_id)))


@bp.post("/localities/<int:locality_id>/retire")
@only_for(MANAGER)
def retire_locality(locality_id: int):
    """Stop offering a locality for anything new."""
    locality = services.find_locality(g.service, locality_id)
    return _retire(locality, True, _("Locality retired."), "settings.localities")


@bp.post("/localities/<int:locality_id>/bring-back")
@only_for(MANAGER)
def reinstate_locality(locality_id: int):
    """Offer a retired locality again."""
    locality = services.find_locality(g.service, locality_id)
    return _retire(locality, False, _("Locality back in use."), "settings.localities")


# ---- the document checklist ------------------------------------------------------------


@bp.get("/checklist")
@only_for(MANAGER)
def checklist():
    """The documents applicants are asked for, in order."""
    return render_template(
        "settings/checklist.html", items=services.checklist(g.service), button=ButtonForm()
    )


def _item_page(item):
    form = ChecklistItemForm(obj=item)
    if form.validate_on_submit():
        try:
            services.save_item(
                g.service,
                item,
                name=form.name.data,
                description=form.description.data or "",
                by=current_user,
            )
        except services.NameTaken:
            form.name.errors.append(_("There is already an item with this name"))
        else:
            flash(_("Checklist saved."))
            return redirect(url_for("settings.checklist"))
    return render_template("settings/checklist_item.html", form=form, item=item)


@bp.route("/checklist/new", methods=["GET", "POST"])
@only_for(MANAGER)
def add_item():
    """Add an item at the end of the checklist."""
    return _item_page(None)


@bp.route("/checklist/<int:item_id>", methods=["GET", "POST"])
@only_for(MANAGER)
def edit_item(item_id: int):
    """Reword a checklist item."""
    return _item_page(_found(services.find_item(g.service, item_id)))


@bp.post("/checklist/<int:item_id>/<any(up, down):direction>")
@only_for(MANAGER)
def move_item(item_id: int, direction: str):
    """Move an item one place up or down."""
    item = _found(services.find_item(g.service, item_id))
    if not ButtonForm().validate_on_submit():
        abort(400)
    if services.move_item(g.service, item, -1 if direction == "up" else 1, by=current_user):
        flash(_("Moved %(name)s.", name=item.name))
    return redirect(url_for("settings.checklist", _anchor=f"item-{item.id}"))


@bp.post("/checklist/<int:item_id>/retire")
@only_for(MANAGER)
def retire_item(item_id: int):
    """Stop asking applicants for an item; documents already sent for it stay."""
    item = services.find_item(g.service, item_id)
    return _retire(item, True, _("Item retired."), "settings.checklist")


@bp.post("/checklist/<int:item_id>/bring-back")
@only_for(MANAGER)
def reinstate_item(item_id: int):
    """Ask for a retired item again (at the end of the list)."""
    item = services.find_item(g.service, item_id)
    return _retire(item, False, _("Item back on the checklist."), "settings.checklist")


# ---- TSDS outcome texts ----------------------------------------------------------------


@bp.get("/tsds/<key>")
@only_for(MANAGER)
def tsds_set(key: str):
    """One set of standards with every outcome's words."""
    if key not in {k.value for k in SetKey}:
        abort(404)
    standard_set = _found(services.standard_set(g.service, SetKey(key)))
    return render_template("settings/tsds_set.html", standard_set=standard_set)


@bp.route("/tsds/outcomes/<int:outcome_id>", methods=["GET", "POST"])
@only_for(MANAGER)
def tsds_outcome(outcome_id: int):
    """Reword one outcome."""
    outcome = _found(services.find_outcome(g.service, outcome_id))
    form = OutcomeForm(obj=outcome)
    form.text.label.text = _("Outcome %(label)s", label=outcome.label)
    if form.validate_on_submit():
        changed = services.update_outcome(g.service, outcome, form.text.data, by=current_user)
        flash(_("Outcome saved.") if changed else _("Nothing changed."))
        key = outcome.standard.standard_set.key
        return redirect(
            url_for("settings.tsds_set", key=key.value, _anchor=f"outcome-{outcome.id}")
        )
    return render_template("settings/tsds_outcome.html", form=form, outcome=outcome)


# ---- staff accounts --------------------------------------------------------------------


@bp.get("/staff")
@only_for(MANAGER)
def staff():
    """The service's staff, their roles, and disabling or enabling an account."""
    return render_template(
        "settings/staff.html",
        staff_rows=services.staff_accounts(g.service, current_user),
        role_labels=ROLE_LABELS,
        button=ButtonForm(),
    )


@bp.post("/staff/<int:user_id>/disable")
@only_for(MANAGER)
def disable_staff(user_id: int):
    """Disable a colleague's account; their sessions end at once."""
    user = _found(services.find_staff(g.service, user_id))
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        services.disable_staff(user, by=current_user)
    except services.NotAllowed:
        flash(_("You cannot disable your own account."))
    else:
        flash(_("%(name)s can no longer sign in.", name=user.name or user.email))
    return redirect(url_for("settings.staff"))


@bp.post("/staff/<int:user_id>/enable")
@only_for(MANAGER)
def enable_staff(user_id: int):
    """Let a disabled colleague sign in again."""
    user = _found(services.find_staff(g.service, user_id))
    if not ButtonForm().validate_on_submit():
        abort(400)
    services.enable_staff(user, by=current_user)
    flash(_("%(name)s can sign in again.", name=user.name or user.email))
    return redirect(url_for("settings.staff"))
