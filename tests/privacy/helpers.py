"""A person with a row in every table the privacy registry knows, built directly.

`everything_about` is the proof's other half: when a table joins the registry, add a row for
it here (the coverage test names the table that has none).
"""

import itertools
import json
from datetime import date, timedelta

from portal.accounts.models import (
    AccountToken,
    CarerType,
    KeptDraft,
    RecoveryCode,
    TokenPurpose,
    User,
)
from portal.applications.models import Application, ApplicationStep, Stage
from portal.assessments.models import Assessment, AssessmentCheck, AssessmentSession, CheckKind
from portal.assisted.models import AssistedAction, AssistedKind, HowContacted
from portal.bookings.models import Booking, BookingStatus, Occasion
from portal.childrens_rights.models import Author, Conversation, ConversationStatus, RightsMessage
from portal.complaints.models import Complainant, Complaint, ComplaintStage
from portal.core import audit, uploads
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.models import OutboxMessage
from portal.events.models import KIND as EVENT_KIND
from portal.events.models import EventFeedback, InformationEvent, Usefulness
from portal.independent_visitors.models import VisitorRequest, VolunteerOffer
from portal.kinship.models import Connection, KinshipRequest, TemporaryApproval
from portal.panels.models import Outcome, Panel, PanelCase
from portal.paperwork.models import DocumentStatus, PaperworkDocument, PaperworkItem
from portal.recruitment.models import Enquiry, HeardFrom
from portal.staff.models import WorkItem, WorkKind
from portal.training.models import KIND as TRAINING_KIND
from portal.training.models import (
    ModuleCompletion,
    Topic,
    TrainingCancellation,
    TrainingCourse,
    TrainingFeedback,
    TrainingSession,
)
from portal.tsds import services as tsds
from portal.tsds.models import Evidence, EvidenceStatus
from portal.visits.models import (
    BookingStatus as VisitStatus,
)
from portal.visits.models import (
    Recommendation,
    VisitBooking,
    VisitMode,
    VisitRecord,
    VisitSlot,
)

_numbers = itertools.count(1)
PDF = b"%PDF-1.4\n% a small test document\n"
PNG = b"\x89PNG\r\n\x1a\n a small test image"


def number() -> int:
    return next(_numbers)


def occasion(service, kind, *, days_from_now=-30, capacity=20, seats_taken=1) -> Occasion:
    starts = utcnow().replace(microsecond=0) + timedelta(days=days_from_now)
    return Occasion(
        service_id=service.id,
        kind=kind,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=capacity,
        seats_taken=seats_taken,
    )


def booking(service, occasion_id, person: User, **fields) -> Booking:
    n = number()
    return Booking(
        service_id=service.id,
        occasion_id=occasion_id,
        name=fields.pop("name", person.name),
        email=fields.pop("email", person.email),
        user_id=fields.pop("user_id", person.id),
        status=fields.pop("status", BookingStatus.CONFIRMED),
        link_salt=f"salt{n}",
        token_hash=f"privacy-hash-{n}",
        **fields,
    )


def information_event(service, *, days_from_now=-30, **occasion_fields) -> InformationEvent:
    event = InformationEvent(
        service_id=service.id,
        occasion=occasion(service, EVENT_KIND, days_from_now=days_from_now, **occasion_fields),
        title="Find out about Fostering",
    )
    db.session.add(event)
    db.session.flush()
    return event


def enquiry(service, person: User | None, *, name=None, email=None, **fields) -> Enquiry:
    n = number()
    made = Enquiry(
        service_id=service.id,
        reference=f"EN{n:06d}",
        name=name or person.name,
        email=email or person.email,
        phone="07700 900123",
        postcode="LE1 1AA",
        adults_at_home=2,
        children_at_home=0,
        has_spare_bedroom=True,
        interests="mainstream",
        heard_from=HeardFrom.WEBSITE,
        token_hash=f"enquiry-hash-{n}",
        user_id=person.id if person else None,
        **fields,
    )
    db.session.add(made)
    db.session.flush()
    return made


def visit(service, staff: User, person: User | None, *, enquiry_id=None, email=None, **fields):
    slot = VisitSlot(
        service_id=service.id,
        visitor_id=staff.id,
        locality_id=service.localities[0].id,
        mode=VisitMode.AT_HOME,
        starts_at=utcnow() - timedelta(days=40),
        ends_at=utcnow() - timedelta(days=40) + timedelta(hours=1),
    )
    db.session.add(slot)
    db.session.flush()
    made = VisitBooking(
        service_id=service.id,
        slot_id=slot.id,
        status=fields.pop("status", VisitStatus.CANCELLED),
        user_id=person.id if person else None,
        enquiry_id=enquiry_id,
        name=person.name if person else "Someone",
        email=email or person.email,
        **fields,
    )
    db.session.add(made)
    db.session.flush()
    return made


