"""Finding applicants, carers and young people, and gathering a person's timeline.

Who may see whom: every staff role finds adults (applicants and carers); only Children's
Rights Officers and service managers find young people (DESIGN.md gives no other role a
reason to). Parts of a timeline follow the feature that owns them: complaints only for
the people who handle complaints, Children's Rights and independent visitor requests only
for the officers, family-and-friends requests (they concern a child) only for that team.

Each timeline source is one query, newest first and capped, so a person's page costs the
same number of queries however long their history is.
"""

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from flask_babel import format_date, format_datetime, ngettext
from flask_babel import gettext as _
from sqlalchemy import String, and_, exists, func, literal, or_, select, union, union_all
from sqlalchemy.orm import aliased

from portal.accounts.models import CarerType, Role, User, UserRole
from portal.applications.forms import DECISION_LABELS, STAGE_LABELS
from portal.applications.models import Application, ApplicationStep
from portal.assessments import services as assessments
from portal.assessments.models import Assessment
from portal.bookings.models import Booking, Occasion
from portal.childrens_rights import services as childrens_rights
from portal.childrens_rights.models import Conversation, RightsMessage
from portal.complaints import services as complaints
from portal.complaints.forms import STAGE_NAMES
from portal.complaints.models import Complaint, ComplaintStage
from portal.core import audit
from portal.core.extensions import db
from portal.events.models import InformationEvent
from portal.independent_visitors.forms import STATUS_LABELS as VISITOR_STATUS_LABELS
from portal.independent_visitors.models import VisitorRequest
from portal.kinship import services as kinship
from portal.kinship.forms import VIABILITY_LABELS
from portal.kinship.models import KinshipRequest
from portal.organisation.models import FosteringService
from portal.panels import services as panels
from portal.panels.forms import DECISION_LABELS as ADM_LABELS
from portal.panels.forms import RECOMMENDATION_LABELS
from portal.panels.models import Panel, PanelCase
from portal.paperwork import services as paperwork
from portal.paperwork.models import PaperworkDocument, PaperworkItem
from portal.people.forms import (
    BOOKING_STATUS_LABELS,
    CONVERSATION_STATUS_LABELS,
    DOCUMENT_STATUS_LABELS,
    VISIT_STATUS_LABELS,
)
from portal.recruitment.models import Enquiry
from portal.staff.forms import CARER_TYPE_LABELS
from portal.training.models import ModuleCompletion, TrainingCourse, TrainingSession
from portal.tsds import services as tsds
from portal.tsds.forms import STATUS_LABELS as EVIDENCE_STATUS_LABELS
from portal.tsds.models import (
    Evidence,
    Household,
    HouseholdMember,
    Standard,
    StandardOutcome,
)
from portal.visits.forms import RECOMMENDATION_LABELS as VISIT_RECOMMENDATION_LABELS
from portal.visits.models import VisitBooking, VisitRecord, VisitSlot

ADULT_ROLES = (Role.PROSPECTIVE_CARER, Role.APPROVED_CARER)
PEOPLE_ROLES = (*ADULT_ROLES, Role.YOUNG_PERSON)
YOUNG_PEOPLE_READERS = tuple(childrens_rights.OFFICER_ROLES)
COMPLAINT_READERS = tuple(complaints.MANAGER_ROLES)
KINSHIP_READERS = tuple(kinship.STAFF_ROLES)
PAGE_SIZE = 25
# The most entries one source gives a timeline; older ones are left off (and the page says so).
SOURCE_LIMIT = 100

PERSON, ENQUIRY = "person", "enquiry"


def sees_young_people(viewer: User) -> bool:
    """Whether this member of staff may find and open young people's records."""
    return viewer.has_role(*YOUNG_PEOPLE_READERS)


def searches_complaints(viewer: User) -> bool:
    """Whether complaint references find the person who complained."""
    return viewer.has_role(*COMPLAINT_READERS)


def _holds(user_id, *roles: Role):
    return exists().where(UserRole.user_id == user_id, UserRole.role.in_(roles))


