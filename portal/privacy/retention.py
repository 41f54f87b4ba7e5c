"""Keeping records only as long as the service's settings say (`flask retention purge`).

Each kind of record names the setting that says how long it is kept, and finds the rows
past that time. What goes with a row, and whether it is deleted or only loses the person's
details (where something is counted from it), comes from the registry in services.py, the
same rules erasure follows. Kinds run in this order so that none leaves work for an earlier
one: a second run straight after the first finds nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, cast, exists, func, or_, select
from sqlalchemy.orm import aliased

from portal.accounts.models import Role, User, UserRole
from portal.applications.models import Application, ApplicationStep, Stage
from portal.bookings.models import Booking, Occasion
from portal.childrens_rights.models import Conversation, ConversationStatus
from portal.complaints.models import Complaint
from portal.core import audit
from portal.core.extensions import db
from portal.core.models import AuditEvent, OutboxMessage, OutboxStatus
from portal.events.models import KIND as EVENT_KIND
from portal.independent_visitors.models import VisitorRequest, VolunteerOffer
from portal.kinship.models import Ending, KinshipRequest, TemporaryApproval, Viability
from portal.organisation.models import FosteringService
from portal.privacy.services import (
    REFUSED_OR_WITHDRAWN,
    Found,
    Subject,
    apply_erasure,
    holds_only_an_account,
    is_removed,
    open_matters,
    remove_files,
    rows_about,
    staff_role_rows,
    with_dependents,
)
from portal.recruitment.models import Enquiry
from portal.tsds.models import HouseholdMember
from portal.visits.models import VisitBooking

# The audit action that ends a carer's approval here (the account is disabled).
ACCOUNT_DISABLED = "account.disabled"


@dataclass
class Candidates:
    """What one kind finds past its time: rows to start from, or whole people."""

    count: int = 0
    roots: Found = field(default_factory=Found)
    subjects: list[Subject] = field(default_factory=list)


@dataclass(frozen=True)
class Kind:
    """A kind of record, the setting that says how long it is kept, and how to find it."""

    key: str
    label: str
    setting: str
    find: Callable[[FosteringService, datetime], Candidates]

    def unit_of(self) -> str:
        return "days" if self.setting.endswith("_days") else "years"


def years_before(moment: datetime, years: int) -> datetime:
    """The same moment `years` earlier (28 February for 29 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def cutoff_for(service: FosteringService, kind: Kind, now: datetime) -> datetime:
    """Records that ended before this moment are past their time."""
    period = getattr(service, kind.setting)
    if kind.unit_of() == "days":
        return now - timedelta(days=period)
    return years_before(now, period)


def _ids(statement) -> list:
    return list(db.session.scalars(statement))


def _roots(**tables: list) -> Candidates:
    found = Found()
    for name, keys in tables.items():
        found.add(name, keys)
    counted = next(iter(tables.values()), [])
    return Candidates(count=len(counted), roots=found)


def _day(moment: datetime) -> date:
    return moment.date()


def _became_carer(service: FosteringService, user_id, email):
    """Whether the person a row names (by account id or email) is, or was, a foster carer
    or has an application: their records are kept under those rules instead."""
    person = aliased(User)
    other = aliased(Application)
    named = or_(person.id == user_id, func.lower(person.email) == func.lower(email))
    return or_(
        exists().where(
            HouseholdMember.user_id == person.id, person.service_id == service.id, named
        ),
        exists().where(
            UserRole.user_id == person.id,
            UserRole.role == Role.APPROVED_CARER,
            person.service_id == service.id,
            named,
        ),
        exists().where(
            other.service_id == service.id,
            or_(other.user_id == user_id, func.lower(other.email) == func.lower(email)),
        ),
    )


# ---- the kinds ----------------------------------------------------------------------------


def _carers(service: FosteringService, cutoff: datetime) -> Candidates:
    """Approved carers whose approval ended (their account was disabled) before the cutoff,
    with everyone in their household gone as well; the whole person goes."""
    ended_at = (
        select(func.max(AuditEvent.created_at))
        .where(
            AuditEvent.action == ACCOUNT_DISABLED,
            AuditEvent.object_type == User.__name__,
            AuditEvent.object_id == cast(User.id, String),
        )
        .scalar_subquery()
    )
    carers = db.session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            User.service_id == service.id,
            UserRole.role == Role.APPROVED_CARER,
            User.is_disabled.is_(True),
            ~is_removed(User.email),
            ended_at < cutoff,
        )
        .order_by(User.id)
    ).all()
    leaving = {carer.id for carer in carers}
    subjects = []
    for carer in carers:
        households = select(HouseholdMember.household_id).where(HouseholdMember.user_id == carer.id)
        members = set(
            _ids(
                select(HouseholdMember.user_id).where(HouseholdMember.household_id.in_(households))
            )
        )
        if members <= leaving and not open_matters(service, carer):
            subjects.append(Subject.of(carer))
    return Candidates(count=len(subjects), subjects=subjects)


