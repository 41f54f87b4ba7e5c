"""Audit rows for the audit log's tests."""

from datetime import UTC, datetime

from portal.core.extensions import db
from portal.core.models import AuditEvent


def add_event(service, action="complaint.viewed", *, actor=None, at=None, **fields):
    """An audit row as `audit.record` would write it, at a chosen time."""
    event = AuditEvent(
        service_id=service.id,
        actor_id=actor.id if actor else None,
        action=action,
        object_type=fields.pop("object_type", "Complaint"),
        object_id=str(fields.pop("object_id", 1)),
        detail=fields.pop("detail", {}),
        ip_address=fields.pop("ip_address", "127.0.0.1"),
        created_at=at or datetime(2025, 3, 10, 12, 0, tzinfo=UTC),
        **fields,
    )
    db.session.add(event)
    db.session.commit()
    return event