# ---- search ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One line of search results: a person with an account, or an enquiry without one."""

    kind: str
    id: int
    name: str
    email: str
    roles: frozenset = frozenset()
    carer_type: CarerType | None = None
    household: str = ""
    reference: str = ""
    received_at: datetime | None = None

    @property
    def is_person(self) -> bool:
        """Has an account, so a page of its own."""
        return self.kind == PERSON

    @property
    def is_young_person(self) -> bool:
        """A young person's record (only officers and managers ever see one)."""
        return Role.YOUNG_PERSON in self.roles


@dataclass(frozen=True)
class SearchResults:
    """A page of results and where it sits among them."""

    results: list[Result]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the results fill."""
        return max(math.ceil(self.total / self.per_page), 1)

    @property
    def first(self) -> int:
        """The number of the first result on this page."""
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        """The number of the last result on this page."""
        return min(self.page * self.per_page, self.total)


def _matchers(query: str):
    term = query.strip().lower()
    compact = "".join(query.upper().split()).replace("-", "")

    def contains(column):
        return func.lower(column).contains(term, autoescape=True)

    def reference_is(column):
        return func.replace(column, "-", "") == compact

    return contains, reference_is


def _people_matching(service: FosteringService, viewer: User, query: str):
    """SELECT of (kind, id, name) for people with accounts whose details match."""
    contains, reference_is = _matchers(query)
    sid = service.id
    # Ids reached through other records: an enquiry, a household, a reference.
    via = [
        select(Enquiry.user_id).where(
            Enquiry.service_id == sid,
            or_(reference_is(Enquiry.reference), contains(Enquiry.name), contains(Enquiry.email)),
        ),
        select(Application.user_id).where(
            Application.service_id == sid,
            or_(contains(Application.name), contains(Application.email)),
        ),
        select(HouseholdMember.user_id)
        .join(Household, Household.id == HouseholdMember.household_id)
        .where(Household.service_id == sid, contains(Household.name)),
    ]
    if searches_complaints(viewer):
        via.append(
            select(Complaint.user_id).where(
                Complaint.service_id == sid, reference_is(Complaint.reference)
            )
        )
    if sees_young_people(viewer):
        via.append(
            select(Conversation.user_id).where(
                Conversation.service_id == sid, reference_is(Conversation.reference)
            )
        )
        via.append(
            select(VisitorRequest.user_id).where(
                VisitorRequest.service_id == sid, reference_is(VisitorRequest.reference)
            )
        )
    if viewer.has_role(*KINSHIP_READERS):
        via.append(
            select(User.id)
            .join(KinshipRequest, KinshipRequest.email == User.email)
            .where(
                User.service_id == sid,
                KinshipRequest.service_id == sid,
                reference_is(KinshipRequest.reference),
            )
        )
    roles = PEOPLE_ROLES if sees_young_people(viewer) else ADULT_ROLES
    conditions = [
        User.service_id == sid,
        _holds(User.id, *roles),
        or_(contains(User.name), contains(User.email), User.id.in_(union(*via))),
    ]
    if not sees_young_people(viewer):
        # Someone who is a young person as well as anything else stays hidden.
        conditions.append(~_holds(User.id, Role.YOUNG_PERSON))
    return select(
        literal(PERSON, String).label("kind"), User.id.label("id"), User.name.label("name")
    ).where(*conditions)


def _enquiries_matching(service: FosteringService, query: str):
    """SELECT of (kind, id, name) for enquiries from people who have no account yet."""
    contains, reference_is = _matchers(query)
    has_account = exists().where(User.service_id == service.id, User.email == Enquiry.email)
    return select(
        literal(ENQUIRY, String).label("kind"), Enquiry.id.label("id"), Enquiry.name.label("name")
    ).where(
        Enquiry.service_id == service.id,
        Enquiry.user_id.is_(None),
        ~has_account,
        or_(reference_is(Enquiry.reference), contains(Enquiry.name), contains(Enquiry.email)),
    )


def search_people(
    service: FosteringService, viewer: User, query: str, *, page: int = 1, per_page: int = PAGE_SIZE
) -> SearchResults:
    """People (and account-less enquiries) in `service` matching `query`, by name, that
    `viewer` may see; one page of them, in a fixed number of queries."""
    matches = union_all(
        _people_matching(service, viewer, query), _enquiries_matching(service, query)
    ).subquery()
    total = db.session.scalar(select(func.count()).select_from(matches))
    pages = max(math.ceil(total / per_page), 1)
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        select(matches.c.kind, matches.c.id)
        .order_by(func.lower(matches.c.name), matches.c.kind, matches.c.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    user_ids = [row.id for row in rows if row.kind == PERSON]
    enquiry_ids = [row.id for row in rows if row.kind == ENQUIRY]
    # Always the same three look-ups, even when a page holds only one kind of result.
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    households = dict(
        db.session.execute(
            select(HouseholdMember.user_id, Household.name)
            .join(Household, Household.id == HouseholdMember.household_id)
            .where(HouseholdMember.user_id.in_(user_ids))
        ).all()
    )
    enquiries = {
        e.id: e for e in db.session.scalars(select(Enquiry).where(Enquiry.id.in_(enquiry_ids)))
    }
    results = []
    for row in rows:
        if row.kind == PERSON:
            user = users[row.id]
            results.append(
                Result(
                    kind=PERSON,
                    id=user.id,
                    name=user.name,
                    email=user.email,
                    roles=user.roles,
                    carer_type=user.carer_type,
                    household=households.get(user.id, ""),
                )
            )
        else:
            enquiry = enquiries[row.id]
            results.append(
                Result(
                    kind=ENQUIRY,
                    id=enquiry.id,
                    name=enquiry.name,
                    email=enquiry.email,
                    reference=enquiry.reference,
                    received_at=enquiry.created_at,
                )
            )
    return SearchResults(results=results, total=total, page=page, per_page=per_page)


# ---- one person -----------------------------------------------------------------------


def person_for(service: FosteringService, viewer: User, user_id: int) -> User | None:
    """The applicant, carer or young person with this id in `service`, if `viewer` may
    see them; None otherwise (staff accounts are not people here)."""
    user = db.session.scalar(select(User).where(User.id == user_id, User.service_id == service.id))
    if user is None or not user.has_role(*PEOPLE_ROLES):
        return None
    if user.has_role(Role.YOUNG_PERSON) and not sees_young_people(viewer):
        return None
    return user


def record_view(service: FosteringService, person: User, viewer: User) -> None:
    """Every opening of a person's page is written down."""
    audit.record("person.viewed", person, service=service, actor=viewer)
    db.session.commit()


