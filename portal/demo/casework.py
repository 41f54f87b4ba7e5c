"""Demo casework, so every staff queue has something in it: households at each step of
the assessment, a visit to write up, young people's messages and requests, and evidence
with a file to review. Invented people only."""

from datetime import datetime, timedelta

from flask import current_app

from portal.accounts.models import CarerType, Role, User, UserRole
from portal.applications import services as applications
from portal.applications.models import Application, Stage
from portal.assessments import services as assessments
from portal.assisted import services as assisted
from portal.assisted.models import HowContacted
from portal.childrens_rights import services as childrens_rights
from portal.core import uploads
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.times import london_today
from portal.core.working_days import subtract_working_days
from portal.independent_visitors import services as independent_visitors
from portal.organisation.models import FosteringService
from portal.panels import services as panels
from portal.panels.models import Outcome, Panel, PanelCase
from portal.paperwork import services as paperwork
from portal.recruitment.models import HeardFrom
from portal.tsds import services as tsds
from portal.visits.models import (
    BookingStatus,
    Recommendation,
    VisitBooking,
    VisitMode,
    VisitRecord,
    VisitSlot,
)

# A one-page PDF: what an applicant's scanned document or a carer's evidence might be.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _person(service: FosteringService, local: str, name: str, password_hash: str) -> User:
    user = User(
        service=service,
        email=f"{local}@{service.slug}.demo",
        name=name,
        password_hash=password_hash,
        email_confirmed_at=utcnow(),
        locale="en",
        role_rows=[UserRole(role=Role.PROSPECTIVE_CARER)],
    )
    db.session.add(user)
    db.session.flush()
    return user


# What the visitor wrote after a demo household's visit, unless a story needs its own words.
VISIT_RECORD = {
    "motivation": "Their own children have left home; they want to offer a steady base.",
    "understanding": "Came to an information event and read the guides.",
    "skills": "Years of caring for a relative; calm under pressure.",
    "notes": "Spare room; both work part-time.",
}


def demo_visit(
    service,
    visitor,
    person: User,
    starts: datetime,
    *,
    record: dict | None,
    locality=None,
    booked_before: timedelta = timedelta(days=12),
) -> VisitBooking:
    """A home visit booked by `person`; written up the next day when `record` is given."""
    slot = VisitSlot(
        service_id=service.id,
        visitor_id=visitor.id,
        locality_id=(locality or service.localities[-1]).id,
        mode=VisitMode.AT_HOME,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
    )
    booking = VisitBooking(
        service_id=service.id,
        slot=slot,
        status=BookingStatus.BOOKED,
        user_id=person.id,
        name=person.name,
        email=person.email,
        locale=person.locale,
        booked_at=starts - booked_before,
    )
    if record is not None:
        booking.record = VisitRecord(
            service_id=service.id,
            written_by_id=visitor.id,
            recommendation=Recommendation.PROGRESS_TO_ASSESSMENT,
            written_at=starts + timedelta(days=1),
            **record,
        )
    db.session.add_all([slot, booking])
    db.session.commit()
    return booking


def _visit(service, visitor, person: User, starts: datetime, *, written: bool) -> VisitBooking:
    return demo_visit(service, visitor, person, starts, record=VISIT_RECORD if written else None)


def _application(service, visitor, decider, person, *, weeks_ago: int, now) -> Application:
    booking = _visit(service, visitor, person, now - timedelta(weeks=weeks_ago), written=True)
    return applications.decide(
        service,
        booking.record,
        decision=Stage.PAPERWORK,
        reasons="Clear motivation and a spare room; ready for the assessment.",
        present="Robin Recruitment (chair), Ira Visitor",
        by=decider,
        now=now - timedelta(weeks=weeks_ago) + timedelta(days=5),
    )


