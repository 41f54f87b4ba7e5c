"""Forms for the staff support page: meetings, the service's texts, fees and allowances."""

import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import IntegerField, RadioField, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from portal.core.forms import CharacterCountWidget, EndsAfterStart, date_and_times
from portal.core.validators import normalise_phone
from portal.support.models import PaymentKind
from portal.support.services import MAX_REPEATS

FORUM = "forum"
ONLINE = "online"
MAX_TEXT = 4000
MAX_WEEKLY_AMOUNT = Decimal("10000")

KIND_LABELS = {
    PaymentKind.FEE: _l("Fee: paid to the carer for their skills"),
    PaymentKind.ALLOWANCE: _l("Allowance: covers the child's day-to-day costs"),
}


class Radios(RadioField):
    """Radios whose tampered-with answer gets the same message as a missing one."""

    widget = GovRadioInput()

    def __init__(self, label=None, *, message, **kwargs):
        self.message = message
        super().__init__(label, validators=[InputRequired(message=message)], **kwargs)

    def pre_validate(self, form):
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(self.message)


class WholeNumberField(IntegerField):
    """A whole number that may be left empty, with a GOV.UK message when it is not one."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        self.invalid_message = kwargs.pop("invalid_message")
        render_kw = {"inputmode": "numeric", "params": {"classes": "govuk-input--width-2"}}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        typed = valuelist[0].strip() if valuelist else ""
        if typed and not typed.isdigit():
            raise ValueError(self.invalid_message)
        if typed:
            self.data = int(typed)


class MeetingForm(EndsAfterStart, FlaskForm):
    """A support group or Forum meeting, or the first of a monthly or quarterly run."""

    group = Radios(_l("Which meeting is it?"), message=_l("Choose which group is meeting"))
    day, starts, ends = date_and_times(
        missing_day=_l("Enter the date of the meeting"),
        invalid_day=_l("The date of the meeting must be a real date"),
        start_example=_l("UK time, for example 10:00"),
        end_example=_l("UK time, for example 12:00"),
    )
    place = Radios(_l("Where"), message=_l("Choose where the meeting is"))
    every_months = Radios(
        _l("Does it repeat?"),
        message=_l("Choose whether the meeting repeats"),
        choices=[
            SelectChoice("0", _l("No, just this date")),
            SelectChoice("1", _l("Every month, on the same weekday of the month")),
            SelectChoice("3", _l("Every 3 months, on the same weekday of the month")),
        ],
        default="0",
    )
    times = WholeNumberField(
        _l("How many meetings to add (if it repeats)"),
        description=_l("From 2 to %(max)s, including the first.", max=MAX_REPEATS),
        invalid_message=_l("Enter how many meetings as a number, like 3"),
    )
    submit = SubmitField(_l("Add meeting"), widget=GovSubmitInput())

    def __init__(self, localities, venues, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.group.choices = [SelectChoice(str(x.id), x.name) for x in localities]
        self.group.choices.append(SelectChoice(FORUM, _l("Foster Carers Forum")))
        self.place.choices = [SelectChoice(str(v.id), v.name) for v in venues if not v.is_online]
        self.place.choices.append(SelectChoice(ONLINE, _l("Online")))
        self.today = today

    def validate_day(self, field):
        """Meetings are added for the next two years."""
        if not field.data or not self.today:
            return
        if field.data < self.today:
            raise ValidationError(_l("The date of the meeting must be today or in the future"))
        if field.data > self.today + timedelta(days=2 * 365):
            raise ValidationError(_l("The date of the meeting must be within the next 2 years"))

    def validate_times(self, field):
        """A repeating meeting says how many times."""
        if field.errors or self.every_months.data in ("", "0"):
            return
        if field.data is None:
            raise ValidationError(_l("Enter how many meetings to add"))
        if not 2 <= field.data <= MAX_REPEATS:
            raise ValidationError(_l("Add from 2 to %(max)s meetings", max=MAX_REPEATS))


def _long_text(label, description, too_long):
    """A few paragraphs carers will read, with a character count."""
    return TextAreaField(
        label,
        widget=CharacterCountWidget(),
        description=description,
        validators=[Length(max=MAX_TEXT, message=too_long)],
        render_kw={"params": {"maxlength": MAX_TEXT, "rows": 8}},
    )


class PublishedPhone:
    """A number as the service publishes it: one or more numbers joined by ' or '."""

    def __call__(self, form, field):
        text = (field.data or "").strip()
        if text and any(normalise_phone(part) is None for part in text.split(" or ")):
            raise ValidationError(
                _l("Enter a telephone number, like 01632 960 001 or 0300 123 4567")
            )


class InformationForm(FlaskForm):
    """The service's own words for carers, and its out-of-hours number."""

    out_of_hours_phone = StringField(
        _l("Out-of-hours phone number (optional)"),
        widget=GovTextInput(),
        description=_l(
            "For urgent help when the office is closed. Separate two numbers with 'or'."
        ),
        validators=[
            Length(max=60, message=_l("The phone number must be 60 characters or fewer")),
            PublishedPhone(),
        ],
        render_kw={"type": "tel", "params": {"classes": "govuk-input--width-20"}},
    )
    mentor_scheme = _long_text(
        _l("Mentors for new foster carers (optional)"),
        _l(
            "How new carers get a mentor in their first year. Leave a blank line between "
            "paragraphs."
        ),
        _l("The mentor scheme must be 4000 characters or fewer"),
    )
    allegations_guidance = _long_text(
        _l("If an allegation is made (optional)"),
        _l(
            "What a carer should do, and the support they will get. Leave a blank line "
            "between paragraphs."
        ),
        _l("What to do if an allegation is made must be 4000 characters or fewer"),
    )
    allowances_note = _long_text(
        _l("Note under the fees and allowances table (optional)"),
        _l("For example, the year the amounts are for and how they are paid."),
        _l("The note must be 4000 characters or fewer"),
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


_MONEY = re.compile(r"^£?\s*(\d{1,3}(,\d{3})*|\d+)(\.\d{1,2})?$")


class MoneyField(StringField):
    """An amount in pounds ('£195', '1,250.50'); `.amount` holds it once valid."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {
            "inputmode": "decimal",
            "params": {"classes": "govuk-input--width-5", "prefix": {"text": "£"}},
        }
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.amount = None

    def post_validate(self, form, validation_stopped):
        if validation_stopped or self.errors:
            return
        typed = (self.data or "").strip()
        if not _MONEY.match(typed):
            raise ValidationError(_l("Enter an amount in pounds, like 195 or 195.50"))
        try:
            self.amount = Decimal(typed.lstrip("£").strip().replace(",", ""))
        except InvalidOperation:
            raise ValidationError(_l("Enter an amount in pounds, like 195 or 195.50")) from None
        if not 0 < self.amount < MAX_WEEKLY_AMOUNT:
            self.amount = None
            raise ValidationError(_l("Enter an amount between £0.01 and £9,999.99"))


class LevelForm(FlaskForm):
    """One row of the fees and allowances table."""

    kind = Radios(
        _l("Is it a fee or an allowance?"),
        message=_l("Choose whether it is a fee or an allowance"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
    )
    name = StringField(
        _l("Level"),
        widget=GovTextInput(),
        description=_l("For example, Level 2, or Age 5 to 10."),
        filters=[lambda typed: typed.strip() if typed else typed],
        validators=[
            DataRequired(message=_l("Enter the name of the level")),
            Length(max=200, message=_l("The name must be 200 characters or fewer")),
        ],
    )
    description = StringField(
        _l("Who it is for (optional)"),
        widget=GovTextInput(),
        validators=[
            Length(max=500, message=_l("Who it is for must be 500 characters or fewer")),
        ],
    )
    weekly_amount = MoneyField(
        _l("Amount per week"),
        validators=[InputRequired(message=_l("Enter the amount per week"))],
    )
    submit = SubmitField(_l("Save level"), widget=GovSubmitInput())


class RemoveForm(FlaskForm):
    """A single button that takes a meeting or a level away."""

    submit = SubmitField(_l("Remove"), widget=GovSubmitInput())
