"""Form pieces every feature uses: GOV.UK widgets whose built-in words are translated."""

import re
from collections.abc import Callable
from datetime import date, time

from babel import Locale
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.gov_form_base import GovFormBase
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovDateInput,
    GovPasswordInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError

from portal.core.db import utcnow
from portal.core.text import normalise_email
from portal.core.times import london_today
from portal.core.validators import normalise_phone, normalise_postcode


class PasswordWidget(GovPasswordInput):
    """The GOV.UK password input with its show/hide button in the reader's language."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        # The macro writes its own autocomplete attribute; pass ours through it, not beside it.
        autocomplete = params["attributes"].pop("autocomplete", None)
        if autocomplete:
            params["autocomplete"] = autocomplete
        params.setdefault("showPasswordText", str(_l("Show")))
        params.setdefault("hidePasswordText", str(_l("Hide")))
        params.setdefault("showPasswordAriaLabelText", str(_l("Show password")))
        params.setdefault("hidePasswordAriaLabelText", str(_l("Hide password")))
        params.setdefault("passwordShownAnnouncementText", str(_l("Your password is visible")))
        params.setdefault("passwordHiddenAnnouncementText", str(_l("Your password is hidden")))
        return params


def _render_with_error_prefix(render):
    """Every GOV.UK widget's error message starts with a word only screen readers hear,
    and the macro's own is English. Forms use govuk-frontend-wtf's widget classes directly,
    so the base they all render through is given the reader's word, once, here."""

    def render_with_prefix(self, params):
        if params.get("errorMessage"):
            params["errorMessage"].setdefault("visuallyHiddenText", _("Error"))
        return render(self, params)

    return render_with_prefix


GovFormBase.render = _render_with_error_prefix(GovFormBase.render)


def plural_messages(message: Callable[[int], str]) -> dict[str, str]:
    """`message(number)` for a number in each plural category of the reader's language
    (one, few, many, other), as GOV.UK Frontend's scripts choose among such messages by
    the count they hold."""
    rule = Locale.parse(str(get_locale())).plural_form
    examples: dict[str, int] = {}
    for number in range(1, 200):  # the scripts count from 1 (0 has a message of its own)
        examples.setdefault(rule(number), number)
    examples.setdefault("other", examples.get("many", 5))
    return {category: message(number) for category, number in examples.items()}


