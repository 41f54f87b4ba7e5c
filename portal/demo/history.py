"""A year of past records for a demo service, so the performance page has months to show:
enquiries, event places and attendance, initial visits and decisions, assessments,
approvals, TSDS sign-offs, carers leaving, training, complaints and young people's
messages. Inserted in bulk (a statement per table); invented people only."""

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from random import Random

from sqlalchemy import insert

from portal.accounts.models import CarerType, Role, User, UserRole
from portal.applications.models import Application, ApplicationStep, Stage
from portal.assessments.models import Assessment
from portal.bookings.models import Booking, BookingStatus, Occasion
from portal.childrens_rights.models import Author, Conversation, ConversationStatus, RightsMessage
from portal.complaints.models import Complainant, Complaint, ComplaintStage
from portal.core import keys
from portal.core.extensions import db
from portal.core.models import AuditEvent
from portal.core.times import london_to_utc, london_today
from portal.events.models import KIND as EVENT_KIND
from portal.organisation.models import FosteringService
from portal.recruitment.models import Enquiry, HeardFrom
from portal.training.models import KIND as TRAINING_KIND
from portal.training.models import CourseFormat, ModuleCompletion, Topic, TrainingCourse
from portal.tsds.models import Household
from portal.tsds.services import ensure_standard_sets, set_key_for
from portal.visits.models import BookingStatus as VisitBookingStatus
from portal.visits.models import Recommendation, VisitBooking, VisitMode, VisitRecord, VisitSlot


@dataclass
class Journey:
    """One household from initial visit on: each later step only if the earlier one
    happened."""

    visit_at: datetime
    written: bool = True
    decided_on: date | None = None
    progressed: bool = False
    allocated_on: date | None = None
    completed_on: date | None = None


@dataclass
class StageSpec:
    requested_on: date
    due_on: date
    responded_on: date | None = None
    panel_on: date | None = None


@dataclass
class ConversationSpec:
    started_at: datetime
    messages: int = 1  # from the young person, the first at started_at
    reply_after: timedelta | None = None


@dataclass
class History:
    """What to insert; every date is given, so a test can count it independently."""

    enquiries: list[datetime] = field(default_factory=list)
    # (booked at, event starts at, attended)
    event_bookings: list[tuple[datetime, datetime, bool | None]] = field(default_factory=list)
    journeys: list[Journey] = field(default_factory=list)
    # (carer type, approved on, signed off on)
    households: list[tuple[CarerType, date, date | None]] = field(default_factory=list)
    # (disabled at, was an approved carer)
    leavers: list[tuple[datetime, bool]] = field(default_factory=list)
    # (session starts at, attended)
    training: list[tuple[datetime, bool | None]] = field(default_factory=list)
    modules: list[date] = field(default_factory=list)
    complaints: list[list[StageSpec]] = field(default_factory=list)
    conversations: list[ConversationSpec] = field(default_factory=list)


def _ids(model, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    return list(
        db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows)
    )


def _token() -> str:
    return secrets.token_hex(32)


def insert_history(service: FosteringService, history: History, *, staff: User) -> None:
    """Bulk-insert `history` for `service`; `staff` is recorded as who did each step."""
    sid = service.id
    tag = secrets.token_hex(3)
    _ids(
        Enquiry,
        [
            {
                "service_id": sid,
                "reference": keys.new_reference("EQ"),
                "name": f"Past enquirer {n + 1}",
                "email": f"enquirer-{tag}-{n}@example.org",
                "phone": "07700 900000",
                "postcode": "LE1 1AA",
                "adults_at_home": 2,
                "children_at_home": n % 3,
                "has_spare_bedroom": True,
                "interests": "mainstream",
                "heard_from": HeardFrom.WEBSITE,
                "token_hash": _token(),
                "created_at": at,
            }
            for n, at in enumerate(history.enquiries)
        ],
    )
    _bookings(sid, tag, EVENT_KIND, [(b, s, a) for b, s, a in history.event_bookings])
    _bookings(
        sid, tag, TRAINING_KIND, [(s - timedelta(days=14), s, a) for s, a in history.training]
    )
    _journeys(service, tag, history.journeys, staff)
    _households(service, history.households)
    _leavers(sid, tag, history.leavers, staff)
    _modules(sid, tag, history.modules)
    _complaints(sid, history.complaints, staff)
    _conversations(sid, history.conversations, staff)
    db.session.commit()


