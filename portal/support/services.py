"""Support for approved carers: the next meetings, the service's own words, its payments."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from portal.core.audit import record
from portal.core.extensions import db
from portal.core.times import london_to_utc, london_today
from portal.organisation.models import FosteringService, Locality, Venue
from portal.support.models import (
    AllowanceLevel,
    PaymentKind,
    SupportGroup,
    SupportInformation,
    SupportMeeting,
)

# How many dates the carers' page shows for each group, and for the Forum.
NEXT_GROUP_MEETINGS = 3
NEXT_FORUM_MEETINGS = 4
MAX_REPEATS = 12


class DuplicateLevel(ValueError):
    """The service already has a level with that name."""


@dataclass
class MeetingDetails:
    """What staff say about a meeting (or the first of a run of them)."""

    locality: Locality | None  # None for the Foster Carers Forum
    day: date
    starts: time
    ends: time
    venue: Venue | None
    is_online: bool
    every_months: int = 0  # 0: just this date
    times: int = 1


@dataclass
class GroupMeetings:
    """A locality's support group and its next meetings."""

    locality: Locality
    meetings: list[SupportMeeting]


@dataclass
class SupportPage:
    """Everything the carers' support page shows; empty parts are left out."""

    groups: list[GroupMeetings] = field(default_factory=list)
    forum: list[SupportMeeting] = field(default_factory=list)
    information: SupportInformation | None = None
    fees: list[AllowanceLevel] = field(default_factory=list)
    allowances: list[AllowanceLevel] = field(default_factory=list)

    @property
    def has_payments(self) -> bool:
        """There is something to put in the fees and allowances table."""
        return bool(self.fees or self.allowances)


# ---- reading ---------------------------------------------------------------------------


def next_meetings(service: FosteringService, now: datetime, per_group: int) -> list[SupportMeeting]:
    """The next `per_group` meetings of each group and of the Forum, in one query."""
    rank = (
        func.row_number()
        .over(
            partition_by=func.coalesce(SupportMeeting.group_id, 0),
            order_by=(SupportMeeting.starts_at, SupportMeeting.id),
        )
        .label("rank")
    )
    ranked = (
        select(SupportMeeting.id, rank)
        .where(SupportMeeting.service_id == service.id, SupportMeeting.starts_at > now)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(SupportMeeting)
            .join(ranked, ranked.c.id == SupportMeeting.id)
            .where(ranked.c.rank <= per_group)
            .order_by(SupportMeeting.starts_at, SupportMeeting.id)
        )
    )


def _by_group(meetings: list[SupportMeeting]) -> tuple[list[GroupMeetings], list[SupportMeeting]]:
    groups: dict[int, GroupMeetings] = {}
    forum = []
    for meeting in meetings:
        if meeting.group is None:
            forum.append(meeting)
            continue
        entry = groups.setdefault(meeting.group_id, GroupMeetings(meeting.group.locality, []))
        entry.meetings.append(meeting)
    return sorted(groups.values(), key=lambda g: g.locality.name), forum


def find_information(service: FosteringService) -> SupportInformation | None:
    """The service's own words for carers, if staff have written any."""
    return db.session.scalar(
        select(SupportInformation).where(SupportInformation.service_id == service.id)
    )


def payment_levels(service: FosteringService) -> list[AllowanceLevel]:
    """Every fee and allowance level, lowest amount first."""
    return list(
        db.session.scalars(
            select(AllowanceLevel)
            .where(AllowanceLevel.service_id == service.id)
            .order_by(AllowanceLevel.weekly_amount, AllowanceLevel.name)
        )
    )


def fees_and_allowances(
    service: FosteringService,
) -> tuple[list[AllowanceLevel], list[AllowanceLevel]]:
    """The service's fee levels and its allowance levels, each lowest amount first."""
    levels = payment_levels(service)
    return (
        [level for level in levels if level.kind == PaymentKind.FEE],
        [level for level in levels if level.kind == PaymentKind.ALLOWANCE],
    )


def support_page(service: FosteringService, now: datetime) -> SupportPage:
    """The carers' support page: a fixed handful of queries however many meetings there are."""
    groups, forum = _by_group(
        next_meetings(service, now, max(NEXT_GROUP_MEETINGS, NEXT_FORUM_MEETINGS))
    )
    for group in groups:
        del group.meetings[NEXT_GROUP_MEETINGS:]
    fees, allowances = fees_and_allowances(service)
    return SupportPage(
        groups=groups,
        forum=forum[:NEXT_FORUM_MEETINGS],
        information=find_information(service),
        fees=fees,
        allowances=allowances,
    )


