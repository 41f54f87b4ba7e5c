"""Reading the audit log: one service's events, filtered, a page at a time or all as CSV."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from portal.accounts.models import User
from portal.core import audit
from portal.core.extensions import db
from portal.core.models import AuditEvent
from portal.core.text import normalise_email
from portal.core.times import london_to_utc, to_london
from portal.organisation.models import FosteringService

PER_PAGE = 50
CSV_CHUNK_ROWS = 500

# A readable name for every action code written with `audit.record(...)` (grep for it);
# a code missing here is shown as itself.
ACTION_LABELS = {
    "account.disabled": _l("Account disabled"),
    "account.email_confirmed": _l("Email address confirmed"),
    "account.email_change_requested": _l("Change of email address asked for"),
    "account.email_changed": _l("Email address changed"),
    "account.enabled": _l("Account enabled again"),
    "account.invitation_accepted": _l("Invitation accepted"),
    "account.invited": _l("Invited to the portal"),
    "account.mfa_turned_off": _l("Two-step sign-in turned off"),
    "account.mfa_turned_on": _l("Two-step sign-in turned on"),
    "account.password_changed": _l("Password changed"),
    "account.password_reset": _l("Password reset"),
    "account.recovery_codes_replaced": _l("New recovery codes made"),
    "account.registered": _l("Account created"),
    "application.decided": _l("Decision to progress recorded"),
    "application.moved": _l("Application moved to another stage"),
    "assessment.allocated": _l("Assessing social worker allocated"),
    "assessment.check-done": _l("Statutory check recorded"),
    "assessment.completed": _l("Assessment completed"),
    "assessment.referee-added": _l("Referee added"),
    "assessment.session-added": _l("Assessment session added"),
    "assisted.history_viewed": _l("Assisted digital history viewed"),
    "assisted.made": _l("Made by staff for someone"),
    "assisted.viewed": _l("Assisted digital record viewed"),
    "audit.exported": _l("Audit log exported"),
    "audit.viewed": _l("Audit log viewed"),
    "complaint.closed": _l("Complaint closed"),
    "complaint.extended": _l("Complaint deadline extended"),
    "complaint.made": _l("Complaint made"),
    "complaint.next_stage": _l("Complaint taken to the next stage"),
    "complaint.panel_set": _l("Complaint review panel date set"),
    "complaint.reopened": _l("Complaint reopened"),
    "complaint.responded": _l("Complaint response recorded"),
    "complaint.viewed": _l("Complaint viewed"),
    "enquiry.received": _l("Enquiry received"),
    "event.attendance_marked": _l("Information event attendance marked"),
    "event.attendees_emailed": _l("Information event attendees emailed"),
    "event.cancelled": _l("Information event cancelled"),
    "event.created": _l("Information event created"),
    "event.updated": _l("Information event changed"),
    "kinship.allocated": _l("Family and friends request allocated"),
    "kinship.requested": _l("Family and friends assessment requested"),
    "kinship.temporary_approval": _l("Temporary approval given"),
    "kinship.temporary_ended": _l("Temporary approval ended"),
    "kinship.temporary_extended": _l("Temporary approval extended"),
    "kinship.viability": _l("Viability assessment recorded"),
    "kinship.viewed": _l("Family and friends request viewed"),
    "panel.added": _l("Panel date added"),
    "panel.booked": _l("Booked onto a panel"),
    "panel.decided": _l("Agency decision recorded"),
    "panel.moved": _l("Moved to another panel"),
    "panel.papers-sent": _l("Panel papers sent"),
    "panel.recommended": _l("Panel recommendation recorded"),
    "paperwork.reviewed": _l("Document checked"),
    "paperwork.uploaded": _l("Document sent"),
    "person.viewed": _l("Person's page viewed"),
    "privacy.erased": _l("Person's records erased on request"),
    "privacy.exported": _l("Everything held about a person downloaded"),
    "privacy.purged": _l("Records past their keeping period removed"),
    "rights.assigned": _l("Young person's conversation assigned"),
    "rights.closed": _l("Young person's conversation closed"),
    "rights.conversation_started": _l("Young person's conversation started"),
    "rights.reopened": _l("Young person's conversation reopened"),
    "rights.replied": _l("Reply sent to a young person"),
    "rights.viewed": _l("Young person's conversation viewed"),
    "settings.checklist_item_added": _l("Checklist item added"),
    "settings.checklist_item_changed": _l("Checklist item changed"),
    "settings.checklist_item_reinstated": _l("Checklist item brought back"),
    "settings.checklist_item_retired": _l("Checklist item retired"),
    "settings.checklist_reordered": _l("Checklist reordered"),
    "settings.contacts_changed": _l("Service contacts changed"),
    "settings.languages_changed": _l("Languages offered changed"),
    "settings.locality_added": _l("Locality added"),
    "settings.locality_changed": _l("Locality changed"),
    "settings.locality_reinstated": _l("Locality brought back"),
    "settings.locality_retired": _l("Locality retired"),
    "settings.targets_changed": _l("Service targets changed"),
    "settings.retention_changed": _l("How long records are kept changed"),
    "settings.tsds_outcome_changed": _l("TSDS outcome text changed"),
    "settings.venue_added": _l("Venue added"),
    "settings.venue_changed": _l("Venue changed"),
    "settings.venue_reinstated": _l("Venue brought back"),
    "settings.venue_retired": _l("Venue retired"),
    "support.information_updated": _l("Support information changed"),
    "support.level_added": _l("Fees or allowance level added"),
    "support.level_changed": _l("Fees or allowance level changed"),
    "support.level_removed": _l("Fees or allowance level removed"),
    "support.meeting_added": _l("Support meeting added"),
    "support.meeting_removed": _l("Support meeting removed"),
    "training.attendance_marked": _l("Training attendance marked"),
    "training.booked": _l("Training booked"),
    "training.booking_cancelled": _l("Training booking cancelled"),
    "training.course_created": _l("Training course created"),
    "training.course_updated": _l("Training course changed"),
    "training.feedback_given": _l("Training feedback given"),
    "training.module_completed": _l("Online module completed"),
    "training.session_added": _l("Training session added"),
    "training.session_cancelled": _l("Training session cancelled"),
    "training.session_updated": _l("Training session changed"),
    "tsds.reviewed": _l("TSDS evidence reviewed"),
    "tsds.set_changed": _l("TSDS standards changed"),
    "tsds.signed_off": _l("TSDS workbook signed off"),
    "visit.booked": _l("Initial visit booked"),
    "visit.cancelled": _l("Initial visit cancelled"),
    "visit.recorded": _l("Initial visit record written"),
    "visit.rescheduled": _l("Initial visit moved"),
    "visit_slot.published": _l("Initial visit slot published"),
    "visit_slot.removed": _l("Initial visit slot removed"),
    "visitor_request.received": _l("Independent visitor requested"),
    "visitor_request.status": _l("Independent visitor request updated"),
    "volunteer.check": _l("Volunteer check recorded"),
    "volunteer.offered": _l("Offer to volunteer received"),
    "work.assigned": _l("Work item assigned"),
    "work.done": _l("Work item marked as done"),
}

# A readable name for each kind of record the log names (the model's class name).
RECORD_TYPE_LABELS = {
    "AllowanceLevel": _l("Fees or allowance level"),
    "Application": _l("Application"),
    "Assessment": _l("Assessment"),
    "AssistedAction": _l("Assisted digital action"),
    "Booking": _l("Booking"),
    "Complaint": _l("Complaint"),
    "Conversation": _l("Young person's conversation"),
    "Enquiry": _l("Enquiry"),
    "Evidence": _l("TSDS evidence"),
    "FosteringService": _l("Service"),
    "Household": _l("TSDS household"),
    "InformationEvent": _l("Information event"),
    "KinshipRequest": _l("Family and friends request"),
    "Locality": _l("Locality"),
    "Panel": _l("Panel"),
    "PaperworkDocument": _l("Document"),
    "PaperworkItem": _l("Checklist item"),
    "StandardOutcome": _l("TSDS outcome"),
    "SupportInformation": _l("Support information"),
    "SupportMeeting": _l("Support meeting"),
    "TemporaryApproval": _l("Temporary approval"),
    "TrainingCourse": _l("Training course"),
    "TrainingSession": _l("Training session"),
    "User": _l("Person's account"),
    "Venue": _l("Venue"),
    "VisitBooking": _l("Initial visit booking"),
    "VisitRecord": _l("Initial visit record"),
    "VisitSlot": _l("Initial visit slot"),
    "VisitorRequest": _l("Independent visitor request"),
    "VolunteerOffer": _l("Offer to volunteer"),
    "WorkItem": _l("Work item"),
}

# The staff page for a kind of record, where one page takes the record's id alone. The
# view checks each endpoint exists before linking (some belong to features in progress).
RECORD_PAGES = {
    "Assessment": "assessments.staff_assessment",
    "Complaint": "complaints.staff_complaint",
    "Conversation": "childrens_rights.staff_conversation",
    "Evidence": "tsds.staff_review",
    "Household": "tsds.staff_household",
    "InformationEvent": "events.event_register",
    "KinshipRequest": "kinship.staff_request",
    "Locality": "settings.edit_locality",
    "PaperworkDocument": "paperwork.staff_review",
    "PaperworkItem": "settings.edit_item",
    "TrainingCourse": "training.edit_course",
    "TrainingSession": "training.session_register",
    "User": "people.person",
    "Venue": "settings.edit_venue",
    "VisitorRequest": "independent_visitors.staff_request",
}


def action_label(code: str) -> str:
    """The readable name of an action code, or the code itself when it has none."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def record_type_label(object_type: str) -> str:
    """The readable name of a kind of record, or its class name when it has none."""
    label = RECORD_TYPE_LABELS.get(object_type)
    return str(label) if label is not None else object_type


