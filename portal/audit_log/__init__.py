"""The audit log, for managers: filtered by person, record and date, and exported."""

from flask import Blueprint

bp = Blueprint("audit_log", __name__, url_prefix="/<service>/staff/audit")

from portal.audit_log import views  # noqa: E402, F401
