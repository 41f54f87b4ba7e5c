"""The outbox: emails written with the change, delivered once by the worker, retried."""

import smtplib
import threading
from datetime import timedelta

from sqlalchemy import func, select

from portal.core import outbox
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.models import OutboxMessage, OutboxStatus
from portal.core.outbox import DirectoryTransport, SmtpTransport, backoff, deliver_due
from tests.conftest import free_port


def _queue(app, service, to="person@example.org", locale="en"):
    with app.test_request_context():
        message = outbox.enqueue(
            to=to,
            template="reset_password",
            locale=locale,
            service=service,
            link="http://localhost/leicestershire/reset-password/abc",
            minutes=60,
        )
        db.session.commit()
        return message.id


def test_an_email_rolled_back_with_its_change_is_never_sent(app, leicestershire):
    with app.test_request_context():
        outbox.enqueue(
            to="x@example.org",
            template="reset_password",
            locale="en",
            service=leicestershire,
            link="http://localhost/x",
            minutes=60,
        )
        db.session.rollback()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_the_worker_delivers_over_smtp_with_text_and_html(app, leicestershire, smtp_server):
    _queue(app, leicestershire)
    messages = smtp_server.deliver()
    assert len(messages) == 1
    message = messages[0]
    assert message["To"] == "person@example.org"
    assert message["Subject"] == "Reset your password"
    assert message["From"].startswith("Leicestershire Fostering")
    assert message["Message-ID"]
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "http://localhost/leicestershire/reset-password/abc" in plain
    assert 'href="http://localhost/leicestershire/reset-password/abc"' in html
    row = db.session.scalar(select(OutboxMessage))
    assert row.status == OutboxStatus.SENT
    assert row.sent_at is not None


def test_a_sent_email_is_never_sent_again(app, leicestershire, smtp_server):
    _queue(app, leicestershire)
    smtp_server.deliver()
    assert deliver_due(SmtpTransport(smtp_server.url)) == 0
    assert len(smtp_server.mailbox.messages) == 1


def test_when_the_mail_server_is_down_the_email_waits_and_is_retried(
    app, leicestershire, smtp_server
):
    message_id = _queue(app, leicestershire)
    down = SmtpTransport(f"smtp://127.0.0.1:{free_port()}", timeout=2)
    assert deliver_due(down) == 0
    row = db.session.get(OutboxMessage, message_id)
    assert row.status == OutboxStatus.PENDING
    assert row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    assert row.next_attempt_at > utcnow()
    # Not due yet: the server is back, but the backoff holds it.
    assert deliver_due(SmtpTransport(smtp_server.url)) == 0
    later = utcnow() + timedelta(minutes=5)
    assert deliver_due(SmtpTransport(smtp_server.url), now=later) == 1
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id).status == OutboxStatus.SENT
    assert len(smtp_server.mailbox.wait_for(1)) == 1


def test_an_email_keeps_its_place_through_a_long_outage_then_is_marked_failed(app, leicestershire):
    message_id = _queue(app, leicestershire)
    down = SmtpTransport(f"smtp://127.0.0.1:{free_port()}", timeout=2)
    now = utcnow()
    # A day of the mail server away: far more tries than a refusal gets, and still queued.
    for _ in range(app.config["OUTBOX_MAX_ATTEMPTS"] + 2):
        now += timedelta(hours=2)
        deliver_due(down, now=now)
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id).status == OutboxStatus.PENDING
    # After OUTBOX_KEEP_TRYING_HOURS it is given up, and says why.
    deliver_due(down, now=utcnow() + timedelta(hours=app.config["OUTBOX_KEEP_TRYING_HOURS"]))
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message_id)
    assert message.status == OutboxStatus.FAILED
    assert "ConnectionRefusedError" in message.last_error


def test_an_email_the_server_refuses_is_marked_failed_after_its_tries(app, leicestershire):
    class Refusing:
        def send(self, message, accepted=None):
            raise smtplib.SMTPDataError(550, b"mailbox unavailable")

    message_id = _queue(app, leicestershire)
    now = utcnow()
    for _ in range(app.config["OUTBOX_MAX_ATTEMPTS"]):
        now += timedelta(hours=2)
        deliver_due(Refusing(), now=now)
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id).status == OutboxStatus.FAILED


def test_a_claimed_email_is_left_alone_until_its_lease_runs_out(app, leicestershire, smtp_server):
    message_id = _queue(app, leicestershire)
    # Another worker claimed it and died before marking it sent.
    db.session.get(OutboxMessage, message_id).status = OutboxStatus.SENDING
    db.session.get(OutboxMessage, message_id).claimed_at = utcnow()
    db.session.commit()
    assert deliver_due(SmtpTransport(smtp_server.url)) == 0
    after_lease = utcnow() + timedelta(seconds=app.config["OUTBOX_LEASE_SECONDS"] + 1)
    assert deliver_due(SmtpTransport(smtp_server.url), now=after_lease) == 1


def test_two_workers_at_once_never_send_the_same_email(app, leicestershire, smtp_server):
    for n in range(12):
        _queue(app, leicestershire, to=f"p{n:02}@example.org")
    transport = SmtpTransport(smtp_server.url)
    counts = []

    def worker():
        with app.app_context():
            counts.append(deliver_due(transport))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 12
    recipients = sorted(m["To"] for m in smtp_server.mailbox.wait_for(12))
    assert recipients == [f"p{n:02}@example.org" for n in range(12)]


def test_development_mail_is_written_to_files(app, leicestershire, tmp_path):
    _queue(app, leicestershire)
    assert deliver_due(DirectoryTransport(tmp_path)) == 1
    files = list(tmp_path.glob("*.eml"))
    assert len(files) == 1
    assert b"Reset your password" in files[0].read_bytes()


def test_backoff_grows_and_is_capped():
    assert backoff(1) == timedelta(seconds=30)
    assert backoff(2) == timedelta(seconds=60)
    assert backoff(3) == timedelta(seconds=120)
    assert backoff(30) == timedelta(hours=1)


def test_production_without_a_mail_server_is_refused():
    import pytest

    with pytest.raises(RuntimeError, match="SMTP_URL"):
        outbox.transport_from_config({"ENV_NAME": "production", "SMTP_URL": None})
