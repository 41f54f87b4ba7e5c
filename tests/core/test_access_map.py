"""Every route in the URL map, for every role, anonymous people and an account of the
other service; and nobody opens another person's record by its id or token.

What a route is designed to allow is read from its view: `@only_for(...)` declares its
roles and `@signed_in` anyone signed in to the service. Routes open to everyone, routes
opened by a secret in their URL, and routes that find the person's own record by an id
are listed below, each with its reason. A route in none of these fails the test, which
says how to classify it.

The designed outcomes: a role the route allows is neither refused (403) nor sent to sign
in (it gets the page, a redirect elsewhere, or not found for an id that is not theirs); a
role it does not allow gets 403; anonymous people and accounts of the other service
(Lancashire's, on Leicestershire's URLs) are sent to sign in. GET routes are fetched and
POST-only routes are posted with a valid CSRF token; a refused POST changes nothing in
the database. Staff pages (GET) are proven the same way, from a crawl with every staff
role, by tests/staff/test_route_matrix.py, so they are not fetched again here.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from portal.accounts.models import STAFF_ROLES, CarerType, Role, User
from portal.applications import services as applications
from portal.applications.models import Stage
from portal.assisted.models import AssistedAction
from portal.bookings.models import Booking
from portal.childrens_rights import services as childrens_rights
from portal.childrens_rights.models import Conversation
from portal.complaints import services as complaints
from portal.complaints.models import Complainant
from portal.core import uploads
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.times import london_today
from portal.demo.casework import DEMO_PDF, VISIT_RECORD, demo_visit
from portal.demo.services import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo_data
from portal.organisation.services import find_service
from portal.paperwork import services as paperwork
from portal.recruitment.models import Enquiry
from portal.tsds import services as tsds
from portal.tsds.models import EvidenceStatus
from portal.visits.models import VisitBooking
from tests.conftest import PASSWORD, sign_in
from tests.core.crawl import (
    OTHER_SLUG,
    SLUG,
    TOKEN_ROUTES,
    crawl,
    csrf_token,
    demo_client,
    enquiry,
    is_sign_in,
    key,
    make_secrets,
    match,
    method_of,
    offer_to_volunteer,
    post,
    url_for_every_route,
)
from tests.staff.test_route_matrix import OBJECT_LEVEL as ROUTE_MATRIX_OBJECT_LEVEL

# ---- how each route is designed to be used --------------------------------------------

# Open to everyone, signed in or not, whatever their service.
PUBLIC = {
    "organisation.list_services": "the list of services, the portal's front door",
    "pages.home": "a service's home page",
    "pages.accessibility": "the accessibility statement must be reachable by anyone",
    "pages.contact": "how to contact the service",
    "pages.cookies": "the cookie notice",
    "pages.privacy": "the privacy notice",
    "privacy.notice": "a service's privacy notice",
    "pages.foster_carers": "information for foster carers",
    "pages.thinking_about_fostering": "information for people thinking about fostering",
    "pages.young_people": "young people's pages work without an account",
    "pages.choose_language": "anyone may choose the language of the pages",
    "organisation.brand_stylesheet": "the service's colours, for every page",
    "support.support": "support information for carers, public by design",
    "accounts.sign_in": "signing in",
    "accounts.register": "a prospective carer makes an account",
    "accounts.check_your_email": "what to do after registering",
    "accounts.confirm_email_needed": "asking for a new confirmation link",
    "accounts.forgot_password": "asking for a reset link",
    "accounts.reset_link_sent": "the reset link is on its way (says nothing of accounts)",
    "recruitment.enquire": "an enquiry needs no account",
    "events.list_events": "information events are open to everyone",
    "events.show_event": "one event, open to everyone",
    "events.book_event": "booking an event needs no account",
    "kinship.ask": "a family-and-friends request needs no account",
    "kinship.sent": "shows only the reference this browser was just given",
    "independent_visitors.volunteer": "offering to volunteer needs no account",
    "independent_visitors.volunteer_thanks": "thanks for volunteering",
    "independent_visitors.ask_for_visitor": "a young person asks without an account",
    "independent_visitors.request_sent": "shows only the reference this browser was given",
    "childrens_rights.talk": "a young person writes without an account",
    "childrens_rights.message_sent": "shows only what this browser just sent",
    "childrens_rights.open_messages": "opening messages with a reference and secret words",
    "childrens_rights.thread": "only the messages this browser opened with their words",
    "childrens_rights.forget_thread": "hides the messages this browser opened",
    "complaints.start": "how to complain, open to everyone",
    "complaints.make": "anyone may complain",
    "complaints.make_young": "a young person complains without an account",
    "complaints.sent": "shows only what this browser just sent",
    "complaints.follow": "opening a complaint with its reference and secret words",
    "complaints.yours": "only the complaint this browser opened with its words",
    "complaints.ask_for_next_stage": "only for the complaint this browser opened",
    "complaints.forget": "hides the complaint this browser opened",
}
# Signing in and out: open to everyone, and they may send anyone to the sign-in page (the
# steps after the password do when this browser has not given one).
SIGN_IN_STEPS = {
    "accounts.sign_out": "signing out; with no session it only says so",
    "accounts.sign_in_code": "the one-time code after the password",
    "accounts.sign_in_recovery_code": "a recovery code instead of the one-time code",
    "accounts.set_up_sign_in_code": "staff set up their authenticator after the password",
}
# Opened by the secret in the URL, which only the emailed person holds: a wrong secret is
# not found, for everyone.
TOKEN = TOKEN_ROUTES

# The id in the URL is the signed-in person's own record, checked in the view: to
# anyone else (anonymous people too) it is not found. With the record's owner.
OWN_RECORD = {
    "complaints.open_mine": (
        "a signed-in person opens their own complaint",
        lambda id_: complaints.complaint_for(find_service(SLUG), id_),
    ),
    "childrens_rights.open_my_conversation": (
        "a young person opens their own messages",
        lambda id_: childrens_rights.conversation_for(find_service(SLUG), id_),
    ),
}
# Routes whose rule is stricter than the role list, by design (object-level checks), and
# what a role on the list may get instead: tests/staff/test_route_matrix.py's, and these.
OBJECT_LEVEL = ROUTE_MATRIX_OBJECT_LEVEL | {
    # The allocated assessing social worker, or a manager, works on an assessment.
    "assessments.staff_add_referee": 403,
    "assessments.staff_add_session": 403,
    "assessments.staff_complete": 403,
    "assessments.staff_record_check": 403,
    # The allocated worker, or a manager, records a viability assessment.
    "kinship.staff_viability": 403,
    # An item on My work is for the roles that work on its queue.
    "staff.assign_item": 403,
    "staff.mark_item_done": 403,
}
# Views that check the role themselves, by route.
DECIDED_IN_VIEW = {
    # `for_applicant`: without a token, `only_for(Role.PROSPECTIVE_CARER)`.
    "/<service>/initial-visit": {Role.PROSPECTIVE_CARER},
    "/<service>/initial-visit/book": {Role.PROSPECTIVE_CARER},
    "/<service>/initial-visit/booked": {Role.PROSPECTIVE_CARER},
    "/<service>/initial-visit/change": {Role.PROSPECTIVE_CARER},
    "/<service>/initial-visit/cancel": {Role.PROSPECTIVE_CARER},
}

# The roles tests/staff/test_route_matrix.py already tries on every staff action.
ROUTE_MATRIX_REFUSES = STAFF_ROLES | {Role.APPROVED_CARER}
# The demo account that plays each role. The applicant is one at the paperwork stage, so
# the applicant's pages with ids have something to show.
ROLE_ACCOUNTS = {
    role: next(local for local, _, roles, _ in DEMO_ACCOUNTS if role in roles) for role in Role
} | {Role.PROSPECTIVE_CARER: "jo.patel"}
# Statuses a person the route allows may get: the page, a redirect (not to sign in), a
# form's own refusal of an empty post, or not found for an id that is not theirs; 204 is
# the answer with nothing to show ('Stay signed in').
ALLOWED = {200, 204, 301, 302, 303, 400, 404, 409, 410}


@dataclass(frozen=True)
class Design:
    """Who a route is for: `kind` is roles, signed-in, public, step, token or own."""

    kind: str
    roles: frozenset = frozenset()


def design_of(app, rule) -> Design | None:
    """What the route's view declares, or what the tables above say; None if neither."""
    view = app.view_functions[rule.endpoint]
    if rule.endpoint in TOKEN and "token" in rule.arguments:
        return Design("token")
    if rule.rule in DECIDED_IN_VIEW:
        return Design("roles", frozenset(DECIDED_IN_VIEW[rule.rule]))
    access = getattr(view, "access", None)
    if access == "roles":
        return Design("roles", view.allowed_roles)
    if access == "signed-in":
        return Design("signed-in", frozenset(Role))
    if rule.endpoint in PUBLIC:
        return Design("public", frozenset(Role))
    if rule.endpoint in SIGN_IN_STEPS:
        return Design("step", frozenset(Role))
    if rule.endpoint in OWN_RECORD:
        return Design("own")
    return None


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def _is_staff_action(rule) -> bool:
    return rule.rule.startswith("/<service>/staff") and "POST" in rule.methods


