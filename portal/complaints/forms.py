"""Forms: making a complaint (an adult's and a young person's), following it, and the
complaints manager's steps."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal.childrens_rights.forms import optional_name_field
from portal.complaints.models import ClosedBecause, Complainant, Outcome
from portal.core.forms import (
    CharacterCountWidget,
    DayField,
    EmailField,
    UKPhone,
    full_name_field,
    optional_text_area,
    reference_field,
    secret_words_field,
)

COMPLAINT_MAX = 10000
NOTE_MAX = 5000

COMPLAINANT_LABELS = {
    Complainant.YOUNG_PERSON: _l("A child or young person in care"),
    Complainant.FOSTER_CARER: _l("A foster carer"),
    Complainant.PARENT: _l("A parent or family member"),
    Complainant.APPLICANT: _l("Someone applying to foster"),
    Complainant.SOMEONE_ELSE: _l("Someone else"),
}
# How a complainant answers "Who are you?" (the staff list says who it is from instead).
WHO_ARE_YOU = {
    Complainant.FOSTER_CARER: _l("I am a foster carer"),
    Complainant.PARENT: _l("I am a parent or family member"),
    Complainant.APPLICANT: _l("I am applying to foster"),
    Complainant.SOMEONE_ELSE: _l("Someone else"),
}
OUTCOME_LABELS = {
    Outcome.UPHELD: _l("Upheld"),
    Outcome.PARTLY_UPHELD: _l("Partly upheld"),
    Outcome.NOT_UPHELD: _l("Not upheld"),
    Outcome.RESOLVED: _l("Resolved by agreement"),
}
CLOSED_LABELS = {
    ClosedBecause.FINISHED: _l("Finished: not taken further"),
    ClosedBecause.WITHDRAWN: _l("Withdrawn by the complainant"),
}
STAGE_NAMES = {
    1: _l("Stage 1: local resolution"),
    2: _l("Stage 2: investigation"),
    3: _l("Stage 3: review panel"),
}


def _long_text(label, hint, required_message, limit):
    return TextAreaField(
        label,
        widget=CharacterCountWidget(),
        description=hint,
        validators=[
            InputRequired(message=required_message),
            Length(max=limit, message=_l("This must be %(max)s characters or fewer", max=limit)),
        ],
        render_kw={"params": {"maxlength": limit, "rows": 8}},
    )


def _optional_long_text(label, hint=None, limit=NOTE_MAX):
    return optional_text_area(label, hint, limit, rows=4)


class _NotInFuture:
    def __call__(self, form, field):
        if field.data is not None and field.data > form.today:
            raise ValidationError(_l("The date must be today or in the past"))


def _happened_on_field(hint):
    return DayField(
        _l("When did it happen? (optional)"),
        description=hint,
        optional=True,
        invalid_message=_l("Enter a real date, or leave it empty"),
        validators=[_NotInFuture()],
    )


def _optional_email():
    return EmailField(
        _l("Email address (optional)"),
        description=_l("We will email you when we reply. We never put your complaint in an email."),
        validators=[Optional()],
    )


def _optional_phone():
    return StringField(
        _l("Phone number (optional)"),
        widget=GovTextInput(),
        validators=[Optional(), UKPhone()],
        render_kw={
            "type": "tel",
            "autocomplete": "tel",
            "params": {"classes": "govuk-input--width-20"},
        },
    )


class ComplaintForm(FlaskForm):
    """An adult's complaint, on their own behalf or someone else's."""

    complainant = RadioField(
        _l("Who are you?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(kind.value, label) for kind, label in WHO_ARE_YOU.items()],
        validators=[InputRequired(message=_l("Choose who you are"))],
    )
    on_behalf_of = StringField(
        _l("If you are complaining for someone else, what is their name? (optional)"),
        widget=GovTextInput(),
        description=_l("For example, a child you look after. Leave it empty if it is about you."),
        validators=[Length(max=200, message=_l("This must be 200 characters or fewer"))],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    body = _long_text(
        _l("What is your complaint about?"),
        _l("Say what happened, who was involved and how it affected you."),
        _l("Tell us what your complaint is about"),
        COMPLAINT_MAX,
    )
    put_right = _optional_long_text(_l("What would put it right? (optional)"))
    happened_on = _happened_on_field(
        _l("If you know. For example, 27 3 2026. If it kept happening, the last time.")
    )
    name = full_name_field()
    email = _optional_email()
    phone = _optional_phone()
    submit = SubmitField(_l("Send my complaint"), widget=GovSubmitInput())

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today


class YoungComplaintForm(FlaskForm):
    """A young person's complaint: plain words, and only the complaint is needed."""

    body = _long_text(
        _l("What are you not happy about?"),
        _l("Tell us what happened. Write as much or as little as you like."),
        _l("Tell us what you are not happy about"),
        COMPLAINT_MAX,
    )
    put_right = _optional_long_text(_l("What would make it better? (optional)"))
    happened_on = _happened_on_field(_l("If you know. For example, 27 3 2026."))
    wants_advocate = RadioField(
        _l("Would you like an advocate to help you with your complaint?"),
        widget=GovRadioInput(),
        description=_l("An advocate is on your side. They help you say what you want."),
        choices=[
            SelectChoice("yes", _l("Yes, please")),
            SelectChoice("no", _l("No, thank you")),
        ],
        default="no",
        validators=[InputRequired(message=_l("Choose yes or no"))],
    )
    name = optional_name_field()
    email = _optional_email()
    phone = _optional_phone()
    submit = SubmitField(_l("Send my complaint"), widget=GovSubmitInput())

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today


