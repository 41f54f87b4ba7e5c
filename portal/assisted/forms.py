"""Staff-side forms: each is the public form itself, plus how the person got in touch and
the language their emails should be in."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SelectChoice, SubmitField
from wtforms.validators import InputRequired

from portal.assisted.models import AssistedKind, HowContacted
from portal.complaints.forms import ComplaintForm, YoungComplaintForm
from portal.core.forms import reference_field
from portal.core.i18n import LANGUAGE_NAMES
from portal.events.forms import BookingForm
from portal.independent_visitors.forms import VisitorRequestForm
from portal.recruitment.forms import EnquiryForm
from portal.visits.forms import ChooseSlotForm

HOW_CONTACTED_LABELS = {
    HowContacted.PHONE: _l("By phone"),
    HowContacted.IN_PERSON: _l("In person"),
    HowContacted.OTHER: _l("Another way"),
}


def _how_contacted_field() -> RadioField:
    return RadioField(
        _l("How did they get in touch?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(k.value, label) for k, label in HOW_CONTACTED_LABELS.items()],
        default=HowContacted.PHONE.value,
        validators=[InputRequired(message=_l("Choose how they got in touch"))],
    )


def _language_field() -> RadioField:
    return RadioField(
        _l("Which language should their emails be in?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
        default="en",
        validators=[InputRequired(message=_l("Choose the language for their emails"))],
    )


# Autocomplete purposes the public forms give the person's own details. Here staff type
# someone else's, so the browser must not offer the staff member's own (WCAG 2.2 1.3.5
# concerns the user's own data); the names of the fields alone would make it try.
OWN_DETAILS = frozenset(
    {"name", "given-name", "family-name", "email", "tel", "postal-code", "street-address"}
)


class _ForSomeone:
    """The two questions staff answer about the person, after the person's own answers.

    WTForms orders fields by when they were made, so these (and each form's own submit
    button, defined below) come after the public form's fields.
    """

    how_contacted = _how_contacted_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self:
            render_kw = field.render_kw or {}
            if render_kw.get("autocomplete") in OWN_DETAILS:
                field.render_kw = {**render_kw, "autocomplete": "off"}

    @property
    def contact(self) -> HowContacted:
        """How the person got in touch, once the form is valid."""
        return HowContacted(self.how_contacted.data)


class _WithLanguage(_ForSomeone):
    language = _language_field()


class AssistedEnquiryForm(_WithLanguage, EnquiryForm):
    """The public enquiry form, filled in by staff."""

    submit = SubmitField(_l("Send the enquiry for them"), widget=GovSubmitInput())


class AssistedBookingForm(_WithLanguage, BookingForm):
    """The public event booking form, filled in by staff."""

    submit = SubmitField(_l("Book the place for them"), widget=GovSubmitInput())


class AssistedComplaintForm(_WithLanguage, ComplaintForm):
    """An adult's complaint, taken down by staff."""

    submit = SubmitField(_l("Send the complaint for them"), widget=GovSubmitInput())


class AssistedYoungComplaintForm(_WithLanguage, YoungComplaintForm):
    """A young person's complaint, taken down by staff."""

    submit = SubmitField(_l("Send the complaint for them"), widget=GovSubmitInput())


class AssistedVisitorRequestForm(_ForSomeone, VisitorRequestForm):
    """A young person's request for an independent visitor, taken down by staff."""

    submit = SubmitField(_l("Send the request for them"), widget=GovSubmitInput())


class AssistedChooseSlotForm(_ForSomeone, ChooseSlotForm):
    """The public choice of visit times, made by staff for an enquirer."""

    submit = SubmitField(_l("Book this visit for them"), widget=GovSubmitInput())

    def __init__(self, choices, *args, **kwargs):
        super().__init__(choices, None, *args, **kwargs)


class FindEnquiryForm(FlaskForm):
    """The reference of the caller's enquiry, to book their initial visit."""

    reference = reference_field(
        _l("Their enquiry reference"),
        _l("It looks like E-7KQ2MX. It is in the email we sent when they enquired."),
        _l("Enter their enquiry reference"),
    )
    submit = SubmitField(_l("Find the enquiry"), widget=GovSubmitInput())


KIND_LABELS = {
    AssistedKind.ENQUIRY: _l("Enquiry about fostering"),
    AssistedKind.EVENT_BOOKING: _l("Information event place"),
    AssistedKind.VISIT_BOOKING: _l("Initial visit"),
    AssistedKind.COMPLAINT: _l("Complaint"),
    AssistedKind.VISITOR_REQUEST: _l("Request for an independent visitor"),
}
