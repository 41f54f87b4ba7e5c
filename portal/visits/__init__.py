"""Initial visits: slots staff publish, bookings applicants make, and the visit record."""

from flask import Blueprint

bp = Blueprint("visits", __name__, url_prefix="/<service>")

from portal.visits import views  # noqa: E402, F401
