"""People routes: find a person, and open their page with its timeline."""

from flask import abort, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.access import only_for_staff
from portal.core.pagination import govuk_pagination
from portal.people import bp, services
from portal.people.forms import SearchForm
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
    )
