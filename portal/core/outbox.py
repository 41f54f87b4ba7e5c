"""Emails leave through an outbox: rows written with the change, delivered by a worker.

A web request never talks to the mail server. `enqueue` renders the message in the
recipient's language and adds a row to the caller's transaction; `deliver_due` claims rows
with a conditional UPDATE (so two workers never send the same row at once), sends them, and
marks them sent as soon as the server has accepted the message, before saying goodbye (a
failed or hung QUIT must not send it again). A worker that dies between the server's
acceptance and that mark leaves the row claimed; once its lease runs out it is sent again
(at least once: SMTP cannot do better), with the same Message-ID so mail systems can
recognise the repeat. A worker that dies before the server accepted leaves nothing sent,
and the row goes once its lease runs out.
"""

import logging
import smtplib
import ssl
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.header import Header
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

import click
from flask import current_app, render_template
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import or_, select, update

from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)


def recipient_locale(locale: str | None) -> str:
    """A shipped language for an email: the stored one ('pl', or 'pl_PL' as 'pl'), else
    the default."""
    languages = current_app.config["LANGUAGES"]
    if locale:
        locale = str(locale).replace("-", "_")
        for candidate in (locale, locale.split("_")[0]):
            if candidate in languages:
                return candidate
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def enqueue(
    *,
    to: str,
    template: str,
    locale: str | None,
    service=None,
    attachment: tuple[str, str, str] | None = None,
    **context,
):
    """Render `emails/<template>` in the recipient's language and add it to the outbox.

    `locale` is the language stored with the recipient (their booking, enquiry, complaint
    or account), never the language of whoever caused the email; with none stored, or one
    this deployment does not ship, the email goes in the default language.
    `attachment` is (filename, mimetype, text), such as a calendar file.
    """
    locale = recipient_locale(locale)
    context.setdefault("service", service)
    with force_locale(locale):
        subject = render_template(f"emails/{template}.subject.txt", **context).strip()
        body_text = render_template(f"emails/{template}.txt", **context)
        body_html = render_template(f"emails/{template}.html", **context)
    from_address = current_app.config["MAIL_FROM"]
    if service is not None:
        from_address = f"{service.short_name} <{from_address.rsplit('<', 1)[-1].rstrip('>')}>"
    message = OutboxMessage(
        service_id=getattr(service, "id", None),
        message_id=make_msgid(idstring=uuid.uuid4().hex, domain="fostering-portal"),
        to_address=to,
        from_address=from_address,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        locale=locale,
        template=template,
        attachment_filename=attachment[0] if attachment else None,
        attachment_mimetype=attachment[1] if attachment else None,
        attachment_text=attachment[2] if attachment else None,
        status=OutboxStatus.PENDING,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    return message


class MailPolicy(EmailPolicy):
    """The standard policy, except that a subject with letters outside ASCII is written as
    encoded words from its first word to its last. Python's own folding ends a line with a
    space before an encoded word and starts the next with another, so a long subject in
    Polish read back with two spaces where it had one."""

    def _encoded_subject(self, name: str, value: str) -> str | None:
        if name.lower() != "subject" or str(value).isascii():
            return None
        encoded = Header(str(value), "utf-8", header_name=name).encode(linesep=self.linesep)
        return f"{name}: {encoded}{self.linesep}"

    def fold(self, name, value):
        return self._encoded_subject(name, value) or super().fold(name, value)

    def fold_binary(self, name, value):
        encoded = self._encoded_subject(name, value)
        return encoded.encode("ascii") if encoded else super().fold_binary(name, value)


MAIL_POLICY = MailPolicy()


def build_email(row: OutboxMessage) -> EmailMessage:
    """The MIME message for an outbox row: plain text with an HTML alternative."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = row.subject
    message["From"] = row.from_address
    message["To"] = row.to_address
    message["Message-ID"] = row.message_id
    message["Date"] = format_datetime(row.created_at)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.body_text)
    message.add_alternative(row.body_html, subtype="html")
    if row.attachment_text is not None:
        maintype, subtype = (row.attachment_mimetype or "text/plain").split("/", 1)
        message.add_attachment(
            row.attachment_text.encode(),
            maintype=maintype,
            subtype=subtype,
            filename=row.attachment_filename,
        )
    # After the bodies: set_content() drops Content-* headers already on the message.
    message["Content-Language"] = row.locale
    return message


@dataclass
class SmtpTransport:
    """Sends over SMTP: `smtp://`, `smtp+starttls://` or `smtps://`, optional user:password."""

    url: str
    timeout: float = 20.0

    def send(self, message: EmailMessage, accepted: Callable[[], None] = lambda: None) -> None:
        """Send one message; `accepted` runs once the server has taken it, before QUIT."""
        parts = urlsplit(self.url)
        secure = parts.scheme == "smtps"
        port = parts.port or (465 if secure else 587 if "starttls" in parts.scheme else 25)
        host = parts.hostname or "localhost"
        if secure:
            connection = smtplib.SMTP_SSL(
                host, port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            connection = smtplib.SMTP(host, port, timeout=self.timeout)
        with connection as smtp:
            if parts.scheme == "smtp+starttls":
                smtp.starttls(context=ssl.create_default_context())
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
            smtp.send_message(message)
            accepted()


@dataclass
class DirectoryTransport:
    """Writes each message to a .eml file, for development without a mail server."""

    directory: Path

    def send(self, message: EmailMessage, accepted: Callable[[], None] = lambda: None) -> None:
        """Write one message to a file; `accepted` runs once it is written."""
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        name = f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        (self.directory / name).write_bytes(bytes(message))
        accepted()


def transport_from_config(config) -> SmtpTransport | DirectoryTransport:
    """SMTP when SMTP_URL is set; otherwise files, which only development allows."""
    if config.get("SMTP_URL"):
        return SmtpTransport(config["SMTP_URL"])
    if config.get("ENV_NAME") == "production":
        raise RuntimeError("SMTP_URL must be set in production.")
    return DirectoryTransport(Path(config["MAIL_DIRECTORY"]))


def backoff(attempts: int) -> timedelta:
    """How long to wait before the next try: 30 s, 1 min, 2 min … capped at 1 hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def _is_permanent(error: Exception) -> bool:
    """The server refused the message itself (a 5xx answer): trying again will not help."""
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [answer[0] for answer in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    return isinstance(code, int) and code >= 500


def _given_up(row, error: Exception, now: datetime, config) -> bool:
    """A message refused outright is given up after OUTBOX_MAX_ATTEMPTS tries; one that
    could not be handed over (the mail server away, or busy) keeps its place for
    OUTBOX_KEEP_TRYING_HOURS, so an outage of hours loses nothing."""
    if _is_permanent(error):
        return row.attempts >= config["OUTBOX_MAX_ATTEMPTS"]
    return now - row.created_at >= timedelta(hours=config["OUTBOX_KEEP_TRYING_HOURS"])


def _claim(row_id: int, token: str, now: datetime, lease: timedelta) -> bool:
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == row_id,
            or_(
                (OutboxMessage.status == OutboxStatus.PENDING)
                & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == OutboxStatus.SENDING)
                & (OutboxMessage.claimed_at < now - lease),
            ),
        )
        .values(
            status=OutboxStatus.SENDING,
            claim_token=token,
            claimed_at=now,
            attempts=OutboxMessage.attempts + 1,
        )
    )
    db.session.commit()
    return result.rowcount == 1


