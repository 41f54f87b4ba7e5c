"""Accounts: sign in and out, registration, password reset and invitations."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/<service>")

from portal.accounts import views  # noqa: E402, F401
