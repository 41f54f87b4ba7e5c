"""Training routes: the carers' catalogue, bookings and record, and the co-ordinator's pages."""

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Role
from portal.bookings import services as engine
from portal.core.access import only_for, signed_in
from portal.core.db import utcnow
from portal.core.htmx import render_page
from portal.core.times import london_today
from portal.training import bp
from portal.training import services as training
from portal.training.forms import (
    AUDIENCE_LABELS,
    RATING_LABELS,
    TOPIC_LABELS,
    AttendanceForm,
    BookForm,
    CancelForm,
    ConfirmForm,
    CourseForm,
    FeedbackForm,
    SessionForm,
)
from portal.training.models import Audience, CourseFormat, Topic

TRAINING_STAFF = (Role.TRAINING_COORDINATOR, Role.SERVICE_MANAGER)


@bp.context_processor
def _training_context():
    return {
        "topic_labels": TOPIC_LABELS,
        "audience_labels": AUDIENCE_LABELS,
        "is_carer": _is_carer(),
        "format_hours": format_hours,
        "rating_labels": RATING_LABELS,
    }


def format_hours(hours) -> str:
    """Hours as the reader writes numbers, without needless decimals: '1.5', '12'."""
    return format_decimal(hours or 0, "#,##0.##")


def _course_or_404(course_id: int):
    course = training.find_course(g.service, course_id)
    if course is None:
        abort(404)
    return course


def _session_or_404(session_id: int):
    session = training.find_session(g.service, session_id)
    if session is None:
        abort(404)
    return session


def _my_booking_or_404(booking_id: int):
    booking = training.find_carer_booking(current_user, booking_id)
    if booking is None:
        abort(404)
    return booking


def _is_carer() -> bool:
    return current_user.is_authenticated and current_user.has_role(Role.APPROVED_CARER)


# ---- carers --------------------------------------------------------------------------------


@bp.get("/training")
@signed_in
def catalogue():
    """Upcoming sessions and online modules, narrowed by topic, month, mode and TSDS."""
    now = utcnow()
    filters = training.CatalogueFilters.from_args(request.args)
    sessions = training.upcoming_sessions(g.service, now, filters)
    return render_page(
        "training/catalogue.html",
        "training/_catalogue_list.html",
        sessions=sessions,
        modules=training.self_paced_modules(g.service, filters),
        booked=training.bookings_by_occasion(current_user, sessions),
        book_form=BookForm(),
        filters=filters,
        topics=list(Topic),
        months=training.catalogue_months(g.service, now),
    )


@bp.get("/training/courses/<int:course_id>")
@signed_in
def show_course(course_id: int):
    """A course, its upcoming sessions with places left, and a button to book each."""
    course = _course_or_404(course_id)
    sessions = training.sessions_of(course, utcnow())
    return render_template(
        "training/show_course.html",
        course=course,
        sessions=sessions,
        booked=training.bookings_by_occasion(current_user, sessions),
        has_completed=training.has_completed(current_user, course),
        partner=training.partner_of(current_user) if _is_carer() else None,
        form=BookForm(),
        confirm_form=ConfirmForm(),
    )


@bp.post("/training/sessions/<int:session_id>/book")
@only_for(Role.APPROVED_CARER)
def book_session(session_id: int):
    """Book a place in one tap, or join the waiting list when it is full."""
    session = _session_or_404(session_id)
    form = BookForm()
    if not form.validate_on_submit():
        flash(_("Your booking did not go through. Please try again."))
        return redirect(url_for("training.show_course", course_id=session.course_id))
    partner = training.partner_of(current_user) if request.form.get("for") == "both" else None
    if partner is not None:
        return _book_for_both(session, partner)
    try:
        booking = training.book_session(
            session, current_user, locale=str(get_locale()), now=utcnow()
        )
    except engine.AlreadyBooked as already:
        if already.booking is None:
            abort(409)
        flash(_("You have already booked this session."))
        return redirect(url_for("training.show_booking", booking_id=already.booking.id))
    except engine.BookingClosed:
        flash(_("Sorry, this session can no longer be booked."))
        return redirect(url_for("training.show_course", course_id=session.course_id))
    if booking.is_confirmed:
        flash(_("Your place is booked. We have emailed you the details."))
    else:
        flash(_("The session is full, so you are on the waiting list."))
    return redirect(url_for("training.show_booking", booking_id=booking.id))


