"""The privacy notice, and a person's download of everything held about them."""

from flask import g, render_template, send_file
from flask_login import current_user

from portal.core.access import signed_in
from portal.core.db import utcnow
from portal.privacy import bp, services
from portal.privacy.forms import DownloadForm


def archive_response(archive, download_name: str):
    """A ZIP made for one person, as a download nobody caches."""
    response = send_file(
        archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name=download_name,
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/privacy")
def notice():
    """The service's privacy notice, with a short version for children and young people."""
    return render_template("privacy/notice.html")


@bp.route("/account/your-data", methods=["GET", "POST"])
@signed_in
def your_data():
    """What a download holds; the button makes it (POST: nothing personal in the URL)."""
    form = DownloadForm()
    if form.validate_on_submit():
        person = current_user._get_current_object()
        archive, name = services.export_archive(g.service, person, by=person, now=utcnow())
        return archive_response(archive, name)
    return render_template("privacy/your_data.html", form=form)
