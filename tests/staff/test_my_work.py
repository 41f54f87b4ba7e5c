"""My work: each role's queues and counts, assigning and marking items done (with and
without htmx), who may act on what, constant queries, and the demo data's counts."""

from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from portal.accounts.models import Role, User
from portal.applications.models import Application, Stage
from portal.childrens_rights import services as childrens_rights
from portal.childrens_rights.models import Conversation, ConversationStatus
from portal.complaints import services as complaints
from portal.complaints.models import Complainant, Complaint, ComplaintStage, Outcome
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.models import AuditEvent
from portal.demo.services import DEMO_PASSWORD, load_demo_data
from portal.panels.models import PanelCase
from portal.paperwork.models import DocumentStatus, PaperworkDocument, PaperworkItem
from portal.staff import services
from portal.staff.models import WorkItem, WorkKind
from portal.tsds.models import Evidence, EvidenceStatus
from portal.visits.models import BookingStatus, VisitBooking, VisitMode, VisitRecord, VisitSlot
from tests.conftest import csrf_from, parse, sign_in

HOME = "/leicestershire/staff/"


# ---- factories -------------------------------------------------------------------------


def complaint(service, days_ago=0):
    with current_app.test_request_context(f"/{service.slug}/"):
        made, _ = complaints.make_complaint(
            service,
            complainant=Complainant.FOSTER_CARER,
            body="Our visits keep being cancelled.",
            now=utcnow() - timedelta(days=days_ago),
            locale="en",
        )
    return made


def conversation(service, body="Can I change my school?"):
    with current_app.test_request_context(f"/{service.slug}/"):
        made, _ = childrens_rights.start_conversation(
            service,
            body=body,
            name="",
            age=None,
            how_to_reach="",
            safe_times="",
            locale="en",
            now=utcnow(),
        )
    return made


def visit_due(service, visitor, name="Pat Applicant", days_ago=3):
    """A visit that took place `days_ago` days ago whose record is not written."""
    starts = utcnow().replace(microsecond=0) - timedelta(days=days_ago)
    slot = VisitSlot(
        service_id=service.id,
        visitor_id=visitor.id,
        locality_id=service.localities[0].id,
        mode=VisitMode.AT_HOME,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    db.session.add(slot)
    db.session.flush()
    booking = VisitBooking(
        service_id=service.id,
        slot_id=slot.id,
        status=BookingStatus.BOOKED,
        name=name,
        email=f"{name.split()[0].lower()}{slot.id}@example.org",
    )
    db.session.add(booking)
    db.session.commit()
    return booking


def counts(page) -> dict[str, int]:
    """The count shown for each queue in the page's summary."""
    return {
        tag["data-count"]: int(tag.get_text())
        for tag in page.soup.select("#work-counts [data-count]")
    }


def item_keys(page, queue: str) -> list[str]:
    return [li["id"].removeprefix("item-") for li in page.soup.select(f"#queue-{queue} li")]


def post_action(client, page, url, data=None, **kwargs):
    return client.post(url, data={"csrf_token": csrf_from(page), **(data or {})}, **kwargs)


# ---- what each role sees ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "queues"),
    [
        (Role.SERVICE_MANAGER, [queue.key for queue in services.QUEUES]),
        (Role.COMPLAINTS_MANAGER, ["complaints"]),
        (Role.CHILDRENS_RIGHTS_OFFICER, ["urgent-messages", "messages"]),
        (Role.INITIAL_VISITOR, ["visit-records"]),
        (
            Role.RECRUITMENT,
            ["visit-records", "decisions", "paperwork", "event-waiting-lists"],
        ),
        (Role.SUPERVISING_SOCIAL_WORKER, ["tsds-evidence"]),
        (Role.ASSESSING_SOCIAL_WORKER, ["assessments"]),
        (Role.TRAINING_COORDINATOR, ["training-waiting-lists"]),
    ],
)
def test_each_role_sees_the_queues_of_its_work(client_request, login_as, role, queues):
    login_as(role)
    page = client_request.get(HOME)
    assert page.h1 == "My work"
    assert list(counts(page)) == queues
    assert [
        s["id"].removeprefix("queue-")
        for s in page.soup.select("[id^=queue-]")
        if not s["id"].endswith("-heading")
    ] == queues
    assert page.response.headers["Cache-Control"] == "no-store"


