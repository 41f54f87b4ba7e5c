"""Assessment rules: allocation, stage 1 checks (the two-referee rule), stage 2 sessions,
completion to panel, and the week count against the service's targets."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import Role, User, UserRole
from portal.applications import services as applications
from portal.applications.models import Application, Stage
from portal.assessments.models import (
    REFEREES_NEEDED,
    SINGLE_CHECKS,
    Assessment,
    AssessmentCheck,
    AssessmentSession,
    CheckKind,
)
from portal.core import audit
from portal.core.extensions import db
from portal.organisation.models import FosteringService

STAFF_ROLES = (Role.SERVICE_MANAGER, Role.ASSESSING_SOCIAL_WORKER)
SORTS = ("overdue", "weeks", "due", "name")
CHECKS_NEEDED = len(SINGLE_CHECKS) + REFEREES_NEEDED


class NotAllowed(Exception):
    """The change is not allowed in the assessment's present state."""


def target_on(assessment: Assessment, service: FosteringService) -> date:
    """The day the assessment should be complete by (the service's target in weeks)."""
    return assessment.allocated_on + timedelta(weeks=service.assessment_target_weeks)


def panel_due_on(application: Application, service: FosteringService) -> date:
    """The day the panel recommendation is due: the service's months after the application."""
    return add_months(application.decided_on, service.panel_due_months)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it is shorter."""
    years, month = divmod(day.month - 1 + months, 12)
    year = day.year + years
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def weeks_since(assessment: Assessment, today: date) -> int:
    """Whole weeks from allocation to completion (or today, while it is open)."""
    end = assessment.completed_on or today
    return max((end - assessment.allocated_on).days // 7, 0)


def is_open(assessment: Assessment) -> bool:
    """Still being assessed: not complete, and the application neither withdrawn nor on."""
    return assessment.completed_on is None and assessment.application.stage == Stage.ASSESSMENT


def checks_done(assessment: Assessment) -> int:
    """Stage 1 checks done, counting at most the referees needed."""
    singles = sum(1 for c in assessment.checks if c.kind != CheckKind.REFEREE and c.done_on)
    referees = sum(1 for c in assessment.checks if c.kind == CheckKind.REFEREE and c.done_on)
    return singles + min(referees, REFEREES_NEEDED)


def stage_one_complete(assessment: Assessment) -> bool:
    """Every single check done and at least two referees interviewed."""
    return checks_done(assessment) >= CHECKS_NEEDED


@dataclass
class Row:
    """One assessment in the staff list, with its counts against the targets."""

    assessment: Assessment
    weeks: int
    target_on: date
    panel_due_on: date
    done: int
    is_overdue: bool


def rows(service: FosteringService, today: date, sort: str = "overdue") -> list[Row]:
    """Every assessment of the service with its week count; two queries however many."""
    assessments = db.session.scalars(
        select(Assessment)
        .where(Assessment.service_id == service.id)
        .options(
            joinedload(Assessment.application),
            joinedload(Assessment.assessor),
            selectinload(Assessment.checks),
        )
    ).unique()
    found = [
        Row(
            assessment=a,
            weeks=weeks_since(a, today),
            target_on=target_on(a, service),
            panel_due_on=panel_due_on(a.application, service),
            done=checks_done(a),
            is_overdue=is_open(a) and today > target_on(a, service),
        )
        for a in assessments
    ]
    keys = {
        "weeks": lambda r: (-r.weeks, r.assessment.id),
        "due": lambda r: (r.panel_due_on, r.assessment.id),
        "name": lambda r: (r.assessment.application.name.lower(), r.assessment.id),
        "overdue": lambda r: (not r.is_overdue, -r.weeks, r.assessment.id),
    }
    return sorted(found, key=keys.get(sort, keys["overdue"]))


def to_allocate(service: FosteringService) -> list[Application]:
    """Applications at assessment with no assessor yet, oldest decision first."""
    return list(
        db.session.scalars(
            select(Application)
            .outerjoin(Assessment, Assessment.application_id == Application.id)
            .where(
                Application.service_id == service.id,
                Application.stage == Stage.ASSESSMENT,
                Assessment.id.is_(None),
            )
            .order_by(Application.decided_on, Application.id)
        )
    )


def assessors(service: FosteringService) -> list[User]:
    """The service's assessing social workers, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                User.service_id == service.id,
                UserRole.role == Role.ASSESSING_SOCIAL_WORKER,
                User.is_disabled.is_(False),
            )
            .order_by(User.name, User.id)
        ).unique()
    )


