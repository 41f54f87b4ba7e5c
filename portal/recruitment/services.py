"""Enquiry rules."""

import hashlib
import secrets

from sqlalchemy import select

from portal.core.extensions import db
from portal.organisation.models import FosteringService
from portal.recruitment.models import Enquiry


def hash_secret(raw: str) -> str:
    """The stored form of a secret that travels in a link."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_secret() -> tuple[str, str]:
    """A fresh unguessable secret for a link, and its hash to store."""
    raw = secrets.token_urlsafe(32)
    return raw, hash_secret(raw)


def find_enquiry_by_token(service: FosteringService, raw: str) -> Enquiry | None:
    """The service's enquiry behind a private link from the enquiry email, if any."""
    return db.session.scalar(
        select(Enquiry).where(
            Enquiry.service_id == service.id, Enquiry.token_hash == hash_secret(raw or "")
        )
    )


def _new_reference() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "E-" + "".join(secrets.choice(alphabet) for _ in range(6))


def make_enquiry(
    service: FosteringService, *, details: dict, locale: str, now, user_id=None, made_by=None
) -> tuple[Enquiry, str]:
    """Save an enquiry and email what happens next; returns it and its private-link secret."""
    from flask import url_for

    from portal.core import audit, outbox
    from portal.events.services import next_events_for

    raw, token_hash = new_secret()
    enquiry = Enquiry(
        service_id=service.id,
        reference=_new_reference(),
        locale=locale,
        token_hash=token_hash,
        user_id=user_id,
        made_by_staff_id=getattr(made_by, "id", None),
        created_at=now,
        **details,
    )
    db.session.add(enquiry)
    db.session.flush()
    upcoming = next_events_for(service, now)
    outbox.enqueue(
        to=enquiry.email,
        template="enquiry_received",
        locale=locale,
        service=service,
        name=enquiry.name,
        reference=enquiry.reference,
        events=[
            (
                event,
                url_for(
                    "events.book_event",
                    service=service.slug,
                    event_id=event.id,
                    enquiry=raw,
                    _external=True,
                ),
            )
            for event in upcoming
        ],
        visit_link=url_for("visits.your_visit", service=service.slug, token=raw, _external=True),
        reply_link=url_for(
            "recruitment.enquiry_sent", service=service.slug, token=raw, _external=True
        ),
    )
    audit.record("enquiry.received", enquiry, actor=made_by)
    db.session.commit()
    return enquiry, raw


def recent_enquiries(service: FosteringService, limit: int = 100) -> list[Enquiry]:
    """The service's newest enquiries."""
    return list(
        db.session.scalars(
            select(Enquiry)
            .where(Enquiry.service_id == service.id)
            .order_by(Enquiry.created_at.desc(), Enquiry.id.desc())
            .limit(limit)
        )
    )