def application(service, staff: User, person: User, *, stage=Stage.PANEL, visit_booking=None):
    visit_booking = visit_booking or visit(service, staff, person)
    made = Application(
        service_id=service.id,
        visit_booking_id=visit_booking.id,
        user_id=person.id,
        name=person.name,
        email=person.email,
        stage=stage,
        decided_on=date.today() - timedelta(days=60),
        reasons="Ready to go on.",
        present="Recruitment manager",
        decided_by_id=staff.id,
    )
    made.steps = [ApplicationStep(to_stage=stage, by_id=staff.id, note=f"Moved for {person.name}")]
    db.session.add(made)
    db.session.flush()
    return made


def complaint(service, person: User | None, *, email=None, closed_on=None, body="It went wrong."):
    n = number()
    made = Complaint(
        service_id=service.id,
        reference=f"CP{n:06d}",
        phrase_hash="not-a-real-hash",
        complainant=Complainant.FOSTER_CARER,
        name=person.name if person else "Someone",
        email=email or (person.email if person else None),
        body=body,
        user_id=person.id if person else None,
        received_on=date.today() - timedelta(days=30),
        closed_on=closed_on,
    )
    made.stages = [
        ComplaintStage(
            service_id=service.id,
            number=1,
            requested_on=made.received_on,
            due_on=made.received_on + timedelta(days=14),
            response="We are sorry.",
        )
    ]
    db.session.add(made)
    db.session.flush()
    return made


def conversation(service, person: User | None, *, status=ConversationStatus.CLOSED, **fields):
    n = number()
    made = Conversation(
        service_id=service.id,
        reference=f"CR{n:06d}",
        phrase_hash="not-a-real-hash",
        name=fields.pop("name", person.name if person else None),
        user_id=person.id if person else None,
        status=status,
        **fields,
    )
    made.messages = [
        RightsMessage(service_id=service.id, author=Author.YOUNG_PERSON, body=f"Hello {n}")
    ]
    db.session.add(made)
    db.session.flush()
    return made


def kinship(service, person: User | None, *, email=None, **fields) -> KinshipRequest:
    n = number()
    made = KinshipRequest(
        service_id=service.id,
        reference=f"FF{n:06d}",
        name=person.name if person else "Someone",
        email=email or person.email,
        phone="07700 900456",
        postcode="LE1 2AA",
        connection=Connection.GRANDPARENT,
        child_name=f"Child of {person.name if person else 'someone'}",
        **fields,
    )
    db.session.add(made)
    db.session.flush()
    return made


