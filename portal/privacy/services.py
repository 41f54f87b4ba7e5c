"""Everything the portal holds about a person.

`REGISTRY` says, for every table with personal data, how its rows relate to a person (their
account id, their email address, a parent row that is theirs...) and what erasure does to
them; `NO_PERSONAL_DATA` names every other table and says why. A test fails when a table is
in neither, so a new table cannot hold personal data unnoticed. The subject access export,
erasure on request and the retention job (retention.py) are all built on the registry.
"""

import enum
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import cache

from flask import render_template
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, Table, and_, cast, delete, false, func, literal, or_, select, update

from portal.accounts.models import STAFF_ROLES, Role, User, UserRole, new_session_token
from portal.applications.models import Application, ApplicationStep, Stage
from portal.bookings import services as bookings
from portal.bookings.models import ACTIVE, Booking, Occasion
from portal.childrens_rights.models import Conversation, ConversationStatus
from portal.complaints.models import Complaint
from portal.core import audit, uploads
from portal.core.extensions import db
from portal.core.text import normalise_email
from portal.kinship.models import KinshipRequest, Viability
from portal.organisation.models import FosteringService
from portal.panels.models import Outcome, PanelCase
from portal.staff.models import WorkKind
from portal.tsds.models import HouseholdMember

# An erased or anonymised row's address: unique (unique indexes hold) and undeliverable.
REMOVED_PREFIX = "removed-"
REMOVED_DOMAIN = "@removed.invalid"
# Applications that ended without approval (refused, withdrawn, or not taken forward).
REFUSED_OR_WITHDRAWN = (Stage.NOT_NOW, Stage.WITHDRAWN, Stage.NOT_APPROVED)
STILL_GOING = (Stage.PAPERWORK, Stage.ASSESSMENT, Stage.PANEL)
CHUNK = 500


@dataclass(frozen=True)
class Subject:
    """The person records are gathered for: their account, and the email address they use."""

    service_id: int
    user_id: int
    email: str

    @classmethod
    def of(cls, user: User) -> "Subject":
        return cls(user.service_id, user.id, normalise_email(user.email))


# ---- how a table's rows relate to a person -------------------------------------------------


@dataclass(frozen=True)
class Own:
    """Rows that name the person: by account id, by email address, or either."""

    user: str | None = None
    email: str | None = None
    in_service: bool = True

    def needs(self, table: Table) -> tuple[str, ...]:
        return ()

    def clause(self, table: Table, subject: Subject, found: "Found"):
        parts = []
        if self.user:
            parts.append(table.c[self.user] == subject.user_id)
        if self.email:
            parts.append(func.lower(table.c[self.email]) == subject.email)
        match = or_(*parts)
        return and_(table.c.service_id == subject.service_id, match) if self.in_service else match


@dataclass(frozen=True)
class Under:
    """Rows whose parent (through this foreign key) is about the person."""

    column: str

    def parent(self, table: Table) -> str:
        (key,) = table.c[self.column].foreign_keys
        return key.column.table.name

    def needs(self, table: Table) -> tuple[str, ...]:
        return (self.parent(table),)

    def clause(self, table: Table, subject: Subject, found: "Found"):
        return table.c[self.column].in_(found.ids(self.parent(table)))


@dataclass(frozen=True)
class Holds:
    """The rows that the person's rows of another table point at (their household)."""

    table: str
    column: str

    def needs(self, table: Table) -> tuple[str, ...]:
        return (self.table,)

    def clause(self, table: Table, subject: Subject, found: "Found"):
        pointing = _table(self.table)
        pointed_at = select(pointing.c[self.column]).where(pointing.c.id.in_(found.ids(self.table)))
        return table.c.id.in_(pointed_at)


@dataclass(frozen=True)
class Tagged:
    """Rows naming a record by its kind and id, without a foreign key (work items, and
    what staff made for someone)."""

    kind: str
    id: str
    targets: tuple[tuple[object, str], ...]

    def needs(self, table: Table) -> tuple[str, ...]:
        return tuple(target for _, target in self.targets)

    def clause(self, table: Table, subject: Subject | None, found: "Found"):
        return or_(
            false(),
            *(
                and_(table.c[self.kind] == value, table.c[self.id].in_(found.ids(target)))
                for value, target in self.targets
                if found.ids(target)
            ),
        )