@dataclass(frozen=True)
class Summary:
    """Who the person is, at a glance."""

    person: User
    household: Household | None
    social_worker: str
    phone: str

    @property
    def is_young_person(self) -> bool:
        """A young person's record."""
        return self.person.has_role(Role.YOUNG_PERSON)


def summary_of(service: FosteringService, person: User) -> Summary:
    """The person's household (if they are a carer) and a phone number from their enquiry."""
    worker = aliased(User)
    row = db.session.execute(
        select(Household, worker.name)
        .join(HouseholdMember, HouseholdMember.household_id == Household.id)
        .outerjoin(worker, worker.id == Household.social_worker_id)
        .where(HouseholdMember.user_id == person.id, Household.service_id == service.id)
    ).first()
    phone = db.session.scalar(
        select(Enquiry.phone)
        .where(Enquiry.service_id == service.id, _is_theirs(Enquiry, person))
        .order_by(Enquiry.created_at.desc())
        .limit(1)
    )
    return Summary(
        person=person,
        household=row[0] if row else None,
        social_worker=(row[1] or "") if row else "",
        phone=phone or "",
    )


def _is_theirs(model, person: User):
    """Rows linked to the person's account, or made with their email before they had one."""
    return or_(model.user_id == person.id, func.lower(model.email) == person.email.lower())


@dataclass(frozen=True)
class Entry:
    """One thing that happened, for the timeline."""

    at: datetime
    title: str
    has_time: bool = True
    details: tuple[str, ...] = ()
    status: str = ""
    endpoint: str | None = None
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Timeline:
    """A person's entries, newest first, and whether any source had more than it showed."""

    entries: list[Entry]
    is_cut_short: bool


