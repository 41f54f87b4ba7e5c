"""Initial visit routes: staff publish slots and record visits; applicants book them."""

from functools import wraps

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Role
from portal.core.access import only_for
from portal.core.db import utcnow
from portal.core.htmx import render_page
from portal.recruitment.services import find_enquiry_by_token
from portal.visits import bp, services
from portal.visits.forms import (
    MODE_LABELS,
    RECOMMENDATION_LABELS,
    AreaForm,
    CancelVisitForm,
    ChooseSlotForm,
    RecordForm,
    RemoveSlotForm,
    SlotForm,
)
from portal.visits.models import Recommendation, VisitMode

MANAGERS = (Role.RECRUITMENT, Role.SERVICE_MANAGER)
WHEN = "EEEE d MMMM yyyy, h:mm a"


# ---- staff -----------------------------------------------------------------------------


@bp.get("/staff/initial-visits")
@only_for(Role.INITIAL_VISITOR, *MANAGERS)
def list_visits():
    """The visitor's queue (everyone's, for managers) and the slots on offer."""
    is_manager = current_user.has_role(*MANAGERS)
    now = utcnow()
    return render_template(
        "visits/list_visits.html",
        is_manager=is_manager,
        queue=services.visitor_queue(
            g.service, now=now, visitor_id=None if is_manager else current_user.id
        ),
        slots=services.list_slots(g.service, now=now) if is_manager else [],
        remove_form=RemoveSlotForm(),
        mode_labels=MODE_LABELS,
    )


@bp.route("/staff/initial-visits/slots/new", methods=["GET", "POST"])
@only_for(*MANAGERS)
def add_slot():
    """Publish a visit slot."""
    form = SlotForm(services.list_visitors(g.service), g.service.localities)
    if form.validate_on_submit():
        try:
            services.publish_slot(
                g.service,
                by=current_user,
                visitor_id=int(form.visitor.data),
                locality_id=int(form.locality.data),
                mode=VisitMode(form.mode.data),
                day=form.day.data,
                start=form.start_time.time,
                minutes=int(form.minutes.data),
                now=utcnow(),
            )
        except services.SlotInThePast as error:
            form.day.errors.append(error.message)
        except services.VisitorBusy as error:
            form.start_time.errors.append(error.message)
        except services.NotAVisitor as error:
            form.visitor.errors.append(error.message)
        except services.NotAnArea as error:
            form.locality.errors.append(error.message)
        else:
            flash(_("Visit slot published."))
            return redirect(url_for("visits.list_visits"))
    return render_template("visits/add_slot.html", form=form)


@bp.post("/staff/initial-visits/slots/<int:slot_id>/remove")
@only_for(*MANAGERS)
def remove_slot(slot_id: int):
    """Take away a slot nobody has booked."""
    if not RemoveSlotForm().validate_on_submit():
        abort(400)
    try:
        services.remove_slot(g.service, slot_id, by=current_user, now=utcnow())
    except services.SlotNotFound:
        abort(404)
    except services.SlotBooked as error:
        flash(str(error.message))
    else:
        flash(_("Visit slot removed."))
    return redirect(url_for("visits.list_visits"))


@bp.route("/staff/initial-visits/<int:booking_id>/record", methods=["GET", "POST"])
@only_for(Role.INITIAL_VISITOR)
def record_visit(booking_id: int):
    """The initial visitor writes up a visit that has happened."""
    booking = services.find_visit_to_record(g.service, booking_id, current_user)
    if booking is None or booking.record is not None:
        abort(404)
    form = RecordForm()
    if form.validate_on_submit():
        try:
            services.write_record(
                g.service,
                booking,
                by=current_user,
                motivation=form.motivation.data,
                understanding=form.understanding.data,
                skills=form.skills.data,
                recommendation=Recommendation(form.recommendation.data),
                notes=form.notes.data,
                now=utcnow(),
            )
        except services.VisitError as error:
            form.recommendation.errors.append(error.message)
        else:
            flash(_("Record of the visit with %(name)s saved.", name=booking.name))
            return redirect(url_for("visits.list_visits"))
    return render_template(
        "visits/record_visit.html",
        form=form,
        booking=booking,
        due_on=services.record_due_on(booking.slot.starts_at),
        mode_labels=MODE_LABELS,
        recommendation_labels=RECOMMENDATION_LABELS,
    )


# ---- applicants ------------------------------------------------------------------------


def for_applicant(view):
    """The view serves a signed-in applicant, or an enquirer holding a private link.

    Routes come in pairs, `/initial-visit/...` and `/initial-visit/<token>/...`; the view
    gets `applicant` and `token` (None when signed in) and builds its links with both.
    """
    signed_in_view = only_for(Role.PROSPECTIVE_CARER)(
        lambda **kwargs: view(
            applicant=services.applicant_for_user(current_user, str(get_locale())),
            token=None,
            **kwargs,
        )
    )

    @wraps(view)
    def wrapper(token: str | None = None, **kwargs):
        if token is None:
            return signed_in_view(**kwargs)
        enquiry = find_enquiry_by_token(g.service, token)
        if enquiry is None:
            abort(404)
        return view(applicant=services.applicant_for_enquiry(enquiry), token=token, **kwargs)

    return wrapper


