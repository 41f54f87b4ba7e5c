"""The audit log pages: who may see them, filters, pages and the CSV export."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from portal.accounts.models import STAFF_ROLES, Role
from portal.audit_log.services import AuditFilters
from portal.audit_log.views import _pagination
from portal.core.extensions import db
from portal.core.models import AuditEvent
from tests.audit_log.helpers import add_event

URL = "/leicestershire/staff/audit/"
EXPORT = "/leicestershire/staff/audit/export.csv"
START = datetime(2025, 1, 1, 9, tzinfo=UTC)


def many(service, count, action="complaint.viewed", **fields):
    """`count` events a minute apart (the last the newest), added in one commit."""
    events = [
        AuditEvent(
            service_id=service.id,
            action=action,
            object_type="Complaint",
            object_id=str(n),
            detail={},
            ip_address="127.0.0.1",
            created_at=START + timedelta(minutes=n),
            **fields,
        )
        for n in range(count)
    ]
    db.session.add_all(events)
    db.session.commit()
    return events


def rows_on(page):
    return page.soup.select("#events tbody tr")


def export(client_request, url=EXPORT):
    """GET an export, reading the streamed body inside the request (as a server would)."""
    return client_request.client.get(url, buffered=True)


def csv_rows(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def logged(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


# ---- who may see it --------------------------------------------------------------------


def test_signed_out_people_are_sent_to_sign_in(client, leicestershire):
    for url in (URL, EXPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert "/leicestershire/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(
    "role",
    sorted((STAFF_ROLES - {Role.SERVICE_MANAGER}) | {Role.APPROVED_CARER, Role.YOUNG_PERSON}),
)
def test_only_the_service_manager_may_see_or_export_it(client_request, login_as, role):
    login_as(role)

    client_request.get(URL, expected_status=403)
    client_request.get(EXPORT, expected_status=403)


def test_another_services_manager_sees_none_of_this_services_events(
    client_request, login_as, leicestershire, lancashire
):
    add_event(leicestershire, "complaint.made", object_id=41)
    ours = add_event(lancashire, "complaint.viewed", object_id=42)
    login_as(Role.SERVICE_MANAGER, service=lancashire)

    page = client_request.get("/lancashire/staff/audit/")
    assert len(rows_on(page)) == 1
    assert "Complaint made" not in page.soup.find(id="results").get_text()
    exported = export(client_request, "/lancashire/staff/audit/export.csv")
    theirs = db.session.scalars(
        select(AuditEvent.id).where(
            AuditEvent.service_id == lancashire.id, AuditEvent.action != "audit.exported"
        )
    ).all()
    assert ours.id in theirs
    assert sorted(int(row[0]) for row in csv_rows(exported)[1:]) == sorted(theirs)
    # Their account means nothing in Leicestershire: they are asked to sign in there.
    assert client_request.client.get(URL).status_code == 302
    assert client_request.client.get(EXPORT).status_code == 302


# ---- the list --------------------------------------------------------------------------


def test_each_row_says_when_who_what_and_which_record(
    client_request, login_as, leicestershire, make_user
):
    manager = login_as(Role.SERVICE_MANAGER, name="Morgan Manager")
    carer = make_user(leicestershire, Role.APPROVED_CARER)
    add_event(
        leicestershire,
        "account.disabled",
        actor=manager,
        object_type="User",
        object_id=carer.id,
        at=datetime(2025, 7, 1, 8, 5, tzinfo=UTC),
    )
    add_event(
        leicestershire,
        "complaint.made",
        object_id=7,
        detail={"late": True, "name": "Casey Private"},
        at=datetime(2025, 6, 1, tzinfo=UTC),
    )
    add_event(leicestershire, "brand.new_code", object_type="Gadget", ip_address=None, at=START)

    page = client_request.get(URL)

    first, second, third = (
        [cell.get_text(" ", strip=True) for cell in row.select("td")] for row in rows_on(page)
    )
    assert first[:3] == ["1 Jul 2025, 09:05", "Morgan Manager", "Account disabled"]
    assert first[3] == f"Person's account {carer.id}"
    assert second[1:] == [
        "Someone without an account",
        "Complaint made Recorded: late, name",
        "Complaint 7",
    ]
    assert third[1:] == ["System", "brand.new_code", "Gadget 1"]
    assert "Casey Private" not in page.text()
    complaint_link = page.soup.find("a", string="Complaint 7")
    assert complaint_link["href"] == "/leicestershire/staff/complaints/7"
    person_link = page.soup.find("a", string=f"Person's account {carer.id}")
    assert (person_link is not None) == ("people.person" in current_app.view_functions)
    assert page.response.headers["Cache-Control"] == "no-store"


def test_no_events(client_request, login_as):
    login_as(Role.SERVICE_MANAGER)

    page = client_request.get(URL + "?action=complaint.made")

    assert "No events match these filters." in page.text()
    assert page.soup.find("nav", class_="govuk-pagination") is None


# ---- filters ---------------------------------------------------------------------------


def test_filter_by_person_email(client_request, login_as, leicestershire, make_user):
    login_as(Role.SERVICE_MANAGER)
    carer = make_user(leicestershire, Role.APPROVED_CARER, email="carer@example.org")
    add_event(leicestershire, "training.booked", actor=carer, object_type="Booking")
    add_event(leicestershire, "account.enabled", object_type="User", object_id=carer.id)
    add_event(leicestershire, "complaint.made")

    page = client_request.get(URL + "?person=Carer%40example.org")

    assert {row.select("td")[2].get_text(strip=True) for row in rows_on(page)} == {
        "Training booked",
        "Account enabled again",
    }
    assert page.soup.find("input", id="person")["value"] == "carer@example.org"


def test_filter_by_record_action_and_dates_together(client_request, login_as, leicestershire):
    login_as(Role.SERVICE_MANAGER)
    wanted = add_event(leicestershire, "complaint.viewed", object_id=3)
    add_event(leicestershire, "complaint.viewed", object_id=4)
    add_event(leicestershire, "complaint.closed", object_id=3)
    add_event(leicestershire, "complaint.viewed", object_id=3, at=datetime(2025, 4, 1, tzinfo=UTC))

    page = client_request.get(
        URL,
        query_string=[
            ("record_type", "Complaint"),
            ("record_id", "3"),
            ("action", "complaint.viewed"),
            *[("date_from", part) for part in ("1", "3", "2025")],
            *[("date_to", part) for part in ("31", "3", "2025")],
        ],
    )

    assert len(rows_on(page)) == 1
    assert rows_on(page)[0].find("time")["datetime"] == wanted.created_at.isoformat()
    assert page.soup.find("select", id="action").find("option", selected=True)["value"] == (
        "complaint.viewed"
    )
    assert page.soup.find("input", id="date_to")["value"] == "31"
    export_href = page.soup.find("a", string=lambda s: s and "Download" in s)["href"]
    assert "date_from=1&date_from=3&date_from=2025" in export_href
    assert [row[0] for row in csv_rows(export(client_request, export_href))[1:]] == [str(wanted.id)]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            [("date_from", "31"), ("date_from", "2"), ("date_from", "2025")],
            "date_from",
            "Date from must be a real date",
        ),
        (
            [("date_from", "x"), ("date_from", "2"), ("date_from", "2025")],
            "date_from",
            "Date from must be a real date",
        ),
        (
            [("date_to", "1"), ("date_to", ""), ("date_to", "2025")],
            "date_to",
            "Date to must be a real date",
        ),
        (
            [
                *[("date_from", p) for p in ("2", "3", "2025")],
                *[("date_to", p) for p in ("1", "3", "2025")],
            ],
            "date_to",
            "Date to must be the same as or after date from",
        ),
        (
            [("person", "nobody@example.org")],
            "person",
            "No one in this service uses that email address",
        ),
        (
            [("person", "not an email")],
            "person",
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            [("record_type", "Complaint"), ("record_id", "seven")],
            "record_id",
            "Record id must be a number, like 42",
        ),
        ([("record_id", "7")], "record_type", "Choose the type of record to find it by its id"),
        ([("action", "made.up")], "action", "Choose what happened from the list"),
    ],
)
def test_bad_filters_are_explained_beside_the_field_and_kept(
    client_request, login_as, leicestershire, query, field, message
):
    login_as(Role.SERVICE_MANAGER)
    add_event(leicestershire)

    page = client_request.get(URL, query_string=query)

    assert page.title.startswith("Error:")
    assert message in page.error_summary()
    error_id = f"{field}-date" if field.startswith("date") else field
    assert page.error_for(error_id) == message
    assert rows_on(page) == []
    typed = dict(query)
    if field in {"person", "record_id"}:
        assert page.soup.find("input", id=field)["value"] == typed[field]
    assert not logged("audit.viewed")


def test_bad_filters_on_an_export_go_back_to_the_page(client_request, login_as):
    login_as(Role.SERVICE_MANAGER)

    response = client_request.client.get(EXPORT + "?record_id=7")

    assert response.status_code == 302
    assert response.headers["Location"] == "/leicestershire/staff/audit/?record_id=7"
    assert not logged("audit.exported")


# ---- pages -----------------------------------------------------------------------------


def test_fifty_a_page_newest_first_pinned_while_others_write(
    client_request, login_as, leicestershire
):
    login_as(Role.SERVICE_MANAGER)
    events = many(leicestershire, 120)
    newest_first = [event.id for event in reversed(events)]

    first = client_request.get(URL + "?action=complaint.viewed")
    assert "Showing 1 to 50 of 120, newest first." in first.text()
    assert first.soup.select_one("#results h2").get_text(strip=True) == "120 events"
    nav = first.soup.find("nav", class_="govuk-pagination")
    assert [a.get_text(strip=True) for a in nav.select(".govuk-pagination__item a")] == [
        "1",
        "2",
        "3",
    ]
    next_href = nav.select_one("a[rel=next]")["href"]
    assert "until=" in next_href and "page=2" in next_href

    many(leicestershire, 5)  # colleagues keep working while the manager reads

    second = client_request.get(next_href)
    third = client_request.get(second.soup.select_one("nav a[rel=next]")["href"])
    shown = [
        int(link["href"].rsplit("/", 1)[-1])
        for page in (second, third)
        for link in page.soup.select("#events a[href*='/complaints/']")
    ]
    expected = [int(events[newest - events[0].id].object_id) for newest in newest_first[50:]]
    assert shown == expected
    assert third.soup.select_one("nav a[rel=next]") is None
    assert "Showing 101 to 120 of 120" in third.text()
    client_request.get(next_href.replace("page=2", "page=4"), expected_status=404)
    client_request.get(next_href.replace("page=2", "page=0"), expected_status=404)


def test_a_new_search_is_logged_but_paging_is_not(client_request, login_as, leicestershire):
    manager = login_as(Role.SERVICE_MANAGER)
    many(leicestershire, 60)

    first = client_request.get(URL + "?record_type=Complaint")
    client_request.get(first.soup.select_one("nav a[rel=next]")["href"])

    (viewed,) = logged("audit.viewed")
    assert viewed.actor_id == manager.id
    assert viewed.detail == {"record_type": "Complaint"}


# ---- export ----------------------------------------------------------------------------


def test_export_is_exactly_the_filtered_rows(client_request, login_as, leicestershire, make_user):
    manager = login_as(Role.SERVICE_MANAGER)
    staff = make_user(leicestershire, Role.RECRUITMENT, name="=cmd|' /C calc'!A0")
    many(leicestershire, 70, actor_id=staff.id)
    many(leicestershire, 3, action="complaint.made")

    page = client_request.get(URL + "?action=complaint.viewed")
    export_href = page.soup.find("a", string=lambda s: s and "Download these events" in s)["href"]
    listed = []
    while True:
        listed += [row.find("time")["datetime"] for row in rows_on(page)]
        next_link = page.soup.select_one("nav a[rel=next]")
        if next_link is None:
            break
        page = client_request.get(next_link["href"])

    response = export(client_request, export_href)

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:3] == ["event_id", "when_uk", "actor_id"]
    assert len(rows) - 1 == len(listed) == 70
    exported_ids = [int(row[0]) for row in rows[1:]]
    expected = db.session.scalars(
        select(AuditEvent.id)
        .where(AuditEvent.action == "complaint.viewed")
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    ).all()
    assert exported_ids == expected
    assert {row[3] for row in rows[1:]} == {"'=cmd|' /C calc'!A0"}
    assert {row[5] for row in rows[1:]} == {"Complaint viewed"}
    (exported,) = logged("audit.exported")
    assert exported.actor_id == manager.id
    assert exported.detail == {"action_filter": "complaint.viewed", "rows": 70}


# ---- queries ---------------------------------------------------------------------------


def test_queries_do_not_grow_with_the_log(
    client_request, login_as, leicestershire, make_user, count_queries
):
    login_as(Role.SERVICE_MANAGER)
    staff = make_user(leicestershire, Role.RECRUITMENT)
    many(leicestershire, 3, actor_id=staff.id)

    def queries(url):
        with count_queries() as counted:
            client_request.get(url)
        return counted["n"]

    def export_queries():
        with count_queries() as counted:
            assert export(client_request).status_code == 200
        return counted["n"]

    small = (queries(URL), queries(URL + "?page=1&until=999999"), export_queries())
    for n in range(20):
        other = make_user(leicestershire, Role.APPROVED_CARER)
        many(leicestershire, 30, actor_id=other.id if n % 2 else staff.id)
    large = (queries(URL), queries(URL + "?page=2&until=999999"), export_queries())

    assert large == small


def test_long_runs_of_pages_show_the_ends_and_neighbours(app, leicestershire):
    with app.test_request_context("/leicestershire/staff/audit/?action=complaint.made"):
        app.preprocess_request()
        pagination = _pagination(AuditFilters(action="complaint.made", until=9), 5, 10)

    shown = [item.get("number", "…") for item in pagination["items"]]
    assert shown == [1, "…", 4, 5, 6, "…", 10]
    assert pagination["previous"]["href"].endswith("action=complaint.made&until=9&page=4")
    assert str(pagination["next"]["html"]) == (
        'Next<span class="govuk-visually-hidden"> page</span>'
    )