def test_complaints_come_soonest_due_first_with_their_due_date_and_page(
    client_request, login_as, leicestershire
):
    login_as(Role.COMPLAINTS_MANAGER)
    newer = complaint(leicestershire)
    older = complaint(leicestershire, days_ago=30)
    page = client_request.get(HOME)
    assert counts(page) == {"complaints": 2}
    links = page.soup.select("#queue-complaints li h3 a")
    assert [a.get_text() for a in links] == [older.reference, newer.reference]
    assert links[0]["href"] == f"/leicestershire/staff/complaints/{older.id}"
    first = page.soup.select_one("#queue-complaints li")
    assert "Overdue" in first.get_text()
    due = older.stages[0].due_on
    assert f"Due: {due.day} {due:%b %Y}" in first.get_text(" ", strip=True)
    see_all = page.soup.select("#queue-complaints a")[-1]
    assert see_all["href"] == "/leicestershire/staff/complaints"


def test_a_queue_shows_its_five_most_urgent_and_counts_them_all(
    client_request, login_as, leicestershire
):
    login_as(Role.COMPLAINTS_MANAGER)
    for days in range(7):
        complaint(leicestershire, days_ago=days)
    page = client_request.get(HOME)
    assert counts(page) == {"complaints": 7}
    assert len(item_keys(page, "complaints")) == 5
    assert "Showing the 5 most urgent of 7." in page.text()


def test_an_initial_visitor_sees_only_records_due_for_their_own_visits(
    client_request, login_as, make_user, leicestershire
):
    visitor = login_as(Role.INITIAL_VISITOR)
    colleague = make_user(leicestershire, Role.INITIAL_VISITOR)
    mine = visit_due(leicestershire, visitor, "Mo Mine")
    visit_due(leicestershire, colleague, "Theo Theirs")
    page = client_request.get(HOME)
    assert item_keys(page, "visit-records") == [f"visit-record-{mine.id}"]
    link = page.soup.select_one("#queue-visit-records li h3 a")
    assert link["href"] == f"/leicestershire/staff/initial-visits/{mine.id}/record"


def test_a_recruitment_officer_sees_every_visitors_records_due(
    client_request, login_as, make_user, leicestershire
):
    login_as(Role.RECRUITMENT)
    visitor = make_user(leicestershire, Role.INITIAL_VISITOR)
    visit_due(leicestershire, visitor, "Ana One")
    visit_due(leicestershire, visitor, "Ben Two", days_ago=10)
    page = client_request.get(HOME)
    assert counts(page)["visit-records"] == 2
    first = page.soup.select_one("#queue-visit-records li")
    assert "Ben Two" in first.get_text() and "Overdue" in first.get_text()
    assert first.select_one("a")["href"] == "/leicestershire/staff/initial-visits#records-due"


def test_urgent_messages_have_their_own_queue(client_request, login_as, leicestershire):
    login_as(Role.CHILDRENS_RIGHTS_OFFICER)
    urgent = conversation(leicestershire, "I want to hurt myself")
    other = conversation(leicestershire)
    page = client_request.get(HOME)
    assert item_keys(page, "urgent-messages") == [f"message-{urgent.id}"]
    assert item_keys(page, "messages") == [f"message-{other.id}"]
    assert "Urgent" in page.soup.select_one("#queue-urgent-messages li").get_text()


def test_other_services_records_are_never_in_the_queues(
    client_request, login_as, lancashire, leicestershire
):
    login_as(Role.SERVICE_MANAGER)
    complaint(lancashire)
    conversation(lancashire, "I want to hurt myself")
    page = client_request.get(HOME)
    assert set(counts(page).values()) == {0}


# ---- assigning -------------------------------------------------------------------------