def _on(day: date) -> datetime:
    # A date-only step sorts at midday, after that morning's timed entries.
    return datetime.combine(day, time(12), tzinfo=UTC)


def _dated(day: date, title: str, **kwargs) -> Entry:
    return Entry(at=_on(day), title=title, has_time=False, **kwargs)


def _link(viewer: User, roles, endpoint: str, **values) -> dict:
    """A link to the feature's own page, only for staff that page lets in."""
    return {"endpoint": endpoint, "values": values} if viewer.has_role(*roles) else {}


def _fetch(statement, newest) -> tuple[list, bool]:
    rows = db.session.execute(statement.order_by(newest.desc()).limit(SOURCE_LIMIT + 1)).all()
    return rows[:SOURCE_LIMIT], len(rows) > SOURCE_LIMIT


def _enquiries(service, viewer, person):
    rows, cut = _fetch(
        select(Enquiry.reference, Enquiry.created_at, Enquiry.made_by_staff_id).where(
            Enquiry.service_id == service.id, _is_theirs(Enquiry, person)
        ),
        Enquiry.created_at,
    )
    entries = [
        Entry(
            at=row.created_at,
            title=_("Enquiry %(reference)s", reference=row.reference),
            details=(_("Made by staff for them"),) if row.made_by_staff_id else (),
        )
        for row in rows
    ]
    return entries, cut


def _occasion_bookings(service, person, model, title_column, *joins):
    statement = (
        select(
            Booking.status,
            Booking.attended,
            Booking.created_at,
            Booking.made_by_staff_id,
            Occasion.starts_at,
            title_column.label("title"),
        )
        .join(Occasion, Occasion.id == Booking.occasion_id)
        .join(model, model.occasion_id == Occasion.id)
    )
    for target, on in joins:
        statement = statement.join(target, on)
    return _fetch(
        statement.where(Booking.service_id == service.id, _is_theirs(Booking, person)),
        Booking.created_at,
    )


def _booking_details(row) -> tuple[str, ...]:
    details = [_("On %(when)s", when=_london(row.starts_at))]
    if row.attended is True:
        details.append(_("Attended"))
    elif row.attended is False:
        details.append(_("Did not attend"))
    if row.made_by_staff_id:
        details.append(_("Booked by staff for them"))
    return tuple(details)


def _london(moment: datetime) -> str:
    return format_datetime(moment, "d MMMM yyyy, HH:mm")


def _london_day(day: date) -> str:
    return format_date(day, "d MMMM yyyy")


def _event_bookings(service, viewer, person):
    rows, cut = _occasion_bookings(service, person, InformationEvent, InformationEvent.title)
    entries = [
        Entry(
            at=row.created_at,
            title=_("Booked an information event: %(title)s", title=row.title),
            details=_booking_details(row),
            status=str(BOOKING_STATUS_LABELS[row.status]),
        )
        for row in rows
    ]
    return entries, cut


def _training_bookings(service, viewer, person):
    rows, cut = _occasion_bookings(
        service,
        person,
        TrainingSession,
        TrainingCourse.title,
        (TrainingCourse, TrainingCourse.id == TrainingSession.course_id),
    )
    entries = [
        Entry(
            at=row.created_at,
            title=_("Booked training: %(title)s", title=row.title),
            details=_booking_details(row),
            status=str(BOOKING_STATUS_LABELS[row.status]),
        )
        for row in rows
    ]
    return entries, cut


def _modules(service, viewer, person):
    rows, cut = _fetch(
        select(ModuleCompletion.completed_on, TrainingCourse.title)
        .join(TrainingCourse, TrainingCourse.id == ModuleCompletion.course_id)
        .where(ModuleCompletion.service_id == service.id, ModuleCompletion.user_id == person.id),
        ModuleCompletion.completed_on,
    )
    entries = [
        _dated(row.completed_on, _("Completed an online module: %(title)s", title=row.title))
        for row in rows
    ]
    return entries, cut


