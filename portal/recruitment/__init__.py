"""Recruitment: enquiries from people thinking about fostering."""

from flask import Blueprint

bp = Blueprint("recruitment", __name__, url_prefix="/<service>")

from portal.recruitment import views  # noqa: E402, F401
