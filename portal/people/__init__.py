"""People: find an applicant, carer household or young person in the service, and see
their timeline."""

from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/<service>/staff/people")

from portal.people import views  # noqa: E402, F401