def test_assigning_an_item_records_it_audits_it_and_filters_to_mine(
    client, client_request, login_as, make_user, leicestershire
):
    manager = login_as(Role.COMPLAINTS_MANAGER)
    colleague = make_user(leicestershire, Role.COMPLAINTS_MANAGER, name="Cam Colleague")
    assigned = complaint(leicestershire)
    other = complaint(leicestershire, days_ago=2)
    stage = assigned.stages[0]
    page = client_request.get(HOME)
    select_ = page.soup.find(id=f"assign-complaint-{stage.id}-assignee")
    assert [o.get_text() for o in select_.select("option")] == [
        "Nobody",
        "Cam Colleague",
        manager.name,
    ]
    response = post_action(
        client,
        page,
        f"/leicestershire/staff/my-work/complaint/{stage.id}/assign",
        {f"assign-complaint-{stage.id}-assignee": str(manager.id)},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/leicestershire/staff/#queue-complaints"
    item = db.session.scalar(select(WorkItem))
    assert (item.kind, item.object_id, item.assigned_to_id) == (
        WorkKind.COMPLAINT,
        stage.id,
        manager.id,
    )
    audit_row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "work.assigned"))
    assert audit_row.actor_id == manager.id and audit_row.detail["to"] == manager.id

    page = client_request.get(HOME)
    assert f"{assigned.reference} assigned to {manager.name}." in page.text()
    mine = client_request.get(HOME + "?show=mine")
    assert item_keys(mine, "complaints") == [f"complaint-{stage.id}"]
    assert counts(mine) == {"complaints": 1}
    assert mine.title.startswith("My work: assigned to me")
    assert f"complaint-{other.stages[0].id}" in item_keys(page, "complaints")

    # a colleague's 'mine' does not include it
    post_action(
        client,
        page,
        f"/leicestershire/staff/my-work/complaint/{stage.id}/assign?show=mine",
        {f"assign-complaint-{stage.id}-assignee": str(colleague.id)},
    )
    assert counts(client_request.get(HOME + "?show=mine")) == {"complaints": 0}


def test_a_conversation_has_one_assignee_whichever_page_sets_it(
    client, client_request, login_as, make_user, leicestershire
):
    """The Children's Rights page and My work read and write the conversation's own
    assignee, so they never disagree."""
    officer = login_as(Role.CHILDRENS_RIGHTS_OFFICER)
    colleague = make_user(leicestershire, Role.CHILDRENS_RIGHTS_OFFICER, name="Cal Colleague")
    talk = conversation(leicestershire)
    page = client_request.get(HOME)
    post_action(
        client,
        page,
        f"/leicestershire/staff/my-work/message/{talk.id}/assign",
        {f"assign-message-{talk.id}-assignee": str(colleague.id)},
    )
    assert db.session.get(Conversation, talk.id).assigned_to_id == colleague.id
    assert db.session.scalar(select(WorkItem.assigned_to_id)) is None

    childrens_rights.assign(db.session.get(Conversation, talk.id), officer, by=officer)
    mine = client_request.get(HOME + "?show=mine")
    assert item_keys(mine, "messages") == [f"message-{talk.id}"]

    post_action(
        client,
        client_request.get(HOME),
        f"/leicestershire/staff/my-work/message/{talk.id}/assign",
        {f"assign-message-{talk.id}-assignee": ""},
    )
    assert db.session.get(Conversation, talk.id).assigned_to_id is None


def test_items_go_only_to_colleagues_of_the_same_service_who_work_the_queue(
    client, client_request, login_as, make_user, leicestershire, lancashire
):
    login_as(Role.COMPLAINTS_MANAGER)
    elsewhere = make_user(lancashire, Role.COMPLAINTS_MANAGER)
    trainer = make_user(leicestershire, Role.TRAINING_COORDINATOR)
    stage = complaint(leicestershire).stages[0]
    page = client_request.get(HOME)
    field = f"assign-complaint-{stage.id}-assignee"
    for person in (elsewhere, trainer):
        response = post_action(
            client,
            page,
            f"/leicestershire/staff/my-work/complaint/{stage.id}/assign",
            {field: str(person.id)},
        )
        refused = parse(response)
        assert response.status_code == 200
        assert refused.error_for(field) == "Choose a colleague who works on this queue"
        assert refused.error_summary() == ["Choose a colleague who works on this queue"]
    assert db.session.scalar(select(func.count(WorkItem.id))) == 0


