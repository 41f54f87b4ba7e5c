"""Reading the audit log: filters, pages, labels and CSV."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from portal.accounts.models import Role
from portal.audit_log import services
from portal.audit_log.services import AuditFilters
from portal.core.extensions import db
from portal.core.models import AuditEvent
from tests.audit_log.helpers import add_event

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def in_a_request(app):
    """Labels are translated, so they need a request (and its language) around them."""
    with app.test_request_context("/"):
        yield


def ids(service, filters=None, page=1):
    filters = filters or AuditFilters()
    return [row.event.id for row in services.page_of_events(service, filters, page)]


def test_only_this_services_events_newest_first(leicestershire, lancashire):
    older = add_event(leicestershire, at=datetime(2025, 1, 1, tzinfo=UTC))
    newer = add_event(leicestershire, at=datetime(2025, 2, 1, tzinfo=UTC))
    add_event(lancashire)

    assert ids(leicestershire) == [newer.id, older.id]
    assert services.count_events(leicestershire, AuditFilters()) == 2


def test_person_matches_what_they_did_and_what_was_done_to_their_account(leicestershire, make_user):
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    carer = make_user(leicestershire, Role.APPROVED_CARER, email="carer@example.org")
    by_carer = add_event(leicestershire, "training.booked", actor=carer, object_type="Booking")
    to_carer = add_event(
        leicestershire, "account.disabled", actor=manager, object_type="User", object_id=carer.id
    )
    add_event(leicestershire, "complaint.viewed", actor=manager)
    # A record of another type with the same id as the carer is not about the carer.
    add_event(leicestershire, "complaint.viewed", actor=manager, object_id=carer.id)

    person = services.find_person(leicestershire, " CARER@example.org ")
    assert person == carer
    assert set(ids(leicestershire, AuditFilters(person_id=carer.id))) == {by_carer.id, to_carer.id}


def test_find_person_is_exact_and_within_the_service(leicestershire, lancashire, make_user):
    make_user(lancashire, email="elsewhere@example.org")
    make_user(leicestershire, email="someone@example.org")

    assert services.find_person(leicestershire, "elsewhere@example.org") is None
    assert services.find_person(leicestershire, "someone@example") is None


def test_record_type_and_id(leicestershire):
    complaint_7 = add_event(leicestershire, object_type="Complaint", object_id=7)
    complaint_8 = add_event(leicestershire, object_type="Complaint", object_id=8)
    add_event(leicestershire, object_type="Conversation", object_id=7)

    assert ids(leicestershire, AuditFilters(record_type="Complaint", record_id="7")) == [
        complaint_7.id
    ]
    assert set(ids(leicestershire, AuditFilters(record_type="Complaint"))) == {
        complaint_7.id,
        complaint_8.id,
    }


def test_action(leicestershire):
    made = add_event(leicestershire, "complaint.made")
    add_event(leicestershire, "complaint.viewed")

    assert ids(leicestershire, AuditFilters(action="complaint.made")) == [made.id]


def test_dates_are_whole_uk_days(leicestershire):
    # 1 July 2025 in the UK (BST) runs from 30 June 23:00 UTC to 1 July 23:00 UTC.
    add_event(leicestershire, at=datetime(2025, 6, 30, 22, 59, tzinfo=UTC))
    first = add_event(leicestershire, at=datetime(2025, 6, 30, 23, 0, tzinfo=UTC))
    last = add_event(leicestershire, at=datetime(2025, 7, 1, 22, 59, tzinfo=UTC))
    add_event(leicestershire, at=datetime(2025, 7, 1, 23, 0, tzinfo=UTC))

    one_day = AuditFilters(date_from=date(2025, 7, 1), date_to=date(2025, 7, 1))
    assert ids(leicestershire, one_day) == [last.id, first.id]
    assert len(ids(leicestershire, AuditFilters(date_from=date(2025, 7, 1)))) == 3
    assert len(ids(leicestershire, AuditFilters(date_to=date(2025, 6, 30)))) == 1


def test_filters_combine(leicestershire, make_user):
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    march = datetime(2025, 3, 5, 10, tzinfo=UTC)
    wanted = add_event(leicestershire, "complaint.viewed", actor=manager, object_id=3, at=march)
    add_event(leicestershire, "complaint.viewed", actor=manager, object_id=4, at=march)
    add_event(leicestershire, "complaint.closed", actor=manager, object_id=3, at=march)
    add_event(leicestershire, "complaint.viewed", object_id=3, at=march)
    may = march.replace(month=5)
    add_event(leicestershire, "complaint.viewed", actor=manager, object_id=3, at=may)

    filters = AuditFilters(
        person_id=manager.id,
        record_type="Complaint",
        record_id="3",
        action="complaint.viewed",
        date_from=date(2025, 3, 1),
        date_to=date(2025, 3, 31),
    )
    assert ids(leicestershire, filters) == [wanted.id]
    assert services.count_events(leicestershire, filters) == 1


def test_pages_of_fifty_pinned_to_the_newest_event(leicestershire):
    start = datetime(2025, 1, 1, tzinfo=UTC)
    events = [add_event(leicestershire, at=start + timedelta(minutes=n)) for n in range(120)]
    pinned = AuditFilters(until=services.newest_event_id(leicestershire))
    add_event(leicestershire, at=start + timedelta(days=1))  # written while paging

    newest_first = [event.id for event in reversed(events)]
    assert ids(leicestershire, pinned, 1) == newest_first[:50]
    assert ids(leicestershire, pinned, 2) == newest_first[50:100]
    assert ids(leicestershire, pinned, 3) == newest_first[100:]
    assert services.count_events(leicestershire, pinned) == 120


def test_who_names_the_actor_the_system_or_someone_without_an_account(leicestershire, make_user):
    staff = make_user(leicestershire, Role.RECRUITMENT, name="Robin Recruiter")
    add_event(leicestershire, actor=staff, at=datetime(2025, 1, 3, tzinfo=UTC))
    add_event(leicestershire, ip_address="203.0.113.9", at=datetime(2025, 1, 2, tzinfo=UTC))
    add_event(leicestershire, ip_address=None, at=datetime(2025, 1, 1, tzinfo=UTC))

    rows = services.page_of_events(leicestershire, AuditFilters(), 1)
    assert [row.who for row in rows] == ["Robin Recruiter", "Someone without an account", "System"]


def test_labels_fall_back_to_the_code():
    assert services.action_label("complaint.made") == "Complaint made"
    assert services.action_label("something.new") == "something.new"
    assert services.record_type_label("Complaint") == "Complaint"
    assert services.record_type_label("Widget") == "Widget"


def actions_written_in_the_code() -> set[str]:
    """Action codes as the code writes them: literals passed to record(...) or a feature's
    own wrapper, `action = "..."` variables, and the settings pages' generated codes."""
    # security_log.record(...) writes the security log, not the audit log.
    literal = re.compile(r"(?<!security_log\.)\b(?:record|_audit)\(\s*\"([a-z_]+\.[a-z_.-]+)\"")
    variable = re.compile(r"\baction = \"([a-z_]+\.[a-z_.-]+)\"")
    saved = re.compile(r"\b_save\(\s*\w+,\s*\"(settings\.[a-z_]+)\"")
    found = set()
    for path in (ROOT / "portal").rglob("*.py"):
        if "audit_log" in path.parts or path.name == "security_log.py":
            continue
        text = path.read_text()
        found |= set(literal.findall(text)) | set(variable.findall(text))
        found |= {f"{base}_{verb}" for base in saved.findall(text) for verb in ("added", "changed")}
        if 'f"settings.{kind}_{verb}"' in text:
            found |= {
                f"settings.{kind}_{verb}"
                for kind in ("venue", "locality", "checklist_item")
                for verb in ("retired", "reinstated")
            }
    return found


