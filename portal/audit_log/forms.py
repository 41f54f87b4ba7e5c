"""The audit log's filters: a GET form, every field optional."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from portal.audit_log.services import ACTION_LABELS, RECORD_TYPE_LABELS
from portal.core.forms import DayField, EmailField


def _by_label(labels: dict) -> list[tuple[str, str]]:
    return sorted(((code, str(label)) for code, label in labels.items()), key=lambda c: c[1])


class AuditFilterForm(FlaskForm):
    """Narrow the log to a person, a record, an action and a range of days."""

    class Meta:
        csrf = False  # a search that changes nothing, sent as a GET

    person = EmailField(
        _l("Person's email address"),
        validators=[Optional()],
        description=_l(
            "What they did, and what was done to their account. Type the whole address."
        ),
        render_kw={"autocomplete": "off"},  # someone else's address, not the reader's
    )
    record_type = SelectField(
        _l("Type of record"), widget=GovSelect(), default="", validate_choice=False
    )
    record_id = StringField(
        _l("Record id"),
        widget=GovTextInput(),
        description=_l("The number at the end of the record's page address, like 42."),
        validators=[Length(max=20, message=_l("Record id must be 20 digits or fewer"))],
        render_kw={
            "inputmode": "numeric",
            "autocomplete": "off",
            "spellcheck": "false",
            "params": {"classes": "govuk-input--width-10"},
        },
    )
    action = SelectField(_l("What happened"), widget=GovSelect(), default="", validate_choice=False)
    date_from = DayField(
        _l("Date from"),
        description=_l("For example, 1 4 2025"),
        optional=True,
        missing_message=_l("Date from must include a day, month and year"),
        invalid_message=_l("Date from must be a real date"),
    )
    date_to = DayField(
        _l("Date to"),
        description=_l("For example, 30 4 2025"),
        optional=True,
        missing_message=_l("Date to must include a day, month and year"),
        invalid_message=_l("Date to must be a real date"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.record_type.choices = [("", str(_l("Any type of record")))] + _by_label(
            RECORD_TYPE_LABELS
        )
        self.action.choices = [("", str(_l("Anything")))] + _by_label(ACTION_LABELS)

    def validate_record_id(self, field):
        field.data = (field.data or "").strip()
        if field.data and not field.data.isdigit():
            raise ValidationError(_l("Record id must be a number, like 42"))

    def validate_record_type(self, field):
        if field.data and field.data not in RECORD_TYPE_LABELS:
            raise ValidationError(_l("Choose a type of record from the list"))
        if (self.record_id.data or "").strip() and not field.data:
            raise ValidationError(_l("Choose the type of record to find it by its id"))

    def validate_action(self, field):
        if field.data and field.data not in ACTION_LABELS:
            raise ValidationError(_l("Choose what happened from the list"))

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("Date to must be the same as or after date from"))

    @property
    def is_filtered(self) -> bool:
        """True when any filter was given."""
        return any(
            (
                self.person.data,
                self.record_type.data,
                self.record_id.data,
                self.action.data,
                self.date_from.data,
                self.date_to.data,
            )
        )
