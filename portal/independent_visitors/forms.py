"""Forms: a young person's request, an adult's offer, and the staff's updates."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.childrens_rights.forms import optional_age_field, optional_name_field
from portal.core.forms import (
    EmailField,
    full_name_field,
    optional_text_area,
    phone_field,
    postcode_field,
)
from portal.independent_visitors.models import RequestStatus

STATUS_LABELS = {
    RequestStatus.RECEIVED: _l("Request received"),
    RequestStatus.MATCHING: _l("Finding a visitor"),
    RequestStatus.MATCHED: _l("Visitor found"),
    RequestStatus.VISITS_STARTED: _l("Visits started"),
    RequestStatus.DECLINED: _l("Declined by the young person"),
}


def _optional_text(label, hint=None, limit=1000):
    return optional_text_area(label, hint, limit)


class VisitorRequestForm(FlaskForm):
    """A young person asking for an independent visitor; all optional but one answer."""

    name = optional_name_field()
    age = optional_age_field()
    how_to_reach = StringField(
        _l("How can we reach you?"),
        widget=GovTextInput(),
        description=_l("A phone number or email address, or your social worker's name."),
        validators=[
            InputRequired(message=_l("Tell us how we can reach you")),
            Length(max=200, message=_l("This must be 200 characters or fewer")),
        ],
        render_kw={"autocomplete": "off"},
    )
    interests = _optional_text(
        _l("What do you like doing? (optional)"), _l("For example, football, drawing, games.")
    )
    languages = StringField(
        _l("Which languages do you speak? (optional)"),
        widget=GovTextInput(),
        validators=[Length(max=200, message=_l("This must be 200 characters or fewer"))],
    )
    preferences = _optional_text(
        _l("Is there anything about your visitor that matters to you? (optional)"),
        _l("For example, a man or a woman, their age, or their religion."),
    )
    submit = SubmitField(_l("Ask for a visitor"), widget=GovSubmitInput())


class VolunteerForm(FlaskForm):
    """An adult offering to become an independent visitor."""

    name = full_name_field()
    email = EmailField(
        _l("Email address"), validators=[InputRequired(message=_l("Enter your email address"))]
    )
    phone = phone_field()
    postcode = postcode_field()
    why = TextAreaField(
        _l("Why would you like to be an independent visitor?"),
        widget=GovTextArea(),
        validators=[
            InputRequired(message=_l("Tell us why you would like to volunteer")),
            Length(max=2000, message=_l("This must be 2000 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Send my offer"), widget=GovSubmitInput())


class StatusForm(FlaskForm):
    """Move a request to its next stage."""

    status = RadioField(
        _l("Stage"),
        widget=GovRadioInput(),
        choices=[SelectChoice(status.value, label) for status, label in STATUS_LABELS.items()],
        validators=[InputRequired(message=_l("Choose a stage"))],
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


class CheckForm(FlaskForm):
    """Tick or untick a volunteer's check."""

    done = RadioField(
        _l("Done"),
        choices=[SelectChoice("yes", _l("Done")), SelectChoice("no", _l("Not done"))],
        validators=[InputRequired(message=_l("Choose done or not done"))],
    )
