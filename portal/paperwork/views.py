"""Paperwork routes: the applicant's checklist and uploads, and staff review."""

import re

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Role
from portal.core import uploads
from portal.core.access import only_for
from portal.core.db import utcnow
from portal.paperwork import bp, services
from portal.paperwork.forms import STATUS_TAGS, DocumentForm, MoveForm, ReviewForm


def _my_application():
    application = services.application_in_paperwork(g.service, current_user)
    if application is None:
        abort(404)
    return application


def _my_row(item_id: int):
    application = _my_application()
    row = services.row_for(g.service, application, item_id)
    if row is None:
        abort(404)
    return application, row


def _send(document, item):
    """A document under a name made from its checklist item, never the uploader's."""
    if document is None:
        abort(404)
    name = re.sub(r"[^a-z0-9]+", "-", item.name.lower()).strip("-") or "document"
    return uploads.send(document.file_key, document.file_kind, name)


@bp.get("/my-application/paperwork")
@only_for(Role.PROSPECTIVE_CARER)
def checklist():
    """What the service asks for, what has been sent and what is still missing."""
    application = _my_application()
    return render_template(
        "paperwork/checklist.html",
        checklist=services.checklist(g.service, application),
        status_tags=STATUS_TAGS,
    )


@bp.route("/my-application/paperwork/<int:item_id>", methods=["GET", "POST"])
@only_for(Role.PROSPECTIVE_CARER)
def upload_item(item_id: int):
    """Send (or replace) the document for one item; an accepted one is locked."""
    application, row = _my_row(item_id)
    form = DocumentForm()
    if row.can_upload and form.validate_on_submit():
        try:
            services.upload(application, row.item, form.checked_file, by=current_user, now=utcnow())
        except services.NotAllowed:
            flash(_("This document has already been accepted, so it cannot be replaced."))
        else:
            flash(_("%(item)s sent. We will check it and let you know.", item=row.item.name))
        return redirect(url_for("paperwork.checklist"))
    return render_template(
        "paperwork/upload_item.html", row=row, form=form, status_tags=STATUS_TAGS
    )


@bp.get("/my-application/paperwork/<int:item_id>/file")
@only_for(Role.PROSPECTIVE_CARER)
def item_file(item_id: int):
    """The applicant's own document for one item."""
    _, row = _my_row(item_id)
    return _send(row.document, row.item)


# ---- staff -----------------------------------------------------------------------------


@bp.get("/staff/paperwork")
@only_for(*services.REVIEWER_ROLES)
def staff_list():
    """Applications at the paperwork stage and documents waiting for review, oldest first."""
    return render_template("paperwork/staff_list.html", overview=services.overview(g.service))


def _application(application_id: int):
    application = services.application_for(g.service, application_id)
    if application is None:
        abort(404)
    return application


@bp.get("/staff/paperwork/<int:application_id>")
@only_for(*services.REVIEWER_ROLES)
def staff_application(application_id: int):
    """One application's checklist: each document to download and review."""
    application = _application(application_id)
    return render_template(
        "paperwork/staff_application.html",
        application=application,
        checklist=services.checklist(g.service, application),
        status_tags=STATUS_TAGS,
        is_paperwork=services.is_in_paperwork(application),
        can_move=current_user.has_role(*services.MOVER_ROLES),
        form=MoveForm(),
    )


@bp.post("/staff/paperwork/<int:application_id>/assessment")
@only_for(*services.MOVER_ROLES)
def staff_move_to_assessment(application_id: int):
    """Move an application whose every document is accepted on to assessment."""
    application = _application(application_id)
    if not MoveForm().validate_on_submit():
        abort(400)
    try:
        services.move_to_assessment(g.service, application, by=current_user, now=utcnow())
    except services.NotAllowed:
        flash(_("Only an application with every document accepted can move to assessment."))
        return redirect(url_for("paperwork.staff_application", application_id=application.id))
    flash(_("%(name)s has moved to assessment.", name=application.name))
    return redirect(url_for("paperwork.staff_list"))


def _document(document_id: int):
    document = services.document_for(g.service, document_id)
    if document is None:
        abort(404)
    return document


@bp.route("/staff/paperwork/documents/<int:document_id>", methods=["GET", "POST"])
@only_for(*services.REVIEWER_ROLES)
def staff_review(document_id: int):
    """Download a document, then accept it or return it with a comment."""
    document = _document(document_id)
    form = ReviewForm()
    waiting = services.is_waiting(document)
    if waiting and form.validate_on_submit():
        try:
            services.review(
                document,
                accept=form.decision.data == "accept",
                comment=form.comment.data or "",
                by=current_user,
                now=utcnow(),
            )
        except services.NotAllowed:  # someone else decided first
            flash(_("Someone has already recorded a decision on this document."))
        else:
            flash(_("Decision saved. The applicant has been told by email."))
        return redirect(
            url_for("paperwork.staff_application", application_id=document.application_id)
        )
    return render_template(
        "paperwork/staff_review.html",
        document=document,
        form=form,
        waiting=waiting,
        status_tags=STATUS_TAGS,
    )


@bp.get("/staff/paperwork/documents/<int:document_id>/file")
@only_for(*services.REVIEWER_ROLES)
def staff_file(document_id: int):
    """A document, for the service's staff."""
    document = _document(document_id)
    return _send(document, document.item)


@bp.after_request
def never_cache(response):
    """Paperwork holds people's identity documents: no copies in any cache."""
    response.headers["Cache-Control"] = "no-store"
    return response
