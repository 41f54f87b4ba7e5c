"""Demo data: the two seed services and an invented account for each role."""

from flask import current_app
from sqlalchemy import func, select

from portal.accounts.models import STAFF_ROLES, CarerType, Role, User, UserRole
from portal.accounts.services import hash_password
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.demo.facts import SERVICES
from portal.organisation.models import FosteringService, Locality, Team, Venue

DEMO_PASSWORD = "fostering-demo"  # noqa: S105  # nosec B105  # published in the README, demo only
# The demo staff accounts' authenticator secret (base32), published in the README beside
# the password so anyone trying the demo can add it to an authenticator app.
DEMO_TOTP_SECRET = "FOSTERINGDEMOTOTPSECRET234567ABC"  # noqa: S105  # nosec B105  # demo only

# (local part of the address, display name, roles, carer type)
DEMO_ACCOUNTS: list[tuple[str, str, tuple[Role, ...], CarerType | None]] = [
    ("applicant", "Alex Applicant", (Role.PROSPECTIVE_CARER,), None),
    ("carer", "Casey Carer", (Role.APPROVED_CARER,), CarerType.MAINSTREAM),
    ("kinship-carer", "Kim Kinship", (Role.APPROVED_CARER,), CarerType.FAMILY_AND_FRIENDS),
    ("short-break-carer", "Sam Shortbreak", (Role.APPROVED_CARER,), CarerType.SHORT_BREAK),
    ("young-person", "Jordan", (Role.YOUNG_PERSON,), None),
    ("recruitment", "Robin Recruitment", (Role.RECRUITMENT,), None),
    ("initial-visitor", "Ira Visitor", (Role.INITIAL_VISITOR,), None),
    ("assessing-social-worker", "Ash Assessor", (Role.ASSESSING_SOCIAL_WORKER,), None),
    ("supervising-social-worker", "Sky Supervisor", (Role.SUPERVISING_SOCIAL_WORKER,), None),
    ("training", "Tay Training", (Role.TRAINING_COORDINATOR,), None),
    ("childrens-rights", "Charlie Rights", (Role.CHILDRENS_RIGHTS_OFFICER,), None),
    ("complaints", "Cam Complaints", (Role.COMPLAINTS_MANAGER,), None),
    ("manager", "Morgan Manager", (Role.SERVICE_MANAGER,), None),
]

_SERVICE_FIELDS = [
    "slug",
    "name",
    "council_name",
    "short_name",
    "brand_colour",
    "website_url",
    "address",
    "summary",
    "fostering_phone",
    "fostering_email",
    "childrens_rights_phone",
    "childrens_rights_email",
    "complaints_phone",
    "complaints_email",
    "corporate_parenting_phone",
    "corporate_parenting_email",
    "out_of_hours_phone",
    "registered_manager_name",
    "registered_manager_phone",
    "registered_manager_email",
    "childrens_commissioner_phone",
    "childrens_commissioner_email",
    "childrens_commissioner_website",
    "ofsted_phone",
    "ofsted_email",
    "ofsted_address",
]


def build_service(facts: dict) -> FosteringService:
    """A service with its venues, localities and teams from a facts dict."""
    service = FosteringService(**{field: facts[field] for field in _SERVICE_FIELDS})
    service.key_numbers = [{"label": n["label"], "value": n["value"]} for n in facts["numbers"]]
    service.venues = [
        Venue(
            name=v["name"],
            address=v["address"],
            postcode=v["postcode"],
            parking=v["parking"],
            is_online=v["online"],
        )
        for v in facts["venues"]
    ]
    service.localities = [
        Locality(name=x["name"], description=x["description"]) for x in facts["localities"]
    ]
    service.teams = [Team(name=x["name"], description=x["description"]) for x in facts["teams"]]
    return service


def demo_users(service: FosteringService, password_hash: str) -> list[User]:
    """One invented account per demo role, all with the demo password."""
    now = utcnow()
    return [
        User(
            service=service,
            email=f"{local}@{service.slug}.demo",
            name=name,
            password_hash=password_hash,
            email_confirmed_at=now,
            carer_type=carer_type,
            locale="en",
            role_rows=[UserRole(role=role) for role in roles],
            # Staff sign in with a code; the demo's secret is published so anyone can try.
            totp_secret=DEMO_TOTP_SECRET if STAFF_ROLES.intersection(roles) else None,
            mfa_enabled_at=now if STAFF_ROLES.intersection(roles) else None,
        )
        for local, name, roles, carer_type in DEMO_ACCOUNTS
    ]