def test_with_htmx_an_action_returns_its_queue_and_the_counts(
    client, client_request, login_as, leicestershire
):
    manager = login_as(Role.COMPLAINTS_MANAGER)
    stage = complaint(leicestershire).stages[0]
    page = client_request.get(HOME)
    response = post_action(
        client,
        page,
        f"/leicestershire/staff/my-work/complaint/{stage.id}/assign",
        {f"assign-complaint-{stage.id}-assignee": str(manager.id)},
        headers={"HX-Request": "true"},
    )
    partial = parse(response)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert partial.soup.find("html") is None
    heading = partial.soup.find(id="queue-complaints-heading")
    assert heading.has_attr("data-focus-after-swap")
    assert (
        partial.soup.select_one("[role=status]")
        .get_text(strip=True)
        .endswith(f"assigned to {manager.name}.")
    )
    assert partial.soup.find(id="work-counts")["hx-swap-oob"] == "innerHTML"

    response = post_action(
        client,
        page,
        f"/leicestershire/staff/my-work/complaint/{stage.id}/done",
        headers={"HX-Request": "true"},
    )
    partial = parse(response)
    assert "Nothing waiting." in partial.text()
    assert counts(partial) == {"complaints": 0}


def test_the_page_polls_the_counts_partial(client_request, login_as, leicestershire):
    login_as(Role.COMPLAINTS_MANAGER)
    complaint(leicestershire)
    page = client_request.get(HOME + "?show=mine")
    poller = page.soup.find(id="work-counts")
    assert poller["hx-trigger"] == "every 60s"
    assert poller["hx-get"] == "/leicestershire/staff/?show=mine&part=counts"
    partial = client_request.get(HOME + "?part=counts", headers={"HX-Request": "true"})
    assert partial.soup.find("h1") is None
    assert [li.get_text(" ", strip=True) for li in partial.soup.select("li")] == [
        "Complaints to answer : 1"
    ]


# ---- marking done ----------------------------------------------------------------------


def test_marking_done_takes_an_item_off_my_work_for_everyone(
    client, app, client_request, login_as, leicestershire
):
    officer = login_as(Role.CHILDRENS_RIGHTS_OFFICER)
    handled = conversation(leicestershire)
    conversation(leicestershire)
    page = client_request.get(HOME)
    response = post_action(client, page, f"/leicestershire/staff/my-work/message/{handled.id}/done")
    assert response.status_code == 302
    page = client_request.get(HOME)
    assert counts(page)["messages"] == 1
    assert f"message-{handled.id}" not in item_keys(page, "messages")
    assert f"{handled.reference} marked done." in page.text()
    item = db.session.scalar(select(WorkItem))
    assert item.done_by_id == officer.id and item.done_at is not None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "work.done"))

    # it stays in the feature's own list, and comes back when the young person writes again
    assert handled.reference in client_request.get("/leicestershire/staff/childrens-rights").text()
    with app.test_request_context("/leicestershire/"):
        childrens_rights.young_person_replies(
            db.session.get(Conversation, handled.id), "Any news?", utcnow() + timedelta(seconds=1)
        )
    assert f"message-{handled.id}" in item_keys(client_request.get(HOME), "messages")


def test_an_urgent_message_cannot_be_marked_done_only_closed(
    client, client_request, login_as, leicestershire
):
    login_as(Role.CHILDRENS_RIGHTS_OFFICER)
    urgent = conversation(leicestershire, "I want to hurt myself")
    page = client_request.get(HOME)
    item = page.soup.find(id=f"item-message-{urgent.id}")
    assert item.find("button", string=lambda s: s and "Mark done" in s) is None
    response = post_action(client, page, f"/leicestershire/staff/my-work/message/{urgent.id}/done")
    assert response.status_code == 403


def test_a_finished_item_leaves_the_queue_by_itself(client_request, login_as, leicestershire):
    manager = login_as(Role.COMPLAINTS_MANAGER)
    made = complaint(leicestershire)
    with current_app.test_request_context("/leicestershire/"):
        complaints.respond(
            made.stage, response="We are sorry.", outcome=Outcome.UPHELD, by=manager, now=utcnow()
        )
    assert counts(client_request.get(HOME)) == {"complaints": 0}


# ---- who may act on what ---------------------------------------------------------------


