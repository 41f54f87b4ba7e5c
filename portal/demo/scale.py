"""`flask demo scale`: a large, realistic data set on top of the demo, for measuring.

Carers in households, information events over several years (a few months of them still to
come), and training records (carers' places on past training sessions, most attended),
spread over the demo services. Rows go in with bulk inserts in chunks, so a million
training records take well under a minute on SQLite.
"""

import random
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select

from portal.accounts.models import CarerType, Role, User, UserRole
from portal.bookings.models import Booking, BookingStatus, Occasion, OccasionStatus
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.events.models import KIND as EVENT_KIND
from portal.events.models import InformationEvent
from portal.organisation.models import FosteringService
from portal.training.models import KIND as TRAINING_KIND
from portal.training.models import TrainingCourse, TrainingSession
from portal.tsds.models import Household, HouseholdMember
from portal.tsds.services import ensure_standard_sets, set_key_for

CHUNK = 20_000
# How far back the history goes, and how far ahead events are planned.
YEARS_OF_HISTORY = 6
MONTHS_AHEAD = 6
SHARE_OF_EVENTS_TO_COME = 0.08
PLACES_PER_SESSION = 20
CARER_TYPES = [CarerType.MAINSTREAM] * 7 + [
    CarerType.FAMILY_AND_FRIENDS,
    CarerType.SHORT_BREAK,
    CarerType.SUPPORTED_LODGINGS,
]


@dataclass
class Scaled:
    """How many rows of each kind were added."""

    carers: int = 0
    events: int = 0
    training_sessions: int = 0
    training_records: int = 0


