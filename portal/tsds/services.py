"""TSDS rules: which set a household works on, its deadline in calendar months from
approval, its progress, the evidence cycle (draft, sent, returned, accepted), the social
workers' lists and the reminders before the deadline."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.accounts.models import CarerType, Role, User
from portal.bookings.models import Booking, Occasion
from portal.core import audit, outbox, uploads
from portal.core.extensions import db
from portal.core.jobs import register_job
from portal.core.times import london_today
from portal.organisation.models import FosteringService
from portal.training.models import TrainingSession
from portal.tsds.models import (
    Evidence,
    EvidenceStatus,
    Household,
    HouseholdMember,
    SetKey,
    Standard,
    StandardOutcome,
    StandardSet,
)
from portal.tsds.standards import SETS

REVIEWER_ROLES = (Role.SUPERVISING_SOCIAL_WORKER, Role.SERVICE_MANAGER)
MONTHS_TO_COMPLETE = {CarerType.FAMILY_AND_FRIENDS: 18}
DEFAULT_MONTHS = 12
AT_RISK_MONTHS = 3
AT_RISK_SHARE = 0.75
EVIDENCE_MAX = 5000


class NotAllowed(Exception):
    """The step does not fit the evidence's state."""


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, or the month's last day if it has no
    such day (31 August plus 18 months is 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def set_key_for(carer_type: CarerType) -> SetKey:
    """The set that fits a carer type; everyone else works on the mainstream set."""
    return {
        CarerType.FAMILY_AND_FRIENDS: SetKey.FAMILY_AND_FRIENDS,
        CarerType.SHORT_BREAK: SetKey.SHORT_BREAK,
    }.get(carer_type, SetKey.MAINSTREAM)


def deadline(household: Household) -> date:
    """12 calendar months from approval, 18 for family and friends carers."""
    months = MONTHS_TO_COMPLETE.get(household.carer_type, DEFAULT_MONTHS)
    return add_months(household.approved_on, months)


# ---- sets, households ------------------------------------------------------------------


def ensure_standard_sets(service: FosteringService) -> dict[SetKey, StandardSet]:
    """The service's sets, created from the portal's defaults the first time."""
    existing = {
        s.key: s
        for s in db.session.scalars(select(StandardSet).where(StandardSet.service_id == service.id))
    }
    for key, (name, standards) in SETS.items():
        if key in existing:
            continue
        standard_set = StandardSet(service_id=service.id, key=key, name=name)
        for number, (title, outcomes) in enumerate(standards, start=1):
            standard = Standard(number=number, title=title)
            standard.outcomes = [
                StandardOutcome(number=n, text=text) for n, text in enumerate(outcomes, start=1)
            ]
            standard_set.standards.append(standard)
        db.session.add(standard_set)
        existing[key] = standard_set
    db.session.flush()
    return existing


def create_household(
    service: FosteringService,
    *,
    name: str,
    carers: list[User],
    carer_type: CarerType,
    approved_on: date,
    social_worker: User | None = None,
) -> Household:
    """A household of one or two carers with the set that fits their approval."""
    sets = ensure_standard_sets(service)
    household = Household(
        service_id=service.id,
        name=name,
        carer_type=carer_type,
        approved_on=approved_on,
        set_id=sets[set_key_for(carer_type)].id,
        social_worker_id=social_worker.id if social_worker else None,
    )
    household.members = [HouseholdMember(user_id=carer.id) for carer in carers]
    db.session.add(household)
    db.session.commit()
    return household


def household_of(user: User) -> Household | None:
    """The household a carer belongs to."""
    return db.session.scalar(
        select(Household)
        .join(HouseholdMember)
        .where(HouseholdMember.user_id == user.id, Household.service_id == user.service_id)
    )


def can_choose_mainstream(household: Household) -> bool:
    """A carer on another set may move to the mainstream set before anything is accepted."""
    if household.standard_set.key == SetKey.MAINSTREAM:
        return False
    return not db.session.scalar(
        select(func.count(Evidence.id)).where(
            Evidence.household_id == household.id, Evidence.status == EvidenceStatus.ACCEPTED
        )
    )


def choose_mainstream(household: Household, *, by: User) -> None:
    """Work on the mainstream set instead; evidence written so far is set aside."""
    if not can_choose_mainstream(household):
        raise NotAllowed
    sets = ensure_standard_sets(db.session.get(FosteringService, household.service_id))
    household.set_id = sets[SetKey.MAINSTREAM].id
    audit.record("tsds.set_changed", household, actor=by, to=SetKey.MAINSTREAM.value)
    db.session.commit()


def standards_of(household: Household) -> list[Standard]:
    """The household's standards with their outcomes, in two queries."""
    return list(
        db.session.scalars(
            select(Standard)
            .where(Standard.set_id == household.set_id)
            .options(selectinload(Standard.outcomes))
            .order_by(Standard.number)
        )
    )


def outcome_for(household: Household, outcome_id: int) -> StandardOutcome | None:
    """An outcome of the household's own set, or None."""
    outcome = db.session.get(StandardOutcome, outcome_id)
    if outcome is None or outcome.standard.set_id != household.set_id:
        return None
    return outcome


# ---- progress --------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """How far a household has got."""

    accepted: int
    total: int
    deadline: date
    days_left: int

    @property
    def percent(self) -> int:
        return round(100 * self.accepted / self.total) if self.total else 0

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.accepted == self.total

    @property
    def at_risk(self) -> bool:
        """Overdue, or under three months left with under 75 % accepted."""
        if self.is_complete:
            return False
        if self.days_left < 0:
            return True
        today = self.deadline - timedelta(days=self.days_left)
        three_months_before = add_months(self.deadline, -AT_RISK_MONTHS)
        return today >= three_months_before and self.accepted < AT_RISK_SHARE * self.total


def evidence_of(household: Household) -> dict[int, Evidence]:
    """The household's evidence by outcome id."""
    rows = db.session.scalars(select(Evidence).where(Evidence.household_id == household.id))
    return {e.outcome_id: e for e in rows}


def accepted_by_standard(standards: list[Standard], evidence: dict) -> dict[int, int]:
    """How many of each standard's outcomes have accepted evidence, by standard id."""
    return {
        standard.id: sum(
            1
            for o in standard.outcomes
            if o.id in evidence and evidence[o.id].status == EvidenceStatus.ACCEPTED
        )
        for standard in standards
    }


def progress(household: Household, standards: list[Standard], evidence, today: date) -> Progress:
    """Accepted outcomes against the set's, and the days left."""
    outcome_ids = {o.id for s in standards for o in s.outcomes}
    accepted = sum(
        1
        for outcome_id, e in evidence.items()
        if outcome_id in outcome_ids and e.status == EvidenceStatus.ACCEPTED
    )
    due = deadline(household)
    return Progress(accepted, len(outcome_ids), due, (due - today).days)


def progress_by_household(service: FosteringService, today: date, households) -> dict:
    """Progress for many households in two queries, however many there are."""
    totals = dict(
        db.session.execute(
            select(Standard.set_id, func.count(StandardOutcome.id))
            .join(StandardOutcome)
            .join(StandardSet, StandardSet.id == Standard.set_id)
            .where(StandardSet.service_id == service.id)
            .group_by(Standard.set_id)
        ).all()
    )
    accepted = dict(
        db.session.execute(
            select(Evidence.household_id, func.count(Evidence.id))
            .join(StandardOutcome, StandardOutcome.id == Evidence.outcome_id)
            .join(Standard, Standard.id == StandardOutcome.standard_id)
            .join(Household, Household.id == Evidence.household_id)
            .where(
                Evidence.service_id == service.id,
                Evidence.status == EvidenceStatus.ACCEPTED,
                Standard.set_id == Household.set_id,
            )
            .group_by(Evidence.household_id)
        ).all()
    )
    result = {}
    for household in households:
        due = deadline(household)
        result[household.id] = Progress(
            accepted.get(household.id, 0),
            totals.get(household.set_id, 0),
            due,
            (due - today).days,
        )
    return result


def attended_sessions(household: Household) -> list[TrainingSession]:
    """Training sessions any of the household's carers went to, newest first."""
    members = select(HouseholdMember.user_id).where(HouseholdMember.household_id == household.id)
    return list(
        db.session.scalars(
            select(TrainingSession)
            .join(Booking, Booking.occasion_id == TrainingSession.occasion_id)
            .join(Occasion, Occasion.id == TrainingSession.occasion_id)
            .where(
                TrainingSession.service_id == household.service_id,
                Booking.user_id.in_(members),
                Booking.attended.is_(True),
            )
            .order_by(Occasion.starts_at.desc())
        ).unique()
    )


# ---- evidence --------------------------------------------------------------------------


def save_evidence(
    household: Household,
    outcome: StandardOutcome,
    *,
    text: str,
    by: User,
    send: bool,
    now: datetime,
    upload: tuple[bytes, uploads.Kind] | None = None,
    remove_file: bool = False,
    session_ids: list[int] | None = None,
) -> Evidence:
    """Save a draft, or send it to the social worker; accepted evidence cannot change.
    A new file replaces the old one."""
    evidence = db.session.scalar(
        select(Evidence).where(
            Evidence.household_id == household.id, Evidence.outcome_id == outcome.id
        )
    )
    if evidence is None:
        evidence = Evidence(
            service_id=household.service_id, household_id=household.id, outcome_id=outcome.id
        )
        db.session.add(evidence)
    elif evidence.status == EvidenceStatus.ACCEPTED:
        raise NotAllowed
    evidence.text = text.strip()
    if upload is not None or remove_file:
        uploads.remove(evidence.file_key)
        evidence.file_key = evidence.file_kind = evidence.file_size = None
    if upload is not None:
        data, kind = upload
        evidence.file_key = uploads.store(data, kind, service_id=household.service_id)
        evidence.file_kind = kind.extension
        evidence.file_size = len(data)
    if session_ids is not None:
        # Only sessions the household went to can back it up.
        evidence.sessions = [s for s in attended_sessions(household) if s.id in set(session_ids)]
    evidence.written_by_id = by.id
    evidence.updated_at = now
    if send:
        evidence.status = EvidenceStatus.SUBMITTED
        evidence.submitted_at = now
    elif evidence.status != EvidenceStatus.RETURNED:
        evidence.status = EvidenceStatus.DRAFT
    db.session.commit()
    return evidence


def evidence_for(service: FosteringService, evidence_id: int) -> Evidence | None:
    """A piece of evidence of this service."""
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or evidence.service_id != service.id:
        return None
    return evidence


def review(evidence: Evidence, *, accept: bool, comment: str, by: User, now: datetime) -> None:
    """Accept the evidence, or return it with a comment the carers see."""
    if evidence.status != EvidenceStatus.SUBMITTED:
        raise NotAllowed
    evidence.status = EvidenceStatus.ACCEPTED if accept else EvidenceStatus.RETURNED
    evidence.comment = "" if accept else comment.strip()
    evidence.reviewed_at = now
    evidence.reviewed_by_id = by.id
    audit.record("tsds.reviewed", evidence, actor=by, accepted=accept)
    household = evidence.household
    service = db.session.get(FosteringService, household.service_id)
    for member in household.members:
        outbox.enqueue(
            to=member.user.email,
            template="tsds_reviewed",
            locale=member.user.locale,
            service=service,
            name=member.user.name,
            accepted=accept,
            label=evidence.outcome.label,
            link=url_for(
                "tsds.outcome", service=service.slug, outcome_id=evidence.outcome_id, _external=True
            ),
        )
    db.session.commit()


def household_for(service: FosteringService, household_id: int) -> Household | None:
    """A household of this service."""
    household = db.session.get(Household, household_id)
    if household is None or household.service_id != service.id:
        return None
    return household


def sign_off(household: Household, *, by: User, now: datetime) -> None:
    """The manager signs the workbook off once every outcome is accepted."""
    standards = standards_of(household)
    done = progress(household, standards, evidence_of(household), london_today(now))
    if household.signed_off_on is not None or not done.is_complete:
        raise NotAllowed
    household.signed_off_on = london_today(now)
    household.signed_off_by_id = by.id
    audit.record("tsds.signed_off", household, actor=by)
    service = db.session.get(FosteringService, household.service_id)
    for member in household.members:
        outbox.enqueue(
            to=member.user.email,
            template="tsds_signed_off",
            locale=member.user.locale,
            service=service,
            name=member.user.name,
            link=url_for("tsds.workbook", service=service.slug, _external=True),
        )
    db.session.commit()


# ---- the social workers' lists ---------------------------------------------------------


def households_for(service: FosteringService, social_worker: User | None = None):
    """The service's households (or one worker's), with their set, by name."""
    query = (
        select(Household)
        .where(Household.service_id == service.id)
        .options(selectinload(Household.standard_set), selectinload(Household.social_worker))
        .order_by(Household.name, Household.id)
    )
    if social_worker is not None:
        query = query.where(Household.social_worker_id == social_worker.id)
    return list(db.session.scalars(query))


def waiting_for_review(service: FosteringService, social_worker: User | None = None):
    """Evidence sent for review, oldest first."""
    query = (
        select(Evidence)
        .join(Household)
        .where(Evidence.service_id == service.id, Evidence.status == EvidenceStatus.SUBMITTED)
        .options(
            selectinload(Evidence.household),
            selectinload(Evidence.outcome).selectinload(StandardOutcome.standard),
        )
        .order_by(Evidence.submitted_at, Evidence.id)
    )
    if social_worker is not None:
        query = query.where(Household.social_worker_id == social_worker.id)
    return list(db.session.scalars(query))


# ---- reminders -------------------------------------------------------------------------


def reminder_level(household: Household, today: date) -> int:
    """How many of the three reminder points (3 months, 1 month, 1 week before) have come."""
    due = deadline(household)
    points = [add_months(due, -3), add_months(due, -1), due - timedelta(days=7)]
    return sum(1 for point in points if today >= point)


def send_reminders(now: datetime) -> int:
    """Remind unfinished households as each point comes; never twice in one week."""
    today = london_today(now)
    sent = 0
    # The first reminder comes 9 months after approval at the earliest: nobody newer is read.
    earliest = add_months(today, -(DEFAULT_MONTHS - 3))
    candidates = db.session.scalars(
        select(Household)
        .where(
            Household.signed_off_on.is_(None),
            Household.reminders_sent < 3,
            Household.approved_on <= earliest,
        )
        .options(selectinload(Household.members).selectinload(HouseholdMember.user))
    )
    for household in candidates:
        level = reminder_level(household, today)
        recent = household.last_reminder_on and today - household.last_reminder_on < timedelta(
            days=7
        )
        if level <= household.reminders_sent or recent:
            continue
        service = db.session.get(FosteringService, household.service_id)
        due = deadline(household)
        for member in household.members:
            outbox.enqueue(
                to=member.user.email,
                template="tsds_reminder",
                locale=member.user.locale,
                service=service,
                name=member.user.name,
                deadline=due,
                link=url_for("tsds.workbook", service=service.slug, _external=True),
            )
        household.reminders_sent = level
        household.last_reminder_on = today
        sent += 1
    db.session.commit()
    return sent


register_job("tsds.send_reminders", send_reminders)
