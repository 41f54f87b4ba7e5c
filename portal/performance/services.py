"""The monthly figures a service monitors, counted from the records themselves.

Each source is read with one query bounded by the twelve-month window, returning only the
dates (and the few columns a rule needs); the rows are put into London calendar months
here, so the same code works on SQLite and PostgreSQL and the number of statements never
depends on how many records there are.
"""

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, cast, func, or_, select

from portal.accounts.models import CarerType, Role, User, UserRole
from portal.applications.models import Application, ApplicationStep, Stage
from portal.assessments.models import Assessment
from portal.bookings.models import Booking, Occasion
from portal.childrens_rights.models import Author, Conversation, RightsMessage
from portal.complaints.models import ComplaintStage
from portal.core.extensions import db
from portal.core.models import AuditEvent
from portal.core.times import london_to_utc, to_london
from portal.events.models import KIND as EVENT_KIND
from portal.organisation.models import FosteringService
from portal.recruitment.models import Enquiry
from portal.training.models import KIND as TRAINING_KIND
from portal.training.models import ModuleCompletion
from portal.tsds.models import Household
from portal.tsds.services import deadline
from portal.visits.models import VisitBooking, VisitRecord, VisitSlot

MONTHS = 12
STAGES = (1, 2, 3)
# The audit action written when an account is disabled (portal/accounts/services.py).
ACCOUNT_DISABLED = "account.disabled"

CARER_TYPE_LABELS = {
    CarerType.MAINSTREAM: _l("Mainstream"),
    CarerType.FAMILY_AND_FRIENDS: _l("Family and friends"),
    CarerType.SHORT_BREAK: _l("Short break"),
    CarerType.SPECIALIST: _l("Specialist"),
    CarerType.SUPPORTED_LODGINGS: _l("Supported lodgings"),
}


def shift_month(month: date, by: int) -> date:
    """The first day of the month `by` months after `month`'s."""
    index = month.year * 12 + month.month - 1 + by
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Window:
    """The last twelve London calendar months, the current (part) month last."""

    months: tuple[date, ...]
    today: date

    @classmethod
    def ending(cls, today: date, count: int = MONTHS) -> "Window":
        current = today.replace(day=1)
        return cls(tuple(shift_month(current, n) for n in range(1 - count, 1)), today)

    @property
    def first_day(self) -> date:
        return self.months[0]

    @property
    def end_day(self) -> date:
        """The first day after the window."""
        return shift_month(self.months[-1], 1)

    @property
    def starts_at(self) -> datetime:
        return london_to_utc(self.first_day, time(0))

    @property
    def ends_at(self) -> datetime:
        return london_to_utc(self.end_day, time(0))

    def index_of(self, moment: date | datetime | None) -> int | None:
        """Which month of the window a date or UTC time falls in, or None outside it."""
        if moment is None:
            return None
        if isinstance(moment, datetime):
            moment = to_london(moment if moment.tzinfo else moment.replace(tzinfo=UTC)).date()
        month = moment.replace(day=1)
        if month < self.months[0] or month > self.months[-1]:
            return None
        return (month.year - self.months[0].year) * 12 + month.month - self.months[0].month

    def is_partial(self, index: int) -> bool:
        """The current month, counted to today only."""
        return index == len(self.months) - 1


@dataclass
class Series:
    """One measure: a value per month (None where there is nothing to take a median of)."""

    key: str
    label: str
    values: list

    @property
    def total(self):
        """The twelve months together (counts only)."""
        return sum(v for v in self.values if v is not None)


@dataclass
class Figure:
    """A chart and its table: one or more measures over the same months."""

    key: str
    title: str
    description: str
    series: list[Series]
    stacked: bool = False
    unit: str = "count"  # or "hours"

    @property
    def has_totals(self) -> bool:
        return self.unit == "count"


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)


@dataclass
class FunnelStep:
    key: str
    label: str
    count: int


@dataclass
class Report:
    window: Window
    sections: list[Section]
    funnel: list[FunnelStep]

    @property
    def figures(self) -> list[Figure]:
        return [f for s in self.sections for f in s.figures]


def _counts(window: Window, moments: Iterable) -> list[int]:
    counts = [0] * len(window.months)
    for moment in moments:
        index = window.index_of(moment)
        if index is not None:
            counts[index] += 1
    return counts


def _in_window(column, window: Window, *, is_date: bool = False):
    if is_date:
        return and_(column >= window.first_day, column < window.end_day)
    return and_(column >= window.starts_at, column < window.ends_at)