def load_demo_data(*, only_if_empty: bool = True) -> bool:
    """Create the seed services and demo accounts; False when there was data already."""
    if not current_app.config.get("DEMO_DATA"):
        raise RuntimeError("Demo data is not allowed in this environment.")
    if only_if_empty and db.session.scalar(select(func.count(FosteringService.id))):
        return False
    from portal.demo.casework import add_demo_casework
    from portal.demo.history import add_demo_history

    password_hash = hash_password(DEMO_PASSWORD)
    now = utcnow()
    for facts in SERVICES:
        service = build_service(facts)
        db.session.add(service)
        users = demo_users(service, password_hash)
        db.session.add_all(users)
        db.session.commit()
        add_demo_events(service, creator=users[-1], now=now)
        visitor = next(u for u in users if u.email.startswith("initial-visitor@"))
        add_demo_visit_slots(service, visitor=visitor, creator=users[-1], now=now)
        applicant = next(u for u in users if u.email.startswith("applicant@"))
        add_demo_visit_to_decide(service, visitor=visitor, applicant=applicant, now=now)
        add_demo_paperwork_checklist(service)
        add_demo_panels(service, creator=users[-1], now=now)
        manager = next(u for u in users if u.email.startswith("manager@"))
        add_demo_kinship(service, manager=manager, now=now)
        complaints_manager = next(u for u in users if u.email.startswith("complaints@"))
        add_demo_complaints(service, manager=complaints_manager, now=now)
        add_demo_households(service, users, now=now)
        add_demo_support(service, now)
        add_demo_training(service, users, now)
        add_demo_casework(service, users, password_hash=password_hash, now=now)
        add_demo_history(service, users, now)
    return True


def add_demo_training(service: FosteringService, users: list[User], now) -> None:
    """Courses and sessions, with the demo carer booked on one and asked for feedback."""
    from portal.training.services import add_demo_training as add_training

    add_training(service, users, now)


def add_demo_support(service: FosteringService, now) -> None:
    """Support groups, Forum dates, the mentor scheme and example allowance levels."""
    from portal.support.services import add_demo_support as add_support

    add_support(service, now)


def add_demo_households(service: FosteringService, users: list[User], *, now) -> None:
    """A workbook for each demo carer, supervised by the demo social worker."""
    from datetime import timedelta

    from flask import current_app

    from portal.core.times import london_today
    from portal.tsds import services as tsds

    worker = next(u for u in users if u.email.startswith("supervising-social-worker@"))
    today = london_today(now)
    households = {}
    for local, approved_days_ago in (
        ("carer", 240),
        ("kinship-carer", 60),
        ("short-break-carer", 320),
    ):
        carer = next(u for u in users if u.email.startswith(f"{local}@"))
        households[local] = tsds.create_household(
            service,
            name=carer.name,
            carers=[carer],
            carer_type=carer.carer_type,
            approved_on=today - timedelta(days=approved_days_ago),
            social_worker=worker,
        )
    # The mainstream carer is part-way: some evidence accepted, one piece returned with a
    # comment, one waiting for the social worker.
    household = households["carer"]
    carer = household.members[0].user
    outcomes = [o for s in tsds.standards_of(household) for o in s.outcomes]
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        for n, outcome in enumerate(outcomes[:7]):
            piece = tsds.save_evidence(
                household,
                outcome,
                text="We talked this through in supervision; an example from our last placement.",
                by=carer,
                send=True,
                now=now - timedelta(days=30 - n),
            )
            if n < 5:
                tsds.review(piece, accept=True, comment="", by=worker, now=now)
            elif n == 5:
                tsds.review(
                    piece,
                    accept=False,
                    comment="Please add what the child said about it.",
                    by=worker,
                    now=now,
                )


def add_demo_complaints(service: FosteringService, *, manager: User, now) -> None:
    """Three complaints at different points, so the manager's list has clocks to show."""
    from datetime import timedelta

    from flask import current_app

    from portal.complaints import services as complaints
    from portal.complaints.models import Complainant, Outcome

    # Emails to the manager carry absolute links, as the jobs' do.
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        complaints.make_complaint(
            service,
            complainant=Complainant.FOSTER_CARER,
            body="Our supervising social worker has cancelled three visits this month.",
            put_right="A visit every four weeks, as the plan says.",
            name="Casey Carer",
            now=now - timedelta(days=6),
            locale="en",
        )
        complaints.make_complaint(
            service,
            complainant=Complainant.YOUNG_PERSON,
            body="I am not allowed to phone my brother after school.",
            wants_advocate=True,
            now=now - timedelta(days=2),
            locale="en",
        )
        answered, _ = complaints.make_complaint(
            service,
            complainant=Complainant.PARENT,
            body="Contact with my daughter was moved without telling me.",
            name="Pat Parent",
            now=now - timedelta(days=20),
            locale="en",
        )
        complaints.respond(
            answered.stage,
            response="We are sorry. Contact changes will be agreed with you first.",
            outcome=Outcome.PARTLY_UPHELD,
            by=manager,
            now=now - timedelta(days=8),
        )


