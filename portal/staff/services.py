"""My work: every queue a person's roles give them, most urgent first, from each feature's
own 'what is due' rules; plus who an item is assigned to and whether it was marked done."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager

from portal.accounts.models import STAFF_ROLES, Role, User, UserRole
from portal.applications import services as applications
from portal.assessments import services as assessments
from portal.bookings.models import Booking, BookingStatus, Occasion, OccasionStatus
from portal.childrens_rights import services as childrens_rights
from portal.complaints import services as complaints
from portal.core import audit
from portal.core.extensions import db
from portal.core.times import london_today
from portal.events.models import InformationEvent
from portal.organisation.models import FosteringService
from portal.panels import services as panels
from portal.paperwork import services as paperwork
from portal.staff.models import WorkItem, WorkKind
from portal.training.models import TrainingSession
from portal.tsds import services as tsds
from portal.visits import services as visits

TOP = 5  # items shown per queue; the rest are behind 'see all'
MANAGER = Role.SERVICE_MANAGER


@dataclass
class Row:
    """One item in a queue, in words ready for the page."""

    kind: WorkKind
    object_id: int
    title: str
    detail: str
    endpoint: str  # the existing staff page for the item
    values: dict
    when_label: str  # "Due", "Waiting since", "Starts"
    when: date | datetime | None
    flag: str = ""  # "Overdue", "Urgent": shown as a red tag
    # Activity after an item was marked done brings it back (a young person writes again).
    changed_at: datetime | None = None
    # Someone who may work this one item though not the whole queue (the visit's visitor).
    owner_id: int | None = None
    # Whether the feature's own record says who is responsible (a young person's
    # conversation does); then that is the one assignment, read and written there.
    keeps_assignee: bool = False
    assigned_id: int | None = None
    assigned_to: User | None = None


@dataclass(frozen=True)
class Context:
    """Who is looking, and when."""

    service: FosteringService
    user: User
    now: datetime
    today: date


@dataclass(frozen=True)
class Queue:
    """One queue: who works it, where its full list is, and how to load it."""

    key: str
    kind: WorkKind
    title: str
    roles: frozenset[Role]
    list_endpoint: str
    load: Callable[[Context], list[Row]]
    list_values: dict = field(default_factory=dict)
    can_mark_done: bool = True


# ---- each queue, from its feature's services -------------------------------------------


def _conversations(ctx: Context, *, urgent: bool) -> list[Row]:
    return [
        Row(
            kind=WorkKind.MESSAGE,
            object_id=c.id,
            title=c.reference,
            detail=_("Waiting for a reply") if c.awaiting_officer else _("Replied"),
            endpoint="childrens_rights.staff_conversation",
            values={"conversation_id": c.id},
            when_label=_("Last message"),
            when=c.last_message_at,
            flag=_("Urgent") if urgent else "",
            changed_at=c.last_message_at if c.awaiting_officer else None,
            keeps_assignee=True,
            assigned_id=c.assigned_to_id,
        )
        for c in childrens_rights.queue(ctx.service)
        if c.is_urgent == urgent
    ]


def _complaints(ctx: Context) -> list[Row]:
    found = []
    for complaint in complaints.complaints_for(ctx.service):
        clock = complaints.clock(complaint, ctx.today)
        if clock.waiting_for != "service":
            continue
        found.append(
            Row(
                kind=WorkKind.COMPLAINT,
                object_id=complaint.stage.id,
                title=complaint.reference,
                detail=_("Stage %(number)s response", number=clock.stage),
                endpoint="complaints.staff_complaint",
                values={"complaint_id": complaint.id},
                when_label=_("Due"),
                when=clock.due_on,
                flag=_("Overdue") if clock.days_left is not None and clock.days_left < 0 else "",
            )
        )
    return found


def _visit_records(ctx: Context) -> list[Row]:
    sees_all = ctx.user.has_role(Role.RECRUITMENT, MANAGER)
    queue = visits.visitor_queue(
        ctx.service, now=ctx.now, visitor_id=None if sees_all else ctx.user.id
    )
    rows = []
    for due in queue.due:
        booking = due.booking
        writes_it = booking.slot.visitor_id == ctx.user.id and ctx.user.has_role(
            Role.INITIAL_VISITOR
        )
        rows.append(
            Row(
                kind=WorkKind.VISIT_RECORD,
                object_id=booking.id,
                title=booking.name,
                detail=_("Visited by %(name)s", name=booking.slot.visitor.name),
                endpoint="visits.record_visit" if writes_it else "visits.list_visits",
                values={"booking_id": booking.id} if writes_it else {"_anchor": "records-due"},
                when_label=_("Record due"),
                when=due.due_on,
                flag=_("Overdue") if due.is_overdue else "",
                owner_id=booking.slot.visitor_id,
            )
        )
    return rows


def _decisions(ctx: Context) -> list[Row]:
    return [
        Row(
            kind=WorkKind.DECISION,
            object_id=record.id,
            title=record.booking.name,
            detail=_("Visit record by %(name)s", name=record.written_by.name),
            endpoint="applications.staff_decide",
            values={"record_id": record.id},
            when_label=_("Waiting since"),
            when=record.written_at,
        )
        for _week, records in applications.waiting_for_decision(ctx.service)
        for record in records
    ]


def _paperwork(ctx: Context) -> list[Row]:
    return [
        Row(
            kind=WorkKind.PAPERWORK,
            object_id=document.id,
            title=document.application.name,
            detail=document.item.name,
            endpoint="paperwork.staff_review",
            values={"document_id": document.id},
            when_label=_("Sent"),
            when=document.uploaded_at,
            changed_at=document.uploaded_at,
        )
        for document in paperwork.overview(ctx.service).waiting
    ]


def _tsds_evidence(ctx: Context) -> list[Row]:
    return [
        Row(
            kind=WorkKind.TSDS_EVIDENCE,
            object_id=evidence.id,
            title=evidence.household.name,
            detail=_(
                "Standard %(standard)s, outcome %(outcome)s",
                standard=evidence.outcome.standard.number,
                outcome=evidence.outcome.number,
            ),
            endpoint="tsds.staff_review",
            values={"evidence_id": evidence.id},
            when_label=_("Sent"),
            when=evidence.submitted_at,
            changed_at=evidence.submitted_at,
        )
        for evidence in tsds.waiting_for_review(ctx.service)
    ]


def _assessments(ctx: Context) -> list[Row]:
    return [
        Row(
            kind=WorkKind.ASSESSMENT,
            object_id=row.assessment.id,
            title=row.assessment.application.name,
            detail=_(
                "Week %(weeks)s, with %(name)s",
                weeks=row.weeks,
                name=row.assessment.assessor.name,
            ),
            endpoint="assessments.staff_assessment",
            values={"assessment_id": row.assessment.id},
            when_label=_("Target"),
            when=row.target_on,
            flag=_("Past target"),
        )
        for row in assessments.rows(ctx.service, ctx.today)
        if row.is_overdue
    ]


def _agency_decisions(ctx: Context) -> list[Row]:
    return [
        Row(
            kind=WorkKind.AGENCY_DECISION,
            object_id=row.case.id,
            title=row.case.application.name,
            detail=_("Panel on %(day)s", day=format_date(row.case.panel.meets_on, "d MMM yyyy")),
            endpoint="panels.staff_decide",
            values={"case_id": row.case.id},
            when_label=_("Due"),
            when=row.due_on,
            flag=_("Overdue") if row.is_overdue else "",
        )
        for row in panels.decisions_to_make(ctx.service, ctx.today)
    ]


def _waiting_counts(ctx: Context, model):
    """Upcoming occasions of one kind with people waiting or holding an offer, with how
    many of each: one query."""
    counts = (
        select(
            Booking.occasion_id,
            func.sum(case((Booking.status == BookingStatus.WAITING, 1), else_=0)).label("waiting"),
            func.sum(case((Booking.status == BookingStatus.OFFERED, 1), else_=0)).label("offered"),
        )
        # From the occasions still to come (few, by the index on starts_at) to their
        # bookings (by the queue index), never through every booking the service has had.
        .join(Occasion, Occasion.id == Booking.occasion_id)
        .where(
            Occasion.service_id == ctx.service.id,
            Occasion.status == OccasionStatus.SCHEDULED,
            Occasion.starts_at > ctx.now,
            Booking.status.in_((BookingStatus.WAITING, BookingStatus.OFFERED)),
        )
        .group_by(Booking.occasion_id)
        .subquery()
    )
    return db.session.execute(
        select(model, counts.c.waiting, counts.c.offered)
        .join(model.occasion)
        .join(counts, counts.c.occasion_id == Occasion.id)
        .options(contains_eager(model.occasion))
        .where(
            model.service_id == ctx.service.id,
            Occasion.status == OccasionStatus.SCHEDULED,
            Occasion.starts_at > ctx.now,
        )
        .order_by(Occasion.starts_at, model.id)
    ).all()


def _offers(waiting: int, offered: int) -> str:
    return _("%(waiting)s waiting, %(offered)s offered a place", waiting=waiting, offered=offered)


def _event_waiting_lists(ctx: Context) -> list[Row]:
    return [
        Row(
            kind=WorkKind.EVENT_WAITING_LIST,
            object_id=event.id,
            title=event.title,
            detail=_offers(waiting or 0, offered or 0),
            endpoint="events.event_register",
            values={"event_id": event.id},
            when_label=_("Starts"),
            when=event.occasion.starts_at,
        )
        for event, waiting, offered in _waiting_counts(ctx, InformationEvent)
    ]


def _training_waiting_lists(ctx: Context) -> list[Row]:
    return [
        Row(
            kind=WorkKind.TRAINING_WAITING_LIST,
            object_id=session.id,
            title=session.course.title,
            detail=_offers(waiting or 0, offered or 0),
            endpoint="training.session_register",
            values={"session_id": session.id},
            when_label=_("Starts"),
            when=session.occasion.starts_at,
        )
        for session, waiting, offered in _waiting_counts(ctx, TrainingSession)
    ]


def _roles(*roles: Role) -> frozenset[Role]:
    return frozenset((*roles, MANAGER))


QUEUES = (
    Queue(
        "urgent-messages",
        WorkKind.MESSAGE,
        _l("Urgent messages from young people"),
        _roles(Role.CHILDRENS_RIGHTS_OFFICER),
        "childrens_rights.staff_queue",
        lambda ctx: _conversations(ctx, urgent=True),
        # An urgent message leaves the queue when an officer closes the conversation.
        can_mark_done=False,
    ),
    Queue(
        "messages",
        WorkKind.MESSAGE,
        _l("Other messages from young people"),
        _roles(Role.CHILDRENS_RIGHTS_OFFICER),
        "childrens_rights.staff_queue",
        lambda ctx: _conversations(ctx, urgent=False),
    ),
    Queue(
        "complaints",
        WorkKind.COMPLAINT,
        _l("Complaints to answer"),
        _roles(Role.COMPLAINTS_MANAGER),
        "complaints.staff_list",
        _complaints,
    ),
    Queue(
        "visit-records",
        WorkKind.VISIT_RECORD,
        _l("Initial visit records due"),
        _roles(Role.INITIAL_VISITOR, Role.RECRUITMENT),
        "visits.list_visits",
        _visit_records,
        {"_anchor": "records-due"},
    ),
    Queue(
        "decisions",
        WorkKind.DECISION,
        _l("Decisions to progress to make"),
        _roles(Role.RECRUITMENT),
        "applications.staff_decisions",
        _decisions,
    ),
    Queue(
        "paperwork",
        WorkKind.PAPERWORK,
        _l("Paperwork to check"),
        _roles(Role.RECRUITMENT),
        "paperwork.staff_list",
        _paperwork,
    ),
    Queue(
        "tsds-evidence",
        WorkKind.TSDS_EVIDENCE,
        _l("TSDS evidence to review"),
        _roles(Role.SUPERVISING_SOCIAL_WORKER),
        "tsds.staff_list",
        _tsds_evidence,
        {"show": "all"},
    ),
    Queue(
        "assessments",
        WorkKind.ASSESSMENT,
        _l("Assessments past their target"),
        _roles(Role.ASSESSING_SOCIAL_WORKER),
        "assessments.staff_list",
        _assessments,
    ),
    Queue(
        "agency-decisions",
        WorkKind.AGENCY_DECISION,
        _l("Agency decisions due"),
        _roles(),
        "panels.staff_decisions",
        _agency_decisions,
    ),
    Queue(
        "event-waiting-lists",
        WorkKind.EVENT_WAITING_LIST,
        _l("Information event waiting lists"),
        _roles(Role.RECRUITMENT),
        "events.staff_events",
        _event_waiting_lists,
    ),
    Queue(
        "training-waiting-lists",
        WorkKind.TRAINING_WAITING_LIST,
        _l("Training waiting lists"),
        _roles(Role.TRAINING_COORDINATOR),
        "training.staff_courses",
        _training_waiting_lists,
    ),
)
QUEUES_BY_KEY = {queue.key: queue for queue in QUEUES}


def queues_for(user: User) -> list[Queue]:
    """The queues the person's roles give them, in the page's order."""
    return [queue for queue in QUEUES if user.has_role(*queue.roles)]


# ---- work items ------------------------------------------------------------------------


class NotYours(Exception):
    """The person's roles do not include any queue of this kind."""