def add_demo_casework(
    service: FosteringService, users: list[User], *, password_hash: str, now
) -> None:
    """Fill the staff queues: see the module's docstring."""

    def demo(local: str) -> User:
        return next(u for u in users if u.email.startswith(f"{local}@"))

    visitor, decider = demo("initial-visitor"), demo("recruitment")
    assessor, manager = demo("assessing-social-worker"), demo("manager")
    young_person = demo("young-person")
    today = london_today(now)
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        # A visit two days ago, not yet written up: the initial visitor's queue.
        lee = _person(service, "lee.morgan", "Lee Morgan", password_hash)
        _visit(service, visitor, lee, now - timedelta(days=2), written=False)

        # Paperwork: one document sent and waiting for the recruitment team.
        jo = _person(service, "jo.patel", "Jo Patel", password_hash)
        application = _application(service, visitor, decider, jo, weeks_ago=3, now=now)
        item = paperwork.checklist_items(service)[0]
        paperwork.upload(
            application,
            item,
            (DEMO_PDF, uploads.kind_of(DEMO_PDF)),
            by=jo,
            now=now - timedelta(days=1),
        )

        # An assessment allocated 18 weeks ago: past the 16-week target.
        sam = _person(service, "sam.okoro", "Sam Okoro", password_hash)
        application = _application(service, visitor, decider, sam, weeks_ago=20, now=now)
        applications.move(application, Stage.ASSESSMENT, by=decider, now=now)
        assessment = assessments.allocate(
            application, assessor, by=manager, now=now, today=today - timedelta(weeks=18)
        )
        for check in assessments.open_checks(assessment)[:2]:
            assessments.record_check(
                assessment,
                check.id,
                done_on=today - timedelta(weeks=12),
                note="Clear.",
                by=assessor,
            )

        # The panel met three working days ago and recommended approval: the agency
        # decision maker's queue.
        dee = _person(service, "dee.harper", "Dee Harper", password_hash)
        application = _application(service, visitor, decider, dee, weeks_ago=30, now=now)
        applications.move(application, Stage.ASSESSMENT, by=decider, now=now)
        assessment = assessments.allocate(
            application, assessor, by=manager, now=now, today=today - timedelta(weeks=24)
        )
        assessment.completed_on = today - timedelta(weeks=9)
        applications.move(application, Stage.PANEL, by=assessor, now=now)
        met_on = subtract_working_days(today, 3)
        panel = Panel(
            service_id=service.id,
            meets_on=met_on,
            notes="County Hall, 10am",
            created_by_id=manager.id,
        )
        db.session.add(panel)
        db.session.add(
            PanelCase(
                service_id=service.id,
                application=application,
                panel=panel,
                booked_by_id=assessor.id,
                booked_at=now - timedelta(weeks=6),
                papers_sent_on=subtract_working_days(met_on, 6),
                recommendation=Outcome.APPROVE,
                carer_type=CarerType.MAINSTREAM,
                recommended_on=met_on,
                recommendation_note="A warm, well-prepared household; references strong.",
            )
        )
        db.session.commit()

        # Assessment finished, booked onto the next panel whose papers can still go out.
        ola = _person(service, "ola.bennett", "Ola Bennett", password_hash)
        application = _application(service, visitor, decider, ola, weeks_ago=26, now=now)
        applications.move(application, Stage.ASSESSMENT, by=decider, now=now)
        assessment = assessments.allocate(
            application, assessor, by=manager, now=now, today=today - timedelta(weeks=20)
        )
        assessment.completed_on = today - timedelta(weeks=3)
        applications.move(application, Stage.PANEL, by=assessor, now=now)
        upcoming = panels.bookable_panels(service, today)
        if upcoming:
            panels.book(application, upcoming[0], by=assessor, now=now, today=today)

        # Young people: a message from the demo young person, an urgent one from someone
        # who did not sign in, and a request for an independent visitor.
        childrens_rights.start_conversation(
            service,
            body="Can I change my school? I want to be nearer my brother.",
            name=young_person.name,
            age=14,
            how_to_reach="Through the portal",
            safe_times="After 4pm",
            locale="en",
            now=now - timedelta(hours=20),
            user_id=young_person.id,
        )
        childrens_rights.start_conversation(
            service,
            body="When it gets loud at home I want to hurt myself. Please help.",
            name="",
            age=15,
            how_to_reach="",
            safe_times="",
            locale="en",
            now=now - timedelta(hours=2),
        )
        independent_visitors.ask_for_visitor(
            service,
            details={
                "name": young_person.name,
                "age": 14,
                "how_to_reach": "Through my carer",
                "interests": "Football and drawing",
                "languages": "English",
                "preferences": "Someone who likes sport",
            },
            now=now - timedelta(days=3),
            user_id=young_person.id,
        )

        # A caller who phoned the recruitment team: an enquiry made for them by staff.
        assisted.make_enquiry_for(
            service,
            staff=decider,
            details={
                "name": "Pat Caller",
                "email": f"pat.caller@{service.slug}.demo",
                "phone": "07700 900456",
                "postcode": "LE3 8RA" if service.slug == "leicestershire" else "PR1 8XJ",
                "adults_at_home": 2,
                "children_at_home": 0,
                "has_spare_bedroom": True,
                "interests": "mainstream",
                "heard_from": HeardFrom.ADVERT,
            },
            how_contacted=HowContacted.PHONE,
            locale="en",
            now=now - timedelta(days=1),
        )

        # The kinship carer has sent evidence with a file for the social worker to see.
        household = tsds.household_of(demo("kinship-carer"))
        if household is not None:
            outcome = tsds.standards_of(household)[0].outcomes[0]
            tsds.save_evidence(
                household,
                outcome,
                text="My certificate from the first aid course is attached.",
                by=demo("kinship-carer"),
                send=True,
                now=now - timedelta(days=2),
                upload=(DEMO_PDF, uploads.kind_of(DEMO_PDF)),
            )
