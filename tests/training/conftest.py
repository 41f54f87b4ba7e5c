"""Factories for training courses and sessions, and carers in bulk for scaling checks."""

import secrets
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from portal.accounts.models import CarerType, User
from portal.bookings.models import Booking, BookingStatus, Occasion, OccasionStatus
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.times import london_today
from portal.training.models import (
    KIND,
    CourseFormat,
    Topic,
    TrainingCourse,
    TrainingFeedback,
    TrainingSession,
)
from portal.tsds import services as tsds


def add_attended_carers(session: TrainingSession, start: int, end: int) -> None:
    """Carers `start` to `end` (exclusive), each booked on the session, marked as came and
    with feedback given, inserted in bulk (also used by scripts/bench_training.py)."""
    service_id = session.service_id
    db.session.execute(
        insert(User),
        [
            {"service_id": service_id, "email": f"carer{n}@bulk.example", "name": f"Carer {n}"}
            for n in range(start, end)
        ],
    )
    emails = [f"carer{n}@bulk.example" for n in range(start, end)]
    users = db.session.execute(
        select(User.id, User.email, User.name).where(User.email.in_(emails))
    ).all()
    db.session.execute(
        insert(Booking),
        [
            {
                "service_id": service_id,
                "occasion_id": session.occasion_id,
                "name": name,
                "email": email,
                "user_id": user_id,
                "status": BookingStatus.CONFIRMED,
                "link_salt": secrets.token_hex(16),
                "token_hash": secrets.token_hex(32),
                "attended": True,
            }
            for user_id, email, name in users
        ],
    )
    bookings = db.session.execute(
        select(Booking.id, Booking.user_id).where(
            Booking.occasion_id == session.occasion_id,
            Booking.user_id.in_([user_id for user_id, _email, _name in users]),
        )
    ).all()
    db.session.execute(
        insert(TrainingFeedback),
        [
            {
                "service_id": service_id,
                "session_id": session.id,
                "booking_id": booking_id,
                "rating": 1 + user_id % 5,
                "most_useful": f"Useful thing {user_id}",
                "do_differently": f"Different thing {user_id}",
            }
            for booking_id, user_id in bookings
        ],
    )
    session.occasion.capacity = max(session.occasion.capacity, end)
    db.session.commit()


@pytest.fixture
def make_course(leicestershire):
    """A course in the catalogue (a dated one unless `self_paced`)."""

    def make(
        title="Safer caring",
        topic=Topic.SAFEGUARDING,
        service=None,
        tsds=False,
        mandatory=False,
        self_paced=False,
        audiences="all",
    ):
        service = service or leicestershire
        course = TrainingCourse(
            service_id=service.id,
            title=title,
            topic=topic,
            description="What every carer needs to know.",
            audiences=audiences,
            counts_for_tsds=tsds,
            tsds_standards="1,4" if tsds else "",
            is_mandatory=mandatory,
            format=CourseFormat.SELF_PACED if self_paced else CourseFormat.SESSIONS,
            module_link="https://learning.example/module" if self_paced else "",
            module_hours=Decimal("1.5") if self_paced else None,
        )
        db.session.add(course)
        db.session.commit()
        return course

    return make


@pytest.fixture
def make_session(make_course):
    """A session of a course `starts_in` from now, 3 hours long, at a venue unless online."""

    def make(
        course=None, capacity=12, starts_in=timedelta(days=10), online=False, hours=3, **kwargs
    ):
        course = course or make_course(**kwargs)
        service = course.service
        starts = utcnow().replace(microsecond=0) + starts_in
        venue = None if online else next(v for v in service.venues if not v.is_online)
        session = TrainingSession(
            service_id=service.id,
            course=course,
            occasion=Occasion(
                service_id=service.id,
                kind=KIND,
                starts_at=starts,
                ends_at=starts + timedelta(hours=hours),
                capacity=capacity,
                seats_taken=0,
                status=OccasionStatus.SCHEDULED,
            ),
            venue=venue,
            is_online=online,
            online_link="https://meet.example/training" if online else "",
        )
        db.session.add(session)
        db.session.commit()
        return session

    return make


@pytest.fixture
def make_household():
    """A fostering household of these carers, approved today."""

    def make(*carers):
        household = tsds.create_household(
            carers[0].service,
            name="The Carers",
            carers=list(carers),
            carer_type=CarerType.MAINSTREAM,
            approved_on=london_today(utcnow()),
        )
        db.session.commit()
        return household

    return make
