"""Forms for young people and officers."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.core.forms import CharacterCountWidget, reference_field, secret_words_field

MESSAGE_MAX = 5000

# The feelings picker: a picture (decorative) and words for each feeling, and the
# sentence it starts a message with.
FEELINGS = {
    "happy": ("😊", _l("Happy"), _l("I feel happy.")),
    "sad": ("😢", _l("Sad"), _l("I feel sad.")),
    "worried": ("😟", _l("Worried"), _l("I feel worried.")),
    "angry": ("😠", _l("Angry"), _l("I feel angry.")),
    "scared": ("😨", _l("Scared"), _l("I feel scared.")),
    "not-sure": ("🤔", _l("Not sure"), _l("I am not sure how I feel.")),
}


def _message_field(label, hint=None):
    return TextAreaField(
        label,
        widget=CharacterCountWidget(),
        description=hint,
        validators=[
            InputRequired(message=_l("Write your message")),
            Length(
                max=MESSAGE_MAX,
                message=_l("Your message must be %(max)s characters or fewer", max=MESSAGE_MAX),
            ),
        ],
        render_kw={"params": {"maxlength": MESSAGE_MAX, "rows": 8}},
    )


def optional_name_field() -> StringField:
    """A young person's name, if they want to give it."""
    return StringField(
        _l("Your name (optional)"),
        widget=GovTextInput(),
        validators=[Length(max=100, message=_l("Your name must be 100 characters or fewer"))],
        render_kw={"autocomplete": "name", "spellcheck": "false"},
    )


def optional_age_field() -> IntegerField:
    """A young person's age, if they want to give it."""
    return IntegerField(
        _l("How old are you? (optional)"),
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=4, max=25, message=_l("Enter an age from 4 to 25, or leave it empty")),
        ],
        render_kw={"inputmode": "numeric", "params": {"classes": "govuk-input--width-2"}},
    )


class TalkForm(FlaskForm):
    """A young person's first message; everything but the message is optional."""

    body = _message_field(
        _l("What would you like to tell us?"),
        _l("Write as much or as little as you like. You do not have to give your name."),
    )
    name = optional_name_field()
    age = optional_age_field()
    how_to_reach = StringField(
        _l("How can we reach you? (optional)"),
        widget=GovTextInput(),
        description=_l("A phone number or email address, if you want us to contact you."),
        validators=[Length(max=200, message=_l("This must be 200 characters or fewer"))],
        render_kw={"autocomplete": "off"},
    )
    safe_times = StringField(
        _l("When is it safe to contact you? (optional)"),
        widget=GovTextInput(),
        validators=[Length(max=200, message=_l("This must be 200 characters or fewer"))],
    )
    submit = SubmitField(_l("Send my message"), widget=GovSubmitInput())


class UnlockForm(FlaskForm):
    """The reference and phrase that open a conversation."""

    reference = reference_field(
        _l("Your reference"), _l("It looks like CR-7KQ2MX."), _l("Enter your reference")
    )
    phrase = secret_words_field()
    submit = SubmitField(_l("Read my messages"), widget=GovSubmitInput())


class ReplyForm(FlaskForm):
    """An answer in a conversation (from either side)."""

    body = _message_field(_l("Your reply"))
    submit = SubmitField(_l("Send"), widget=GovSubmitInput())


class OfficerReplyForm(FlaskForm):
    """An officer's reply."""

    body = TextAreaField(
        _l("Reply"),
        widget=GovTextArea(),
        validators=[
            InputRequired(message=_l("Write a reply")),
            Length(max=MESSAGE_MAX, message=_l("Reply must be 5000 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Send reply"), widget=GovSubmitInput())


class AssignForm(FlaskForm):
    """Choose the officer responsible."""

    officer = SelectField(
        _l("Officer"),
        widget=GovSelect(),
        validators=[InputRequired(message=_l("Choose an officer"))],
    )
    submit = SubmitField(_l("Assign"), widget=GovSubmitInput())


class ActionForm(FlaskForm):
    """A single button: close or reopen."""

    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())
