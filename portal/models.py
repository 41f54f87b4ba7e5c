"""Every model, imported in one place so the metadata is complete for migrations."""

from portal.accounts.models import AccountToken, User, UserRole
from portal.core.models import AuditEvent, OutboxMessage
from portal.organisation.models import FosteringService, Locality, Team, Venue

__all__ = [
    "AccountToken",
    "AuditEvent",
    "FosteringService",
    "Locality",
    "OutboxMessage",
    "Team",
    "User",
    "UserRole",
    "Venue",
]
