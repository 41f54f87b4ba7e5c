"""Forms for the service's settings: each field says exactly what is wrong with it."""

from babel import Locale
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from portal.core.forms import EmailField, UKPostcode
from portal.core.i18n import LANGUAGE_NAMES, default_language, shipped_languages
from portal.core.validators import normalise_phone


def _strip(typed):
    return typed.strip() if isinstance(typed, str) else typed


class PublishedPhones:
    """One number, or two joined by 'or', each one we could call; kept as typed."""

    def __init__(self, what):
        self.message = _l(
            "Enter %(what)s as a telephone number, like 0116 305 0505 or 01632 960 001 "
            "or 07700 900 982",
            what=what,
        )

    def __call__(self, form, field):
        text = (field.data or "").strip()
        if text and any(normalise_phone(part) is None for part in text.split(" or ")):
            raise ValidationError(self.message)


def phones(label, what) -> StringField:
    """A published phone number (optional)."""
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            Length(max=60, message=_l("%(what)s must be 60 characters or fewer", what=what)),
            PublishedPhones(what),
        ],
        render_kw={"type": "tel", "params": {"classes": "govuk-input--width-20"}},
    )


def email(label) -> EmailField:
    """A published email address (optional)."""
    return EmailField(label, validators=[Optional()], render_kw={"autocomplete": "off"})


def website(label, what) -> StringField:
    """A web address starting https:// (optional)."""
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=300, message=_l("%(what)s must be 300 characters or fewer", what=what)),
            URL(
                require_tld=True,
                message=_l("Enter %(what)s like https://www.example.gov.uk", what=what),
            ),
        ],
        render_kw={
            "type": "url",
            "spellcheck": "false",
            "params": {"classes": "govuk-!-width-full"},
        },
    )


def postal_address(label, what) -> TextAreaField:
    """A postal address over a few lines (optional)."""
    return TextAreaField(
        label,
        widget=GovTextArea(),
        filters=[_strip],
        validators=[
            Length(max=500, message=_l("%(what)s must be 500 characters or fewer", what=what))
        ],
        render_kw={"params": {"rows": 4}},
    )