def upcoming_meetings(
    service: FosteringService, now: datetime
) -> tuple[list[GroupMeetings], list[SupportMeeting]]:
    """Every future meeting, by group, and the Forum's, for staff."""
    meetings = db.session.scalars(
        select(SupportMeeting)
        .where(SupportMeeting.service_id == service.id, SupportMeeting.starts_at > now)
        .order_by(SupportMeeting.starts_at, SupportMeeting.id)
    )
    return _by_group(list(meetings))


def find_meeting(service: FosteringService, meeting_id: int) -> SupportMeeting | None:
    """One of the service's meetings, or None (so another service's ids are not found)."""
    return db.session.scalar(
        select(SupportMeeting).where(
            SupportMeeting.id == meeting_id, SupportMeeting.service_id == service.id
        )
    )


def find_level(service: FosteringService, level_id: int) -> AllowanceLevel | None:
    """One of the service's payment levels, or None."""
    return db.session.scalar(
        select(AllowanceLevel).where(
            AllowanceLevel.id == level_id, AllowanceLevel.service_id == service.id
        )
    )


# ---- meetings --------------------------------------------------------------------------


def same_weekday_months_later(first: date, months: int) -> date:
    """The same weekday in the same week of a later month: the 2nd Tuesday stays the 2nd
    Tuesday, and a 5th one becomes the month's last."""
    week = (first.day - 1) // 7
    year, month = divmod(first.month - 1 + months, 12)
    year, month = first.year + year, month + 1
    first_of_month = date(year, month, 1)
    day = first_of_month + timedelta(days=(first.weekday() - first_of_month.weekday()) % 7)
    day += timedelta(weeks=week)
    while day.month != month:
        day -= timedelta(weeks=1)
    return day


def meeting_dates(first: date, every_months: int, times: int) -> list[date]:
    """The date of each meeting in a run (just `first` when it does not repeat)."""
    if not every_months:
        return [first]
    return [same_weekday_months_later(first, every_months * n) for n in range(times)]


def group_for(service: FosteringService, locality: Locality) -> SupportGroup:
    """The locality's support group, made the first time it has a meeting."""
    group = db.session.scalar(select(SupportGroup).where(SupportGroup.locality_id == locality.id))
    if group is None:
        group = SupportGroup(service_id=service.id, locality=locality)
        db.session.add(group)
    return group


def add_meetings(
    service: FosteringService, details: MeetingDetails, *, by, now: datetime
) -> list[SupportMeeting]:
    """Add a meeting, or a monthly or quarterly run of them, and log it."""
    if details.locality is not None and details.locality.service_id != service.id:
        raise ValueError("The locality belongs to another service.")
    group = group_for(service, details.locality) if details.locality else None
    made = []
    for day in meeting_dates(details.day, details.every_months, details.times):
        meeting = SupportMeeting(
            service_id=service.id,
            group=group,
            starts_at=london_to_utc(day, details.starts),
            ends_at=london_to_utc(day, details.ends),
            venue=None if details.is_online else details.venue,
            is_online=details.is_online,
            created_by_id=getattr(by, "id", None),
            created_at=now,
        )
        db.session.add(meeting)
        made.append(meeting)
    db.session.flush()
    for meeting in made:
        record(
            "support.meeting_added",
            meeting,
            service=service,
            actor=by,
            group=details.locality.name if details.locality else "Foster Carers Forum",
            starts_at=meeting.starts_at.isoformat(),
        )
    db.session.commit()
    return made


def remove_meeting(meeting: SupportMeeting, *, by) -> None:
    """Take a meeting off the list, and log it."""
    record(
        "support.meeting_removed",
        meeting,
        service=meeting.service,
        actor=by,
        group=meeting.group.locality.name if meeting.group else "Foster Carers Forum",
        starts_at=meeting.starts_at.isoformat(),
    )
    db.session.delete(meeting)
    db.session.commit()


# ---- the service's own words -------------------------------------------------------------