@dataclass(frozen=True)
class AuditFilters:
    """What the log is narrowed to; `until` pins the newest event so pages stay still
    while others keep writing to the log."""

    person_id: int | None = None
    record_type: str = ""
    record_id: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    until: int | None = None

    def as_detail(self) -> dict:
        """The filters as they are written to the log: ids, codes and dates, never an email."""
        detail = {
            "person_id": self.person_id,
            "record_type": self.record_type,
            "record_id": self.record_id,
            "action_filter": self.action,  # `action` names the audit row's own action
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }
        return {key: value for key, value in detail.items() if value}


@dataclass(frozen=True)
class EventRow:
    """One audit event as the viewer shows it."""

    event: AuditEvent
    actor_name: str | None

    @property
    def when(self) -> datetime:
        """When it happened, in UK time."""
        return to_london(self.event.created_at)

    @property
    def who(self) -> str:
        """The actor's name; 'System' for background work; or someone without an account
        (a public form, such as an enquiry or a young person's message)."""
        if self.event.actor_id is not None:
            return self.actor_name or str(_l("Person %(id)s", id=self.event.actor_id))
        if self.event.ip_address:
            return str(_l("Someone without an account"))
        return str(_l("System"))

    @property
    def what(self) -> str:
        return action_label(self.event.action)

    @property
    def record_type(self) -> str:
        return record_type_label(self.event.object_type)

    @property
    def detail_keys(self) -> list[str]:
        """The names of what the event recorded; values are never shown, since some (a
        venue's address, a changed contact) could be personal data."""
        detail = self.event.detail
        return sorted(detail) if isinstance(detail, dict) else []