def _bookings(sid, tag, kind, rows) -> None:
    occasions = _ids(
        Occasion,
        [
            {
                "service_id": sid,
                "kind": kind,
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=2),
                "capacity": 20,
                "seats_taken": 1,
            }
            for _, starts, _ in rows
        ],
    )
    _ids(
        Booking,
        [
            {
                "service_id": sid,
                "occasion_id": occasion_id,
                "name": f"Past guest {n + 1}",
                "email": f"guest-{tag}-{n}@example.org",
                "seats": 1,
                "status": BookingStatus.CONFIRMED,
                "link_salt": secrets.token_hex(8),
                "token_hash": _token(),
                "attended": attended,
                "created_at": booked,
            }
            for n, (occasion_id, (booked, _, attended)) in enumerate(
                zip(occasions, rows, strict=True)
            )
        ],
    )


def _journeys(service, tag, journeys: list[Journey], staff: User) -> None:
    if not journeys:
        return
    sid = service.id
    locality_id = service.localities[0].id
    slots = _ids(
        VisitSlot,
        [
            {
                "service_id": sid,
                "visitor_id": staff.id,
                "locality_id": locality_id,
                "mode": VisitMode.AT_HOME,
                "starts_at": j.visit_at,
                "ends_at": j.visit_at + timedelta(minutes=90),
            }
            for j in journeys
        ],
    )
    names = [f"Past household {n + 1}" for n in range(len(journeys))]
    emails = [f"household-{tag}-{n}@example.org" for n in range(len(journeys))]
    bookings = _ids(
        VisitBooking,
        [
            {
                "service_id": sid,
                "slot_id": slot_id,
                "status": VisitBookingStatus.BOOKED,
                "name": names[n],
                "email": emails[n],
                "booked_at": j.visit_at - timedelta(days=10),
            }
            for n, (slot_id, j) in enumerate(zip(slots, journeys, strict=True))
        ],
    )
    written = [(b, j) for b, j in zip(bookings, journeys, strict=True) if j.written]
    _ids(
        VisitRecord,
        [
            {
                "service_id": sid,
                "booking_id": booking_id,
                "written_by_id": staff.id,
                "motivation": "Wants to offer a settled home.",
                "understanding": "Came to an information event.",
                "skills": "Has raised children of their own.",
                "recommendation": Recommendation.PROGRESS_TO_ASSESSMENT,
                "written_at": j.visit_at + timedelta(days=1),
            }
            for booking_id, j in written
        ],
    )
    decided = [
        (booking_id, j, n)
        for n, (booking_id, j) in enumerate(zip(bookings, journeys, strict=True))
        if j.written and j.decided_on
    ]
    applications = _ids(
        Application,
        [
            {
                "service_id": sid,
                "visit_booking_id": booking_id,
                "name": names[n],
                "email": emails[n],
                "stage": _stage(j),
                "decided_on": j.decided_on,
                "reasons": "Discussed at the weekly meeting.",
                "present": "Recruitment manager, senior practitioner",
                "decided_by_id": staff.id,
                "created_at": london_to_utc(j.decided_on, time(10)),
            }
            for booking_id, j, n in decided
        ],
    )
    _ids(
        ApplicationStep,
        [
            {
                "application_id": application_id,
                "from_stage": None,
                "to_stage": Stage.PAPERWORK if j.progressed else Stage.NOT_NOW,
                "by_id": staff.id,
                "at": london_to_utc(j.decided_on, time(10)),
            }
            for application_id, (_, j, _) in zip(applications, decided, strict=True)
        ],
    )
    _ids(
        Assessment,
        [
            {
                "service_id": sid,
                "application_id": application_id,
                "assessor_id": staff.id,
                "allocated_on": j.allocated_on,
                "allocated_by_id": staff.id,
                "completed_on": j.completed_on,
            }
            for application_id, (_, j, _) in zip(applications, decided, strict=True)
            if j.progressed and j.allocated_on
        ],
    )


def _stage(journey: Journey) -> Stage:
    if not journey.progressed:
        return Stage.NOT_NOW
    if journey.completed_on:
        return Stage.PANEL
    return Stage.ASSESSMENT if journey.allocated_on else Stage.PAPERWORK


def _households(service, households) -> None:
    if not households:
        return
    sets = ensure_standard_sets(service)
    _ids(
        Household,
        [
            {
                "service_id": service.id,
                "name": f"Past carers {n + 1}",
                "carer_type": carer_type,
                "approved_on": approved_on,
                "set_id": sets[set_key_for(carer_type)].id,
                "signed_off_on": signed_off_on,
            }
            for n, (carer_type, approved_on, signed_off_on) in enumerate(households)
        ],
    )