class ContactsForm(FlaskForm):
    """How people reach the service and the bodies it names."""

    fostering_phone = phones(_l("Fostering team phone"), _l("the fostering team phone"))
    fostering_email = email(_l("Fostering team email"))
    website_url = website(_l("Website"), _l("the website"))
    address = postal_address(_l("Postal address"), _l("The postal address"))
    out_of_hours_phone = phones(_l("Out-of-hours phone"), _l("the out-of-hours phone"))
    childrens_rights_phone = phones(
        _l("Children's Rights phone"), _l("the Children's Rights phone")
    )
    childrens_rights_email = email(_l("Children's Rights email"))
    complaints_phone = phones(_l("Complaints phone"), _l("the complaints phone"))
    complaints_email = email(_l("Complaints email"))
    corporate_parenting_phone = phones(
        _l("Corporate Parenting Team phone"), _l("the Corporate Parenting Team phone")
    )
    corporate_parenting_email = email(_l("Corporate Parenting Team email"))
    registered_manager_name = StringField(
        _l("Registered manager's name"),
        widget=GovTextInput(),
        filters=[_strip],
        validators=[Length(max=200, message=_l("The name must be 200 characters or fewer"))],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    registered_manager_phone = phones(
        _l("Registered manager's phone"), _l("the registered manager's phone")
    )
    registered_manager_email = email(_l("Registered manager's email"))
    childrens_commissioner_phone = phones(
        _l("Children's Commissioner phone"), _l("the Children's Commissioner phone")
    )
    childrens_commissioner_email = email(_l("Children's Commissioner email"))
    childrens_commissioner_website = website(
        _l("Children's Commissioner website"), _l("the Children's Commissioner website")
    )
    ofsted_phone = phones(_l("Ofsted phone"), _l("the Ofsted phone"))
    ofsted_email = email(_l("Ofsted email"))
    ofsted_address = postal_address(_l("Ofsted postal address"), _l("Ofsted's postal address"))
    submit = SubmitField(_l("Save contacts"), widget=GovSubmitInput())


# (field, label, what error messages call it, unit, least, most, example, hint)
TARGETS = (
    (
        "assessment_target_weeks",
        _l("Form F assessment target"),
        _l("assessment target"),
        _l("weeks"),
        1,
        52,
        16,
        _l("Weeks from allocation to a finished assessment. The local standard is 16."),
    ),
    (
        "panel_due_months",
        _l("Panel recommendation due"),
        _l("time to the panel's recommendation"),
        _l("months"),
        1,
        8,
        8,
        _l("Months from application to the panel's recommendation: 8 at most."),
    ),
    (
        "panel_papers_working_days",
        _l("Panel papers due"),
        _l("time the panel papers go out before the panel"),
        _l("working days"),
        1,
        20,
        5,
        _l("Working days before the panel that its papers go out."),
    ),
    (
        "decision_working_days",
        _l("Agency decision due"),
        _l("time to the agency decision"),
        _l("working days"),
        1,
        20,
        7,
        _l("Working days from the panel's recommendation to the agency decision."),
    ),
    (
        "review_days",
        _l("Time to ask for a review"),
        _l("time to ask for a review"),
        _l("days"),
        28,
        90,
        28,
        _l(
            "Days a household not approved has to ask for a review or go to the Independent "
            "Review Mechanism: 28 at least."
        ),
    ),
    (
        "viability_working_days",
        _l("Viability assessment due"),
        _l("time to the viability assessment"),
        _l("working days"),
        1,
        60,
        15,
        _l("Working days from a family and friends request to its viability assessment."),
    ),
    (
        "temporary_approval_weeks",
        _l("Temporary approval"),
        _l("length of a temporary approval"),
        _l("weeks"),
        1,
        16,
        16,
        _l("Weeks a Regulation 24 temporary approval lasts: 16 at most."),
    ),
    (
        "temporary_extension_weeks",
        _l("Longest extension of a temporary approval"),
        _l("longest extension"),
        _l("weeks"),
        1,
        8,
        8,
        _l("Weeks a Regulation 25 extension may add: 8 at most."),
    ),
)


class WholeNumber(StringField):
    """A whole number within a range; `.number` holds it once valid."""

    widget = GovTextInput()

    def __init__(self, label, *, what, unit, least, most, example, **kwargs):
        self.what, self.unit, self.least, self.most = what, unit, least, most
        self.example = example
        render_kw = {
            "inputmode": "numeric",
            "spellcheck": "false",
            "params": {"classes": "govuk-input--width-3", "suffix": {"text": str(unit)}},
        }
        super().__init__(label, filters=[_strip], render_kw=render_kw, **kwargs)
        self.number = None

    def pre_validate(self, form):
        typed = self.data or ""
        if not typed:
            raise ValidationError(
                _l("Enter the %(what)s in %(unit)s", what=self.what, unit=self.unit)
            )
        if not (typed.isascii() and typed.isdigit()):
            raise ValidationError(
                _l(
                    "Enter the %(what)s as a whole number of %(unit)s, like %(example)s",
                    what=self.what,
                    unit=self.unit,
                    example=self.example,
                )
            )
        number = int(typed)
        if not self.least <= number <= self.most:
            raise ValidationError(
                _l(
                    "The %(what)s must be between %(least)s and %(most)s %(unit)s",
                    what=self.what,
                    least=self.least,
                    most=self.most,
                    unit=self.unit,
                )
            )
        self.number = number


def _whole_numbers_form(rows, service, submit_label, formdata=None) -> FlaskForm:
    """A form of WholeNumber boxes, one per row of `rows` (TARGETS' shape), each filled
    with the service's current value."""

    class WholeNumbersForm(FlaskForm):
        pass

    for name, label, what, unit, least, most, example, hint in rows:
        field = WholeNumber(
            label,
            what=what,
            unit=unit,
            least=least,
            most=most,
            example=example,
            description=hint,
            default=str(getattr(service, name)),
        )
        setattr(WholeNumbersForm, name, field)
    WholeNumbersForm.submit = SubmitField(submit_label, widget=GovSubmitInput())
    return WholeNumbersForm() if formdata is None else WholeNumbersForm(formdata=formdata)


def targets_form(service, formdata=None) -> FlaskForm:
    """The targets form, each box filled with the service's current value."""
    return _whole_numbers_form(TARGETS, service, _l("Save targets"), formdata)


# How long each kind of record is kept (FosteringService explains the defaults), in the
# same shape as TARGETS. The least values for applicants and carers are the law's floors
# (Fostering Services (England) Regulations 2011, regulation 32).
RETENTION = (
    (
        "enquiry_retention_years",
        _l("Enquiries that went no further"),
        _l("time enquiries are kept"),
        _l("years"),
        1,
        10,
        3,
        _l(
            "Years an enquiry, an information event booking or an initial visit is kept when "
            "the person went no further. Accounts nobody uses close after the same time."
        ),
    ),
    (
        "applicant_retention_years",
        _l("Applications refused or withdrawn"),
        _l("time refused or withdrawn applications are kept"),
        _l("years"),
        3,
        10,
        3,
        _l("Years after the decision or withdrawal. The law says at least 3."),
    ),
    (
        "carer_retention_years",
        _l("Foster carers' records"),
        _l("time foster carers' records are kept"),
        _l("years"),
        10,
        75,
        10,
        _l("Years after a carer's approval (or a temporary approval) ends: 10 at least, by law."),
    ),
    (
        "complaint_retention_years",
        _l("Complaints"),
        _l("time complaints are kept"),
        _l("years"),
        1,
        25,
        6,
        _l("Years after a complaint closes."),
    ),
    (
        "conversation_retention_years",
        _l("Young people's conversations"),
        _l("time young people's conversations are kept"),
        _l("years"),
        1,
        25,
        6,
        _l(
            "Years after a conversation with a Children's Rights Officer closes. Requests for "
            "an independent visitor are kept as long after their last change."
        ),
    ),
    (
        "email_retention_days",
        _l("Copies of emails sent"),
        _l("time copies of emails are kept"),
        _l("days"),
        7,
        365,
        90,
        _l("Days a copy of each email is kept after it is sent."),
    ),
)


def retention_form(service, formdata=None) -> FlaskForm:
    """How long records are kept, each box filled with the service's current value."""
    return _whole_numbers_form(RETENTION, service, _l("Save"), formdata)


def _name_field(label, missing, too_long):
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[_strip],
        validators=[DataRequired(message=missing), Length(max=200, message=too_long)],
        render_kw={"autocomplete": "off"},
    )