class FollowForm(FlaskForm):
    """The reference and secret words that open a complaint."""

    reference = reference_field(
        _l("Your complaint reference"),
        _l("It looks like CP-7KQ2MX."),
        _l("Enter your complaint reference"),
    )
    phrase = secret_words_field()
    submit = SubmitField(_l("See my complaint"), widget=GovSubmitInput())


class NextStageForm(FlaskForm):
    """The complainant (or a manager for them) asks for the next stage."""

    why = _long_text(
        _l("Why are you not happy with the response?"),
        _l("Say what you still disagree with and what you would like to happen."),
        _l("Tell us why you are not happy with the response"),
        NOTE_MAX,
    )
    submit = SubmitField(_l("Ask for the next stage"), widget=GovSubmitInput())


class RespondForm(FlaskForm):
    """The stage's response, as the complainant will read it, and its outcome."""

    response = TextAreaField(
        _l("Response"),
        widget=GovTextArea(),
        description=_l("The complainant reads this with their reference. It is never emailed."),
        validators=[
            InputRequired(message=_l("Write the response")),
            Length(max=COMPLAINT_MAX, message=_l("The response must be 10000 characters or fewer")),
        ],
        render_kw={"params": {"rows": 8}},
    )
    outcome = RadioField(
        _l("Outcome"),
        widget=GovRadioInput(),
        choices=[SelectChoice(o.value, label) for o, label in OUTCOME_LABELS.items()],
        validators=[InputRequired(message=_l("Choose the outcome"))],
    )
    submit = SubmitField(_l("Record the response"), widget=GovSubmitInput())


class ExtendForm(FlaskForm):
    """Extend a stage once, with the reason."""

    reason = TextAreaField(
        _l("Why is more time needed?"),
        widget=GovTextArea(),
        description=_l("The complainant sees this reason."),
        validators=[
            InputRequired(message=_l("Give the reason for the extension")),
            Length(max=NOTE_MAX, message=_l("The reason must be 5000 characters or fewer")),
        ],
        render_kw={"params": {"rows": 3}},
    )
    submit = SubmitField(
        _l("Extend the deadline"),
        widget=GovSubmitInput(),
        render_kw={"params": {"classes": "govuk-button--secondary"}},
    )


class PanelForm(FlaskForm):
    """When the Stage 3 review panel meets."""

    panel_on = DayField(
        _l("Date of the review panel"),
        description=_l("For example, 27 3 2027"),
        missing_message=_l("Enter the date of the review panel"),
        invalid_message=_l("The date of the review panel must be a real date"),
    )
    submit = SubmitField(_l("Save the panel date"), widget=GovSubmitInput())


class CloseForm(FlaskForm):
    """Close a complaint."""

    because = RadioField(
        _l("Why is it closing?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(c.value, label) for c, label in CLOSED_LABELS.items()],
        validators=[InputRequired(message=_l("Choose why the complaint is closing"))],
    )
    submit = SubmitField(
        _l("Close the complaint"),
        widget=GovSubmitInput(),
        render_kw={"params": {"classes": "govuk-button--secondary"}},
    )


class ActionForm(FlaskForm):
    """A single button."""

    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())
