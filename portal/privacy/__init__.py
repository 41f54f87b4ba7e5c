"""Data protection: the privacy notice, a person's own copy of everything held about them,
erasure on request, and keeping records only as long as the service's settings say."""

from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/<service>")

from portal.privacy import views  # noqa: E402, F401
