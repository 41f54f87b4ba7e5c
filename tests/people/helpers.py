"""Factories for people tests: a person's history in every feature, built directly."""

import itertools
from datetime import date, timedelta

from portal.applications.models import Application, ApplicationStep, Stage
from portal.assessments.models import Assessment
from portal.bookings.models import Booking, BookingStatus, Occasion
from portal.childrens_rights.models import Author, Conversation, RightsMessage
from portal.complaints.models import Complainant, Complaint, ComplaintStage
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.events.models import KIND as EVENT_KIND
from portal.events.models import InformationEvent
from portal.independent_visitors.models import VisitorRequest
from portal.kinship.models import Connection, KinshipRequest
from portal.panels.models import Outcome, Panel, PanelCase
from portal.paperwork.models import DocumentStatus, PaperworkDocument, PaperworkItem
from portal.training.models import KIND as TRAINING_KIND
from portal.training.models import ModuleCompletion, Topic, TrainingCourse, TrainingSession
from portal.tsds import services as tsds
from portal.tsds.models import Evidence, EvidenceStatus
from tests.applications.helpers import visited
from tests.visits.helpers import make_enquiry

_numbers = itertools.count(1)


def _occasion(service, kind, days_ago):
    starts = utcnow().replace(microsecond=0) - timedelta(days=days_ago)
    return Occasion(
        service_id=service.id,
        kind=kind,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=20,
        seats_taken=1,
    )


def _booking(service, occasion_id, person, **fields):
    n = next(_numbers)
    return Booking(
        service_id=service.id,
        occasion_id=occasion_id,
        name=person.name,
        email=person.email,
        user_id=person.id,
        status=fields.pop("status", BookingStatus.CONFIRMED),
        link_salt=f"salt{n}",
        token_hash=f"people-hash-{n}",
        **fields,
    )


def applicant_history(service, person, visitor, size: int) -> Application:
    """An applicant's enquiries, event bookings, visit, decision, steps, paperwork,
    assessment and panel: `size` of everything that can repeat."""
    for i in range(size):
        make_enquiry(service, f"token-{next(_numbers)}", user_id=person.id, email=person.email)
        event = InformationEvent(
            service_id=service.id,
            occasion=_occasion(service, EVENT_KIND, 30 + i),
            title=f"Find out about Fostering {i}",
        )
        db.session.add(event)
        db.session.flush()
        db.session.add(_booking(service, event.occasion_id, person, attended=True))
    booking = visited(service, visitor, person)
    application = Application(
        service_id=service.id,
        visit_booking_id=booking.id,
        user_id=person.id,
        name=person.name,
        email=person.email,
        stage=Stage.PANEL,
        decided_on=date.today() - timedelta(days=60),
        reasons="Ready.",
        present="Recruitment manager",
        decided_by_id=visitor.id,
    )
    application.steps = [ApplicationStep(to_stage=Stage.PAPERWORK, by_id=visitor.id)] + [
        ApplicationStep(from_stage=Stage.PAPERWORK, to_stage=Stage.ASSESSMENT, by_id=visitor.id)
        for _ in range(size)
    ]
    db.session.add(application)
    db.session.flush()
    for i in range(size):
        item = PaperworkItem(service_id=service.id, name=f"Document {next(_numbers)}", position=i)
        db.session.add(item)
        db.session.flush()
        db.session.add(
            PaperworkDocument(
                application_id=application.id,
                item_id=item.id,
                file_key=f"key{i}",
                file_kind="pdf",
                file_size=100,
                status=DocumentStatus.ACCEPTED,
            )
        )
    db.session.add(
        Assessment(
            application_id=application.id,
            service_id=service.id,
            assessor_id=visitor.id,
            allocated_on=date.today() - timedelta(days=50),
            allocated_by_id=visitor.id,
            completed_on=date.today() - timedelta(days=10),
        )
    )
    panel = Panel(
        service_id=service.id,
        meets_on=date.today() - timedelta(days=next(_numbers)),
        created_by_id=visitor.id,
    )
    db.session.add(panel)
    db.session.flush()
    db.session.add(
        PanelCase(
            service_id=service.id,
            application_id=application.id,
            panel_id=panel.id,
            booked_by_id=visitor.id,
            recommendation=Outcome.APPROVE,
            recommended_on=panel.meets_on,
        )
    )
    db.session.commit()
    return application


def carer_history(service, carer, worker, size: int):
    """An approved carer's household, evidence, training, modules, complaints and a
    family-and-friends request: `size` of each."""
    household = tsds.create_household(
        service,
        name=f"The {carer.name} household",
        carers=[carer],
        carer_type=carer.carer_type,
        approved_on=date.today() - timedelta(days=100),
        social_worker=worker,
    )
    outcomes = [
        outcome for standard in tsds.standards_of(household) for outcome in standard.outcomes
    ][:size]
    for outcome in outcomes:
        db.session.add(
            Evidence(
                service_id=service.id,
                household_id=household.id,
                outcome_id=outcome.id,
                text="What we did.",
                status=EvidenceStatus.SUBMITTED,
                submitted_at=utcnow(),
            )
        )
    for i in range(size):
        course = TrainingCourse(service_id=service.id, title=f"Course {i}", topic=Topic.BEHAVIOUR)
        session = TrainingSession(
            service_id=service.id, course=course, occasion=_occasion(service, TRAINING_KIND, i + 1)
        )
        db.session.add(session)
        db.session.flush()
        db.session.add(_booking(service, session.occasion_id, carer, attended=i % 2 == 0))
        db.session.add(
            ModuleCompletion(
                service_id=service.id,
                course_id=course.id,
                user_id=carer.id,
                completed_on=date.today() - timedelta(days=i),
            )
        )
        complaint(service, carer)
        db.session.add(
            KinshipRequest(
                service_id=service.id,
                reference=f"FF-P{next(_numbers):05d}",
                name=carer.name,
                email=carer.email,
                phone="07700 900123",
                postcode="LE1 1AA",
                connection=Connection.GRANDPARENT,
                child_name="A child",
            )
        )
    db.session.commit()
    return household


def complaint(service, person, reference=None) -> Complaint:
    """A Stage 1 complaint from `person`, with words that must never be shown here."""
    made = Complaint(
        service_id=service.id,
        reference=reference or f"CP-P{next(_numbers):05d}",
        phrase_hash="x",
        complainant=Complainant.FOSTER_CARER,
        body="SECRET COMPLAINT TEXT",
        user_id=person.id,
        received_on=date.today() - timedelta(days=5),
        stages=[
            ComplaintStage(
                service_id=service.id,
                number=1,
                requested_on=date.today() - timedelta(days=5),
                due_on=date.today() + timedelta(days=9),
            )
        ],
    )
    db.session.add(made)
    db.session.commit()
    return made


def young_person_history(service, young_person, size: int, reference=None):
    """A young person's conversations with Children's Rights and visitor requests."""
    for i in range(size):
        conversation = Conversation(
            service_id=service.id,
            reference=reference if (reference and i == 0) else f"CR-P{next(_numbers):05d}",
            phrase_hash="x",
            user_id=young_person.id,
            is_urgent=i == 0,
            messages=[
                RightsMessage(
                    service_id=service.id,
                    author=Author.YOUNG_PERSON,
                    body="SECRET MESSAGE TEXT",
                )
            ],
        )
        db.session.add(conversation)
        db.session.add(
            VisitorRequest(
                service_id=service.id,
                reference=f"IV-P{next(_numbers):05d}",
                user_id=young_person.id,
            )
        )
    db.session.commit()