@dataclass(frozen=True)
class Acted:
    """Audit rows: what the person did, and what was done to their account."""

    def needs(self, table: Table) -> tuple[str, ...]:
        return ()

    def clause(self, table: Table, subject: Subject, found: "Found"):
        return or_(
            table.c.actor_id == subject.user_id,
            and_(table.c.object_type == User.__name__, table.c.object_id == str(subject.user_id)),
        )


@dataclass(frozen=True)
class EncryptedEmail:
    """Rows made without an account that give the person's email address. The address is
    encrypted, so it cannot be searched: the service's rows are read and compared here."""

    column: str

    def needs(self, table: Table) -> tuple[str, ...]:
        return ()

    def clause(self, table: Table, subject: Subject, found: "Found"):
        rows = db.session.execute(
            select(table.c.id, table.c[self.column]).where(
                table.c.service_id == subject.service_id,
                table.c.user_id.is_(None),
                table.c[self.column].is_not(None),
            )
        )
        return table.c.id.in_(
            [id_ for id_, email in rows if normalise_email(email) == subject.email]
        )


# ---- what erasure does --------------------------------------------------------------------


DELETE = "delete"


@dataclass(frozen=True)
class Keep:
    """The rows stay as they are, for this reason."""

    reason: str


@dataclass(frozen=True)
class Expression:
    """A new value computed by the database from the row (the same statement for all)."""

    make: Callable[[Table], object]


@dataclass(frozen=True)
class Fresh:
    """A new value made for each row (such as a random token)."""

    make: Callable[[], object]


@dataclass(frozen=True)
class Anonymise:
    """The row stays (something counts it) but what identifies the person is blanked.
    Every column is in `blank` or `keep`; a test holds that true as columns are added."""

    blank: dict
    keep: frozenset
    # True when rows pointing at this one stay too (an account's audit trail, a carer's
    # allocated worker...); False when they go with the person (feedback on a booking).
    dependents_stay: bool = False


def removed_address(table: Table):
    """'removed-<id>@removed.invalid', built by the database."""
    return literal(REMOVED_PREFIX) + cast(table.c.id, String) + literal(REMOVED_DOMAIN)


def is_removed(column):
    """True for an address that erasure or retention has already replaced."""
    return column.like(f"{REMOVED_PREFIX}%{REMOVED_DOMAIN}")


ACCOUNT = Anonymise(
    blank={
        "email": Expression(removed_address),
        "name": "",
        "password_hash": None,  # nosec B105  # removing the hash, not setting a password
        "email_confirmed_at": None,
        "is_disabled": True,
        "session_token": Fresh(new_session_token),  # ends every session at once
        "locale": None,
        "carer_type": None,
        "invited_by_id": None,
        "last_signed_in_at": None,
        "totp_secret": None,  # nosec B105  # removing the secret
        "mfa_enabled_at": None,
        "totp_last_step": None,
    },
    # The row stays because the audit log (which is never changed) and staff records point
    # at it; its id and when it was opened say nothing about who the person was.
    keep=frozenset({"id", "service_id", "created_at"}),
    dependents_stay=True,
)

BOOKING = Anonymise(
    blank={
        "name": "",
        "email": Expression(removed_address),
        "phone": "",
        "access_needs": "",
        "user_id": None,
        "made_by_staff_id": None,
    },
    # Seats taken, attendance and dates: the occasion's seat count and the monthly figures
    # are counted from these rows.
    keep=frozenset(
        {
            "id",
            "service_id",
            "occasion_id",
            "seats",
            "locale",
            "status",
            "link_salt",
            "token_hash",
            "offer_expires_at",
            "attended",
            "reminder_sent_at",
            "feedback_requested_at",
            "created_at",
            "cancelled_at",
        }
    ),
)

AUDIT_LOG_STAYS = Keep(
    _l(
        "The audit log is the service's record of who did what, and is never changed. It "
        "holds account and record numbers, never names or what anyone wrote."
    )
)


