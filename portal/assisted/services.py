"""Assisted digital: each action calls the feature's own service, exactly as the person's
own form would, then records that staff made it for them. The feature's rules (seats,
slots, stages, emails) stay in the feature; nothing here repeats them."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import Role, User
from portal.assisted.models import AssistedAction, AssistedKind, HowContacted
from portal.bookings.models import Booking
from portal.complaints import services as complaints
from portal.complaints.models import Complainant, Complaint
from portal.core import audit
from portal.core.extensions import db
from portal.events import services as events
from portal.events.models import InformationEvent
from portal.independent_visitors import services as independent_visitors
from portal.independent_visitors.models import VisitorRequest
from portal.organisation.models import FosteringService
from portal.recruitment import services as recruitment
from portal.recruitment.models import Enquiry
from portal.visits import services as visits
from portal.visits.models import VisitBooking

# Who may list every colleague's assisted actions; everyone else sees their own.
MANAGERS = (Role.SERVICE_MANAGER,)
PER_PAGE = 25

# The record each kind of action makes, to load it back for the confirmation.
OBJECT_TYPES = {
    AssistedKind.ENQUIRY: Enquiry,
    AssistedKind.EVENT_BOOKING: Booking,
    AssistedKind.VISIT_BOOKING: VisitBooking,
    AssistedKind.COMPLAINT: Complaint,
    AssistedKind.VISITOR_REQUEST: VisitorRequest,
}


def record_action(
    service: FosteringService,
    *,
    staff: User,
    kind: AssistedKind,
    obj,
    for_name: str,
    how_contacted: HowContacted,
    now: datetime,
    reference: str | None = None,
    is_about_young_person: bool = False,
) -> AssistedAction:
    """Record that `staff` made `obj` for someone, with an audit row; commits."""
    action = AssistedAction(
        service_id=service.id,
        staff_id=staff.id,
        kind=kind,
        object_type=type(obj).__name__,
        object_id=obj.id,
        reference=reference,
        for_name=for_name.strip() or None,
        is_about_young_person=is_about_young_person,
        how_contacted=how_contacted,
        created_at=now,
    )
    db.session.add(action)
    db.session.flush()
    audit.record(
        "assisted.made",
        action,
        service=service,
        actor=staff,
        kind=str(kind),
        object_type=action.object_type,
        object_id=action.object_id,
        how_contacted=str(how_contacted),
    )
    db.session.commit()
    return action


def make_enquiry_for(
    service: FosteringService,
    *,
    staff: User,
    details: dict,
    how_contacted: HowContacted,
    locale: str,
    now: datetime,
) -> tuple[AssistedAction, Enquiry, str]:
    """An enquiry for a caller; returns the action, the enquiry and its private-link secret."""
    enquiry, secret = recruitment.make_enquiry(
        service, details=details, locale=locale, now=now, made_by=staff
    )
    action = record_action(
        service,
        staff=staff,
        kind=AssistedKind.ENQUIRY,
        obj=enquiry,
        for_name=enquiry.name,
        how_contacted=how_contacted,
        reference=enquiry.reference,
        now=now,
    )
    return action, enquiry, secret


def book_event_for(
    service: FosteringService,
    event: InformationEvent,
    *,
    staff: User,
    name: str,
    email: str,
    phone: str,
    seats: int,
    access_needs: str,
    how_contacted: HowContacted,
    locale: str,
    now: datetime,
) -> tuple[AssistedAction, Booking]:
    """A place (or waiting-list place) at an information event for a caller."""
    booking = events.book(
        event,
        name=name,
        email=email,
        phone=phone,
        seats=seats,
        access_needs=access_needs,
        locale=locale,
        now=now,
        made_by_staff_id=staff.id,
    )
    action = record_action(
        service,
        staff=staff,
        kind=AssistedKind.EVENT_BOOKING,
        obj=booking,
        for_name=booking.name,
        how_contacted=how_contacted,
        now=now,
    )
    return action, booking


def find_enquiry_by_reference(service: FosteringService, reference: str) -> Enquiry | None:
    """The service's enquiry with this reference (typed any case, with or without spaces)."""
    cleaned = "".join((reference or "").split()).upper()
    if not cleaned:
        return None
    return db.session.scalar(
        select(Enquiry).where(Enquiry.service_id == service.id, Enquiry.reference == cleaned)
    )


def find_enquiry(service: FosteringService, enquiry_id: int) -> Enquiry | None:
    """The service's enquiry with this id."""
    enquiry = db.session.get(Enquiry, enquiry_id)
    if enquiry is None or enquiry.service_id != service.id:
        return None
    return enquiry


def visit_booked_for(service: FosteringService, enquiry: Enquiry) -> VisitBooking | None:
    """The enquirer's initial visit that still holds a slot, if any."""
    return visits.find_booking(service, visits.applicant_for_enquiry(enquiry))


