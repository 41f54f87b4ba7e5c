"""Faults: the mail server away for an hour, the outbox worker killed mid-batch, and the
database restarted under load. Real processes, real servers, nothing mocked."""

import itertools
import secrets
import sqlite3
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from portal.bookings.models import Booking, BookingStatus, Occasion
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.models import OutboxMessage, OutboxStatus
from portal.core.outbox import SmtpTransport, deliver_due
from portal.events import services as events
from tests.production.mail import Handler, MailServer
from tests.production.servers import (
    Browser,
    Gunicorn,
    OutboxWorker,
    add_carer,
    add_event,
    csrf_token,
    open_database,
    private_cluster,
    production_environment,
    serving,
)


def _book(app, event, count: int) -> list[str]:
    """`count` people book the event; returns their confirmation emails' Message-IDs in
    the order the worker takes them."""
    with app.test_request_context():
        for n in range(count):
            events.book(
                event,
                name=f"Person {n}",
                email=f"person{n}@example.org",
                phone="07700 900123",
                seats=1,
                access_needs="",
                locale="en",
                now=utcnow(),
            )
    queued = list(db.session.scalars(select(OutboxMessage.message_id).order_by(OutboxMessage.id)))
    db.session.rollback()
    return queued


@dataclass(frozen=True)
class Row:
    status: OutboxStatus
    attempts: int
    last_error: str | None
    sent: bool


def _rows() -> dict[str, Row]:
    """The outbox as it stands, read in a transaction that ends at once (so the test
    never holds anything the worker processes might wait for)."""
    rows = {
        message_id: Row(status, attempts, last_error, sent_at is not None)
        for message_id, status, attempts, last_error, sent_at in db.session.execute(
            select(
                OutboxMessage.message_id,
                OutboxMessage.status,
                OutboxMessage.attempts,
                OutboxMessage.last_error,
                OutboxMessage.sent_at,
            )
        )
    }
    db.session.rollback()
    return rows


# ---- a. the mail server away ---------------------------------------------------------


def test_mail_server_away_for_an_hour_loses_nothing_and_sends_nothing_twice(app, make_event):
    queued = _book(app, make_event(capacity=30), 12)
    handler = Handler()
    server = MailServer(handler)
    server.start()
    transport = SmtpTransport(server.url, timeout=5)
    start = utcnow()
    try:
        # The worker gets through a first batch; then the mail server goes away.
        assert deliver_due(transport, now=start, batch=5) == 5
        handler.wait_for(5)
        server.stop()

        # For an hour, a round a minute as the worker runs: every try fails cleanly and
        # the messages wait, backing off (30 s, 1, 2, 4 … minutes), none given up.
        for minute in range(61):
            assert deliver_due(transport, now=start + timedelta(minutes=minute)) == 0
        waiting = [row for row in _rows().values() if not row.sent]
        assert len(waiting) == 7
        # Tried at 0, 1, 2, 4, 8, 16 and 32 minutes; the next try is due at 64.
        assert {row.attempts for row in waiting} == {7}
        assert all(row.status == OutboxStatus.PENDING for row in waiting)
        assert all("ConnectionRefusedError" in row.last_error for row in waiting)

        # The server is back on the same port. The next try is due at 64 minutes: before
        # then nothing is sent; then everything is, once.
        server.start()
        assert deliver_due(transport, now=start + timedelta(minutes=63)) == 0
        assert deliver_due(transport, now=start + timedelta(minutes=64)) == 7
        handler.wait_for(12)
        assert deliver_due(transport, now=start + timedelta(hours=5)) == 0
    finally:
        server.stop()
    assert handler.message_ids() == {message_id: 1 for message_id in queued}
    rows = _rows()
    assert {row.status for row in rows.values()} == {OutboxStatus.SENT}
    assert all(row.last_error is None for row in rows.values())


