"""Forms for training: the co-ordinator's courses and sessions, and carers' bookings."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    DecimalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    ValidationError,
)

from portal.core.forms import CharacterCountWidget, EndsAfterStart, date_and_times
from portal.training.models import TSDS_STANDARDS, Audience, CourseFormat, Topic

MAX_CAPACITY = 200


def strip(value):
    """Spaces alone are not an answer."""
    return value.strip() if isinstance(value, str) else value


class _SaysWhatIsWrong:
    """A number field whose message for text that is not a number is GOV.UK style."""

    def __init__(self, *args, invalid_message, **kwargs):
        self.invalid_message = invalid_message
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist and not valuelist[0].strip():
            self.data = None  # left empty: the field's validators say whether that is fine
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.invalid_message) from None


class WholeNumberField(_SaysWhatIsWrong, IntegerField):
    """A whole number, like a count of places."""


class HoursField(_SaysWhatIsWrong, DecimalField):
    """A number of hours, halves and quarters allowed."""


_URL = URL(require_tld=True, message=_l("Enter a full web address starting with https://"))


def check_web_address(form, field):
    """A real web link: other schemes (javascript:, data:) never reach an href."""
    _URL(form, field)
    if not field.data.lower().startswith(("https://", "http://")):
        raise ValidationError(_URL.message)


TOPIC_LABELS = {
    Topic.SAFEGUARDING: _l("Safeguarding"),
    Topic.ATTACHMENT_AND_TRAUMA: _l("Attachment and trauma"),
    Topic.BEHAVIOUR: _l("Understanding behaviour"),
    Topic.HEALTH_AND_FIRST_AID: _l("Health and first aid"),
    Topic.EDUCATION: _l("Education"),
    Topic.IDENTITY_AND_DIVERSITY: _l("Identity and diversity"),
    Topic.ONLINE_SAFETY: _l("Online safety"),
    Topic.RECORDING_AND_PROCEDURES: _l("Recording and procedures"),
    Topic.TRANSITIONS: _l("Moves and transitions"),
    Topic.WELLBEING: _l("Carers' wellbeing"),
}

AUDIENCE_LABELS = {
    Audience.ALL: _l("All foster carers"),
    Audience.MAINSTREAM: _l("Mainstream foster carers"),
    Audience.FAMILY_AND_FRIENDS: _l("Family and friends foster carers"),
    Audience.SHORT_BREAK: _l("Short break foster carers"),
    Audience.SUPPORTED_LODGINGS: _l("Supported lodgings hosts"),
}


class CourseForm(FlaskForm):
    """A course's details."""

    title = StringField(
        _l("Title"),
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter a title")),
            Length(max=200, message=_l("Title must be 200 characters or fewer")),
        ],
    )
    topic = RadioField(
        _l("Topic"),
        widget=GovRadioInput(),
        choices=[SelectChoice(topic.value, label) for topic, label in TOPIC_LABELS.items()],
        validators=[InputRequired(message=_l("Choose a topic"))],
    )
    description = TextAreaField(
        _l("Description"),
        widget=GovTextArea(),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter a description")),
            Length(max=4000, message=_l("Description must be 4000 characters or fewer")),
        ],
    )
    audiences = SelectMultipleField(
        _l("Who is it for?"),
        widget=GovCheckboxesInput(),
        description=_l("Select all that apply."),
        choices=[SelectChoice(a.value, label) for a, label in AUDIENCE_LABELS.items()],
        validators=[InputRequired(message=_l("Choose who the course is for"))],
    )
    is_mandatory = RadioField(
        _l("Is it mandatory?"),
        widget=GovRadioInput(),
        choices=[SelectChoice("yes", _l("Yes, mandatory")), SelectChoice("no", _l("No, optional"))],
        validators=[InputRequired(message=_l("Choose whether the course is mandatory"))],
    )
    counts_for_tsds = RadioField(
        _l("Does it count toward the TSDS?"),
        widget=GovRadioInput(),
        description=_l("The Training, Support and Development Standards."),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        validators=[InputRequired(message=_l("Choose whether the course counts toward the TSDS"))],
    )
    tsds_standards = SelectMultipleField(
        _l("Which TSDS standards? (if it counts)"),
        widget=GovCheckboxesInput(),
        choices=[SelectChoice(str(n), _l("Standard %(number)s", number=n)) for n in TSDS_STANDARDS],
    )
    format = RadioField(
        _l("How is it run?"),
        widget=GovRadioInput(),
        choices=[
            SelectChoice(CourseFormat.SESSIONS.value, _l("Sessions on set dates")),
            SelectChoice(CourseFormat.SELF_PACED.value, _l("Online module, at the carer's pace")),
        ],
        validators=[InputRequired(message=_l("Choose how the course is run"))],
    )
    module_link = StringField(
        _l("Link to the online module (if self-paced)"),
        widget=GovTextInput(),
        validators=[Length(max=500, message=_l("The link must be 500 characters or fewer"))],
    )
    module_hours = HoursField(
        _l("Hours the module takes (if self-paced)"),
        invalid_message=_l("Enter hours as a number, like 1.5"),
        widget=GovTextInput(),
        places=2,
        description=_l("For example, 1.5"),
        render_kw={"inputmode": "decimal", "params": {"classes": "govuk-input--width-4"}},
    )
    in_catalogue = RadioField(
        _l("Show it in the catalogue?"),
        widget=GovRadioInput(),
        description=_l("Take a course out when it no longer runs; carers' records keep it."),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No, take it out"))],
        default="yes",
        validators=[InputRequired(message=_l("Choose whether to show the course"))],
    )
    submit = SubmitField(_l("Save course"), widget=GovSubmitInput())

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.in_catalogue

    def validate_tsds_standards(self, field):
        """A course that counts toward the TSDS says which standards."""
        if self.counts_for_tsds.data == "yes" and not field.data:
            raise ValidationError(_l("Choose the TSDS standards the course counts toward"))

    def validate_module_link(self, field):
        """A self-paced module needs somewhere to do it."""
        if field.data:
            check_web_address(self, field)
        elif self.format.data == CourseFormat.SELF_PACED.value:
            raise ValidationError(_l("Enter the link to the online module"))

    def validate_module_hours(self, field):
        """A self-paced module needs its length, to count toward carers' hours."""
        if field.errors:
            return
        if field.data is None:
            if self.format.data == CourseFormat.SELF_PACED.value:
                raise ValidationError(_l("Enter how many hours the module takes"))
        elif not Decimal("0.25") <= field.data <= 100:
            raise ValidationError(_l("Hours must be between 0.25 and 100"))


