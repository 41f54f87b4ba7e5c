"""Family-and-friends (kinship) carers: viability assessment requests and Regulation 24
temporary approval."""

from flask import Blueprint

bp = Blueprint("kinship", __name__, url_prefix="/<service>")

from portal.kinship import views  # noqa: E402, F401