def _temporary_approvals(service: FosteringService, cutoff: datetime) -> Candidates:
    """Regulation 24 approvals that ended (other than by full approval) before the cutoff."""
    return _roots(
        kinship_request=_ids(
            select(KinshipRequest.id)
            .join(TemporaryApproval, TemporaryApproval.request_id == KinshipRequest.id)
            .where(
                KinshipRequest.service_id == service.id,
                TemporaryApproval.ended_on < _day(cutoff),
                or_(
                    TemporaryApproval.ending.is_(None), TemporaryApproval.ending != Ending.APPROVED
                ),
            )
        )
    )


def _applicants(service: FosteringService, cutoff: datetime) -> Candidates:
    """Applications refused, withdrawn or not taken forward before the cutoff, with the
    initial visit that led to them (not of anyone who went on to be approved)."""
    ended_at = func.coalesce(
        select(func.max(ApplicationStep.at))
        .where(
            ApplicationStep.application_id == Application.id,
            ApplicationStep.to_stage == Application.stage,
        )
        .scalar_subquery(),
        Application.updated_at,
    )
    approved = aliased(Application)
    rows = db.session.execute(
        select(Application.id, Application.visit_booking_id).where(
            Application.service_id == service.id,
            Application.stage.in_(REFUSED_OR_WITHDRAWN),
            ended_at < cutoff,
            ~exists().where(
                approved.service_id == service.id,
                approved.stage == Stage.APPROVED,
                or_(
                    approved.user_id == Application.user_id,
                    func.lower(approved.email) == func.lower(Application.email),
                ),
            ),
            ~exists().where(
                HouseholdMember.user_id == Application.user_id,
            ),
        )
    ).all()
    return _roots(
        application=[row.id for row in rows],
        visit_booking=[row.visit_booking_id for row in rows],
    )


def _kinship_requests(service: FosteringService, cutoff: datetime) -> Candidates:
    """Requests to care for a child that were found not viable, or withdrawn, before the
    cutoff (and never led to a temporary approval)."""
    return _roots(
        kinship_request=_ids(
            select(KinshipRequest.id).where(
                KinshipRequest.service_id == service.id,
                KinshipRequest.viability.in_((Viability.NOT_VIABLE, Viability.WITHDRAWN)),
                KinshipRequest.viability_on < _day(cutoff),
                ~exists().where(TemporaryApproval.request_id == KinshipRequest.id),
            )
        )
    )


def _complaints(service: FosteringService, cutoff: datetime) -> Candidates:
    return _roots(
        complaint=_ids(
            select(Complaint.id).where(
                Complaint.service_id == service.id, Complaint.closed_on < _day(cutoff)
            )
        )
    )


def _conversations(service: FosteringService, cutoff: datetime) -> Candidates:
    return _roots(
        rights_conversation=_ids(
            select(Conversation.id).where(
                Conversation.service_id == service.id,
                Conversation.status == ConversationStatus.CLOSED,
                Conversation.closed_at < cutoff,
            )
        )
    )


def _visitor_requests(service: FosteringService, cutoff: datetime) -> Candidates:
    return _roots(
        visitor_request=_ids(
            select(VisitorRequest.id).where(
                VisitorRequest.service_id == service.id, VisitorRequest.updated_at < cutoff
            )
        )
    )


def _enquiries(service: FosteringService, cutoff: datetime) -> Candidates:
    """Enquiries from people who never applied (nor became carers), made before the cutoff;
    their initial visits go with them."""
    led_to_application = exists().where(
        VisitBooking.enquiry_id == Enquiry.id,
        Application.visit_booking_id == VisitBooking.id,
    )
    return _roots(
        enquiry=_ids(
            select(Enquiry.id).where(
                Enquiry.service_id == service.id,
                Enquiry.created_at < cutoff,
                ~led_to_application,
                ~_became_carer(service, Enquiry.user_id, Enquiry.email),
            )
        )
    )


def _initial_visits(service: FosteringService, cutoff: datetime) -> Candidates:
    """Initial visits booked before the cutoff that never led to an application."""
    return _roots(
        visit_booking=_ids(
            select(VisitBooking.id).where(
                VisitBooking.service_id == service.id,
                VisitBooking.booked_at < cutoff,
                ~exists().where(Application.visit_booking_id == VisitBooking.id),
                ~_became_carer(service, VisitBooking.user_id, VisitBooking.email),
            )
        )
    )


def _event_bookings(service: FosteringService, cutoff: datetime) -> Candidates:
    """Places on information events held before the cutoff: the names go, the numbers stay."""
    return _roots(
        booking=_ids(
            select(Booking.id)
            .join(Occasion, Occasion.id == Booking.occasion_id)
            .where(
                Booking.service_id == service.id,
                Occasion.kind == EVENT_KIND,
                Occasion.starts_at < cutoff,
                ~is_removed(Booking.email),
            )
        )
    )