def _leavers(sid, tag, leavers, staff: User) -> None:
    # No password_hash (so NULL): a former account cannot sign in.
    users = _ids(
        User,
        [
            {
                "service_id": sid,
                "email": f"former-{tag}-{n}@example.org",
                "name": f"Former carer {n + 1}" if is_carer else f"Former colleague {n + 1}",
                "is_disabled": True,
                "carer_type": CarerType.MAINSTREAM if is_carer else None,
                "created_at": at - timedelta(days=900),
            }
            for n, (at, is_carer) in enumerate(leavers)
        ],
    )
    _ids_no_return(
        UserRole,
        [
            {"user_id": user_id, "role": Role.APPROVED_CARER if is_carer else Role.RECRUITMENT}
            for user_id, (_, is_carer) in zip(users, leavers, strict=True)
        ],
    )
    _ids(
        AuditEvent,
        [
            {
                "service_id": sid,
                "actor_id": staff.id,
                "action": "account.disabled",
                "object_type": "User",
                "object_id": str(user_id),
                "detail": {},
                "created_at": at,
            }
            for user_id, (at, _) in zip(users, leavers, strict=True)
        ],
    )


def _ids_no_return(model, rows) -> None:
    if rows:
        db.session.execute(insert(model), rows)


def _modules(sid, tag, modules) -> None:
    if not modules:
        return
    course = TrainingCourse(
        service_id=sid,
        title="Online module: recording and writing reports",
        topic=Topic.RECORDING_AND_PROCEDURES,
        format=CourseFormat.SELF_PACED,
        is_withdrawn=True,  # an old module, so it does not fill the demo catalogue
    )
    db.session.add(course)
    db.session.flush()
    # No password_hash (so NULL): a past learner's account cannot sign in.
    users = _ids(
        User,
        [
            {
                "service_id": sid,
                "email": f"module-{tag}-{n}@example.org",
                "name": f"Past learner {n + 1}",
                "is_disabled": True,
            }
            for n in range(len(modules))
        ],
    )
    _ids(
        ModuleCompletion,
        [
            {"service_id": sid, "course_id": course.id, "user_id": user_id, "completed_on": day}
            for user_id, day in zip(users, modules, strict=True)
        ],
    )


def _complaints(sid, complaints, staff: User) -> None:
    if not complaints:
        return
    phrase_hash = keys.hash_phrase(keys.new_phrase())  # nobody holds these words
    ids = _ids(
        Complaint,
        [
            {
                "service_id": sid,
                "reference": keys.new_reference("CP"),
                "phrase_hash": phrase_hash,
                "complainant": Complainant.FOSTER_CARER,
                "body": "A past complaint about visits being moved at short notice.",
                "received_on": stages[0].requested_on,
                "created_at": london_to_utc(stages[0].requested_on, time(9)),
                "closed_on": stages[-1].responded_on,
                "closed_because": "finished" if stages[-1].responded_on else None,
            }
            for stages in complaints
        ],
    )
    _ids(
        ComplaintStage,
        [
            {
                "service_id": sid,
                "complaint_id": complaint_id,
                "number": number,
                "requested_on": spec.requested_on,
                "due_on": spec.due_on,
                "responded_on": spec.responded_on,
                "panel_on": spec.panel_on,
                "response": "Our response." if spec.responded_on else None,
                "responded_by_id": staff.id if spec.responded_on else None,
            }
            for complaint_id, stages in zip(ids, complaints, strict=True)
            for number, spec in enumerate(stages, start=1)
        ],
    )


def _conversations(sid, conversations, staff: User) -> None:
    if not conversations:
        return
    phrase_hash = keys.hash_phrase(keys.new_phrase())
    ids = _ids(
        Conversation,
        [
            {
                "service_id": sid,
                "reference": keys.new_reference("CR"),
                "phrase_hash": phrase_hash,
                "status": ConversationStatus.CLOSED,
                "awaiting_officer": False,
                "created_at": c.started_at,
                "last_message_at": c.started_at + (c.reply_after or timedelta(0)),
                "closed_at": c.started_at + timedelta(days=7),
            }
            for c in conversations
        ],
    )
    messages = []
    for conversation_id, c in zip(ids, conversations, strict=True):
        for n in range(c.messages):
            messages.append(
                {
                    "service_id": sid,
                    "conversation_id": conversation_id,
                    "author": Author.YOUNG_PERSON,
                    "body": "Can I talk to someone about my contact visits?",
                    "created_at": c.started_at + timedelta(minutes=n),
                }
            )
        if c.reply_after is not None:
            messages.append(
                {
                    "service_id": sid,
                    "conversation_id": conversation_id,
                    "author": Author.OFFICER,
                    "officer_id": staff.id,
                    "body": "Thank you for writing. I can call you after school tomorrow.",
                    "created_at": c.started_at + c.reply_after,
                }
            )
    _ids_no_return(RightsMessage, messages)