def _applicant_routes(rule: str, **options):
    """Register a view at `/initial-visit<rule>` and `/initial-visit/<token><rule>`."""

    def decorator(view):
        bp.add_url_rule(f"/initial-visit{rule}", view_func=view, **options)
        bp.add_url_rule(f"/initial-visit/<token>{rule}", view_func=view, **options)
        return view

    return decorator


def _link(endpoint: str, token: str | None) -> str:
    return url_for(endpoint, token=token, _external=True)


def _slot_label(slot) -> str:
    # translators: a visit time on offer, e.g. "Tuesday 3 March 2026, 10:00 am, Central, At home"
    return _(
        "%(when)s, %(area)s, %(mode)s",
        when=format_datetime(slot.starts_at, WHEN),
        area=slot.locality.name,
        mode=MODE_LABELS[slot.mode],
    )


@_applicant_routes("", endpoint="your_visit", methods=["GET"])
@for_applicant
def your_visit(applicant, token):
    """The applicant's visit, with ways to change or cancel it; or times to book."""
    booking = services.find_booking(g.service, applicant)
    if booking is None:
        return redirect(url_for("visits.book_visit", token=token))
    now = utcnow()
    return render_template(
        "visits/your_visit.html",
        booking=booking,
        can_change=services.can_change(booking, now),
        has_taken_place=services.has_taken_place(booking, now),
        token=token,
        mode_labels=MODE_LABELS,
    )


def _choose_slot(applicant, token, *, endpoint: str, submit_label: str, change):
    """Book or change: the area filter, the free times, and the one-service-call post."""
    area_form = AreaForm(g.service.localities, formdata=request.args)
    slots = services.available_slots(g.service, now=utcnow(), locality_id=area_form.locality_id)
    form = ChooseSlotForm([(str(s.id), _slot_label(s)) for s in slots], submit_label)
    if form.validate_on_submit():
        try:
            change(form.slot_id)
        except (services.SlotTaken, services.SlotNotAvailable) as error:
            form.slot.errors.append(error.message)
        except (services.AlreadyBooked, services.NoBooking, services.TooLateToChange) as error:
            flash(str(error.message))
            return redirect(url_for("visits.your_visit", token=token))
        else:
            return redirect(url_for("visits.visit_booked", token=token))
    return render_page(
        f"visits/{endpoint}.html",
        "visits/_slots.html",
        form=form,
        area_form=area_form,
        slots=slots,
        token=token,
        endpoint=f"visits.{endpoint}",
    )


@_applicant_routes("/book", endpoint="book_visit", methods=["GET", "POST"])
@for_applicant
def book_visit(applicant, token):
    """Choose a time for the initial visit."""
    if services.find_booking(g.service, applicant) is not None:
        return redirect(url_for("visits.your_visit", token=token))
    return _choose_slot(
        applicant,
        token,
        endpoint="book_visit",
        submit_label=_("Book this visit"),
        change=lambda slot_id: services.book_visit(
            g.service,
            applicant,
            slot_id,
            now=utcnow(),
            manage_link=_link("visits.your_visit", token),
        ),
    )


@_applicant_routes("/change", endpoint="change_visit", methods=["GET", "POST"])
@for_applicant
def change_visit(applicant, token):
    """Move the visit to another time, up to 24 hours before it."""
    booking = services.find_booking(g.service, applicant)
    if booking is None or not services.can_change(booking, utcnow()):
        return redirect(url_for("visits.your_visit", token=token))
    return _choose_slot(
        applicant,
        token,
        endpoint="change_visit",
        submit_label=_("Change to this time"),
        change=lambda slot_id: services.reschedule_visit(
            g.service,
            applicant,
            slot_id,
            now=utcnow(),
            manage_link=_link("visits.your_visit", token),
        ),
    )


@_applicant_routes("/booked", endpoint="visit_booked", methods=["GET"])
@for_applicant
def visit_booked(applicant, token):
    """The confirmation after booking or changing a visit."""
    booking = services.find_booking(g.service, applicant)
    if booking is None:
        return redirect(url_for("visits.book_visit", token=token))
    return render_template(
        "visits/visit_booked.html", booking=booking, token=token, mode_labels=MODE_LABELS
    )


@_applicant_routes("/cancel", endpoint="cancel_visit", methods=["GET", "POST"])
@for_applicant
def cancel_visit(applicant, token):
    """Cancel the visit, up to 24 hours before it."""
    booking = services.find_booking(g.service, applicant)
    if booking is None or not services.can_change(booking, utcnow()):
        return redirect(url_for("visits.your_visit", token=token))
    form = CancelVisitForm()
    if form.validate_on_submit():
        try:
            services.cancel_visit(
                g.service, applicant, now=utcnow(), book_link=_link("visits.book_visit", token)
            )
        except services.VisitError as error:
            flash(str(error.message))
        else:
            flash(_("Your initial visit is cancelled."))
        return redirect(url_for("visits.your_visit", token=token))
    return render_template(
        "visits/cancel_visit.html", form=form, booking=booking, token=token, mode_labels=MODE_LABELS
    )


@bp.after_request
def never_cache(response):
    """Visit pages carry personal details and private links: no copies in any cache."""
    response.headers["Cache-Control"] = "no-store"
    return response