def _chunks(rows: Iterator[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert_ids(model, rows: list[dict]) -> list[int]:
    return list(
        db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows)
    )


def _when(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A weekday time between start and end, on the hour between 10:00 and 18:00 UTC."""
    moment = start + (end - start) * rng.random()
    return moment.replace(hour=rng.randint(10, 18), minute=0, second=0, microsecond=0)


def add_scale(
    *, carers: int, events: int, training_records: int, seed: int = 1, now: datetime | None = None
) -> Scaled:
    """Add the rows to the services already in the database (load the demo first)."""
    services = list(db.session.scalars(select(FosteringService).order_by(FosteringService.id)))
    if not services:
        raise RuntimeError("Load the demo first: `flask demo load`.")
    rng = random.Random(seed)  # nosec B311  # invented data, not secrets
    now = now or utcnow()
    tag = secrets.token_hex(3)
    scaled = Scaled()
    password_hash = db.session.scalar(
        select(User.password_hash).where(User.password_hash.is_not(None)).limit(1)
    )
    carers_by_service: dict[int, list[tuple[int, str]]] = {}
    for index, service in enumerate(services):
        share = _share(carers, len(services), index)
        carers_by_service[service.id] = _add_carers(service, share, password_hash, tag, rng)
        scaled.carers += share
        share = _share(events, len(services), index)
        _add_events(service, share, rng, now)
        scaled.events += share
        share = _share(training_records, len(services), index)
        sessions, records = _add_training(service, carers_by_service[service.id], share, rng, now)
        scaled.training_sessions += sessions
        scaled.training_records += records
        db.session.commit()
    return scaled


def _share(total: int, parts: int, index: int) -> int:
    return total // parts + (1 if index < total % parts else 0)


def _add_carers(
    service: FosteringService, count: int, password_hash: str | None, tag: str, rng
) -> list[tuple[int, str]]:
    if count == 0:
        return []
    sets = ensure_standard_sets(service)
    worker_id = db.session.scalar(
        select(User.id)
        .join(UserRole)
        .where(User.service_id == service.id, UserRole.role == Role.SUPERVISING_SOCIAL_WORKER)
        .limit(1)
    )
    today = utcnow().date()
    made: list[tuple[int, str]] = []
    numbers = iter(range(count))
    for chunk in _chunks(
        {
            "service_id": service.id,
            "email": f"carer-{tag}-{n}@{service.slug}.example",
            "name": f"Carer {n + 1}",
            "password_hash": password_hash,
            "email_confirmed_at": utcnow(),
            "carer_type": rng.choice(CARER_TYPES),
            "locale": "en",
            "session_token": secrets.token_urlsafe(24),
        }
        for n in numbers
    ):
        ids = _insert_ids(User, chunk)
        db.session.execute(
            insert(UserRole), [{"user_id": i, "role": Role.APPROVED_CARER} for i in ids]
        )
        households = _insert_ids(
            Household,
            [
                {
                    "service_id": service.id,
                    "name": f"The {row['name']} household",
                    "carer_type": row["carer_type"],
                    "approved_on": today - timedelta(days=rng.randint(30, 3650)),
                    "set_id": sets[set_key_for(row["carer_type"])].id,
                    "social_worker_id": worker_id,
                    "signed_off_on": date(2020, 1, 1) if rng.random() < 0.7 else None,
                }
                for row in chunk
            ],
        )
        db.session.execute(
            insert(HouseholdMember),
            [{"household_id": h, "user_id": u} for h, u in zip(households, ids, strict=True)],
        )
        made.extend((i, row["email"]) for i, row in zip(ids, chunk, strict=True))
    return made


def _add_events(service: FosteringService, count: int, rng, now: datetime) -> None:
    if count == 0:
        return
    venues = [v.id for v in service.venues if not v.is_online and not v.is_retired]
    start = now - timedelta(days=365 * YEARS_OF_HISTORY)
    ahead = now + timedelta(days=30 * MONTHS_AHEAD)
    to_come = int(count * SHARE_OF_EVENTS_TO_COME)
    for chunk in _chunks(iter(range(count)), 5_000):
        times = [
            _when(rng, now + timedelta(days=1), ahead)
            if n < to_come
            else _when(rng, start, now - timedelta(days=1))
            for n in chunk
        ]
        occasions = _insert_ids(
            Occasion,
            [
                {
                    "service_id": service.id,
                    "kind": EVENT_KIND,
                    "starts_at": at,
                    "ends_at": at + timedelta(hours=2),
                    "capacity": 20,
                    "seats_taken": rng.randint(0, 20),
                    "status": OccasionStatus.SCHEDULED,
                }
                for at in times
            ],
        )
        online = [rng.random() < 0.25 for _ in chunk]
        db.session.execute(
            insert(InformationEvent),
            [
                {
                    "service_id": service.id,
                    "occasion_id": occasion_id,
                    "title": "Find out about fostering",
                    "description": "Meet foster carers and the team, and ask anything.",
                    "venue_id": None if is_online else rng.choice(venues),
                    "is_online": is_online,
                    "online_link": "https://meet.example/fostering" if is_online else "",
                }
                for occasion_id, is_online in zip(occasions, online, strict=True)
            ],
        )


def _add_training(
    service: FosteringService, carers: list[tuple[int, str]], count: int, rng, now: datetime
) -> tuple[int, int]:
    if count == 0 or len(carers) < PLACES_PER_SESSION:
        # Fewer carers than places would put someone twice on one session.
        return 0, 0
    courses = list(
        db.session.scalars(
            select(TrainingCourse.id).where(
                TrainingCourse.service_id == service.id, TrainingCourse.is_withdrawn.is_(False)
            )
        )
    )
    venues = [v.id for v in service.venues if not v.is_online and not v.is_retired]
    session_count = max(1, -(-count // PLACES_PER_SESSION))
    start = now - timedelta(days=365 * YEARS_OF_HISTORY)
    sessions: list[int] = []
    for chunk in _chunks(iter(range(session_count)), 5_000):
        times = [_when(rng, start, now - timedelta(days=2)) for _ in chunk]
        occasions = _insert_ids(
            Occasion,
            [
                {
                    "service_id": service.id,
                    "kind": TRAINING_KIND,
                    "starts_at": at,
                    "ends_at": at + timedelta(hours=3),
                    "capacity": PLACES_PER_SESSION,
                    "seats_taken": PLACES_PER_SESSION,
                    "status": OccasionStatus.SCHEDULED,
                }
                for at in times
            ],
        )
        sessions.extend(
            _insert_ids(
                TrainingSession,
                [
                    {
                        "service_id": service.id,
                        "course_id": rng.choice(courses),
                        "occasion_id": occasion_id,
                        "venue_id": rng.choice(venues),
                    }
                    for occasion_id in occasions
                ],
            )
        )
    occasion_of = dict(
        db.session.execute(
            select(TrainingSession.id, TrainingSession.occasion_id).where(
                TrainingSession.id.in_(sessions)
            )
        ).all()
        if len(sessions) < 30_000
        else _occasions_in_chunks(sessions)
    )
    # Record n goes to session n // 20 and carer n % carers: 20 consecutive records (one
    # session's places) always go to 20 different carers, so no one is booked twice on one.
    records = 0
    for chunk in _chunks(
        (
            {
                "service_id": service.id,
                "occasion_id": occasion_of[session_id],
                "name": "Carer",
                "email": email,
                "user_id": user_id,
                "seats": 1,
                "status": BookingStatus.CONFIRMED,
                "link_salt": secrets.token_hex(8),
                "token_hash": secrets.token_hex(32),
                "attended": rng.random() < 0.92,
                "created_at": now - timedelta(days=rng.randint(3, 365 * YEARS_OF_HISTORY)),
            }
            for n in range(count)
            for session_id in [sessions[n // PLACES_PER_SESSION]]
            for user_id, email in [carers[n % len(carers)]]
        )
    ):
        db.session.execute(insert(Booking), chunk)
        records += len(chunk)
    return len(sessions), records


def _occasions_in_chunks(sessions: list[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for start in range(0, len(sessions), 30_000):
        part = sessions[start : start + 30_000]
        found.update(
            db.session.execute(
                select(TrainingSession.id, TrainingSession.occasion_id).where(
                    TrainingSession.id.in_(part)
                )
            ).all()
        )
    return found


def row_counts() -> dict[str, int]:
    """How many rows the measured tables hold, for the benchmark's report."""
    return {
        "carers": db.session.scalar(
            select(func.count()).select_from(UserRole).where(UserRole.role == Role.APPROVED_CARER)
        ),
        "events": db.session.scalar(select(func.count()).select_from(InformationEvent)),
        "training records": db.session.scalar(
            select(func.count())
            .select_from(Booking)
            .join(Occasion, Booking.occasion_id == Occasion.id)
            .where(Occasion.kind == TRAINING_KIND)
        ),
    }
