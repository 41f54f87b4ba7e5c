"""Every model, imported in one place so the metadata is complete for migrations."""

from portal.accounts.models import AccountToken, User, UserRole
from portal.applications.models import Application, ApplicationStep
from portal.assessments import models as assessments_models  # noqa: F401
from portal.assisted import models as assisted_models  # noqa: F401
from portal.bookings.models import Booking, Occasion
from portal.childrens_rights.models import Conversation, RightsMessage
from portal.complaints.models import Complaint, ComplaintStage
from portal.core import page_cache  # noqa: F401  # the page generation table
from portal.core.models import AuditEvent, OutboxMessage
from portal.events.models import EventFeedback, InformationEvent
from portal.independent_visitors.models import VisitorRequest, VolunteerOffer
from portal.kinship import models as kinship_models  # noqa: F401
from portal.organisation.models import FosteringService, Locality, Team, Venue
from portal.panels import models as panels_models  # noqa: F401
from portal.paperwork import models as paperwork_models  # noqa: F401
from portal.recruitment.models import Enquiry
from portal.staff import models as staff_models  # noqa: F401
from portal.support import models as support_models  # noqa: F401 - its tables join the metadata
from portal.training import models as training_models  # noqa: F401
from portal.tsds import models as tsds_models  # noqa: F401
from portal.visits import models as visits_models  # noqa: F401

__all__ = [
    "AccountToken",
    "Application",
    "ApplicationStep",
    "AuditEvent",
    "Booking",
    "Complaint",
    "ComplaintStage",
    "Conversation",
    "Enquiry",
    "EventFeedback",
    "FosteringService",
    "InformationEvent",
    "Locality",
    "Occasion",
    "OutboxMessage",
    "RightsMessage",
    "Team",
    "User",
    "UserRole",
    "Venue",
    "VisitorRequest",
    "VolunteerOffer",
]
