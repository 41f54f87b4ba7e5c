"""Forms: allocate an assessor; record a check, a referee, a stage 2 session; complete."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from portal.assessments.models import CheckKind
from portal.core.forms import DayField, not_in_future, optional_text_area

CHECK_NAMES = {
    CheckKind.DBS: _l("DBS check"),
    CheckKind.LOCAL_AUTHORITY: _l("Local authority check"),
    CheckKind.MEDICAL: _l("Medical"),
    CheckKind.EMPLOYER: _l("Employer reference"),
    CheckKind.REFEREE: _l("Personal referee interviewed"),
    CheckKind.HOME_SAFETY: _l("Home safety check"),
}
TOPIC_MAX = 2000


def check_label(check) -> str:
    """How a check reads to staff; a referee by name."""
    if check.kind == CheckKind.REFEREE:
        return str(_l("Personal referee: %(name)s", name=check.name))
    return str(CHECK_NAMES[check.kind])


class AllocateForm(FlaskForm):
    """The team manager chooses the assessing social worker."""

    assessor = SelectField(
        _l("Assessing social worker"),
        widget=GovSelect(),
        validators=[InputRequired(message=_l("Choose an assessing social worker"))],
        validate_choice=False,
    )
    submit = SubmitField(_l("Allocate"), widget=GovSubmitInput())

    def set_assessors(self, people):
        """Offer the service's assessing social workers."""
        self.people = {str(p.id): p for p in people}
        self.assessor.choices = [SelectChoice("", _l("Choose"))] + [
            SelectChoice(str(p.id), p.name or p.email) for p in people
        ]

    def validate_assessor(self, field):
        if field.data not in self.people:
            raise ValidationError(_l("Choose an assessing social worker"))


class CheckForm(FlaskForm):
    """One stage 1 check done, on a day."""

    check = RadioField(
        _l("Which check is done?"),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose the check that is done"))],
        validate_choice=False,
    )
    done_on = DayField(
        _l("Date done"),
        description=_l("For example, 27 3 2026"),
        missing_message=_l("Enter the date the check was done"),
        invalid_message=_l("The date the check was done must be a real date"),
        validators=[not_in_future],
    )
    note = optional_text_area(_l("Note (optional)"), limit=1000, rows=2)
    submit = SubmitField(_l("Record check"), widget=GovSubmitInput())

    def set_checks(self, checks):
        """Offer the checks not done yet."""
        self.ids = {str(c.id) for c in checks}
        self.check.choices = [SelectChoice(str(c.id), check_label(c)) for c in checks]

    def validate_check(self, field):
        if field.data not in self.ids:
            raise ValidationError(_l("Choose the check that is done"))


class RefereeForm(FlaskForm):
    """A personal referee to interview."""

    name = StringField(
        _l("Referee's full name"),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter the referee's full name")),
            Length(max=200, message=_l("The name must be 200 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Add referee"), widget=GovSubmitInput())

    def validate_name(self, field):
        if not (field.data or "").strip():
            raise ValidationError(_l("Enter the referee's full name"))


class SessionForm(FlaskForm):
    """A stage 2 session held with the household."""

    held_on = DayField(
        _l("Date of the session"),
        description=_l("For example, 27 3 2026"),
        missing_message=_l("Enter the date of the session"),
        invalid_message=_l("The date of the session must be a real date"),
        validators=[not_in_future],
    )
    topic = TextAreaField(
        _l("What the session covered"),
        widget=GovTextArea(),
        validators=[
            InputRequired(message=_l("Enter what the session covered")),
            Length(
                max=TOPIC_MAX,
                message=_l("This must be %(max)s characters or fewer", max=TOPIC_MAX),
            ),
        ],
        render_kw={"params": {"rows": 3}},
    )
    submit = SubmitField(_l("Add session"), widget=GovSubmitInput())


class CompleteForm(FlaskForm):
    """Stage 1 is complete: the assessment goes to panel."""

    submit = SubmitField(_l("Assessment complete: move to panel"), widget=GovSubmitInput())