def _book_for_both(session, partner):
    try:
        mine, theirs = training.book_for_both(
            session, current_user, partner, locale=str(get_locale()), now=utcnow()
        )
    except engine.BookingClosed:
        flash(_("Sorry, this session can no longer be booked."))
        return redirect(url_for("training.show_course", course_id=session.course_id))
    except engine.AlreadyBooked:
        abort(409)
    name = partner.name or partner.email
    if mine.is_confirmed and theirs.is_confirmed:
        flash(_("You both have a place. We have emailed each of you the details."))
    elif mine.is_confirmed:
        flash(
            _(
                "There was only one place left. You have it, and %(name)s is on the "
                "waiting list. We have emailed each of you.",
                name=name,
            )
        )
    elif theirs.is_confirmed:
        flash(
            _(
                "%(name)s has a place and you are on the waiting list. "
                "We have emailed each of you.",
                name=name,
            )
        )
    else:
        flash(_("The session is full, so you are both on the waiting list."))
    return redirect(url_for("training.show_booking", booking_id=mine.id))


def _render_booking(booking, cancel_form: CancelForm):
    return render_template(
        "training/show_booking.html",
        booking=booking,
        session=training.session_of(booking),
        can_change=training.can_change(booking, utcnow()),
        reason=training.cancellation_reason(booking),
        can_give_feedback=training.can_give_feedback(booking, utcnow()),
        cancel_form=cancel_form,
        confirm_form=ConfirmForm(),
        form=cancel_form,  # so the layout's error summary shows its errors
    )


@bp.get("/training/bookings/<int:booking_id>")
@only_for(Role.APPROVED_CARER)
def show_booking(booking_id: int):
    """One of the carer's bookings: details, joining link, calendar file, cancel, accept."""
    return _render_booking(_my_booking_or_404(booking_id), CancelForm(formdata=None))


@bp.post("/training/bookings/<int:booking_id>/cancel")
@only_for(Role.APPROVED_CARER)
def cancel_booking(booking_id: int):
    """Cancel a booking or waiting-list place, saying why."""
    booking = _my_booking_or_404(booking_id)
    form = CancelForm()
    if not training.can_change(booking, utcnow()):
        return redirect(url_for("training.show_booking", booking_id=booking.id))
    if form.validate_on_submit():
        training.cancel_booking(booking, form.reason.data, utcnow())
        flash(_("Your booking is cancelled."))
        return redirect(url_for("training.show_booking", booking_id=booking.id))
    return _render_booking(booking, form)


@bp.post("/training/bookings/<int:booking_id>/accept")
@only_for(Role.APPROVED_CARER)
def accept_offer(booking_id: int):
    """Take up a place offered from the waiting list."""
    booking = _my_booking_or_404(booking_id)
    if ConfirmForm().validate_on_submit():
        if training.accept_offer(booking, utcnow()):
            flash(_("Your place is booked. We have emailed you the details."))
        else:
            flash(_("Sorry, this offer has ended."))
    return redirect(url_for("training.show_booking", booking_id=booking.id))


@bp.get("/training/bookings/<int:booking_id>/calendar.ics")
@only_for(Role.APPROVED_CARER)
def booking_calendar(booking_id: int):
    """A confirmed booking as a calendar file."""
    booking = _my_booking_or_404(booking_id)
    if not booking.is_confirmed:
        abort(404)
    return Response(
        training.calendar_file(training.session_of(booking), booking),
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="training.ics"'},
    )


@bp.post("/training/courses/<int:course_id>/completed")
@only_for(Role.APPROVED_CARER)
def complete_module(course_id: int):
    """Say a self-paced online module is finished, so its hours count."""
    course = _course_or_404(course_id)
    if ConfirmForm().validate_on_submit() and training.complete_module(
        current_user, course, utcnow()
    ):
        flash(_("Module recorded as finished. Its hours are in your training record."))
    return redirect(url_for("training.show_course", course_id=course.id))


@bp.get("/training/my-training")
@only_for(Role.APPROVED_CARER)
def my_training():
    """The carer's upcoming bookings, completed training and hours."""
    return render_template(
        "training/my_training.html", record=training.training_record(current_user, utcnow())
    )


@bp.route("/training/bookings/<int:booking_id>/feedback", methods=["GET", "POST"])
@only_for(Role.APPROVED_CARER)
def give_feedback(booking_id: int):
    """A carer's short feedback on a session they came to; once per booking."""
    booking = _my_booking_or_404(booking_id)
    if not booking.attended or booking.occasion.starts_at > utcnow():
        abort(404)
    if training.feedback_of(booking) is not None:
        flash(_("You have already given feedback on this session. Thank you."))
        return redirect(url_for("training.my_training"))
    form = FeedbackForm()
    if form.validate_on_submit():
        training.record_feedback(
            booking,
            int(form.rating.data),
            form.most_useful.data,
            form.do_differently.data,
            utcnow(),
        )
        flash(_("Thank you for your feedback."))
        return redirect(url_for("training.my_training"))
    return render_template(
        "training/give_feedback.html", form=form, session=training.session_of(booking)
    )


