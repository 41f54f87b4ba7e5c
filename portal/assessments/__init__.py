"""Assessment (Form F): allocating an assessing social worker, stage 1 checks and stage 2
sessions, and the week count against the service's targets."""

from flask import Blueprint

bp = Blueprint("assessments", __name__, url_prefix="/<service>")

from portal.assessments import views  # noqa: E402, F401
