"""Panel rules: panel dates in the future, papers due a number of working days before,
the panel's recommendation once it has met, and the agency decision maker's decision
within the service's working days, which approves the household or explains its rights."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import CarerType, Role, User, UserRole
from portal.accounts.services import find_user
from portal.applications import services as applications
from portal.applications.models import Application, Stage
from portal.assessments.models import Assessment
from portal.core import audit, outbox
from portal.core.extensions import db
from portal.core.working_days import add_working_days, subtract_working_days
from portal.organisation.models import FosteringService
from portal.panels.models import Outcome, Panel, PanelCase
from portal.tsds import services as tsds

PANEL_ROLES = (Role.SERVICE_MANAGER, Role.RECRUITMENT, Role.ASSESSING_SOCIAL_WORKER)
RECOMMENDATION_ROLES = (Role.SERVICE_MANAGER, Role.RECRUITMENT)
# The agency decision maker is the service manager's role here.
DECISION_ROLES = (Role.SERVICE_MANAGER,)


class NotAllowed(Exception):
    """The change is not allowed in the case's present state."""


class NoAccount(Exception):
    """The household has no account to turn into an approved carer's."""


def papers_due_on(panel: Panel, service: FosteringService) -> date:
    """The last day the papers can reach the panel members."""
    return subtract_working_days(panel.meets_on, service.panel_papers_working_days)


def decision_due_on(case: PanelCase, service: FosteringService) -> date | None:
    """The day the agency decision maker's decision is due, once the panel has recommended."""
    if case.recommended_on is None:
        return None
    return add_working_days(case.recommended_on, service.decision_working_days)


def review_by(case: PanelCase, service: FosteringService) -> date | None:
    """The last day to ask for a review of a 'not approved' decision (calendar days)."""
    if case.decided_on is None:
        return None
    return case.decided_on + timedelta(days=service.review_days)


def papers_are_late(case: PanelCase, service: FosteringService) -> bool:
    """Sent after the day they were due."""
    due = papers_due_on(case.panel, service)
    return case.papers_sent_on is not None and case.papers_sent_on > due


# ---- panel dates -----------------------------------------------------------------------


def _of_service(model, service: FosteringService, row_id: int):
    row = db.session.get(model, row_id)
    return row if row is not None and row.service_id == service.id else None


def panel_for(service: FosteringService, panel_id: int) -> Panel | None:
    """A panel of this service."""
    return _of_service(Panel, service, panel_id)


def case_for(service: FosteringService, case_id: int) -> PanelCase | None:
    """A panel case of this service."""
    return _of_service(PanelCase, service, case_id)


def application_to_book(service: FosteringService, application_id: int) -> Application | None:
    """An application of this service, to book onto a panel."""
    return _of_service(Application, service, application_id)


def case_of(application: Application) -> PanelCase | None:
    """The panel case an application has, if it has been booked."""
    return db.session.scalar(
        select(PanelCase)
        .where(PanelCase.application_id == application.id)
        .options(joinedload(PanelCase.panel))
    )


def add_panel(service: FosteringService, meets_on: date, notes: str, *, by: User, today: date):
    """A new panel date; it must be in the future and not one the service already has."""
    if meets_on <= today:
        raise NotAllowed
    panel = Panel(
        service_id=service.id, meets_on=meets_on, notes=notes.strip(), created_by_id=by.id
    )
    db.session.add(panel)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise NotAllowed from None
    audit.record("panel.added", panel, service=service, actor=by, meets_on=meets_on.isoformat())
    db.session.commit()
    return panel


def bookable_panels(service: FosteringService, today: date) -> list[Panel]:
    """Panels whose papers can still reach the members in time, soonest first."""
    panels = db.session.scalars(
        select(Panel)
        .where(Panel.service_id == service.id, Panel.meets_on > today)
        .order_by(Panel.meets_on)
    )
    return [p for p in panels if papers_due_on(p, service) >= today]


@dataclass
class PanelRow:
    """A panel with its cases and the day its papers are due."""

    panel: Panel
    papers_due_on: date
    cases: list[PanelCase]


def upcoming(service: FosteringService, today: date) -> list[PanelRow]:
    """Panels from today on with their cases; three queries however many."""
    panels = db.session.scalars(
        select(Panel)
        .where(Panel.service_id == service.id, Panel.meets_on >= today)
        .options(selectinload(Panel.cases).joinedload(PanelCase.application))
        .order_by(Panel.meets_on)
    )
    return [PanelRow(p, papers_due_on(p, service), list(p.cases)) for p in panels]


def to_book(service: FosteringService) -> list[Application]:
    """Applications at panel stage with no panel date yet, oldest decision first."""
    return list(
        db.session.scalars(
            select(Application)
            .outerjoin(PanelCase, PanelCase.application_id == Application.id)
            .where(
                Application.service_id == service.id,
                Application.stage == Stage.PANEL,
                PanelCase.id.is_(None),
            )
            .order_by(Application.decided_on, Application.id)
        )
    )


def book(application: Application, panel: Panel, *, by: User, now: datetime, today: date):
    """Put an application before a panel whose papers are not yet due."""
    service = db.session.get(FosteringService, application.service_id)
    if (
        application.stage != Stage.PANEL
        or panel.service_id != application.service_id
        or panel.meets_on <= today
        or papers_due_on(panel, service) < today
    ):
        raise NotAllowed
    case = PanelCase(
        service_id=service.id,
        application_id=application.id,
        panel_id=panel.id,
        booked_by_id=by.id,
        booked_at=now,
    )
    db.session.add(case)
    try:
        db.session.flush()
    except IntegrityError:  # booked by someone else at the same moment
        db.session.rollback()
        raise NotAllowed from None
    audit.record("panel.booked", application, service=service, actor=by, panel=panel.id)
    user = _account(application, service)
    outbox.enqueue(
        to=application.email,
        template="panel_booked",
        locale=(user.locale if user else None) or application.visit_booking.locale,
        service=service,
        name=application.name,
        meets_on=panel.meets_on,
        link=url_for("applications.tracker", service=service.slug, _external=True),
    )
    db.session.commit()
    return case


