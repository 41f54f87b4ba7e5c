"""Fostering services as data: the services a deployment hosts, their venues and teams."""

from flask import Blueprint

bp = Blueprint("organisation", __name__)

from portal.organisation import views  # noqa: E402, F401
