"""The TSDS workbook: the Training, Support and Development Standards for foster carers."""

from flask import Blueprint

bp = Blueprint("tsds", __name__, url_prefix="/<service>")

from portal.tsds import views  # noqa: E402, F401
