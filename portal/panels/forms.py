"""Forms: a panel date, booking onto a panel, papers sent, the recommendation, the
agency decision."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
)
from wtforms import RadioField, SelectChoice, SelectField, SubmitField
from wtforms.validators import DataRequired, ValidationError

from portal.accounts.models import CarerType
from portal.core.db import utcnow
from portal.core.forms import DayField, not_in_future, optional_text_area, required_text_area
from portal.core.times import london_today
from portal.panels.models import Outcome
from portal.staff.forms import CARER_TYPE_LABELS

RECOMMENDATION_LABELS = {
    Outcome.APPROVE: _l("Approve as foster carers"),
    Outcome.NOT_APPROVE: _l("Do not approve"),
}
DECISION_LABELS = {
    Outcome.APPROVE: _l("Approved"),
    Outcome.NOT_APPROVE: _l("Not approved"),
}


def _in_future(form, field):
    if field.data is None and not field.errors:
        raise ValidationError(field.missing_message)
    if field.data and field.data <= london_today(utcnow()):
        raise ValidationError(_l("The panel date must be in the future"))


def _carer_types():
    return [SelectChoice("", _l("Choose"))] + [
        SelectChoice(kind.value, label) for kind, label in CARER_TYPE_LABELS.items()
    ]


class PanelDateForm(FlaskForm):
    """A day the fostering panel meets."""

    meets_on = DayField(
        _l("Panel date"),
        description=_l("For example, 27 3 2027"),
        missing_message=_l("Enter the panel date"),
        invalid_message=_l("The panel date must be a real date"),
        validators=[_in_future],
    )
    notes = optional_text_area(
        _l("Where and when (optional)"),
        hint=_l("For example, County Hall, 10am"),
        limit=500,
        rows=2,
    )
    submit = SubmitField(_l("Add panel date"), widget=GovSubmitInput())


class BookForm(FlaskForm):
    """Choose the panel an application goes to."""

    panel = SelectField(
        _l("Panel date"),
        widget=GovSelect(),
        validators=[DataRequired(message=_l("Choose a panel date"))],
        validate_choice=False,
    )
    submit = SubmitField(_l("Book onto this panel"), widget=GovSubmitInput())

    def set_panels(self, panels, label):
        """Offer the panels whose papers can still go in time."""
        self.panels = {str(p.id): p for p in panels}
        self.panel.choices = [SelectChoice("", _l("Choose"))] + [
            SelectChoice(str(p.id), label(p)) for p in panels
        ]

    def validate_panel(self, field):
        if field.data not in self.panels:
            raise ValidationError(_l("Choose a panel date whose papers can still go out in time"))


class PapersForm(FlaskForm):
    """The day the papers went to the panel members."""

    sent_on = DayField(
        _l("Date the papers were sent"),
        description=_l("For example, 27 3 2027"),
        missing_message=_l("Enter the date the papers were sent"),
        invalid_message=_l("The date the papers were sent must be a real date"),
        validators=[not_in_future],
    )
    submit = SubmitField(_l("Record papers sent"), widget=GovSubmitInput())


class RecommendationForm(FlaskForm):
    """What the panel recommended."""

    recommendation = RadioField(
        _l("The panel's recommendation"),
        widget=GovRadioInput(),
        choices=[SelectChoice(o.value, label) for o, label in RECOMMENDATION_LABELS.items()],
        validators=[DataRequired(message=_l("Choose the panel's recommendation"))],
    )
    carer_type = SelectField(
        _l("Approval as"),
        widget=GovSelect(),
        description=_l("Needed when the panel recommends approval."),
        choices=_carer_types(),
    )
    recommended_on = DayField(
        _l("Date of the recommendation"),
        description=_l("For example, 27 3 2027"),
        missing_message=_l("Enter the date of the recommendation"),
        invalid_message=_l("The date of the recommendation must be a real date"),
        validators=[not_in_future],
    )
    note = required_text_area(
        _l("The panel's reasons"),
        _l("Give the panel's reasons"),
        hint=_l("The minutes' summary of why the panel recommends this."),
    )
    submit = SubmitField(_l("Record the recommendation"), widget=GovSubmitInput())

    def validate_carer_type(self, field):
        if self.recommendation.data == Outcome.APPROVE.value and not field.data:
            raise ValidationError(_l("Choose what the household is approved as"))


class DecisionForm(FlaskForm):
    """The agency decision maker's decision."""

    decision = RadioField(
        _l("Decision"),
        widget=GovRadioInput(),
        choices=[SelectChoice(o.value, label) for o, label in DECISION_LABELS.items()],
        validators=[DataRequired(message=_l("Choose the decision"))],
    )
    carer_type = SelectField(
        _l("Approved as"),
        widget=GovSelect(),
        description=_l("Needed for an approval. The panel's recommendation is chosen already."),
        choices=_carer_types(),
    )
    reasons = required_text_area(
        _l("Reasons for the decision"),
        _l("Give the reasons for the decision"),
        hint=_l("Write them as you would in the decision letter to the household."),
    )
    submit = SubmitField(_l("Record the decision"), widget=GovSubmitInput())

    def validate_carer_type(self, field):
        if self.decision.data == Outcome.APPROVE.value and not field.data:
            raise ValidationError(_l("Choose what the household is approved as"))


def carer_type_of(value: str) -> CarerType | None:
    """The chosen carer type, or None."""
    return CarerType(value) if value in {k.value for k in CarerType} else None