def _is_staff_page(rule) -> bool:
    return rule.rule.startswith("/<service>/staff") and "GET" in rule.methods


# ---- the demo, walked -------------------------------------------------------------------


@dataclass
class Demo:
    """The demo services with a signed-in client per role and a URL for every route."""

    people: dict  # who -> client
    roles: dict  # who -> frozenset of roles
    user_ids: dict  # who -> account id
    urls: dict  # route key -> URL with real ids
    tokens: dict  # endpoint -> the real secret for its URL
    lancashire: dict = field(default_factory=dict)  # role -> Lancashire client


def _complete_the_carers_workbook(app) -> int:
    """Every outcome of the demo carer's workbook accepted (one with a file) and signed
    off, so the certificate and the file open; returns the outcome with the file."""
    carer = _demo_user("carer")
    worker = _demo_user("supervising-social-worker")
    manager = _demo_user("manager")
    household = tsds.household_of(carer)
    evidence = tsds.evidence_of(household)
    now = utcnow()
    with_file = None
    with app.test_request_context(base_url=app.config["PUBLIC_URL"]):
        for standard in tsds.standards_of(household):
            for outcome in standard.outcomes:
                piece = evidence.get(outcome.id)
                if piece is not None and piece.status == EvidenceStatus.ACCEPTED:
                    continue
                upload = None
                if with_file is None:
                    with_file, upload = outcome.id, (DEMO_PDF, uploads.kind_of(DEMO_PDF))
                piece = tsds.save_evidence(
                    household, outcome, text="Done.", by=carer, send=True, now=now, upload=upload
                )
                tsds.review(piece, accept=True, comment="", by=worker, now=now)
        tsds.sign_off(household, by=manager, now=now)
    return with_file