def move_panel(case: PanelCase, panel: Panel, *, by: User, today: date) -> None:
    """Move a case not yet heard to another panel whose papers are not yet due."""
    service = db.session.get(FosteringService, case.service_id)
    if (
        case.recommendation is not None
        or panel.service_id != case.service_id
        or papers_due_on(panel, service) < today
    ):
        raise NotAllowed
    was = case.panel_id
    case.panel_id = panel.id
    case.panel = panel
    audit.record(
        "panel.moved", case.application, service=service, actor=by, panel=panel.id, was=was
    )
    db.session.commit()


def record_papers(case: PanelCase, sent_on: date, *, by: User) -> None:
    """The day the papers went to the panel members."""
    if case.recommendation is not None:
        raise NotAllowed
    case.papers_sent_on = sent_on
    audit.record("panel.papers-sent", case.application, actor=by, on=sent_on.isoformat())
    db.session.commit()


def recommend(
    case: PanelCase,
    recommendation: Outcome,
    *,
    carer_type: CarerType | None,
    note: str,
    on: date,
    by: User,
    now: datetime,
) -> None:
    """The panel's recommendation, once it has met and had the papers."""
    if (
        case.recommendation is not None
        or case.papers_sent_on is None
        or on < case.panel.meets_on
        or case.application.stage != Stage.PANEL
    ):
        raise NotAllowed
    case.recommendation = recommendation
    case.carer_type = carer_type if recommendation == Outcome.APPROVE else None
    case.recommendation_note = note.strip()
    case.recommended_on = on
    audit.record(
        "panel.recommended", case.application, actor=by, recommendation=recommendation.value
    )
    case.application.updated_at = now
    db.session.commit()


# ---- the agency decision maker ---------------------------------------------------------


@dataclass
class DecisionRow:
    """A recommendation waiting for the agency decision maker."""

    case: PanelCase
    due_on: date
    is_overdue: bool


def decisions_to_make(service: FosteringService, today: date) -> list[DecisionRow]:
    """Recommendations with no decision yet, overdue first then by due date; one query."""
    cases = db.session.scalars(
        select(PanelCase)
        .where(
            PanelCase.service_id == service.id,
            PanelCase.recommendation.is_not(None),
            PanelCase.decision.is_(None),
        )
        .options(joinedload(PanelCase.application), joinedload(PanelCase.panel))
    )
    found = []
    for case in cases:
        due = decision_due_on(case, service)
        found.append(DecisionRow(case, due, today > due))
    return sorted(found, key=lambda r: (not r.is_overdue, r.due_on, r.case.id))


def _account(application: Application, service: FosteringService) -> User | None:
    if application.user_id:
        return db.session.get(User, application.user_id)
    return find_user(service, application.email)


def decide(
    case: PanelCase,
    decision: Outcome,
    *,
    carer_type: CarerType | None,
    reasons: str,
    by: User,
    now: datetime,
    today: date,
) -> None:
    """The agency decision maker's decision. Approval makes the household's account an
    approved carer's (carer type and approval date, which starts the TSDS clock); the
    application, its steps and its paperwork stay as they were."""
    application = case.application
    service = db.session.get(FosteringService, case.service_id)
    if case.recommendation is None or case.decision is not None:
        raise NotAllowed
    if application.stage != Stage.PANEL:
        raise NotAllowed
    user = _account(application, service)
    if decision == Outcome.APPROVE and user is None:
        raise NoAccount
    case.decision = decision
    case.decided_on = today
    case.decision_reasons = reasons.strip()
    case.decided_by_id = by.id
    if decision == Outcome.APPROVE:
        carer_type = carer_type or case.carer_type or CarerType.MAINSTREAM
        case.carer_type = carer_type
        application.user_id = user.id
        user.carer_type = carer_type
        if Role.APPROVED_CARER not in user.roles:
            user.role_rows.append(UserRole(role=Role.APPROVED_CARER))
        user.role_rows = [r for r in user.role_rows if r.role != Role.PROSPECTIVE_CARER]
    audit.record("panel.decided", application, service=service, actor=by, decision=decision.value)
    to = Stage.APPROVED if decision == Outcome.APPROVE else Stage.NOT_APPROVED
    outbox.enqueue(
        to=application.email,
        template="application_approved" if to == Stage.APPROVED else "application_not_approved",
        locale=(user.locale if user else None) or application.visit_booking.locale,
        service=service,
        name=application.name,
        decided_on=today,
        review_by=review_by(case, service),
        review_days=service.review_days,
        link=url_for("applications.tracker", service=service.slug, _external=True),
    )
    # The move commits: the decision, the roles and the stage land together.
    applications.move(application, to, by=by, now=now, note=reasons.strip())
    if to == Stage.APPROVED and tsds.household_of(user) is None:
        tsds.create_household(
            service,
            name=application.name,
            carers=[user],
            carer_type=carer_type,
            approved_on=today,
            social_worker=None,
        )


def assessment_of(application: Application) -> Assessment | None:
    """The assessment behind a panel case, for its assessor and dates."""
    return db.session.scalar(
        select(Assessment)
        .where(Assessment.application_id == application.id)
        .options(joinedload(Assessment.assessor))
    )