class VenueForm(FlaskForm):
    """A place the service meets people."""

    name = _name_field(
        _l("Name of the venue"),
        _l("Enter the name of the venue"),
        _l("The name of the venue must be 200 characters or fewer"),
    )
    is_online = BooleanField(_l("This is an online venue (no address)"), widget=GovCheckboxInput())
    address = postal_address(_l("Address (optional)"), _l("The address"))
    postcode = StringField(
        _l("Postcode (optional)"),
        widget=GovTextInput(),
        filters=[_strip],
        render_kw={"spellcheck": "false", "params": {"classes": "govuk-input--width-10"}},
    )
    parking = TextAreaField(
        _l("Parking and getting there (optional)"),
        widget=GovTextArea(),
        filters=[_strip],
        validators=[Length(max=1000, message=_l("Parking must be 1000 characters or fewer"))],
        render_kw={"params": {"rows": 3}},
    )
    submit = SubmitField(_l("Save venue"), widget=GovSubmitInput())

    def validate_postcode(self, field):
        """An online venue has no postcode; one in a building needs one."""
        if self.is_online.data and field.data:
            raise ValidationError(_l("Leave the postcode empty for an online venue"))
        if not self.is_online.data and not field.data:
            raise ValidationError(_l("Enter the venue's postcode, like LE3 8RA"))
        if field.data:
            UKPostcode()(self, field)


class LocalityForm(FlaskForm):
    """An area the service is organised in."""

    name = _name_field(
        _l("Name of the locality"),
        _l("Enter the name of the locality"),
        _l("The name of the locality must be 200 characters or fewer"),
    )
    description = TextAreaField(
        _l("Description (optional)"),
        widget=GovTextArea(),
        description=_l("For example, the towns and villages it covers."),
        filters=[_strip],
        validators=[
            Length(max=1000, message=_l("The description must be 1000 characters or fewer"))
        ],
        render_kw={"params": {"rows": 3}},
    )
    submit = SubmitField(_l("Save locality"), widget=GovSubmitInput())


class ChecklistItemForm(FlaskForm):
    """One document applicants are asked for."""

    name = _name_field(
        _l("What the applicant sends"),
        _l("Enter what the applicant sends, like Proof of identity"),
        _l("What the applicant sends must be 200 characters or fewer"),
    )
    description = TextAreaField(
        _l("Help for the applicant (optional)"),
        widget=GovTextArea(),
        description=_l("For example, which documents count as proof of identity."),
        filters=[_strip],
        validators=[Length(max=1000, message=_l("The help must be 1000 characters or fewer"))],
        render_kw={"params": {"rows": 3}},
    )
    submit = SubmitField(_l("Save item"), widget=GovSubmitInput())


class OutcomeForm(FlaskForm):
    """The words of one TSDS outcome."""

    text = TextAreaField(
        _l("Outcome"),
        widget=GovTextArea(),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Enter the words of the outcome")),
            Length(max=2000, message=_l("The outcome must be 2000 characters or fewer")),
        ],
        render_kw={"params": {"rows": 5}},
    )
    submit = SubmitField(_l("Save outcome"), widget=GovSubmitInput())


class LanguagesForm(FlaskForm):
    """The languages the service's pages offer: a box for each shipped language, named in
    itself, with the default language ticked and fixed."""

    languages = SelectMultipleField(
        _l("Languages offered"),
        widget=GovCheckboxesInput(),
        description=_l(
            "People choose from these at the top of every page of the service. Emails keep "
            "going in the language each person chose, even one no longer offered."
        ),
        # Codes not shipped are dropped when saved (a tampered form), rather than shown as
        # an error nobody could have caused.
        validate_choice=False,
    )
    submit = SubmitField(_l("Save languages"), widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = default_language()
        self.languages.choices = [(code, LANGUAGE_NAMES[code]) for code in shipped_languages()]
        items = []
        for code in shipped_languages():
            # The name in itself for the label, in the reader's language as its hint.
            item = {"label": {"attributes": {"lang": code}}}
            if code == default:
                item.update(checked=True, disabled=True, hint={"text": _("Always offered")})
            else:
                item["hint"] = {"text": Locale.parse(code).get_display_name(get_locale())}
            items.append(item)
        # Built for each form: the widget takes the items out of the params it is given.
        self.languages.render_kw = {
            "params": {
                "items": items,
                "fieldset": {
                    "legend": {
                        "text": self.languages.label.text,
                        "classes": "govuk-fieldset__legend--m",
                    }
                },
            }
        }


class ButtonForm(FlaskForm):
    """A single button that posts (retire, bring back, move, disable, enable)."""

    submit = SubmitField(_l("Confirm"), widget=GovSubmitInput())