# ---- the registry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Holding:
    """One table with personal data: how its rows relate to a person, what they are (in
    words for the person reading their download), and what erasure does to them."""

    table: str
    rules: tuple
    about: str
    erase: object = DELETE
    files: tuple[str, str] | None = None  # (stored file's key column, its kind column)
    # (column naming who acted, columns shown only when it was the person): the audit log
    # names where staff worked from, which is theirs, not the person's.
    theirs_only: tuple[str, tuple[str, ...]] | None = None


_WORK_TARGETS = (
    (WorkKind.MESSAGE, "rights_conversation"),
    (WorkKind.COMPLAINT, "complaint_stage"),
    (WorkKind.VISIT_RECORD, "visit_booking"),
    (WorkKind.DECISION, "visit_record"),
    (WorkKind.PAPERWORK, "paperwork_document"),
    (WorkKind.TSDS_EVIDENCE, "tsds_evidence"),
    (WorkKind.ASSESSMENT, "assessment"),
    (WorkKind.AGENCY_DECISION, "panel_case"),
)
_ASSISTED_TARGETS = (
    ("Enquiry", "enquiry"),
    ("Booking", "booking"),
    ("VisitBooking", "visit_booking"),
    ("Complaint", "complaint"),
    ("VisitorRequest", "visitor_request"),
)

_HOLDINGS = (
    Holding(
        "user_account",
        (Own(user="id"),),
        _l("Your account: your name, email address, language and when you signed in."),
        erase=ACCOUNT,
    ),
    Holding(
        "user_role",
        (Own(user="user_id", in_service=False),),
        _l("What your account lets you do, such as 'approved foster carer'."),
    ),
    Holding(
        "account_token",
        (Own(user="user_id", in_service=False),),
        _l("Links we emailed you to confirm your address or set a password, and their use."),
    ),
    Holding(
        "recovery_code",
        (Own(user="user_id", in_service=False),),
        _l("When your two-step sign-in recovery codes were made and used (never the codes)."),
    ),
    Holding(
        "kept_draft",
        (Own(user="user_id"),),
        _l(
            "What you wrote in a form just as you were signed out, kept for a day for you to "
            "send after signing in again."
        ),
    ),
    Holding(
        "enquiry",
        (Own(user="user_id", email="email"),),
        _l("Enquiries you made about fostering: your contact details and household."),
    ),
    Holding(
        "booking",
        (Own(user="user_id", email="email"),),
        _l("Your places on information events and training sessions, and whether you came."),
        erase=BOOKING,
    ),
    Holding(
        "event_feedback",
        (Under("booking_id"),),
        _l("What you told us after an information event."),
    ),
    Holding(
        "training_feedback",
        (Under("booking_id"),),
        _l("What you told us after a training session."),
    ),
    Holding(
        "training_cancellation",
        (Under("booking_id"),),
        _l("Why you cancelled a training place."),
    ),
    Holding(
        "training_module_completion",
        (Own(user="user_id"),),
        _l("Online training modules you told us you finished."),
    ),
    Holding(
        "visit_booking",
        (Own(user="user_id", email="email"), Under("enquiry_id")),
        _l("Your initial visits: when, and whether they went ahead."),
    ),
    Holding(
        "visit_record",
        (Under("booking_id"),),
        _l("What the initial visitor wrote after visiting you."),
    ),
    Holding(
        "application",
        (Own(user="user_id", email="email"), Under("visit_booking_id")),
        _l("Your application to foster: the decision to progress it and where it is now."),
    ),
    Holding(
        "application_step",
        (Under("application_id"),),
        _l("Each change of stage in your application, with the reasons given."),
    ),
    Holding(
        "paperwork_document",
        (Under("application_id"),),
        _l("Documents you sent with your application, and what staff said about them."),
        files=("file_key", "file_kind"),
    ),
    Holding(
        "assessment",
        (Under("application_id"),),
        _l("Your assessment: who assessed you and when it started and finished."),
    ),
    Holding(
        "assessment_check",
        (Under("assessment_id"),),
        _l("The checks made during your assessment (such as DBS and references)."),
    ),
    Holding(
        "assessment_session",
        (Under("assessment_id"),),
        _l("The sessions of your assessment and what each covered."),
    ),
    Holding(
        "panel_case",
        (Under("application_id"),),
        _l("The fostering panel's recommendation and the agency decision on your application."),
    ),
    Holding(
        "household_member",
        (Own(user="user_id", in_service=False),),
        _l("Which fostering household you belong to."),
    ),
    Holding(
        "household",
        (Holds("household_member", "household_id"),),
        _l("Your fostering household: its approval and your development workbook's progress."),
    ),
    Holding(
        "tsds_evidence",
        (Under("household_id"),),
        _l("Evidence in your household's Training, Support and Development Standards workbook."),
        files=("file_key", "file_kind"),
    ),
    Holding(
        "tsds_evidence_training",
        (Under("evidence_id"),),
        _l("Training sessions your workbook evidence points to."),
    ),
    Holding(
        "rights_conversation",
        (Own(user="user_id"),),
        _l("Your conversations with a Children's Rights Officer, and what you told us about you."),
    ),
    Holding(
        "rights_message",
        (Under("conversation_id"),),
        _l("The messages in those conversations, yours and the officers'."),
    ),
    Holding(
        "visitor_request",
        (Own(user="user_id"),),
        _l("Your requests for an independent visitor."),
    ),
    Holding(
        "complaint",
        (Own(user="user_id"), EncryptedEmail("email")),
        _l("Complaints you made, and what you told us."),
    ),
    Holding(
        "complaint_stage",
        (Under("complaint_id"),),
        _l("Each stage of your complaints, with our responses."),
    ),
    Holding(
        "kinship_request",
        (Own(email="email"),),
        _l("Your requests to care for a child you know, and what we found."),
    ),
    Holding(
        "temporary_approval",
        (Under("request_id"),),
        _l("Temporary approvals to care for a child you know, and how they ended."),
    ),
    Holding(
        "visitor_volunteer",
        (Own(email="email"),),
        _l("Your offers to become an independent visitor, and the checks made."),
    ),
    Holding(
        "assisted_action",
        (Tagged("object_type", "object_id", _ASSISTED_TARGETS),),
        _l("Things our staff did for you when you phoned or called in."),
    ),
    Holding(
        "work_item",
        (Tagged("kind", "object_id", _WORK_TARGETS),),
        _l("Which member of staff is dealing with each of your records."),
    ),
    Holding(
        "outbox_message",
        (Own(email="to_address"),),
        _l("Emails we sent you."),
    ),
    Holding(
        "audit_event",
        (Acted(),),
        _l("Our audit log: what you did, and each time staff opened your records."),
        erase=AUDIT_LOG_STAYS,
        theirs_only=("actor_id", ("ip_address",)),
    ),
)
REGISTRY: dict[str, Holding] = {holding.table: holding for holding in _HOLDINGS}

