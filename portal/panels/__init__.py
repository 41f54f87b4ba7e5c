"""The fostering panel and the agency decision: panel dates, booking an assessment onto a
panel with its papers, the panel's recommendation and the agency decision maker's decision."""

from flask import Blueprint

bp = Blueprint("panels", __name__, url_prefix="/<service>")

from portal.panels import views  # noqa: E402, F401
