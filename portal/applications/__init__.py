"""From initial visit to approval: the application, its stages, and the applicant's tracker."""

from flask import Blueprint

bp = Blueprint("applications", __name__, url_prefix="/<service>")

from portal.applications import views  # noqa: E402, F401