@bp.get("/training/my-training.csv")
@only_for(Role.APPROVED_CARER)
def my_training_csv():
    """The carer's completed training as a CSV file."""
    record = training.training_record(current_user, utcnow())
    return _csv_response(training.record_csv(record), "my-training.csv")


def _csv_response(text: str, filename: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


# ---- the training co-ordinator ----------------------------------------------------------


@bp.get("/staff/training")
@only_for(*TRAINING_STAFF)
def staff_courses():
    """Every course with its upcoming sessions and places taken."""
    return render_template(
        "training/staff_courses.html", courses=training.staff_courses(g.service, utcnow())
    )


def _course_details(form: CourseForm) -> training.CourseDetails:
    return training.CourseDetails(
        title=form.title.data,
        topic=Topic(form.topic.data),
        description=form.description.data or "",
        audiences=[Audience(value) for value in form.audiences.data or []],
        counts_for_tsds=form.counts_for_tsds.data == "yes",
        tsds_standards=[int(n) for n in form.tsds_standards.data or []],
        is_mandatory=form.is_mandatory.data == "yes",
        format=CourseFormat(form.format.data),
        module_link=form.module_link.data or "",
        module_hours=form.module_hours.data,
        is_withdrawn=form.in_catalogue is not None and form.in_catalogue.data == "no",
    )


def _fill_course(form: CourseForm, details: training.CourseDetails) -> None:
    form.title.data = details.title
    form.topic.data = details.topic.value
    form.description.data = details.description
    form.audiences.data = [a.value for a in details.audiences]
    form.counts_for_tsds.data = "yes" if details.counts_for_tsds else "no"
    form.tsds_standards.data = [str(n) for n in details.tsds_standards]
    form.is_mandatory.data = "yes" if details.is_mandatory else "no"
    form.format.data = details.format.value
    form.module_link.data = details.module_link
    form.module_hours.data = details.module_hours
    if form.in_catalogue is not None:
        form.in_catalogue.data = "no" if details.is_withdrawn else "yes"


@bp.route("/staff/training/courses/new", methods=["GET", "POST"])
@only_for(*TRAINING_STAFF)
def create_course():
    """Add a course to the catalogue."""
    form = CourseForm()
    if form.validate_on_submit():
        course = training.create_course(g.service, _course_details(form), by=current_user)
        if course.is_self_paced:
            flash(_("Module added to the catalogue."))
            return redirect(url_for("training.staff_courses"))
        flash(_("Course created. Now add its first session."))
        return redirect(url_for("training.add_session", course_id=course.id))
    return render_template("training/course_form.html", form=form, heading=_("Create a course"))


@bp.route("/staff/training/courses/<int:course_id>/edit", methods=["GET", "POST"])
@only_for(*TRAINING_STAFF)
def edit_course(course_id: int):
    """Change a course's details."""
    course = _course_or_404(course_id)
    form = CourseForm(editing=True)
    if request.method == "GET":
        _fill_course(form, training.details_of(course))
    if form.validate_on_submit():
        training.update_course(course, _course_details(form), by=current_user)
        flash(_("Course updated."))
        return redirect(url_for("training.staff_courses"))
    return render_template(
        "training/course_form.html", form=form, heading=_("Change a course"), course=course
    )


def _session_form():
    return SessionForm(g.service.venues, today=london_today(utcnow()))


def _session_details(form: SessionForm) -> training.SessionDetails:
    return training.SessionDetails(
        day=form.day.data,
        starts=form.starts.time,
        ends=form.ends.time,
        venue=next((v for v in g.service.venues if str(v.id) == form.place.data), None),
        is_online=form.place.data == "online",
        online_link=form.online_link.data or "",
        capacity=form.capacity.data,
    )


@bp.route("/staff/training/courses/<int:course_id>/sessions/new", methods=["GET", "POST"])
@only_for(*TRAINING_STAFF)
def add_session(course_id: int):
    """Schedule a session of a course."""
    course = _course_or_404(course_id)
    form = _session_form()
    if form.validate_on_submit():
        training.add_session(course, _session_details(form), by=current_user)
        flash(_("Session added."))
        return redirect(url_for("training.staff_courses"))
    return render_template(
        "training/session_form.html", form=form, course=course, heading=_("Add a session")
    )


@bp.route("/staff/training/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@only_for(*TRAINING_STAFF)
def edit_session(session_id: int):
    """Change a session's date, time, place or places."""
    session = _session_or_404(session_id)
    form = _session_form()
    if request.method == "GET":
        details = training.session_details_of(session)
        form.day.data = details.day
        form.starts.data = details.starts.strftime("%H:%M")
        form.ends.data = details.ends.strftime("%H:%M")
        form.place.data = "online" if details.is_online else str(getattr(details.venue, "id", ""))
        form.online_link.data = details.online_link
        form.capacity.data = details.capacity
    if form.validate_on_submit():
        try:
            training.update_session(session, _session_details(form), by=current_user, now=utcnow())
        except ValueError:
            form.capacity.errors.append(
                _(
                    "Places cannot be fewer than the %(count)s already taken",
                    count=session.occasion.seats_taken,
                )
            )
        else:
            flash(_("Session updated."))
            return redirect(url_for("training.staff_courses"))
    return render_template(
        "training/session_form.html",
        form=form,
        course=session.course,
        heading=_("Change a session"),
    )


@bp.route("/staff/training/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@only_for(*TRAINING_STAFF)
def cancel_session(session_id: int):
    """Call off a session; every carer booked or waiting is told, with the next dates."""
    session = _session_or_404(session_id)
    form = ConfirmForm()
    if form.validate_on_submit() and not session.occasion.is_cancelled:
        told = training.cancel_session(session, utcnow(), by=current_user)
        flash(_("Session cancelled. %(count)s carers have been told.", count=told))
        return redirect(url_for("training.staff_courses"))
    return render_template("training/cancel_session.html", form=form, session=session)


@bp.get("/staff/training/sessions/<int:session_id>/register")
@only_for(*TRAINING_STAFF)
def session_register(session_id: int):
    """Who is booked, offered or waiting, with attendance."""
    session = _session_or_404(session_id)
    return render_template(
        "training/session_register.html",
        session=session,
        bookings=training.register(session),
        attendance_form=AttendanceForm(formdata=None),
    )


@bp.post("/staff/training/sessions/<int:session_id>/register/<int:booking_id>")
@only_for(*TRAINING_STAFF)
def mark_attendance(session_id: int, booking_id: int):
    """Mark one carer as came or did not come; htmx swaps just their row."""
    session = _session_or_404(session_id)
    booking = training.find_register_booking(session, booking_id)
    if booking is None:
        abort(404)
    form = AttendanceForm()
    if form.validate_on_submit():
        training.mark_attendance(
            booking, form.attended.data == "yes", by=current_user, now=utcnow()
        )
    if request.headers.get("HX-Request"):
        return render_page(
            "training/session_register.html",
            "training/_register_row.html",
            session=session,
            booking=booking,
            attendance_form=AttendanceForm(formdata=None),
        )
    return redirect(url_for("training.session_register", session_id=session.id))


@bp.get("/staff/training/sessions/<int:session_id>/register.csv")
@only_for(*TRAINING_STAFF)
def register_csv(session_id: int):
    """The register as a CSV file."""
    session = _session_or_404(session_id)
    return _csv_response(training.register_csv(session), f"register-{session.id}.csv")


def _feedback_of(course_id: int | None, session_id: int | None):
    session = _session_or_404(session_id) if session_id is not None else None
    course = session.course if session is not None else _course_or_404(course_id)
    return course, session, training.feedback_summary(course, session)


@bp.get("/staff/training/courses/<int:course_id>/feedback")
@bp.get("/staff/training/sessions/<int:session_id>/feedback")
@only_for(*TRAINING_STAFF)
def feedback_summary(course_id: int | None = None, session_id: int | None = None):
    """What carers said about every session of a course, or about one session."""
    course, session, summary = _feedback_of(course_id, session_id)
    return render_template(
        "training/feedback_summary.html", course=course, session=session, summary=summary
    )


@bp.get("/staff/training/courses/<int:course_id>/feedback.csv")
@bp.get("/staff/training/sessions/<int:session_id>/feedback.csv")
@only_for(*TRAINING_STAFF)
def feedback_csv(course_id: int | None = None, session_id: int | None = None):
    """Every answer about a course, or one session, as a CSV file."""
    course, session, summary = _feedback_of(course_id, session_id)
    name = f"session-{session.id}" if session is not None else f"course-{course.id}"
    return _csv_response(training.feedback_csv(summary, RATING_LABELS), f"feedback-{name}.csv")