def everything_about(service, person: User, staff: User, *, words: str) -> None:
    """Rows about `person` in every registered table; `words` goes into what they wrote,
    so a test can tell their rows from anyone else's."""
    sid = service.id
    db.session.add(
        AccountToken(
            user_id=person.id,
            purpose=TokenPurpose.CONFIRM_EMAIL,
            token_hash=f"token-{number()}",
            expires_at=utcnow() + timedelta(days=1),
        )
    )
    db.session.add(RecoveryCode(user_id=person.id, code_hash=f"code-{number()}"))
    db.session.add(
        KeptDraft(
            service_id=sid,
            user_id=person.id,
            key_hash=f"draft-{number()}",
            endpoint="childrens_rights.talk",
            path=f"/{service.slug}/young-people/talk",
            fields=json.dumps({"fields": {"body": [words]}, "context": {}}),
            expires_at=utcnow() + timedelta(hours=1),
        )
    )

    asked = enquiry(service, person, notes=f"Enquiry notes: {words}")
    event = information_event(service)
    place = booking(service, event.occasion_id, person, attended=True, access_needs=words)
    db.session.add(place)
    db.session.flush()
    db.session.add(
        EventFeedback(
            service_id=sid,
            event_id=event.id,
            booking_id=place.id,
            usefulness=Usefulness.VERY,
            what_would_help=words,
        )
    )

    course = TrainingCourse(service_id=sid, title="Safer caring", topic=Topic.SAFEGUARDING)
    session = TrainingSession(
        service_id=sid, course=course, occasion=occasion(service, TRAINING_KIND)
    )
    db.session.add(session)
    db.session.flush()
    seat = booking(service, session.occasion_id, person, attended=True)
    cancelled = booking(service, session.occasion_id, person, status=BookingStatus.CANCELLED)
    db.session.add_all([seat, cancelled])
    db.session.flush()
    db.session.add_all(
        [
            TrainingFeedback(
                service_id=sid,
                session_id=session.id,
                booking_id=seat.id,
                rating=5,
                most_useful=words,
                do_differently="Nothing",
            ),
            TrainingCancellation(service_id=sid, booking_id=cancelled.id, reason=words),
            ModuleCompletion(
                service_id=sid, course_id=course.id, user_id=person.id, completed_on=date.today()
            ),
        ]
    )

    visited = visit(service, staff, person, enquiry_id=asked.id)
    db.session.add(
        VisitRecord(
            service_id=sid,
            booking_id=visited.id,
            written_by_id=staff.id,
            motivation=words,
            understanding="Good",
            skills="Patient",
            recommendation=Recommendation.PROGRESS_TO_ASSESSMENT,
        )
    )
    applied = application(service, staff, person, visit_booking=visited)
    item = PaperworkItem(service_id=sid, name=f"Proof of identity {number()}")
    db.session.add(item)
    db.session.flush()
    db.session.add(
        PaperworkDocument(
            application_id=applied.id,
            item_id=item.id,
            file_key=uploads.store(PDF + words.encode(), uploads.PDF, service_id=sid),
            file_kind="pdf",
            file_size=len(PDF),
            status=DocumentStatus.UPLOADED,
        )
    )
    assessment = Assessment(
        application_id=applied.id,
        service_id=sid,
        assessor_id=staff.id,
        allocated_on=date.today() - timedelta(days=50),
        allocated_by_id=staff.id,
    )
    assessment.checks = [AssessmentCheck(kind=CheckKind.REFEREE, name=f"Referee of {words}")]
    assessment.sessions = [AssessmentSession(held_on=date.today(), topic=words)]
    db.session.add(assessment)
    panel = Panel(
        service_id=sid, meets_on=date.today() + timedelta(days=number()), created_by_id=staff.id
    )
    db.session.add(panel)
    db.session.flush()
    case = PanelCase(
        service_id=sid,
        application_id=applied.id,
        panel_id=panel.id,
        booked_by_id=staff.id,
        recommendation=Outcome.APPROVE,
        recommendation_note=words,
    )
    db.session.add(case)

    household = tsds.create_household(
        service,
        name=f"The {person.name} household",
        carers=[person],
        carer_type=person.carer_type or CarerType.MAINSTREAM,
        approved_on=date.today() - timedelta(days=100),
        social_worker=staff,
    )
    outcome = tsds.standards_of(household)[0].outcomes[0]
    evidence = Evidence(
        service_id=sid,
        household_id=household.id,
        outcome_id=outcome.id,
        text=words,
        status=EvidenceStatus.SUBMITTED,
        submitted_at=utcnow(),
        file_key=uploads.store(PNG + words.encode(), uploads.PNG, service_id=sid),
        file_kind="png",
        file_size=len(PNG),
        written_by_id=person.id,
    )
    evidence.sessions = [session]
    db.session.add(evidence)

    talk = conversation(service, person, how_to_reach=words)
    db.session.add(
        VisitorRequest(
            service_id=sid, reference=f"IV{number():06d}", user_id=person.id, interests=words
        )
    )
    complaint(service, person, body=words)
    complaint(service, None, email=person.email.upper(), body=f"Without an account: {words}")
    request = kinship(service, person, message=words)
    db.session.add(
        TemporaryApproval(
            service_id=sid,
            request_id=request.id,
            approved_on=date.today() - timedelta(days=10),
            weeks=16,
            approved_by_id=staff.id,
        )
    )
    db.session.add(
        VolunteerOffer(
            service_id=sid,
            name=person.name,
            email=person.email,
            phone="07700 900789",
            postcode="LE1 3AA",
            why=words,
        )
    )
    db.session.add_all(
        [
            AssistedAction(
                service_id=sid,
                staff_id=staff.id,
                kind=AssistedKind.ENQUIRY,
                object_type="Enquiry",
                object_id=asked.id,
                for_name=person.name,
                how_contacted=HowContacted.PHONE,
            ),
            WorkItem(
                service_id=sid, kind=WorkKind.MESSAGE, object_id=talk.id, assigned_to_id=staff.id
            ),
            OutboxMessage(
                service_id=sid,
                message_id=f"<{number()}@test>",
                to_address=person.email,
                from_address="portal@example.org",
                subject="Your booking",
                body_text=f"Dear {person.name}, {words}",
                body_html=f"<p>Dear {person.name}, {words}</p>",
                template="test",
            ),
        ]
    )
    viewed = audit.record("person.viewed", person, service=service, actor=staff)
    viewed.ip_address = "192.0.2.10"  # where the member of staff worked from
    db.session.commit()