NO_PERSONAL_DATA: dict[str, str] = {
    "fostering_service": "The service's own published details and settings; the registered "
    "manager's work contact is published in the Statement of Purpose.",
    "venue": "Places the service meets people.",
    "locality": "Areas the service is organised in.",
    "team": "Teams within the service.",
    "occasion": "When an event or training session happens and how many seats it has.",
    "information_event": "What an information event is about, where and when.",
    "training_course": "The training catalogue.",
    "training_session": "When and where a course runs.",
    "tsds_set": "The published standards' names.",
    "tsds_standard": "The published standards.",
    "tsds_outcome": "The published outcomes of each standard.",
    "paperwork_item": "The list of documents the service asks applicants for.",
    "panel": "The days the fostering panel meets; cases are in panel_case.",
    "visit_slot": "Times staff are free for initial visits; bookings are in visit_booking.",
    "support_group": "Which localities have a carers' support group.",
    "support_meeting": "When and where support groups meet.",
    "support_information": "The service's own guidance pages for carers.",
    "allowance_level": "The service's published fees and allowances.",
    "page_generation": "One counter that tells cached public pages they are out of date.",
}


def _table(name: str) -> Table:
    return db.metadata.tables[name]


@cache
def resolution_order() -> tuple[str, ...]:
    """The registry's tables, each after the tables its rules read."""
    order: list[str] = []
    pending = dict(REGISTRY)
    while pending:
        ready = [
            name
            for name, holding in pending.items()
            if all(
                needed in order
                for rule in holding.rules
                for needed in rule.needs(_table(name))
                if needed != name
            )
        ]
        if not ready:
            raise RuntimeError(f"the registry's rules go round in a circle: {sorted(pending)}")
        for name in ready:
            order.append(name)
            del pending[name]
    return tuple(order)


