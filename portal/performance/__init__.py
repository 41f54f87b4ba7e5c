"""Performance: the monthly figures the service monitors, as charts, tables and CSV."""

from flask import Blueprint

bp = Blueprint("performance", __name__, url_prefix="/<service>/staff/performance")

from portal.performance import views  # noqa: E402, F401