def _visits(service, viewer, person):
    visitor = aliased(User)
    their_enquiries = select(Enquiry.id).where(
        Enquiry.service_id == service.id, Enquiry.user_id == person.id
    )
    rows, cut = _fetch(
        select(
            VisitBooking.status,
            VisitBooking.booked_at,
            VisitSlot.starts_at,
            visitor.name.label("visitor"),
            VisitRecord.written_at,
            VisitRecord.recommendation,
        )
        .join(VisitSlot, VisitSlot.id == VisitBooking.slot_id)
        .join(visitor, visitor.id == VisitSlot.visitor_id)
        .outerjoin(VisitRecord, VisitRecord.booking_id == VisitBooking.id)
        .where(
            VisitBooking.service_id == service.id,
            or_(_is_theirs(VisitBooking, person), VisitBooking.enquiry_id.in_(their_enquiries)),
        ),
        VisitBooking.booked_at,
    )
    entries = []
    for row in rows:
        entries.append(
            Entry(
                at=row.booked_at,
                title=_("Booked an initial visit"),
                details=(
                    _("On %(when)s", when=_london(row.starts_at)),
                    _("Initial visitor: %(name)s", name=row.visitor),
                ),
                status=str(VISIT_STATUS_LABELS[row.status]),
            )
        )
        if row.written_at:
            entries.append(
                Entry(
                    at=row.written_at,
                    title=_("Initial visit record written"),
                    details=(
                        _(
                            "Recommendation: %(recommendation)s",
                            recommendation=VISIT_RECOMMENDATION_LABELS[row.recommendation],
                        ),
                    ),
                )
            )
    return entries, cut


def _their_applications(service, person):
    return and_(Application.service_id == service.id, _is_theirs(Application, person))


def _application_steps(service, viewer, person):
    rows, cut = _fetch(
        select(ApplicationStep.at, ApplicationStep.from_stage, ApplicationStep.to_stage)
        .join(Application, Application.id == ApplicationStep.application_id)
        .where(_their_applications(service, person)),
        ApplicationStep.at,
    )
    entries = []
    for row in rows:
        if row.from_stage is None:
            title = _("Decision to progress: %(decision)s", decision=DECISION_LABELS[row.to_stage])
        else:
            title = _("Application moved to %(stage)s", stage=STAGE_LABELS[row.to_stage])
        entries.append(Entry(at=row.at, title=title))
    return entries, cut


def _paperwork(service, viewer, person):
    rows, cut = _fetch(
        select(
            PaperworkDocument.uploaded_at,
            PaperworkDocument.status,
            PaperworkDocument.application_id,
            PaperworkItem.name,
        )
        .join(Application, Application.id == PaperworkDocument.application_id)
        .join(PaperworkItem, PaperworkItem.id == PaperworkDocument.item_id)
        .where(_their_applications(service, person)),
        PaperworkDocument.uploaded_at,
    )
    entries = [
        Entry(
            at=row.uploaded_at,
            title=_("Sent paperwork: %(item)s", item=row.name),
            status=str(DOCUMENT_STATUS_LABELS[row.status]),
            **_link(
                viewer,
                paperwork.REVIEWER_ROLES,
                "paperwork.staff_application",
                application_id=row.application_id,
            ),
        )
        for row in rows
    ]
    return entries, cut


def _assessments(service, viewer, person):
    assessor = aliased(User)
    rows, cut = _fetch(
        select(
            Assessment.id,
            Assessment.allocated_on,
            Assessment.completed_on,
            assessor.name.label("assessor"),
        )
        .join(Application, Application.id == Assessment.application_id)
        .join(assessor, assessor.id == Assessment.assessor_id)
        .where(Assessment.service_id == service.id, _their_applications(service, person)),
        Assessment.allocated_on,
    )
    entries = []
    for row in rows:
        link = _link(
            viewer, assessments.STAFF_ROLES, "assessments.staff_assessment", assessment_id=row.id
        )
        entries.append(
            _dated(
                row.allocated_on,
                _("Assessment started"),
                details=(_("Assessing social worker: %(name)s", name=row.assessor),),
                **link,
            )
        )
        if row.completed_on:
            entries.append(_dated(row.completed_on, _("Assessment completed"), **link))
    return entries, cut


