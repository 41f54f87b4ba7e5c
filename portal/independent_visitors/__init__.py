"""Independent visitors: young people ask for one, adults offer to become one."""

from flask import Blueprint

bp = Blueprint("independent_visitors", __name__, url_prefix="/<service>")

from portal.independent_visitors import views  # noqa: E402, F401
