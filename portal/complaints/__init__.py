"""Complaints: anyone may complain; the three statutory stages with their clocks."""

from flask import Blueprint

bp = Blueprint("complaints", __name__, url_prefix="/<service>")

from portal.complaints import views  # noqa: E402, F401