def _panel_cases(service, viewer, person):
    rows, cut = _fetch(
        select(
            PanelCase.id,
            PanelCase.booked_at,
            Panel.meets_on,
            PanelCase.papers_sent_on,
            PanelCase.recommendation,
            PanelCase.recommended_on,
            PanelCase.decision,
            PanelCase.decided_on,
        )
        .join(Panel, Panel.id == PanelCase.panel_id)
        .join(Application, Application.id == PanelCase.application_id)
        .where(PanelCase.service_id == service.id, _their_applications(service, person)),
        PanelCase.booked_at,
    )
    entries = []
    for row in rows:
        link = _link(viewer, panels.PANEL_ROLES, "panels.staff_case", case_id=row.id)
        entries.append(
            Entry(
                at=row.booked_at,
                title=_("Booked for the fostering panel"),
                details=(_("Panel meets on %(day)s", day=_london_day(row.meets_on)),),
                **link,
            )
        )
        if row.papers_sent_on:
            entries.append(_dated(row.papers_sent_on, _("Panel papers sent"), **link))
        if row.recommended_on and row.recommendation:
            entries.append(
                _dated(
                    row.recommended_on,
                    _("Panel recommendation"),
                    status=str(RECOMMENDATION_LABELS[row.recommendation]),
                    **link,
                )
            )
        if row.decided_on and row.decision:
            entries.append(
                _dated(
                    row.decided_on,
                    _("Agency decision"),
                    status=str(ADM_LABELS[row.decision]),
                )
            )
    return entries, cut


def _household(service, viewer, person):
    rows, cut = _fetch(
        select(
            Household.id,
            Household.carer_type,
            Household.approved_on,
            Household.signed_off_on,
        )
        .join(HouseholdMember, HouseholdMember.household_id == Household.id)
        .where(Household.service_id == service.id, HouseholdMember.user_id == person.id),
        Household.approved_on,
    )
    entries = []
    for row in rows:
        link = _link(viewer, tsds.REVIEWER_ROLES, "tsds.staff_household", household_id=row.id)
        entries.append(
            _dated(
                row.approved_on,
                _("Approved as foster carers"),
                details=(str(CARER_TYPE_LABELS[row.carer_type]),),
                **link,
            )
        )
        if row.signed_off_on:
            entries.append(_dated(row.signed_off_on, _("TSDS workbook signed off"), **link))
    return entries, cut


def _evidence(service, viewer, person):
    newest = func.coalesce(Evidence.reviewed_at, Evidence.submitted_at, Evidence.updated_at)
    rows, cut = _fetch(
        select(
            Evidence.household_id,
            Evidence.status,
            newest.label("at"),
            Standard.number.label("standard"),
            StandardOutcome.number.label("outcome"),
        )
        .join(HouseholdMember, HouseholdMember.household_id == Evidence.household_id)
        .join(StandardOutcome, StandardOutcome.id == Evidence.outcome_id)
        .join(Standard, Standard.id == StandardOutcome.standard_id)
        .where(Evidence.service_id == service.id, HouseholdMember.user_id == person.id),
        newest,
    )
    entries = [
        Entry(
            at=row.at,
            title=_(
                "TSDS evidence for outcome %(label)s",
                label=f"{row.standard}.{row.outcome}",
            ),
            status=str(EVIDENCE_STATUS_LABELS[row.status]),
            **_link(
                viewer, tsds.REVIEWER_ROLES, "tsds.staff_household", household_id=row.household_id
            ),
        )
        for row in rows
    ]
    return entries, cut


def _complaints(service, viewer, person):
    if not searches_complaints(viewer):
        return [], False
    # Only the clocks: the columns that hold what was said are never read here.
    stage = func.max(ComplaintStage.number)
    rows, cut = _fetch(
        select(
            Complaint.id,
            Complaint.reference,
            Complaint.received_on,
            Complaint.closed_on,
            stage.label("stage"),
        )
        .join(ComplaintStage, ComplaintStage.complaint_id == Complaint.id)
        .where(Complaint.service_id == service.id, Complaint.user_id == person.id)
        .group_by(Complaint.id, Complaint.reference, Complaint.received_on, Complaint.closed_on),
        Complaint.received_on,
    )
    entries = []
    for row in rows:
        details = [str(STAGE_NAMES[row.stage])]
        if row.closed_on:
            details.append(_("Closed on %(day)s", day=_london_day(row.closed_on)))
        entries.append(
            _dated(
                row.received_on,
                _("Complaint %(reference)s", reference=row.reference),
                details=tuple(details),
                status=_("Closed") if row.closed_on else _("Open"),
                endpoint="complaints.staff_complaint",
                values={"complaint_id": row.id},
            )
        )
    return entries, cut


