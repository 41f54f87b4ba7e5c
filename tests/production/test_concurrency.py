"""Several processes, one database: a campaign burst of 500 bookings for 30 seats, sent at
once to gunicorn running the production configuration, never overbooks, never fails,
tells each person exactly what the database holds for them, and leaves no process showing
the event with places left."""

import os
from contextlib import contextmanager

import pytest
from sqlalchemy.orm import Session

from tests.production.booking_burst import (
    book_at_once,
    check_against_database,
    every_process_says_full,
)
from tests.production.servers import (
    Gunicorn,
    add_event,
    logs_on_failure,
    new_postgres_database,
    open_database,
    production_environment,
    serving,
)

PEOPLE = 500
SEATS = 30


@contextmanager
def postgresql_database():
    """TEST_DATABASE_URL when the suite runs on PostgreSQL (its tables are there already
    and are emptied after each test); otherwise a database made for this test on this
    machine's PostgreSQL, and dropped afterwards."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url
    else:
        with new_postgres_database() as made:
            yield made


def test_two_processes_on_one_postgresql_database_never_overbook(tmp_path):
    with postgresql_database() as url:
        engine = open_database(url)
        slug, event_id = add_event(engine, capacity=SEATS)
        environment = production_environment(url, tmp_path)
        servers = [Gunicorn(environment, tmp_path / f"gunicorn-{n}.log") for n in (1, 2)]
        with logs_on_failure(*servers):
            with serving(*servers, ready_path=f"/{slug}/events/{event_id}"):
                outcomes = book_at_once([s.url for s in servers], slug, event_id, PEOPLE)
                every_process_says_full([s.url for s in servers], slug, event_id)
            with Session(engine) as session:
                states = check_against_database(session, event_id, outcomes, SEATS)
        engine.dispose()
    assert states["waiting"] == PEOPLE - SEATS


@pytest.mark.own_databases
def test_one_process_with_eight_threads_on_sqlite_never_overbooks(tmp_path):
    url = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    engine = open_database(url)
    slug, event_id = add_event(engine, capacity=SEATS)
    server = Gunicorn(
        production_environment(url, tmp_path), tmp_path / "gunicorn.log", workers=1, threads=8
    )
    with logs_on_failure(server):
        with serving(server, ready_path=f"/{slug}/events/{event_id}"):
            outcomes = book_at_once([server.url], slug, event_id, PEOPLE)
            every_process_says_full([server.url], slug, event_id)
        with Session(engine) as session:
            states = check_against_database(session, event_id, outcomes, SEATS)
    engine.dispose()
    assert states["waiting"] == PEOPLE - SEATS
