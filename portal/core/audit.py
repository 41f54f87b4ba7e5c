"""The audit log helper: `record(...)` in the same transaction as the change it describes."""

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.core.extensions import db
from portal.core.models import AuditEvent


def record(action: str, obj, *, service=None, actor=None, **detail) -> AuditEvent:
    """Add an audit row for `action` on `obj` by `actor` (the signed-in user by default)."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    if service is None:
        service = getattr(obj, "service", None)
    if getattr(obj, "id", "") is None:
        db.session.flush()  # the row needs its id before the log can name it
    event_row = AuditEvent(
        service_id=getattr(service, "id", None),
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__,
        object_id=str(getattr(obj, "id", "")),
        detail=detail,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event_row)
    return event_row


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit row."""


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session, flush_context, instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise AuditLogIsAppendOnly("Audit events cannot be changed or deleted.")
