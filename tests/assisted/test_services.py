"""Assisted digital services: each action goes through the feature's own service and is
recorded once, in the right service."""

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.assisted import services
from portal.assisted.models import AssistedAction, AssistedKind, HowContacted
from portal.bookings.models import BookingStatus
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.models import AuditEvent


@pytest.fixture
def request_context(app):
    with app.test_request_context("/"):
        yield


def test_a_full_event_puts_the_caller_on_its_waiting_list(
    request_context, leicestershire, make_user, make_event
):
    event = make_event(capacity=1)
    staff = make_user(leicestershire, Role.RECRUITMENT)
    common = {"phone": "07700900982", "seats": 1, "access_needs": "", "locale": "en"}
    services.book_event_for(
        leicestershire,
        event,
        staff=staff,
        name="First",
        email="first@example.org",
        how_contacted=HowContacted.PHONE,
        now=utcnow(),
        **common,
    )
    action, booking = services.book_event_for(
        leicestershire,
        event,
        staff=staff,
        name="Second",
        email="second@example.org",
        how_contacted=HowContacted.IN_PERSON,
        now=utcnow(),
        **common,
    )
    assert booking.status == BookingStatus.WAITING
    assert action.how_contacted == HowContacted.IN_PERSON and action.for_name == "Second"


def test_every_action_writes_one_audit_row_naming_what_it_made(
    request_context, leicestershire, make_user
):
    staff = make_user(leicestershire, Role.CHILDRENS_RIGHTS_OFFICER)
    action, request = services.ask_for_visitor_for(
        leicestershire,
        staff=staff,
        details={"how_to_reach": "By text", "name": ""},
        how_contacted=HowContacted.OTHER,
        now=utcnow(),
    )
    row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assisted.made"))
    assert (row.service_id, row.actor_id, row.object_id) == (
        leicestershire.id,
        staff.id,
        str(action.id),
    )
    assert row.detail == {
        "kind": "visitor-request",
        "object_type": "VisitorRequest",
        "object_id": request.id,
        "how_contacted": "other",
    }
    assert action.for_name is None  # no name given, nothing invented


def test_an_enquiry_reference_is_found_however_it_is_typed(
    leicestershire, lancashire, make_online_enquiry
):
    enquiry = make_online_enquiry(reference="E-ABC234")
    assert services.find_enquiry_by_reference(leicestershire, " e-abc 234 ") == enquiry
    assert services.find_enquiry_by_reference(lancashire, "E-ABC234") is None
    assert services.find_enquiry_by_reference(leicestershire, "") is None


def test_only_the_maker_or_a_manager_can_read_an_action(
    request_context, leicestershire, lancashire, make_user
):
    maker = make_user(leicestershire, Role.RECRUITMENT)
    colleague = make_user(leicestershire, Role.RECRUITMENT)
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    elsewhere = make_user(lancashire, Role.SERVICE_MANAGER)
    action, _request = services.ask_for_visitor_for(
        leicestershire,
        staff=maker,
        details={"how_to_reach": "By text"},
        how_contacted=HowContacted.PHONE,
        now=utcnow(),
    )
    assert services.find_action(leicestershire, action.id, maker) == action
    assert services.find_action(leicestershire, action.id, manager) == action
    assert services.find_action(leicestershire, action.id, colleague) is None
    assert services.find_action(lancashire, action.id, elsewhere) is None
    assert [row.id for row in services.history(leicestershire, colleague).rows] == []
    assert [row.id for row in services.history(lancashire, elsewhere).rows] == []
    assert [row.id for row in services.history(leicestershire, manager).rows] == [action.id]
    assert services.made_record(action).reference == action.reference
    assert db.session.scalar(select(AssistedAction.kind)) == AssistedKind.VISITOR_REQUEST