# ---- the demo's year ---------------------------------------------------------------------


def demo_history(now: datetime, seed: int) -> History:
    """A plausible year: a few dozen enquiries a month, fewer at each later step."""
    rng = Random(seed)  # nosec B311  # repeatable demo data, not security
    today = london_today(now)
    history = History()

    def moment(days_ago: int, hour: int | None = None) -> datetime:
        day = today - timedelta(days=days_ago)
        at = london_to_utc(day, time(hour if hour is not None else rng.randint(8, 19)))
        return min(at, now - timedelta(hours=1))

    def day(days_ago: int) -> date:
        return today - timedelta(days=max(days_ago, 1))

    for days_ago in range(1, 365):
        for _ in range(rng.choice((0, 0, 1, 1, 1, 2))):
            history.enquiries.append(moment(days_ago))
    for days_ago in range(7, 365, 14):  # an event every fortnight
        starts = moment(days_ago, 18)
        for _ in range(rng.randint(4, 12)):
            attended = rng.random() < 0.7
            history.event_bookings.append(
                (starts - timedelta(days=rng.randint(1, 20)), starts, attended)
            )
    for days_ago in range(3, 365, 4):  # an initial visit every few days
        decided = days_ago > 14
        progressed = decided and rng.random() < 0.6
        allocated = day(days_ago - 28) if progressed and days_ago > 40 else None
        completed = None
        if allocated and days_ago > 150 and rng.random() < 0.8:
            completed = allocated + timedelta(weeks=rng.choice((13, 14, 15, 16, 17, 19)))
            completed = completed if completed < today else None
        history.journeys.append(
            Journey(
                visit_at=moment(days_ago, 10),
                written=days_ago > 5,
                decided_on=day(days_ago - 7) if decided else None,
                progressed=progressed,
                allocated_on=allocated,
                completed_on=completed,
            )
        )
    kinds = [CarerType.MAINSTREAM] * 6 + [
        CarerType.FAMILY_AND_FRIENDS,
        CarerType.FAMILY_AND_FRIENDS,
        CarerType.SHORT_BREAK,
        CarerType.SPECIALIST,
        CarerType.SUPPORTED_LODGINGS,
    ]
    for days_ago in range(10, 365, 18):
        history.households.append((rng.choice(kinds), day(days_ago), None))
    for days_ago in range(5, 365, 30):  # workbooks of carers approved a year or so before
        approved = day(days_ago + rng.choice((300, 340, 360, 380, 400)))
        history.households.append((CarerType.MAINSTREAM, approved, day(days_ago)))
    for days_ago in range(20, 365, 45):
        history.leavers.append((moment(days_ago), True))
    for days_ago in range(2, 365, 9):
        starts = moment(days_ago, 10)
        for _ in range(rng.randint(5, 14)):
            history.training.append((starts, rng.random() < 0.85))
    for days_ago in range(15, 365, 21):
        requested = day(days_ago)
        late = rng.random() < 0.2
        stage_one = StageSpec(
            requested_on=requested,
            due_on=requested + timedelta(days=14),
            responded_on=requested + timedelta(days=17 if late else rng.randint(5, 13)),
        )
        stages = [stage_one]
        if rng.random() < 0.2 and days_ago > 80:
            asked = stage_one.responded_on + timedelta(days=10)
            stages.append(StageSpec(asked, asked + timedelta(days=35), asked + timedelta(days=30)))
        for spec in stages:
            if spec.responded_on >= today:
                spec.responded_on = None  # still being answered
        history.complaints.append([s for s in stages if s.requested_on < today])
    for days_ago in range(1, 365, 5):
        history.conversations.append(
            ConversationSpec(
                started_at=moment(days_ago),
                messages=rng.randint(1, 3),
                reply_after=timedelta(hours=rng.choice((1, 2, 3, 4, 6, 20, 26))),
            )
        )
    history.conversations = [c for c in history.conversations if c.started_at + c.reply_after < now]
    return history


def add_demo_history(service: FosteringService, users: list[User], now: datetime) -> None:
    """A year of past records for the service's performance page."""
    staff = next(u for u in users if u.email.startswith("recruitment@"))
    insert_history(service, demo_history(now, seed=service.id), staff=staff)
