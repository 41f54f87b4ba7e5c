"""The production tests start real processes (gunicorn, the outbox worker, PostgreSQL).

Tests marked `own_databases` build every database they use themselves (a new SQLite file,
a new PostgreSQL database, a private PostgreSQL cluster), so the database the suite's pass
runs on changes nothing for them. `make test` runs the suite on SQLite and then, when
TEST_DATABASE_URL is set, again on PostgreSQL: these tests run in the SQLite pass, which
every run has, and are left out of the PostgreSQL pass rather than repeated there.
"""

import os


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "own_databases: builds its own databases; runs once, in the SQLite pass"
    )


def pytest_collection_modifyitems(config, items):
    if not os.environ.get("TEST_DATABASE_URL"):
        return
    repeated = [item for item in items if item.get_closest_marker("own_databases")]
    if repeated:
        config.hook.pytest_deselected(items=repeated)
        items[:] = [item for item in items if item not in repeated]