class SessionForm(EndsAfterStart, FlaskForm):
    """One dated session of a course."""

    day, starts, ends = date_and_times(
        missing_day=_l("Enter the date of the session"),
        invalid_day=_l("The date of the session must be a real date"),
        start_example=_l("UK time, for example 09:30"),
        end_example=_l("UK time, for example 12:30"),
    )
    place = RadioField(
        _l("Where"),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose where the session is"))],
    )
    online_link = StringField(
        _l("Link to join online (if online)"),
        widget=GovTextInput(),
        description=_l("Only carers who have booked will see it."),
        validators=[Length(max=500, message=_l("The link must be 500 characters or fewer"))],
    )
    capacity = WholeNumberField(
        _l("Places"),
        invalid_message=_l("Enter places as a number, like 12"),
        widget=GovTextInput(),
        description=_l("How many carers can come, from 1 to 200."),
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
    submit = SubmitField(_l("Add session"), widget=GovSubmitInput())

    def __init__(self, venues, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.place.choices = [SelectChoice(str(v.id), v.name) for v in venues if not v.is_online]
        self.place.choices.append(SelectChoice("online", _l("Online")))
        self.today = today

    def validate_day(self, field):
        """Sessions are scheduled for the future."""
        if field.data and self.today and field.data < self.today:
            raise ValidationError(_l("The date of the session must be today or in the future"))

    def validate_online_link(self, field):
        """Carers need a link to join an online session."""
        if field.data:
            check_web_address(self, field)
        elif self.place.data == "online":
            raise ValidationError(_l("Enter the link to join the session online"))


class BookForm(FlaskForm):
    """One tap to book a session (or join its waiting list), for the carer or for both
    carers of a household (the button pressed says which)."""

    submit = SubmitField(_l("Book"), widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A single button: accept an offer, or say a module is finished."""

    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class CancelForm(FlaskForm):
    """Cancel a booking, saying why."""

    reason = TextAreaField(
        _l("Why are you cancelling?"),
        widget=CharacterCountWidget(),
        description=_l("For example, a child is unwell or you have a placement meeting."),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter why you are cancelling")),
            Length(max=500, message=_l("Your reason must be 500 characters or fewer")),
        ],
        render_kw={"params": {"maxlength": 500}, "rows": 3},
    )
    submit = SubmitField(_l("Cancel my booking"), widget=GovSubmitInput())


class AttendanceForm(FlaskForm):
    """Mark one carer on the register as came or did not come."""

    attended = RadioField(
        _l("Attended"),
        choices=[SelectChoice("yes", _l("Came")), SelectChoice("no", _l("Did not come"))],
        validators=[InputRequired(message=_l("Choose whether they came"))],
    )


RATING_LABELS = {
    5: _l("Very useful"),
    4: _l("Useful"),
    3: _l("Quite useful"),
    2: _l("A little useful"),
    1: _l("Not useful"),
}

ANSWER_LIMIT = 1000


def _answer(label, missing, description=""):
    return TextAreaField(
        label,
        widget=CharacterCountWidget(),
        description=description,
        filters=[strip],
        validators=[
            DataRequired(message=missing),
            Length(
                max=ANSWER_LIMIT,
                message=_l("Your answer must be %(max)s characters or fewer", max=ANSWER_LIMIT),
            ),
        ],
        render_kw={"params": {"maxlength": ANSWER_LIMIT}, "rows": 4},
    )


class FeedbackForm(FlaskForm):
    """A carer's short feedback on a session they attended."""

    rating = RadioField(
        _l("How useful was the course?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(str(value), label) for value, label in RATING_LABELS.items()],
        validators=[InputRequired(message=_l("Choose how useful the course was"))],
    )
    most_useful = _answer(
        _l("What was most useful?"), _l("Enter what was most useful about the course")
    )
    do_differently = _answer(
        _l("What will you do differently?"),
        _l("Enter what you will do differently after the course"),
        _l("For example, something you will try at home with the children you care for."),
    )
    submit = SubmitField(_l("Send feedback"), widget=GovSubmitInput())
