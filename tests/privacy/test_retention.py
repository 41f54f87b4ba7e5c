"""`flask retention purge`: each kind of record goes just after its service's keeping period
and not a day before, a second run does nothing, and each purge is one audit row."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.applications.models import ApplicationStep, Stage
from portal.bookings.models import Booking
from portal.childrens_rights.models import Conversation
from portal.complaints.models import Complaint
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.models import AuditEvent, OutboxMessage, OutboxStatus
from portal.independent_visitors.models import VisitorRequest, VolunteerOffer
from portal.kinship.models import Ending, KinshipRequest, TemporaryApproval, Viability
from portal.privacy.retention import KINDS, cutoff_for, purge
from portal.privacy.services import REMOVED_DOMAIN
from portal.recruitment.models import Enquiry
from portal.tsds import services as tsds
from portal.visits.models import VisitBooking
from tests.privacy import helpers

KIND = {kind.key: kind for kind in KINDS}


def _gone(model, id_):
    return lambda: db.session.get(model, id_) is None


def _anonymous(model, id_):
    return lambda: db.session.get(model, id_).email.endswith(REMOVED_DOMAIN)


def _email() -> str:
    return f"someone{helpers.number()}@example.org"


def _carer(service, staff, make_user, ended: datetime):
    carer = make_user(service, Role.APPROVED_CARER, is_disabled=True)
    tsds.create_household(
        service,
        name="The household",
        carers=[carer],
        carer_type=carer.carer_type,
        approved_on=date(2000, 1, 1),
    )
    db.session.add(
        AuditEvent(
            service_id=service.id,
            actor_id=staff.id,
            action="account.disabled",
            object_type="User",
            object_id=str(carer.id),
            detail={},
            created_at=ended,
        )
    )
    return _anonymous(User, carer.id)


def _temporary_approval(service, staff, make_user, ended: datetime):
    request = helpers.kinship(service, None, email=_email())
    db.session.add(
        TemporaryApproval(
            service_id=service.id,
            request_id=request.id,
            approved_on=ended.date() - timedelta(weeks=16),
            weeks=16,
            approved_by_id=staff.id,
            ended_on=ended.date(),
            ending=Ending.CHILD_MOVED,
            ended_by_id=staff.id,
        )
    )
    return _gone(KinshipRequest, request.id)


def _applicant(service, staff, make_user, ended: datetime):
    person = make_user(service, Role.PROSPECTIVE_CARER)
    applied = helpers.application(service, staff, person, stage=Stage.NOT_APPROVED)
    step = db.session.scalar(
        select(ApplicationStep).where(ApplicationStep.application_id == applied.id)
    )
    step.at = ended
    visit_id, application_id = applied.visit_booking_id, applied.id
    return lambda: _gone(VisitBooking, visit_id)() and _gone(type(applied), application_id)()


def _kinship_request(service, staff, make_user, ended: datetime):
    request = helpers.kinship(
        service, None, email=_email(), viability=Viability.NOT_VIABLE, viability_on=ended.date()
    )
    return _gone(KinshipRequest, request.id)


def _complaint(service, staff, make_user, ended: datetime):
    return _gone(
        Complaint, helpers.complaint(service, None, email=_email(), closed_on=ended.date()).id
    )


def _conversation(service, staff, make_user, ended: datetime):
    return _gone(Conversation, helpers.conversation(service, None, closed_at=ended).id)


def _visitor_request(service, staff, make_user, ended: datetime):
    request = VisitorRequest(
        service_id=service.id, reference=f"IV{helpers.number()}", updated_at=ended
    )
    db.session.add(request)
    db.session.flush()
    return _gone(VisitorRequest, request.id)


def _enquiry(service, staff, make_user, ended: datetime):
    asked = helpers.enquiry(service, None, name="Someone", email=_email(), created_at=ended)
    return _gone(Enquiry, asked.id)


def _initial_visit(service, staff, make_user, ended: datetime):
    booked = helpers.visit(service, staff, None, email=_email(), booked_at=ended)
    return _gone(VisitBooking, booked.id)


def _event_booking(service, staff, make_user, ended: datetime):
    person = make_user(service, Role.PROSPECTIVE_CARER)
    event = helpers.information_event(service, days_from_now=(ended - utcnow()).days)
    event.occasion.starts_at, event.occasion.ends_at = ended, ended + timedelta(hours=2)
    place = helpers.booking(service, event.occasion_id, person, attended=True)
    db.session.add(place)
    db.session.flush()
    return _anonymous(Booking, place.id)


def _volunteer(service, staff, make_user, ended: datetime):
    offer = VolunteerOffer(
        service_id=service.id,
        name="Someone",
        email=_email(),
        phone="07700 900000",
        postcode="LE1 1AA",
        why="To help",
        created_at=ended,
    )
    db.session.add(offer)
    db.session.flush()
    return _gone(VolunteerOffer, offer.id)


def _email_copy(service, staff, make_user, ended: datetime):
    sent = OutboxMessage(
        service_id=service.id,
        message_id=f"<{helpers.number()}@test>",
        to_address=_email(),
        from_address="portal@example.org",
        subject="Hello",
        body_text="Hello",
        body_html="Hello",
        template="test",
        status=OutboxStatus.SENT,
        created_at=ended,
    )
    db.session.add(sent)
    db.session.flush()
    return _gone(OutboxMessage, sent.id)


def _account(service, staff, make_user, ended: datetime):
    person = make_user(
        service,
        Role.PROSPECTIVE_CARER,
        created_at=ended - timedelta(days=30),
        last_signed_in_at=ended,
    )
    return _anonymous(User, person.id)


BUILD = {
    "carers": _carer,
    "temporary-approvals": _temporary_approval,
    "applicants": _applicant,
    "family-and-friends-requests": _kinship_request,
    "complaints": _complaint,
    "conversations": _conversation,
    "visitor-requests": _visitor_request,
    "enquiries": _enquiry,
    "initial-visits": _initial_visit,
    "event-bookings": _event_booking,
    "volunteers": _volunteer,
    "emails": _email_copy,
    "accounts": _account,
}


def test_every_kind_has_a_test():
    assert set(BUILD) == set(KIND)


def _counts(done, service) -> dict[str, int]:
    return {
        line.kind.key: line.count for line in done if line.service.id == service.id and line.count
    }


@pytest.mark.parametrize("key", list(BUILD))
def test_a_record_goes_just_after_its_period_and_not_a_day_before(
    leicestershire, make_user, staff, key
):
    now = utcnow()
    cutoff = cutoff_for(leicestershire, KIND[key], now)
    inside = BUILD[key](leicestershire, staff, make_user, cutoff + timedelta(days=1))
    outside = BUILD[key](leicestershire, staff, make_user, cutoff - timedelta(days=1))
    db.session.commit()

    assert _counts(purge(now=now), leicestershire) == {key: 1}
    db.session.expire_all()
    assert outside() and not inside()
    assert _counts(purge(now=now), leicestershire) == {}, "a second run must find nothing"
    (event,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "privacy.purged")
    ).all()
    assert event.object_type == "FosteringService" and event.actor_id is None
    assert event.detail["kind"] == key and event.detail["count"] == 1
    assert "@" not in str(event.detail)


def test_a_shorter_setting_takes_records_sooner(leicestershire, make_user, staff):
    now = utcnow()
    asked = helpers.enquiry(
        leicestershire, None, name="Someone", email=_email(), created_at=now - timedelta(days=800)
    ).id
    db.session.commit()
    assert _counts(purge(now=now), leicestershire) == {}
    leicestershire.enquiry_retention_years = 2
    db.session.commit()
    assert _counts(purge(now=now), leicestershire) == {"enquiries": 1}
    assert db.session.get(Enquiry, asked) is None


def test_an_enquiry_that_led_to_an_application_stays_with_it(leicestershire, make_user, staff):
    now = utcnow()
    person = make_user(leicestershire, Role.PROSPECTIVE_CARER)
    asked = helpers.enquiry(leicestershire, person, created_at=now - timedelta(days=5 * 365))
    helpers.application(leicestershire, staff, person, stage=Stage.ASSESSMENT)
    db.session.commit()
    assert _counts(purge(now=now), leicestershire) == {}
    assert db.session.get(Enquiry, asked.id) is not None


def test_the_command_says_what_would_go_then_removes_it_once(app, leicestershire, lancashire):
    old = utcnow() - timedelta(days=4 * 365)
    asked = helpers.enquiry(leicestershire, None, name="Someone", email=_email(), created_at=old).id
    db.session.commit()
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["retention", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Enquiries that never went further (after 3 years): 1 would go" in dry.output
    assert "lancashire: nothing is past its keeping period" in dry.output
    db.session.expire_all()
    assert db.session.get(Enquiry, asked) is not None
    assert db.session.scalar(select(AuditEvent.id)) is None

    real = runner.invoke(args=["retention", "purge"])
    assert "Enquiries that never went further (after 3 years): 1 removed" in real.output
    again = runner.invoke(args=["retention", "purge"])
    assert "leicestershire: nothing is past its keeping period" in again.output
    db.session.expire_all()
    assert db.session.get(Enquiry, asked) is None
    assert len(db.session.scalars(select(AuditEvent)).all()) == 1
