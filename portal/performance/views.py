"""The service manager's performance page and its CSV."""

import csv
import io

from flask import Response, g, render_template
from flask_babel import format_date

from portal.accounts.models import Role
from portal.core.access import only_for
from portal.core.db import utcnow
from portal.core.times import london_today
from portal.performance import bp, charts, services


def _report():
    return services.build_report(g.service, london_today(utcnow()))


@bp.get("/")
@only_for(Role.SERVICE_MANAGER)
def report():
    """The monthly figures for the last twelve months, as charts and tables."""
    report = _report()
    window = report.window
    short = [
        format_date(month, "MMM") + ("*" if window.is_partial(i) else "")
        for i, month in enumerate(window.months)
    ]
    figure_charts = {
        figure.key: charts.bar_chart(
            short, [(s.label, s.values) for s in figure.series], stacked=figure.stacked
        )
        for figure in report.figures
    }
    funnel = charts.funnel_chart([(step.label, step.count) for step in report.funnel])
    return render_template(
        "performance/report.html",
        report=report,
        charts=figure_charts,
        funnel=funnel,
    )


@bp.get("/performance.csv", endpoint="csv")
@only_for(Role.SERVICE_MANAGER)
def csv_file():
    """The same figures as CSV: one row per month per measure."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["month", "part_month", "figure", "measure", "label", "value"])
    writer.writerows(services.csv_rows(_report()))
    filename = f"performance-{g.service.slug}-{london_today(utcnow()):%Y-%m-%d}.csv"
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
