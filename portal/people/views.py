"""People routes: find a person, open their page with its timeline, and (for the service
manager) download everything held about them or erase it."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Role
from portal.core.access import only_for, only_for_staff
from portal.core.db import utcnow
from portal.core.pagination import govuk_pagination
from portal.people import bp, services
from portal.people.forms import SearchForm
from portal.privacy import services as privacy
from portal.privacy.forms import DownloadForm, EraseForm
from portal.privacy.views import archive_response
from portal.staff.forms import CARER_TYPE_LABELS, ROLE_LABELS


def _search_hint() -> str:
    """What this member of staff can search by; encrypted details cannot be searched."""
    parts = [_("Search by name, email address or household name, or an enquiry reference.")]
    if services.searches_complaints(current_user):
        parts.append(_("Complaint references work too."))
    if services.sees_young_people(current_user):
        parts.append(_("So do Children's Rights and independent visitor references."))
    parts.append(
        _(
            "What people wrote to us, and the names given in complaints and young people's "
            "messages, are stored encrypted and cannot be searched."
        )
    )
    return " ".join(parts)


@bp.get("/")
@only_for_staff
def search():
    """Find an applicant, carer household or young person in this service."""
    searched = "q" in request.args
    form = SearchForm(formdata=request.args if searched else None)
    form.q.description = _search_hint()
    found = None
    if searched and form.validate():
        found = services.search_people(
            g.service,
            current_user,
            form.q.data,
            page=request.args.get("page", 1, type=int),
        )
    pagination = found and govuk_pagination(
        found.page,
        found.pages,
        lambda number: url_for("people.search", q=form.q.data, page=number),
        _("Pages of results"),
    )
    return render_template(
        "people/search.html",
        form=form,
        found=found,
        pagination=pagination,
        sees_young_people=services.sees_young_people(current_user),
        role_labels=ROLE_LABELS,
        carer_type_labels=CARER_TYPE_LABELS,
    )


@bp.get("/<int:user_id>")
@only_for_staff
def person(user_id: int):
    """A person's details and their timeline; every opening is audited."""
    found = services.person_for(g.service, current_user, user_id)
    if found is None:
        abort(404)
    summary = services.summary_of(g.service, found)
    timeline = services.timeline_of(g.service, current_user, found)
    services.record_view(g.service, found, current_user)
    return render_template(
        "people/person.html",
        summary=summary,
        timeline=timeline,
        role_labels=ROLE_LABELS,
        carer_type_labels=CARER_TYPE_LABELS,
        download_form=DownloadForm() if current_user.has_role(Role.SERVICE_MANAGER) else None,
    )


def _person_or_404(user_id: int):
    found = services.person_for(g.service, current_user, user_id)
    if found is None:
        abort(404)
    return found


@bp.post("/<int:user_id>/download")
@only_for(Role.SERVICE_MANAGER)
def download_person(user_id: int):
    """Everything the portal holds about the person, as a ZIP (a subject access request)."""
    found = _person_or_404(user_id)
    if not DownloadForm().validate_on_submit():
        abort(400)
    archive, name = privacy.export_archive(g.service, found, by=current_user, now=utcnow())
    return archive_response(archive, name)


@bp.route("/<int:user_id>/erase", methods=["GET", "POST"])
@only_for(Role.SERVICE_MANAGER)
def erase_person(user_id: int):
    """Erase the person's records where the law allows: a warning first, or the reasons
    they must be kept."""
    found = _person_or_404(user_id)
    reasons = privacy.reasons_to_keep(g.service, found, now=utcnow())
    form = EraseForm()
    if not reasons and form.validate_on_submit():
        try:
            privacy.erase_person(g.service, found, by=current_user, now=utcnow())
        except privacy.MustKeep as kept:
            reasons = kept.reasons
        else:
            flash(_("Their records have been erased and their account closed."))
            return redirect(url_for("people.search"))
    return render_template("people/erase.html", person=found, reasons=reasons, form=form)