def find_person(service: FosteringService, email: str) -> User | None:
    """This service's account with exactly this email address."""
    return db.session.scalar(
        select(User).where(User.service_id == service.id, User.email == normalise_email(email))
    )


def _where(service: FosteringService, filters: AuditFilters) -> list:
    conditions = [AuditEvent.service_id == service.id]
    if filters.until is not None:
        conditions.append(AuditEvent.id <= filters.until)
    if filters.person_id is not None:
        conditions.append(
            or_(
                AuditEvent.actor_id == filters.person_id,
                and_(
                    AuditEvent.object_type == "User",
                    AuditEvent.object_id == str(filters.person_id),
                ),
            )
        )
    if filters.record_type:
        conditions.append(AuditEvent.object_type == filters.record_type)
    if filters.record_id:
        conditions.append(AuditEvent.object_id == filters.record_id)
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.date_from:
        conditions.append(AuditEvent.created_at >= london_to_utc(filters.date_from, time()))
    if filters.date_to:
        next_day = filters.date_to + timedelta(days=1)
        conditions.append(AuditEvent.created_at < london_to_utc(next_day, time()))
    return conditions


def _events(service: FosteringService, filters: AuditFilters):
    return (
        select(AuditEvent, User.name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(*_where(service, filters))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )


def newest_event_id(service: FosteringService) -> int:
    """The id of the service's newest event (0 for none), to pin a run of pages to."""
    return db.session.scalar(
        select(func.coalesce(func.max(AuditEvent.id), 0)).where(AuditEvent.service_id == service.id)
    )


def count_events(service: FosteringService, filters: AuditFilters) -> int:
    """How many of the service's events match."""
    return db.session.scalar(select(func.count(AuditEvent.id)).where(*_where(service, filters)))


def page_of_events(
    service: FosteringService, filters: AuditFilters, page: int, per_page: int = PER_PAGE
) -> list[EventRow]:
    """One page of the matching events, newest first, with who did each: one query."""
    rows = db.session.execute(
        _events(service, filters).limit(per_page).offset((page - 1) * per_page)
    )
    return [EventRow(event, name) for event, name in rows]


def record_reading(
    action: str, service: FosteringService, filters: AuditFilters, *, by: User, **extra
) -> None:
    """Write down that `by` read the log, and how they narrowed it."""
    audit.record(action, service, service=service, actor=by, **filters.as_detail(), **extra)
    db.session.commit()


CSV_HEADER = [
    "event_id",
    "when_uk",
    "actor_id",
    "who",
    "action",
    "action_label",
    "record_type",
    "record_id",
    "detail_keys",
]


def safe_cell(value) -> str:
    """A cell a spreadsheet will not run: = + - @ (or a tab or return) first becomes text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def csv_cells(row: EventRow) -> list[str]:
    """One event as a CSV row."""
    event = row.event
    return [
        safe_cell(cell)
        for cell in (
            event.id,
            row.when.isoformat(timespec="seconds"),
            event.actor_id,
            row.who,
            event.action,
            row.what,
            event.object_type,
            event.object_id,
            " ".join(row.detail_keys),
        )
    ]


def csv_chunks(service: FosteringService, filters: AuditFilters) -> Iterator[str]:
    """Every matching event as UTF-8 CSV with a byte order mark (so spreadsheets read
    accents right), fetched and written CSV_CHUNK_ROWS at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(CSV_HEADER)
    result = db.session.execute(
        _events(service, filters).execution_options(yield_per=CSV_CHUNK_ROWS)
    )
    for partition in result.partitions():
        writer.writerows(csv_cells(EventRow(event, name)) for event, name in partition)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
