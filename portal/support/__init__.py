"""Support for approved foster carers: groups, the Forum, mentors, allowances, allegations."""

from flask import Blueprint

bp = Blueprint("support", __name__, url_prefix="/<service>")

from portal.support import views  # noqa: E402, F401
