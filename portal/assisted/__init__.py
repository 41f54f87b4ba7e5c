"""Assisted digital: staff make a booking, enquiry, complaint or request for someone who
phones or calls in, recorded as made by staff for them."""

from flask import Blueprint

bp = Blueprint("assisted", __name__, url_prefix="/<service>/staff/for-someone")

from portal.assisted import views  # noqa: E402, F401
