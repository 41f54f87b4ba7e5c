"""Assisted digital routes: a start page, one staff-side form per thing a caller can ask
for, a confirmation to read back, and the list of what was made."""

from flask import abort, g, redirect, render_template, request, session, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from portal.assisted import bp, services
from portal.assisted.forms import (
    HOW_CONTACTED_LABELS,
    KIND_LABELS,
    AssistedBookingForm,
    AssistedChooseSlotForm,
    AssistedComplaintForm,
    AssistedEnquiryForm,
    AssistedVisitorRequestForm,
    AssistedYoungComplaintForm,
    FindEnquiryForm,
)
from portal.assisted.models import AssistedKind
from portal.bookings import services as engine
from portal.complaints.forms import COMPLAINANT_LABELS
from portal.complaints.models import Complainant
from portal.core.access import only_for_staff
from portal.core.db import utcnow
from portal.core.pagination import govuk_pagination
from portal.core.times import london_today
from portal.events import services as events
from portal.visits import services as visits
from portal.visits.forms import MODE_LABELS
from portal.visits.views import WHEN

# Session keys. Secrets never go in a URL: a complaint's words wait here to be shown once,
# and a new enquiry's private-link secret waits so its visit email can carry the link.
WORDS_TO_READ_OUT = "assisted_secret_words"
ENQUIRY_LINKS = "assisted_enquiry_links"
KEEP_LINKS = 5


def _done(action):
    return redirect(url_for("assisted.show_action", action_id=action.id))


@bp.get("/")
@only_for_staff
def index():
    """What staff can do for someone who phones or calls in."""
    return render_template(
        "assisted/index.html", sees_everyone=services.can_see_everyone(current_user)
    )


# ---- an enquiry ------------------------------------------------------------------------


@bp.route("/enquiry", methods=["GET", "POST"])
@only_for_staff
def make_enquiry():
    """Send an enquiry about fostering for a caller."""
    form = AssistedEnquiryForm()
    if form.validate_on_submit():
        action, enquiry, secret = services.make_enquiry_for(
            g.service,
            staff=current_user,
            details=form.details(),
            how_contacted=form.contact,
            locale=form.language.data,
            now=utcnow(),
        )
        links = dict(list(session.get(ENQUIRY_LINKS, {}).items())[-(KEEP_LINKS - 1) :])
        session[ENQUIRY_LINKS] = links | {str(enquiry.id): secret}
        return _done(action)
    return render_template("assisted/make_enquiry.html", form=form)


# ---- an information event place --------------------------------------------------------


@bp.get("/event")
@only_for_staff
def choose_event():
    """The events a caller can book, soonest first."""
    return render_template(
        "assisted/choose_event.html",
        events=events.upcoming_events(g.service, utcnow(), limit=50),
        enquiry_id=request.args.get("enquiry", type=int),
    )


@bp.route("/event/<int:event_id>", methods=["GET", "POST"])
@only_for_staff
def book_event(event_id: int):
    """Book a place at an information event for a caller."""
    event = events.find_event(g.service, event_id)
    if event is None:
        abort(404)
    now = utcnow()
    form = AssistedBookingForm()
    enquiry = services.find_enquiry(g.service, request.args.get("enquiry", 0, type=int))
    if request.method == "GET" and enquiry is not None:
        form.name.data, form.email.data, form.phone.data = (
            enquiry.name,
            enquiry.email,
            enquiry.phone,
        )
        form.language.data = enquiry.locale
    is_closed = event.occasion.is_cancelled or event.occasion.starts_at <= now
    if not is_closed and form.validate_on_submit():
        try:
            action, _booking = services.book_event_for(
                g.service,
                event,
                staff=current_user,
                name=form.name.data,
                email=form.email.data,
                phone=form.phone.data,
                seats=int(form.seats.data),
                access_needs=form.access_needs.data or "",
                how_contacted=form.contact,
                locale=form.language.data,
                now=now,
            )
        except engine.AlreadyBooked:
            form.email.errors.append(
                _("Someone with this email address has already booked this event")
            )
        except engine.BookingClosed:
            is_closed = True
        else:
            return _done(action)
    return render_template("assisted/book_event.html", form=form, event=event, is_closed=is_closed)


# ---- an initial visit ------------------------------------------------------------------


@bp.route("/initial-visit", methods=["GET", "POST"])
@only_for_staff
def find_enquiry():
    """Find the caller's enquiry: an initial visit is booked for someone who has enquired."""
    form = FindEnquiryForm()
    if form.validate_on_submit():
        enquiry = services.find_enquiry_by_reference(g.service, form.reference.data)
        if enquiry is not None:
            return redirect(url_for("assisted.book_visit", enquiry_id=enquiry.id))
        form.reference.errors.append(
            _("We could not find an enquiry with that reference. Check it and try again.")
        )
    return render_template("assisted/find_enquiry.html", form=form)


def _visit_link(enquiry) -> str | None:
    """Where the visit email sends the person to change or cancel it; None when only they
    hold the link (an enquiry made online), which the email then points them to."""
    secret = session.get(ENQUIRY_LINKS, {}).get(str(enquiry.id))
    if secret:
        return url_for("visits.your_visit", token=secret, _external=True)
    if enquiry.user_id is not None:
        return url_for("visits.your_visit", _external=True)  # they sign in to their account
    return None


def _slot_label(slot) -> str:
    return _(
        "%(when)s, %(area)s, %(mode)s, with %(visitor)s",
        when=format_datetime(slot.starts_at, WHEN),
        area=slot.locality.name,
        mode=MODE_LABELS[slot.mode],
        visitor=slot.visitor.name,
    )


