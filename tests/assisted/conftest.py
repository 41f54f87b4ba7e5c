"""Factories for assisted-digital tests: a visit slot, and the forms' usual answers."""

from datetime import timedelta

import pytest

from portal.accounts.models import Role
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.visits.models import VisitMode, VisitSlot

ENQUIRY = {
    "name": "Sam Caller",
    "email": "sam.caller@example.org",
    "phone": "07700 900982",
    "postcode": "LE3 8SA",
    "adults_at_home": "2",
    "children_at_home": "1",
    "has_spare_bedroom": "yes",
    "interests": ["mainstream", "teenagers"],
    "heard_from": "advert",
    "how_contacted": "phone",
    "language": "en",
}

BOOKING = {
    "name": "Robin Ringer",
    "email": "robin.ringer@example.org",
    "phone": "07700 900123",
    "seats": "2",
    "access_needs": "A hearing loop, please",
    "how_contacted": "phone",
    "language": "en",
}

COMPLAINT = {
    "complainant": "foster-carer",
    "body": "Our supervising social worker has missed three visits.",
    "name": "Casey Carer",
    "email": "casey.carer@example.org",
    "how_contacted": "phone",
    "language": "en",
}


@pytest.fixture
def make_slot(leicestershire, make_user):
    """A free initial visit slot `starts_in` from now, with its own visitor."""

    def make(starts_in=timedelta(days=5), service=None):
        service = service or leicestershire
        visitor = make_user(service, Role.INITIAL_VISITOR, name="Val Visitor")
        starts = utcnow().replace(microsecond=0) + starts_in
        slot = VisitSlot(
            service_id=service.id,
            visitor_id=visitor.id,
            locality_id=service.localities[0].id,
            mode=VisitMode.AT_HOME,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=90),
        )
        db.session.add(slot)
        db.session.commit()
        return slot

    return make


@pytest.fixture
def make_online_enquiry(leicestershire):
    """An enquiry the person sent online (only they hold its private link)."""
    from portal.recruitment.models import Enquiry, HeardFrom
    from portal.recruitment.services import new_secret

    def make(service=None, reference="E-ONLN01", email="online@example.org"):
        service = service or leicestershire
        enquiry = Enquiry(
            service_id=service.id,
            reference=reference,
            name="Online Person",
            email=email,
            phone="07700900982",
            postcode="LE3 8SA",
            adults_at_home=1,
            children_at_home=0,
            has_spare_bedroom=True,
            interests="mainstream",
            heard_from=HeardFrom.WEBSITE,
            token_hash=new_secret()[1],
        )
        db.session.add(enquiry)
        db.session.commit()
        return enquiry

    return make
