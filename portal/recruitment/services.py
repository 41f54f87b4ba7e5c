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
