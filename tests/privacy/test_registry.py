"""The registry covers every table, and an export holds every kind of row about a person
and nothing about anyone else."""

import io
import json
import zipfile

from portal.accounts.models import Role
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.privacy import services
from portal.privacy.services import NO_PERSONAL_DATA, REGISTRY, Anonymise, Subject
from tests.privacy.helpers import PDF, PNG, everything_about


def test_every_table_is_in_the_registry_or_said_to_hold_no_personal_data():
    tables = set(db.metadata.tables)
    registered, exempt = set(REGISTRY), set(NO_PERSONAL_DATA)
    assert registered & exempt == set()
    assert registered | exempt <= tables, "the registry names tables that do not exist"
    unclassified = tables - registered - exempt
    assert unclassified == set(), (
        f"say in portal/privacy/services.py how {sorted(unclassified)} relate to a person, "
        "or why they hold no personal data"
    )
    assert all(reason.strip() for reason in NO_PERSONAL_DATA.values())


def test_the_registry_resolves_in_an_order_and_names_every_stored_file():
    order = services.resolution_order()
    assert sorted(order) == sorted(REGISTRY)
    with_files = {table.name for table in db.metadata.sorted_tables if "file_key" in table.columns}
    assert with_files == {name for name, holding in REGISTRY.items() if holding.files}


def test_anonymising_says_what_happens_to_every_column():
    for name, holding in REGISTRY.items():
        if isinstance(holding.erase, Anonymise):
            columns = {column.name for column in db.metadata.tables[name].columns}
            named = set(holding.erase.blank) | holding.erase.keep
            assert named == columns, f"{name}: classify {sorted(columns ^ named)}"


def test_only_registered_rows_point_at_rows_erasure_deletes():
    """A delete can never be refused by a foreign key from a table erasure does not touch."""
    deleted = {name for name, holding in REGISTRY.items() if holding.erase == services.DELETE}
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name in deleted:
                assert table.name in REGISTRY, f"{table.name} points at {key.column.table.name}"


def _export(person, staff, service):
    from flask import current_app

    with current_app.test_request_context(f"/{service.slug}/"):
        archive, name = services.export_archive(service, person, by=staff, now=utcnow())
    with zipfile.ZipFile(io.BytesIO(archive.read())) as opened:
        return name, {info: opened.read(info) for info in opened.namelist()}


def test_an_export_has_rows_from_every_registered_table_and_nobody_elses(
    app, leicestershire, make_user, staff
):
    person = make_user(
        leicestershire, Role.APPROVED_CARER, name="Pat Person", email="pat@example.org"
    )
    other = make_user(
        leicestershire, Role.APPROVED_CARER, name="Olly Other", email="olly@example.org"
    )
    everything_about(leicestershire, person, staff, words="PAT WROTE THIS")
    everything_about(leicestershire, other, staff, words="OLLY WROTE THIS")

    name, files = _export(person, staff, leicestershire)

    assert "pat" not in name and "person" not in name.lower().replace("records", "")
    tables = {
        path.removeprefix("data/").removesuffix(".json"): json.loads(data)
        for path, data in files.items()
        if path.startswith("data/")
    }
    empty = sorted(t for t in REGISTRY if not tables.get(t, {}).get("rows"))
    assert empty == [], f"no rows exported for {empty}: add them to tests/privacy/helpers.py"
    everything = b"".join(files.values()).decode("utf-8", "replace")
    assert "OLLY" not in everything and "olly@example.org" not in everything
    assert "Olly Other" not in everything
    # Encrypted text comes out readable; secrets never come out at all.
    assert "PAT WROTE THIS" in json.dumps(tables["rights_message"]) or "Hello" in json.dumps(
        tables["rights_message"]
    )
    assert "PAT WROTE THIS" in json.dumps(tables["complaint"])
    assert len(tables["complaint"]["rows"]) == 2  # one made without an account, by email
    for table in tables.values():
        for row in table["rows"]:
            assert not any(services.is_secret(column) for column in row)
    # Dates and times are ISO 8601.
    (account,) = tables["user_account"]["rows"]
    assert account["created_at"].endswith("+00:00") and "T" in account["created_at"]
    assert tables["application"]["rows"][0]["decided_on"].count("-") == 2
    # Their files, named in their rows.
    (document,) = tables["paperwork_document"]["rows"]
    assert files[document["file"]].startswith(PDF)
    (evidence,) = tables["tsds_evidence"]["rows"]
    assert files[evidence["file"]].startswith(PNG)
    # The audit log shows where they worked from, never where staff did.
    (viewed,) = tables["audit_event"]["rows"]
    assert viewed["action"] == "person.viewed" and viewed["ip_address"] is None
    readme = files["README.txt"].decode()
    for table in REGISTRY:
        assert f"data/{table}.json" in readme


def test_an_export_is_written_to_the_audit_log(leicestershire, make_user, staff):
    from portal.core.models import AuditEvent

    person = make_user(leicestershire, Role.PROSPECTIVE_CARER)
    _export(person, staff, leicestershire)
    (event,) = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "privacy.exported")
    ).all()
    assert (event.object_id, event.actor_id) == (str(person.id), staff.id)
    assert event.detail["tables"] >= 2  # the account and its roles, at least
    assert person.email not in json.dumps(event.detail)


def test_rows_about_someone_are_found_by_their_email_before_they_had_an_account(
    leicestershire, make_user, staff
):
    from tests.privacy.helpers import enquiry

    enquiry(leicestershire, None, name="Early", email="early@example.org")
    db.session.commit()
    person = make_user(leicestershire, Role.PROSPECTIVE_CARER, email="Early@Example.org")
    found = services.rows_about(Subject.of(person))
    assert len(found.ids("enquiry")) == 1
