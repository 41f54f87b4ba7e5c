"""Changing a service's settings: each change saved with an audit row naming what changed."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.accounts import services as accounts
from portal.accounts.models import STAFF_ROLES, User, UserRole
from portal.core.audit import record
from portal.core.extensions import db
from portal.core.i18n import default_language, read_languages, shipped_languages, write_languages
from portal.organisation.models import FosteringService, Locality, Venue
from portal.paperwork.models import PaperworkItem
from portal.paperwork.services import ensure_checklist
from portal.tsds.models import SetKey, Standard, StandardOutcome, StandardSet
from portal.tsds.services import ensure_standard_sets

CONTACT_FIELDS = (
    "fostering_phone",
    "fostering_email",
    "website_url",
    "address",
    "out_of_hours_phone",
    "childrens_rights_phone",
    "childrens_rights_email",
    "complaints_phone",
    "complaints_email",
    "corporate_parenting_phone",
    "corporate_parenting_email",
    "registered_manager_name",
    "registered_manager_phone",
    "registered_manager_email",
    "childrens_commissioner_phone",
    "childrens_commissioner_email",
    "childrens_commissioner_website",
    "ofsted_phone",
    "ofsted_email",
    "ofsted_address",
)
# A named person's details: the audit row says the field changed, never what it says.
PERSONAL_FIELDS = frozenset(
    {"registered_manager_name", "registered_manager_phone", "registered_manager_email"}
)

TARGET_FIELDS = (
    "assessment_target_weeks",
    "panel_due_months",
    "panel_papers_working_days",
    "decision_working_days",
    "review_days",
    "viability_working_days",
    "temporary_approval_weeks",
    "temporary_extension_weeks",
)

RETENTION_FIELDS = (
    "enquiry_retention_years",
    "applicant_retention_years",
    "carer_retention_years",
    "complaint_retention_years",
    "conversation_retention_years",
    "email_retention_days",
)


class NameTaken(ValueError):
    """The service already has a venue, locality or checklist item with this name."""


class NotAllowed(ValueError):
    """The change is refused (such as disabling one's own account)."""


def _apply(obj, wanted: dict, *, personal=frozenset()) -> dict:
    """Set `wanted` on `obj`; the changes as {field: [before, after]} (personal: None)."""
    changes = {}
    for name, value in wanted.items():
        before = getattr(obj, name)
        if before != value:
            changes[name] = None if name in personal else [before, value]
            setattr(obj, name, value)
    return changes


def _audit(action: str, obj, changes: dict, *, service, by) -> None:
    if changes:
        record(
            action,
            obj,
            service=service,
            actor=by,
            changed=sorted(changes),
            values={k: v for k, v in changes.items() if v is not None},
        )


# ---- contacts and targets -----------------------------------------------------------------


def update_contacts(service: FosteringService, values: dict, *, by) -> list[str]:
    """Save the service's contact details; the names of the fields that changed."""
    wanted = {name: (values.get(name) or "").strip() for name in CONTACT_FIELDS}
    # Email fields come back in lower case: a stored address differing only in case is
    # the same address, not a change.
    for name in CONTACT_FIELDS:
        if name.endswith("_email") and wanted[name].lower() == getattr(service, name).lower():
            wanted[name] = getattr(service, name)
    changes = _apply(service, wanted, personal=PERSONAL_FIELDS)
    _audit("settings.contacts_changed", service, changes, service=service, by=by)
    db.session.commit()
    return sorted(changes)


def update_targets(service: FosteringService, values: dict, *, by) -> list[str]:
    """Save the timescales the service works to; the names of those that changed."""
    changes = _apply(service, {name: int(values[name]) for name in TARGET_FIELDS})
    _audit("settings.targets_changed", service, changes, service=service, by=by)
    db.session.commit()
    return sorted(changes)


def update_retention(service: FosteringService, values: dict, *, by) -> list[str]:
    """Save how long the service keeps each kind of record; the names of those changed."""
    changes = _apply(service, {name: int(values[name]) for name in RETENTION_FIELDS})
    _audit("settings.retention_changed", service, changes, service=service, by=by)
    db.session.commit()
    return sorted(changes)


def update_languages(service: FosteringService, codes, *, by) -> bool:
    """Save the languages the service's pages offer (the default always, codes not shipped
    never); True when they changed."""
    shipped, default = shipped_languages(), default_language()
    before = read_languages(service.languages, shipped, default)
    after = read_languages(write_languages(codes), shipped, default)
    changes = {"languages": [list(before), list(after)]} if after != before else {}
    if changes:
        service.languages = write_languages(after)
    _audit("settings.languages_changed", service, changes, service=service, by=by)
    db.session.commit()
    return bool(changes)


# ---- venues and localities ----------------------------------------------------------------


def all_venues(service: FosteringService) -> list[Venue]:
    """Every venue, in use first, then retired, each by name."""
    return list(
        db.session.scalars(
            select(Venue)
            .where(Venue.service_id == service.id)
            .order_by(Venue.is_retired, Venue.name)
        )
    )


def all_localities(service: FosteringService) -> list[Locality]:
    """Every locality, in use first, then retired, each by name."""
    return list(
        db.session.scalars(
            select(Locality)
            .where(Locality.service_id == service.id)
            .order_by(Locality.is_retired, Locality.name)
        )
    )


def find_venue(service: FosteringService, venue_id: int) -> Venue | None:
    """This service's venue with this id, retired or not."""
    return db.session.scalar(
        select(Venue).where(Venue.id == venue_id, Venue.service_id == service.id)
    )


def find_locality(service: FosteringService, locality_id: int) -> Locality | None:
    """This service's locality with this id, retired or not."""
    return db.session.scalar(
        select(Locality).where(Locality.id == locality_id, Locality.service_id == service.id)
    )


def _name_taken(model, service: FosteringService, name: str, obj) -> bool:
    # Compared in Python: SQLite's lower() folds only A to Z, so "ÖLMEZ" and "Ölmez" would
    # pass a check in SQL and then break the unique index. A service has a few dozen names.
    wanted = name.strip().casefold()
    rows = db.session.execute(select(model.id, model.name).where(model.service_id == service.id))
    mine = obj.id if obj is not None else None
    return any(row.name.casefold() == wanted and row.id != mine for row in rows)


def _save(model, action: str, service, obj, wanted: dict, *, by):
    """Add (obj None) or change a row of `model` named `wanted['name']`, and audit it."""
    wanted = {k: v.strip() if isinstance(v, str) else v for k, v in wanted.items()}
    if _name_taken(model, service, wanted["name"], obj):
        raise NameTaken(wanted["name"])
    is_new = obj is None
    if is_new:
        obj = model(service_id=service.id, **wanted)
        db.session.add(obj)
        db.session.flush()
        changes = {name: [None, value] for name, value in wanted.items()}
    else:
        changes = _apply(obj, wanted)
    _audit(f"{action}_{'added' if is_new else 'changed'}", obj, changes, service=service, by=by)
    db.session.commit()
    return obj


def save_venue(service: FosteringService, venue: Venue | None, *, by, **wanted) -> Venue:
    """Add a venue (venue None) or change one."""
    return _save(Venue, "settings.venue", service, venue, wanted, by=by)


def save_locality(
    service: FosteringService, locality: Locality | None, *, by, **wanted
) -> Locality:
    """Add a locality (locality None) or change one."""
    return _save(Locality, "settings.locality", service, locality, wanted, by=by)


def set_retired(obj, is_retired: bool, *, service: FosteringService, by) -> None:
    """Retire a venue, locality or checklist item (kept for the records naming it), or bring
    it back."""
    kind = type(obj).__name__.lower()
    if isinstance(obj, PaperworkItem):
        changes = _apply(obj, {"is_active": not is_retired})
        kind = "checklist_item"
    else:
        changes = _apply(obj, {"is_retired": is_retired})
    if changes:
        verb = "retired" if is_retired else "reinstated"
        record(f"settings.{kind}_{verb}", obj, service=service, actor=by, name=obj.name)
    db.session.commit()


# ---- the document checklist ---------------------------------------------------------------


def checklist(service: FosteringService) -> list[PaperworkItem]:
    """Every checklist item in the order applicants see them, retired ones last."""
    ensure_checklist(service)
    db.session.commit()
    return list(
        db.session.scalars(
            select(PaperworkItem)
            .where(PaperworkItem.service_id == service.id)
            .order_by(PaperworkItem.is_active.desc(), PaperworkItem.position, PaperworkItem.id)
        )
    )


def find_item(service: FosteringService, item_id: int) -> PaperworkItem | None:
    """This service's checklist item with this id, retired or not."""
    return db.session.scalar(
        select(PaperworkItem).where(
            PaperworkItem.id == item_id, PaperworkItem.service_id == service.id
        )
    )


def save_item(
    service: FosteringService, item: PaperworkItem | None, *, name: str, description: str, by
) -> PaperworkItem:
    """Add an item at the end of the checklist (item None), or reword one."""
    wanted = {"name": name, "description": description}
    if item is None:
        last = db.session.scalar(
            select(func.max(PaperworkItem.position)).where(PaperworkItem.service_id == service.id)
        )
        wanted["position"] = (last or 0) + 1
    return _save(PaperworkItem, "settings.checklist_item", service, item, wanted, by=by)


def move_item(service: FosteringService, item: PaperworkItem, step: int, *, by) -> bool:
    """Move an item in use one place up (step -1) or down (+1); False at either end."""
    in_use = [row for row in checklist(service) if row.is_active]
    if item not in in_use:
        return False
    at = in_use.index(item)
    to = at + step
    if not 0 <= to < len(in_use):
        return False
    in_use[at], in_use[to] = in_use[to], in_use[at]
    for position, row in enumerate(in_use, start=1):
        row.position = position
    record(
        "settings.checklist_reordered",
        item,
        service=service,
        actor=by,
        order=[row.id for row in in_use],
    )
    db.session.commit()
    return True


# ---- TSDS outcome texts ----------------------------------------------------------------------


def standard_sets(service: FosteringService) -> list[StandardSet]:
    """The service's three sets of standards (created from the defaults the first time)."""
    sets = ensure_standard_sets(service)
    db.session.commit()
    order = list(SetKey)
    return sorted(sets.values(), key=lambda s: order.index(s.key))


def standard_set(service: FosteringService, key: SetKey) -> StandardSet | None:
    """One set with its standards and outcomes loaded."""
    standard_sets(service)
    return db.session.scalar(
        select(StandardSet)
        .where(StandardSet.service_id == service.id, StandardSet.key == key)
        .options(selectinload(StandardSet.standards).selectinload(Standard.outcomes))
    )


def find_outcome(service: FosteringService, outcome_id: int) -> StandardOutcome | None:
    """This service's outcome with this id."""
    return db.session.scalar(
        select(StandardOutcome)
        .join(Standard)
        .join(StandardSet)
        .where(StandardOutcome.id == outcome_id, StandardSet.service_id == service.id)
    )


def update_outcome(service: FosteringService, outcome: StandardOutcome, text: str, *, by) -> bool:
    """Reword an outcome; True when the text changed."""
    changes = _apply(outcome, {"text": text.strip()})
    _audit("settings.tsds_outcome_changed", outcome, changes, service=service, by=by)
    db.session.commit()
    return bool(changes)


# ---- staff accounts --------------------------------------------------------------------------


@dataclass
class StaffRow:
    """One colleague and what can be done to their account."""

    user: User
    is_you: bool

    @property
    def status(self) -> str:
        if self.user.is_disabled:
            return "disabled"
        return "active" if self.user.is_set_up else "invited"


def staff_accounts(service: FosteringService, you: User) -> list[StaffRow]:
    """Everyone holding a staff role in the service, by name."""
    users = db.session.scalars(
        select(User)
        .where(
            User.service_id == service.id,
            User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(sorted(STAFF_ROLES)))),
        )
        .order_by(func.lower(User.name), User.id)
    )
    return [StaffRow(user, user.id == you.id) for user in users]


def find_staff(service: FosteringService, user_id: int) -> User | None:
    """The service's staff account with this id."""
    user = db.session.scalar(select(User).where(User.id == user_id, User.service_id == service.id))
    return user if user is not None and user.is_staff else None


def disable_staff(user: User, *, by: User) -> None:
    """Disable a colleague's account; every session they have ends at once."""
    if user.id == by.id:
        raise NotAllowed("You cannot disable your own account.")
    if user.is_disabled:
        return
    accounts.disable_user(user, by)


def enable_staff(user: User, *, by: User) -> None:
    """Let a disabled colleague sign in again."""
    if user.is_disabled:
        accounts.enable_user(user, by)