def test_actions_are_refused_outside_the_persons_queues_and_service(
    client, client_request, login_as, make_user, leicestershire, lancashire
):
    login_as(Role.COMPLAINTS_MANAGER)
    page = client_request.get(HOME)
    theirs = complaint(lancashire).stages[0]
    message = conversation(leicestershire)
    visitor = make_user(leicestershire, Role.INITIAL_VISITOR)
    visit = visit_due(leicestershire, visitor)
    base = "/leicestershire/staff/my-work"
    cases = [
        (f"{base}/complaint/{theirs.id}/done", 404),  # another service's complaint
        (f"{base}/complaint/999999/assign", 404),
        (f"{base}/nonsense/1/done", 404),
        (f"{base}/message/{message.id}/done", 403),  # not a complaints manager's queue
        (f"{base}/visit-record/{visit.id}/assign", 403),
    ]
    for url, status in cases:
        assert post_action(client, page, url).status_code == status, url
    assert client.post(f"{base}/message/{message.id}/done").status_code == 400  # no CSRF
    assert db.session.scalar(select(func.count(WorkItem.id))) == 0


def test_an_initial_visitor_cannot_act_on_a_colleagues_visit(
    client, client_request, login_as, make_user, leicestershire
):
    login_as(Role.INITIAL_VISITOR)
    colleague = make_user(leicestershire, Role.INITIAL_VISITOR)
    visit = visit_due(leicestershire, colleague)
    page = client_request.get(HOME)
    url = f"/leicestershire/staff/my-work/visit-record/{visit.id}/done"
    assert post_action(client, page, url).status_code == 404


def test_people_without_a_staff_role_cannot_act(client, client_request, login_as, leicestershire):
    login_as(Role.APPROVED_CARER)
    stage = complaint(leicestershire).stages[0]
    page = client_request.get("/leicestershire/account")
    url = f"/leicestershire/staff/my-work/complaint/{stage.id}/done"
    assert post_action(client, page, url).status_code == 403


# ---- links to the rest of the workspace --------------------------------------------------


def test_workspace_links_appear_only_where_the_page_exists_and_for_the_right_roles(app):
    manager = User(role_rows=[])
    from portal.accounts.models import UserRole

    manager.role_rows = [UserRole(role=Role.SERVICE_MANAGER)]
    visitor = User(role_rows=[UserRole(role=Role.INITIAL_VISITOR)])
    endpoints = {"people.search", "performance.report", "audit_log.index"}
    assert [e for e, _ in services.workspace_links(manager, endpoints)] == [
        "people.search",
        "performance.report",
        "audit_log.index",
    ]
    assert [e for e, _ in services.workspace_links(visitor, endpoints)] == ["people.search"]


def test_the_home_page_keeps_every_tool_link(client_request, login_as):
    login_as(Role.SERVICE_MANAGER)
    page = client_request.get(HOME)
    tools = [a["href"] for a in page.soup.select("[aria-labelledby=your-tools] a")]
    for href in (
        "/leicestershire/staff/enquiries",
        "/leicestershire/staff/complaints",
        "/leicestershire/staff/invitations",
        "/leicestershire/account",
    ):
        assert any(link.startswith(href) for link in tools), href


# ---- queries stay constant -------------------------------------------------------------


def test_my_work_runs_the_same_queries_for_a_little_or_a_lot_of_work(app, client, count_queries):
    assert load_demo_data(only_if_empty=False)
    client = _demo_client(app, "leicestershire", "manager")
    service = db.session.scalar(
        select(User).where(User.email == "manager@leicestershire.demo")
    ).service
    visitor = db.session.scalar(
        select(User).where(User.email == "initial-visitor@leicestershire.demo")
    )
    sizes = []
    for extra in (0, 12):
        for n in range(extra):
            complaint(service, days_ago=n)
            conversation(service)
            conversation(service, "I want to hurt myself")
            visit_due(service, visitor, f"Extra Person{n}", days_ago=3 + n)
        with count_queries() as counted:
            page = parse(client.get(HOME))
        assert page.status == 200
        sizes.append((counted["n"], sum(counts(page).values())))
    (small_queries, small_items), (large_queries, large_items) = sizes
    assert large_items == small_items + 12 * 4
    assert small_queries == large_queries


# ---- the demo data ---------------------------------------------------------------------