def _of_service(model, service: FosteringService, row_id: int):
    row = db.session.get(model, row_id)
    return row if row is not None and row.service_id == service.id else None


def application_to_allocate(service: FosteringService, application_id: int) -> Application | None:
    """An application of this service, to allocate an assessor to."""
    return _of_service(Application, service, application_id)


def assessment_for(service: FosteringService, assessment_id: int) -> Assessment | None:
    """An assessment of this service."""
    return _of_service(Assessment, service, assessment_id)


def can_edit(assessment: Assessment, user: User) -> bool:
    """The assessor edits their own assessment; the service manager any."""
    return user.has_role(Role.SERVICE_MANAGER) or assessment.assessor_id == user.id


def allocate(application: Application, assessor: User, *, by: User, now: datetime, today: date):
    """Give the application an assessing social worker, who becomes its worker."""
    if application.stage != Stage.ASSESSMENT:
        raise NotAllowed
    exists = db.session.scalar(
        select(Assessment.id).where(Assessment.application_id == application.id)
    )
    if exists is not None:
        raise NotAllowed
    assessment = Assessment(
        application=application,
        service_id=application.service_id,
        assessor_id=assessor.id,
        allocated_on=today,
        allocated_by_id=by.id,
        created_at=now,
        checks=[AssessmentCheck(kind=kind) for kind in SINGLE_CHECKS],
    )
    db.session.add(assessment)
    application.worker_id = assessor.id
    application.updated_at = now
    try:
        audit.record("assessment.allocated", assessment, actor=by, assessor=assessor.id)
        db.session.commit()
    except IntegrityError:  # allocated by someone else at the same moment
        db.session.rollback()
        raise NotAllowed from None
    return assessment


def open_checks(assessment: Assessment) -> list[AssessmentCheck]:
    """Checks not done yet, in the order they were added."""
    return [c for c in assessment.checks if c.done_on is None]


def record_check(assessment: Assessment, check_id: int, *, done_on: date, note: str, by: User):
    """Mark one stage 1 check done on a day."""
    check = next((c for c in open_checks(assessment) if c.id == check_id), None)
    if not is_open(assessment) or check is None:
        raise NotAllowed
    check.done_on = done_on
    check.note = note
    audit.record(
        "assessment.check-done", assessment, actor=by, kind=check.kind.value, check=check.id
    )
    db.session.commit()


def add_referee(assessment: Assessment, name: str, *, by: User) -> None:
    """A personal referee to interview."""
    if not is_open(assessment):
        raise NotAllowed
    assessment.checks.append(AssessmentCheck(kind=CheckKind.REFEREE, name=name))
    audit.record("assessment.referee-added", assessment, actor=by)
    db.session.commit()


def add_session(assessment: Assessment, held_on: date, topic: str, *, by: User) -> None:
    """A stage 2 session held with the household."""
    if not is_open(assessment):
        raise NotAllowed
    assessment.sessions.append(AssessmentSession(held_on=held_on, topic=topic))
    audit.record("assessment.session-added", assessment, actor=by)
    db.session.commit()


def complete(assessment: Assessment, *, by: User, now: datetime, today: date) -> None:
    """Stage 1 done: the assessment is complete and the application goes to panel."""
    if not is_open(assessment) or not stage_one_complete(assessment):
        raise NotAllowed
    assessment.completed_on = today
    audit.record("assessment.completed", assessment, actor=by)
    # The move commits, so the completion and the stage change land together.
    applications.move(
        assessment.application, Stage.PANEL, by=by, now=now, note="Assessment complete"
    )
