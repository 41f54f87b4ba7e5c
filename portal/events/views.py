"""Information event routes: public pages, the private booking link, and staff pages."""

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from portal.accounts.models import Role
from portal.accounts.prefill import prefill
from portal.bookings import services as engine
from portal.bookings.models import BookingStatus
from portal.core.access import only_for
from portal.core.db import utcnow
from portal.core.htmx import redirect_to, render_page
from portal.core.pagination import govuk_pagination
from portal.core.times import london_today
from portal.events import bp
from portal.events import services as events
from portal.events.forms import (
    AttendanceForm,
    BookingForm,
    ConfirmForm,
    EventForm,
    FeedbackForm,
    MessageForm,
    MoveForm,
)
from portal.events.models import Usefulness
from portal.recruitment.services import find_enquiry_by_token

EVENT_STAFF = (Role.RECRUITMENT, Role.SERVICE_MANAGER)


def _event_or_404(event_id: int):
    event = events.find_event(g.service, event_id)
    if event is None:
        abort(404)
    return event


def _booking_or_404(token: str):
    booking = engine.find_booking_by_token(g.service.id, token)
    if booking is None:
        abort(404)
    return booking


# ---- public ----------------------------------------------------------------------------


@bp.get("/events")
def list_events():
    """Upcoming events with seats left, narrowed by place and month."""
    now = utcnow()
    filters = events.EventFilters(
        place=request.args.get("place", "")[:20], month=request.args.get("month", "")[:7]
    )
    places, months = events.filter_choices(g.service, now)
    wanted = request.args.get("page", "1")
    page = int(wanted) if wanted.isdigit() and len(wanted) < 6 else 1
    found, pages, total = events.upcoming_events_page(g.service, now, filters, page)
    page = min(page, pages)

    def href(number: int) -> str:
        return url_for(
            "events.list_events",
            place=filters.place or None,
            month=filters.month or None,
            page=number if number > 1 else None,
        )

    return render_page(
        "events/list_events.html",
        "events/_event_list.html",
        events=found,
        total=total,
        filters=filters,
        places=places,
        months=months,
        pagination=govuk_pagination(page, pages, href, _("Pages of events")),
    )


@bp.get("/events/<int:event_id>")
def show_event(event_id: int):
    """One event, with seats left and a way to book."""
    event = _event_or_404(event_id)
    return render_page("events/show_event.html", "events/_seats.html", event=event, now=utcnow())


@bp.route("/events/<int:event_id>/book", methods=["GET", "POST"])
def book_event(event_id: int):
    """Book a place without an account (or join the waiting list)."""
    event = _event_or_404(event_id)
    now = utcnow()
    if event.occasion.is_cancelled or event.occasion.starts_at <= now:
        return render_template("events/closed.html", event=event), 410
    form = BookingForm()
    enquiry = find_enquiry_by_token(g.service, request.args.get("enquiry", ""))
    if request.method == "GET" and enquiry is not None:
        form.name.data, form.email.data = enquiry.name, enquiry.email
        form.phone.data = enquiry.phone
    else:
        prefill(form)  # a signed-in person's own details, phone number included
    if form.validate_on_submit():
        try:
            booking = events.book(
                event,
                name=form.name.data,
                email=form.email.data,
                phone=form.phone.data,
                seats=int(form.seats.data),
                access_needs=form.access_needs.data or "",
                locale=str(get_locale()),
                now=now,
                user_id=current_user.id if current_user.is_authenticated else None,
            )
        except engine.AlreadyBooked:
            form.email.errors.append(
                _("You have already booked this event. Check your email for the link to it.")
            )
        except engine.BookingClosed:
            return render_template("events/closed.html", event=event), 410
        else:
            if booking.status == BookingStatus.CONFIRMED:
                flash(_("Your place is booked. We have emailed you the details."))
            else:
                flash(_("The event is full, so you are on the waiting list."))
            return redirect_to(
                url_for("events.manage_booking", token=engine.booking_token(booking))
            )
    return render_page(
        "events/book_event.html", "events/_booking_form.html", form=form, event=event
    )


@bp.get("/events/booking/<token>")
def manage_booking(token: str):
    """The private page for one booking: details, calendar file, cancel or move."""
    booking = _booking_or_404(token)
    now = utcnow()
    return render_template(
        "events/manage_booking.html",
        booking=booking,
        event=events.event_of(booking),
        state=events.link_state(booking, now),
        token=token,
        form=ConfirmForm(),
    )