@dataclass
class QueueView:
    """A queue as the page shows it: its count and its most urgent items."""

    queue: Queue
    count: int
    rows: list[Row]


def _items(service: FosteringService, kinds) -> dict[tuple[WorkKind, int], WorkItem]:
    items = db.session.scalars(
        select(WorkItem).where(WorkItem.service_id == service.id, WorkItem.kind.in_(kinds))
    )
    return {(item.kind, item.object_id): item for item in items}


def _is_hidden(row: Row, item: WorkItem | None) -> bool:
    """Marked done, and nothing has happened to it since."""
    if item is None or item.done_at is None:
        return False
    return row.changed_at is None or row.changed_at <= item.done_at


def colleagues(service: FosteringService) -> dict[int, User]:
    """The service's staff who can sign in, by name: who items can be assigned to."""
    # Chosen in SQL: a service has a few dozen staff and may have many thousands of carers.
    staff = select(UserRole.user_id).where(UserRole.role.in_(STAFF_ROLES)).scalar_subquery()
    people = db.session.scalars(
        select(User)
        .where(
            User.service_id == service.id,
            User.is_disabled.is_(False),
            User.password_hash.is_not(None),
            User.id.in_(staff),
        )
        .order_by(User.name, User.id)
    )
    return {person.id: person for person in people}


