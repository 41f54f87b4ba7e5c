"""Talk to a Children's Rights Officer: messages from young people, with or without an
account, and the officers' queue."""

from flask import Blueprint

bp = Blueprint("childrens_rights", __name__, url_prefix="/<service>")

from portal.childrens_rights import views  # noqa: E402, F401
