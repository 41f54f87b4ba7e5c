"""Paperwork: the checklist of documents a progressed application sends, and staff review."""

from flask import Blueprint

bp = Blueprint("paperwork", __name__, url_prefix="/<service>")

from portal.paperwork import views  # noqa: E402, F401