def test_a_goodbye_that_fails_after_the_server_took_the_message_sends_it_once(app, make_event):
    queued = _book(app, make_event(capacity=30), 3)
    # The server takes each message, then answers QUIT as if shutting down.
    handler = Handler(quit_reply="421 Shutting down")
    server = MailServer(handler)
    server.start()
    transport = SmtpTransport(server.url, timeout=5)
    try:
        assert deliver_due(transport) == 3
        later = utcnow() + timedelta(hours=1)
        assert deliver_due(transport, now=later) == 0
    finally:
        server.stop()
    assert handler.message_ids() == {message_id: 1 for message_id in queued}
    assert {row.status for row in _rows().values()} == {OutboxStatus.SENT}


# ---- b. the worker killed mid-batch ----------------------------------------------------

# Six confirmations in one batch; the worker is killed while sending the third, at:
#   rcpt  before the mail server has the message;
#   quit  after the server accepted it, while the worker waits for the answer to QUIT;
#   data  after the server accepted it, before the worker could record that (the test
#         holds a lock on the row, so the worker's "sent" cannot be written).
# What SMTP allows: a message is delivered at least once. Only in the last case, where
# the server has the message and the database has no record of it, is it sent again,
# after the claim's lease (5 minutes) runs out, with the same Message-ID, so the
# recipient's mail system can tell it is a repeat. Nothing is ever lost.
QUEUED = 6
HELD = 3


class _RowLock:
    """Holds the write lock on one outbox row from another connection, so the worker's
    UPDATE of it waits (PostgreSQL: the row; SQLite: the whole database, which makes the
    worker wait its 5-second busy timeout)."""

    def __init__(self, message_id: str):
        self.message_id = message_id
        self.connection = None

    def __enter__(self):
        engine = db.engine
        if engine.dialect.name == "postgresql":
            self.connection = engine.connect()
            self.connection.execute(
                select(OutboxMessage.id)
                .where(OutboxMessage.message_id == self.message_id)
                .with_for_update()
            )
        else:
            self.connection = sqlite3.connect(engine.url.database, isolation_level=None)
            self.connection.execute("BEGIN IMMEDIATE")
        return self

    def worker_is_waiting(self) -> bool:
        """True once the worker is blocked on this lock (only PostgreSQL can tell)."""
        if db.engine.dialect.name != "postgresql":
            return True
        with db.engine.connect() as connection:
            return bool(
                connection.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        " AND datname = current_database() AND query LIKE 'UPDATE outbox%'"
                    )
                )
            )

    def __exit__(self, *exc):
        self.connection.rollback()
        self.connection.close()


@pytest.mark.parametrize(("step", "sent_twice"), [("rcpt", 0), ("quit", 0), ("data", 1)])
def test_the_worker_killed_mid_batch_loses_nothing(
    step, sent_twice, app, make_event, database_url, tmp_path
):
    queued = _book(app, make_event(capacity=30), QUEUED)
    handler = Handler(hold_step=step, hold_number=HELD)
    server = MailServer(handler)
    server.start()
    env = production_environment(database_url, tmp_path, SMTP_URL=server.url)
    worker = OutboxWorker(env, tmp_path / "worker.log").start()
    try:
        assert handler.reached.wait(30), f"the worker never sent:\n{worker.log_tail()}"
        if step == "data":
            with _RowLock(queued[HELD - 1]) as lock:
                handler.release.set()  # the server accepts the message …
                handler.wait_for(HELD)
                deadline = time.monotonic() + 4
                while not lock.worker_is_waiting():  # … and the worker waits to record it
                    assert time.monotonic() < deadline, worker.log_tail()
                    time.sleep(0.05)
                time.sleep(0.2)
                worker.kill()
        else:
            worker.kill()
            handler.release.set()

        # Exactly where the batch stood: the messages before the held one sent, the held
        # one claimed by a worker that no longer exists, the rest untouched.
        rows = _rows()
        accepted = HELD if step in ("quit", "data") else HELD - 1
        recorded = HELD if step == "quit" else HELD - 1
        assert [rows[m].status for m in queued] == (
            [OutboxStatus.SENT] * recorded
            + [OutboxStatus.SENDING] * (HELD - recorded)
            + [OutboxStatus.PENDING] * (QUEUED - HELD)
        )
        assert [m["Message-ID"] for m in handler.messages] == queued[:accepted]

        # A new worker sends the rest at once; a claimed message waits for its lease.
        worker = OutboxWorker(env, tmp_path / "worker.log").start()
        handler.wait_for(QUEUED - HELD + accepted, timeout=30)
        deadline = time.monotonic() + 10
        while any(rows[m].status != OutboxStatus.SENT for m in queued[HELD:]):
            assert time.monotonic() < deadline, worker.log_tail()
            time.sleep(0.1)
            rows = _rows()
        worker.stop()
        assert rows[queued[HELD - 1]].status == (
            OutboxStatus.SENT if step == "quit" else OutboxStatus.SENDING
        )

        # Five minutes on, the lease has run out and the claimed message goes.
        lease = timedelta(seconds=app.config["OUTBOX_LEASE_SECONDS"])
        after_lease = utcnow() + lease + timedelta(seconds=1)
        transport = SmtpTransport(server.url, timeout=5)
        assert deliver_due(transport, now=after_lease) == HELD - recorded
        handler.wait_for(QUEUED + sent_twice)
    finally:
        worker.stop()
        server.stop()

    # Every message arrived; the only repeat is the one SMTP cannot avoid.
    times = handler.message_ids()
    assert set(times) == set(queued)
    assert sum(times.values()) == QUEUED + sent_twice
    assert [m for m, n in times.items() if n > 1] == queued[HELD - 1 : HELD - 1 + sent_twice]
    assert {row.status for row in _rows().values()} == {OutboxStatus.SENT}


