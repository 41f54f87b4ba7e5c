"""Staff forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError

from portal.accounts.models import CarerType, Role
from portal.core.forms import EmailField

ROLE_LABELS = {
    Role.PROSPECTIVE_CARER: _l("Prospective foster carer"),
    Role.APPROVED_CARER: _l("Approved foster carer"),
    Role.YOUNG_PERSON: _l("Young person"),
    Role.RECRUITMENT: _l("Recruitment team"),
    Role.INITIAL_VISITOR: _l("Initial visitor"),
    Role.ASSESSING_SOCIAL_WORKER: _l("Assessing social worker"),
    Role.SUPERVISING_SOCIAL_WORKER: _l("Supervising social worker"),
    Role.TRAINING_COORDINATOR: _l("Training co-ordinator"),
    Role.CHILDRENS_RIGHTS_OFFICER: _l("Children's Rights Officer"),
    Role.COMPLAINTS_MANAGER: _l("Complaints manager"),
    Role.SERVICE_MANAGER: _l("Service manager"),
}

CARER_TYPE_LABELS = {
    CarerType.MAINSTREAM: _l("Mainstream"),
    CarerType.FAMILY_AND_FRIENDS: _l("Family and friends (kinship)"),
    CarerType.SHORT_BREAK: _l("Short breaks"),
    CarerType.SPECIALIST: _l("Specialist"),
    CarerType.SUPPORTED_LODGINGS: _l("Supported lodgings host"),
}


class InviteForm(FlaskForm):
    """Invite someone to an account in this service."""

    name = StringField(
        _l("Their name"),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter the person's name")),
            Length(max=200, message=_l("Name must be 200 characters or fewer")),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    email = EmailField(
        _l("Their email address"),
        validators=[InputRequired(message=_l("Enter the person's email address"))],
        render_kw={"autocomplete": "off"},
    )
    role = RadioField(
        _l("Role"),
        widget=GovRadioInput(),
        validators=[InputRequired(message=_l("Choose the person's role"))],
    )
    carer_type = RadioField(
        _l("Type of foster carer"),
        widget=GovRadioInput(),
        description=_l("Only for approved foster carers."),
        choices=[SelectChoice(kind.value, label) for kind, label in CARER_TYPE_LABELS.items()],
        validate_choice=False,
    )
    submit = SubmitField(_l("Send invitation"), widget=GovSubmitInput())

    def __init__(self, roles: list[Role], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice(role.value, ROLE_LABELS[role]) for role in roles]

    def validate_carer_type(self, field):
        """An approved carer's invitation says what kind of carer they are."""
        if self.role.data != Role.APPROVED_CARER:
            field.data = None
            return
        if field.data not in {kind.value for kind in CarerType}:
            raise ValidationError(_l("Choose the type of foster carer"))


class AssignForm(FlaskForm):
    """Make a colleague responsible for one item on My work."""

    assignee = SelectField(_l("Assigned to"), widget=GovSelect(), validate_choice=False)
    submit = SubmitField(_l("Assign"), widget=GovSubmitInput())

    def __init__(self, people, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(person.id): person for person in people}
        self.assignee.choices = [SelectChoice("", _l("Nobody"))] + [
            SelectChoice(key, person.name) for key, person in self.people.items()
        ]

    def validate_assignee(self, field):
        if field.data and field.data not in self.people:
            raise ValidationError(_l("Choose a colleague who works on this queue"))

    @property
    def chosen(self):
        """The colleague chosen, or None for nobody."""
        return self.people.get(self.assignee.data or "")


class DoneForm(FlaskForm):
    """Take one item off My work."""

    submit = SubmitField(_l("Mark done"), widget=GovSubmitInput())