def _conversations(service, viewer, person):
    if not sees_young_people(viewer):
        return [], False
    count = (
        select(func.count(RightsMessage.id))
        .where(RightsMessage.conversation_id == Conversation.id)
        .scalar_subquery()
    )
    rows, cut = _fetch(
        select(
            Conversation.id,
            Conversation.reference,
            Conversation.created_at,
            Conversation.last_message_at,
            Conversation.status,
            Conversation.is_urgent,
            count.label("messages"),
        ).where(Conversation.service_id == service.id, Conversation.user_id == person.id),
        Conversation.created_at,
    )
    entries = []
    for row in rows:
        details = [
            ngettext(
                "%(num)d message, the last on %(when)s",
                "%(num)d messages, the last on %(when)s",
                row.messages,
                when=_london(row.last_message_at),
            )
        ]
        if row.is_urgent:
            details.append(_("Marked urgent"))
        entries.append(
            Entry(
                at=row.created_at,
                title=_("Children's Rights conversation %(reference)s", reference=row.reference),
                details=tuple(details),
                status=str(CONVERSATION_STATUS_LABELS[row.status]),
                endpoint="childrens_rights.staff_conversation",
                values={"conversation_id": row.id},
            )
        )
    return entries, cut


def _visitor_requests(service, viewer, person):
    if not sees_young_people(viewer):
        return [], False
    rows, cut = _fetch(
        select(
            VisitorRequest.id,
            VisitorRequest.reference,
            VisitorRequest.status,
            VisitorRequest.created_at,
        ).where(VisitorRequest.service_id == service.id, VisitorRequest.user_id == person.id),
        VisitorRequest.created_at,
    )
    entries = [
        Entry(
            at=row.created_at,
            title=_("Asked for an independent visitor (%(reference)s)", reference=row.reference),
            status=str(VISITOR_STATUS_LABELS[row.status]),
            endpoint="independent_visitors.staff_request",
            values={"request_id": row.id},
        )
        for row in rows
    ]
    return entries, cut


def _kinship(service, viewer, person):
    if not viewer.has_role(*KINSHIP_READERS):
        return [], False
    # The child's details are encrypted and are not read here.
    rows, cut = _fetch(
        select(
            KinshipRequest.id,
            KinshipRequest.reference,
            KinshipRequest.received_at,
            KinshipRequest.viability,
        ).where(
            KinshipRequest.service_id == service.id,
            func.lower(KinshipRequest.email) == person.email.lower(),
        ),
        KinshipRequest.received_at,
    )
    entries = [
        Entry(
            at=row.received_at,
            title=_("Asked to care for a child they know (%(reference)s)", reference=row.reference),
            status=str(VIABILITY_LABELS[row.viability]) if row.viability else "",
            endpoint="kinship.staff_request",
            values={"request_id": row.id},
        )
        for row in rows
    ]
    return entries, cut


SOURCES = (
    _enquiries,
    _event_bookings,
    _visits,
    _application_steps,
    _paperwork,
    _assessments,
    _panel_cases,
    _household,
    _evidence,
    _training_bookings,
    _modules,
    _complaints,
    _conversations,
    _visitor_requests,
    _kinship,
)


def timeline_of(service: FosteringService, viewer: User, person: User) -> Timeline:
    """Everything that happened to the person that `viewer` may see, newest first."""
    entries: list[Entry] = []
    is_cut_short = False
    for source in SOURCES:
        found, cut = source(service, viewer, person)
        entries.extend(found)
        is_cut_short = is_cut_short or cut
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return Timeline(entries=entries, is_cut_short=is_cut_short)
