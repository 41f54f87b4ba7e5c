"""Factories for initial visit tests: slots, enquiries and bookings built directly."""

import itertools
from datetime import datetime, timedelta

from portal.accounts.models import Role
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.recruitment.models import Enquiry, HeardFrom
from portal.recruitment.services import hash_secret
from portal.visits.models import (
    BookingStatus,
    Recommendation,
    VisitBooking,
    VisitMode,
    VisitRecord,
    VisitSlot,
)

_references = itertools.count(1)


def make_slot(
    service, visitor, starts_at: datetime, *, minutes=90, locality=None, mode=VisitMode.AT_HOME
) -> VisitSlot:
    """A slot saved as it is, even in the past (publish_slot would refuse that)."""
    slot = VisitSlot(
        service_id=service.id,
        visitor_id=visitor.id,
        locality_id=(locality or service.localities[0]).id,
        mode=mode,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
    )
    db.session.add(slot)
    db.session.commit()
    return slot


def make_enquiry(service, raw_token: str, **fields) -> Enquiry:
    """An enquiry whose private link carries `raw_token`."""
    number = next(_references)
    enquiry = Enquiry(
        service_id=service.id,
        reference=fields.pop("reference", f"ENQ{number:05d}"),
        name=fields.pop("name", f"Enquirer {number}"),
        email=fields.pop("email", f"enquirer{number}@example.org"),
        phone="07700 900123",
        postcode="LE1 1AA",
        adults_at_home=2,
        children_at_home=0,
        has_spare_bedroom=True,
        interests="mainstream",
        heard_from=HeardFrom.WEBSITE,
        locale=fields.pop("locale", "en"),
        token_hash=hash_secret(raw_token),
        **fields,
    )
    db.session.add(enquiry)
    db.session.commit()
    return enquiry


def make_booking(service, slot, *, user=None, enquiry=None, booked_at=None) -> VisitBooking:
    """A booking holding `slot`, saved directly."""
    person = user or enquiry
    booking = VisitBooking(
        service_id=service.id,
        slot_id=slot.id,
        status=BookingStatus.BOOKED,
        user_id=getattr(user, "id", None),
        enquiry_id=getattr(enquiry, "id", None),
        name=person.name,
        email=person.email,
        locale="en",
        booked_at=booked_at or slot.starts_at - timedelta(days=7),
    )
    db.session.add(booking)
    db.session.commit()
    return booking


def visited_applicant(service, make_user):
    """An applicant whose initial visit four days ago is written up, recommending
    assessment: their tracker has steps done."""
    visitor = make_user(service, Role.INITIAL_VISITOR, name="Ira Visitor")
    applicant = make_user(service, Role.PROSPECTIVE_CARER, name="Alex Applicant")
    booking = make_booking(
        service, make_slot(service, visitor, utcnow() - timedelta(days=4)), user=applicant
    )
    db.session.add(
        VisitRecord(
            service_id=service.id,
            booking_id=booking.id,
            written_by_id=visitor.id,
            motivation="Wants to help teenagers.",
            understanding="Good.",
            skills="Youth worker.",
            recommendation=Recommendation.PROGRESS_TO_ASSESSMENT,
            written_at=utcnow() - timedelta(days=3),
        )
    )
    db.session.commit()
    return applicant