def _demo_user(local: str, slug: str = SLUG) -> User:
    return db.session.scalar(select(User).where(User.email == f"{local}@{slug}.demo"))


@pytest.fixture
def demo(app):
    assert load_demo_data(only_if_empty=False)
    anonymous = app.test_client()
    offer_to_volunteer(anonymous)
    tokens = make_secrets(app)
    file_outcome = _complete_the_carers_workbook(app)
    people = {"anonymous": anonymous}
    roles = {"anonymous": frozenset()}
    for role, local in ROLE_ACCOUNTS.items():
        people[local] = demo_client(app, local)
        roles[local] = frozenset({role})
    public = [f"/{SLUG}/", f"/{SLUG}/young-people", f"/{SLUG}/foster-carers", f"/{SLUG}/events"]
    mine = [
        f"/{SLUG}/account",
        f"/{SLUG}/training",
        f"/{SLUG}/training/my-training",
        f"/{SLUG}/tsds",
        f"/{SLUG}/my-application",
        f"/{SLUG}/my-application/paperwork",
        f"/{SLUG}/young-people/messages",
        f"/{SLUG}/complaints/follow",
    ]
    staff = [f"/{SLUG}/staff/", f"/{SLUG}/staff/people/?q=demo"]
    found: dict[str, list[str]] = {}
    for who, starts in (
        ("anonymous", ["/", *public]),
        (ROLE_ACCOUNTS[Role.PROSPECTIVE_CARER], mine),
        (ROLE_ACCOUNTS[Role.APPROVED_CARER], mine),
        (ROLE_ACCOUNTS[Role.YOUNG_PERSON], mine),
        (ROLE_ACCOUNTS[Role.SERVICE_MANAGER], staff),
    ):
        walked = crawl(app, people[who], starts, within=f"/{SLUG}/", per_rule=1)
        for route, urls in walked.urls_by_rule().items():
            found.setdefault(route, []).extend(urls)
    user_ids = {
        local: db.session.scalar(select(User.id).where(User.email == f"{local}@{SLUG}.demo"))
        for local in ROLE_ACCOUNTS.values()
    }
    urls = url_for_every_route(app, found, tokens)
    # The manager's own account, which cannot be disabled: any other would end a session
    # this test goes on to use.
    urls["settings.disable_staff /<service>/staff/settings/staff/<int:user_id>/disable"] = (
        f"/{SLUG}/staff/settings/staff/{user_ids['manager']}/disable"
    )
    urls["tsds.evidence_file /<service>/tsds/outcomes/<int:outcome_id>/file"] = (
        f"/{SLUG}/tsds/outcomes/{file_outcome}/file"
    )
    return Demo(people, roles, user_ids, urls, tokens)