def assignees_for(queue: Queue, row: Row, people: dict[int, User]) -> list[User]:
    """Colleagues who can work this item: they hold the queue's role (an initial visitor
    only for their own visit)."""
    wide = queue.roles - {Role.INITIAL_VISITOR}
    return [
        person
        for person in people.values()
        if person.has_role(*wide) or (person.id == row.owner_id and person.has_role(*queue.roles))
    ]


def my_work(
    service: FosteringService,
    user: User,
    now: datetime,
    *,
    mine: bool = False,
    people: dict[int, User] | None = None,
) -> list[QueueView]:
    """Every queue of the person's, done items left out, with counts; `mine`: only items
    assigned to them."""
    ctx = Context(service, user, now, london_today(now))
    queues = queues_for(user)
    items = _items(service, {queue.kind for queue in queues})
    people = colleagues(service) if people is None else people
    views = []
    for queue in queues:
        rows = []
        for row in queue.load(ctx):
            item = items.get((row.kind, row.object_id))
            if _is_hidden(row, item):
                continue
            if row.keeps_assignee:
                assigned_id = row.assigned_id
            else:
                assigned_id = item.assigned_to_id if item else None
            if mine and assigned_id != user.id:
                continue
            rows.append(replace(row, assigned_to=people.get(assigned_id)))
        views.append(QueueView(queue, len(rows), rows[:TOP]))
    return views