def _volunteers(service: FosteringService, cutoff: datetime) -> Candidates:
    """Offers to be an independent visitor made before the cutoff that never finished
    their checks (a volunteer who did is still one)."""
    ready = and_(
        VolunteerOffer.dbs_checked,
        VolunteerOffer.references_taken,
        VolunteerOffer.assessed,
        VolunteerOffer.trained,
    )
    return _roots(
        visitor_volunteer=_ids(
            select(VolunteerOffer.id).where(
                VolunteerOffer.service_id == service.id,
                VolunteerOffer.created_at < cutoff,
                ~ready,
            )
        )
    )


def _emails(service: FosteringService, cutoff: datetime) -> Candidates:
    """Copies of emails sent (or given up on) before the cutoff."""
    return _roots(
        outbox_message=_ids(
            select(OutboxMessage.id).where(
                OutboxMessage.service_id == service.id,
                OutboxMessage.status.in_((OutboxStatus.SENT, OutboxStatus.FAILED)),
                OutboxMessage.created_at < cutoff,
            )
        )
    )


def _accounts(service: FosteringService, cutoff: datetime) -> Candidates:
    """Accounts (not staff) nobody has used since the cutoff that hold nothing else: the
    account loses the person's details and is closed."""
    last_used = func.coalesce(User.last_signed_in_at, User.created_at)
    users = db.session.scalars(
        select(User)
        .where(
            User.service_id == service.id,
            ~is_removed(User.email),
            User.id.not_in(staff_role_rows()),
            last_used < cutoff,
        )
        .order_by(User.id)
    ).all()
    subjects = [Subject.of(user) for user in users]
    subjects = [subject for subject in subjects if holds_only_an_account(subject)]
    return Candidates(count=len(subjects), subjects=subjects)


KINDS = (
    Kind(
        "carers",
        _l("Foster carers, after their approval ended"),
        "carer_retention_years",
        _carers,
    ),
    Kind(
        "temporary-approvals",
        _l("Family and friends carers, after a temporary approval ended"),
        "carer_retention_years",
        _temporary_approvals,
    ),
    Kind(
        "applicants",
        _l("Applications refused or withdrawn"),
        "applicant_retention_years",
        _applicants,
    ),
    Kind(
        "family-and-friends-requests",
        _l("Family and friends requests that did not go ahead"),
        "applicant_retention_years",
        _kinship_requests,
    ),
    Kind(
        "complaints", _l("Complaints, after they closed"), "complaint_retention_years", _complaints
    ),
    Kind(
        "conversations",
        _l("Young people's conversations, after they closed"),
        "conversation_retention_years",
        _conversations,
    ),
    Kind(
        "visitor-requests",
        _l("Requests for an independent visitor, after the last change"),
        "conversation_retention_years",
        _visitor_requests,
    ),
    Kind(
        "enquiries",
        _l("Enquiries that never went further"),
        "enquiry_retention_years",
        _enquiries,
    ),
    Kind(
        "initial-visits",
        _l("Initial visits that never led to an application"),
        "enquiry_retention_years",
        _initial_visits,
    ),
    Kind(
        "event-bookings",
        _l("Names on information event bookings (the numbers stay)"),
        "enquiry_retention_years",
        _event_bookings,
    ),
    Kind(
        "volunteers",
        _l("Offers to be an independent visitor that were not taken up"),
        "enquiry_retention_years",
        _volunteers,
    ),
    Kind("emails", _l("Copies of emails sent"), "email_retention_days", _emails),
    Kind(
        "accounts",
        _l("Accounts nobody uses that hold nothing else"),
        "enquiry_retention_years",
        _accounts,
    ),
)


@dataclass(frozen=True)
class Purged:
    """What one kind removed (or would remove) from one service."""

    service: FosteringService
    kind: Kind
    period: int
    count: int


def purge_service(service: FosteringService, *, now: datetime, dry_run: bool = False):
    """Remove (or anonymise) every record of `service` past its time, kind by kind, with
    one audit row for each kind that removed anything; commits after each kind. A dry run
    does the same work without committing (the caller rolls it back)."""
    done = []
    for kind in KINDS:
        found = kind.find(service, cutoff_for(service, kind, now))
        period = getattr(service, kind.setting)
        done.append(Purged(service, kind, period, found.count))
        if not found.count:
            continue
        rows = Found()
        rows.merge(found.roots)
        for subject in found.subjects:
            rows.merge(rows_about(subject))
        _, files = apply_erasure(with_dependents(rows))
        if dry_run:
            db.session.flush()
            continue
        audit.record(
            "privacy.purged",
            service,
            service=service,
            actor=None,
            kind=kind.key,
            count=found.count,
            period=f"{period} {kind.unit_of()}",
        )
        db.session.commit()
        remove_files(files)
    return done


def purge(*, now: datetime, dry_run: bool = False) -> list[Purged]:
    """Apply every service's keeping periods. A dry run does the same work and rolls it
    back, so its counts are exactly what a real run would remove."""
    services = db.session.scalars(select(FosteringService).order_by(FosteringService.slug)).all()
    done = []
    try:
        for service in services:
            done += purge_service(service, now=now, dry_run=dry_run)
    finally:
        if dry_run:
            db.session.rollback()
    return done