def _mark_sent(row_id: int, token: str, marked: list[int]) -> None:
    """Record the message as sent, as soon as the server has accepted it."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.claim_token == token)
        .values(status=OutboxStatus.SENT, sent_at=utcnow(), last_error=None, claim_token=None)
    )
    db.session.commit()
    marked.append(row_id)


def deliver_due(transport, *, now: datetime | None = None, batch: int | None = None) -> int:
    """Send every message that is due; returns how many were sent."""
    config = current_app.config
    now = now or utcnow()
    lease = timedelta(seconds=config["OUTBOX_LEASE_SECONDS"])
    batch = batch or config["OUTBOX_BATCH"]
    due_ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(
            or_(
                (OutboxMessage.status == OutboxStatus.PENDING)
                & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == OutboxStatus.SENDING)
                & (OutboxMessage.claimed_at < now - lease),
            )
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(batch)
    ).all()
    db.session.rollback()
    sent = 0
    for row_id in due_ids:
        token = uuid.uuid4().hex
        if not _claim(row_id, token, now, lease):
            continue  # another worker has it
        row = db.session.get(OutboxMessage, row_id)
        marked: list[int] = []
        try:
            transport.send(build_email(row), accepted=partial(_mark_sent, row_id, token, marked))
        except (OSError, smtplib.SMTPException) as error:
            if marked:  # the server has the message; only the goodbye (QUIT) failed
                log.warning("outbox: message %s sent, then %s", row_id, type(error).__name__)
                sent += 1
                continue
            failed = _given_up(row, error, now, config)
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id, OutboxMessage.claim_token == token)
                .values(
                    status=OutboxStatus.FAILED if failed else OutboxStatus.PENDING,
                    next_attempt_at=now + backoff(row.attempts),
                    last_error=f"{type(error).__name__}: {error}"[:2000],
                    claim_token=None,
                )
            )
            db.session.commit()
            log.warning("outbox: message %s not sent (%s)", row_id, type(error).__name__)
            continue
        if not marked:  # a transport that does not say when the message was accepted
            _mark_sent(row_id, token, marked)
        sent += 1
    return sent


outbox_cli = AppGroup("outbox", help="Deliver the emails waiting in the outbox.")


@outbox_cli.command("work")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
def work_command(once: bool) -> None:
    """Run the periodic jobs each minute and deliver due emails, until stopped."""
    from portal.core.jobs import run_jobs

    transport = transport_from_config(current_app.config)
    poll = current_app.config["OUTBOX_POLL_SECONDS"]
    click.echo(f"outbox: delivering with {type(transport).__name__}")
    next_jobs_at = 0.0
    while True:
        try:
            if time.monotonic() >= next_jobs_at:
                next_jobs_at = time.monotonic() + 60
                done = {name: n for name, n in run_jobs(utcnow()).items() if n}
                if done:
                    click.echo(f"jobs: {done}")
            sent = deliver_due(transport)
        except Exception:  # the database may be restarting; keep the worker alive
            db.session.rollback()
            log.exception("outbox: delivery round failed")
            sent = 0
        finally:
            db.session.remove()  # a fresh session each round keeps memory flat
        if sent:
            click.echo(f"outbox: sent {sent}")
        if once:
            return
        time.sleep(poll)