def _lancashire(app, demo: Demo, role: Role):
    """A Lancashire account holding `role`, signed in to Lancashire (once)."""
    if role not in demo.lancashire:
        demo.lancashire[role] = demo_client(app, ROLE_ACCOUNTS[role], OTHER_SLUG)
    return demo.lancashire[role]


def _owner(app, rule, url: str) -> int | None:
    """The id of the account whose own record the URL names, if anyone's."""
    _, values = match(app, urlsplit(url).path, method_of(rule))
    (record_id,) = (value for name, value in values.items() if name != "service")
    record = OWN_RECORD[rule.endpoint][1](record_id)
    return record.user_id if record is not None else None


def _other_role(design: Design) -> Role:
    """The role of the other service's account that tries a route: one the route allows."""
    return min(design.roles, default=Role.APPROVED_CARER)


def _ask(client, method: str, url: str, tokens: dict):
    if method == "GET":
        return client.get(url, buffered=True)
    token = tokens.get(id(client))
    if token is None:
        token = tokens[id(client)] = csrf_token(client)
    return client.post(url, data={"csrf_token": token})


def _fingerprint() -> dict[str, str]:
    """A digest of every table's rows: what a refused request must leave alone."""
    digests = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            rows = sorted(repr(tuple(row)) for row in connection.execute(table.select()))
            digests[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests


def _wrong(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def test_every_route_for_every_role_anonymous_and_the_other_service(app, demo):
    rules = _rules(app)
    unclassified = [key(rule) for rule in rules if design_of(app, rule) is None]
    assert not unclassified, (
        "These routes do not say who they are for: give the view @only_for(...) or "
        "@signed_in, or add the endpoint to PUBLIC, SIGN_IN_STEPS, TOKEN or OWN_RECORD in "
        f"{__file__} with a one-line reason:\n  " + "\n  ".join(unclassified)
    )
    endpoints = {rule.endpoint for rule in rules}
    listed = {*PUBLIC, *SIGN_IN_STEPS, *TOKEN, *OWN_RECORD}
    assert listed <= endpoints, f"listed but not routes: {sorted(listed - endpoints)}"
    no_url = [key(rule) for rule in rules if key(rule) not in demo.urls]
    assert not no_url, f"no page of the demo leads to, or reveals ids for: {no_url}"

    csrf: dict[int, str] = {}
    wrong: list[str] = []
    checked = 0
    to_allow = []
    for rule in rules:  # sign in first: signing in writes to the account
        _lancashire(app, demo, _other_role(design_of(app, rule)))
    before = _fingerprint()
    # Refusals first, all of them, so the database can be compared before and after.
    for rule in sorted(rules, key=key):
        design, url, method = design_of(app, rule), demo.urls[key(rule)], method_of(rule)
        if _is_staff_page(rule):
            continue  # tests/staff/test_route_matrix.py
        if design.kind == "token":
            # A wrong secret opens nothing, whoever asks.
            bad = url.replace(demo.tokens[rule.endpoint], _wrong(demo.tokens[rule.endpoint]))
            for who, client in demo.people.items():
                status = _ask(client, method, bad, csrf).status_code
                checked += 1
                if status != 404:
                    wrong.append(f"{who} {method} {bad}: {status}, expected 404")
            to_allow.append((rule, "anonymous", demo.people["anonymous"]))
            continue
        owner = _owner(app, rule, url) if design.kind == "own" else None
        for who, client in demo.people.items():
            allowed = not design.roles.isdisjoint(demo.roles[who]) or (
                owner is not None and demo.user_ids.get(who) == owner
            )
            if design.kind in {"public", "step"} or allowed:
                to_allow.append((rule, who, client))
                continue
            if _is_staff_action(rule) and demo.roles[who] & ROUTE_MATRIX_REFUSES:
                continue  # tests/staff/test_route_matrix.py
            response = _ask(client, method, url, csrf)
            checked += 1
            if design.kind == "own":
                expected, ok = "404", response.status_code == 404
            elif who == "anonymous":
                expected, ok = "sign in", is_sign_in(response)
            else:
                expected, ok = "403", response.status_code == 403
            if not ok:
                wrong.append(f"{who} {method} {url}: {response.status_code}, expected {expected}")
        # An account of the other service, holding a role the route allows.
        role = _other_role(design)
        other = _lancashire(app, demo, role)
        if design.kind in {"public", "step"}:
            to_allow.append((rule, f"Lancashire {role}", other))
            continue
        response = _ask(other, method, url, csrf)
        checked += 1
        expected_other = (
            response.status_code == 404 if design.kind == "own" else is_sign_in(response)
        )
        if not expected_other:
            wrong.append(
                f"Lancashire {role} {method} {url}: {response.status_code}, expected "
                + ("404" if design.kind == "own" else "sign in")
            )
    after = _fingerprint()
    changed = sorted(name for name in before if before[name] != after[name])
    assert not changed, f"refused requests changed these tables: {changed}"

    # Then everyone the route is for; signing out goes last, as it ends the session.
    to_allow.sort(key=lambda item: item[0].endpoint == "accounts.sign_out")
    reached = set()
    for rule, who, client in to_allow:
        design, url, method = design_of(app, rule), demo.urls[key(rule)], method_of(rule)
        if rule.endpoint == "accounts.sign_out" and who in ROLE_ACCOUNTS.values():
            continue  # ends the account's every session: tests/accounts prove it
        response = _ask(client, method, url, csrf)
        checked += 1
        status = response.status_code
        if design.kind == "token":
            ok = status in ALLOWED - {404}
        elif design.kind == "step":
            ok = status in ALLOWED
        elif design.kind == "own":
            ok = status in {302, 303} and not is_sign_in(response)
        else:
            also = {OBJECT_LEVEL[rule.endpoint]} if rule.endpoint in OBJECT_LEVEL else set()
            ok = status in ALLOWED | also and not is_sign_in(response)
        if status != 404:
            reached.add(key(rule))
        if not ok:
            wrong.append(f"{who} {method} {url}: {status}, expected the page")
    # The other service's account kept its own session through all of it.
    still = _lancashire(app, demo, Role.APPROVED_CARER).get(f"/{OTHER_SLUG}/account")
    assert still.status_code == 200

    assert wrong == [], "\n".join(wrong)
    # Someone the route is for reached it, for every route this test fetched.
    unreached = sorted(
        key(rule)
        for rule in rules
        if not _is_staff_page(rule) and method_of(rule) == "GET" and key(rule) not in reached
    )
    assert unreached == [], f"nobody the route is for got past not found: {unreached}"
    assert checked > 1000
    print(f"{checked} requests over {len(rules)} routes")


# ---- nobody opens another person's record -----------------------------------------------

# Routes outside the staff pages whose URL carries an id or a token, and what keeps each
# person to their own: each is tried below by a second person of the same role and service.
PERSONAL = {
    "training.show_booking": "a carer's training booking, by id",
    "training.booking_calendar": "a carer's training booking, by id",
    "training.accept_offer": "a carer's training booking, by id",
    "training.cancel_booking": "a carer's training booking, by id",
    "training.give_feedback": "a carer's training booking, by id",
    "tsds.outcome": "the household's own evidence for an outcome",
    "tsds.evidence_file": "the household's own file for an outcome",
    "paperwork.upload_item": "the applicant's own document for a checklist item",
    "paperwork.item_file": "the applicant's own document for a checklist item",
    "complaints.open_mine": "a signed-in person's own complaint, by id",
    "childrens_rights.open_my_conversation": "a young person's own messages, by id",
    **{endpoint: f"{reason}, checked per service" for endpoint, reason in TOKEN.items()},
}
# Ids in URLs of things everyone may see: no one's own record.
SHARED = {
    "events.show_event": "an information event, public",
    "events.book_event": "an information event, public",
    "training.show_course": "a course in the catalogue",
    "training.complete_module": "a course in the catalogue (the completion is the carer's)",
    "training.book_session": "a session in the catalogue",
    "pages.choose_language": "a language code",
}
# Staff pages whose record belongs to one member of staff, not to every holder of a role.
STAFF_OWN = {
    "visits.record_visit": "only the visitor who holds the visit writes its record",
    "assisted.show_action": "a confirmation is for the staff member who made it",
}


def test_every_id_or_token_in_a_url_is_checked_for_its_owner(app):
    with_ids = sorted(
        {
            rule.endpoint
            for rule in _rules(app)
            if rule.arguments - {"service"} and not rule.rule.startswith("/<service>/staff")
        }
    )
    unlisted = [endpoint for endpoint in with_ids if endpoint not in {*PERSONAL, *SHARED}]
    assert unlisted == [], (
        "These routes carry an id or token: add each to PERSONAL (and try it with a "
        "second person in the test below) or to SHARED, with its reason"
    )
    assert set(STAFF_OWN) <= set(ROUTE_MATRIX_OBJECT_LEVEL)


def _signed_in_as(app, user: User):
    client = app.test_client()
    demo = user.email.endswith(".demo")
    sign_in(client, user.email, DEMO_PASSWORD if demo else PASSWORD, service=user.service.slug)
    return client


def test_nobody_opens_another_persons_record(app, make_user):
    assert load_demo_data(only_if_empty=False)
    service = find_service(SLUG)
    now = utcnow()
    tried: set[str] = set()
    wrong: list[str] = []

    def expect(who, client, method, url, statuses=(404,)):
        rule, _ = match(app, urlsplit(url).path, method)
        tried.add(rule.endpoint)
        token = csrf_token(client, urlsplit(url).path.split("/")[1])
        if method == "GET":
            response = client.get(url, buffered=True)
        else:
            response = client.post(url, data={"csrf_token": token, "text": "Not mine."})
        if response.status_code not in statuses:
            wrong.append(f"{who} {method} {url}: {response.status_code}, expected {statuses}")
        return response

    carer, other_carer = _demo_user("carer"), _demo_user("kinship-carer")
    worker = _demo_user("supervising-social-worker")

    # Training bookings: the demo carer's, asked for by another carer of the service, and by
    # a Lancashire carer in Lancashire's URLs.
    booking = db.session.scalar(select(Booking).where(Booking.user_id == carer.id))
    assert booking is not None
    second = _signed_in_as(app, other_carer)
    elsewhere = demo_client(app, "carer", OTHER_SLUG)
    for suffix, method in (
        ("", "GET"),
        ("/calendar.ics", "GET"),
        ("/feedback", "GET"),
        ("/feedback", "POST"),
        ("/accept", "POST"),
        ("/cancel", "POST"),
    ):
        expect("another carer", second, method, f"/{SLUG}/training/bookings/{booking.id}{suffix}")
        expect(
            "a Lancashire carer",
            elsewhere,
            method,
            f"/{OTHER_SLUG}/training/bookings/{booking.id}{suffix}",
        )
    status_before = booking.status
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == status_before
    assert (
        _signed_in_as(app, carer).get(f"/{SLUG}/training/bookings/{booking.id}").status_code == 200
    )

    # TSDS: the carer's evidence and file on an outcome; another mainstream household of
    # the service opens the same outcome and sees only its own.
    household = tsds.household_of(carer)
    evidence = tsds.evidence_of(household)
    outcome = next(
        o for s in tsds.standards_of(household) for o in s.outcomes if o.id not in evidence
    )
    words = "Our own words about the placement, for our social worker only."
    with app.test_request_context(base_url=app.config["PUBLIC_URL"]):
        tsds.save_evidence(
            household,
            outcome,
            text=words,
            by=carer,
            send=False,
            now=now,
            upload=(DEMO_PDF, uploads.kind_of(DEMO_PDF)),
        )
        neighbour = make_user(service, Role.APPROVED_CARER, name="Nell Neighbour")
        tsds.create_household(
            service,
            name="Neighbour",
            carers=[neighbour],
            carer_type=CarerType.MAINSTREAM,
            approved_on=london_today(now),
            social_worker=worker,
        )
    second = _signed_in_as(app, neighbour)
    page = expect("another household", second, "GET", f"/{SLUG}/tsds/outcomes/{outcome.id}", (200,))
    assert words not in page.get_data(as_text=True)
    expect("another household", second, "GET", f"/{SLUG}/tsds/outcomes/{outcome.id}/file")
    expect("another household", second, "POST", f"/{SLUG}/tsds/outcomes/{outcome.id}", (302, 303))
    db.session.expire_all()
    assert tsds.evidence_of(tsds.household_of(carer))[outcome.id].text == words
    expect("a Lancashire carer", elsewhere, "GET", f"/{OTHER_SLUG}/tsds/outcomes/{outcome.id}")
    expect("a Lancashire carer", elsewhere, "GET", f"/{OTHER_SLUG}/tsds/outcomes/{outcome.id}/file")
    own = _signed_in_as(app, carer).get(f"/{SLUG}/tsds/outcomes/{outcome.id}/file", buffered=True)
    assert own.status_code == 200 and own.data == DEMO_PDF

    # Paperwork: Jo Patel's document; another applicant at the paperwork stage asks for it.
    jo = _demo_user("jo.patel")
    item = paperwork.checklist_items(service)[0]
    applicant = make_user(service, Role.PROSPECTIVE_CARER, name="Ari Applicant")
    visitor, recruiter = _demo_user("initial-visitor"), _demo_user("recruitment")
    with app.test_request_context(base_url=app.config["PUBLIC_URL"]):
        visit = demo_visit(
            service, visitor, applicant, now - timedelta(days=14), record=VISIT_RECORD
        )
        applications.decide(
            service,
            visit.record,
            decision=Stage.PAPERWORK,
            reasons="Ready.",
            present="Robin Recruitment",
            by=recruiter,
            now=now - timedelta(days=10),
        )
    second = _signed_in_as(app, applicant)
    expect("another applicant", second, "GET", f"/{SLUG}/my-application/paperwork/{item.id}/file")
    page = expect(
        "another applicant", second, "GET", f"/{SLUG}/my-application/paperwork/{item.id}", (200,)
    )
    assert f"/paperwork/{item.id}/file" not in page.get_data(as_text=True)
    own = _signed_in_as(app, jo).get(f"/{SLUG}/my-application/paperwork/{item.id}/file")
    assert own.status_code == 200

    # A signed-in person's complaint, opened by id without its words.
    with app.test_request_context(base_url=app.config["PUBLIC_URL"]):
        complaint, _ = complaints.make_complaint(
            service,
            complainant=Complainant.FOSTER_CARER,
            body="Our visits keep being cancelled.",
            now=now,
            locale="en",
            user_id=carer.id,
        )
    second = _signed_in_as(app, other_carer)
    expect("another carer", second, "POST", f"/{SLUG}/complaints/mine/{complaint.id}")
    assert is_sign_in(second.get(f"/{SLUG}/complaints/yours")) is False
    assert "follow" in second.get(f"/{SLUG}/complaints/yours").headers["Location"]
    expect("a Lancashire carer", elsewhere, "POST", f"/{OTHER_SLUG}/complaints/mine/{complaint.id}")
    owner = _signed_in_as(app, carer)
    expect("its owner", owner, "POST", f"/{SLUG}/complaints/mine/{complaint.id}", (302,))
    assert "cancelled" in owner.get(f"/{SLUG}/complaints/yours").get_data(as_text=True)

    # A young person's messages, opened by id without the words.
    young_person = _demo_user("young-person")
    conversation = db.session.scalar(
        select(Conversation).where(Conversation.user_id == young_person.id)
    )
    other_young_person = make_user(service, Role.YOUNG_PERSON, name="Riley")
    second = _signed_in_as(app, other_young_person)
    url = f"/{SLUG}/young-people/messages/mine/{conversation.id}"
    expect("another young person", second, "POST", url)
    assert "/young-people/messages" in second.get(f"/{SLUG}/young-people/messages/thread").location
    lancashire_young = demo_client(app, "young-person", OTHER_SLUG)
    expect(
        "a Lancashire young person",
        lancashire_young,
        "POST",
        f"/{OTHER_SLUG}/young-people/messages/mine/{conversation.id}",
    )
    owner = _signed_in_as(app, young_person)
    expect("its owner", owner, "POST", url, (302,))
    assert "change my school" in owner.get(f"/{SLUG}/young-people/messages/thread").get_data(
        as_text=True
    )

    # Secrets in URLs: each opens its own record in its own service and nothing elsewhere
    # (a wrong secret is not found: see the access map above).
    tokens = make_secrets(app)
    anonymous = app.test_client()
    adapter = app.url_map.bind("localhost")
    for rule in _rules(app):
        if rule.endpoint in TOKEN and "token" in rule.arguments:
            token = tokens[rule.endpoint]
            url = adapter.build(
                rule.endpoint, {"service": OTHER_SLUG, "token": token}, method=method_of(rule)
            )
            expect("anyone, in Lancashire", anonymous, method_of(rule), url)
    enquired = post(app.test_client(), f"/{SLUG}/enquire", enquiry("Oda Other", "oda@example.org"))
    other_token = enquired.headers["Location"].rsplit("/", 1)[-1]
    references = {
        enquiry.email: enquiry.reference for enquiry in db.session.scalars(select(Enquiry))
    }
    page = anonymous.get(f"/{SLUG}/enquiry/{other_token}").get_data(as_text=True)
    assert references["oda@example.org"] in page
    assert references["eli@example.org"] not in page

    # Staff records held by one member of staff: another holder of the same role.
    lee = db.session.scalar(select(User).where(User.email == f"lee.morgan@{SLUG}.demo"))
    visit = db.session.scalar(select(VisitBooking).where(VisitBooking.user_id == lee.id))
    second_visitor = make_user(service, Role.INITIAL_VISITOR, name="Ivy Visitor")
    second = _signed_in_as(app, second_visitor)
    url = f"/{SLUG}/staff/initial-visits/{visit.id}/record"
    expect("another initial visitor", second, "GET", url, (403, 404))
    expect("another initial visitor", second, "POST", url, (403, 404))
    assert demo_client(app, "initial-visitor").get(url).status_code == 200
    action = db.session.scalar(select(AssistedAction))
    second_recruiter = make_user(service, Role.RECRUITMENT, name="Rae Recruiter")
    second = _signed_in_as(app, second_recruiter)
    url = f"/{SLUG}/staff/for-someone/made/{action.id}"
    expect("another of the recruitment team", second, "GET", url)
    assert demo_client(app, "recruitment").get(url).status_code == 200

    assert wrong == [], "\n".join(wrong)
    untried = sorted({*PERSONAL, *STAFF_OWN} - tried)
    assert untried == [], f"routes in PERSONAL not tried with a second person: {untried}"