def _demo_client(app, slug, local):
    client = app.test_client()
    sign_in(client, f"{local}@{slug}.demo", DEMO_PASSWORD, service=slug)
    return client


def _scalar(query) -> int:
    return db.session.scalar(query)


def _expected(service_id: int, visitor_id: int | None = None) -> dict[str, int]:
    """Each queue's count straight from the records, independently of the queue code."""
    now = utcnow()
    open_conversations = select(func.count(Conversation.id)).where(
        Conversation.service_id == service_id, Conversation.status == ConversationStatus.OPEN
    )
    latest_stage = (
        select(func.max(ComplaintStage.number))
        .where(ComplaintStage.complaint_id == Complaint.id)
        .correlate(Complaint)
        .scalar_subquery()
    )
    visits_due = (
        select(func.count(VisitBooking.id))
        .join(VisitSlot, VisitSlot.id == VisitBooking.slot_id)
        .outerjoin(VisitRecord, VisitRecord.booking_id == VisitBooking.id)
        .where(
            VisitBooking.service_id == service_id,
            VisitBooking.status == BookingStatus.BOOKED,
            VisitSlot.starts_at <= now,
            VisitRecord.id.is_(None),
        )
    )
    if visitor_id:
        visits_due = visits_due.where(VisitSlot.visitor_id == visitor_id)
    return {
        "urgent-messages": _scalar(open_conversations.where(Conversation.is_urgent.is_(True))),
        "messages": _scalar(open_conversations.where(Conversation.is_urgent.is_(False))),
        "complaints": _scalar(
            select(func.count(Complaint.id))
            .join(ComplaintStage, ComplaintStage.complaint_id == Complaint.id)
            .where(
                Complaint.service_id == service_id,
                Complaint.closed_on.is_(None),
                ComplaintStage.number == latest_stage,
                ComplaintStage.responded_on.is_(None),
            )
        ),
        "visit-records": _scalar(visits_due),
        "decisions": _scalar(
            select(func.count(VisitRecord.id))
            .outerjoin(Application, Application.visit_booking_id == VisitRecord.booking_id)
            .where(VisitRecord.service_id == service_id, Application.id.is_(None))
        ),
        "paperwork": _scalar(
            select(func.count(PaperworkDocument.id))
            .join(Application)
            .join(PaperworkItem)
            .where(
                Application.service_id == service_id,
                Application.stage == Stage.PAPERWORK,
                PaperworkDocument.status == DocumentStatus.UPLOADED,
                PaperworkItem.is_active.is_(True),
            )
        ),
        "tsds-evidence": _scalar(
            select(func.count(Evidence.id)).where(
                Evidence.service_id == service_id, Evidence.status == EvidenceStatus.SUBMITTED
            )
        ),
        "agency-decisions": _scalar(
            select(func.count(PanelCase.id)).where(
                PanelCase.service_id == service_id,
                PanelCase.recommendation.is_not(None),
                PanelCase.decision.is_(None),
            )
        ),
    }


@pytest.mark.parametrize("slug", ["leicestershire", "lancashire"])
def test_the_demo_accounts_see_counts_that_match_the_records(app, slug):
    assert load_demo_data(only_if_empty=False)
    for local, queues in [
        ("manager", None),
        ("complaints", ["complaints"]),
        ("childrens-rights", ["urgent-messages", "messages"]),
        ("recruitment", ["visit-records", "decisions", "paperwork"]),
        ("initial-visitor", ["visit-records"]),
        ("supervising-social-worker", ["tsds-evidence"]),
    ]:
        person = db.session.scalar(select(User).where(User.email == f"{local}@{slug}.demo"))
        expected = _expected(
            person.service_id, visitor_id=person.id if local == "initial-visitor" else None
        )
        shown = counts(parse(_demo_client(app, slug, local).get(f"/{slug}/staff/")))
        for queue in queues or expected:
            assert shown[queue] == expected[queue], f"{local}@{slug}: {queue}"
    # the demo gives the manager something in most queues, so the check means something
    manager_counts = counts(parse(_demo_client(app, slug, "manager").get(f"/{slug}/staff/")))
    assert sum(1 for n in manager_counts.values() if n) >= 5
