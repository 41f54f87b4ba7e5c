"""Service settings: what the service manager changes without a developer, and the staff
accounts they invite and disable."""

from flask import Blueprint

bp = Blueprint("settings", __name__, url_prefix="/<service>/staff/settings")

from portal.settings import views  # noqa: E402, F401