class CharacterCountWidget(GovCharacterCount):
    """The GOV.UK character count with its messages in the reader's language: the limit
    shown without JavaScript and the count its script keeps."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        count = "%{count}"  # the script's placeholder for the number
        params.setdefault(
            "textareaDescriptionText", _("You can enter up to %(count)s characters", count=count)
        )
        params.setdefault(
            "charactersUnderLimitText",
            plural_messages(
                lambda number: ngettext(
                    "You have %(count)s character remaining",
                    "You have %(count)s characters remaining",
                    number,
                    count=count,
                )
            ),
        )
        params.setdefault("charactersAtLimitText", _("You have 0 characters remaining"))
        params.setdefault(
            "charactersOverLimitText",
            plural_messages(
                lambda number: ngettext(
                    "You have %(count)s character too many",
                    "You have %(count)s characters too many",
                    number,
                    count=count,
                )
            ),
        )
        return params


class EmailField(StringField):
    """An email address field: GOV.UK text input, email keyboard, stored lower-case."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        validators = list(validators or []) + [
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            Email(
                message=_l("Enter an email address in the correct format, like name@example.com"),
                check_deliverability=False,
            ),
        ]
        render_kw = {
            "type": "email",
            "autocomplete": "email",
            "spellcheck": "false",
            "params": {"classes": "govuk-!-width-full"},
        }
        render_kw.update(kwargs.pop("render_kw", {}) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data:
            self.data = normalise_email(self.data)


class UKPhone:
    """A phone number we can call; on success the field holds it in its stored form."""

    def __init__(self, message=None):
        self.message = message or _l(
            "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
        )

    def __call__(self, form, field):
        stored = normalise_phone(field.data or "")
        if stored is None:
            raise ValidationError(self.message)
        field.data = stored


class UKPostcode:
    """A full UK postcode; on success the field holds it in capitals, spaced."""

    def __init__(self, message=None):
        self.message = message or _l("Enter a real postcode, like LE3 8SA")

    def __call__(self, form, field):
        stored = normalise_postcode(field.data or "")
        if stored is None:
            raise ValidationError(self.message)
        field.data = stored


class DateWidget(GovDateInput):
    """GOV.UK date input with translated part labels; the day box carries the field's id
    so the error summary's link lands on it."""

    def map_gov_params(self, field, **kwargs):
        raw = field.raw_data
        if raw is not None and len(raw) != 3:
            field.raw_data = None  # a tampered form: show the boxes empty
        params = super().map_gov_params(field, **kwargs)
        labels = [_l("Day"), _l("Month"), _l("Year")]
        for item, label in zip(params["items"], labels, strict=True):
            item["label"] = str(label)
        params["items"][0]["id"] = field.id
        # The group needs an id of its own: sharing the day box's would leave that box
        # without a label. Its error message is then "<field>-date-error".
        params["id"] = f"{field.id}-date"
        params["items"][0]["attributes"] = {"inputmode": "numeric"}
        params["items"][1]["attributes"] = {"inputmode": "numeric"}
        params["items"][2]["attributes"] = {"inputmode": "numeric"}
        return params


class DayField(DateField):
    """A date typed as day, month and year, with GOV.UK's error messages."""

    widget = DateWidget()

    def __init__(self, label=None, validators=None, **kwargs):
        self.missing_message = kwargs.pop("missing_message", _l("Enter a date"))
        self.invalid_message = kwargs.pop("invalid_message", _l("Enter a real date"))
        self.optional = kwargs.pop("optional", False)
        super().__init__(label, validators, format="%d %m %Y", **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        parts = [part.strip() for part in valuelist]
        if self.optional and len(parts) == 3 and not any(parts):
            self.data = None  # left empty on purpose: fine
            return
        if len(parts) != 3 or not any(parts):
            self.data = None
            raise ValueError(self.missing_message)
        if not all(part.isdigit() for part in parts) or len(parts[2]) != 4:
            self.data = None
            raise ValueError(self.invalid_message)
        try:
            self.data = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            self.data = None
            raise ValueError(self.invalid_message) from None


_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


def parse_time(typed: str) -> time | None:
    """'18:30', '6.30pm' or '6pm' as a time; None when it is not a time of day."""
    match = _TIME.match((typed or "").strip())
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.lower() == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class TimeOfDayField(StringField):
    """A time typed as text ('18:30' or '6:30pm'); `.time` holds it once valid."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        self.invalid_message = kwargs.pop("invalid_message", _l("Enter a real time, like 18:30"))
        render_kw = {"params": {"classes": "govuk-input--width-5"}, "autocomplete": "off"}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.time = None

    def post_validate(self, form, validation_stopped):
        if validation_stopped or self.errors:
            return
        self.time = parse_time(self.data)
        if self.time is None:
            raise ValidationError(self.invalid_message)


def full_name_field() -> StringField:
    """A person's full name, as every form asks for it."""
    return StringField(
        _l("Full name"),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter your full name")),
            Length(max=200, message=_l("Full name must be 200 characters or fewer")),
        ],
        render_kw={"autocomplete": "name", "spellcheck": "false"},
    )


def phone_field(description=None) -> StringField:
    """A phone number, checked and stored in one form (see UKPhone)."""
    return StringField(
        _l("Phone number"),
        widget=GovTextInput(),
        description=description,
        validators=[InputRequired(message=_l("Enter your phone number")), UKPhone()],
        render_kw={
            "type": "tel",
            "autocomplete": "tel",
            "params": {"classes": "govuk-input--width-20"},
        },
    )


def postcode_field() -> StringField:
    """A UK postcode, checked and stored in one form (see UKPostcode)."""
    return StringField(
        _l("Postcode"),
        widget=GovTextInput(),
        validators=[InputRequired(message=_l("Enter your postcode")), UKPostcode()],
        render_kw={
            "autocomplete": "postal-code",
            "spellcheck": "false",
            "params": {"classes": "govuk-input--width-10"},
        },
    )


def reference_field(label, example, missing_message) -> StringField:
    """A reference such as CR-7KQ2MX, typed back to open what someone sent."""
    return StringField(
        label,
        widget=GovTextInput(),
        description=example,
        validators=[InputRequired(message=missing_message)],
        render_kw={
            "autocomplete": "off",
            "spellcheck": "false",
            # Written left to right on right-to-left pages too (static/src/app.scss).
            "params": {"classes": "govuk-input--width-10 app-ltr"},
        },
    )


def secret_words_field() -> StringField:
    """The secret words that go with a reference (see portal/core/keys.py)."""
    return StringField(
        _l("Your secret words"),
        widget=GovTextInput(),
        description=_l("For example, kite-river-plum-47."),
        validators=[InputRequired(message=_l("Enter your secret words"))],
        render_kw={
            "autocomplete": "off",
            "spellcheck": "false",
            "params": {"classes": "app-ltr"},
        },
    )


def not_in_future(form, field):
    """A DayField's validator: the day is today or earlier (in London)."""
    if field.data is None:
        if field.optional or field.errors:
            return  # left empty on purpose, or already told what is wrong
        raise ValidationError(field.missing_message)  # a tampered post with no boxes at all
    if field.data and field.data > london_today(utcnow()):
        raise ValidationError(_l("The date must be today or in the past"))


def optional_text_area(label, hint=None, limit=1000, rows=3) -> TextAreaField:
    """A free-text answer that may be left empty."""
    return TextAreaField(
        label,
        widget=GovTextArea(),
        description=hint,
        validators=[
            Length(max=limit, message=_l("This must be %(max)s characters or fewer", max=limit))
        ],
        render_kw={"params": {"rows": rows}},
    )


def required_text_area(label, missing, hint=None, limit=5000, rows=4) -> TextAreaField:
    """A free-text answer that must be given (reasons for a decision, a panel's note)."""
    return TextAreaField(
        label,
        widget=GovTextArea(),
        description=hint,
        validators=[
            DataRequired(message=missing),
            Length(max=limit, message=_l("This must be %(max)s characters or fewer", max=limit)),
        ],
        render_kw={"params": {"rows": rows}},
    )


def date_and_times(*, missing_day, invalid_day, start_example, end_example):
    """The date, start and end of something that happens on one day (an event, a training
    session, a support group meeting): `day, starts, ends = date_and_times(...)`."""
    return (
        DayField(
            _l("Date"),
            description=_l("For example, 27 3 2027"),
            missing_message=missing_day,
            invalid_message=invalid_day,
        ),
        TimeOfDayField(
            _l("Start time"),
            description=start_example,
            validators=[InputRequired(message=_l("Enter a start time"))],
        ),
        TimeOfDayField(
            _l("End time"),
            description=end_example,
            validators=[InputRequired(message=_l("Enter an end time"))],
        ),
    )


class EndsAfterStart:
    """A form mixin for date_and_times(): the end time must come after the start."""

    def validate_ends(self, field):
        starts, ends = parse_time(self.starts.data or ""), parse_time(field.data or "")
        if starts and ends and ends <= starts:
            raise ValidationError(_l("The end time must be after the start time"))
