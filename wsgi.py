"""Entry point for gunicorn and `flask`: the configuration comes from PORTAL_ENV."""

from config import config_from_environment
from portal import create_app

app = create_app(config_from_environment())