def find_row(
    service: FosteringService, user: User, kind: WorkKind, object_id: int, now: datetime
) -> tuple[Queue, Row] | None:
    """The item in one of the person's queues, or None; NotYours if no queue of theirs
    holds this kind."""
    queues = [queue for queue in queues_for(user) if queue.kind == kind]
    if not queues:
        raise NotYours
    ctx = Context(service, user, now, london_today(now))
    for queue in queues:
        for row in queue.load(ctx):
            if row.object_id == object_id:
                return queue, row
    return None


def _item_for(service: FosteringService, kind: WorkKind, object_id: int) -> WorkItem:
    item = db.session.scalar(
        select(WorkItem).where(
            WorkItem.service_id == service.id,
            WorkItem.kind == kind,
            WorkItem.object_id == object_id,
        )
    )
    if item is None:
        item = WorkItem(service_id=service.id, kind=kind, object_id=object_id)
        db.session.add(item)
    return item


def assign(
    service: FosteringService, kind: WorkKind, object_id: int, assignee: User | None, *, by: User
) -> WorkItem:
    """Make a colleague responsible for an item (or nobody); audited."""
    if assignee is not None and (assignee.service_id != service.id or not assignee.is_staff):
        raise ValueError("Items are assigned to staff of the same service.")
    if kind == WorkKind.MESSAGE:
        conversation = childrens_rights.conversation_for(service, object_id)
        if conversation is None:
            raise ValueError("No such conversation in this service.")
        childrens_rights.assign(conversation, assignee, by=by)
        return _item_for(service, kind, object_id)
    item = _item_for(service, kind, object_id)
    item.assigned_to_id = assignee.id if assignee else None
    audit.record(
        "work.assigned",
        item,
        service=service,
        actor=by,
        kind=kind.value,
        object_id=object_id,
        to=item.assigned_to_id,
    )
    db.session.commit()
    return item