def book_visit_for(
    service: FosteringService,
    enquiry: Enquiry,
    slot_id: int,
    *,
    staff: User,
    manage_link: str | None,
    how_contacted: HowContacted,
    now: datetime,
) -> tuple[AssistedAction, VisitBooking]:
    """An initial visit for someone who has enquired; raises the visits feature's errors."""
    booking = visits.book_visit(
        service,
        visits.applicant_for_enquiry(enquiry),
        slot_id,
        now=now,
        manage_link=manage_link,
    )
    action = record_action(
        service,
        staff=staff,
        kind=AssistedKind.VISIT_BOOKING,
        obj=booking,
        for_name=booking.name,
        how_contacted=how_contacted,
        reference=enquiry.reference,
        now=now,
    )
    return action, booking


@dataclass
class ComplaintDetails:
    """What the caller said, as the complaint forms ask it."""

    complainant: Complainant
    body: str
    put_right: str = ""
    happened_on: date | None = None
    name: str = ""
    email: str = ""
    phone: str = ""
    on_behalf_of: str = ""
    wants_advocate: bool = False


def make_complaint_for(
    service: FosteringService,
    details: ComplaintDetails,
    *,
    staff: User,
    how_contacted: HowContacted,
    locale: str,
    now: datetime,
) -> tuple[AssistedAction, Complaint, str]:
    """A complaint for a caller; returns the action, the complaint and its secret words."""
    complaint, phrase = complaints.make_complaint(
        service,
        complainant=details.complainant,
        body=details.body,
        put_right=details.put_right,
        happened_on=details.happened_on,
        name=details.name,
        email=details.email,
        phone=details.phone,
        on_behalf_of=details.on_behalf_of,
        wants_advocate=details.wants_advocate,
        locale=locale,
        now=now,
    )
    action = record_action(
        service,
        staff=staff,
        kind=AssistedKind.COMPLAINT,
        obj=complaint,
        for_name=details.name,
        how_contacted=how_contacted,
        reference=complaint.reference,
        is_about_young_person=details.complainant == Complainant.YOUNG_PERSON,
        now=now,
    )
    return action, complaint, phrase


def ask_for_visitor_for(
    service: FosteringService,
    *,
    staff: User,
    details: dict,
    how_contacted: HowContacted,
    now: datetime,
) -> tuple[AssistedAction, VisitorRequest]:
    """A young person's request for an independent visitor, made for them."""
    request = independent_visitors.ask_for_visitor(service, details=details, now=now)
    action = record_action(
        service,
        staff=staff,
        kind=AssistedKind.VISITOR_REQUEST,
        obj=request,
        for_name=details.get("name") or "",
        how_contacted=how_contacted,
        reference=request.reference,
        is_about_young_person=True,
        now=now,
    )
    return action, request


# ---- reading back ----------------------------------------------------------------------


def can_see_everyone(user: User) -> bool:
    """Managers see every colleague's assisted actions."""
    return user.has_role(*MANAGERS)


def find_action(service: FosteringService, action_id: int, viewer: User) -> AssistedAction | None:
    """One of the service's actions, if the viewer made it or manages the service."""
    action = db.session.get(AssistedAction, action_id)
    if action is None or action.service_id != service.id:
        return None
    if action.staff_id != viewer.id and not can_see_everyone(viewer):
        return None
    return action


def made_record(action: AssistedAction):
    """The record the action made (an enquiry, booking, complaint or request)."""
    model = OBJECT_TYPES[action.kind]
    obj = db.session.get(model, action.object_id)
    if obj is None or obj.service_id != action.service_id:
        return None
    return obj


def record_view(action: AssistedAction, viewer: User) -> None:
    """Write the audit row for reading back an action about a young person."""
    if action.is_about_young_person:
        audit.record("assisted.viewed", action, actor=viewer)
        db.session.commit()


@dataclass(frozen=True)
class HistoryRow:
    """One assisted action as the list shows it."""

    id: int
    kind: AssistedKind
    reference: str | None
    for_name: str | None
    how_contacted: HowContacted
    made_by: str
    created_at: datetime


@dataclass
class HistoryPage:
    """One page of assisted actions, newest first."""

    rows: list[HistoryRow]
    page: int
    pages: int
    total: int


def history(service: FosteringService, viewer: User, page: int = 1) -> HistoryPage:
    """The service's assisted actions for a manager, or the viewer's own; two queries."""
    where = [AssistedAction.service_id == service.id]
    if not can_see_everyone(viewer):
        where.append(AssistedAction.staff_id == viewer.id)
    total = db.session.scalar(select(func.count(AssistedAction.id)).where(*where)) or 0
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    page = min(max(page, 1), pages)
    actions = db.session.scalars(
        select(AssistedAction)
        .where(*where)
        .options(joinedload(AssistedAction.staff))
        .order_by(AssistedAction.created_at.desc(), AssistedAction.id.desc())
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    rows = [
        HistoryRow(
            id=action.id,
            kind=action.kind,
            reference=action.reference,
            for_name=action.for_name,
            how_contacted=action.how_contacted,
            made_by=action.staff.name or action.staff.email,
            created_at=action.created_at,
        )
        for action in actions
    ]
    young = [action.id for action in actions if action.is_about_young_person]
    if young:
        # One row for the page: which young people's actions were on screen.
        audit.record(
            "assisted.history_viewed", service, service=service, actor=viewer, actions=young
        )
        db.session.commit()
    return HistoryPage(rows=rows, page=page, pages=pages, total=total)
