"""The staff workspace: the start of every staff journey."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/<service>/staff")

from portal.staff import views  # noqa: E402, F401