# ---- c. PostgreSQL restarted under load ------------------------------------------------

LOAD_THREADS = 6
UNAVAILABLE = "Sorry, the service is unavailable"


@dataclass
class Answer:
    """One response a simulated person got."""

    at: float
    step: str  # form (GET), book (POST), or booked (the page the booking redirects to)
    person: int
    status: int
    retry_after: str | None
    body: str


def _details(person: int, token: str) -> dict:
    return {
        "csrf_token": token,
        "name": f"Person {person}",
        "email": f"person{person}@example.org",
        "phone": "07700 900123",
        "seats": "1",
        "access_needs": "",
    }


class Load:
    """People booking, one after another on each of several threads, and a signed-in
    carer looking at their account page over and over, until stopped."""

    def __init__(self, server: str, slug: str, event_id: int, carer: tuple[str, str]):
        self.server, self.slug, self.carer = server, slug, carer
        self.form = f"/{slug}/events/{event_id}/book"
        self.answers: list[Answer] = []
        self.people = itertools.count()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._book) for _ in range(LOAD_THREADS)]
        self.signed_in = threading.Event()
        self.threads.append(threading.Thread(target=self._carer))

    def _note(self, step: str, person: int, reply) -> None:
        self.answers.append(
            Answer(
                time.monotonic(),
                step,
                person,
                reply.status,
                reply.headers.get("retry-after"),
                reply.body,
            )
        )

    def _carer(self) -> None:
        # A client address of its own, so the sign-in limit (kept in Redis) is this run's.
        address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
        browser = Browser(timeout=30, address=address)
        sign_in = f"{self.server}/{self.slug}/sign-in"
        token = csrf_token(browser.get(sign_in).body)
        email, password = self.carer
        reply = browser.post(sign_in, {"csrf_token": token, "email": email, "password": password})
        assert reply.status == 302, reply.status
        self.signed_in.set()
        while not self.stopping.is_set():
            self._note("account", -1, browser.get(f"{self.server}/{self.slug}/account"))
            time.sleep(0.02)

    def _book(self) -> None:
        while not self.stopping.is_set():
            person, browser = next(self.people), Browser(timeout=30)
            reply = browser.get(self.server + self.form)
            self._note("form", person, reply)
            if reply.status != 200:
                time.sleep(0.05)
                continue
            reply = browser.post(self.server + self.form, _details(person, csrf_token(reply.body)))
            self._note("book", person, reply)
            if reply.status == 302:
                self._note("booked", person, browser.follow(reply, self.server))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def since(self, moment: float) -> list[Answer]:
        return [answer for answer in list(self.answers) if answer.at > moment]

    def booked_since(self, moment: float) -> int:
        return sum(a.step == "booked" and a.status == 200 for a in self.since(moment))


