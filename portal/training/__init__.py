"""Training for approved foster carers: the course catalogue, booking through the booking
engine, the training co-ordinator's courses and registers, and each carer's record."""

from flask import Blueprint

bp = Blueprint("training", __name__, url_prefix="/<service>")

from portal.training import views  # noqa: E402, F401