# ---- finding rows -------------------------------------------------------------------------


@dataclass
class Found:
    """Rows of each registered table, by primary key (a tuple where the key has two columns)."""

    keys: dict[str, list] = field(default_factory=dict)

    def ids(self, name: str) -> list:
        return self.keys.get(name, [])

    def add(self, name: str, keys: Iterable) -> int:
        """Add keys not already there; how many were new."""
        have = self.keys.setdefault(name, [])
        seen = set(have)
        new = [key for key in keys if key not in seen]
        have.extend(new)
        return len(new)

    def merge(self, other: "Found") -> None:
        for name, keys in other.keys.items():
            self.add(name, keys)

    @property
    def total(self) -> int:
        return sum(len(keys) for keys in self.keys.values())


def _primary_key(table: Table) -> list:
    return list(table.primary_key.columns)


def _chunks(keys: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


def _where(table: Table, keys: list):
    """A clause selecting these rows by primary key."""
    columns = _primary_key(table)
    if len(columns) == 1:
        return columns[0].in_(keys)
    return or_(
        false(),
        *(and_(*(c == v for c, v in zip(columns, key, strict=True))) for key in keys),
    )


def _keys(table: Table, clause) -> list:
    columns = _primary_key(table)
    rows = db.session.execute(select(*columns).where(clause).order_by(*columns))
    if len(columns) == 1:
        return [row[0] for row in rows]
    return [tuple(row) for row in rows]


def rows_about(subject: Subject) -> Found:
    """Every registered row about the person, table by table."""
    found = Found()
    for name in resolution_order():
        table = _table(name)
        clause = or_(*(rule.clause(table, subject, found) for rule in REGISTRY[name].rules))
        found.keys[name] = _keys(table, clause)
    return found


def _dependents_go(name: str) -> bool:
    erase = REGISTRY[name].erase
    return erase == DELETE or (isinstance(erase, Anonymise) and not erase.dependents_stay)


def with_dependents(found: Found) -> Found:
    """Add the rows that point at rows about to go: by foreign key, or by kind and id."""
    changed = True
    while changed:
        changed = False
        for name, holding in REGISTRY.items():
            table = _table(name)
            clauses = [
                column.in_(found.ids(key.column.table.name))
                for column in table.columns
                for key in column.foreign_keys
                if key.column.table.name in REGISTRY
                and _dependents_go(key.column.table.name)
                and found.ids(key.column.table.name)
            ]
            clauses += [
                rule.clause(table, None, found)
                for rule in holding.rules
                if isinstance(rule, Tagged)
            ]
            if clauses and found.add(name, _keys(table, or_(*clauses))):
                changed = True
    return found


# ---- erasing and anonymising -------------------------------------------------------------


def _anonymise(table: Table, keys: list, spec: Anonymise) -> None:
    constant = {
        name: value.make(table) if isinstance(value, Expression) else value
        for name, value in spec.blank.items()
        if not isinstance(value, Fresh)
    }
    fresh = {name: value.make for name, value in spec.blank.items() if isinstance(value, Fresh)}
    for chunk in _chunks(keys):
        if fresh:
            for key in chunk:
                values = {**constant, **{name: make() for name, make in fresh.items()}}
                db.session.execute(update(table).where(_where(table, [key])).values(values))
        else:
            db.session.execute(update(table).where(_where(table, chunk)).values(constant))


def apply_erasure(found: Found) -> tuple[dict[str, int], list[str]]:
    """Delete or anonymise the rows found (children first), as the registry says; the rows
    changed per table, and the stored files to remove once the transaction is committed."""
    counts: dict[str, int] = {}
    files: list[str] = []
    for table in reversed(db.metadata.sorted_tables):
        keys = found.ids(table.name)
        holding = REGISTRY.get(table.name)
        if not keys or holding is None or isinstance(holding.erase, Keep):
            continue
        if holding.files:
            key_column = table.c[holding.files[0]]
            for chunk in _chunks(keys):
                files += db.session.scalars(
                    select(key_column).where(_where(table, chunk), key_column.is_not(None))
                ).all()
        if holding.erase == DELETE:
            for chunk in _chunks(keys):
                db.session.execute(delete(table).where(_where(table, chunk)))
        else:
            _anonymise(table, keys, holding.erase)
        counts[table.name] = len(keys)
    db.session.expire_all()
    return counts, files


def remove_files(keys: Iterable[str]) -> None:
    """Delete stored files whose rows are gone (after the commit, so a rollback keeps them)."""
    for key in keys:
        try:
            uploads.remove(key)
        except (FileNotFoundError, OSError):
            continue  # already gone, or a key outside the upload folder: nothing to remove


# ---- the subject access export ---------------------------------------------------------------


def is_secret(column_name: str) -> bool:
    """Scrambled passwords, secret words and keys: they protect the person and are left out."""
    return column_name.endswith(("_hash", "_salt")) or any(
        mark in column_name for mark in ("secret", "token")
    )


def plain(value):
    """A value as JSON can hold it: dates and times in ISO 8601, amounts as text."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


@dataclass(frozen=True)
class ExportedTable:
    """One file of the export, for the README."""

    name: str
    about: str
    rows: int
    files: int


def _export_table(
    archive: zipfile.ZipFile, name: str, keys: list, subject: Subject
) -> ExportedTable:
    table = _table(name)
    holding = REGISTRY[name]
    key_column, kind_column = holding.files or (None, None)
    columns = [c for c in table.columns if not is_secret(c.name) and c.name != key_column]
    actor, private = holding.theirs_only or (None, ())
    rows, attached = [], 0
    for chunk in _chunks(keys):
        result = db.session.execute(
            select(table).where(_where(table, chunk)).order_by(*_primary_key(table))
        ).mappings()
        for row in result:
            item = {column.name: plain(row[column.name]) for column in columns}
            if actor and row[actor] != subject.user_id:
                item.update(dict.fromkeys(private))
            if key_column:
                item["file"] = _attach(archive, name, row, key_column, kind_column)
                attached += item["file"] is not None
            rows.append(item)
    document = {"table": name, "about": str(holding.about), "rows": rows}
    archive.writestr(f"data/{name}.json", json.dumps(document, ensure_ascii=False, indent=2))
    return ExportedTable(name, str(holding.about), len(rows), attached)


def _attach(archive, name, row, key_column, kind_column) -> str | None:
    """Copy a stored file into the archive; its path there, or None when there is none."""
    key, kind = row[key_column], row[kind_column]
    if not key or kind not in uploads.KINDS:
        return None
    try:
        path = uploads.path_of(key)
    except FileNotFoundError:
        return None
    if not path.is_file():
        return None
    arcname = f"files/{name}/{row['id']}.{uploads.KINDS[kind].extension}"
    archive.write(path, arcname)
    return arcname


def export_archive(service: FosteringService, person: User, *, by: User, now: datetime):
    """Everything held about `person` as a ZIP in a temporary file (rewound, ready to send),
    and the name to download it under; the export is written to the audit log."""
    subject = Subject.of(person)
    found = rows_about(subject)
    archive_file = tempfile.TemporaryFile()  # noqa: SIM115  # handed to the response, which closes it
    exported = []
    with zipfile.ZipFile(archive_file, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in REGISTRY:  # in the registry's order, which reads as a story
            if found.ids(name):
                exported.append(_export_table(archive, name, found.ids(name), subject))
        readme = render_template(
            "privacy/export_readme.txt",
            service=service,
            person=person,
            exported=exported,
            made_on=format_date(now.date(), "d MMMM yyyy"),
            made_at=now.astimezone(UTC).isoformat(timespec="seconds"),
        )
        archive.writestr("README.txt", readme)
    audit.record(
        "privacy.exported",
        person,
        service=service,
        actor=by,
        tables=len(exported),
        rows=sum(table.rows for table in exported),
        files=sum(table.files for table in exported),
    )
    db.session.commit()
    archive_file.seek(0)
    return archive_file, f"{service.slug}-records-{person.id}-{now.date().isoformat()}.zip"


# ---- erasure on request --------------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    """The same day `years` later (28 February for 29 February in a year without one)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _their_applications(service: FosteringService, person: User):
    return select(Application).where(
        Application.service_id == service.id,
        or_(
            Application.user_id == person.id,
            func.lower(Application.email) == normalise_email(person.email),
        ),
    )


def ended_on(application: Application) -> date:
    """The day an application reached its final stage."""
    last = db.session.scalar(
        select(func.max(ApplicationStep.at)).where(
            ApplicationStep.application_id == application.id,
            ApplicationStep.to_stage == application.stage,
        )
    )
    return (last or application.updated_at).date()


def was_approved_carer(service: FosteringService, person: User) -> bool:
    """An approved foster carer now or in the past: their records are kept by law."""
    if person.has_role(Role.APPROVED_CARER):
        return True
    in_household = db.session.scalar(
        select(func.count(HouseholdMember.id)).where(HouseholdMember.user_id == person.id)
    )
    approved = db.session.scalar(
        select(func.count(Application.id))
        .outerjoin(PanelCase, PanelCase.application_id == Application.id)
        .where(
            Application.id.in_(
                _their_applications(service, person).with_only_columns(Application.id)
            ),
            or_(Application.stage == Stage.APPROVED, PanelCase.decision == Outcome.APPROVE),
        )
    )
    return bool(in_household or approved)


def _their_kinship(service: FosteringService, person: User):
    return db.session.scalars(
        select(KinshipRequest).where(
            KinshipRequest.service_id == service.id,
            func.lower(KinshipRequest.email) == normalise_email(person.email),
        )
    ).all()


def open_matters(service: FosteringService, person: User) -> list[str]:
    """What is still going on for the person (nothing can be erased until it ends)."""
    reasons = []
    subject = Subject.of(person)
    applications = db.session.scalars(_their_applications(service, person)).all()
    if any(application.stage in STILL_GOING for application in applications):
        reasons.append(
            _(
                "Their application to foster is still going on. If they withdraw it, the law "
                "says its records must then be kept for at least 3 years."
            )
        )
    for request in _their_kinship(service, person):
        approval = request.temporary_approval
        if request.viability in (None, Viability.VIABLE) and approval is None:
            reasons.append(
                _("Their request to care for a child they know (%(reference)s) is still going on.")
                % {"reference": request.reference}
            )
        elif approval is not None and approval.ended_on is None:
            reasons.append(
                _(
                    "They are caring for a child they know under a temporary approval "
                    "(%(reference)s) that has not ended."
                )
                % {"reference": request.reference}
            )
    complaints = _table("complaint")
    complaint_ids = or_(
        *(rule.clause(complaints, subject, Found()) for rule in REGISTRY["complaint"].rules)
    )
    still_open = db.session.scalars(
        select(Complaint.reference).where(complaint_ids, Complaint.closed_on.is_(None))
    ).all()
    for reference in still_open:
        reasons.append(
            _("Their complaint %(reference)s is still open. It can be erased once it is closed.")
            % {"reference": reference}
        )
    conversations = db.session.scalars(
        select(Conversation.reference).where(
            Conversation.service_id == service.id,
            Conversation.user_id == person.id,
            Conversation.status == ConversationStatus.OPEN,
        )
    ).all()
    for reference in conversations:
        reasons.append(
            _(
                "Their conversation %(reference)s with a Children's Rights Officer is still "
                "open. It can be erased once it is closed."
            )
            % {"reference": reference}
        )
    return reasons


def reasons_to_keep(service: FosteringService, person: User, *, now: datetime) -> list[str]:
    """Why the law (or something still going on) stops the person's records being erased
    now; an empty list when they can be."""
    if person.is_staff:
        return [_("This is a staff account. Staff accounts are closed from Service settings.")]
    reasons = []
    if was_approved_carer(service, person):
        reasons.append(
            _(
                "They are, or were, an approved foster carer. The law says a foster carer's "
                "records must be kept for at least 10 years after their approval ends "
                "(Fostering Services (England) Regulations 2011, regulation 32)."
            )
        )
    kinship = _their_kinship(service, person)
    if any(request.temporary_approval is not None for request in kinship):
        reasons.append(
            _(
                "They were approved to care for a child they know (Regulation 24). The law "
                "says these records must be kept for at least 10 years after the child's "
                "placement with them ends."
            )
        )
    years = service.applicant_retention_years
    today = now.date()
    for application in db.session.scalars(_their_applications(service, person)):
        if application.stage not in REFUSED_OR_WITHDRAWN:
            continue
        ended = ended_on(application)
        if add_years(ended, years) > today:
            reasons.append(
                _(
                    "Their application ended on %(ended)s. Records of applications that were "
                    "refused or withdrawn are kept for %(years)d years (the law says at least "
                    "3), so these can be erased from %(until)s."
                )
                % {
                    "ended": format_date(ended, "d MMMM yyyy"),
                    "years": years,
                    "until": format_date(add_years(ended, years), "d MMMM yyyy"),
                }
            )
    for request in kinship:
        if request.viability in (Viability.NOT_VIABLE, Viability.WITHDRAWN) and (
            request.viability_on and add_years(request.viability_on, years) > today
        ):
            reasons.append(
                _(
                    "Their request to care for a child they know (%(reference)s) ended on "
                    "%(ended)s. It is kept for %(years)d years, so it can be erased from "
                    "%(until)s."
                )
                % {
                    "reference": request.reference,
                    "ended": format_date(request.viability_on, "d MMMM yyyy"),
                    "years": years,
                    "until": format_date(add_years(request.viability_on, years), "d MMMM yyyy"),
                }
            )
    return reasons + open_matters(service, person)


class MustKeep(Exception):
    """The person's records cannot be erased; `reasons` says why."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _cancel_bookings(subject: Subject, now: datetime) -> None:
    """Give up the person's places on future events and training, so the seats go to
    whoever is waiting, before the bookings lose their names."""
    places = db.session.scalars(
        select(Booking)
        .join(Occasion, Occasion.id == Booking.occasion_id)
        .where(
            Booking.service_id == subject.service_id,
            or_(Booking.user_id == subject.user_id, func.lower(Booking.email) == subject.email),
            Booking.status.in_(ACTIVE),
            Occasion.starts_at > now,
        )
    ).all()
    for booking in places:
        bookings.cancel(booking, now)
    db.session.flush()


def erase_records(subject: Subject) -> tuple[dict[str, int], list[str]]:
    """Delete or anonymise every registered row about the subject (no checks, no commit)."""
    return apply_erasure(with_dependents(rows_about(subject)))


def erase_person(service: FosteringService, person: User, *, by: User, now: datetime) -> dict:
    """Erase everything about `person` the law allows us to, or raise MustKeep: rows deleted
    or anonymised, files removed, the account disabled and its sessions ended. The audit
    row names ids and counts only."""
    reasons = reasons_to_keep(service, person, now=now)
    if reasons:
        raise MustKeep(reasons)
    subject = Subject.of(person)
    _cancel_bookings(subject, now)
    counts, files = erase_records(subject)
    audit.record("privacy.erased", person, service=service, actor=by, rows=counts)
    db.session.commit()
    remove_files(files)
    return counts


def account_tables() -> frozenset[str]:
    """Tables that only say a person has an account (for finding accounts nothing else needs)."""
    return frozenset(
        {"user_account", "user_role", "account_token", "recovery_code", "outbox_message"}
    ) | frozenset(name for name, h in REGISTRY.items() if isinstance(h.erase, Keep))


def holds_only_an_account(subject: Subject) -> bool:
    """True when nothing but the account itself (and emails and the log) is about them."""
    found = rows_about(subject)
    return not any(keys for name, keys in found.keys.items() if name not in account_tables())


def staff_role_rows():
    """A SELECT of the ids of accounts holding any staff role."""
    return select(UserRole.user_id).where(UserRole.role.in_(STAFF_ROLES))
