"""The people pages: who may search and open whom, errors, the audit log and query counts."""

import pytest
from sqlalchemy import select

from portal.accounts.models import STAFF_ROLES, Role
from portal.core.extensions import db
from portal.core.models import AuditEvent
from portal.people.services import YOUNG_PEOPLE_READERS
from tests.conftest import ClientRequest, sign_in
from tests.people.helpers import applicant_history, carer_history, young_person_history
from tests.visits.helpers import make_enquiry

SEARCH = "/leicestershire/staff/people/"
ALL_STAFF = sorted(STAFF_ROLES)
PEOPLE = (Role.PROSPECTIVE_CARER, Role.APPROVED_CARER, Role.YOUNG_PERSON)


def _signed_in(app, user) -> ClientRequest:
    client = ClientRequest(app.test_client())
    sign_in(client, user.email, service=user.service.slug)
    return client


def _person_url(user, service="leicestershire") -> str:
    return f"/{service}/staff/people/{user.id}"


@pytest.mark.parametrize("role", ALL_STAFF)
def test_every_staff_role_can_search(client_request, login_as, role):
    login_as(role)
    page = client_request.get(SEARCH)
    assert page.h1 == "Find a person"
    assert page.soup.find("input", attrs={"name": "q"}) is not None
    assert page.response.headers["Cache-Control"] == "no-store"
    assert page.soup.find(id="results") is None  # nothing searched yet


@pytest.mark.parametrize("role", PEOPLE)
def test_applicants_carers_and_young_people_are_refused(client_request, login_as, role):
    login_as(role)
    client_request.get(SEARCH, expected_status=403)


def test_anonymous_people_are_asked_to_sign_in(client_request, leicestershire, make_user):
    carer = make_user(leicestershire, Role.APPROVED_CARER)
    for url in (SEARCH, _person_url(carer)):
        response = client_request.client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/leicestershire/sign-in")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter a name, email address or reference"),
        ("   ", "Enter a name, email address or reference"),
        ("a", "Name, email address or reference must be 2 characters or more"),
        ("x" * 201, "Name, email address or reference must be 200 characters or fewer"),
    ],
)
def test_an_empty_or_too_short_search_says_what_to_do_beside_the_field(
    client_request, login_as, typed, message
):
    login_as(Role.RECRUITMENT)
    page = client_request.get(SEARCH, query_string={"q": typed})
    assert page.error_for("q") == message
    assert page.error_summary() == [message]
    assert page.title.startswith("Error:")
    assert page.soup.find("input", attrs={"name": "q"})["value"] == typed.strip()
    assert page.soup.find(id="results") is None


def test_a_search_lists_people_and_enquiries_and_links_only_to_people(
    client_request, login_as, leicestershire, make_user
):
    carer = make_user(leicestershire, Role.APPROVED_CARER, name="Morgan Carer")
    make_enquiry(leicestershire, "t1", name="Morgan Enquirer", reference="E-ABC234")
    login_as(Role.TRAINING_COORDINATOR)

    page = client_request.get(SEARCH, query_string={"q": "morgan"})

    results = page.soup.find(id="results")
    assert results.h2.get_text(strip=True) == "2 found"
    links = [a["href"] for a in results.select("a")]
    assert links == [_person_url(carer)]
    assert "Enquiry E-ABC234" in results.get_text()
    assert "no account yet" in results.get_text()
    assert page.soup.find("input", attrs={"name": "q"})["value"] == "morgan"


def test_results_come_with_pages(client_request, login_as, leicestershire, make_user):
    for n in range(27):
        make_user(leicestershire, Role.PROSPECTIVE_CARER, name=f"Taylor {n:02d}")
    login_as(Role.RECRUITMENT)

    first = client_request.get(SEARCH, query_string={"q": "taylor"})
    assert len(first.soup.select("#results .app-people-results > li")) == 25
    next_link = first.soup.select_one(".govuk-pagination__next a")["href"]
    second = client_request.get(next_link)
    assert len(second.soup.select("#results .app-people-results > li")) == 2
    assert "Showing 26 to 27 of 27" in second.text()


def test_searching_costs_the_same_queries_however_many_match(
    client_request, login_as, leicestershire, make_user, count_queries
):
    login_as(Role.SERVICE_MANAGER)

    def queries() -> int:
        with count_queries() as counted:
            client_request.get(SEARCH, query_string={"q": "taylor"})
        return counted["n"]

    for n in range(3):
        make_user(leicestershire, Role.APPROVED_CARER, name=f"Taylor {n}")
        make_enquiry(leicestershire, f"few{n}", name=f"Taylor Enquirer {n}")
    few = queries()
    for n in range(3, 40):
        make_user(leicestershire, Role.APPROVED_CARER, name=f"Taylor {n}")
        make_enquiry(leicestershire, f"many{n}", name=f"Taylor Enquirer {n}")
    assert queries() == few


