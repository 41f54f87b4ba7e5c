"""Forms for information events: staff details, public booking, feedback."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import IntegerField, RadioField, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import URL, InputRequired, Length, NumberRange, Optional, ValidationError

from portal.core.forms import (
    CharacterCountWidget,
    EmailField,
    EndsAfterStart,
    date_and_times,
    full_name_field,
    phone_field,
)
from portal.events.models import Usefulness

MAX_CAPACITY = 500


class EventForm(EndsAfterStart, FlaskForm):
    """An event's details, with an optional repeat."""

    title = StringField(
        _l("Title"),
        widget=GovTextInput(),
        default="Find out about Fostering",
        validators=[
            InputRequired(message=_l("Enter a title")),
            Length(max=200, message=_l("Title must be 200 characters or fewer")),
        ],
    )
    day, starts, ends = date_and_times(
        missing_day=_l("Enter the date of the event"),
        invalid_day=_l("The date of the event must be a real date"),
        start_example=_l("UK time, for example 18:30"),
        end_example=_l("UK time, for example 20:30"),
    )
    place = RadioField(
        _l("Where"),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose where the event is"))],
    )
    online_link = StringField(
        _l("Link to join online (optional)"),
        widget=GovTextInput(),
        description=_l("Only people who have booked will see it."),
        validators=[
            Optional(),
            URL(require_tld=True, message=_l("Enter a full web address starting with https://")),
            Length(max=500, message=_l("The link must be 500 characters or fewer")),
        ],
    )
    capacity = IntegerField(
        _l("Places"),
        widget=GovTextInput(),
        description=_l("How many people can come, from 1 to 500."),
        validators=[
            InputRequired(message=_l("Enter how many places there are")),
            NumberRange(
                min=1,
                max=MAX_CAPACITY,
                message=_l("Places must be between 1 and %(max)s", max=MAX_CAPACITY),
            ),
        ],
        render_kw={"inputmode": "numeric", "params": {"classes": "govuk-input--width-4"}},
    )
    description = TextAreaField(
        _l("Description (optional)"),
        widget=GovTextArea(),
        validators=[Length(max=4000, message=_l("Description must be 4000 characters or fewer"))],
    )
    accessibility_notes = TextAreaField(
        _l("Access information (optional)"),
        widget=GovTextArea(),
        description=_l("For example, step-free access, hearing loop, parking."),
        validators=[
            Length(max=2000, message=_l("Access information must be 2000 characters or fewer"))
        ],
    )
    every_weeks = IntegerField(
        _l("Repeat every how many weeks (optional)"),
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=1, max=12, message=_l("Repeat every 1 to 12 weeks")),
        ],
        render_kw={"inputmode": "numeric", "params": {"classes": "govuk-input--width-2"}},
    )
    times = IntegerField(
        _l("How many events in the series (optional)"),
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=2, max=26, message=_l("Make 2 to 26 events"))],
        render_kw={"inputmode": "numeric", "params": {"classes": "govuk-input--width-2"}},
    )
    submit = SubmitField(_l("Save event"), widget=GovSubmitInput())

    def __init__(self, venues, *args, now_london_date=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.place.choices = [SelectChoice(str(v.id), v.name) for v in venues if not v.is_online]
        self.place.choices.append(SelectChoice("online", _l("Online")))
        self.today = now_london_date
        if editing:
            del self.every_weeks
            del self.times

    def validate_day(self, field):
        """Events are made for the future."""
        if field.data and self.today and field.data < self.today:
            raise ValidationError(_l("The date of the event must be today or in the future"))

    def validate_times(self, field):
        """A series needs both numbers."""
        if bool(field.data) != bool(self.every_weeks.data):
            raise ValidationError(_l("To repeat the event, enter both how often and how many"))


class BookingForm(FlaskForm):
    """Booking a place without an account."""

    name = full_name_field()
    email = EmailField(
        _l("Email address"),
        description=_l("We'll send your booking and a link to change it here."),
        validators=[InputRequired(message=_l("Enter your email address"))],
    )
    phone = phone_field(_l("In case we need to tell you about a change on the day."))
    seats = RadioField(
        _l("How many people are coming?"),
        widget=GovRadioInput(),
        choices=[SelectChoice("1", _l("Just me")), SelectChoice("2", _l("2 people"))],
        default="1",
        validators=[InputRequired(message=_l("Choose how many people are coming"))],
    )
    access_needs = TextAreaField(
        _l("Do you have any access needs? (optional)"),
        widget=CharacterCountWidget(),
        description=_l("For example, step-free access, a hearing loop or an interpreter."),
        validators=[Length(max=1000, message=_l("Access needs must be 1000 characters or fewer"))],
        render_kw={"params": {"maxlength": 1000}},
    )
    submit = SubmitField(_l("Book my place"), widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A single button: cancel, accept an offer, or cancel an event."""

    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class MoveForm(FlaskForm):
    """Choose another event to move a booking to."""

    event = RadioField(
        _l("Choose another date"),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose a date to move to"))],
    )
    submit = SubmitField(_l("Move my booking"), widget=GovSubmitInput())


class FeedbackForm(FlaskForm):
    """Short feedback after the event."""

    usefulness = RadioField(
        _l("Was the event useful?"),
        widget=GovRadioInput(),
        choices=[
            SelectChoice(Usefulness.VERY.value, _l("Very useful")),
            SelectChoice(Usefulness.QUITE.value, _l("Quite useful")),
            SelectChoice(Usefulness.NOT.value, _l("Not useful")),
        ],
        validators=[InputRequired(message=_l("Choose how useful the event was"))],
    )
    what_would_help = TextAreaField(
        _l("What would help you next? (optional)"),
        widget=GovTextArea(),
        validators=[Length(max=2000, message=_l("Your answer must be 2000 characters or fewer"))],
    )
    submit = SubmitField(_l("Send feedback"), widget=GovSubmitInput())


class AttendanceForm(FlaskForm):
    """Mark one person on the register as came or did not come."""

    attended = RadioField(
        _l("Attended"),
        choices=[SelectChoice("yes", _l("Came")), SelectChoice("no", _l("Did not come"))],
        validators=[InputRequired(message=_l("Choose whether they came"))],
    )


class MessageForm(FlaskForm):
    """A message from the team to everyone booked."""

    message = TextAreaField(
        _l("Message"),
        widget=CharacterCountWidget(),
        description=_l("It is sent by email to everyone with a confirmed place."),
        validators=[
            InputRequired(message=_l("Enter a message")),
            Length(max=2000, message=_l("Message must be 2000 characters or fewer")),
        ],
        render_kw={"params": {"maxlength": 2000}},
    )
    submit = SubmitField(_l("Send message"), widget=GovSubmitInput())
