"""A service's public pages: home with its four doors, contacts, and the footer's pages."""

from flask import Blueprint

bp = Blueprint("pages", __name__)

from portal.pages import views  # noqa: E402, F401
