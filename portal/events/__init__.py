"""'Find out about Fostering' information events: the public list, booking without an
account, and the recruitment team's register."""

from flask import Blueprint

bp = Blueprint("events", __name__, url_prefix="/<service>")

from portal.events import views  # noqa: E402, F401