def _rows(statement) -> list:
    return list(db.session.execute(statement))


# ---- the sources, one query each ------------------------------------------------------


def _enquiries(service, window) -> list[int]:
    rows = db.session.scalars(
        select(Enquiry.created_at).where(
            Enquiry.service_id == service.id, _in_window(Enquiry.created_at, window)
        )
    )
    return _counts(window, rows)


def _bookings(service, window, kind: str) -> list:
    """(booked at, starts at, attended) for bookings of one kind of occasion."""
    return _rows(
        select(Booking.created_at, Occasion.starts_at, Booking.attended)
        .join(Occasion, Booking.occasion_id == Occasion.id)
        .where(
            Booking.service_id == service.id,
            Occasion.kind == kind,
            or_(
                _in_window(Booking.created_at, window),
                _in_window(Occasion.starts_at, window),
            ),
        )
    )


def _visits_done(service, window) -> list[int]:
    """Initial visits with a written record, in the month the visit took place."""
    rows = db.session.scalars(
        select(VisitSlot.starts_at)
        .join(VisitBooking, VisitBooking.slot_id == VisitSlot.id)
        .join(VisitRecord, VisitRecord.booking_id == VisitBooking.id)
        .where(VisitRecord.service_id == service.id, _in_window(VisitSlot.starts_at, window))
    )
    return _counts(window, rows)


def _progressed(service, window) -> list[int]:
    """Households the decision meeting progressed to assessment (first step: paperwork)."""
    rows = db.session.scalars(
        select(Application.decided_on)
        .join(ApplicationStep, ApplicationStep.application_id == Application.id)
        .where(
            Application.service_id == service.id,
            ApplicationStep.from_stage.is_(None),
            ApplicationStep.to_stage == Stage.PAPERWORK,
            _in_window(Application.decided_on, window, is_date=True),
        )
    )
    return _counts(window, rows)


def _assessments(service, window) -> tuple[list[int], list[int], list[int]]:
    rows = _rows(
        select(Assessment.allocated_on, Assessment.completed_on).where(
            Assessment.service_id == service.id,
            or_(
                _in_window(Assessment.allocated_on, window, is_date=True),
                _in_window(Assessment.completed_on, window, is_date=True),
            ),
        )
    )
    target = timedelta(weeks=service.assessment_target_weeks)
    started = _counts(window, (r.allocated_on for r in rows))
    completed = _counts(window, (r.completed_on for r in rows))
    on_time = _counts(
        window,
        (
            r.completed_on
            for r in rows
            if r.completed_on and r.completed_on <= r.allocated_on + target
        ),
    )
    return started, completed, on_time


def _households(service, window) -> list[Household]:
    """Households approved or signed off in the window (one query for both figures)."""
    return list(
        db.session.scalars(
            select(Household).where(
                Household.service_id == service.id,
                or_(
                    _in_window(Household.approved_on, window, is_date=True),
                    _in_window(Household.signed_off_on, window, is_date=True),
                ),
            )
        )
    )


def _carers_leaving(service, window) -> list[int]:
    """Approved carers' accounts disabled, in the month the audit log records it."""
    carers = (
        select(cast(User.id, String))
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.service_id == service.id, UserRole.role == Role.APPROVED_CARER)
    )
    rows = _rows(
        select(AuditEvent.object_id, func.min(AuditEvent.created_at).label("at"))
        .where(
            AuditEvent.service_id == service.id,
            AuditEvent.action == ACCOUNT_DISABLED,
            AuditEvent.object_type == User.__name__,
            AuditEvent.object_id.in_(carers),
            _in_window(AuditEvent.created_at, window),
        )
        .group_by(AuditEvent.object_id)
    )
    return _counts(window, (r.at for r in rows))


def _modules(service, window) -> list[int]:
    rows = db.session.scalars(
        select(ModuleCompletion.completed_on).where(
            ModuleCompletion.service_id == service.id,
            _in_window(ModuleCompletion.completed_on, window, is_date=True),
        )
    )
    return _counts(window, rows)


def _complaint_stages(service, window) -> list:
    return _rows(
        select(
            ComplaintStage.number,
            ComplaintStage.responded_on,
            ComplaintStage.due_on,
            ComplaintStage.panel_on,
        ).where(
            ComplaintStage.service_id == service.id,
            _in_window(ComplaintStage.responded_on, window, is_date=True),
        )
    )