def update_information(
    service: FosteringService,
    *,
    mentor_scheme: str,
    allegations_guidance: str,
    allowances_note: str,
    out_of_hours_phone: str,
    by,
    now: datetime,
) -> SupportInformation:
    """Save the texts carers see and the out-of-hours number, logging what changed."""
    information = find_information(service)
    if information is None:
        information = SupportInformation(service_id=service.id)
        db.session.add(information)
    wanted = {
        "mentor_scheme": mentor_scheme.strip(),
        "allegations_guidance": allegations_guidance.strip(),
        "allowances_note": allowances_note.strip(),
    }
    changed = [name for name, text in wanted.items() if (getattr(information, name) or "") != text]
    for name, text in wanted.items():
        setattr(information, name, text)
    if service.out_of_hours_phone != out_of_hours_phone.strip():
        changed.append("out_of_hours_phone")
        service.out_of_hours_phone = out_of_hours_phone.strip()
    information.updated_by_id = getattr(by, "id", None)
    information.updated_at = now
    if changed:
        record(
            "support.information_updated", information, service=service, actor=by, changed=changed
        )
    db.session.commit()
    return information


# ---- fees and allowances -----------------------------------------------------------------


def _name_taken(service: FosteringService, name: str, level_id: int | None = None) -> bool:
    query = select(AllowanceLevel.id).where(
        AllowanceLevel.service_id == service.id, func.lower(AllowanceLevel.name) == name.lower()
    )
    if level_id is not None:
        query = query.where(AllowanceLevel.id != level_id)
    return db.session.scalar(query) is not None


def save_level(
    service: FosteringService,
    level: AllowanceLevel | None,
    *,
    kind: PaymentKind,
    name: str,
    description: str,
    weekly_amount: Decimal,
    by,
) -> AllowanceLevel:
    """Add a level (when `level` is None) or change one, and log it."""
    name = name.strip()
    if _name_taken(service, name, getattr(level, "id", None)):
        raise DuplicateLevel(name)
    action = "support.level_changed"
    if level is None:
        level = AllowanceLevel(service_id=service.id)
        db.session.add(level)
        action = "support.level_added"
    level.kind, level.name = kind, name
    level.description = description.strip()
    level.weekly_amount = weekly_amount
    db.session.flush()
    record(
        action,
        level,
        service=service,
        actor=by,
        kind=kind.value,
        name=name,
        weekly_amount=str(weekly_amount),
    )
    db.session.commit()
    return level


def remove_level(level: AllowanceLevel, *, by) -> None:
    """Take a level out of the table, and log it."""
    record(
        "support.level_removed",
        level,
        service=level.service,
        actor=by,
        name=level.name,
        weekly_amount=str(level.weekly_amount),
    )
    db.session.delete(level)
    db.session.commit()


# ---- demo data ---------------------------------------------------------------------------

# Where each Lancashire area's demo group meets: the Support to Permanence office base in
# that area (the seed names the towns, not which base serves which area; this follows the
# map). Meetings themselves are invented demo data.
_LANCASHIRE_BASES = {
    "North Lancashire": "Lancaster office base",
    "Central Lancashire": "Preston office base",
    "South and West Lancashire": "Clayton-le-Woods office base",
    "Hyndburn, Rossendale and Ribble Valley": "Accrington office base",
    "Burnley and Pendle": "Burnley office base",
}

_MENTOR_SCHEME = {
    # From the Statement of Purpose (Fostering Academy).
    "lancashire": (
        "Our Fostering Academy supports you through your assessment and your whole first "
        "year as a foster carer, with training that builds on your preparation.\n\n"
        "Each new fostering family is buddied with a mentor: an experienced foster carer who "
        "lives locally and offers informal support and advice throughout the first year. We "
        "try to match you with a mentor whose experience fits yours, for example if you have "
        "children of your own, are a connected carer, or care for children together with "
        "their birth parents.\n\n"
        "Your supervising social worker will introduce you to your mentor."
    ),
    # The Statement of Purpose promises new carers "access to a mentor when starting their
    # fostering journey"; the details here are plain demo wording.
    "leicestershire": (
        "When you start fostering with us, you can have a mentor: an experienced foster "
        "carer who has been where you are now. They can listen, share what worked for them "
        "and help you find your way around the service during your first year.\n\n"
        "Ask your supervising social worker to put you in touch with a mentor."
    ),
}

