"""One app process for the brute-force test: the test settings with production's limit,
the test's database, and Flask-Limiter's counts in Redis, shared by every process.

Run as `python -m tests.accounts.limited_server PORT`; the test sets the environment.
"""

import os
import sys

from werkzeug.serving import make_server

from config import TestConfig
from portal import create_app


class LimitedConfig(TestConfig):
    SQLALCHEMY_DATABASE_URI = os.environ["LIMIT_TEST_DATABASE_URL"]
    RATELIMIT_STORAGE_URI = os.environ["LIMIT_TEST_REDIS_URL"]
    # Each run counts under its own prefix, so runs never see each other's attempts.
    RATELIMIT_KEY_PREFIX = os.environ["LIMIT_TEST_PREFIX"]
    AUTH_ATTEMPTS_LIMIT = "10 per 5 minutes"
    # One proxy in front, as in production: the test names each client in X-Forwarded-For.
    PROXY_COUNT = 1
    MAIL_DIRECTORY = os.environ["LIMIT_TEST_MAIL"]


if __name__ == "__main__":
    server = make_server("127.0.0.1", int(sys.argv[1]), create_app(LimitedConfig), threaded=True)
    server.serve_forever()