def _answered_in_time(stage) -> bool:
    """Stage 3 is in time when its review panel met by the due day; 1 and 2 when the
    response went by it (the due day moves when a stage is extended)."""
    if stage.number == 3 and stage.panel_on is not None:
        return stage.panel_on <= stage.due_on
    return stage.responded_on <= stage.due_on


def _young_peoples_messages(service, window) -> list[int]:
    rows = db.session.scalars(
        select(RightsMessage.created_at).where(
            RightsMessage.service_id == service.id,
            RightsMessage.author == Author.YOUNG_PERSON,
            _in_window(RightsMessage.created_at, window),
        )
    )
    return _counts(window, rows)


def _first_replies(service, window) -> list:
    """(conversation started, first officer reply or None) for conversations started in
    the window."""
    first_reply = (
        select(func.min(RightsMessage.created_at))
        .where(
            RightsMessage.conversation_id == Conversation.id,
            RightsMessage.author == Author.OFFICER,
        )
        .correlate(Conversation)
        .scalar_subquery()
    )
    return _rows(
        select(Conversation.created_at, first_reply.label("replied_at")).where(
            Conversation.service_id == service.id,
            _in_window(Conversation.created_at, window),
        )
    )


def _median_hours(window, rows) -> list:
    waits: list[list[float]] = [[] for _ in window.months]
    for row in rows:
        index = window.index_of(row.created_at)
        if index is None or row.replied_at is None:
            continue
        replied = row.replied_at if row.replied_at.tzinfo else row.replied_at.replace(tzinfo=UTC)
        started = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
        waits[index].append((replied - started).total_seconds() / 3600)
    return [round(statistics.median(w), 1) if w else None for w in waits]


# ---- the report -------------------------------------------------------------------------