@bp.get("/events/booking/<token>/calendar.ics")
def booking_calendar(token: str):
    """The booking as a calendar file."""
    booking = _booking_or_404(token)
    if booking.status != BookingStatus.CONFIRMED:
        abort(404)
    body = events.calendar_file(events.event_of(booking), booking)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="event.ics"'},
    )


@bp.post("/events/booking/<token>/cancel")
def cancel_booking(token: str):
    """Cancel a booking or waiting-list place from the private link."""
    booking = _booking_or_404(token)
    form = ConfirmForm()
    if form.validate_on_submit() and events.link_state(booking, utcnow()) == "manage":
        if booking.is_active:
            events.cancel_booking(booking, utcnow())
        flash(_("Your booking is cancelled."))
    return redirect(url_for("events.manage_booking", token=token))


@bp.post("/events/booking/<token>/accept")
def accept_offer(token: str):
    """Take up a seat offered from the waiting list."""
    booking = _booking_or_404(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        if events.accept_offer(booking, utcnow()):
            flash(_("Your place is booked. We have emailed you the details."))
        else:
            flash(_("Sorry, this offer has ended."))
    return redirect(url_for("events.manage_booking", token=token))


@bp.route("/events/booking/<token>/move", methods=["GET", "POST"])
def move_booking(token: str):
    """Move a confirmed booking to another date."""
    booking = _booking_or_404(token)
    now = utcnow()
    if booking.status != BookingStatus.CONFIRMED or events.link_state(booking, now) != "manage":
        return redirect(url_for("events.manage_booking", token=token))
    choices = events.events_to_move_to(booking, now)
    form = MoveForm()
    form.event.choices = [
        SelectChoice(
            str(e.id),
            f"{format_datetime(e.occasion.starts_at, 'EEEE d MMMM yyyy, HH:mm')}, "
            f"{e.place or _('Online')}",
        )
        for e in choices
    ]
    if form.validate_on_submit():
        target = events.find_event(g.service, int(form.event.data))
        try:
            moved = events.move_booking(booking, target, now)
        except (events.EventFull, engine.BookingClosed, engine.AlreadyBooked):
            form.event.errors.append(_("That date has just filled up. Choose another."))
        else:
            flash(_("Your booking has moved. We have emailed you the new details."))
            return redirect(url_for("events.manage_booking", token=engine.booking_token(moved)))
    return render_template(
        "events/move_booking.html", form=form, booking=booking, choices=choices, token=token
    )


@bp.route("/events/booking/<token>/feedback", methods=["GET", "POST"])
def give_feedback(token: str):
    """Short feedback after the event."""
    booking = _booking_or_404(token)
    if events.link_state(booking, utcnow()) != "feedback":
        return redirect(url_for("events.manage_booking", token=token))
    form = FeedbackForm()
    if form.validate_on_submit():
        events.record_feedback(
            booking, Usefulness(form.usefulness.data), form.what_would_help.data or "", utcnow()
        )
        return render_template("events/feedback_thanks.html", event=events.event_of(booking))
    return render_template("events/give_feedback.html", form=form, event=events.event_of(booking))


# ---- staff -----------------------------------------------------------------------------


@bp.get("/staff/events")
@only_for(*EVENT_STAFF)
def staff_events():
    """Upcoming events with their bookings, for the recruitment team."""
    return render_template(
        "events/staff_events.html", events=events.upcoming_events(g.service, utcnow())
    )


def _event_form(**kwargs):
    return EventForm(g.service.venues, now_london_date=london_today(utcnow()), **kwargs)


def _details_from(form: EventForm) -> events.EventDetails:
    venue = next((v for v in g.service.venues if str(v.id) == form.place.data), None)
    return events.EventDetails(
        title=form.title.data,
        description=form.description.data or "",
        accessibility_notes=form.accessibility_notes.data or "",
        venue=venue,
        is_online=form.place.data == "online",
        online_link=form.online_link.data or "",
        day=form.day.data,
        starts=form.starts.time,
        ends=form.ends.time,
        capacity=form.capacity.data,
    )


def _fill(form: EventForm, details: events.EventDetails) -> None:
    form.title.data = details.title
    form.description.data = details.description
    form.accessibility_notes.data = details.accessibility_notes
    form.place.data = "online" if details.is_online else str(getattr(details.venue, "id", ""))
    form.online_link.data = details.online_link
    form.day.data = details.day
    form.starts.data = details.starts.strftime("%H:%M")
    form.ends.data = details.ends.strftime("%H:%M")
    form.capacity.data = details.capacity


@bp.route("/staff/events/new", methods=["GET", "POST"])
@only_for(*EVENT_STAFF)
def create_event():
    """Create an event or a repeating series; `?copy=<id>` starts from another event."""
    form = _event_form()
    copy_from = request.args.get("copy", type=int)
    if request.method == "GET" and copy_from:
        original = _event_or_404(copy_from)
        _fill(form, events.details_of(original))
        form.day.data = None
    if form.validate_on_submit():
        made = events.create_events(
            g.service,
            _details_from(form),
            every_weeks=form.every_weeks.data,
            times=form.times.data,
            created_by=current_user,
            now=utcnow(),
        )
        flash(_("%(count)s event(s) created.", count=len(made)))
        return redirect(url_for("events.staff_events"))
    return render_template("events/event_form.html", form=form, heading=_("Create an event"))


@bp.route("/staff/events/<int:event_id>/edit", methods=["GET", "POST"])
@only_for(*EVENT_STAFF)
def edit_event(event_id: int):
    """Change an event's details."""
    event = _event_or_404(event_id)
    form = _event_form(editing=True)
    if request.method == "GET":
        _fill(form, events.details_of(event))
    if form.validate_on_submit():
        try:
            events.update_event(event, _details_from(form), by=current_user, now=utcnow())
        except ValueError:
            form.capacity.errors.append(
                _(
                    "Places cannot be fewer than the %(count)s already booked",
                    count=event.occasion.seats_taken,
                )
            )
        else:
            flash(_("Event updated."))
            return redirect(url_for("events.staff_events"))
    return render_template(
        "events/event_form.html", form=form, heading=_("Change an event"), event=event
    )


@bp.route("/staff/events/<int:event_id>/cancel", methods=["GET", "POST"])
@only_for(*EVENT_STAFF)
def cancel_event(event_id: int):
    """Call off an event; everyone booked or waiting is told, with the next dates."""
    event = _event_or_404(event_id)
    form = ConfirmForm()
    if form.validate_on_submit() and not event.occasion.is_cancelled:
        told = events.cancel_event(event, utcnow(), by=current_user)
        flash(_("Event cancelled. %(count)s people have been told.", count=told))
        return redirect(url_for("events.staff_events"))
    return render_template("events/cancel_event.html", form=form, event=event)


def _render_register(event, message_form: MessageForm):
    counts, comments = events.feedback_for(event)
    return render_template(
        "events/register.html",
        event=event,
        bookings=events.register(event),
        feedback_counts=counts,
        comments=comments,
        attendance_form=AttendanceForm(formdata=None),
        message_form=message_form,
        form=message_form,  # so the layout's error summary shows its errors
    )


@bp.get("/staff/events/<int:event_id>/register")
@only_for(*EVENT_STAFF)
def event_register(event_id: int):
    """Who is booked, offered or waiting; attendance; feedback."""
    return _render_register(_event_or_404(event_id), MessageForm(formdata=None))


@bp.post("/staff/events/<int:event_id>/register/<int:booking_id>")
@only_for(*EVENT_STAFF)
def mark_attendance(event_id: int, booking_id: int):
    """Mark one person as came or did not come; htmx swaps just their row."""
    event = _event_or_404(event_id)
    booking = events.find_register_booking(event, booking_id)
    if booking is None:
        abort(404)
    form = AttendanceForm()
    if form.validate_on_submit():
        events.mark_attendance(booking, form.attended.data == "yes", by=current_user)
    if request.headers.get("HX-Request"):
        return render_page(
            "events/register.html",
            "events/_register_row.html",
            event=event,
            booking=booking,
            attendance_form=AttendanceForm(formdata=None),
        )
    return redirect(url_for("events.event_register", event_id=event.id))


@bp.get("/staff/events/<int:event_id>/register.csv")
@only_for(*EVENT_STAFF)
def register_csv(event_id: int):
    """The register as a CSV file."""
    event = _event_or_404(event_id)
    return Response(
        events.register_csv(event),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="register-{event.id}.csv"',
            "Cache-Control": "no-store",
        },
    )


@bp.post("/staff/events/<int:event_id>/message")
@only_for(*EVENT_STAFF)
def message_attendees(event_id: int):
    """Email everyone with a confirmed place."""
    event = _event_or_404(event_id)
    form = MessageForm()
    if form.validate_on_submit():
        sent = events.email_attendees(event, form.message.data, by=current_user)
        flash(_("Message sent to %(count)s people.", count=sent))
        return redirect(url_for("events.event_register", event_id=event.id))
    return _render_register(event, form)
