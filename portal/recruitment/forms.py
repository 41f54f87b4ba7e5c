"""The enquiry form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    IntegerField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    SubmitField,
)
from wtforms.validators import InputRequired, NumberRange

from portal.core.forms import EmailField, full_name_field, phone_field, postcode_field
from portal.recruitment.models import HeardFrom, Interest

INTEREST_LABELS = {
    Interest.MAINSTREAM: _l("Fostering children of any age"),
    Interest.SHORT_BREAKS: _l("Short breaks"),
    Interest.PARENT_AND_CHILD: _l("Parent and child"),
    Interest.TEENAGERS: _l("Teenagers"),
    Interest.BROTHERS_AND_SISTERS: _l("Brothers and sisters"),
    Interest.NOT_SURE: _l("I'm not sure yet"),
}

HEARD_LABELS = {
    HeardFrom.WEBSITE: _l("The council's website"),
    HeardFrom.SOCIAL_MEDIA: _l("Social media"),
    HeardFrom.FRIEND_OR_FAMILY: _l("A friend or relative"),
    HeardFrom.FOSTER_CARER: _l("A foster carer"),
    HeardFrom.EVENT: _l("An event"),
    HeardFrom.ADVERT: _l("An advert"),
    HeardFrom.OTHER: _l("Somewhere else"),
}


class EnquiryForm(FlaskForm):
    """A short first enquiry about fostering."""

    name = full_name_field()
    email = EmailField(
        _l("Email address"), validators=[InputRequired(message=_l("Enter your email address"))]
    )
    phone = phone_field()
    postcode = postcode_field()
    adults_at_home = IntegerField(
        _l("How many adults live in your home, including you?"),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter how many adults live in your home")),
            NumberRange(min=1, max=12, message=_l("Enter a number of adults from 1 to 12")),
        ],
        render_kw={"inputmode": "numeric", "params": {"classes": "govuk-input--width-2"}},
    )
    children_at_home = IntegerField(
        _l("How many children live in your home?"),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter how many children live in your home, or 0")),
            NumberRange(min=0, max=15, message=_l("Enter a number of children from 0 to 15")),
        ],
        render_kw={"inputmode": "numeric", "params": {"classes": "govuk-input--width-2"}},
    )
    has_spare_bedroom = RadioField(
        _l("Do you have a spare bedroom?"),
        widget=GovRadioInput(),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        validators=[InputRequired(message=_l("Choose whether you have a spare bedroom"))],
    )
    interests = SelectMultipleField(
        _l("What kind of fostering interests you?"),
        widget=GovCheckboxesInput(),
        description=_l("Choose all that apply."),
        choices=[SelectChoice(value.value, label) for value, label in INTEREST_LABELS.items()],
        validators=[InputRequired(message=_l("Choose at least one kind of fostering"))],
    )
    heard_from = RadioField(
        _l("How did you hear about fostering with us?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(value.value, label) for value, label in HEARD_LABELS.items()],
        validators=[InputRequired(message=_l("Choose how you heard about us"))],
    )
    submit = SubmitField(_l("Send enquiry"), widget=GovSubmitInput())

    def details(self) -> dict:
        """The answers as the enquiry's fields."""
        return {
            "name": self.name.data.strip(),
            "email": self.email.data,
            "phone": self.phone.data,
            "postcode": self.postcode.data,
            "adults_at_home": self.adults_at_home.data,
            "children_at_home": self.children_at_home.data,
            "has_spare_bedroom": self.has_spare_bedroom.data == "yes",
            "interests": ",".join(self.interests.data),
            "heard_from": HeardFrom(self.heard_from.data),
        }