_ALLEGATIONS = {
    # From the Statement of Purpose (Allegations).
    "leicestershire": (
        "Foster carers can sometimes be the subject of an allegation about the care of a "
        "child they look after. If this happens, tell your supervising social worker straight "
        "away.\n\n"
        "The allegation will be looked into under the Leicestershire Safeguarding Children "
        "Board's child protection procedures, and managed by the Local Authority Designated "
        "Officer (LADO).\n\n"
        "As well as support from your supervising social worker, you can ask the Leicestershire "
        "Foster Carer Association for practical and emotional support."
    ),
    # The Statement of Purpose says allegations are handled with partner agencies; the
    # steps below are the standard process in England, in plain words.
    "lancashire": (
        "If someone makes an allegation about the care you give a child, tell your "
        "supervising social worker straight away, and write down what happened and when.\n\n"
        "Allegations about care are dealt with in partnership with other safeguarding "
        "agencies, and the Local Authority Designated Officer (LADO) oversees them. An "
        "allegation does not mean we have decided you did anything wrong.\n\n"
        "You will be offered independent support from someone outside the investigation, "
        "and we will tell you what is happening at each stage."
    ),
}

# Invented demo amounts and level descriptions: EXAMPLES ONLY, not either council's real
# rates. Leicestershire's three fee levels (and no 'level 0') are from its Statement of
# Purpose; the allowance age bands follow England's national minimum allowance bands, with
# example figures.
_FEES = {
    "leicestershire": [
        ("Level 1", "Every approved carer, including kinship carers.", "95.00"),
        ("Level 2", "Carers who have finished their TSDS and further training.", "190.00"),
        ("Level 3", "Experienced carers caring for children with complex needs.", "285.00"),
    ],
    "lancashire": [
        ("Skills level 1", "Newly approved foster carers.", "80.00"),
        ("Skills level 2", "Carers who have finished their TSDS.", "160.00"),
        ("Skills level 3", "Experienced carers who also support other carers.", "240.00"),
    ],
}
_ALLOWANCES = [
    ("Age 0 to 2", "200.00"),
    ("Age 3 to 4", "206.00"),
    ("Age 5 to 10", "228.00"),
    ("Age 11 to 15", "259.00"),
    ("Age 16 to 17", "303.00"),
]


def _weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _demo_venue(service: FosteringService, locality: Locality) -> Venue | None:
    wanted = _LANCASHIRE_BASES.get(locality.name)
    in_person = [v for v in service.venues if not v.is_online]
    return next((v for v in in_person if v.name == wanted), in_person[0] if in_person else None)


def add_demo_support(service: FosteringService, now: datetime) -> None:
    """Demo support: a monthly group per locality for 3 months, quarterly Forum dates,
    the service's texts and example fees and allowances."""
    today = london_today(now)
    for index, locality in enumerate(service.localities):
        # Each group on its own weekday morning, within school hours.
        first = _weekday_on_or_after(today + timedelta(days=7 + index))
        venue = _demo_venue(service, locality)
        add_meetings(
            service,
            MeetingDetails(
                locality=locality,
                day=first,
                starts=time(10, 0),
                ends=time(12, 0),
                venue=venue,
                is_online=venue is None,
                every_months=1,
                times=3,
            ),
            by=None,
            now=now,
        )
    in_person = [v for v in service.venues if not v.is_online]
    add_meetings(
        service,
        MeetingDetails(
            locality=None,
            day=_weekday_on_or_after(today + timedelta(days=21)),
            starts=time(18, 30),
            ends=time(20, 30),
            venue=in_person[0] if in_person else None,
            is_online=not in_person,
            every_months=3,
            times=4,
        ),
        by=None,
        now=now,
    )
    update_information(
        service,
        mentor_scheme=_MENTOR_SCHEME.get(service.slug, ""),
        allegations_guidance=_ALLEGATIONS.get(service.slug, ""),
        allowances_note=(
            "Example amounts for the demo. Fees are paid for each carer, per week; allowances "
            "are paid for each child, per week, to cover their day-to-day costs. Your "
            "supervising social worker can tell you which level you are on."
        ),
        out_of_hours_phone=service.out_of_hours_phone,
        by=None,
        now=now,
    )
    for name, description, amount in _FEES.get(service.slug, []):
        save_level(
            service,
            None,
            kind=PaymentKind.FEE,
            name=name,
            description=description,
            weekly_amount=Decimal(amount),
            by=None,
        )
    for name, amount in _ALLOWANCES:
        save_level(
            service,
            None,
            kind=PaymentKind.ALLOWANCE,
            name=name,
            description="",
            weekly_amount=Decimal(amount),
            by=None,
        )
