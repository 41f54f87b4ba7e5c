"""The service manager's audit log: filter it, page through it, export it as CSV.

Reading the log is itself written to the log: a new search ('audit.viewed') and every
export ('audit.exported'), with the filters used, so who looked into whose activity is on
record. Paging through one search writes nothing more: it shows nothing new, and a row
per page would bury the events being read.
"""

from math import ceil

from flask import (
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Role
from portal.audit_log import bp, services
from portal.audit_log.forms import AuditFilterForm
from portal.core.access import only_for
from portal.core.db import utcnow
from portal.core.pagination import govuk_pagination
from portal.core.times import london_today

FILTER_ARGS = ("person", "record_type", "record_id", "action", "date_from", "date_to")


def _filters(form: AuditFilterForm) -> services.AuditFilters | None:
    """The filters the query string asks for, or None (with errors on the form)."""
    is_valid = form.validate()
    person = None
    if form.person.data and not form.person.errors:
        person = services.find_person(g.service, form.person.data)
        if person is None:
            form.person.errors.append(_("No one in this service uses that email address"))
            is_valid = False
    if not is_valid:
        return None
    return services.AuditFilters(
        person_id=person.id if person else None,
        record_type=form.record_type.data or "",
        record_id=form.record_id.data or "",
        action=form.action.data or "",
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        until=request.args.get("until", type=int) or services.newest_event_id(g.service),
    )


def _query(filters: services.AuditFilters, **extra) -> dict:
    """The query string that repeats this search (pinned to its newest event)."""
    args = {key: request.args.getlist(key) for key in FILTER_ARGS if key in request.args}
    return {**args, "until": filters.until, **extra}


def _pagination(filters: services.AuditFilters, page: int, pages: int) -> dict | None:
    return govuk_pagination(
        page,
        pages,
        lambda number: url_for("audit_log.index", **_query(filters, page=number)),
        _("Pages of events"),
    )


def record_url(object_type: str, object_id: str) -> str | None:
    """The staff page for a record the log names, where one exists."""
    endpoint = services.RECORD_PAGES.get(object_type)
    if endpoint is None or endpoint not in current_app.view_functions or not object_id.isdigit():
        return None
    rule = next(current_app.url_map.iter_rules(endpoint))
    arguments = rule.arguments - {"service"}
    if len(arguments) != 1:
        return None
    return url_for(endpoint, **{arguments.pop(): int(object_id)})


@bp.get("/")
@only_for(Role.SERVICE_MANAGER)
def index():
    """The service's audit events, newest first, narrowed by the filters."""
    form = AuditFilterForm(formdata=request.args)
    filters = _filters(form)
    context = {"form": form, "rows": [], "total": 0, "pagination": None, "export_url": None}
    if filters is not None:
        if "until" not in request.args:  # a new search, not another page of one
            # Written first: a commit after the query would expire the rows it loaded. The
            # search is pinned to the events before this one.
            services.record_reading("audit.viewed", g.service, filters, by=current_user)
        page = request.args.get("page", 1, type=int)
        total = services.count_events(g.service, filters)
        pages = max(1, ceil(total / services.PER_PAGE))
        if not 1 <= page <= pages:
            abort(404)
        context.update(
            rows=services.page_of_events(g.service, filters, page),
            total=total,
            page=page,
            first=(page - 1) * services.PER_PAGE + 1,
            pagination=_pagination(filters, page, pages),
            export_url=url_for("audit_log.export", **_query(filters)),
        )
    return render_template("audit_log/index.html", record_url=record_url, **context)


@bp.get("/export.csv")
@only_for(Role.SERVICE_MANAGER)
def export():
    """Every event the filters match, as CSV, streamed a chunk at a time."""
    filters = _filters(AuditFilterForm(formdata=request.args))
    if filters is None:
        return redirect(url_for("audit_log.index", **request.args.to_dict(flat=False)))
    rows = services.count_events(g.service, filters)
    services.record_reading("audit.exported", g.service, filters, by=current_user, rows=rows)
    filename = f"audit-log-{g.service.slug}-{london_today(utcnow()):%Y-%m-%d}.csv"
    return Response(
        stream_with_context(services.csv_chunks(g.service, filters)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