def mark_done(
    service: FosteringService, kind: WorkKind, object_id: int, *, by: User, now: datetime
) -> WorkItem:
    """Take an item off everyone's My work until something new happens to it; audited."""
    item = _item_for(service, kind, object_id)
    item.done_at = now
    item.done_by_id = by.id
    audit.record("work.done", item, service=service, actor=by, kind=kind.value, object_id=object_id)
    db.session.commit()
    return item


# ---- links to the rest of the workspace ------------------------------------------------

ALL_STAFF = STAFF_ROLES
# Pages other parts of the workspace provide: (endpoint, label, who sees the link).
WORKSPACE_LINKS = (
    ("people.search", _l("Find a person"), ALL_STAFF),
    ("assisted.index", _l("Do something for someone"), ALL_STAFF),
    ("performance.report", _l("Performance"), frozenset({MANAGER})),
    ("settings.index", _l("Service settings"), frozenset({MANAGER})),
    ("audit_log.index", _l("Audit log"), frozenset({MANAGER})),
)


def workspace_links(user: User, endpoints) -> list[tuple[str, str]]:
    """The workspace pages that exist in this build and that the person may use."""
    return [
        (endpoint, label)
        for endpoint, label, roles in WORKSPACE_LINKS
        if endpoint in endpoints and user.has_role(*roles)
    ]