def _wait_until(condition, timeout: float, failure: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, failure
        time.sleep(0.05)


@pytest.mark.own_databases
def test_postgresql_restarted_under_load(tmp_path):
    with private_cluster() as cluster:
        url = cluster.create_database("portal")
        engine = open_database(url)
        slug, event_id = add_event(engine, capacity=25)
        carer = (f"carer-{uuid.uuid4().hex[:8]}@example.org", "a long carer password")
        add_carer(engine, slug, *carer)
        server = Gunicorn(production_environment(url, tmp_path), tmp_path / "gunicorn.log")
        with (
            serving(server, ready_path=f"/{slug}/events/{event_id}"),
            Load(server.url, slug, event_id, carer) as load,
        ):
            started = time.monotonic()
            _wait_until(lambda: load.booked_since(started) >= 10, 30, server.log_tail())
            assert load.signed_in.wait(10)
            down = time.monotonic()
            cluster.stop()
            # Down for at least a second, and long enough for plenty of requests to meet it.
            _wait_until(
                lambda: (
                    time.monotonic() - down > 1
                    and sum(a.status == 503 for a in load.since(down)) >= 20
                ),
                20,
                f"no 503s while the database was down:\n{server.log_tail()}",
            )
            cluster.start()
            up = time.monotonic()
            # The app recovers by itself: nothing is restarted but the database.
            _wait_until(lambda: load.booked_since(up) >= 10, 30, server.log_tail())
            recovered = time.monotonic()
            time.sleep(0.3)
        answers = load.answers
        print(
            f"database down {up - down:.1f} s; bookings again {recovered - up:.1f} s after "
            f"its start; {len(answers)} answers, {sum(a.status == 503 for a in answers)} 503s"
        )

        # Never a 500: pages, redirects, and the 503 page while the database was away.
        assert {a.status for a in answers} <= {200, 302, 503}, Counter(a.status for a in answers)
        unavailable = [a for a in answers if a.status == 503]
        assert unavailable
        assert all(down < a.at < recovered for a in unavailable)
        for answer in unavailable:
            assert answer.retry_after and answer.retry_after.isdigit(), answer.retry_after
            assert UNAVAILABLE in answer.body
        # A booking sent while the database was away comes back with what was typed.
        for answer in (a for a in unavailable if a.step == "book"):
            assert f'value="person{answer.person}@example.org"' in answer.body
        # After the recovery everything works again, and the carer is still signed in.
        assert all(a.status in (200, 302) for a in answers if a.at > recovered)
        account = [a for a in answers if a.step == "account"]
        assert {a.status for a in account if a.at > recovered} == {200}
        assert any(a.status == 503 for a in account)
        assert all(carer[0] in a.body for a in account if a.status == 200)

        # Nothing half-written: every booking has its email, the seats add up, and the
        # database holds exactly the bookings people were told about (and perhaps those
        # whose answer was lost with the connection, which are then complete too).
        with Session(engine) as session:
            occasion = session.scalar(select(Occasion))
            bookings = session.scalars(select(Booking)).all()
            emails = Counter(
                (to, template)
                for to, template in session.execute(
                    select(OutboxMessage.to_address, OutboxMessage.template)
                )
            )
        engine.dispose()
        confirmed = [b for b in bookings if b.status == BookingStatus.CONFIRMED]
        assert occasion.seats_taken == len(confirmed) <= occasion.capacity
        template = {BookingStatus.CONFIRMED: "event_booked", BookingStatus.WAITING: "event_waiting"}
        assert emails == Counter((b.email, template[b.status]) for b in bookings)
        told = {a.person for a in answers if a.step == "book" and a.status == 302}
        unanswered = {a.person for a in answers if a.step == "book" and a.status == 503}
        held = {int(b.email.removeprefix("person").split("@")[0]) for b in bookings}
        assert told <= held <= told | unanswered