def build_report(service: FosteringService, today: date) -> Report:
    """Every figure for the twelve months up to `today` (a London date)."""
    window = Window.ending(today)
    enquiries = _enquiries(service, window)

    event_rows = _bookings(service, window, EVENT_KIND)
    event_booked = _counts(window, (r.created_at for r in event_rows))
    event_attended = _counts(window, (r.starts_at for r in event_rows if r.attended))
    visits = _visits_done(service, window)
    progressed = _progressed(service, window)
    started, completed, on_time = _assessments(service, window)

    households = _households(service, window)
    approvals = {
        carer_type: _counts(
            window, (h.approved_on for h in households if h.carer_type == carer_type)
        )
        for carer_type in CarerType
    }
    signed_off = [h for h in households if h.signed_off_on is not None]
    tsds_done = _counts(window, (h.signed_off_on for h in signed_off))
    tsds_on_time = _counts(
        window, (h.signed_off_on for h in signed_off if h.signed_off_on <= deadline(h))
    )
    leaving = _carers_leaving(service, window)

    training_rows = _bookings(service, window, TRAINING_KIND)
    training_attended = _counts(window, (r.starts_at for r in training_rows if r.attended))
    modules = _modules(service, window)

    stages = _complaint_stages(service, window)
    messages = _young_peoples_messages(service, window)
    replies = _first_replies(service, window)
    conversations = _counts(window, (r.created_at for r in replies))
    replied = _counts(window, (r.created_at for r in replies if r.replied_at is not None))

    weeks = service.assessment_target_weeks
    recruitment = Section(
        "recruitment",
        _l("Recruitment"),
        [
            Figure(
                "enquiries",
                _l("Enquiries"),
                _l("Enquiries received each month."),
                [Series("enquiries", _l("Enquiries"), enquiries)],
            ),
            Figure(
                "information-events",
                _l("Information events"),
                _l(
                    "Places booked at 'Find out about Fostering' events in the month the "
                    "booking was made (waiting list included), and bookings marked as "
                    "attended in the month of the event."
                ),
                [
                    Series("booked", _l("Bookings made"), event_booked),
                    Series("attended", _l("Attended"), event_attended),
                ],
            ),
            Figure(
                "initial-visits",
                _l("Initial visits done"),
                _l("Initial visits with a written record, in the month of the visit."),
                [Series("visits", _l("Initial visits"), visits)],
            ),
            Figure(
                "progressed",
                _l("Progressed to assessment"),
                _l("Households the decision meeting progressed to assessment."),
                [Series("progressed", _l("Progressed"), progressed)],
            ),
            Figure(
                "assessments",
                _l("Assessments"),
                _l(
                    "Assessments allocated to a social worker, and assessments completed: "
                    "all of them, and those completed within %(weeks)s weeks of "
                    "allocation (the service's target).",
                    weeks=weeks,
                ),
                [
                    Series("started", _l("Started"), started),
                    Series("completed", _l("Completed"), completed),
                    Series("within-target", _l("Within %(weeks)s weeks", weeks=weeks), on_time),
                ],
            ),
            Figure(
                "approvals",
                _l("Approvals by carer type"),
                _l("Households approved as foster carers, by the kind of approval."),
                [
                    Series(carer_type.value, CARER_TYPE_LABELS[carer_type], values)
                    for carer_type, values in approvals.items()
                ],
                stacked=True,
            ),
        ],
    )
    carers = Section(
        "carers",
        _l("Keeping and developing carers"),
        [
            Figure(
                "carers-leaving",
                _l("Carers leaving"),
                _l(
                    "Approved carers whose account was closed (disabled), in the month the "
                    "audit log records it."
                ),
                [Series("leaving", _l("Carers leaving"), leaving)],
            ),
            Figure(
                "tsds",
                _l("TSDS workbooks signed off"),
                _l(
                    "Training, Support and Development Standards workbooks signed off, and "
                    "those signed off by their deadline (12 months from approval, 18 for "
                    "family and friends carers)."
                ),
                [
                    Series("signed-off", _l("Signed off"), tsds_done),
                    Series("on-time", _l("By the deadline"), tsds_on_time),
                ],
            ),
            Figure(
                "training",
                _l("Training attendance"),
                _l(
                    "Places at training sessions marked as attended, in the month of the "
                    "session, and online modules carers completed."
                ),
                [
                    Series("attended", _l("Session places attended"), training_attended),
                    Series("modules", _l("Online modules completed"), modules),
                ],
            ),
        ],
    )
    complaints = Section("complaints", _l("Complaints"), [])
    for number in STAGES:
        of_stage = [s for s in stages if s.number == number]
        complaints.figures.append(
            Figure(
                f"complaints-stage-{number}",
                _l("Complaints answered at stage %(number)s", number=number),
                _l(
                    "Stage %(number)s responses, in the month they were sent, and those sent "
                    "by the due day (for stage 3, the review panel met by it).",
                    number=number,
                ),
                [
                    Series(
                        "answered",
                        _l("Answered"),
                        _counts(window, (s.responded_on for s in of_stage)),
                    ),
                    Series(
                        "in-time",
                        _l("In time"),
                        _counts(window, (s.responded_on for s in of_stage if _answered_in_time(s))),
                    ),
                ],
            )
        )
    young_people = Section(
        "young-people",
        _l("Young people's messages"),
        [
            Figure(
                "young-peoples-messages",
                _l("Messages from young people"),
                _l(
                    "Messages young people sent to the Children's Rights Officers, "
                    "conversations they started, and those conversations an officer has "
                    "replied to."
                ),
                [
                    Series("messages", _l("Messages"), messages),
                    Series("conversations", _l("Conversations started"), conversations),
                    Series("replied", _l("Replied to"), replied),
                ],
            ),
            Figure(
                "first-reply",
                _l("Time to first reply"),
                _l(
                    "The median time, in hours, from a young person starting a conversation "
                    "to an officer's first reply, by the month the conversation started."
                ),
                [Series("median-hours", _l("Median hours"), _median_hours(window, replies))],
                unit="hours",
            ),
        ],
    )
    funnel = [
        FunnelStep("enquiries", _l("Enquiries"), sum(enquiries)),
        FunnelStep("attended", _l("Attended an information event"), sum(event_attended)),
        FunnelStep("visited", _l("Had an initial visit"), sum(visits)),
        FunnelStep("progressed", _l("Progressed to assessment"), sum(progressed)),
        FunnelStep("assessed", _l("Assessment completed"), sum(completed)),
        FunnelStep("approved", _l("Approved"), sum(sum(v) for v in approvals.values())),
    ]
    return Report(window, [recruitment, carers, complaints, young_people], funnel)


def csv_rows(report: Report) -> list[list]:
    """One row per month per measure: month, part month, figure, measure, label, value."""
    rows = []
    for figure in report.figures:
        for series in figure.series:
            for index, month in enumerate(report.window.months):
                value = series.values[index]
                rows.append(
                    [
                        month.strftime("%Y-%m"),
                        "yes" if report.window.is_partial(index) else "no",
                        figure.key,
                        series.key,
                        str(series.label),
                        "" if value is None else value,
                    ]
                )
    return rows
