"""Forms for publishing visit slots, choosing one, and writing the visit record."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea
from wtforms import RadioField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, StopValidation

from portal.core.forms import DayField, TimeOfDayField
from portal.visits.models import Recommendation, VisitMode

MODE_LABELS = {
    VisitMode.AT_HOME: _l("At home"),
    VisitMode.VIDEO: _l("By video call"),
}

RECOMMENDATION_LABELS = {
    Recommendation.PROGRESS_TO_ASSESSMENT: _l("Progress to assessment"),
    Recommendation.NOT_NOW: _l("Not now"),
    Recommendation.NOT_SUITABLE: _l("Not suitable"),
}

LENGTHS = (60, 90, 120)
RECORD_MAX = 5000


def _given(message):
    """A field left out of the post altogether gets `message` (typed nonsense has its own)."""

    def check(form, field):
        if field.data is None and not field.process_errors:
            raise StopValidation(message)

    return check


class ChoiceField(RadioField):
    """GOV.UK radios where a missing or unknown answer gets one specific message."""

    widget = GovRadioInput()

    def __init__(self, label=None, *, message, **kwargs):
        super().__init__(label, **kwargs)
        self.message = message

    def pre_validate(self, form):
        if self.data not in {value for value, *_ in self.iter_choices()}:
            raise StopValidation(self.message)


def _radio(label, message, **kwargs):
    return ChoiceField(label, message=message, **kwargs)


class SlotForm(FlaskForm):
    """A new visit slot: when, how long, who visits, where and how."""

    day = DayField(
        _l("Date of the visit"),
        description=_l("For example, 27 3 2026"),
        validators=[_given(_l("Enter a date"))],
        missing_message=_l("Enter a date"),
        invalid_message=_l("Date of the visit must be a real date"),
    )
    start_time = TimeOfDayField(
        _l("Start time"),
        description=_l("UK time, for example 10:30 or 2:30pm"),
        validators=[InputRequired(message=_l("Enter a start time"))],
        invalid_message=_l("Enter the start time in the correct format, like 10:30 or 2:30pm"),
    )
    minutes = _radio(
        _l("Length of the visit"),
        _l("Choose how long the visit is"),
        choices=[SelectChoice(str(n), _l("%(count)s minutes", count=n)) for n in LENGTHS],
        default=str(LENGTHS[1]),
    )
    visitor = _radio(_l("Initial visitor"), _l("Choose an initial visitor"))
    locality = _radio(_l("Area"), _l("Choose an area"))
    mode = _radio(
        _l("How the visit happens"),
        _l("Choose at home or by video call"),
        choices=[SelectChoice(mode.value, label) for mode, label in MODE_LABELS.items()],
    )
    submit = SubmitField(_l("Publish slot"), widget=GovSubmitInput())

    def __init__(self, visitors, localities, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.visitor.choices = [SelectChoice(str(v.id), v.name or v.email) for v in visitors]
        self.locality.choices = [SelectChoice(str(x.id), x.name) for x in localities]


class RemoveSlotForm(FlaskForm):
    """Take an unbooked slot away."""

    submit = SubmitField(_l("Remove"), widget=GovSubmitInput())


class AreaForm(FlaskForm):
    """Narrow the visit times to one area (a GET form: nothing changes, so no CSRF)."""

    class Meta:
        csrf = False

    area = SelectField(_l("Area"), widget=GovSelect(), validators=[Optional()], default="")

    def __init__(self, localities, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.area.choices = [SelectChoice("", _l("All areas"))] + [
            SelectChoice(str(x.id), x.name) for x in localities
        ]

    @property
    def locality_id(self) -> int | None:
        """The chosen area's id, or None for every area (or a value that is not one)."""
        value = self.area.data or ""
        choices = {choice.value for choice in self.area.choices}
        return int(value) if value.isdigit() and value in choices else None


class ChooseSlotForm(FlaskForm):
    """Pick one of the visit times on offer."""

    slot = RadioField(
        _l("Choose a time for your visit"),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose a time for your visit"))],
        # The service decides: a time taken since the page loaded gets its own message.
        validate_choice=False,
    )
    submit = SubmitField(_l("Book this visit"), widget=GovSubmitInput())

    def __init__(self, choices, submit_label=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.slot.choices = choices
        if submit_label is not None:
            self.submit.label.text = submit_label

    def validate_slot(self, field):
        """A tampered value gets the same words as no answer at all."""
        if not (field.data or "").isdigit():
            raise StopValidation(_l("Choose a time for your visit"))

    @property
    def slot_id(self) -> int:
        """The chosen slot's id, once the form is valid."""
        return int(self.slot.data)


class CancelVisitForm(FlaskForm):
    """Confirm cancelling the visit."""

    submit = SubmitField(_l("Yes, cancel my visit"), widget=GovSubmitInput())


def _record_text(label, message, too_long):
    return StringField(
        label,
        widget=GovTextArea(),
        validators=[InputRequired(message=message), Length(max=RECORD_MAX, message=too_long)],
    )


class RecordForm(FlaskForm):
    """The initial visitor's record of the visit."""

    motivation = _record_text(
        _l("Motivation to foster"),
        _l("Enter their motivation to foster"),
        _l("Motivation to foster must be 5000 characters or fewer"),
    )
    understanding = _record_text(
        _l("Understanding of fostering"),
        _l("Enter their understanding of fostering"),
        _l("Understanding of fostering must be 5000 characters or fewer"),
    )
    skills = _record_text(
        _l("Skills and attributes"),
        _l("Enter their skills and attributes"),
        _l("Skills and attributes must be 5000 characters or fewer"),
    )
    recommendation = _radio(
        _l("Recommendation"),
        _l("Choose a recommendation"),
        choices=[SelectChoice(r.value, label) for r, label in RECOMMENDATION_LABELS.items()],
    )
    notes = StringField(
        _l("Anything else (optional)"),
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=RECORD_MAX, message=_l("Notes must be 5000 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Save record"), widget=GovSubmitInput())