def test_every_action_written_in_the_code_has_a_label():
    found = actions_written_in_the_code()
    assert len(found) > 50, "the search no longer finds the audit.record calls"
    assert sorted(code for code in found if code not in services.ACTION_LABELS) == []


def test_detail_keys_never_values(leicestershire):
    add_event(leicestershire, detail={"values": {"phone": "0116 305 0505"}, "changed": ["phone"]})

    (row,) = services.page_of_events(leicestershire, AuditFilters(), 1)
    assert row.detail_keys == ["changed", "values"]
    assert "0116" not in " ".join(services.csv_cells(row))


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+44 1632", "'+44 1632"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("Robin", "Robin"),
        (None, ""),
        (12, "12"),
    ],
)
def test_csv_cells_cannot_run_as_formulas(value, cell):
    assert services.safe_cell(value) == cell


def test_csv_is_every_matching_row_with_a_bom_and_header(leicestershire, lancashire, make_user):
    staff = make_user(leicestershire, Role.RECRUITMENT, name="=HYPERLINK(evil)")
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for n in range(12):
        add_event(leicestershire, "event.created", actor=staff, at=start + timedelta(hours=n))
    add_event(leicestershire, "complaint.made")
    add_event(lancashire, "event.created")
    filters = AuditFilters(action="event.created")

    text = "".join(services.csv_chunks(leicestershire, filters))

    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == services.CSV_HEADER
    every = services.page_of_events(leicestershire, filters, 1, per_page=1000)
    assert [int(row[0]) for row in rows[1:]] == [row.event.id for row in every]
    assert {row[3] for row in rows[1:]} == {"'=HYPERLINK(evil)"}
    assert rows[1][1] == "2025-01-01T11:00:00+00:00"  # UK time, with its offset


def test_csv_comes_in_chunks(leicestershire, monkeypatch):
    monkeypatch.setattr(services, "CSV_CHUNK_ROWS", 5)
    for n in range(12):
        add_event(leicestershire, at=datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=n))

    chunks = [chunk for chunk in services.csv_chunks(leicestershire, AuditFilters()) if chunk]

    assert len(chunks) == 3
    assert "".join(chunks).count("\r\n") == 13


def test_reading_the_log_is_recorded_with_ids_not_emails(leicestershire, make_user):
    manager = make_user(leicestershire, Role.SERVICE_MANAGER)
    filters = AuditFilters(person_id=manager.id, date_from=date(2025, 1, 2), until=9)

    services.record_reading("audit.exported", leicestershire, filters, by=manager, rows=4)

    event = db.session.scalars(db.select(AuditEvent)).one()
    assert (event.action, event.actor_id, event.service_id) == (
        "audit.exported",
        manager.id,
        leicestershire.id,
    )
    assert event.detail == {"person_id": manager.id, "date_from": "2025-01-02", "rows": 4}