def add_demo_visit_slots(service: FosteringService, *, visitor: User, creator: User, now):
    """Initial visit times on the next ten working days, across the service's areas."""
    from datetime import time, timedelta

    from portal.core.times import london_today
    from portal.core.working_days import is_working_day
    from portal.visits.models import VisitMode
    from portal.visits.services import publish_slot

    day = london_today(now)
    made = 0
    while made < 20:
        day += timedelta(days=1)
        if not is_working_day(day):
            continue
        for start in (time(10, 0), time(14, 0)):
            area = service.localities[made % len(service.localities)]
            publish_slot(
                service,
                by=creator,
                visitor_id=visitor.id,
                locality_id=area.id,
                mode=VisitMode.VIDEO if made % 3 == 2 else VisitMode.AT_HOME,
                day=day,
                start=start,
                minutes=90,
                now=now,
            )
            made += 1


def add_demo_paperwork_checklist(service: FosteringService) -> None:
    """The documents the service asks a progressed household for."""
    from portal.paperwork.services import ensure_checklist

    ensure_checklist(service)
    db.session.commit()


def add_demo_visit_to_decide(
    service: FosteringService, *, visitor: User, applicant: User, now
) -> None:
    """The demo applicant's visit last week, written up: the weekly meeting's list, so the
    applicant can follow their own application from the decision on."""
    from datetime import timedelta

    from portal.demo.casework import demo_visit

    demo_visit(
        service,
        visitor,
        applicant,
        now - timedelta(days=6),
        locality=service.localities[0],
        booked_before=timedelta(days=10),
        record={
            "motivation": "Grew up with foster siblings; wants to offer teenagers a steady home.",
            "understanding": "Has read the guides and came to an information event.",
            "skills": "Alex is a teaching assistant and coaches a youth football team.",
            "notes": "Spare room ready; keen to start the assessment.",
        },
    )


def add_demo_panels(service: FosteringService, *, creator: User, now) -> None:
    """Fostering panel dates a month apart over the next three months, on working days."""
    from datetime import timedelta

    from portal.assessments.services import add_months
    from portal.core.times import london_today
    from portal.core.working_days import is_working_day
    from portal.panels.services import add_panel

    today = london_today(now)
    venue = next(v for v in service.venues if not v.is_online)
    for months in (1, 2, 3):
        meets_on = add_months(today, months)
        while not is_working_day(meets_on):
            meets_on += timedelta(days=1)
        add_panel(service, meets_on, f"{venue.name}, 10am", by=creator, today=today)


def add_demo_kinship(service: FosteringService, *, manager: User, now) -> None:
    """Two family-and-friends requests: one waiting for its viability assessment, and a
    grandmother caring for her grandson under a temporary approval that ends soon."""
    from datetime import date, timedelta

    from portal.core.times import london_today
    from portal.kinship import services as kinship
    from portal.kinship.models import Viability

    today = london_today(now)

    def asked(days_ago: int, **details):
        return kinship.make_request(
            service,
            details={
                "phone": "07700 900123",
                "postcode": "LE3 8RA" if service.slug == "leicestershire" else "PR1 8XJ",
                "childs_social_worker": "",
                "message": "",
                **details,
            },
            locale="en",
            now=now - timedelta(days=days_ago),
        )

    asked(
        3,
        name="Casey Hale",
        email=f"casey.hale@{service.slug}.demo",
        connection="aunt-or-uncle",
        child_name="Riley Hale",
        child_born_on=date(today.year - 6, 4, 12),
        lives_with_them_since=None,
    )
    caring = asked(
        12 * 7,
        name="Pat Okafor",
        email=f"pat.okafor@{service.slug}.demo",
        connection="grandparent",
        child_name="Jayden Okafor",
        child_born_on=date(today.year - 9, 9, 3),
        lives_with_them_since=today - timedelta(weeks=12),
    )
    kinship.record_viability(
        caring,
        Viability.VIABLE,
        "Warm and settled home; Jayden knows his grandmother well.",
        by=manager,
        today=today - timedelta(weeks=11),
    )
    kinship.approve_temporarily(
        caring, today - timedelta(weeks=12), by=manager, today=today - timedelta(weeks=12)
    )


def add_demo_events(service: FosteringService, *, creator: User, now) -> None:
    """'Find out about Fostering' evenings every 3 weeks at the main venue, and online."""
    from datetime import time, timedelta

    from portal.core.times import london_today
    from portal.events.services import EventDetails, create_events

    today = london_today(now)
    next_tuesday = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    venue = next(v for v in service.venues if not v.is_online)
    description = (
        "Meet the fostering team and foster carers, hear what fostering is really like, "
        "and ask anything. Tea and coffee provided."
    )
    for day, in_person in ((next_tuesday, True), (next_tuesday + timedelta(days=9), False)):
        create_events(
            service,
            EventDetails(
                title="Find out about Fostering",
                description=description,
                accessibility_notes="Step-free access and a hearing loop." if in_person else "",
                venue=venue if in_person else None,
                is_online=not in_person,
                online_link="" if in_person else "https://meet.example.org/fostering",
                day=day,
                starts=time(18, 30) if in_person else time(12, 30),
                ends=time(20, 30) if in_person else time(13, 30),
                capacity=30 if in_person else 50,
            ),
            every_weeks=3,
            times=6,
            created_by=creator,
            now=now,
        )