@bp.route("/initial-visit/<int:enquiry_id>", methods=["GET", "POST"])
@only_for_staff
def book_visit(enquiry_id: int):
    """Choose a time for an enquirer's initial visit."""
    enquiry = services.find_enquiry(g.service, enquiry_id)
    if enquiry is None:
        abort(404)
    booked = services.visit_booked_for(g.service, enquiry)
    link = _visit_link(enquiry)
    now = utcnow()
    slots = [] if booked else visits.available_slots(g.service, now=now)
    form = AssistedChooseSlotForm([(str(slot.id), _slot_label(slot)) for slot in slots])
    if slots and form.validate_on_submit():
        try:
            action, _booking = services.book_visit_for(
                g.service,
                enquiry,
                form.slot_id,
                staff=current_user,
                manage_link=link,
                how_contacted=form.contact,
                now=now,
            )
        except (visits.SlotTaken, visits.SlotNotAvailable) as error:
            form.slot.errors.append(str(error.message))
        except visits.AlreadyBooked:
            return redirect(url_for("assisted.book_visit", enquiry_id=enquiry.id))
        else:
            return _done(action)
    return render_template(
        "assisted/book_visit.html",
        form=form,
        enquiry=enquiry,
        booked=booked,
        has_link=link is not None,
        slots=slots,
        mode_labels=MODE_LABELS,
    )


# ---- a complaint -----------------------------------------------------------------------


def _complaint(form, complainant: Complainant | None, young: bool):
    if form.validate_on_submit():
        action, _complaint, phrase = services.make_complaint_for(
            g.service,
            services.ComplaintDetails(
                complainant=complainant or Complainant(form.complainant.data),
                body=form.body.data,
                put_right=form.put_right.data or "",
                happened_on=form.happened_on.data,
                name=form.name.data or "",
                email=form.email.data or "",
                phone=form.phone.data or "",
                on_behalf_of=(form.on_behalf_of.data or "") if "on_behalf_of" in form else "",
                wants_advocate="wants_advocate" in form and form.wants_advocate.data == "yes",
            ),
            staff=current_user,
            how_contacted=form.contact,
            locale=form.language.data,
            now=utcnow(),
        )
        # Shown once, on the confirmation, for the staff member to read out.
        session[WORDS_TO_READ_OUT] = {"action": action.id, "phrase": phrase}
        return _done(action)
    return render_template("assisted/make_complaint.html", form=form, young=young)


@bp.route("/complaint", methods=["GET", "POST"])
@only_for_staff
def make_complaint():
    """Take down an adult's complaint."""
    return _complaint(AssistedComplaintForm(today=london_today(utcnow())), None, young=False)


@bp.route("/young-persons-complaint", methods=["GET", "POST"])
@only_for_staff
def make_young_complaint():
    """Take down a young person's complaint (any member of staff may: a statutory duty)."""
    return _complaint(
        AssistedYoungComplaintForm(today=london_today(utcnow())),
        Complainant.YOUNG_PERSON,
        young=True,
    )


# ---- an independent visitor ------------------------------------------------------------


@bp.route("/independent-visitor", methods=["GET", "POST"])
@only_for_staff
def ask_for_visitor():
    """Ask for an independent visitor for a young person."""
    form = AssistedVisitorRequestForm()
    if form.validate_on_submit():
        action, _request = services.ask_for_visitor_for(
            g.service,
            staff=current_user,
            details={
                "name": form.name.data or "",
                "age": form.age.data,
                "how_to_reach": form.how_to_reach.data,
                "interests": form.interests.data or "",
                "languages": form.languages.data or "",
                "preferences": form.preferences.data or "",
            },
            how_contacted=form.contact,
            now=utcnow(),
        )
        return _done(action)
    return render_template("assisted/ask_for_visitor.html", form=form)


# ---- what was made ---------------------------------------------------------------------


@bp.get("/made/<int:action_id>")
@only_for_staff
def show_action(action_id: int):
    """What was made, its reference to read back, and who it was made for."""
    action = services.find_action(g.service, action_id, current_user)
    if action is None:
        abort(404)
    record = services.made_record(action)
    if record is None:
        abort(404)
    services.record_view(action, current_user)
    words = session.get(WORDS_TO_READ_OUT) or {}
    phrase = None
    if words.get("action") == action.id:
        phrase = session.pop(WORDS_TO_READ_OUT)["phrase"]
    context = {}
    if action.kind == AssistedKind.EVENT_BOOKING:
        context["event"] = events.event_of(record)
    return render_template(
        "assisted/show_action.html",
        action=action,
        record=record,
        phrase=phrase,
        kind_labels=KIND_LABELS,
        how_labels=HOW_CONTACTED_LABELS,
        complainant_labels=COMPLAINANT_LABELS,
        mode_labels=MODE_LABELS,
        **context,
    )


@bp.get("/made")
@only_for_staff
def history():
    """What staff have made for callers, newest first: everyone's for managers."""
    page = services.history(g.service, current_user, request.args.get("page", 1, type=int))
    return render_template(
        "assisted/history.html",
        page=page,
        pagination=govuk_pagination(
            page.page,
            page.pages,
            lambda number: url_for("assisted.history", page=number),
            _("Pages of things made for people"),
        ),
        sees_everyone=services.can_see_everyone(current_user),
        kind_labels=KIND_LABELS,
        how_labels=HOW_CONTACTED_LABELS,
    )