# ---- a person's page ------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_STAFF)
def test_who_may_open_an_adults_and_a_young_persons_page(app, leicestershire, make_user, role):
    viewer = make_user(leicestershire, role)
    client = _signed_in(app, viewer)
    carer = make_user(leicestershire, Role.APPROVED_CARER, name="Casey Carer")
    applicant = make_user(leicestershire, Role.PROSPECTIVE_CARER, name="Alex Applicant")
    young = make_user(leicestershire, Role.YOUNG_PERSON, name="Jordan Young")

    assert client.get(_person_url(carer)).h1 == "Casey Carer"
    assert client.get(_person_url(applicant)).h1 == "Alex Applicant"
    if role in YOUNG_PEOPLE_READERS:
        page = client.get(_person_url(young))
        assert page.h1 == "Jordan Young"
        assert "written to the audit log" in page.text()
    else:
        client.get(_person_url(young), expected_status=404)


@pytest.mark.parametrize("role", PEOPLE)
def test_people_cannot_open_each_others_pages(app, leicestershire, make_user, role):
    other = make_user(leicestershire, Role.APPROVED_CARER)
    client = _signed_in(app, make_user(leicestershire, role))
    client.get(_person_url(other), expected_status=403)


def test_another_services_people_and_staff_accounts_are_not_found(
    app, leicestershire, lancashire, make_user
):
    client = _signed_in(app, make_user(leicestershire, Role.SERVICE_MANAGER))
    elsewhere = make_user(lancashire, Role.APPROVED_CARER)
    colleague = make_user(leicestershire, Role.RECRUITMENT)
    client.get(_person_url(elsewhere), expected_status=404)
    client.get(_person_url(colleague), expected_status=404)
    client.get("/leicestershire/staff/people/999999", expected_status=404)
    # And a Leicestershire id under Lancashire's address is a sign-in page, not a person.
    response = client.client.get(_person_url(make_user(leicestershire), service="lancashire"))
    assert response.status_code == 302


def test_opening_a_page_writes_an_audit_row_every_time(app, leicestershire, make_user):
    officer = make_user(leicestershire, Role.CHILDRENS_RIGHTS_OFFICER)
    young = make_user(leicestershire, Role.YOUNG_PERSON)
    carer = make_user(leicestershire, Role.APPROVED_CARER)
    client = _signed_in(app, officer)

    client.get(_person_url(young))
    client.get(_person_url(young))
    client.get(_person_url(carer))

    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "person.viewed").order_by(AuditEvent.id)
    ).all()
    assert [(r.object_type, r.object_id, r.actor_id, r.service_id) for r in rows] == [
        ("User", str(young.id), officer.id, leicestershire.id),
        ("User", str(young.id), officer.id, leicestershire.id),
        ("User", str(carer.id), officer.id, leicestershire.id),
    ]


def test_a_refused_page_writes_no_audit_row(app, leicestershire, make_user):
    young = make_user(leicestershire, Role.YOUNG_PERSON)
    client = _signed_in(app, make_user(leicestershire, Role.RECRUITMENT))
    client.get(_person_url(young), expected_status=404)
    assert (
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.viewed")).all()
        == []
    )


def test_the_page_shows_the_summary_and_timeline_without_anything_written_in_confidence(
    app, leicestershire, make_user
):
    carer = make_user(leicestershire, Role.APPROVED_CARER, name="Casey Carer")
    worker = make_user(leicestershire, Role.SUPERVISING_SOCIAL_WORKER, name="Sky Supervisor")
    carer_history(leicestershire, carer, worker, size=1)
    client = _signed_in(app, make_user(leicestershire, Role.SERVICE_MANAGER))

    page = client.get(_person_url(carer))

    summary = page.soup.find(id="summary").get_text(" ", strip=True)
    assert "Mainstream" in summary
    assert "The Casey Carer household" in summary
    assert "Sky Supervisor" in summary
    email = page.soup.find(id="summary").find("a", href=f"mailto:{carer.email}")
    assert email.get_text(strip=True) == carer.email
    timeline = page.soup.find(id="timeline")
    titles = [h.get_text(" ", strip=True) for h in timeline.select("h3")]
    assert "Approved as foster carers" in titles
    assert any(t.startswith("Complaint CP-") for t in titles)
    assert "SECRET" not in page.text()
    complaint_link = timeline.find("a", string=lambda s: s and s.startswith("Complaint"))
    assert complaint_link["href"].startswith("/leicestershire/staff/complaints/")


@pytest.mark.parametrize(
    ("person_role", "viewer_role", "history"),
    [
        (Role.PROSPECTIVE_CARER, Role.RECRUITMENT, "applicant"),
        (Role.APPROVED_CARER, Role.SERVICE_MANAGER, "carer"),
        (Role.YOUNG_PERSON, Role.CHILDRENS_RIGHTS_OFFICER, "young"),
    ],
)
def test_a_persons_page_costs_the_same_queries_however_long_their_history(
    app, leicestershire, make_user, count_queries, person_role, viewer_role, history
):
    client = _signed_in(app, make_user(leicestershire, viewer_role))
    worker = make_user(leicestershire, Role.SUPERVISING_SOCIAL_WORKER)

    def build(size):
        person = make_user(leicestershire, person_role)
        if history == "applicant":
            applicant_history(leicestershire, person, worker, size)
        elif history == "carer":
            carer_history(leicestershire, person, worker, size)
        else:
            young_person_history(leicestershire, person, size)
        return person

    def queries(person) -> tuple[int, int]:
        with count_queries() as counted:
            page = client.get(_person_url(person))
        return counted["n"], len(page.soup.select("#timeline > li"))

    small, small_entries = queries(build(1))
    large, large_entries = queries(build(12))
    assert large_entries > small_entries
    assert large == small
