"""Factories for application tests: a household whose initial visit is written up."""

from datetime import timedelta

from portal.core.db import utcnow
from portal.core.extensions import db
from portal.visits.models import Recommendation, VisitRecord
from tests.visits.helpers import make_booking, make_slot


def visited(service, visitor, person, days_ago=3, written=True):
    slot = make_slot(service, visitor, utcnow() - timedelta(days=days_ago))
    booking = make_booking(service, slot, user=person)
    if written:
        db.session.add(
            VisitRecord(
                service_id=service.id,
                booking_id=booking.id,
                written_by_id=visitor.id,
                motivation="Wants to help teenagers stay in their school.",
                understanding="Good.",
                skills="Youth worker for ten years.",
                recommendation=Recommendation.PROGRESS_TO_ASSESSMENT,
                written_at=utcnow() - timedelta(days=days_ago - 1),
            )
        )
        db.session.commit()
    return booking
