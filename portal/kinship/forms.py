"""Forms: a request to care for a child one knows, and the staff's steps after it."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import IntegerField, RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from portal.core.db import utcnow
from portal.core.forms import (
    DayField,
    EmailField,
    full_name_field,
    not_in_future,
    optional_text_area,
    phone_field,
    postcode_field,
    required_text_area,
)
from portal.core.times import london_today
from portal.kinship.models import Connection, Ending, Viability

CONNECTION_LABELS = {
    Connection.GRANDPARENT: _l("Grandparent"),
    Connection.AUNT_OR_UNCLE: _l("Aunt or uncle"),
    Connection.BROTHER_OR_SISTER: _l("Brother or sister"),
    Connection.OTHER_RELATIVE: _l("Another relative"),
    Connection.FAMILY_FRIEND: _l("Family friend"),
    Connection.OTHER: _l("Someone else who knows the child well"),
}
VIABILITY_LABELS = {
    Viability.VIABLE: _l("Viable: go on to the full assessment"),
    Viability.NOT_VIABLE: _l("Not viable"),
    Viability.WITHDRAWN: _l("Withdrawn by the person who asked"),
}
ENDING_LABELS = {
    Ending.APPROVED: _l("Approved as foster carers after the full assessment"),
    Ending.CHILD_MOVED: _l("The child moved to another home"),
    Ending.OTHER_ORDER: _l(
        "Another order, such as special guardianship or a child arrangements order"
    ),
}
CHILD_MAX_AGE_YEARS = 18


def _a_childs_birthday(form, field):
    if field.data is None:
        return
    today = london_today(utcnow())
    if field.data > today:
        raise ValidationError(_l("The child's date of birth must be today or in the past"))
    if field.data < today.replace(year=today.year - CHILD_MAX_AGE_YEARS):
        raise ValidationError(_l("The child must be under 18"))


class KinshipRequestForm(FlaskForm):
    """Someone in a child's family or network asks to be assessed to care for them."""

    name = full_name_field()
    email = EmailField(
        _l("Email address"), validators=[InputRequired(message=_l("Enter your email address"))]
    )
    phone = phone_field()
    postcode = postcode_field()
    connection = RadioField(
        _l("How do you know the child?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(c.value, label) for c, label in CONNECTION_LABELS.items()],
        validators=[DataRequired(message=_l("Choose how you know the child"))],
    )
    child_name = StringField(
        _l("The child's full name"),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter the child's full name")),
            Length(max=200, message=_l("The child's name must be 200 characters or fewer")),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    child_born_on = DayField(
        _l("The child's date of birth (optional)"),
        description=_l("For example, 27 3 2015. Leave it empty if you do not know it."),
        invalid_message=_l("The child's date of birth must be a real date"),
        optional=True,
        validators=[_a_childs_birthday],
    )
    childs_social_worker = StringField(
        _l("The child's social worker (optional)"),
        widget=GovTextInput(),
        description=_l("Their name, and their team if you know it."),
        validators=[Length(max=200, message=_l("This must be 200 characters or fewer"))],
        render_kw={"autocomplete": "off"},
    )
    lives_with_them_since = DayField(
        _l("If the child lives with you already, since when? (optional)"),
        description=_l("For example, 1 11 2026. Leave it empty if they do not live with you."),
        invalid_message=_l("The date the child came to live with you must be a real date"),
        optional=True,
        validators=[not_in_future],
    )
    message = optional_text_area(
        _l("Anything else you would like us to know (optional)"),
        _l("For example, why you are asking now, or the best time to call you."),
        limit=2000,
        rows=4,
    )
    submit = SubmitField(_l("Send my request"), widget=GovSubmitInput())


class ViabilityForm(FlaskForm):
    """What the viability assessment found."""

    outcome = RadioField(
        _l("Outcome of the viability assessment"),
        widget=GovRadioInput(),
        choices=[SelectChoice(v.value, label) for v, label in VIABILITY_LABELS.items()],
        validators=[DataRequired(message=_l("Choose the outcome"))],
    )
    reasons = required_text_area(
        _l("Reasons"),
        _l("Give the reasons for the outcome"),
        hint=_l(
            "These stay in the record. The letter says only the outcome and what happens next."
        ),
    )
    submit = SubmitField(_l("Record the outcome"), widget=GovSubmitInput())


class TemporaryApprovalForm(FlaskForm):
    """Regulation 24: approve a connected person for this child, for a limited time."""

    approved_on = DayField(
        _l("Date of the temporary approval"),
        description=_l("For example, 27 3 2027. The day the child was placed under it."),
        missing_message=_l("Enter the date of the temporary approval"),
        invalid_message=_l("The date of the temporary approval must be a real date"),
        validators=[not_in_future],
    )
    submit = SubmitField(_l("Approve temporarily"), widget=GovSubmitInput())


class ExtensionForm(FlaskForm):
    """Regulation 25: extend the temporary approval once."""

    weeks = IntegerField(
        _l("Extend by how many weeks?"),
        widget=GovTextInput(),
        validators=[InputRequired(message=_l("Enter the number of weeks"))],
        render_kw={"inputmode": "numeric", "params": {"classes": "govuk-input--width-2"}},
    )
    reasons = required_text_area(
        _l("Reasons for the extension"),
        _l("Give the reasons for the extension"),
        hint=_l("Include the fostering panel's view if it was asked."),
    )
    submit = SubmitField(_l("Extend"), widget=GovSubmitInput())

    def __init__(self, *args, most: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.most = most
        self.weeks.description = lazy_ngettext(
            "Up to %(num)d week, once.", "Up to %(num)d weeks, once.", most
        )

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        super().process(formdata, obj, data, extra_filters, **kwargs)
        if self.weeks.process_errors:
            self.weeks.process_errors = [_l("Enter the number of weeks as a number, like 8")]

    def validate_weeks(self, field):
        NumberRange(
            min=1,
            max=self.most,
            message=_l("Enter a number of weeks from 1 to %(most)s", most=self.most),
        )(self, field)


class EndForm(FlaskForm):
    """The temporary approval ends."""

    ending = RadioField(
        _l("Why does the temporary approval end?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(e.value, label) for e, label in ENDING_LABELS.items()],
        validators=[DataRequired(message=_l("Choose why it ends"))],
    )
    ended_on = DayField(
        _l("Date it ended"),
        description=_l("For example, 27 3 2027"),
        missing_message=_l("Enter the date it ended"),
        invalid_message=_l("The date it ended must be a real date"),
        validators=[not_in_future],
    )
    submit = SubmitField(_l("End the temporary approval"), widget=GovSubmitInput())
